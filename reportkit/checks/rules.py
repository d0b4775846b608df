"""Validation rules: small functions over normalised cards that yield Issues.

Each rule takes a SourcedCard (the card and the cell of every field) and the year's config and
yields Issues with the cell a clerk must fix and the field's defined name. docs/validation.md
says what the 平成25年度 edition shows and why each rule is as it is.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping

from ..inputs.config import ReportConfig
from ..inputs.expected_record import LastYear
from ..inputs.input_folder import CONFIG_FILE
from ..issues import FIELD_LABELS, Issue, make_issue
from ..japanese import (FULL_DIGITS, display_width, era_of, era_year, nendo, nendo_or_western, quantities,
                       hanging_em, opens_at_margin, to_half_width, yen_in_thousands)
from ..model import RENAME_EVENTS, Card, ResultRow, SourcedCard, former_names, name_key
from ..report.project_order import in_report_order

CardRule = Callable[[SourcedCard, ReportConfig], Iterator[Issue]]


# -- helpers -------------------------------------------------------------------------------------

def _issue(sourced: SourcedCard, code: str, field: str, row: int | None = None, *, column: int = 0,
           **params: object) -> Issue:
    """An Issue at the cell the reader read ``column`` of ``row`` of ``field`` from (SourceInfo.positions)."""
    cell = sourced.source.cell(field, row, column)
    return make_issue(code, sourced.source.file, sheet=sourced.source.sheet, cell=cell, field=field, **params)


def _read(sourced: SourcedCard, *fields: str) -> bool:
    """Every one of ``fields`` was read (an unread one holds a placeholder, and an error says why)."""
    return not set(fields) & set(sourced.source.unread)


# -- single-field rules --------------------------------------------------------------------------

def check_measure(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """The measure is one of the card's policy's measures."""
    card = sourced.card
    if _read(sourced, "policy", "measure") and card.measure not in config.policy(card.policy).measures:
        yield _issue(sourced, "unknown-measure", "measure", detail=card.measure,
                     policy=config.policy(card.policy).mark)


def check_division(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    if _read(sourced, "department") and sourced.card.department not in config.divisions:
        yield _issue(sourced, "unknown-division", "department", detail=sourced.card.department)


def check_fiscal_year(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """A card of another year: naming both years; last year's file sent again only when it is last year's."""
    year = sourced.card.fiscal_year
    if _read(sourced, "fiscal_year") and year != config.fiscal_year:
        code = "stale-fiscal-year" if year == config.fiscal_year - 1 else "other-fiscal-year"
        yield _issue(sourced, code, "fiscal_year", detail=nendo_or_western(year), expected=nendo(config.fiscal_year))


def check_period(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    card = sourced.card
    start, end = card.period_start, card.period_end
    if start is not None and end is not None and start > end:
        yield _issue(sourced, "period-reversed", "period_start", detail=nendo_or_western(start),
                     expected=nendo_or_western(end))
    if start is not None and start > config.fiscal_year:
        yield _issue(sourced, "period-in-future", "period_start", detail=nendo_or_western(start),
                     expected=nendo(config.fiscal_year))


_NOTE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_NOT_AMOUNT_BEFORE = (".", "/", "／", "第", "平成", "令和", "昭和", "H", "R", "S", "Ｈ", "Ｒ", "Ｓ")
_NOT_AMOUNT_AFTER = ("円", "件", "人", "名", "回", "年", "月", "日", "%", "％", "社", "者", "か所", "箇所", "ヶ所",
                     "校", "団体", "倍", "割", "時間", "部", "台", "枚", "個", "組", "店", "戸", "億", "万", "百",
                     "千", "/", "／", ".")


def note_amounts(note: str) -> list[int] | None:
    """The amounts of a cost breakdown, or None when the note is not a plain breakdown in 千円.

    Amounts are numbers with no unit or with 千円 (``保証料補助８６，５２４、利子補給１０４，３００``).
    A number with another unit or inside a date or ratio (``3件``, ``平成25年度``, ``1/2``, ``50%``,
    ``1,000円``) makes the note prose, and prose is not checked. 「、」 always separates numbers.
    """
    parts = _note_parts(note)
    if parts is None or any(unit == "円" for _, unit, _ in parts):
        return None
    return [amount for amount, _, _ in parts]


def note_yen_amounts(note: str) -> list[str]:
    """The amounts of a breakdown written in 円 (``補助金1,237,000円、委託料500,000円``), as typed.

    Empty unless the note is a plain breakdown whose amounts carry 円 (at least one) or 千円 or no unit.
    """
    parts = _note_parts(note)
    return [typed for _, unit, typed in parts or [] if unit == "円"]


def _note_parts(note: str) -> list[tuple[int, str, str]] | None:
    """(amount, unit, as typed) of every number of a breakdown, unit "", "千円" or "円"; None for prose."""
    half = note.translate({ord(FULL_DIGITS[i]): str(i) for i in range(10)} | {ord("，"): ","})
    parts = []
    for match in _NOTE_NUMBER.finditer(half):
        before = half[: match.start()].rstrip(" \u3000")
        after = half[match.end():].lstrip(" \u3000")
        if before.endswith(_NOT_AMOUNT_BEFORE):
            return None
        unit = "千円" if after.startswith("千円") else "円" if after.startswith("円") else ""
        if not unit and after.startswith(_NOT_AMOUNT_AFTER):
            return None
        parts.append((int(match.group().replace(",", "")), unit, note[match.start():match.end()] + unit))
    return parts or None


def check_cost_note(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """The amounts of the breakdown are in 千円 and add up to the cost."""
    card = sourced.card
    in_yen = note_yen_amounts(card.cost_note) if card.cost_note else []
    if in_yen:
        yield _issue(sourced, "amount-in-yen", "cost_note", detail=in_yen[0],
                     expected=yen_in_thousands(in_yen[0]))
        return
    if not _read(sourced, "cost"):
        return
    amounts = note_amounts(card.cost_note) if card.cost_note else None
    if not amounts:
        return
    total = sum(amounts)
    if card.cost is None:
        yield _issue(sourced, "cost-note-mismatch", "cost_note", detail=f"{total:,}",
                     expected="「－」（事業費なし）")
    elif total != card.cost:
        yield _issue(sourced, "cost-note-mismatch", "cost_note", detail=f"{total:,}",
                     expected=f"{card.cost:,}千円")


def check_summary(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    if sourced.card.new_listing == "◎" and not sourced.card.new_summary.strip():
        yield _issue(sourced, "summary-required", "new_summary")


# -- results -------------------------------------------------------------------------------------

def check_result_rows(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """Rows of the two results tables: headings without values, values with items, totals that add up."""
    for prefix, table in (("progress", sourced.card.progress), ("outcome", sourced.card.outcome)):
        field = f"{prefix}_rows"
        for index, row in enumerate(table.rows):
            if row.kind == "見出し":
                if row.value:
                    yield _issue(sourced, "heading-row-has-value", field, index, column=1, detail=_snip(row.value))
                continue
            if row.value and not row.item:
                yield _issue(sourced, "row-without-item", field, index, detail=_snip(row.value))
            if row.item and not row.value:
                # a blank value prints as a blank cell: a rolled-over card's emptied value, or one forgotten
                yield _issue(sourced, "row-without-value", field, index, column=1, detail=_snip(row.item))
            if row.kind == "計":
                mismatch = total_mismatch(table.rows, index)
                if mismatch:
                    yield _issue(sourced, "total-row-mismatch", field, index, column=1, detail=mismatch[0],
                                 expected=mismatch[1])


def total_mismatch(rows: list[ResultRow], index: int) -> tuple[str, str] | None:
    """(shown, computed) when the 計 row at ``index`` is not the sum of the rows above it.

    The rows summed are those back to the previous 計 row, without 内訳 and 見出し rows. The check is
    made only when every value is one quantity a line, with the same units line by line
    (``161件`` / ``3,772,450千円``); anything else (text, mixed units) is not checked.
    """
    shown = quantities(rows[index].value)
    if shown is None:
        return None
    parts = []
    for row in reversed(rows[:index]):
        if row.kind == "計":
            break
        if row.kind in ("内訳", "見出し"):
            continue
        values = quantities(row.value)
        if values is None or [u for _, u in values] != [u for _, u in shown]:
            return None
        parts.append(values)
    if not parts:
        return None
    sums = [sum(p[line][0] for p in parts) for line in range(len(shown))]
    if sums == [n for n, _ in shown]:
        return None
    units = [u for _, u in shown]
    return _quantity_text([n for n, _ in shown], units), _quantity_text(sums, units)


def _quantity_text(numbers: list[int], units: list[str]) -> str:
    return "、".join(f"{n:,}{u}" for n, u in zip(numbers, units))


def check_free_rows(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """A 表 row follows a 表頭 row (possibly after other 表 rows; reported once per orphan run); no row is empty.

    A 文 or 見出し row needs its text; a 表 row under a header of two or more columns needs a value
    in the header's last column (blanks between are allowed; a rolled-over card keeps only the
    row's labels, and the values, which end the row, are empty).
    """
    previous, columns = "", 0
    for index, row in enumerate(sourced.card.results_free):
        if row.kind in ("文", "見出し") and not (row.cells and row.cells[0].strip()):
            yield _issue(sourced, "free-row-without-value", "results_free", index, column=1, detail=row.kind)
        if row.kind == "表頭":
            columns = len(row.cells)
        if row.kind == "表" and columns >= 2 and not (row.cells[columns - 1:columns] or [""])[0].strip():
            yield _issue(sourced, "free-row-without-value", "results_free", index, column=columns, detail=row.kind)
        if row.kind == "表" and previous not in ("表頭", "表"):
            yield _issue(sourced, "free-row-order", "results_free", index)
            previous = "表"  # the rest of this run is the same mistake
            continue
        previous = row.kind


def _snip(text: str) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat[:30] + ("…" if len(flat) > 30 else "")


# -- history -------------------------------------------------------------------------------------

_LEADING_ERA = re.compile(r"^\s*(昭和|平成|令和)\s*(\d{1,2}|元)\s*年")


def history_year(phrase: str) -> int | None:
    """The fiscal year (西暦) a history phrase starts with: 平成２２年度（平成２３年３月１５日）→ 2010."""
    half = phrase.translate({ord(FULL_DIGITS[i]): str(i) for i in range(10)})
    match = _LEADING_ERA.match(half)
    if not match:
        return None
    number = 1 if match.group(2) == "元" else int(match.group(2))
    return era_year(match.group(1), number) if number >= 1 else None


def check_history(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """Each entry has a year and an event, is not after the report year, and a rename names the old name.

    A row with neither year nor event right after another entry continues that entry (the
    edition lists several former names under one year); as the first row it is incomplete.
    A rename whose former name is given on an earlier entry (the name the project was created
    under) is fine.
    """
    former_seen = False
    for index, entry in enumerate(sourced.card.history):
        if not entry.year and (entry.event or index == 0):
            yield _issue(sourced, "history-incomplete", "history_rows", index)
        elif entry.year and not entry.event:
            yield _issue(sourced, "history-without-event", "history_rows", index, column=1)
        year = history_year(entry.year) if entry.year else None
        if year is not None and year > config.fiscal_year:
            yield _issue(sourced, "history-after-report", "history_rows", index, detail=entry.year,
                         expected=nendo(config.fiscal_year))
        if any(word in entry.event for word in RENAME_EVENTS) and not entry.former_name and not former_seen:
            yield _issue(sourced, "rename-without-former-name", "history_rows", index, column=2)
        former_seen = former_seen or bool(entry.former_name)


# -- text naming last year ----------------------------------------------------------------------

_YEAR_PHRASE = re.compile(
    r"(?P<era>昭和|平成|令和)\s*(?P<n>\d{1,2}|元)\s*年度"
    r"|(?<![A-Za-z0-9])(?P<initial>[HRS])\s*(?P<m>\d{1,2})(?:\s*年度|(?![\d.．/／年月]))"
    r"|(?<![\d.])(?P<western>\d{4})\s*年度"
    r"|(?<![\d.昭和平成令和HRS元])(?P<bare>\d{1,2})\s*年度")
# A year that starts or ends a span (平成24年度から, H24-25, 平成23～24年度) describes the project's
# course, not this year's work.
_SPAN_AFTER = ("から", "以降", "より", "~", "～", "〜", "-", "‐", "・")
_SPAN_BEFORE = ("~", "～", "〜", "-", "‐")


def year_phrases(text: str, report_year: int) -> list[tuple[int, int, int]]:
    """(fiscal year, start, end) of every 年度 phrase of ``text``: 平成２５年度, H25, 2013年度, ２５年度.

    A bare ``25年度`` is read in the era of ``report_year``. Full-width digits are read too.
    """
    half = to_half_width(text)
    found = []
    for match in _YEAR_PHRASE.finditer(half):
        if match.group("era"):
            year = era_year(match.group("era"), match.group("n"))
        elif match.group("initial"):
            year = era_year(match.group("initial"), match.group("m"))
        elif match.group("western"):
            year = int(match.group("western"))
        else:
            year = era_of(report_year).first_year + int(match.group("bare")) - 1
        found.append((year, match.start(), match.end()))
    return found


def _is_span(half: str, start: int, end: int) -> bool:
    return (half[end:].lstrip(" ").startswith(_SPAN_AFTER)
            or half[:start].rstrip(" ").endswith(_SPAN_BEFORE))


def _dated_phrases(text: str, report_year: int) -> list[tuple[int, int, int, bool]]:
    """(fiscal year, start, end, is a span) of every 年度 phrase of ``text``."""
    half = to_half_width(text)
    return [(year, start, end, _is_span(half, start, end)) for year, start, end in year_phrases(text, report_year)]


def stale_year_phrase(text: str, report_year: int) -> str:
    """The first phrase of one text naming report year − 1 as this year's (``平成２５年度`` in 平成26年度), or "".

    Not when the text names the report year too (it compares the two), nor a span (``平成25年度から``).
    """
    phrases = _dated_phrases(text, report_year)
    if any(year == report_year for year, _, _, _ in phrases):
        return ""
    stale = [(start, end) for year, start, end, span in phrases if year == report_year - 1 and not span]
    return text[stale[0][0]:stale[0][1]] if stale else ""


def _texts_by_group(sourced: SourcedCard) -> list[list[tuple[str, int, str, str]]]:
    """The card's texts that a new year should rewrite, as groups of (field, row, column, text): where each text was read.

    Texts that compare with the report year name last year on purpose; a group is the unit of
    that comparison (one text, or one results table with its caption and headers). History and
    事業期間 name past years by nature and are not included.
    """
    card = sourced.card
    groups = [[("description", None, 0, card.description)],
              [("cost_note", None, 0, card.cost_note)],
              [("new_summary", None, 0, card.new_summary)]]
    for prefix, table in (("progress", card.progress), ("outcome", card.outcome)):
        group = [(f"{prefix}_caption", None, 0, table.caption)]
        group += [(f"{prefix}_headers", None, i, h) for i, h in enumerate(table.headers)]
        group += [(f"{prefix}_rows", i, 0, row.item) for i, row in enumerate(table.rows)]
        groups.append(group)
    groups.append([("results_free", i, j + 1, cell)
                   for i, row in enumerate(card.results_free) for j, cell in enumerate(row.cells)])
    return groups


def check_stale_year_text(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """Text that names the previous fiscal year as this year's work (left from last year's card).

    A warning at each cell naming report year − 1 (``平成２５年度`` in a 平成26年度 card), except where
    last year is named on purpose: in a group that names the report year too (a comparison of the
    two years), and on a card that names last year as the start or end of a span anywhere
    (``平成25年度から``, ``H24-25``: the course of the project).
    """
    previous = config.fiscal_year - 1
    groups = [[(entry, _dated_phrases(entry[3], config.fiscal_year)) for entry in group if entry[3]]
              for group in _texts_by_group(sourced)]
    if any(year == previous and span for group in groups for _, phrases in group for year, _, _, span in phrases):
        return  # the card tells a course that started or ended last year: naming it is on purpose
    for found in groups:
        if any(year == config.fiscal_year for _, phrases in found for year, _, _, _ in phrases):
            continue
        for (field, row, column, text), entry_phrases in found:
            stale = [(start, end) for year, start, end, span in entry_phrases if year == previous and not span]
            if stale:
                start, end = stale[0]
                yield _issue(sourced, "stale-year-text", field, row, column=column, detail=text[start:end],
                             expected=nendo(config.fiscal_year))


# -- reprints ------------------------------------------------------------------------------------

def check_reprints(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """Reprint targets: another policy, one of its measures, each once."""
    card = sourced.card
    seen: set[tuple[int, str]] = set()
    for index, reprint in enumerate(card.reprints):
        policy = config.policy(reprint.policy)
        if reprint.policy == card.policy:
            yield _issue(sourced, "reprint-to-home", "reprint_rows", index, detail=policy.mark)
            continue
        if reprint.measure not in policy.measures:
            yield _issue(sourced, "unknown-measure", "reprint_rows", index, column=1,
                         detail=reprint.measure or "（空欄）", policy=policy.mark)
            continue
        target = (reprint.policy, reprint.measure)
        if target in seen:
            yield _issue(sourced, "duplicate-reprint", "reprint_rows", index,
                         detail=f"{policy.mark} {reprint.measure}")
        seen.add(target)


# -- length --------------------------------------------------------------------------------------

# One card is one A4 page, the edition's two-column form (render/card.py): the labels on the left,
# every part's content in a right column of 26 full-width characters (52 display columns) of 10.5 pt,
# each part's row as tall as its content (at least one line). A results table's row counts one line
# (9.5 pt text and its rule); its item column holds 34 display columns, its value column 18. The page's
# text area (250 mm) holds 67 lines of 10.5 pt; measured on LibreOffice's PDF of the sample, a card
# takes 0.9–1.12 times the lines estimated here, so PAGE_LINES (x 1.12 < 67) leaves a card that is not
# reported on one page. No card of the 平成25年度 edition is reported (docs/validation.md,
# tests/test_rules.py::test_no_published_card_is_too_long): its densest, アジア輸出拡大戦略事業
# (formerly 農林水産品輸出拡大外貨獲得事業), estimates 58 lines.
TEXT_COLUMNS = 52
ITEM_COLUMNS = 34
VALUE_COLUMNS = 18
INDENT = 2  # the first-line indent of 事業内容 and of a history reason (1 em)
PAGE_LINES = 60


def _lines(text: str, columns: int, indent: int = 0) -> int:
    """Printed lines of a text wrapped at ``columns`` display columns (the first line of each paragraph
    ``indent`` columns in, but for one that opens at the margin, ``opens_at_margin``); each line break starts a
    line (a paragraph)."""
    if not text:
        return 0
    return sum(max(1, -(-(display_width(part) + (0 if opens_at_margin(part) else indent))
                          // (columns - int(2 * hanging_em(part)))))  # a circled item: every line as its later ones
               for part in text.split("\n"))


def card_lines(card: Card, config: ReportConfig) -> dict[str, int]:
    """Estimated printed lines of a card, per field that takes a variable number of lines."""
    policy_title = config.policy(card.policy).title if 1 <= card.policy <= len(config.policies) else ""
    results = _table_lines(card.progress) + _table_lines(card.outcome) + _free_lines(card)
    lines = {
        "policy": max(1, _lines(policy_title, TEXT_COLUMNS)),
        "project_name": max(1, _lines(card.project_name, TEXT_COLUMNS)),
        "description": max(1, _lines(card.description, TEXT_COLUMNS, INDENT)),
        "cost_note": 1 + _lines(card.cost_note, TEXT_COLUMNS),  # the amount, then its breakdown
        "progress_rows": _table_lines(card.progress),
        "outcome_rows": _table_lines(card.outcome),
        "results_free": _free_lines(card),
        "history_rows": max(1, sum(_history_entry_lines(e) for e in card.history)),
        "department": max(1, _lines("　".join(p for p in (card.department, card.group) if p), TEXT_COLUMNS)),
    }
    lines["fixed"] = 2 + (0 if results else 1)  # the header line and its space; a "－" for no results
    return lines


def _table_lines(results) -> int:
    rows = results.rows
    if not rows:
        return 0
    total = _lines(results.caption, TEXT_COLUMNS) + 1  # caption and header row
    for row in rows:
        item = _lines(row.item, ITEM_COLUMNS - (INDENT if row.kind == "内訳" else 0))
        value = _lines(row.value, VALUE_COLUMNS)
        total += max(1, item, 0 if row.kind == "見出し" else value)
    return total


def _free_lines(card: Card) -> int:
    total = 0
    for row in card.results_free:
        if row.kind in ("見出し", "文"):
            total += _lines(row.cells[0] if row.cells else "", TEXT_COLUMNS)
        else:
            count = max(1, len(row.cells))
            total += max([1] + [_lines(cell, TEXT_COLUMNS // count) for cell in row.cells])
    return total


def _history_entry_lines(entry) -> int:
    lines = _lines(f"{entry.year}　{entry.event}", TEXT_COLUMNS) if (entry.year or entry.event) else 0
    if entry.former_name:
        lines += _lines(f"「{entry.former_name}」", TEXT_COLUMNS)
    lines += _lines(entry.reason, TEXT_COLUMNS, INDENT)
    return lines


def check_length(sourced: SourcedCard, config: ReportConfig) -> Iterator[Issue]:
    """A card whose estimated length exceeds one page, naming the field that takes the most lines."""
    lines = card_lines(sourced.card, config)
    total = sum(lines.values())
    if total <= PAGE_LINES:
        return
    field = max((k for k in lines if k not in ("fixed", "policy", "department")), key=lambda k: lines[k])
    row = 0 if (field.endswith("_rows") or field == "results_free") and sourced.source.cell(field, 0) else None
    yield _issue(sourced, "card-too-long", field, row, detail=f"{FIELD_LABELS.get(field, field)}（約{lines[field]}行）",
                 expected=f"{total}", limit=PAGE_LINES)


CARD_RULES: tuple[CardRule, ...] = (
    check_measure,
    check_division,
    check_fiscal_year,
    check_period,
    check_cost_note,
    check_summary,
    check_result_rows,
    check_free_rows,
    check_history,
    check_stale_year_text,
    check_reprints,
    check_length,
)


def check_card(sourced: SourcedCard, config: ReportConfig) -> list[Issue]:
    """Every rule that looks at one card."""
    return [issue for rule in CARD_RULES for issue in rule(sourced, config)]


# -- last year's record -------------------------------------------------------------------------

# The codes of the checks against last year's record: what a filing names line by line (accept).
LAST_YEAR_CODES = frozenset({"cost-far-from-last-year", "name-differs-from-last-year"})
FAR_FACTOR = 100  # a cost this many times last year's, or this fraction of it, is likely a slip of unit or digits


def check_against_last_year(cards: list[SourcedCard], last_year: LastYear | None) -> list[Issue]:
    """Every check of a card against last year's record (``expected.json``), the one home for them all:
    its cost against last year's, and its 事業名 against the name its 管理番号 had. Nothing without a record."""
    if last_year is None:
        return []
    return [issue for sourced in cards
            for issue in (*_cost_against_last_year(sourced, last_year), *_name_against_last_year(sourced, last_year))]


