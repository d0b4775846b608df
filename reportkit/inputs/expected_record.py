"""Last year's projects as an input folder's ``expected.json`` records them (or a built ``report.json``).

``expected.json`` is written by ``reportkit rollover`` (``collect.expected``): last year's projects
(管理番号, 事業名, 担当課, 事業費, 基本方針, 施策, 再掲, 事業期間の終わり, 重点・主要成果・緊急雇用, the
prefilled workbook's file name and digest)
in last year's report order. It is read here, below ``validate`` (which checks this year's names
and costs against last year's: ``LastYear``) and ``collect`` (the round's checklist, the draft's placeholders); the build
keeps last year's order (``project_order``). ``read_expected_file`` reads a folder's file once; what
is wrong with it is raised where the record is used, as the commands always did.

In a first year there is neither: the secretariat may give a simple list instead, ``expected.csv``
(``parse_expected_list``): a heading row with the columns 管理番号, 事業名 and 担当課 (in any order,
other columns ignored), then one project a line, as Excel saves it (UTF-8 with or without a BOM, or
cp932). It has no costs, places or periods: nothing ends, nothing is compared with last year's cost.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import ExpectedError
from ..files.excel_text import excel_text
from .input_folder import EXPECTED_FILE, EXPECTED_LIST
from ..model import Reprint

# The card's flags decided anew each year (rollover empties them): 重点, 主要成果, 緊急雇用.
YEAR_FLAGS = ("priority", "key_result", "emergency")


class ExpectedProject(BaseModel):
    project_id: str
    name: str
    division: str
    cost: int | None = None  # last year's 事業費 (千円); None when it was 「－」 or is not known
    file: str = ""  # the prefilled workbook's file name in cards/ ("" when not known)
    sha256: str = ""  # of the prefilled workbook as rollover wrote it: that file unchanged is not a return
    # Where the card stands (a draft's placeholder when the workbook is gone); None/"" in older files.
    policy: int | None = None  # 基本方針 number
    measure: str = ""  # 施策
    reprints: list[Reprint] = []  # 再掲 under other policies/measures
    period_end: int | None = None  # the last year of 事業期間 (西暦) on last year's card; None = open or not known
    # Last year's flags (YEAR_FLAGS); None in files written before they were recorded.
    priority: bool | None = None
    key_result: bool | None = None
    emergency: bool | None = None

    @property
    def placeable(self) -> bool:
        """Policy and measure known: a draft can put a placeholder page where the card will stand."""
        return self.policy is not None and bool(self.measure)


class ExpectedRecord(BaseModel):
    """Last year's projects, in list order; ``fiscal_year`` is the year they were reported for (0: not
    known, the secretariat's expected.csv)."""

    fiscal_year: int
    projects: list[ExpectedProject]
    source: str = EXPECTED_FILE  # where the record was read from (for messages)

    def ended(self, project: ExpectedProject) -> bool:
        """Its 事業期間 ended with the year reported (rollover asked to delete its workbook if it is not continued)."""
        return project.period_end is not None and project.period_end <= self.fiscal_year

    def flag_counts(self) -> dict[str, int | None]:
        """How many of last year's projects had each of YEAR_FLAGS; None for a flag an older file does not record."""
        return {flag: None if any(getattr(p, flag) is None for p in self.projects)
                else sum(1 for p in self.projects if getattr(p, flag)) for flag in YEAR_FLAGS}


LIST_COLUMNS = {"project_id": "管理番号", "name": "事業名", "division": "担当課"}


def missing_message(path: Path) -> str:
    """A folder's expected.json is not there (the round's commands need it)."""
    return (f"提出予定の事業の一覧 {path} がありません。reportkit rollover で作ったフォルダを指定するか、"
            f"--expected に前年度の report.json を指定するか、初年度なら {EXPECTED_LIST}（列: 管理番号,事業名,担当課）を"
            "入力フォルダに置いてください。")


def parse_record(path: Path, data: bytes) -> ExpectedRecord:
    """The record in ``data`` read from ``path``: the secretariat's list (.csv), else expected.json or a report.json."""
    if Path(path).suffix.lower() == ".csv":
        return parse_expected_list(path, data)
    return parse_expected(path, data)


