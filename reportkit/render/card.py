"""One project card: the header line, then the edition's two-column form of parts １–７ (one A4 page).

The labels １ 基本方針 … ７ 担当課・グループ stand in the left column; every part's content (事業内容, the
results tables, the history with its reasons) in the right column, whose text is CONTENT_EM full-width
characters of the body (10.5 pt) wide, as the edition's wrapped lines run (26 characters: a plain
wrap at that width gives the edition's number of 事業内容 lines for nine cards in ten)."""

from __future__ import annotations

from ..aggregate import ListRow
from ..model import FreeRow, ResultsTable
from . import fast_table as x
from . import styles
from .fast_table import Cell, Row, StyleIds
from ..printed import nendo, zen

MM = 56.7  # twips per millimetre
CONTENT_EM = 26  # the right column's text width in full-width characters of the card's body text
CONTENT_FONT_TWIPS = 210  # 10.5 pt, the カード本文 / カード文章 size, in twips
CELL_MARGIN = 108  # left and right margin of a card cell (twips; Word's default 0.19 cm)
SLACK = 40  # 2 pt over the characters' width: a line of CONTENT_EM characters never wraps by rounding
CONTENT_WIDTH = CONTENT_EM * CONTENT_FONT_TWIPS + SLACK + 2 * CELL_MARGIN  # the right column (twips)
MIN_LABEL_WIDTH = int(44 * MM)  # 「７　担当課・グループ」 (10 characters of 10.5 pt) on one line
# A placeholder page lists this many problems (a line of at most PROBLEM_CHARACTERS each): it stays one page.
MAX_PROBLEMS = 12
PROBLEM_CHARACTERS = 110


