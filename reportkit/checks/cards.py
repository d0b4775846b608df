"""Turn what a workbook holds (RawCard) into a Card: Japanese normalisation, one Issue per bad cell."""

from __future__ import annotations

import datetime
import re
import unicodedata

from ..inputs.config import ReportConfig
from ..errors import ParseError
from ..issues import Issue, make_issue
from ..japanese import (clean_text, normalise_policy, one_line, parse_amount, parse_fiscal_year,
                       parse_mark, to_half_width, yen_in_thousands)
from ..model import (DEFAULT_HEADERS, DEFAULT_OUTCOME_CAPTION, DEFAULT_PROGRESS_CAPTION, Card, CellRef,
                    FreeRow, HistoryEntry, Reprint, ResultRow, ResultsTable, SourceInfo, SourcedCard)
from ..workbook.layout import CARD_SHEET, FREE_KINDS, ROW_KINDS
from ..workbook.reader import RawCard, RawValue

PROJECT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ROW_KIND_ALIASES = {"うち": "内訳", "内訳": "内訳", "計": "計", "合計": "計", "小計": "計", "見出し": "見出し"}


def canonical_choice(text: str, choices: list[str]) -> str:
    """The config's spelling of ``text`` when it matches one choice loosely (NFKC, no spaces, no leading ・).

    For measures and divisions typed by hand instead of picked from the list; anything else is
    returned unchanged (and reported by the rules).
    """
    if not text or text in choices:
        return text
    key = _loose(text)
    matches = [choice for choice in choices if _loose(choice) == key]
    return matches[0] if len(matches) == 1 else text


def _loose(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).lstrip("・･")


class _Collector:
    def __init__(self, raw: RawCard, config: ReportConfig):
        self.raw = raw
        self.config = config
        self.issues: list[Issue] = []
        self.positions: list[CellRef] = []
        # Cells the reader found unusable (1e999, NaN) and read as empty: their error is said once.
        self.reported = {i.cell for i in raw.issues if i.code == "unusable-number"}

    def issue(self, code: str, cell: str, field: str, **params) -> None:
        if cell and cell in self.reported:
            return
        self.issues.append(make_issue(code, self.raw.file, sheet=CARD_SHEET, cell=cell, field=field, **params))

    def value(self, name: str) -> RawValue:
        raw = self.raw.values.get(name) or RawValue(None, "")
        self.place(name, None, [raw])
        return raw

    def place(self, field: str, row: int | None, values: list[RawValue]) -> None:
        """Record the cell of each column of a single value, a header pair or a block row."""
        self.positions += [CellRef(field=field, row=row, column=column, a1=v.cell)
                           for column, v in enumerate(values) if v.cell]


# Without these a card has no place in the report: it is checked, but never built from.
REQUIRED_FIELDS = ("project_id", "fiscal_year", "policy", "project_name", "measure", "department")
# What stands in a field that could not be read, so that the rules can still check the rest of the card.
_PLACEHOLDERS: dict[str, object] = {"project_id": "", "policy": 0, "project_name": "", "measure": "", "department": ""}


def build_card(raw: RawCard, config: ReportConfig) -> tuple[SourcedCard | None, list[Issue]]:
    """A normalised card and the problems found on the way; None when required fields cannot be read."""
    sourced, issues = read_card(raw, config)
    return (sourced if is_complete(sourced) else None), issues


def is_complete(sourced: SourcedCard) -> bool:
    """Every required field was read: the card has a place in the report (it may still have errors)."""
    return not set(sourced.source.unread) & set(REQUIRED_FIELDS)


