"""reportkit: from per-project card workbooks to the annual SME-promotion report."""

__version__ = "0.1.0"
