"""Record a project as abolished this year (事業廃止), or take the record back: ``abolished.json``.

``abolish(folder, project_id, reason)`` adds the project (its 事業名 and 担当課 from the list of the
projects expected, else from its workbook under cards/); ``restore(folder, project_id)`` removes it.
Each change writes the whole file atomically, after the version it replaces was copied to
``archive/abolished/<time>_abolished.json`` (nothing there is ever overwritten): every earlier
version is kept. The project's workbook stays where it is; while the record holds it is left out
of validate, status (shown as 廃止), the drafts and the report, and it is not rolled to next year.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from ..inputs.abolished_record import AbolishedProject, AbolishedRecord, read_abolished
from ..errors import ReportkitError
from ..files.atomic import atomic_path, write_text_atomic
from ..files.folder_lock import changing
from ..inputs.input_folder import InputFolder
from ..checks.validate import card_files
from ..workbook.reader import read_workbook
from .accept import free_name
from .expected import load_expected

VERSIONS_FOLDER = "abolished"  # under archive/


def abolish(folder: Path, project_id: str, reason: str, by: str = "") -> AbolishedProject:
    """Record ``project_id`` as abolished with ``reason`` (ReportkitError, in Japanese, when it cannot be)."""
    folder = _folder(folder)
    project_id, reason = project_id.strip(), " ".join(reason.split())
    if not reason:
        raise ReportkitError("廃止の理由を入力してください（例: 「国の補助制度の終了により令和７年度末で廃止」）。")
    name, division = _known(folder, project_id)
    with changing(InputFolder(folder).changing_lock, folder):  # the record read and written by this process alone
        record = read_abolished(InputFolder(folder).abolished)
        if record.get(project_id) is not None:
            raise ReportkitError(f"{project_id} はすでに廃止として記録されています。")
        entry = AbolishedProject(project_id=project_id, name=name, division=division, reason=reason,
                                 recorded=datetime.now().replace(microsecond=0), by=by)
        _write(folder, AbolishedRecord(projects=[*record.projects, entry]))
    return entry


def restore(folder: Path, project_id: str) -> AbolishedProject:
    """Take back the record of ``project_id`` (the undo of ``abolish``); its workbook counts again."""
    folder = _folder(folder)
    with changing(InputFolder(folder).changing_lock, folder):
        record = read_abolished(InputFolder(folder).abolished)
        entry = record.get(project_id.strip())
        if entry is None:
            raise ReportkitError(f"{project_id} は廃止として記録されていません。")
        _write(folder, AbolishedRecord(projects=[p for p in record.projects if p is not entry]))
    return entry


def _folder(folder: Path) -> Path:
    folder = Path(folder)
    if not InputFolder(folder).config.is_file():
        raise ReportkitError(f"入力フォルダ（config.toml のあるフォルダ）が見つかりません: {folder}")
    return folder


def _known(folder: Path, project_id: str) -> tuple[str, str]:
    """(事業名, 担当課) of a project the round knows: the list of the projects expected, else its workbook."""
    try:
        for project in load_expected(folder).projects:
            if project.project_id == project_id:
                return project.name, project.division
    except ReportkitError:
        pass  # no list (a first year): the workbooks
    for path in card_files(folder):
        values = read_workbook(path).values
        if "project_id" in values and str(values["project_id"].value or "").strip() == project_id:
            def text(name: str) -> str:
                return str(values[name].value or "").strip() if name in values else ""
            return text("project_name"), text("department")
    raise ReportkitError(f"管理番号 {project_id} の事業が見つかりません（提出予定の一覧にも、cards のブックにもありません）。"
                         "管理番号を確かめてください。")


def _write(folder: Path, record: AbolishedRecord) -> None:
    path = InputFolder(folder).abolished
    if path.is_file():  # the version replaced, kept first: a crash in between loses nothing
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = free_name(InputFolder(folder).archive / VERSIONS_FOLDER / f"{stamp}_{path.name}")
        kept.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(kept) as tmp:
            shutil.copy2(path, tmp)
    data = record.model_dump(mode="json")
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
