"""Section 2(2): the list table of the year's projects, with 小計, 〃 (再掲含む。) and 合計.

The edition prints it on three portrait A4 pages with narrow margins and a small
font, and its lines say how it spans (seed, pp. 10–12): each 基本方針 is one
unbroken line, a row across the whole table above its projects; under it the
first column holds the 施策, 20 characters a line, beside its projects' rows.
Every other column is as wide as its header's longest line or its longest value
needs, so no figure, period or page number wraps; 担当課等 holds twelve
characters a line (「地域産業課（新産業創造課」); 事業名 takes what is left (28
characters in the edition's 192 mm). Rows never split across pages, the header
row repeats, and the rows of one policy are kept on one page when they fit
(keep-with-next), as the edition breaks its pages between policies.
"""

from __future__ import annotations

from ..report.aggregate import ListRow, Report
from ..japanese import era_of, era_year_number
from ..report.printed import amount, period
from . import fast_table as x
from . import styles
from .estimate import LINE, ROW_EXTRA_PT, cell_height, figure_width_pt, row_height
from .fast_table import Cell, Row, StyleIds

CELL_MARGIN = 15  # twips each side
CELL_PAD = 30  # twips above and below a cell's text, so that no glyph touches a rule
SLACK_PT = 0.5  # a column's room beyond its content, so that rounding never wraps a full line
MEASURE_EM = 20  # 施策: characters a line (seed: 「・中小企業の資金ニーズを的確に捉えた弾力」)
DEPARTMENT_EM = 12  # 担当課等: characters a line (seed: 「地域産業課（新産業創造課」／「との連携）」)
COLUMNS = 10
MEASURE, NAME, PRIORITY, RESULT, COST, PERIOD, FOUNDATION, EMERGENCY, DEPARTMENT, PAGE = range(COLUMNS)
# font sizes of 一覧表文字 (as the other 一覧表 styles) and 一覧表見出し, read from reference.docx
def text_pt() -> float:
    return styles.style_size_pt(styles.LIST_TEXT)


def header_pt() -> float:
    return styles.style_size_pt(styles.LIST_HEADER)


def headers(fiscal_year: int) -> list[str]:
    initial, number = era_of(fiscal_year).initial, era_year_number(fiscal_year)
    return ["基本方針", "事業名", "重点", "主要\n成果", f"{initial}{number}決算\n（千円）", "事業\n期間",
            "21財団への\n補助・委託\n(△は予算の一部\nを補助委託)", "緊急\n雇用", "担当課等", "ページ"]


def _widest(texts: list[str], font_pt: float) -> float:
    """Points the widest line of ``texts`` takes (figures in the widest font they may be drawn in)."""
    return max((figure_width_pt(line, font_pt) for text in texts for line in text.split("\n")), default=0.0)


def column_widths(text_width: int, report: Report) -> list[int]:
    """Column widths in twips for a text width in twips: every column but 事業名 as its content needs."""
    head = headers(report.fiscal_year)
    rows = [row for policy in report.policies for group in policy.measures for row in group.rows]
    amounts = ([amount(policy.subtotal) for policy in report.policies]
               + [amount(p.subtotal_with_reprints) for p in report.policies if p.subtotal_with_reprints is not None]
               + [amount(lump.amount) for policy in report.policies for lump in policy.lump_lines]
               + [amount(report.total.amount)]
               + [row.placeholder.label if row.placeholder else amount(row.card.cost) for row in rows])
    values: dict[int, list[str]] = {
        MEASURE: ["　" * MEASURE_EM], DEPARTMENT: ["　" * DEPARTMENT_EM], PRIORITY: ["○"], RESULT: ["○"],
        COST: amounts, EMERGENCY: ["緊"], FOUNDATION: [row.card.foundation for row in rows],
        PERIOD: [period(row.card.period_start, row.card.period_end, report.fiscal_year) for row in rows],
        PAGE: ["999"],
    }
    points = {column: max(_widest(texts, text_pt()), _widest([head[column]], header_pt())) if column != MEASURE
              else _widest(texts, text_pt()) for column, texts in values.items()}
    twips = {column: int((pt + SLACK_PT) * 20) + 2 * CELL_MARGIN for column, pt in points.items()}
    twips[NAME] = text_width - sum(twips.values())
    return [twips[column] for column in range(COLUMNS)]


def _policy_label(policy) -> str:
    return f"{policy.mark}{policy.title}"


def _measure_label(group) -> str:
    return f"・{group.measure}" + ("（再掲含む。）" if group.has_reprints else "")


