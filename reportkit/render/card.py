"""One project card: the header line, then the edition's two-column form of parts １–７ (one A4 page).

The labels １ 基本方針 … ７ 担当課・グループ stand in the left column; every part's content (事業内容, the
results tables, the history with its reasons) in the right column, whose text is CONTENT_EM full-width
characters of the body (10.5 pt) wide, as the edition's wrapped lines run (26 characters: a plain
wrap at that width gives the edition's number of 事業内容 lines for nine cards in ten)."""

from __future__ import annotations

import math
import re

from ..report.aggregate import ListRow
from ..japanese import display_width, hanging_em, opens_at_margin
from ..model import FreeRow, ResultsTable
from . import fast_table as x
from . import styles
from .estimate import figure_width_pt
from .fast_table import Cell, Row, StyleIds
from .tables import FIT_SLACK_PT, column_widths
from ..report.printed import nendo, zen

MM = 56.7  # twips per millimetre
CONTENT_EM = 26  # the right column's text width in full-width characters of the card's body text
CONTENT_FONT_TWIPS = 210  # 10.5 pt, the カード本文 / カード文章 size, in twips
CELL_MARGIN = 108  # left and right margin of a card cell (twips; Word's default 0.19 cm)
SLACK = 40  # 2 pt over the characters' width: a line of CONTENT_EM characters never wraps by rounding
CONTENT_WIDTH = CONTENT_EM * CONTENT_FONT_TWIPS + SLACK + 2 * CELL_MARGIN  # the right column (twips)
MIN_LABEL_WIDTH = int(44 * MM)  # 「７　担当課・グループ」 (10 characters of 10.5 pt) on one line
CONDENSE_EM = 1  # a one-line field at most this much wider than the column is condensed to fit
CONDENSE_SLACK = 20  # twips the condensed line leaves free: rounding never wraps it
INNER_MARGIN = 108  # left and right margin of a cell of a table inside the content column (the table style's)
def cell_pt() -> float:
    """カード表文字's size (as the tables' other styles) in the reference.docx in use."""
    return styles.style_size_pt(styles.CARD_CELL)
