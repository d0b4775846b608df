"""The server's secrets, readable by its own user only: session key, access codes, sessions, the log.

They are created 0600 in a state folder made 0700, and ``tighten`` puts right, at start, what an
earlier version left readable by others (replacing a session key that others could read, which ends
every session). On Windows, permissions are access lists: ``os.chmod`` only sets the read-only bit
and the mode bits say nothing of who may read, so nothing is tightened or reported there; the input
folder is to be kept where only the secretariat can read it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..files.atomic import write_text_atomic

FILE_MODE = 0o600
FOLDER_MODE = 0o700
MODES_MEAN_ACCESS = os.name != "nt"  # on Windows, access lists decide who reads a file


def make_private_folder(folder: Path) -> None:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically, the file owner-only."""
    make_private_folder(path.parent)
    write_text_atomic(path, text, FILE_MODE)


def append_private(path: Path, text: str) -> None:
    """Append ``text`` (one write) to an owner-only file, created if need be."""
    make_private_folder(path.parent)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags, FILE_MODE)
    try:
        os.write(handle, text.encode("utf-8"))
    finally:
        os.close(handle)


def open_to_others(path: Path) -> bool:
    """True when group or others may read, write or enter ``path`` (always False on Windows)."""
    try:
        return MODES_MEAN_ACCESS and bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except OSError:
        return False


def tighten(folder: Path, names: tuple[str, ...], key_name: str) -> list[str]:
    """Make ``folder`` and its ``names`` owner-only; a ``key_name`` others could read is deleted
    (the caller makes a new one). Returns what was done, in Japanese, one line each."""
    notices = []
    if open_to_others(folder):
        os.chmod(folder, FOLDER_MODE)
        notices.append(f"{folder} を、このユーザーだけが開けるようにしました（他のユーザーも開ける状態でした）。")
    key = folder / key_name
    if open_to_others(key):
        key.unlink()
        notices.append(f"{key} が他のユーザーにも読める状態だったため、新しい鍵に取り替えました。"
                       "ログイン中の人は、もう一度ログインしてください。")
    for name in names:
        path = folder / name
        if open_to_others(path):
            os.chmod(path, FILE_MODE)
            notices.append(f"{path} を、このユーザーだけが読めるようにしました（他のユーザーも読める状態でした）。")
    return notices