def list_table(ids: StyleIds, report: Report, text_width: int) -> str:
    """The table as XML; ページ cells are PAGEREF fields to the cards' bookmarks."""
    text, number, center = ids[styles.LIST_TEXT], ids[styles.LIST_NUMBER], ids[styles.LIST_CENTER]
    policy_style = ids[styles.LIST_POLICY]
    header_style = ids[styles.LIST_HEADER]

    def put(style_id: str, value: str) -> str:
        return x.paragraph(style_id, text=value) if value else ""

    def kept(cells: list[Cell]) -> list[Cell]:
        """keepNext on every paragraph of a row, so a policy's rows stay on one page when they fit."""
        return [Cell(x.keep_with_next(c.content or x.paragraph(text)), c.span, c.vmerge, c.shade, c.valign)
                for c in cells]

    def figures(label: Cell, value: str, span: int = 4) -> list[Cell]:
        """A row of 小計, 〃 or 合計: the label over the first ``span`` columns, the amount under 決算."""
        return [label, Cell(put(number, value))] + [Cell() for _ in range(COLUMNS - span - 1)]

    rows = [Row([Cell(put(header_style, h), valign="center") for h in headers(report.fiscal_year)],
                header=True, cant_split=True)]
    for policy in report.policies:
        body: list[list[Cell]] = [[Cell(put(policy_style, _policy_label(policy)), span=COLUMNS)]]
        for group in policy.measures:
            for index, row in enumerate(group.rows):
                if index == 0:
                    measure = Cell(put(text, _measure_label(group)), vmerge="restart" if len(group.rows) > 1 else None)
                else:
                    measure = Cell(vmerge="continue")
                body.append([measure] + _row_cells(row, report.fiscal_year, text, number, center))
        for lump in policy.lump_lines:
            body.append([Cell(), Cell(put(text, lump.label)), Cell(), Cell(), Cell(put(number, amount(lump.amount))),
                         Cell(), Cell(), Cell(), Cell(), Cell()])
        body.append(figures(Cell(put(center, "小計"), span=4), amount(policy.subtotal)))
        if policy.subtotal_with_reprints is not None:
            body.append(figures(Cell(put(center, "〃 (再掲含む。)"), span=4), amount(policy.subtotal_with_reprints)))
        for index, cells in enumerate(body):
            rows.append(Row(cells if index == len(body) - 1 else kept(cells), cant_split=True))
    rows.append(Row(figures(Cell(put(center, "合計（暫定）" if report.draft else "合計"), span=4),
                            amount(report.total.amount)), cant_split=True))
    return x.table(ids[styles.LIST_TABLE], column_widths(text_width, report), rows, cell_margin=CELL_MARGIN,
                   cell_margin_top=CELL_PAD, empty_style=text)


def _row_cells(row: ListRow, fiscal_year: int, text: str, number: str, center: str) -> list[Cell]:
    card = row.card

    def put(style_id: str, value: str) -> Cell:
        return Cell(x.paragraph(style_id, text=value) if value else "")

    return [
        put(text, row.name),
        put(center, "○" if card.priority else ""),
        put(center, "○" if card.key_result else ""),
        put(number, row.placeholder.label if row.placeholder else amount(card.cost)),
        put(center, period(card.period_start, card.period_end, fiscal_year)),
        put(center, card.foundation),
        put(center, "緊" if card.emergency else ""),
        put(text, row.department),
        Cell(x.paragraph(center, x.pageref_runs(row.bookmark))),
    ]


def list_table_height(report: Report, text_width: int, page_pt: float, start_pt: float = 0.0) -> float:
    """Points the table takes from ``start_pt`` on pages ``page_pt`` high, with the header row repeated
    on every page and the gap a policy leaves when it is kept whole on the next page (as it is laid out).
    """
    widths = [w / 20 for w in column_widths(text_width, report)]
    margin, pad = CELL_MARGIN / 20, 2 * CELL_PAD / 20

    def cell(text: str, column: int, size: float = text_pt()) -> float:
        return (cell_height(text, widths[column], size, margin) if text else size * LINE) + pad

    header = row_height([cell(h, i, header_pt()) for i, h in enumerate(headers(report.fiscal_year))])
    one_line = row_height([text_pt() * LINE + pad])
    blocks = []
    for policy in report.policies:
        block = row_height([cell_height(_policy_label(policy), sum(widths), text_pt(), margin) + pad])
        for group in policy.measures:
            rows = sum(row_height([cell(row.name, NAME), cell(row.department, DEPARTMENT)]) for row in group.rows)
            block += max(rows, cell(_measure_label(group), MEASURE) + ROW_EXTRA_PT)
        block += sum(row_height([cell(lump.label, NAME)]) for lump in policy.lump_lines)
        block += one_line * (2 if policy.subtotal_with_reprints is not None else 1)
        blocks.append(block)
    blocks.append(one_line)  # 合計
    used, total = start_pt + header, header
    for block in blocks:
        if used + block > page_pt and block <= page_pt - header:  # kept whole: on to the next page
            total += page_pt - used + header
            used = header
        elif used + block > page_pt:  # longer than a page: split, the header repeats
            total += header
            used += header - page_pt
        used += block
        total += block
    return total
