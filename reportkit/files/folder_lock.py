"""One process at a time changes an input folder's cards and records: ``changing(lock, folder)``.

The desk, a command window's ``accept`` and ``abolish`` may run at once on the secretariat's PC. Each
reads what the folder holds, plans its renames and makes them; two at once could both take the same
free name, or move an earlier version the other just moved. They take turns on a lock file the caller
names (``InputFolder.changing_lock``: in the folder's state folder, where the desk keeps its own; never
read as input; in the folder, so that it holds for two PCs on one shared folder too), held by the
operating system for the process and released when it ends, however it ends (a kill, a closed window):
``filelock`` (fcntl on POSIX, msvcrt on Windows). A process that waits longer than ``WAIT_SECONDS``
does nothing and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import FolderBusy

WAIT_SECONDS = 120.0  # an accept of a whole round's returns takes seconds; a desk request waits this long at most


@contextmanager
def changing(path: Path, folder: Path) -> Iterator[None]:
    """Hold the lock ``path`` while the block changes ``folder`` (FolderBusy, in Japanese, after ``WAIT_SECONDS``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=WAIT_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise FolderBusy(f"別の処理（窓口での受付、別のコマンド画面の accept や abolish など）が入力フォルダ {folder} を"
                         f"更新中のため、{int(WAIT_SECONDS)} 秒待っても始められませんでした。何も変更していません。"
                         "その処理が終わってから、もう一度実行してください。") from None
    try:
        yield
    finally:
        lock.release()