def read_card(raw: RawCard, config: ReportConfig) -> tuple[SourcedCard, list[Issue]]:
    """The card as far as it could be read, and the problems found on the way.

    Always a card, so that every rule can run on what was read and a clerk sees every problem in
    one pass: a field that could not be read (an error says why) holds a placeholder and is listed
    in ``source.unread``; the rules leave such fields alone.
    """
    c = _Collector(raw, config)
    year = config.fiscal_year
    titles = [p.title for p in config.policies]
    fields: dict[str, object] = {}

    project_id = c.value("project_id")
    text = one_line(project_id.value)
    if not text:
        c.issue("missing-value", project_id.cell, "project_id")
    elif not PROJECT_ID_RE.fullmatch(text):
        c.issue("bad-project-id", project_id.cell, "project_id", detail=text[:40])
    fields["project_id"] = text

    fields["fiscal_year"] = _year(c, "fiscal_year", year, required=True)

    policy = c.value("policy")
    try:
        fields["policy"] = normalise_policy(policy.value, titles)
    except ParseError as exc:
        _report(c, exc, policy.cell, "policy")

    for name in ("measure", "department", "group"):
        fields[name] = one_line(c.value(name).value)
    # Typed by hand instead of picked from the list: accept width, spacing and a leading ・ variants.
    measures = config.policy(fields["policy"]).measures if "policy" in fields else config.all_measures()
    fields["measure"] = canonical_choice(str(fields["measure"]), measures)
    fields["department"] = canonical_choice(str(fields["department"]), config.divisions)
    for name in ("project_name", "description", "cost_note", "new_summary"):
        fields[name] = clean_text(c.value(name).value)
    fields["project_name"] = "\n".join(line.strip(" \u3000") for line in str(fields["project_name"]).split("\n"))
    for name in ("project_name", "measure", "department", "description"):
        if not fields[name]:
            c.issue("missing-value", (c.raw.values.get(name) or RawValue(None, "")).cell, name)

    cost = c.value("cost")
    try:
        fields["cost"] = parse_amount(cost.value)
    except ParseError as exc:
        if exc.code == "amount-in-yen":
            c.issue("amount-in-yen", cost.cell, "cost", detail=exc.detail, expected=yen_in_thousands(exc.detail))
        else:
            _report(c, exc, cost.cell, "cost")

    for name, allowed in (("priority", "○"), ("key_result", "○"), ("emergency", "○"),
                          ("foundation", "○△"), ("new_listing", "◎・")):
        raw_value = c.value(name)
        try:
            mark = parse_mark(raw_value.value, allowed)
        except ParseError:
            c.issue("bad-mark", raw_value.cell, name, detail="「" + "」「".join(allowed) + "」または空欄")
            mark = ""
        fields[name] = mark == "○" if name in ("priority", "key_result", "emergency") else mark

    fields["period_start"] = _year(c, "period_start", year, required=False)
    fields["period_end"] = _year(c, "period_end", year, required=False)

    fields["progress"] = _table(c, "progress", DEFAULT_PROGRESS_CAPTION)
    fields["outcome"] = _table(c, "outcome", DEFAULT_OUTCOME_CAPTION)
    fields["results_free"] = _free_rows(c)
    fields["history"] = _history(c)
    fields["reprints"] = _reprints(c, titles)

    source = SourceInfo(file=raw.file, positions=c.positions)
    source.unread = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if "cost" not in fields:  # e.g. emptied by rollover: the card is checked, and its error keeps it out of a build
        source.unread.append("cost")
    for name in source.unread:
        fields[name] = year if name == "fiscal_year" else _PLACEHOLDERS.get(name)  # the cost: None
    return SourcedCard(card=Card(**fields), source=source), c.issues


def _report(c: _Collector, exc: ParseError, cell: str, field: str) -> None:
    code = exc.code if exc.code in ("missing-value", "not-a-number", "negative-amount", "fractional-amount",
                                    "bad-year", "date-for-year", "year-out-of-range", "unknown-policy") else "bad-year"
    c.issue(code, cell, field, detail=exc.detail)


def _year(c: _Collector, name: str, report_year: int, required: bool) -> int | None:
    raw = c.value(name)
    if raw.value is None or (isinstance(raw.value, str) and not raw.value.strip()):
        if required:
            c.issue("missing-value", raw.cell, name)
        return None
    try:
        return parse_fiscal_year(raw.value, report_year)
    except ParseError as exc:
        _report(c, exc, raw.cell, name)
        return None


