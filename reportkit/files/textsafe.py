"""Text that XML 1.0 (and so Word and Excel) can hold."""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Remove the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _ILLEGAL.sub("", text)


def has_illegal(text: str) -> bool:
    return bool(_ILLEGAL.search(text))


def safe_file_name(name: str, fallback: str = "_") -> str:
    """A division or 管理番号 as a file or folder name on Windows too (``fallback`` when nothing is left)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or fallback