# A figure in a card's table (「２２名」, 「１，２３７千円」, 「△５」): a number with a unit of up to four characters
FIGURE = re.compile(r"^[△▲－\-]?[0-9０-９][0-9０-９,，.．]*(\s?[^\s0-9０-９]{1,4})?$")
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
        self.number = s[styles.CARD_CELL_NUMBER]
        self.history, self.reason = s[styles.CARD_HISTORY], s[styles.CARD_HISTORY_REASON]
        self.header, self.table_style, self.spacer = s[styles.CARD_HEADER], s[styles.TABLE], s[styles.SECTION_BREAK]

    @staticmethod
    def _prose(text: str, indented: str, at_margin: str) -> str:
        """事業内容 or a history reason: a paragraph a line, in the style ``indented`` (one character in), or in
        ``at_margin`` when it opens with a bracket or an item mark (``opens_at_margin``), as the edition sets them;
        an item of a circled number hangs its later lines under its text (``hanging_em``)."""
        lines = [line for line in text.split("\n") if line.strip()]
        return "".join(x.paragraphs(at_margin if opens_at_margin(line) else indented, line, _hanging(line))
                       for line in lines) or x.paragraphs(indented, "")

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
            self._label_value("１　基本方針", self._one_line(policy_title)),
            self._label_value("２　事業名", x.paragraphs(self.text, row.card_name)),
            self._label_value("３　事業内容", self._prose(card.description, self.paragraph, self.text)),
            self._label_value("４　事業費（千円）", "".join(amount)),
            self._label_value("５　事業実施結果", self._results(card.progress, card.outcome, card.results_free)),
            self._label_value("６　事業の経緯", self._history(card.history)),
            self._label_value("７　担当課・グループ", self._one_line(group)),
        ]
        return header + self._form(rows)

    def _one_line(self, text: str) -> str:
        """A one-line field (基本方針, 担当課・グループ): one up to ``CONDENSE_EM`` characters over the column
        is set a little closer, as the edition's Word squeezes 「…増大を図ること」 and 「…産業振興グループ」 (27) into
        its 26-character column; a longer one wraps."""
        if "\n" in text.strip():
            return x.paragraphs(self.text, text)
        over = display_width(text.strip()) / 2 - CONTENT_EM
        if not 0 < over <= CONDENSE_EM:
            return x.paragraphs(self.text, text)
        characters = len(text.strip())
        spacing = -math.ceil((over * CONTENT_FONT_TWIPS + CONDENSE_SLACK) / characters)  # twentieths of a point
        return x.paragraph(self.text, x.condensed_runs(text.strip(), spacing))

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
        """項目名 and 件数・金額など: the values' column as wide as its widest value or head needs, 項目名 the rest."""
        values = [result.value for result in results.rows if result.kind != "見出し"] + list(results.headers[1:2])
        rows = [Row([Cell(x.paragraph(self.cell_header, text=header)) for header in results.headers], header=True)]
        for result in results.rows:
            if result.kind == "見出し":
                rows.append(Row([Cell(x.paragraph(self.cell, text=result.item), span=2)], cant_split=True))
                continue
            item_style = self.inner if result.kind == "内訳" else self.cell
            if result.kind == "計":
                item_style = self.cell_header
            rows.append(Row([Cell(x.paragraph(item_style, text=result.item)),
                             Cell(x.paragraph(self._value_style(result.value), text=result.value))], cant_split=True))
        value = min(_need(values), self.inner_width // 2)
        return x.table(self.table_style, [self.inner_width - value, value], rows)

    def _value_style(self, text: str) -> str:
        """A figure right-aligned (its digits under each other), other text as written."""
        return self.number if FIGURE.match(text.strip()) else self.cell

    def _free_table(self, rows: list[FreeRow]) -> str:
        width = max((max((i + 1 for i, c in enumerate(r.cells) if c.strip()), default=1) for r in rows), default=1)
        table_rows = []
        columns: list[list[str]] = [[] for _ in range(width)]
        for index, row in enumerate(rows):
            header = row.kind == "表頭"
            values = [row.cells[i] if i < len(row.cells) else "" for i in range(width)]
            for column, value in zip(columns, values):
                column.append(value)
            leading = all(r.kind == "表頭" for r in rows[:index + 1])  # the table's header rows (w:tblHeader)
            table_rows.append(Row([Cell(x.paragraph(self.cell_header if header else self._value_style(value),
                                                    text=value)) for value in values], header=leading,
                                  cant_split=True))
        return x.table(self.table_style, free_widths(columns, self.inner_width), table_rows)

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
                parts.append(self._prose(entry.reason, self.reason, self.history))
        return "".join(parts) or x.paragraph(self.text, text="－")


def _hanging(line: str) -> str:
    """The paragraph property of a circled item: its later lines indented as far as its text starts (「① 」: 1½ em
    of the card's 10.5 pt type); "" for any other paragraph."""
    em = hanging_em(line)
    if not em:
        return ""
    twips = round(em * styles.style_size_pt(styles.CARD_TEXT) * 20)
    return f'<w:ind w:left="{twips}" w:hanging="{twips}"/>'


def _need(texts: list[str]) -> int:
    """Twips a column needs to hold the widest line of ``texts`` in カード表文字 on one line, with the margins."""
    widest = max((figure_width_pt(line, cell_pt()) for text in texts for line in text.split("\n")), default=0.0)
    return int((widest + FIT_SLACK_PT) * 20) + 2 * INNER_MARGIN


def free_widths(columns: list[list[str]], width: int) -> list[int]:
    """A card's own table: every column holds its widest cell on one line when the table's width allows
    (tables.column_widths); else the columns of figures keep what they need and the others share the rest
    in proportion to what they would need (「商工会議所」 before 「経営指導員」 is split)."""
    fitted = column_widths([[line for text in column for line in text.split("\n")] for column in columns],
                           width, [cell_pt()] * len(columns), INNER_MARGIN)
    if fitted is not None:
        return fitted
    need = [_need(column) for column in columns]
    figures = [all(FIGURE.match(t.strip()) for t in column[1:] if t.strip()) for column in columns]
    kept = sum(n for n, figure in zip(need, figures) if figure)
    if kept >= width or all(figures):
        return [width // len(columns)] * len(columns)
    rest, wanted = width - kept, sum(n for n, figure in zip(need, figures) if not figure)
    widths = [n if figure else int(rest * n / wanted) for n, figure in zip(need, figures)]
    widths[-1] += width - sum(widths)
    return widths


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
