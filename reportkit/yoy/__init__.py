"""Year over year: roll an input folder forward, compare two years, write the diff and the redline.

``rollover`` (next year's input folder), ``compare`` (two sides → a Diff), ``outputs`` (the
terminal summary, diff.xlsx, diff.html), ``redline`` (tracked changes between two report.docx),
``cli`` (the ``rollover`` and ``diff`` commands of ``reportkit.cli``).
"""