def _cost_against_last_year(sourced: SourcedCard, last_year: LastYear) -> Iterator[Issue]:
    """A warning at the cost cell when the cost is 100 times last year's or more, or a hundredth or less.

    A cost typed as a bare number in 円 (``1237000`` for last year's 1,237) would otherwise print 1,000
    times too much. Costs of 「－」 or 0, on either side, are not compared.
    """
    cost, last = sourced.card.cost, last_year.costs.get(sourced.card.project_id)
    if not cost or not last or not _read(sourced, "cost"):
        return
    if cost >= FAR_FACTOR * last:
        times = f"{cost // last:,}倍"
    elif cost * FAR_FACTOR <= last:
        times = f"{last // cost:,}分の１"
    else:
        return
    yield _issue(sourced, "cost-far-from-last-year", "cost", detail=f"{cost:,}",
                 expected=f"{nendo(last_year.fiscal_year)} {last:,}千円", other=times)


def _name_against_last_year(sourced: SourcedCard, last_year: LastYear) -> Iterator[Issue]:
    """An error at the 事業名 when the 管理番号 is last year's project under another name, and ６ 事業の経緯
    records no 事業名変更 from that name: last year's workbook saved as a new project (「名前を付けて保存」)
    would otherwise replace that project in silence. Names are matched as everywhere (``name_key``)."""
    card = sourced.card
    last = last_year.names.get(card.project_id)
    if not last or not _read(sourced, "project_id", "project_name", "history_rows"):
        return
    if name_key(card.project_name) == name_key(last) or name_key(last) in former_names(card.history):
        return
    yield _issue(sourced, "name-differs-from-last-year", "project_name", detail=card.one_line_name, expected=last,
                 other=card.project_id)


