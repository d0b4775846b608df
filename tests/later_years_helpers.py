"""The later years' fixture: the sample rolled forward year by year to 令和２年度 and built.

Shared through tests/conftest.py as the session fixtures ``later_years`` (the rolled folders) and
``later_years_built`` (the final year built with LibreOffice), so test_later_years.py and
test_office_validity.py use one roll and one build a session. See test_later_years.py for what the
roll does.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from reportkit.report.build import build_report
from reportkit.inputs.config import load_config
from reportkit.japanese import nendo
from reportkit.checks.validate import validate_folder
from reportkit.workbook.reader import read_workbook
from reportkit.workbook.template import write_workbook
from reportkit.yoy.rollover import prefilled_values, rollover

from yoy_helpers import INPUTS, edit, year_values

FIRST, FINAL = 2013, 2020
BOUNDARY_PROJECT = "AOM-004"  # 平成24年度–: extended in 2014 to 令和３年度 (across 平成31/令和元)
ROLL_ALL = os.environ.get("REPORTKIT_ROLL_ALL") == "1"
# The secretariat files the returns one sub-folder per 担当課: every rolled workbook is moved into
# cards/<担当課>/ (rollover keeps the sub-folders from year to year; the new project arrives flat).
FILE_BY_DIVISION = True


@dataclasses.dataclass
class Rolled:
    folders: dict[int, Path]  # fiscal year → its input folder
    ledger: dict[int, dict[str, tuple[int, int | None]]]  # year → project_id → (policy, cost)
    periods: dict[str, tuple[int | None, int | None]]  # final year's project_id → 事業期間
    names: dict[str, str]  # final year's project_id → one-line name


def _file_by_division(folder: Path) -> None:
    """Move every workbook of cards/ into cards/<担当課>/ (see FILE_BY_DIVISION)."""
    for sourced in validate_folder(folder).cards:
        path = folder / sourced.source.file  # relative to the input folder: cards/…
        if path.parent != folder / "cards":
            continue  # already filed
        target = folder / "cards" / sourced.card.department / path.name
        target.parent.mkdir(exist_ok=True)
        path.rename(target)


def _first_year(base: Path) -> Path:
    folder = base / str(FIRST)
    (folder / "cards").mkdir(parents=True)
    for name in ("config.toml", "multi_year.csv"):
        shutil.copy(INPUTS / name, folder / name)
    for name in ("narratives", "statistics"):
        shutil.copytree(INPUTS / name, folder / name)
    workbooks = sorted((INPUTS / "cards").glob("*.xlsx"))
    for index, path in enumerate(workbooks):
        if ROLL_ALL or index % 4 == 0 or path.name.startswith("004_"):
            shutil.copy(path, folder / "cards")
    return folder


def _next_year(previous: Path, year: int, out: Path) -> dict[str, tuple[int, int | None]]:
    """Roll ``previous`` to ``year`` and fill it in as the clerks would; returns the year's ledger."""
    before = {s.card.project_id: s.card for s in validate_folder(previous).cards}
    rollover(previous, year, out)
    config = load_config(out)
    files = _rolled_files(out)
    ledger = {}
    ended = [pid for pid, card in before.items() if card.period_end is not None and card.period_end < year]
    for pid, card in before.items():
        values = year_values(card)
        values.update(new_listing=None, new_summary=None)  # last year's new projects are new no more
        if pid == BOUNDARY_PROJECT and year == FIRST + 1:
            values["period_end"] = nendo(2021, full_width=False)  # 令和３年度
        elif pid in ended:
            if ended.index(pid) % 2 == 0:
                files[pid].unlink()  # ended: the secretariat deletes the workbook
                continue
            values["period_end"] = nendo(year + 2, full_width=False)  # extended
        if card.cost is not None and not card.cost_note:  # a breakdown must add up: those keep their cost
            values["cost"] = card.cost + (year - FIRST) * 3
        edit(files[pid], values)
        ledger[pid] = (card.policy, values["cost"] if values["cost"] != "－" else None)
    # One new project a year: a featured (◎) project of policy ①, made from a clerk's fresh card.
    template = before[min(before)]
    new_id = f"NEW-{year}"
    values = prefilled_values(template, config) | year_values(template) | {
        "project_id": new_id,
        "project_name": f"新規事業{year - 2000}",
        "description": f"{nendo(year)}に新たに開始した事業。",
        "cost": 1_000 + year,
        "cost_note": None,
        "period_start": nendo(year, full_width=False),
        "period_end": nendo(year + 2, full_width=False),
        "history_rows": [(nendo(year), "事業創設", None, "新たな課題に対応するため。")],
        "reprint_rows": [],
        "new_listing": "◎",
        "new_summary": f"{nendo(year)}に開始した新規事業の概要。",
    }
    write_workbook(config, out / "cards" / f"9{year}_新規事業.xlsx", values)
    ledger[new_id] = (template.policy, 1_000 + year)
    if FILE_BY_DIVISION:
        _file_by_division(out)
    return ledger


def _rolled_files(folder: Path) -> dict[str, Path]:
    """project_id → workbook of a freshly rolled folder (its costs are empty, so it does not validate)."""
    files = {}
    for path in sorted((folder / "cards").rglob("*.xlsx")):
        raw = read_workbook(path)
        files[str(raw.values["project_id"].value)] = path
    return files


@pytest.fixture(scope="session")
def later_years(tmp_path_factory) -> Rolled:
    base = tmp_path_factory.mktemp("later_years")
    folders = {FIRST: _first_year(base)}
    first = validate_folder(folders[FIRST])
    ledger = {FIRST: {s.card.project_id: (s.card.policy, s.card.cost) for s in first.cards}}
    for year in range(FIRST + 1, FINAL + 1):
        folders[year] = base / str(year)
        ledger[year] = _next_year(folders[year - 1], year, folders[year])
    final = validate_folder(folders[FINAL])
    periods = {s.card.project_id: (s.card.period_start, s.card.period_end) for s in final.cards}
    names = {s.card.project_id: s.card.one_line_name for s in final.cards}
    return Rolled(folders, ledger, periods, names)


@pytest.fixture(scope="session")
def later_years_built(later_years, tmp_path_factory, soffice) -> Path:
    """The final year built with LibreOffice (report.docx, .pdf, .json, projects.xlsx): do not modify."""
    out = tmp_path_factory.mktemp("later_years_out")
    result = build_report(later_years.folders[FINAL], out, pdf=True)
    assert result.page_numbers_checked
    return out
