"""Year over year: roll an input folder forward, compare two years, write the diff and the redline.

``rollover`` (next year's input folder), ``compare`` (two sides → a Diff), ``outputs`` (the
terminal summary, diff.xlsx, diff.html), ``redline`` (this year's report.docx with last year's
differences as tracked changes, cards paired as ``compare`` pairs projects), ``cli`` (the
``rollover`` and ``diff`` commands of ``reportkit.cli.main``).
"""