# -- folder --------------------------------------------------------------------------------------

def name_holder(group: list[SourcedCard], last_year: LastYear | None, filed: Mapping[str, float]) -> SourcedCard:
    """Which of several cards sharing a 事業名 keeps it (the others carry the duplicate error).

    The project that had that name in last year's record keeps it; else the card filed first (its
    file's time as filed, ``filed``; a file without one counts as the latest); ties by 管理番号, then
    file name. Never the order in which a folder lists its files.
    """
    return min(group, key=lambda s: (not _had_name(s, last_year), filed.get(s.source.file, math.inf),
                                     s.card.project_id, s.source.file))


def _had_name(sourced: SourcedCard, last_year: LastYear | None) -> bool:
    """The card's 管理番号 had its 事業名 in last year's record."""
    last = last_year.names.get(sourced.card.project_id, "") if last_year else ""
    return bool(last) and name_key(last) == name_key(sourced.card.project_name)


def check_folder(cards: list[SourcedCard], config: ReportConfig, last_year: LastYear | None = None,
                 filed: Mapping[str, float] | None = None) -> list[Issue]:
    """Rules across the folder: project ids and names are unique; each duplicate names the other file(s).

    A 管理番号 twice is an error on every file that has it (the same project's card twice). A 事業名
    twice is the later filer's error only (``name_holder``): the card that holds the name is left
    clean, so one division's new card never blocks another's. ``filed``: each card file's time as filed
    (its last modification, which ``accept`` keeps), by file name.
    """
    issues: list[Issue] = []
    by_id: dict[str, list[SourcedCard]] = defaultdict(list)
    by_name: dict[str, list[SourcedCard]] = defaultdict(list)
    for sourced in cards:
        by_id[sourced.card.project_id].append(sourced)
        by_name[name_key(sourced.card.project_name)].append(sourced)
    for value, group in by_id.items():
        if len(group) < 2 or not value:
            continue
        for sourced in group:
            others = "、".join(o.source.file for o in group if o is not sourced)
            issues.append(_issue(sourced, "duplicate-project-id", "project_id", detail=value, other=others))
    for value, group in by_name.items():
        if len(group) < 2 or not value:
            continue
        holder = name_holder(group, last_year, filed or {})
        kept = _had_name(holder, last_year)
        for sourced in group:
            if sourced is not holder:
                issues.append(_issue(sourced, "duplicate-project-name", "project_name", detail=sourced.card.one_line_name,
                                     other=holder.source.file,
                                     expected="前年度から同じ事業名で続く事業の" if kept else "先に出された"))
    # the secretariat's [[placements]] of config.toml that name no card, or no project of the card's measure
    # (the build leaves them unused and says so; here they are seen while the returns come in)
    _, unused = in_report_order(config, [sourced.card for sourced in cards])
    issues.extend(make_issue("placement-unused", CONFIG_FILE, detail=note) for note in unused)
    return issues
