"""Where the collection round stands: last year's projects against the workbooks received.

``collection_status(folder, expected=None)`` compares the expected projects (``folder/expected.json``
written by rollover, or the record/report.json ``expected``) with the workbooks under the cards
folder, per division and per project, and the flags decided each year (重点, 主要成果, 緊急雇用: last
year's from the record, this year's from the workbooks returned). The result is a pydantic model,
so the CLI, the xlsx to send round and a web desk all render the same object.

A first year has no list of the projects to expect (no expected.json, no report.json of last year,
no expected.csv from the secretariat): the status then shows what arrived, per division, and its
``note`` says where the list comes from.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from ..inputs.abolished_record import read_abolished
from ..inputs.expected_record import YEAR_FLAGS, ExpectedRecord
from ..inputs.input_folder import EXPECTED_LIST, InputFolder
from ..issues import FIELD_LABELS
from ..japanese import nendo
from ..checks.validation_report import UNKNOWN_DIVISION
from ..workbook.tables import PrintLayout, Sheet
from .expected import Prefilled, load_expected
from .received import ReceivedFile, division_order, received_files

State = Literal["missing", "errors", "warnings", "ok", "new", "ended", "abolished"]
# ended: 事業期間 over with last year and its workbook deleted (rollover's notice): no longer expected
# abolished: recorded as abolished this year (reportkit abolish, the desk): not expected, not in the report
FIRST_YEAR_NOTE = ("提出予定の事業の一覧がないため、届いたカードだけを担当課ごとに示しています。予定の一覧は、"
                   "前年度の報告書の report.json（--expected に指定）か、事務局が入力フォルダに置く "
                   f"{EXPECTED_LIST}（1 行目が 管理番号,事業名,担当課 の見出し、1 行に 1 事業）から読みます。")
STATE_LABELS = {"missing": "未提出", "errors": "要修正", "warnings": "警告あり", "ok": "受付済", "new": "新規",
                "ended": "終了", "abolished": "廃止"}


class ProjectStatus(BaseModel):
    project_id: str  # "" for a workbook that does not say
    name: str
    division: str
    state: State
    file: str = ""  # relative to the input folder; for a missing one, its prefilled workbook ("" if none)
    modified: datetime | None = None  # the file's last modification
    errors: int = 0
    warnings: int = 0
    expected: bool = True
    reason: str = ""  # why it was abolished (state abolished)


class DivisionStatus(BaseModel):
    division: str
    expected: int = 0
    received: int = 0
    ok: int = 0  # received, no errors and no warnings
    with_errors: int = 0
    warnings: int = 0  # received, warnings but no errors
    missing: int = 0
    new: int = 0
    ended: int = 0  # expected last year, ended: 事業期間 over and the workbook deleted (not in ``expected``)
    abolished: int = 0  # recorded as abolished this year (not in ``expected``)


class FlagCount(BaseModel):
    """How many projects had a flag decided each year (重点, 主要成果, 緊急雇用) last year, and have it now."""

    flag: str  # one of YEAR_FLAGS: priority, key_result, emergency
    label: str  # 重点, …
    last_year: int | None  # None: the record does not say (an expected.json written before flags were kept)
    this_year: int  # the workbooks returned so far (rollover empties the flag on the prefilled ones)


class CollectionStatus(BaseModel):
    fiscal_year: int
    expected_from: str  # the record the expected projects came from
    divisions: list[DivisionStatus]
    projects: list[ProjectStatus]
    total: DivisionStatus
    flags: list[FlagCount] = []  # last year against this year; [] on a division's own view
    note: str = ""  # FIRST_YEAR_NOTE when there is no list of the projects expected

    @property
    def flags_reminder(self) -> str:
        """A word for the secretariat when a flag some project had last year has none this year ("" otherwise)."""
        none_yet = [f.label for f in self.flags if f.last_year and not f.this_year]
        if not none_yet:
            return ""
        return (f"今年度の{'・'.join(none_yet)}はまだ１件もありません（rollover でカードの欄を空欄にしています）。"
                "各課に今年度の指定の記入を依頼してください。")

    @property
    def complete(self) -> bool:
        """Everything expected is in, and no workbook has an error."""
        return self.total.missing == 0 and self.total.with_errors == 0


def collection_status(folder: Path, expected: Path | None = None) -> CollectionStatus:
    """The status of ``folder`` (raises ReportkitError when the folder, config or record is unusable)."""
    folder = Path(folder)
    received = received_files(folder)  # config and folder first: they are the more basic problems
    listed = expected is not None or InputFolder(folder).expected_source.is_file()
    record = load_expected(folder, expected) if listed else ExpectedRecord(fiscal_year=0, projects=[], source="")
    wanted_by_id = {p.project_id: p for p in record.projects}
    abolished = read_abolished(InputFolder(folder).abolished)  # their workbooks are not among the received
    projects = [ProjectStatus(project_id=p.project_id, name=p.name, division=p.division, state="abolished",
                              expected=False, reason=p.reason) for p in abolished.projects]
    got: set[str] = abolished.ids()
    cards = {task.file: task.card.card for task in received.validation.card_tasks if task.card is not None}
    flagged: dict[str, set[str]] = {flag: set() for flag in YEAR_FLAGS}  # flag → project ids returned with it
    prefilled_files = Prefilled(record)
    for item in received.files:
        wanted = wanted_by_id.get(item.project_id)
        # only a card with errors can be an untouched one (its emptied cost): the others are checked by bytes
        check = prefilled_files.untouched if item.errors else prefilled_files.as_written
        if wanted is not None and check(item.project_id, item.path):
            continue  # the prefilled workbook, nothing typed in it (its emptied cost an error): not returned yet
        projects.append(_received_status(item, wanted is not None, listed))
        got.add(item.project_id)
        for flag, ids in flagged.items():
            if item.file in cards and getattr(cards[item.file], flag):
                ids.add(item.project_id or item.file)
    prefilled = {item.project_id: item for item in received.files}
    # An empty cards folder (a round's first day) deleted nothing: every expected project is missing.
    deleted = bool(received.files)
    for wanted in record.projects:
        if wanted.project_id not in got:
            waiting = prefilled.get(wanted.project_id)
            ended = deleted and waiting is None and record.ended(wanted)
            projects.append(ProjectStatus(project_id=wanted.project_id, name=wanted.name, division=wanted.division,
                                          state="ended" if ended else "missing", file=waiting.file if waiting else "",
                                          modified=waiting.modified if waiting else None, expected=not ended))
    divisions = division_order(received.config.divisions, {p.division for p in record.projects + projects})
    rows = {name: DivisionStatus(division=name) for name in divisions}
    gone = {p.project_id for p in projects if p.state in ("ended", "abolished")}
    for wanted in record.projects:
        if wanted.project_id not in gone:
            rows[wanted.division].expected += 1
    for project in projects:
        row = rows[project.division]
        if project.state in ("ended", "abolished"):
            setattr(row, project.state, getattr(row, project.state) + 1)
            continue
        if project.state == "missing":
            row.missing += 1
            continue
        row.received += 1
        row.new += project.state == "new"
        if project.errors:
            row.with_errors += 1
        elif project.warnings:
            row.warnings += 1
        else:
            row.ok += 1
    order = {name: index for index, name in enumerate(divisions)}
    projects.sort(key=lambda p: (order[p.division], p.file == "", p.file, p.project_id))
    total = DivisionStatus(division="合計", **{key: sum(getattr(r, key) for r in rows.values())
                                               for key in DivisionStatus.model_fields if key != "division"})
    last_year = record.flag_counts() if listed else dict.fromkeys(YEAR_FLAGS)  # a first year: not known
    flags = [FlagCount(flag=flag, label=FIELD_LABELS[flag], last_year=last_year[flag], this_year=len(ids))
             for flag, ids in flagged.items()]
    return CollectionStatus(fiscal_year=received.config.fiscal_year, expected_from=record.source,
                            divisions=list(rows.values()), projects=projects, total=total, flags=flags,
                            note="" if listed else FIRST_YEAR_NOTE)


def _received_status(item: ReceivedFile, expected: bool, listed: bool = True) -> ProjectStatus:
    if listed and not expected:
        state = "new"
    else:
        state = "errors" if item.errors else "warnings" if item.warnings else "ok"
    return ProjectStatus(project_id=item.project_id, name=item.name, division=item.division or UNKNOWN_DIVISION,
                         state=state, file=item.file, modified=item.modified, errors=item.errors,
                         warnings=item.warnings, expected=expected)


# -- rendering -----------------------------------------------------------------------------------

COUNT_LABELS = (("expected", "予定"), ("received", "受付"), ("ok", "正常"), ("with_errors", "要修正"),
                ("warnings", "警告あり"), ("missing", "未提出"), ("new", "新規"), ("ended", "終了"), ("abolished", "廃止"))


def status_data(status: CollectionStatus) -> dict:
    """The JSON object: fiscal_year, divisions (counts) and projects (state, file, last modified)."""
    return status.model_dump(mode="json", exclude={"total"})


def format_status_text(status: CollectionStatus) -> str:
    """The terminal summary: one line per division, then the projects that need chasing."""
    def counts(row: DivisionStatus) -> str:
        return "、".join(f"{label} {getattr(row, key)}" for key, label in COUNT_LABELS)

    lines = [f"{nendo(status.fiscal_year)} 事業カードの回収状況（提出予定: {status.expected_from or 'なし'}）", ""]
    if status.note:
        lines += [status.note, ""]
    lines += [f"  {row.division}: {counts(row)}" for row in status.divisions]
    lines += [f"  合計: {counts(status.total)}", ""]
    lines += flag_lines(status)
    for state in ("missing", "errors", "new", "warnings", "ended", "abolished"):
        chosen = [p for p in status.projects if p.state == state]
        if not chosen:
            continue
        lines.append(f"{STATE_LABELS[state]}（{len(chosen)} 件）")
        for p in chosen:
            detail = f"エラー {p.errors} 件、警告 {p.warnings} 件" if p.errors or p.warnings else p.reason
            where = "　".join(part for part in (p.file, detail) if part)
            lines.append(f"  {p.division}　{p.project_id or '（管理番号なし）'}　{p.name}" + (f"　{where}" if where else ""))
        lines.append("")
    if status.note:
        lines.append(f"受付 {status.total.received} 件、要修正 {status.total.with_errors} 件"
                     "（1 件ずつの一覧は --format xlsx または json で）。")
    elif status.complete:
        lines.append("予定の事業はすべて提出され、エラーはありません。")
    else:
        lines.append(f"未提出 {status.total.missing} 件、要修正 {status.total.with_errors} 件。")
    return "\n".join(lines) + "\n"


def flag_lines(status: CollectionStatus) -> list[str]:
    """The flags decided each year, last year against this year, and a word when one has none yet."""
    if not status.flags:
        return []
    def last(count: int | None) -> str:
        return "不明" if count is None else str(count)

    lines = ["  年度ごとの指定（前年度 → 今年度）: "
             + "、".join(f"{f.label} {last(f.last_year)} → {f.this_year}" for f in status.flags)]
    if status.flags_reminder:
        lines.append(f"  {status.flags_reminder}")
    if any(f.last_year is None for f in status.flags) and not status.note:  # a first year has said why
        lines.append(f"  前年度の数は {status.expected_from} に記録がありません（前年度の report.json を --expected に"
                     "指定すると分かります）。")
    return lines + [""]


def status_sheets(status: CollectionStatus, as_of: datetime | None = None) -> list[Sheet]:
    """The xlsx to send round: counts per division, and one row per project.

    Printed (``PrintLayout``): A4 landscape, one page wide, the heading row on every page, and the
    round's year and ``as_of`` (default now) as the title of every page.
    """
    as_of = as_of or datetime.now()
    printed = PrintLayout(f"{nendo(status.fiscal_year)} 事業カードの回収状況（{as_of.year}年{as_of.month}月{as_of.day}日 {as_of:%H:%M} 現在）")
    division_rows = [[r.division] + [getattr(r, key) for key, _ in COUNT_LABELS]
                     for r in status.divisions + [status.total]]
    project_rows = [[p.division, p.project_id, p.name, STATE_LABELS[p.state], p.errors, p.warnings, p.file,
                     p.modified.strftime("%Y-%m-%d %H:%M") if p.modified else ""] for p in status.projects]
    return [
        Sheet("担当課別", ["担当課"] + [label for _, label in COUNT_LABELS], division_rows,
              widths=[30] + [9] * len(COUNT_LABELS), printed=printed),
        Sheet("事業別", ["担当課", "管理番号", "事業名", "状況", "エラー", "警告", "ファイル", "更新日時"], project_rows,
              widths=[22, 12, 40, 9, 7, 7, 40, 17], printed=printed),
        Sheet("年度ごとの指定", ["指定", "前年度", "今年度"], [[f.label, f.last_year, f.this_year] for f in status.flags],
              widths=[20, 10, 10], printed=printed),
    ]
