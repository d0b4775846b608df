"""A Word redline of two built reports: tracked changes (w:ins / w:del) a reviewer accepts or rejects in Word.

The comparison itself is done by the Docxodus engine of ``python-redlines`` (optional dependency:
``pip install "reportkit[redline]"``); its prebuilt engine ships inside a wheel and runs offline.
This module only finds the engine, runs it with a fixed revision date (so equal inputs give an
equal document), and turns its failures into Japanese messages; the Word XML of the result (one
bookmark of each name) is ``render.package``'s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..files.atomic import atomic_path
from ..errors import RedlineUnavailable, ReportkitError

FIXED_DATE = "2000-01-01T00:00:00Z"
INSTALL_HINT = 'pip install "reportkit[redline]"（または pip install "python-redlines[docxodus]"）'


@dataclass
class RedlineResult:
    path: Path
    revisions: int | None  # as the engine reports it, when it does
    seconds: float


def engine_available() -> bool:
    """True when the Docxodus engine can be found (it is not run)."""
    try:
        require_engine()
    except RedlineUnavailable:
        return False
    return True


def require_engine():
    """The Docxodus engine; raises RedlineUnavailable (with the install hint) when it cannot be used."""
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError as exc:
        raise RedlineUnavailable(f"Word の変更履歴（redline）を作る部品がインストールされていません。{INSTALL_HINT} を実行してください。") from exc
    try:
        return DocxodusEngine()
    except ImportError as exc:  # EngineNotInstalledError: the binary package is missing
        raise RedlineUnavailable(f"Word の変更履歴（redline）を作るエンジンがありません。{INSTALL_HINT} を実行してください。") from exc
    except OSError as exc:  # unsupported platform, unwritable cache
        raise RedlineUnavailable(f"この環境では Word の変更履歴（redline）を作るエンジンを使えません: {exc}") from exc


def redline(old_docx: Path, new_docx: Path, out_docx: Path, author: str = "reportkit") -> RedlineResult:
    """Write ``out_docx``: ``new_docx`` with every difference from ``old_docx`` as a tracked change by ``author``.

    Raises RedlineUnavailable when the engine is missing, ReportkitError when an input is missing or
    the engine fails.
    """
    import subprocess

    from ..render.package import drop_duplicate_bookmarks

    old_docx, new_docx, out_docx = Path(old_docx), Path(new_docx), Path(out_docx)
    for path in (old_docx, new_docx):
        if not path.is_file():
            raise ReportkitError(f"比較する Word 文書が見つかりません: {path}")
    engine = require_engine()
    started = time.perf_counter()
    try:
        data, stdout, _stderr = engine.run_redline(author, old_docx, new_docx, date_time=FIXED_DATE)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()
        raise ReportkitError(f"Word の変更履歴（redline）を作れませんでした（{old_docx.name} と {new_docx.name}）: "
                             f"{detail[-1] if detail else '比較エンジンがエラーで終了しました'}") from exc
    except OSError as exc:
        raise RedlineUnavailable(f"Word の変更履歴（redline）を作るエンジンを起動できません: {exc}") from exc
    with atomic_path(out_docx) as tmp:
        tmp.write_bytes(data)
        drop_duplicate_bookmarks(tmp)  # and writes the package back reproducibly (files.zipnorm)
    return RedlineResult(out_docx, _revisions(stdout), time.perf_counter() - started)


def _revisions(stdout: str | None) -> int | None:
    import re

    match = re.search(r"(\d+) revision", stdout or "")
    return int(match.group(1)) if match else None
