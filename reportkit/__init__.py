"""reportkit: from per-project card workbooks to the annual SME-promotion report."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """``reportkit.build_report``, imported only when asked for (``python -m reportkit --help`` stays light)."""
    if name == "build_report":
        from .report.build import build_report

        return build_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