def parse_expected_list(path: Path, data: bytes) -> ExpectedRecord:
    """The secretariat's simple list (expected.csv, see the module docstring); ExpectedError naming the line."""
    path = Path(path)
    text = excel_text(data, str(path))  # UTF-8 or cp932, as Excel saves it; InputFileError naming the file else
    rows = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise ExpectedError(f"提出予定の事業の一覧 {path} が空です。1 行目に 管理番号,事業名,担当課 の見出しを書いてください。")
    headings = [cell.strip() for cell in rows[0][1]]
    missing = [label for label in LIST_COLUMNS.values() if label not in headings]
    if missing:
        raise ExpectedError(f"提出予定の事業の一覧 {path} の {rows[0][0]} 行目（見出し）に {'、'.join(missing)} の列が"
                            "ありません。見出しは 管理番号,事業名,担当課 です。")
    columns = {key: headings.index(label) for key, label in LIST_COLUMNS.items()}
    projects, seen = [], {}
    for number, row in rows[1:]:
        values = {key: row[index].strip() if index < len(row) else "" for key, index in columns.items()}
        empty = [LIST_COLUMNS[key] for key, value in values.items() if not value]
        if empty:
            raise ExpectedError(f"提出予定の事業の一覧 {path} の {number} 行目: {'、'.join(empty)}が空欄です。")
        if values["project_id"] in seen:
            raise ExpectedError(f"提出予定の事業の一覧 {path} の {number} 行目: 管理番号 {values['project_id']} は "
                                f"{seen[values['project_id']]} 行目にもあります。")
        seen[values["project_id"]] = number
        projects.append(ExpectedProject(**values))
    return ExpectedRecord(fiscal_year=0, projects=projects, source=path.name)


def parse_expected(path: Path, data: bytes) -> ExpectedRecord:
    """The record in ``data`` (an expected.json or a report.json read from ``path``); ExpectedError when it is neither."""
    path = Path(path)
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExpectedError(f"提出予定の事業の一覧 {path} を読めません（JSON の書式誤り）: {exc}") from exc
    try:
        if isinstance(parsed, dict) and parsed.get("projects") and "department" in parsed["projects"][0]:
            parsed = _from_report_json(parsed)  # a built report.json
        record = ExpectedRecord.model_validate(parsed)
    except (ValidationError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise ExpectedError(
            f"{path} は提出予定の事業の一覧（expected.json）でも報告書の report.json でもありません。") from exc
    return record.model_copy(update={"source": path.name})


def _from_report_json(data: dict) -> dict:
    return {"fiscal_year": data["fiscal_year"],
            "projects": [{"project_id": p["project_id"], "name": "".join(str(p["name"]).splitlines()),
                          "division": p["department"], "cost": p.get("cost"), "policy": p.get("policy"),
                          "measure": p.get("measure") or "", "period_end": p.get("period_end"),
                          **{flag: p.get(flag) for flag in YEAR_FLAGS},
                          "reprints": [{"policy": r["policy"], "measure": r["measure"]} for r in p.get("reprints") or []]}
                         for p in data["projects"]]}


@dataclass(frozen=True, eq=False)
class ExpectedFile:
    """An input folder's expected.json as read once (``data`` None when the folder has none)."""

    path: Path
    data: bytes | None = None

    @property
    def present(self) -> bool:
        return self.data is not None

    def record(self) -> ExpectedRecord:
        """The record; ExpectedError when the file is missing or is no record."""
        if self.data is None:
            raise ExpectedError(missing_message(self.path))
        return parse_record(self.path, self.data)

    @property
    def is_list(self) -> bool:
        """The secretariat's expected.csv: which projects, not last year's order or costs."""
        return self.path.suffix.lower() == ".csv"

    def previous_order(self) -> list[ExpectedProject]:
        """Last year's projects in last year's report order; [] without the file or for the secretariat's
        list, whose order is no report's (ExpectedError when broken)."""
        return self.record().projects if self.present and not self.is_list else []

    def last_year(self) -> LastYear | None:
        """Last year's names and costs by 管理番号, as the checks of a card against last year read them;
        None without the file, or when it cannot be read.

        Read leniently: the checks are left out when the file is broken (``status`` and ``build --draft``
        report that), and a project whose name or cost is not usable is left out of that check only.
        """
        if self.data is None or self.is_list:
            return None
        try:
            data = json.loads(self.data.decode("utf-8-sig"))
            projects = [p for p in data["projects"] if isinstance(p, dict) and "project_id" in p]
            costs = {str(p["project_id"]): p["cost"] for p in projects
                     if isinstance(p.get("cost"), int) and not isinstance(p.get("cost"), bool)}
            names = {str(p["project_id"]): "".join(p["name"].splitlines()) for p in projects
                     if isinstance(p.get("name"), str) and p["name"].strip()}
            return LastYear(int(data["fiscal_year"]), costs, names, self.path.name)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):  # OverflowError: 1e999 as the year
            return None


@dataclass(frozen=True)
class LastYear:
    """Last year's projects as a card is checked against them (``ExpectedFile.last_year``)."""

    fiscal_year: int  # the year they were reported for
    costs: dict[str, int]  # 事業費 (千円) by 管理番号; a 「－」 or unknown cost left out
    names: dict[str, str]  # 事業名 (one line) by 管理番号
    source: str = EXPECTED_FILE  # the file they were read from (for messages)


def read_expected_file(path: Path) -> ExpectedFile:
    """Read ``path`` (a folder's expected.json, or its expected.csv) once; an ExpectedFile without data when
    it is not there."""
    path = Path(path)
    return ExpectedFile(path, path.read_bytes() if path.is_file() else None)
