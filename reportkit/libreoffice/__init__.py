"""LibreOffice, the only home of ``subprocess`` and pypdf: true page numbers and the PDF without Word.

``pages`` drives LibreOffice from reportkit's interpreter: the page of every bookmark, the PDF,
in a LibreOffice kept running when there is one. ``uno_helper`` holds what reads Writer's layout
over UNO and, being a file of the standard library only at its top level, is also run as a script
by an interpreter that can import ``uno`` (often LibreOffice's own, not this one).
"""
