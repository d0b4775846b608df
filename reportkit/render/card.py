"""One project card: the header line, then a bordered table of parts １–７ (one A4 page)."""

from __future__ import annotations

from ..aggregate import ListRow
from ..model import FreeRow, ResultsTable
from . import styles
from .fields import Bookmarks, add_text, set_fixed_layout, text_width_twips
from .text import nendo, zen

MM = 56.7  # twips per millimetre
LABEL_WIDTH = int(38 * MM)
INNER_MARGIN = int(6 * MM)
INNER_WIDTH = int(106 * MM)  # reset from the text width by add_card


def add_card(doc, row: ListRow, policy_title: str, fiscal_year: int, bookmarks: Bookmarks) -> None:
    """Append the card of a list row (a reprint copy names its host policy and carries （再掲））."""
    card = row.card
    header = doc.add_paragraph(style=styles.CARD_HEADER)
    add_text(header, f"{nendo(fiscal_year)}に実施した中小企業振興施策")
    bookmarks.wrap(header, row.bookmark)

    global INNER_WIDTH
    width = text_width_twips(doc)
    INNER_WIDTH = width - INNER_MARGIN
    table = doc.add_table(rows=10, cols=2)
    table.style = styles.TABLE
    set_fixed_layout(table, [LABEL_WIDTH, width - LABEL_WIDTH])
    cells = [r.cells for r in table.rows]

    _label_value(cells[0], "１　基本方針", policy_title)
    _label_value(cells[1], "２　事業名", row.card_name)

    _full_row(cells[2], "３　事業内容")
    description = cells[3][0].merge(cells[3][1])
    _paragraphs(description, card.description, styles.CARD_PARAGRAPH)

    _label(cells[4][0], "４　事業費（千円）")
    amount = cells[4][1]
    amount.paragraphs[0].style = styles.CARD_AMOUNT
    add_text(amount.paragraphs[0], zen(card.cost))
    if card.cost_note.strip():
        note = card.cost_note.strip()
        if not note.startswith(("（", "(")):
            note = f"（{note}）"
        add_text(amount.add_paragraph(style=styles.CARD_AMOUNT), note)

    _full_row(cells[5], "５　事業実施結果")
    results = cells[6][0].merge(cells[6][1])
    _results(results, card.progress, card.outcome, card.results_free)

    _full_row(cells[7], "６　事業の経緯")
    history = cells[8][0].merge(cells[8][1])
    _history(history, card.history)

    group = "　".join(part for part in (card.department, card.group) if part)
    _label_value(cells[9], "７　担当課・グループ", group)


def _label(cell, text: str) -> None:
    cell.paragraphs[0].style = styles.CARD_LABEL
    add_text(cell.paragraphs[0], text)


def _label_value(row_cells, label: str, value: str) -> None:
    _label(row_cells[0], label)
    row_cells[1].paragraphs[0].style = styles.CARD_TEXT
    add_text(row_cells[1].paragraphs[0], value)


def _full_row(row_cells, label: str) -> None:
    merged = row_cells[0].merge(row_cells[1])
    _label(merged, label)


def _paragraphs(cell, text: str, style: str) -> None:
    """Line breaks of a field separate paragraphs; the cell's first paragraph is reused."""
    lines = [line for line in text.split("\n") if line.strip()] or [""]
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.style = style
        add_text(paragraph, line.strip().lstrip("\u3000"))
        first = False


def _results(cell, progress: ResultsTable, outcome: ResultsTable, free: list[FreeRow]) -> None:
    used_first = False

    def paragraph(style: str):
        nonlocal used_first
        if not used_first:
            used_first = True
            cell.paragraphs[0].style = style
            return cell.paragraphs[0]
        return cell.add_paragraph(style=style)

    for results in (progress, outcome):
        if not results.rows:
            continue
        add_text(paragraph(styles.CARD_CAPTION), results.caption)
        _results_table(cell, results)
        used_first = True
    groups = _free_groups(free)
    for kind, rows in groups:
        if kind == "見出し":
            add_text(paragraph(styles.CARD_CAPTION), rows[0].cells[0] if rows[0].cells else "")
        elif kind == "文":
            add_text(paragraph(styles.CARD_TEXT), rows[0].cells[0] if rows[0].cells else "")
        else:
            if not used_first:
                paragraph(styles.CARD_TEXT)
            _free_table(cell, rows)
            used_first = True
    if not used_first:
        add_text(paragraph(styles.CARD_TEXT), "－")


def _results_table(cell, results: ResultsTable) -> None:
    table = cell.add_table(rows=1 + len(results.rows), cols=2)
    table.style = styles.TABLE
    widths = [int(INNER_WIDTH * 0.62), INNER_WIDTH - int(INNER_WIDTH * 0.62)]
    set_fixed_layout(table, widths)
    rows = [r.cells for r in table.rows]
    for position, header in enumerate(results.headers):
        rows[0][position].paragraphs[0].style = styles.CARD_CELL_HEADER
        add_text(rows[0][position].paragraphs[0], header)
    for result, row_cells in zip(results.rows, rows[1:]):
        if result.kind == "見出し":
            merged = row_cells[0].merge(row_cells[1])
            merged.paragraphs[0].style = styles.CARD_CELL
            add_text(merged.paragraphs[0], result.item)
            continue
        item_style = styles.CARD_CELL_INNER if result.kind == "内訳" else styles.CARD_CELL
        if result.kind == "計":
            item_style = styles.CARD_CELL_HEADER
        row_cells[0].paragraphs[0].style = item_style
        add_text(row_cells[0].paragraphs[0], result.item)
        row_cells[1].paragraphs[0].style = styles.CARD_CELL
        add_text(row_cells[1].paragraphs[0], result.value)


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


def _free_table(cell, rows: list[FreeRow]) -> None:
    width = max((max((i + 1 for i, c in enumerate(r.cells) if c.strip()), default=1) for r in rows), default=1)
    table = cell.add_table(rows=len(rows), cols=width)
    table.style = styles.TABLE
    set_fixed_layout(table, [INNER_WIDTH // width] * width)
    for row, row_cells in zip(rows, (r.cells for r in table.rows)):
        style = styles.CARD_CELL_HEADER if row.kind == "表頭" else styles.CARD_CELL
        for position in range(width):
            value = row.cells[position] if position < len(row.cells) else ""
            row_cells[position].paragraphs[0].style = style
            add_text(row_cells[position].paragraphs[0], value)


def _history(cell, entries) -> None:
    first = True

    def paragraph(style: str):
        nonlocal first
        if first:
            first = False
            cell.paragraphs[0].style = style
            return cell.paragraphs[0]
        return cell.add_paragraph(style=style)

    for entry in entries:
        add_text(paragraph(styles.CARD_HISTORY), "　".join(p for p in (entry.year, entry.event) if p))
        if entry.former_name.strip():
            name = entry.former_name.strip()
            if not name.startswith("「"):
                name = f"「{name}」"
            add_text(paragraph(styles.CARD_HISTORY), name)
        for line in (line for line in entry.reason.split("\n") if line.strip()):
            add_text(paragraph(styles.CARD_HISTORY_REASON), line.strip())
    if first:
        add_text(paragraph(styles.CARD_TEXT), "－")
