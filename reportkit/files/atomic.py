"""Atomic file writes: write beside the target, then rename over it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn



@contextmanager
def atomic_path(target: Path, mode: int = 0o644, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``, on error it is removed.

    ``mode``: the replaced file's permissions (0o600 for secrets; on Windows only the read-only bit counts).
    ``durable``: the new contents are on the disk before the rename, and the rename before this returns
    (``sync_file``, ``sync_folder``), so that a power cut never leaves an empty or old file behind a step
    already taken — for the journal of renames, which the next start trusts."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The stem cut short: a name near the file system's limit (255 bytes) must still leave room for the rest.
    prefix, suffix = f".{target.stem[:40]}.", target.suffix[:20] + ".tmp"
    try:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    except OSError as exc:
        _raise_naming(exc, target, None)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        if durable:
            sync_file(temporary)
        os.chmod(temporary, mode)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(temporary, target)
        if durable:
            sync_folder(target.parent)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            _raise_naming(exc, target, temporary)
        raise


def sync_file(path: Path) -> None:
    """Flush ``path``'s contents from the system's cache to the disk (Windows too: opened for writing)."""
    with open(path, "r+b") as handle:
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to the disk, where the system allows it: POSIX opens a folder
    for that; Windows cannot and writes a rename's entry through on its own (NTFS journals its metadata)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _raise_naming(exc: OSError, target: Path, temporary: Path | None) -> NoReturn:
    """Raise ``exc`` as the user's file met it: about the temporary file (or no file, e.g. a full disk), it
    names ``target``, the file being written; about another file (the source of a copy), it stays as it is."""
    about = {str(name) for name in (exc.filename, exc.filename2) if name is not None}
    if exc.errno is None or (temporary is not None and about - {str(temporary), str(target)}):
        raise exc
    raise OSError(exc.errno, exc.strerror, str(target)) from exc


def write_bytes_atomic(target: Path, data: bytes, mode: int = 0o644, durable: bool = False) -> None:
    with atomic_path(target, mode, durable) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: Path, text: str, mode: int = 0o644, durable: bool = False) -> None:
    write_bytes_atomic(target, text.encode("utf-8"), mode, durable)


# -- whole folders: built in a staging folder, then renamed into place -----------------------------

def move_folder_into_place(staging: Path, out_dir: Path) -> None:
    """Rename a finished staging folder to ``out_dir`` (found absent or empty by InputFolder.check_new_output)."""
    if out_dir.exists():  # checked empty at the start; an empty folder can be replaced
        out_dir.rmdir()
    os.replace(staging, out_dir)


@contextmanager
def staged_folder(out_dir: Path, label: str) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out_dir``; on success it becomes ``out_dir``, else it is removed."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{label}-", dir=out_dir.parent))
    try:
        yield staging
        move_folder_into_place(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