class CardWriter:
    """Writes cards as XML with style ids resolved once for the whole document."""

    def __init__(self, ids: StyleIds, text_width: int, fiscal_year: int) -> None:
        self.ids = ids
        self.width = text_width
        self.header_text = f"{nendo(fiscal_year)}に実施した中小企業振興施策"
        s = ids
        self.label, self.text, self.paragraph = s[styles.CARD_LABEL], s[styles.CARD_TEXT], s[styles.CARD_PARAGRAPH]
        self.amount, self.caption = s[styles.CARD_AMOUNT], s[styles.CARD_CAPTION]
        self.cell, self.inner, self.cell_header = s[styles.CARD_CELL], s[styles.CARD_CELL_INNER], s[
            styles.CARD_CELL_HEADER]
        self.history, self.reason = s[styles.CARD_HISTORY], s[styles.CARD_HISTORY_REASON]
        self.header, self.table_style, self.spacer = s[styles.CARD_HEADER], s[styles.TABLE], s[styles.SECTION_BREAK]

    def card(self, row: ListRow, policy_title: str, bookmark: tuple[str, str]) -> str:
        """The card of a list row (a reprint copy names its host policy and carries （再掲））."""
        card = row.card
        start, end = bookmark
        header = x.paragraph(self.header, start + x.runs(self.header_text) + end)

        amount = [x.paragraph(self.amount, text=zen(card.cost))]
        if card.cost_note.strip():
            note = card.cost_note.strip()
            if not note.startswith(("（", "(")):
                note = f"（{note}）"
            amount.append(x.paragraph(self.amount, text=note))
        group = "　".join(part for part in (card.department, card.group) if part)
        rows = [
            self._label_value("１　基本方針", x.paragraphs(self.text, policy_title)),
            self._label_value("２　事業名", x.paragraphs(self.text, row.card_name)),
            self._label_value("３　事業内容", x.paragraphs(self.paragraph, card.description)),
            self._label_value("４　事業費（千円）", "".join(amount)),
            self._label_value("５　事業実施結果", self._results(card.progress, card.outcome, card.results_free)),
            self._label_value("６　事業の経緯", self._history(card.history)),
            self._label_value("７　担当課・グループ", x.paragraphs(self.text, group)),
        ]
        return header + self._form(rows)

    @property
    def widths(self) -> list[int]:
        """The label column (the rest of the text width, at least MIN_LABEL_WIDTH) and the content column."""
        return [max(MIN_LABEL_WIDTH, self.width - CONTENT_WIDTH), CONTENT_WIDTH]

    @property
    def inner_width(self) -> int:
        """The width of a table inside the content column: its text width."""
        return CONTENT_WIDTH - 2 * CELL_MARGIN

    def _form(self, rows: list[Row]) -> str:
        return x.table(self.table_style, self.widths, rows, cell_margin=CELL_MARGIN)

    def placeholder(self, row: ListRow, policy_title: str, bookmark: tuple[str, str]) -> str:
        """A draft's one page where a card not in yet will stand: 【未提出】, or 【要修正】 with its problems."""
        stand_in = row.placeholder
        start, end = bookmark
        header = x.paragraph(self.header, start + x.runs(self.header_text) + end)
        body = [x.paragraph(self.caption, text=f"【{stand_in.label}】")]
        if stand_in.state == "missing":
            body.append(x.paragraph(self.text, text="この事業のカードはまだ提出されていません。"
                                                    "提出されると、このページに事業カードが入ります。"))
        else:
            body.append(x.paragraph(self.text, text="提出されたカードに次の問題があるため、素案には載せていません。"
                                                    "直したカードが提出されると、このページに事業カードが入ります。"))
            shown = [_shortened(line) for line in stand_in.problems[:MAX_PROBLEMS]]
            if len(stand_in.problems) > MAX_PROBLEMS:
                shown.append(f"ほか {len(stand_in.problems) - MAX_PROBLEMS} 件")
            body += [x.paragraph(self.cell, text=line) for line in shown]
        if stand_in.file:
            body.append(x.paragraph(self.cell, text=f"ファイル: {stand_in.file}"))
        card = row.card
        rows = [
            self._label_value("１　基本方針", x.paragraphs(self.text, policy_title)),
            self._label_value("２　事業名", x.paragraphs(self.text, row.card_name)),
            Row([Cell("".join(body), span=2)]),
            self._label_value("７　担当課・グループ", x.paragraphs(
                self.text, "　".join(part for part in (card.department, card.group) if part))),
        ]
        return header + self._form(rows)

    def _label_value(self, label: str, value: str) -> Row:
        return Row([Cell(x.paragraph(self.label, text=label)), Cell(value)])

    def _results(self, progress: ResultsTable, outcome: ResultsTable, free: list[FreeRow]) -> str:
        parts: list[str] = []
        for results in (progress, outcome):
            if results.rows:
                parts.append(x.paragraphs(self.caption, results.caption))
                parts.append(self._results_table(results))
        for kind, rows in _free_groups(free):
            first = rows[0].cells[0] if rows[0].cells else ""
            if kind == "見出し":
                parts.append(x.paragraphs(self.caption, first))
            elif kind == "文":
                parts.append(x.paragraphs(self.text, first))
            else:
                parts.append(self._free_table(rows))
        if not parts:
            parts.append(x.paragraph(self.text, text="－"))
        if parts[-1].startswith("<w:tbl>"):
            parts.append(x.paragraph(self.spacer))  # a cell must end with a paragraph: keep it 1 pt
        return "".join(parts)

    def _results_table(self, results: ResultsTable) -> str:
        first = int(self.inner_width * 0.62)
        rows = [Row([Cell(x.paragraph(self.cell_header, text=header)) for header in results.headers], header=True)]
        for result in results.rows:
            if result.kind == "見出し":
                rows.append(Row([Cell(x.paragraph(self.cell, text=result.item), span=2)], cant_split=True))
                continue
            item_style = self.inner if result.kind == "内訳" else self.cell
            if result.kind == "計":
                item_style = self.cell_header
            rows.append(Row([Cell(x.paragraph(item_style, text=result.item)),
                             Cell(x.paragraph(self.cell, text=result.value))], cant_split=True))
        return x.table(self.table_style, [first, self.inner_width - first], rows)

    def _free_table(self, rows: list[FreeRow]) -> str:
        width = max((max((i + 1 for i, c in enumerate(r.cells) if c.strip()), default=1) for r in rows), default=1)
        table_rows = []
        for index, row in enumerate(rows):
            style = self.cell_header if row.kind == "表頭" else self.cell
            values = [row.cells[i] if i < len(row.cells) else "" for i in range(width)]
            leading = all(r.kind == "表頭" for r in rows[:index + 1])  # the table's header rows (w:tblHeader)
            table_rows.append(Row([Cell(x.paragraph(style, text=value)) for value in values], header=leading,
                                  cant_split=True))
        return x.table(self.table_style, [self.inner_width // width] * width, table_rows)

    def _history(self, entries) -> str:
        parts = []
        for entry in entries:
            if entry.year or entry.event:
                parts.append(x.paragraphs(self.history, "　".join(p for p in (entry.year, entry.event) if p)))
            if entry.former_name.strip():
                name = "".join(entry.former_name.split("\n")).strip()  # one name: a break inside it is joined
                if not name.startswith("「"):
                    name = f"「{name}」"
                parts.append(x.paragraph(self.history, text=name))
            if entry.reason.strip():
                parts.append(x.paragraphs(self.reason, entry.reason))
        return "".join(parts) or x.paragraph(self.text, text="－")


def _shortened(line: str) -> str:
    return line if len(line) <= PROBLEM_CHARACTERS else line[:PROBLEM_CHARACTERS - 1] + "…"


def _free_groups(free: list[FreeRow]) -> list[tuple[str, list[FreeRow]]]:
    """Consecutive 表頭/表 rows form one table; 見出し and 文 stand alone."""
    groups: list[tuple[str, list[FreeRow]]] = []
    for row in free:
        if row.kind in ("表頭", "表"):
            if groups and groups[-1][0] == "表" and not (row.kind == "表頭" and groups[-1][1][-1].kind == "表"):
                groups[-1][1].append(row)
            else:
                groups.append(("表", [row]))
        else:
            groups.append((row.kind, [row]))
    return groups