def _table(c: _Collector, prefix: str, default_caption: str) -> ResultsTable:
    caption = clean_text(c.value(f"{prefix}_caption").value) or default_caption
    pair = c.raw.pairs.get(f"{prefix}_headers") or []
    headers = tuple(one_line(v.value) or DEFAULT_HEADERS[i] for i, v in enumerate(pair[:2]))
    if len(headers) < 2:
        headers = DEFAULT_HEADERS
    c.place(f"{prefix}_headers", None, pair[:2])
    rows = []
    for index, raw_row in enumerate(c.raw.blocks.get(f"{prefix}_rows", [])):
        item, value, kind = (raw_row.cells + [RawValue(None, "")] * 3)[:3]
        kind_text = one_line(kind.value)
        normal = _ROW_KIND_ALIASES.get(kind_text, kind_text)
        if normal and normal not in ROW_KINDS:
            c.issue("bad-row-kind", kind.cell, f"{prefix}_rows", detail=kind_text)
            normal = ""
        c.place(f"{prefix}_rows", index, raw_row.cells)
        rows.append(ResultRow(item=clean_text(item.value), value=_value_text(value.value), kind=normal))
    return ResultsTable(caption=caption, headers=headers, rows=rows)


def _value_text(value: object) -> str:
    """A results value as text; numbers typed as numbers keep Excel's grouping."""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return clean_text(value)


def _free_rows(c: _Collector) -> list[FreeRow]:
    rows = []
    for index, raw_row in enumerate(c.raw.blocks.get("results_free", [])):
        kind = one_line(raw_row.cells[0].value)
        if kind not in FREE_KINDS:
            c.issue("bad-free-kind", raw_row.cells[0].cell, "results_free", detail=kind or "（空欄）")
            continue
        c.place("results_free", len(rows), raw_row.cells)  # by the card's row index
        cells = [_value_text(v.value) for v in raw_row.cells[1:7]]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(FreeRow(kind=kind, cells=cells))
    return rows


def _history(c: _Collector) -> list[HistoryEntry]:
    entries = []
    for index, raw_row in enumerate(c.raw.blocks.get("history_rows", [])):
        values = (raw_row.cells + [RawValue(None, "")] * 4)[:4]
        c.place("history_rows", index, raw_row.cells)
        year = values[0].value
        if _is_date(year):
            # Excel turned 2010/4/1 into a date: printed it would read 2010-04-01 00:00:00.
            c.issue("date-for-year", values[0].cell, "history_rows", detail=str(year)[:10])
            year_text = f"{year.year}年{year.month}月{year.day}日" if hasattr(year, "year") else str(year)
        else:
            year_text = _year_phrase(year)
        former = one_line(values[2].value).strip("「」")
        entries.append(HistoryEntry(year=year_text, event=one_line(values[1].value), former_name=former,
                                    reason=clean_text(values[3].value)))
    return entries


def _is_date(value: object) -> bool:
    """A date or time as openpyxl reads a date-formatted cell, or a date typed as text (2010/4/1)."""
    if isinstance(value, (datetime.date, datetime.time)):
        return True
    return isinstance(value, str) and re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s.*)?",
                                                   to_half_width(one_line(value))) is not None


def _year_phrase(value: object) -> str:
    """A history year as printed: a bare 2013 or H25 becomes 平成２５年度; phrases stay as typed."""
    from ..japanese import nendo, zen_digits

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return nendo(int(value))
        except ParseError:
            return str(value)
    text = one_line(value)
    try:
        return nendo(parse_fiscal_year(text))
    except ParseError:
        return zen_digits(text) if re.fullmatch(r"[^\d]*\d+[^\d]*年度.*", text) and "（" not in text else text


def _reprints(c: _Collector, titles: list[str]) -> list[Reprint]:
    reprints = []
    for index, raw_row in enumerate(c.raw.blocks.get("reprint_rows", [])):
        policy_cell, measure_cell = (raw_row.cells + [RawValue(None, "")] * 2)[:2]
        try:
            number = normalise_policy(policy_cell.value, titles)
        except ParseError as exc:
            c.issue("unknown-reprint-policy", policy_cell.cell, "reprint_rows", detail=exc.detail or "（空欄）")
            continue
        c.place("reprint_rows", len(reprints), raw_row.cells)  # by the card's reprint index
        measure = canonical_choice(one_line(measure_cell.value), c.config.policy(number).measures)
        reprints.append(Reprint(policy=number, measure=measure))
    return reprints
