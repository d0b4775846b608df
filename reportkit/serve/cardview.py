"""A card as HTML in the report's layout (parts １–７), each problem marked on its part and cell.

Pure functions from a SourcedCard and its Issues to a small view model the jinja2 template
``card.html`` draws: no Flask here, so the mapping from an issue to its part is testable alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..inputs.config import ReportConfig
from ..issues import FIELD_LABELS, Issue
from ..japanese import nendo
from ..inputs.expected_record import LastYear
from ..model import Card, SourcedCard

PART_TITLES = {1: "１　基本方針", 2: "２　事業名", 3: "３　事業内容", 4: "４　事業費（千円）", 5: "５　事業実施結果",
               6: "６　事業の経緯", 7: "７　担当課・グループ", 0: "一覧表の項目・その他"}
_PART_OF_FIELD = {"policy": 1, "measure": 1, "project_name": 2, "description": 3, "cost": 4, "cost_note": 4,
                  "department": 7, "group": 7, "history_rows": 6}
_RESULTS_PREFIXES = ("progress", "outcome", "results_free")


def part_of(issue: Issue) -> int | None:
    """The part (1–7; 0 = list attributes and the rest) an issue belongs to; None for the whole file."""
    if not issue.field and not issue.cell:
        return None
    name = issue.field.split(".")[0]
    if name in _PART_OF_FIELD:
        return _PART_OF_FIELD[name]
    if name.startswith(_RESULTS_PREFIXES):
        return 5
    return 0


def cell_row(cell: str) -> int | None:
    match = re.match(r"\$?[A-Z]{1,3}\$?(\d+)", cell or "")
    return int(match.group(1)) if match else None


class _Marks:
    issues: list[Issue]

    @property
    def severity(self) -> str:
        """"error", "warning" or "" — the worst of the problems found here."""
        if any(i.severity == "error" for i in self.issues):
            return "error"
        return "warning" if self.issues else ""


@dataclass
class Marked(_Marks):
    """A value on the card, with the cell it came from and the problems found there."""

    text: str
    cell: str = ""
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Part(_Marks):
    no: int
    title: str
    issues: list[Issue] = field(default_factory=list)


@dataclass
class TableView:
    caption: str
    headers: tuple[str, str]
    rows: list[tuple[str, Marked, Marked]]  # (kind, item, value)


@dataclass
class CardView:
    header: str
    fields: dict[str, Marked]
    parts: dict[int, Part]
    tables: list[TableView]
    free: list[tuple[str, list[Marked]]]
    history: list[Marked]
    file_issues: list[Issue]
    fits_page: bool
    last_year_cost: str = ""  # 「平成25年度 1,237千円」: last year's cost of this 管理番号 ("" when not in the record)


def _marker(issues: list[Issue]):
    by_cell: dict[str, list[Issue]] = {}
    by_row: dict[int, list[Issue]] = {}
    for issue in issues:
        if issue.cell:
            by_cell.setdefault(issue.cell.replace("$", ""), []).append(issue)
            row = cell_row(issue.cell)
            if row is not None:
                by_row.setdefault(row, []).append(issue)

    def mark(text: str, cell: str, *, whole_row: bool = False, field_name: str = "") -> Marked:
        found = list(by_cell.get(cell, []))
        if whole_row and cell_row(cell) is not None:
            found += [i for i in by_row.get(cell_row(cell), []) if i not in found]
        if field_name:
            found += [i for i in issues if i.field == field_name and not i.cell and i not in found]
        return Marked(text, cell, found)

    return mark


def card_view(sourced: SourcedCard | None, issues: list[Issue], config: ReportConfig,
              last_year: LastYear | None = None) -> CardView:
    """The view of ``sourced`` (None: the card could not be read; only its problems are shown), with last
    year's cost of its 管理番号 beside this year's when ``last_year`` (the folder's record) has it."""
    parts = {no: Part(no, title) for no, title in PART_TITLES.items()}
    file_issues = []
    for issue in issues:
        no = part_of(issue)
        if no is None:
            file_issues.append(issue)
        else:
            parts[no].issues.append(issue)
    fits = not any(i.code == "card-too-long" for i in issues)
    header = f"{nendo(config.fiscal_year)}に実施した中小企業振興施策"
    if sourced is None:
        return CardView(header, {}, parts, [], [], [], file_issues, fits)
    card, cells = sourced.card, sourced.source.cells
    marker = _marker(issues)
    unread = set(sourced.source.unread)

    def mark(text: str, cell: str, *, whole_row: bool = False, field_name: str = "") -> Marked:
        if field_name in unread:  # the card holds a placeholder; say so rather than show it
            text = "（読み取れません）"
        return marker(text, cell, whole_row=whole_row, field_name=field_name)

    try:
        policy = config.policy(card.policy)
        policy_text = f"{policy.mark}　{policy.title}"
    except (IndexError, ValueError):
        policy_text = str(card.policy)
    cost = "－" if card.cost is None else f"{card.cost:,}"
    group = "　".join(p for p in (card.department, card.group) if p)
    fields = {
        "policy": mark(policy_text, cells.get("policy", ""), field_name="policy"),
        "measure": mark(card.measure, cells.get("measure", ""), field_name="measure"),
        "project_name": mark(card.project_name, cells.get("project_name", ""), field_name="project_name"),
        "description": mark(card.description, cells.get("description", ""), field_name="description"),
        "cost": mark(cost, cells.get("cost", ""), field_name="cost"),
        "cost_note": mark(card.cost_note, cells.get("cost_note", ""), field_name="cost_note"),
        "department": mark(group, cells.get("department", ""), field_name="department"),
    }
    tables = []
    for key, results in (("progress_rows", card.progress), ("outcome_rows", card.outcome)):
        if not results.rows:
            continue
        rows = []
        for index, row in enumerate(results.rows):
            cell = cells.get(f"{key}.{index}", "")
            value_cell = cells.get(f"{key}.{index}.value", "")
            rows.append((row.kind, mark(row.item, cell, whole_row=True), mark(row.value, value_cell)))
        tables.append(TableView(results.caption, tuple(results.headers), rows))
    free = []
    for index, row in enumerate(card.results_free):
        cell = cells.get(f"results_free.{index}", "")
        free.append((row.kind, [mark(text, cell, whole_row=True) for text in row.cells if text.strip()]))
    history = []
    for index, entry in enumerate(card.history):
        text = "　".join(p for p in (entry.year, entry.event) if p)
        if entry.former_name.strip():
            text += f"\n「{entry.former_name.strip().strip('「」')}」"
        if entry.reason.strip():
            text += f"\n{entry.reason.strip()}"
        history.append(mark(text, cells.get(f"history_rows.{index}", ""), whole_row=True))
    return CardView(header, fields, parts, tables, free, history, file_issues, fits, last_year_cost(card, last_year))


def last_year_cost(card: Card, last_year: LastYear | None) -> str:
    """Last year's cost of the card's 管理番号 as the clerk reads it beside this year's ("" when not known)."""
    if last_year is None or card.project_id not in last_year.names:
        return ""
    cost = last_year.costs.get(card.project_id)
    return f"{nendo(last_year.fiscal_year)} {'－' if cost is None else f'{cost:,}千円'}"


def issue_place(issue: Issue) -> str:
    """Where a problem is, in words: 「B11　４ 事業費（千円）」."""
    label = FIELD_LABELS.get(issue.field, issue.field) if issue.field else ""
    return "　".join(p for p in (issue.cell, label) if p)
