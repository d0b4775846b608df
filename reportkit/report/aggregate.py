"""From validated cards to the report's figures and order: pure Python, no I/O.

``aggregate`` turns the year's config and its cards into a ``Report``: per policy
the list-table rows grouped by measure (own cards and reprint copies), the
小計 / 〃 (再掲含む。) / 合計 figures, the multi-year table of section 1, the
new-projects list of section 2(1) and the document order of the cards of
section 2(3).

Order rules (checked against the 平成25年度 edition):

* own cards of a measure follow ``project_order``: last year's order, then new
  projects by 管理番号, then the secretariat's ``placements`` — never the order
  the cards are given in (file names, folders);
* a reprint copy goes at the end of its host measure, in the list order of the
  source cards, unless ``config.reprint_placements`` names the host row it
  follows (the edition interleaves some reprints inside the measure group);
* a lump reprint (a whole policy reprinted as one line) follows the host
  policy's rows;
* the cards of section 2(3) are printed chapter by chapter, each policy's
  rows in list-table order, so every card lands on the page the list table
  gives.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..inputs.config import ReportConfig
from ..errors import InputFileError
from ..model import Card
from .project_order import Listed, in_report_order

REPRINT_SUFFIX = "（再掲）"


@dataclass(frozen=True)
class YearFigure:
    """Projects and settled cost (千円) of one policy in one past fiscal year."""

    year: int
    policy: int
    count: int
    amount: int


@dataclass(frozen=True)
class Placeholder:
    """A card not in yet (draft builds only): a marked page where it will stand, out of every figure."""

    state: str  # "missing" (not returned yet) or "errors" (returned, failing validation)
    problems: tuple[str, ...] = ()  # the problems to fix, one line each (for "errors")
    file: str = ""

    @property
    def label(self) -> str:
        return PLACEHOLDER_LABELS[self.state]


PLACEHOLDER_LABELS = {"missing": "未提出", "errors": "要修正"}


@dataclass(frozen=True)
class JointPart:
    """One division's part of a project that several divisions carry out, as the list table names it.

    The edition lists 「低炭素型ものづくり産業振興事業（新産業創造課事業分）」 with 担当課等
    「新産業創造課（地域産業課との連携）」, where the card prints the project's name alone: cards whose names
    differ only by a 「（…事業分）」 ending, of two or more divisions, are parts of one project (``joint_parts``).
    """

    name: str  # the name with 「（<division>事業分）」
    department: str  # 「<division>（<partners>との連携）」


_PART_ENDING = re.compile(r"（([^（）]+)事業分）$")


def joint_parts(cards: Sequence[Card]) -> dict[str, JointPart]:
    """Project id → its ``JointPart`` for the cards that are parts of a joint project.

    A part's name is a project name with or without 「（<division>事業分）」; the parts of one project share
    the name before that ending, come from two or more divisions, and at least one of them carries the
    ending (two cards of one name and no ending are a duplicate name, which validation reports). Partners
    are named in the order the cards are given (the report's order), each once.
    """
    by_base: dict[str, list[Card]] = {}
    for card in cards:
        name = card.one_line_name
        by_base.setdefault(_PART_ENDING.sub("", name), []).append(card)
    parts: dict[str, JointPart] = {}
    for base, group in by_base.items():
        divisions = list(dict.fromkeys(card.department for card in group if card.department))
        if len(group) < 2 or len(divisions) < 2 or not any(_PART_ENDING.search(c.one_line_name) for c in group):
            continue
        for card in group:
            partners = [division for division in divisions if division != card.department]
            name = card.one_line_name if _PART_ENDING.search(card.one_line_name) else f"{base}（{card.department}事業分）"
            parts[card.project_id] = JointPart(name, f"{card.department}（{'、'.join(partners)}との連携）")
    return parts


@dataclass(frozen=True)
class ListRow:
    """One row of the list table, and the card printed for it in section 2(3)."""

    card: Card
    host_policy: int
    host_measure: str
    is_reprint: bool
    bookmark: str  # Word bookmark around the printed card; PAGEREF target
    placeholder: Placeholder | None = None  # a draft's stand-in: its card is not printed, nor counted
    joint: JointPart | None = None  # one division's part of a project several divisions carry out

    @property
    def name(self) -> str:
        """The project name as listed (one line; a joint project's part named with its division), with
        （再掲） on a reprint copy."""
        listed = self.joint.name if self.joint else self.card.one_line_name
        return listed + (REPRINT_SUFFIX if self.is_reprint else "")

    @property
    def department(self) -> str:
        """担当課等 as listed: the division, and for a joint project's part the divisions it works with."""
        return self.joint.department if self.joint else self.card.department

    @property
    def card_name(self) -> str:
        """The name printed in part ２ of the card (line breaks kept)."""
        return self.card.project_name + (REPRINT_SUFFIX if self.is_reprint else "")


@dataclass(frozen=True)
class MeasureGroup:
    measure: str
    rows: list[ListRow]

    @property
    def has_reprints(self) -> bool:
        return any(row.is_reprint for row in self.rows)


@dataclass(frozen=True)
class LumpLine:
    """A whole policy's 小計 reprinted inside another policy as one line."""

    label: str
    source_policy: int
    amount: int


@dataclass(frozen=True)
class PolicySummary:
    no: int
    mark: str
    title: str
    measures: list[MeasureGroup]
    lump_lines: list[LumpLine]
    count: int  # own projects, reprints excluded
    subtotal: int  # 小計, reprints excluded
    subtotal_with_reprints: int | None  # 〃 (再掲含む。); None when the policy has no reprints

    @property
    def rows(self) -> list[ListRow]:
        return [row for group in self.measures for row in group.rows]


@dataclass(frozen=True)
class YearCell:
    count: int | None
    amount: int | None


@dataclass(frozen=True)
class YearColumn:
    """One fiscal year of the section 1 table."""

    year: int
    cells: dict[int, YearCell]  # policy no → figures
    count: int
    amount: int


@dataclass(frozen=True)
class NewProject:
    row: ListRow
    featured: bool  # ◎ (with summary) rather than ・


@dataclass(frozen=True)
class NewProjectsGroup:
    """The new projects of one chapter, under the headings of all its policies."""

    policies: list[int]
    projects: list[NewProject]


@dataclass(frozen=True)
class ChapterPlan:
    index: int
    policies: list[int]
    rows: list[ListRow]  # the cards printed in the chapter, in order


@dataclass(frozen=True)
class Total:
    count: int
    amount: int


@dataclass(frozen=True)
class Report:
    fiscal_year: int
    first_year: int
    policies: list[PolicySummary]
    total: Total
    years: list[YearColumn]
    new_projects: list[NewProjectsGroup]
    chapters: list[ChapterPlan]
    warnings: list[str] = field(default_factory=list)
    draft: bool = False  # built with placeholders: the figures count only the cards that are in

    def policy(self, no: int) -> PolicySummary:
        return self.policies[no - 1]

    @property
    def rows(self) -> list[ListRow]:
        """Every card printed in section 2(3), in document order."""
        return [row for chapter in self.chapters for row in chapter.rows]


def aggregate(config: ReportConfig, cards: list[Card], multi_year: list[YearFigure],
              placeholders: dict[str, Placeholder] | None = None, previous: Sequence[Listed] = ()) -> Report:
    """Compute the report's figures and orders from the config and the cards (in any order).

    ``placeholders`` makes a draft (``Report.draft``): project id → Placeholder for the cards of
    ``cards`` that are not in yet. Their rows keep their place in every order but count in no figure.
    ``previous``: last year's projects in last year's report order (``expected.json``), which the
    projects that continue keep (``project_order``).
    """
    draft, placeholders = placeholders is not None, placeholders or {}
    cards, warnings = in_report_order(config, cards, previous)
    bookmarks = _BookmarkNames()
    joint = joint_parts(cards)
    # Own rows in list order; unknown measures go last (validation reports them).
    own: dict[int, dict[str, list[ListRow]]] = {p.no: {m: [] for m in p.measures} for p in config.policies}
    for card in cards:
        groups = own.get(card.policy)
        if groups is None:
            warnings.append(f"{card.project_id}: 基本方針 {card.policy} は設定にありません")
            continue
        if card.measure not in groups:
            warnings.append(f"{card.project_id}: 施策「{card.measure}」は基本方針 {card.policy} にありません")
            groups.setdefault(card.measure, [])
        groups[card.measure].append(ListRow(card, card.policy, card.measure, False, bookmarks.make(card.project_id),
                                            placeholders.get(card.project_id), joint.get(card.project_id)))

    placements = {
        (p.project_id, p.into_policy): p.after for p in getattr(config, "reprint_placements", [])
    }
    for card in cards:
        for reprint in card.reprints:
            groups = own.get(reprint.policy)
            if groups is None:
                warnings.append(f"{card.project_id}: 再掲先の基本方針 {reprint.policy} は設定にありません")
                continue
            rows = groups.setdefault(reprint.measure, [])
            row = ListRow(card, reprint.policy, reprint.measure, True,
                          bookmarks.make(f"{card.project_id}r{reprint.policy}"), placeholders.get(card.project_id),
                          joint.get(card.project_id))
            _place(rows, row, placements.get((card.project_id, reprint.policy)))

    subtotals = {
        no: sum(_amount(row) for rows in groups.values() for row in rows if not row.is_reprint)
        for no, groups in own.items()
    }
    summaries: list[PolicySummary] = []
    for policy in config.policies:
        groups = [MeasureGroup(measure, rows) for measure, rows in own[policy.no].items() if rows]
        lumps = [
            LumpLine(lump.label, lump.policy, subtotals[lump.policy])
            for lump in config.lump_reprints
            if lump.into_policy == policy.no
        ]
        reprint_amount = sum(
            _amount(row) for group in groups for row in group.rows if row.is_reprint
        ) + sum(lump.amount for lump in lumps)
        has_reprints = bool(lumps) or any(group.has_reprints for group in groups)
        summaries.append(
            PolicySummary(
                no=policy.no,
                mark=policy.mark,
                title=policy.title,
                measures=groups,
                lump_lines=lumps,
                count=sum(1 for group in groups for row in group.rows if not row.is_reprint and not row.placeholder),
                subtotal=subtotals[policy.no],
                subtotal_with_reprints=subtotals[policy.no] + reprint_amount if has_reprints else None,
            )
        )
    total = Total(sum(s.count for s in summaries), sum(s.subtotal for s in summaries))

    chapters = [
        ChapterPlan(index, list(chapter.policies), [row for no in chapter.policies for row in summaries[no - 1].rows])
        for index, chapter in enumerate(config.chapters)
    ]
    return Report(
        fiscal_year=config.fiscal_year,
        first_year=config.first_year,
        policies=summaries,
        total=total,
        years=_years(config, summaries, total, multi_year),
        new_projects=_new_projects(chapters),
        chapters=chapters,
        warnings=warnings,
        draft=draft,
    )


def _amount(row: ListRow) -> int:
    """What a row adds to the figures: its cost, nothing for a placeholder or 「－」."""
    return 0 if row.placeholder is not None else row.card.cost or 0


MULTI_YEAR_COLUMNS = ("year", "policy", "count", "amount")


def parse_multi_year(text: str, shown: str = "multi_year.csv") -> list[YearFigure]:
    """Parse the ``year,policy,count,amount`` CSV text of past years (the caller reads the file).

    InputFileError, naming ``shown`` and the line, for a missing column or a value that is not a whole number.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in MULTI_YEAR_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InputFileError(f"{shown} の 1 行目（見出し）に {', '.join(missing)} の列がありません。"
                             f"見出しは {','.join(MULTI_YEAR_COLUMNS)} としてください。")
    figures = []
    for record in reader:
        values = {}
        for column in MULTI_YEAR_COLUMNS:
            value = str(record[column] or "").strip()
            try:
                values[column] = int(value.replace(",", "") if column == "amount" else value)
            except ValueError:
                raise InputFileError(f"{shown} の {reader.line_num} 行目: {column} の値「{value}」が整数ではありません。"
                                     "半角数字で入力してください（amount は千円単位、カンマ可）。") from None
        figures.append(YearFigure(**values))
    return figures


def _place(rows: list[ListRow], row: ListRow, after: str | None) -> None:
    """Insert a reprint copy after the named host row, or at the end of its measure."""
    if after is None:
        rows.append(row)
        return
    if after == "":
        position = 0
    else:
        targets = [i for i, r in enumerate(rows) if r.card.project_id == after]
        if not targets:
            rows.append(row)
            return
        position = targets[0] + 1
    # Several copies placed after the same row keep the order they were given in.
    while position < len(rows) and rows[position].is_reprint and rows[position].card.project_id != after:
        position += 1
    rows.insert(position, row)


def _years(config: ReportConfig, summaries: list[PolicySummary], total: Total,
           multi_year: list[YearFigure]) -> list[YearColumn]:
    past: dict[int, dict[int, YearCell]] = {}
    for figure in multi_year:
        if config.first_year <= figure.year < config.fiscal_year:
            past.setdefault(figure.year, {})[figure.policy] = YearCell(figure.count, figure.amount)
    columns = []
    for year in range(config.first_year, config.fiscal_year):
        cells = {p.no: past.get(year, {}).get(p.no, YearCell(None, None)) for p in config.policies}
        columns.append(
            YearColumn(
                year,
                cells,
                sum(c.count or 0 for c in cells.values()),
                sum(c.amount or 0 for c in cells.values()),
            )
        )
    columns.append(
        YearColumn(config.fiscal_year, {s.no: YearCell(s.count, s.subtotal) for s in summaries},
                   total.count, total.amount)
    )
    return columns


def _new_projects(chapters: list[ChapterPlan]) -> list[NewProjectsGroup]:
    groups = []
    for chapter in chapters:
        own_rows = [row for row in chapter.rows if not row.is_reprint]
        featured = [NewProject(row, True) for row in own_rows if row.card.new_listing == "◎"]
        listed = [NewProject(row, False) for row in own_rows if row.card.new_listing == "・"]
        if featured or listed:
            groups.append(NewProjectsGroup(list(chapter.policies), featured + listed))
    return groups


def bookmark_base(key: str) -> str:
    """The Word bookmark name of a card (``key``: its 管理番号, or ``{id}r{policy}`` for a reprint) before
    any ``x2`` that keeps it unique."""
    return "rk" + re.sub(r"[^A-Za-z0-9]", "", key)[:34]


class _BookmarkNames:
    """Unique Word bookmark names: letters and digits only (LibreOffice escapes ``_`` in PDF
    destination names), at most 40 characters."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def make(self, key: str) -> str:
        base = bookmark_base(key)
        name, counter = base, 1
        while name in self._used:
            counter += 1
            name = f"{base[:36]}x{counter}"
        self._used.add(name)
        return name
