"""Section 2(2): the list table of the year's projects, with 小計, 〃 (再掲含む。) and 合計.

The edition prints it on three portrait A4 pages with narrow margins and a small
font: every figure column (決算, 事業期間, ページ) is wide enough that its longest
value never wraps, and 担当課等 holds an eleven-character division name on one
line. The widths below are in millimetres; 事業名 takes what is left of the
text width. Rows never split across pages, the header row repeats, and the
rows of one policy are kept on one page when they fit (keep-with-next), as
the edition breaks its pages between policies.
"""

from __future__ import annotations

from ..aggregate import ListRow, Report
from . import fast_table as x
from . import styles
from .estimate import LINE, ROW_EXTRA_PT, cell_height, row_height
from .fast_table import Cell, Row, StyleIds
from ..japanese import era_of, era_year_number
from ..printed import amount, period

MM = 56.7
# 基本方針, 施策, 事業名 (None = the rest), 重点, 主要成果, 決算, 事業期間, 21財団, 緊急雇用, 担当課等, ページ
WIDTHS_MM: list[float | None] = [13, 19, None, 4.2, 4.2, 16.5, 13, 9, 5.8, 30, 6.5]
CELL_MARGIN = 20  # twips each side: the figures need the room
# font sizes of 一覧表文字 (as the other 一覧表 styles) and 一覧表見出し, read from reference.docx
TEXT_PT, HEADER_PT = styles.style_size_pt(styles.LIST_TEXT), styles.style_size_pt(styles.LIST_HEADER)


def headers(fiscal_year: int) -> list[str]:
    initial, number = era_of(fiscal_year).initial, era_year_number(fiscal_year)
    return ["基本方針", "施策", "事業名", "重点", "主要\n成果", f"{initial}{number}決算\n（千円）", "事業\n期間",
            "21財団への\n補助・委託\n(△は予算の一部を補助委託)", "緊急\n雇用", "担当課等", "ページ"]


def column_widths(text_width: int) -> list[int]:
    """Column widths in twips for a text width in twips."""
    fixed = [int(w * MM) for w in WIDTHS_MM if w is not None]
    rest = text_width - sum(fixed)
    return [int(w * MM) if w is not None else rest for w in WIDTHS_MM]


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

    rows = [Row([Cell(put(header_style, h), valign="center") for h in headers(report.fiscal_year)],
                header=True, cant_split=True)]
    for policy in report.policies:
        body: list[list[Cell]] = []
        for group in policy.measures:
            for index, row in enumerate(group.rows):
                if index == 0:
                    label = f"・{group.measure}" + ("（再掲含む。）" if group.has_reprints else "")
                    measure = Cell(put(text, label), vmerge="restart" if len(group.rows) > 1 else None)
                else:
                    measure = Cell(vmerge="continue")
                body.append([measure] + _row_cells(row, report.fiscal_year, text, number, center))
        for lump in policy.lump_lines:
            body.append([Cell(), Cell(put(text, lump.label)), Cell(), Cell(), Cell(put(number, amount(lump.amount))),
                         Cell(), Cell(), Cell(), Cell(), Cell()])
        body.append([Cell(put(center, "小計"), span=4), Cell(put(number, amount(policy.subtotal))),
                     Cell(), Cell(), Cell(), Cell(), Cell()])
        if policy.subtotal_with_reprints is not None:
            body.append([Cell(put(center, "〃 (再掲含む。)"), span=4),
                         Cell(put(number, amount(policy.subtotal_with_reprints))),
                         Cell(), Cell(), Cell(), Cell(), Cell()])
        for index, cells in enumerate(body):
            if index == 0:
                first = Cell(put(policy_style, f"{policy.mark}{policy.title}"),
                             vmerge="restart" if len(body) > 1 else None)
            else:
                first = Cell(vmerge="continue")
            row_cells = [first] + cells
            rows.append(Row(row_cells if index == len(body) - 1 else kept(row_cells), cant_split=True))
    rows.append(Row([Cell(put(center, "合計（暫定）" if report.draft else "合計"), span=5), Cell(put(number, amount(report.total.amount))),
                     Cell(), Cell(), Cell(), Cell(), Cell()], cant_split=True))
    return x.table(ids[styles.LIST_TABLE], column_widths(text_width), rows, cell_margin=CELL_MARGIN,
                   empty_style=text)


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
        put(text, card.department),
        Cell(x.paragraph(center, x.pageref_runs(row.bookmark))),
    ]


def list_table_height(report: Report, text_width: int, page_pt: float, start_pt: float = 0.0) -> float:
    """Points the table takes from ``start_pt`` on pages ``page_pt`` high, with the header row repeated
    on every page and the gap a policy leaves when it is kept whole on the next page (as it is laid out).
    """
    widths = [w / 20 for w in column_widths(text_width)]
    margin = CELL_MARGIN / 20

    def cell(text: str, column: int, size: float = TEXT_PT) -> float:
        return cell_height(text, widths[column], size, margin) if text else size * LINE

    header = row_height([cell(h, i, HEADER_PT) for i, h in enumerate(headers(report.fiscal_year))])
    one_line = row_height([TEXT_PT * LINE])
    blocks = []
    for policy in report.policies:
        block = 0.0
        for group in policy.measures:
            rows = sum(row_height([cell(row.name, 2), cell(row.card.department, 9)]) for row in group.rows)
            label = f"・{group.measure}" + ("（再掲含む。）" if group.has_reprints else "")
            block += max(rows, cell(label, 1) + ROW_EXTRA_PT)
        block += sum(row_height([cell(lump.label, 2)]) for lump in policy.lump_lines)
        block += one_line * (2 if policy.subtotal_with_reprints is not None else 1)
        blocks.append(max(block, cell(f"{policy.mark}{policy.title}", 0) + ROW_EXTRA_PT))
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
