"""The text of a file Excel may have written: its CSV files in any of the encodings it saves them in.

Excel on a Japanese Windows saves 「CSV (コンマ区切り)」 in cp932 (Shift_JIS with Microsoft's
extensions) and 「CSV UTF-8 (コンマ区切り)」 in UTF-8 with a BOM; other tools write UTF-8 without one.
UTF-8 is tried first, strictly: a cp932 file of Japanese text is practically never valid UTF-8,
while UTF-8 text read as cp932 would be silently garbled. Then cp932, strictly. Anything else
(UTF-16 「Unicode テキスト」, binary) is an InputFileError naming the file and the way out.
"""

from __future__ import annotations

from ..errors import InputFileError

ENCODINGS = ("utf-8-sig", "cp932")  # the order tried; utf-8-sig reads UTF-8 with or without a BOM
# Never in a text Excel saves, yet decoded without complaint: NUL (every other byte of UTF-16) and the
# private-use characters Python's cp932 gives the bytes 0xA0, 0xFD–0xFF (UTF-16's BOM is FF FE).
_NOT_TEXT = frozenset("\x00\uf8f0\uf8f1\uf8f2\uf8f3")


def excel_text(data: bytes, shown: str) -> str:
    """``data`` decoded as UTF-8 (a BOM stripped) or cp932; InputFileError naming ``shown`` when it is neither."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _NOT_TEXT.isdisjoint(text):
            return text
    raise InputFileError(f"{shown} を読めません（文字コードが UTF-8 でもシフトJIS でもありません）。"
                         "Excel で開き「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」で保存し直してください。")
