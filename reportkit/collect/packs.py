"""Packs out: one folder per 担当課 with what the division needs to answer the collection round.

``write_packs(folder, out_dir)`` writes, for every division with an expected project or a
workbook in ``folder`` (usually a rolled folder):

* a copy of each of its prefilled workbooks (the inputs are never changed);
* ``新規事業用_事業カード.xlsx``: a blank card with the division preset and a fresh 管理番号;
* ``提出チェックリスト.xlsx``: one row per expected project (管理番号, 事業名, 前年度事業費,
  提出期限 from config.toml's ``deadline``, blank when not set), printed on one page;

and with ``zip_packs`` one ``<担当課>.zip`` of that folder beside it. Everything is written to a
staging folder and renamed to ``out_dir`` at the end; a non-empty ``out_dir`` is refused.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..files.atomic import staged_folder
from ..inputs.config import ReportConfig
from ..errors import OutputError
from ..inputs.input_folder import InputFolder
from ..checks.validation_report import UNKNOWN_DIVISION
from ..workbook.tables import write_tables
from ..workbook.template import new_project_id, write_workbook
from ..files.textsafe import safe_file_name
from .accept import free_name
from .checklist import CHECKLIST_FILE, checklist_sheet
from .expected import ExpectedProject, load_expected
from .received import division_order, received_files

BLANK_FILE = "新規事業用_事業カード.xlsx"


@dataclass
class Pack:
    division: str
    folder: Path  # in the finished out_dir
    workbooks: list[str] = field(default_factory=list)  # file names of the copied workbooks
    expected: int = 0
    zip_file: Path | None = None


@dataclass
class PacksResult:
    out_dir: Path
    packs: list[Pack] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def write_packs(folder: Path, out_dir: Path, zip_packs: bool = False, expected: Path | None = None) -> PacksResult:
    """One pack per division of ``folder`` into ``out_dir`` (raises ReportkitError, Japanese message)."""
    folder, out_dir = Path(folder), Path(out_dir)
    InputFolder(folder).check_new_output(out_dir)
    received = received_files(folder)
    record = load_expected(folder, expected)
    config = received.config
    by_division: dict[str, list[ExpectedProject]] = {}
    for project in record.projects:
        by_division.setdefault(project.division, []).append(project)
    workbooks: dict[str, list[Path]] = {}
    for item in received.files:
        workbooks.setdefault(item.division or UNKNOWN_DIVISION, []).append(item.path)
    divisions = division_order(config.divisions, set(by_division) | set(workbooks))

    result = PacksResult(out_dir=out_dir)
    try:
        with staged_folder(out_dir, "packs") as staging:
            for division in divisions:
                pack = Pack(division=division, folder=out_dir / safe_file_name(division),
                            expected=len(by_division.get(division, [])))
                _write_pack(staging / safe_file_name(division), pack, config, workbooks.get(division, []),
                            by_division.get(division, []), result.notices)
                if zip_packs:
                    pack.zip_file = out_dir / f"{safe_file_name(division)}.zip"
                    _zip_folder(staging / safe_file_name(division), staging / pack.zip_file.name)
                result.packs.append(pack)
    except OSError as exc:
        raise OutputError(f"配布用フォルダ {out_dir} を作れません: {exc.strerror or exc}") from exc
    if not config.deadline_text:
        result.notices.append("config.toml に deadline（提出期限）がないため、チェックリストの提出期限は空欄です。")
    return result


def _write_pack(target: Path, pack: Pack, config: ReportConfig, workbooks: list[Path],
                expected: list[ExpectedProject], notices: list[str]) -> None:
    target.mkdir()
    for path in workbooks:
        copy = free_name(target / path.name)
        shutil.copy2(path, copy)
        pack.workbooks.append(copy.name)
    if pack.division in config.divisions:
        write_workbook(config, target / BLANK_FILE, {"project_id": new_project_id()}, department=pack.division,
                       mailed=True)
    else:
        notices.append(f"{pack.division}: 設定ファイルの担当課にないため、新規事業用の空のカードは入れていません。")
    write_tables(target / CHECKLIST_FILE, [checklist_sheet(pack.division, expected, config.deadline_text)])


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
