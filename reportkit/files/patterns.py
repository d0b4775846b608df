"""File arguments given as patterns (``返信/*.xlsx``) that no shell expanded.

cmd.exe and PowerShell hand ``*`` to the program as typed; bash expands it before. So that a command
reads the same on both, an argument that names no existing file and holds a pattern character
(``*``, ``?``, ``[``) is expanded here, as a POSIX shell would: pathlib's glob, sorted, hidden files
(a leading dot) and Excel's lock files (``~$…``) left out. A pattern that matches nothing is an
InputFolderError saying so: never silently no file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputFolderError

PATTERN_CHARACTERS = frozenset("*?[")
_LEFT_OUT = (".", "~$")  # what `ls *` does not show, and the lock file Excel keeps beside an open workbook


def expand_patterns(paths: Iterable[Path]) -> list[Path]:
    """``paths`` with every unexpanded pattern replaced by the files it matches; each path once, in order."""
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.exists() or path.is_symlink() or not PATTERN_CHARACTERS & set(str(path)):
            expanded.append(path)
            continue
        base, pattern = _split(path)
        matches = sorted(found for found in base.glob(pattern) if not found.name.startswith(_LEFT_OUT))
        if not matches:
            where = f"{base} の中を探しました" if base.is_dir() else f"フォルダ {base} がありません"
            raise InputFolderError(f"「{path}」に当てはまるファイルがありません（{where}）。"
                                   "フォルダ名とファイル名（* や ? の位置）を確かめてください。")
        expanded.extend(matches)
    return list(dict.fromkeys(expanded))


def _split(path: Path) -> tuple[Path, str]:
    """The folder before the first part with a pattern character, and the pattern from there on."""
    parts = path.parts[1:] if path.anchor else path.parts
    first = next(index for index, part in enumerate(parts) if PATTERN_CHARACTERS & set(part))
    base = Path(path.anchor or ".").joinpath(*parts[:first])
    return base, str(Path(*parts[first:]))
