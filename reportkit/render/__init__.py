"""The Word document: the only package that imports python-docx.

``render_report(report, config, narratives_dir, statistics_dir, out_path)`` writes the .docx.
"""

from .document import render_report
from .narratives import NarrativeError

__all__ = ["render_report", "NarrativeError"]
