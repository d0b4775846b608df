"""What a killed server leaves behind, swept by the next one that starts on the same folder.

A build's staging folder (``.build-*`` in the outputs folder and its draft folder) is removed once
nothing in it has changed for ``STALE_AFTER`` (a ``reportkit build`` running beside the server keeps
its own), unless it holds a journal: a build killed while moving its set in, which the server
finishes at start (``recovery.finish_builds``) rather than deleting what may be the only whole set; the upload areas of earlier servers on the same input folder (``reportkit-serve-<key>-*``
under the temporary folder, ``key`` from the folder's path) hold only uploads that were never filed.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

from ..files.journal import JOURNAL
from ..inputs.recovery import BUILD_STAGING_PREFIX as STAGING_PREFIX
UPLOADS_PREFIX = "reportkit-serve-"
STALE_AFTER = 15 * 60


def uploads_prefix(folder: Path) -> str:
    """The name every upload area of a server on ``folder`` begins with."""
    key = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:12]
    return f"{UPLOADS_PREFIX}{key}-"


def _last_change(path: Path) -> float:
    times = [path.stat().st_mtime]
    for child in path.rglob("*"):
        try:
            times.append(child.stat().st_mtime)
        except OSError:
            pass
    return max(times)


def sweep(folder: Path, output_folders: list[Path]) -> list[str]:
    """Remove the leftovers of earlier servers on ``folder``; what was removed, in Japanese."""
    notices = []
    now = time.time()
    for outputs in output_folders:
        stale = []
        for path in outputs.glob(STAGING_PREFIX + "*") if outputs.is_dir() else []:
            try:
                if path.is_dir() and not path.is_symlink() and not (path / JOURNAL).exists() \
                        and now - _last_change(path) > STALE_AFTER:
                    shutil.rmtree(path)
                    stale.append(path.name)
            except OSError:
                pass
        if stale:
            notices.append(f"中断された報告書の作成が {outputs} に残したフォルダ {len(stale)} 個を片付けました"
                           f"（{'、'.join(sorted(stale))}）。")
    areas, files = 0, 0
    for area in Path(tempfile.gettempdir()).glob(uploads_prefix(folder) + "*"):
        if area.is_dir() and not area.is_symlink():
            files += sum(1 for p in area.rglob("*") if p.is_file())
            shutil.rmtree(area, ignore_errors=True)
            areas += 1
    if areas:
        notices.append(f"前に止まった受付が一時フォルダに残した {areas} 個の作業フォルダ（提出されなかった"
                       f"アップロード {files} 件）を片付けました。")
    return notices
