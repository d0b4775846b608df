"""Section 2(2): the list table of the year's projects, with 小計, 〃 (再掲含む。) and 合計."""

from __future__ import annotations

from ..aggregate import ListRow, Report
from . import styles
from .fields import add_pageref, add_text, repeat_header, set_cell_margins, set_fixed_layout, text_width_twips
from .text import amount, era, period

MM = 56.7
WIDTHS_MM = [13, 23, 44, 5, 5, 15, 11, 10, 5, 24, 8]  # relative widths, scaled to the text width


def headers(fiscal_year: int) -> list[str]:
    _, initial, number = era(fiscal_year)
    return ["基本方針", "施策", "事業名", "重点", "主要\n成果", f"{initial}{number}決算\n（千円）", "事業\n期間",
            "21財団への\n補助・委託\n(△は予算の\n一部を補助\n委託)", "緊急\n雇用", "担当課等", "ページ"]


def add_list_table(doc, report: Report) -> None:
    """Append the table; ページ cells are PAGEREF fields to the cards' bookmarks."""
    layout: list[tuple[str, object]] = []  # (kind, payload) one per body row
    for policy in report.policies:
        start = len(layout)
        for group in policy.measures:
            for index, row in enumerate(group.rows):
                layout.append(("row", (row, group, index == 0, len(group.rows))))
        for lump in policy.lump_lines:
            layout.append(("lump", lump))
        layout.append(("subtotal", ("小計", policy.subtotal)))
        if policy.subtotal_with_reprints is not None:
            layout.append(("subtotal", ("〃 (再掲含む。)", policy.subtotal_with_reprints)))
        layout.append(("policy_end", (policy, start)))
    body_rows = [item for item in layout if item[0] != "policy_end"]

    table = doc.add_table(rows=1 + len(body_rows) + 1, cols=len(WIDTHS_MM))
    table.style = styles.TABLE
    scale = text_width_twips(doc) / sum(WIDTHS_MM)
    set_fixed_layout(table, [int(w * scale) for w in WIDTHS_MM])
    set_cell_margins(table, 30)
    all_cells = [r.cells for r in table.rows]
    header_row = table.rows[0]
    repeat_header(header_row)
    for cell, text in zip(all_cells[0], headers(report.fiscal_year)):
        cell.paragraphs[0].style = styles.LIST_HEADER
        add_text(cell.paragraphs[0], text)

    merges: list[tuple[object, object]] = []
    row_index = 1
    policy_first_row = 1
    for kind, payload in layout:
        if kind == "policy_end":
            policy, _ = payload
            top = all_cells[policy_first_row][0]
            top.paragraphs[0].style = styles.LIST_POLICY
            add_text(top.paragraphs[0], f"{policy.mark}{policy.title}")
            merges.append((top, all_cells[row_index - 1][0]))
            policy_first_row = row_index
            continue
        cells = all_cells[row_index]
        if kind == "row":
            row, group, first_in_group, size = payload
            if first_in_group:
                label = f"・{group.measure}" + ("（再掲含む。）" if group.has_reprints else "")
                _put(cells[1], label, styles.LIST_TEXT)
                merges.append((cells[1], all_cells[row_index + size - 1][1]))
            _fill_row(cells, row, report.fiscal_year)
        elif kind == "lump":
            _put(cells[2], payload.label, styles.LIST_TEXT)
            _put(cells[5], amount(payload.amount), styles.LIST_NUMBER)
        elif kind == "subtotal":
            label, value = payload
            merges.append((cells[1], cells[4]))
            _put(cells[1], label, styles.LIST_CENTER)
            _put(cells[5], amount(value), styles.LIST_NUMBER)
        row_index += 1
    last = all_cells[row_index]
    _put(last[0], "合計", styles.LIST_CENTER)
    _put(last[5], amount(report.total.amount), styles.LIST_NUMBER)
    merges.append((last[0], last[4]))
    for top, bottom in merges:
        top.merge(bottom)


def _put(cell, text: str, style: str) -> None:
    cell.paragraphs[0].style = style
    add_text(cell.paragraphs[0], text)


def _fill_row(cells, row: ListRow, fiscal_year: int) -> None:
    card = row.card
    _put(cells[2], row.name, styles.LIST_TEXT)
    _put(cells[3], "○" if card.priority else "", styles.LIST_CENTER)
    _put(cells[4], "○" if card.key_result else "", styles.LIST_CENTER)
    _put(cells[5], amount(card.cost), styles.LIST_NUMBER)
    _put(cells[6], period(card.period_start, card.period_end, fiscal_year), styles.LIST_CENTER)
    _put(cells[7], card.foundation, styles.LIST_CENTER)
    _put(cells[8], "緊" if card.emergency else "", styles.LIST_CENTER)
    _put(cells[9], card.department, styles.LIST_TEXT)
    cells[10].paragraphs[0].style = styles.LIST_CENTER
    add_pageref(cells[10].paragraphs[0], row.bookmark)
