"""Text files as Excel and Notepad save them on a Japanese PC: UTF-8 (with or without a BOM), else cp932.

Excel's 「CSV (コンマ区切り)」 is cp932 (Shift_JIS), 「CSV UTF-8」 is UTF-8 with a BOM; Notepad saves
UTF-8. UTF-8 is tried first: a cp932 text of Japanese is almost never valid UTF-8, the reverse often is.
"""

from __future__ import annotations

ENCODINGS = ("utf-8-sig", "cp932")
ENCODING_ADVICE = "UTF-8（BOM 付き可）か Shift_JIS（Excel の「CSV (コンマ区切り)」）で保存してください"


def decode_excel_text(data: bytes) -> str:
    """``data`` as text (UTF-8, a BOM dropped, else cp932); UnicodeDecodeError when it is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")
