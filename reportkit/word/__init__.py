"""Narratives written in Word: the .docx reader into the one block model, and the writer of such files.

With ``render/``, a home of python-docx (the writer); the reader reads the WordprocessingML itself,
with lxml hardened as for card workbooks (``files.safexml``).
"""
