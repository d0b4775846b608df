"""The Word document: the only package that imports python-docx.

``render_report(report, config, narratives, statistics, out_path)`` writes the .docx from the
narratives and statistics as read with the year's inputs (``year_inputs``): render opens no file of
the input folder.
python-docx is imported on first use, so a module that needs only ``NarrativeError`` does not pay
for it. ``package`` sets page numbers and settings on the saved file.
"""

from ..report.narrative_templates import NarrativeError

__all__ = ["render_report", "NarrativeError"]


def __getattr__(name: str):
    if name == "render_report":
        from .document import render_report

        return render_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
