"""The Word document: the only package that imports python-docx.

``render_report(report, config, narratives_dir, statistics_dir, out_path)`` writes the .docx.
python-docx is imported on first use, so a module that needs only ``render.text`` (the narratives'
filters, checked by ``validate``) does not pay for it.
"""

from ..narrative_templates import NarrativeError

__all__ = ["render_report", "NarrativeError"]


def __getattr__(name: str):
    if name == "render_report":
        from .document import render_report

        return render_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
