"""The projects a collection round expects: ``expected.json`` in a rolled folder, or a ``report.json``.

``expected.json`` is written by ``reportkit rollover``: last year's projects (管理番号, 事業名,
担当課, 事業費, 基本方針, 施策, 再掲, the prefilled workbook's file name and digest) in last year's
report order, as the new year's checklist and the order the new report keeps (``previous_order``,
``project_order``). A workbook still byte for byte as rollover wrote it has not come back yet: it
counts as missing. A project whose 事業期間 ended with last year (``period_end``) and whose
workbook the secretariat deleted, as rollover's notice says, has ended: it is no longer expected. Files written before policy, measure and reprints were recorded still read
(those fields empty); a draft then cannot place a project whose workbook is gone.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..files.atomic import write_text_atomic
from ..errors import ExpectedError
from ..input_folder import EXPECTED_FILE, InputFolder
from ..model import Reprint



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

    @property
    def placeable(self) -> bool:
        """Policy and measure known: a draft can put a placeholder page where the card will stand."""
        return self.policy is not None and bool(self.measure)


class ExpectedRecord(BaseModel):
    """Last year's projects, in list order; ``fiscal_year`` is the year they were reported for."""

    fiscal_year: int
    projects: list[ExpectedProject]
    source: str = EXPECTED_FILE  # where the record was read from (for messages)

    def ended(self, project: ExpectedProject) -> bool:
        """Its 事業期間 ended with the year reported (rollover asked to delete its workbook if it is not continued)."""
        return project.period_end is not None and project.period_end <= self.fiscal_year


def write_expected(path: Path, record: ExpectedRecord) -> None:
    data = record.model_dump(mode="json", exclude={"source"})
    write_text_atomic(Path(path), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def load_expected(folder: Path, expected_file: Path | None = None) -> ExpectedRecord:
    """The record ``expected_file`` (an expected.json or a report.json), else ``folder/expected.json``."""
    path = Path(expected_file) if expected_file is not None else InputFolder(folder).expected
    if not path.is_file():
        if expected_file is None:
            raise ExpectedError(
                f"提出予定の事業の一覧 {path} がありません。reportkit rollover で作ったフォルダを指定するか、"
                "--expected に前年度の report.json を指定してください。")
        raise ExpectedError(f"提出予定の事業の一覧 {path} が見つかりません。")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExpectedError(f"提出予定の事業の一覧 {path} を読めません（JSON の書式誤り）: {exc}") from exc
    try:
        if isinstance(data, dict) and data.get("projects") and "department" in data["projects"][0]:
            data = _from_report_json(data)  # a built report.json
        record = ExpectedRecord.model_validate(data)
    except (ValidationError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise ExpectedError(
            f"{path} は提出予定の事業の一覧（expected.json）でも報告書の report.json でもありません。") from exc
    return record.model_copy(update={"source": path.name})


def previous_order(folder: Path) -> list[ExpectedProject]:
    """Last year's projects in last year's report order (``folder/expected.json``); [] without one."""
    return load_expected(folder).projects if InputFolder(folder).expected.is_file() else []


def _from_report_json(data: dict) -> dict:
    return {"fiscal_year": data["fiscal_year"],
            "projects": [{"project_id": p["project_id"], "name": "".join(str(p["name"]).splitlines()),
                          "division": p["department"], "cost": p.get("cost"), "policy": p.get("policy"),
                          "measure": p.get("measure") or "", "period_end": p.get("period_end"),
                          "reprints": [{"policy": r["policy"], "measure": r["measure"]} for r in p.get("reprints") or []]}
                         for p in data["projects"]]}


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
