"""Section 1's multi-year table and section 3's statistics tables and charts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..report.aggregate import Report, YearColumn
from ..blocks import MERGE_LEFT, MERGE_UP  # a printed header's merges, as a narrative table's
from ..inputs.config import ReportConfig
from . import charts, styles
from . import fast_table as x
from .estimate import AIR_PT, CELL_AIR, LINE, ROW_EXTRA_PT, cell_height, figure_width_pt, row_height
from .fast_table import Cell, Row, StyleIds
from .narratives import NarrativeError
from ..report.printed import year_heads
from ..inputs.statistics import StatisticsTables

MM = 56.7


# font sizes of 表文字 (as 表数値, 表見出し) and 表数値小, read from reference.docx
def table_pt() -> float:
    """表文字's size (as 表数値, 表見出し) in the reference.docx in use."""
    return styles.style_size_pt(styles.TABLE_TEXT)


def figures_pt() -> float:
    """表数値小's size in the reference.docx in use."""
    return styles.style_size_pt(styles.FIGURES)


# The cells' margins: 1 mm left and right, none above and below, so that a figure never touches a
# rule or the figure of the next column (「14,117,76813,589,242」) while the edition's columns fit.
CELL_MARGIN = 57  # twips each side
# and 0.75 pt above and below the text: in the Japanese fonts a line is exactly its font size high, so
# without it the figures touch the rules above and below them
FIT_SLACK_PT = 1.0  # so that a figure that just fits by the metrics never wraps in a layout engine
# The edition's 基本方針 column: 26 characters of 表文字 a line (「③効果的な融資制度の充実等により中小企業に対する資金」
# ／「の供給の円滑化を図ること」, 「⑧…推進を図るこ」／「と」), with the cell margins
POLICY_EM = 26
# LibreOffice sets a mark ①–⑧ apart from the text after it (its autospace, ¼ em), where Word does not:
# half an em more keeps the edition's 26 characters a line in both, and never a 27th
MARK_SLACK_EM = 0.5
# The edition's year columns are wider than their figures need: two stand beside the 基本方針 column on
# p. 2 (a third would fit at the figures' width) and five fill p. 3. A column of 8 em of 表文字 (with its
# margins) is the width that gives both; wider figures widen it.
YEAR_EM = 8


@dataclass
class YearBlocks:
    """How the multi-year table lays out its years, as the edition spreads them over pp. 2–3.

    The first block is the 基本方針 column (``first_mm``) with as many year columns as fit beside
    it, sharing what it leaves (``first_year_mm`` each); each following block starts a page of its own
    and holds year columns only (``year_mm`` each), as many as fit the text width, the years after the
    first block spread evenly over as few pages as hold them. A year column is at least ``YEAR_EM`` of
    表文字 and at least what its widest figure needs with the cell margins (by the widest of the fonts
    a figure may be drawn in, ``figure_width_pt``).
    """

    blocks: list[list[YearColumn]]
    first_mm: float
    first_year_mm: float
    year_mm: float


def year_need_mm(report: Report) -> float:
    """The width of a year column: the edition's ``YEAR_EM``, or its widest figure (or head) on one line,
    the cell margins and slack, whichever is wider."""
    years = report.years
    figures = [f"{c.count:,}" for c in years] + [f"{c.amount:,}" for c in years]
    figures += [f"{cell.amount:,}" for c in years for cell in c.cells.values() if cell.amount is not None]
    widest = max([figure_width_pt(text, figures_pt()) for text in figures] + [YEAR_EM * table_pt()])
    return ((widest + FIT_SLACK_PT) * 20 + 2 * CELL_MARGIN) / MM


def policy_mm() -> float:
    """The 基本方針 column at the edition's width: ``POLICY_EM`` characters of 表文字, the cell margins and
    ``FIT_SLACK_PT`` (so that the widths' rounding to twips never leaves a line one character short)."""
    return (((POLICY_EM + MARK_SLACK_EM) * table_pt() + FIT_SLACK_PT) * 20 + 2 * CELL_MARGIN) / MM


def year_blocks(report: Report, text_width: int, titles: list[str] | tuple[str, ...] = ()) -> YearBlocks:
    """Split ``report.years`` as the edition does (7 years: 2 beside the 基本方針 column, then 5).

    The first block takes as many years as fit beside the 基本方針 column (at least one: on a
    narrower page the column gives way); the rest go on as few following pages as hold them, as
    evenly as they go (8 years: 2, then 3 and 3 — not 5 and a page with a single year).
    ``titles`` is kept for the callers; the column is the edition's whatever the titles.
    """
    del titles
    years = report.years
    total = text_width / MM
    need_mm = year_need_mm(report)
    first_mm = min(policy_mm(), total - need_mm)
    first = max(1, int((total - first_mm) / need_mm + 1e-9))
    rest = len(years) - first
    across = max(1, int(total / need_mm + 1e-9))
    blocks = [years[:first]]
    pages = -(-rest // across) if rest > 0 else 0
    for page in range(pages):  # sizes differ by one at most, the larger first
        size = rest // pages + (page < rest % pages)
        start = first + sum(len(block) for block in blocks[1:])
        blocks.append(years[start:start + size])
    return YearBlocks(blocks, first_mm, (total - first_mm) / first, total / across)


def _row_heights(report: Report, config: ReportConfig, layout: YearBlocks) -> list[float]:
    """Points of the text (with the cells' air) of each row, the same in every block so that the
    rows of a block without the 基本方針 column stand level with the titles they belong to:
    the head, each policy (its title wraps in the first column), 合計."""
    first_width = layout.first_mm * MM / 20
    figures = 2 * figures_pt() * LINE + AIR_PT
    all_years = [c.year for c in report.years]
    head_lines = max(head.count("\n") + 1 for block in layout.blocks
                     for head in year_heads([c.year for c in block], all_years))
    heights = [head_lines * table_pt() * LINE + AIR_PT]
    for title in _titles(config):
        heights.append(max(figures, cell_height(title, first_width, table_pt(), CELL_MARGIN / 20) + AIR_PT))
    heights.append(max(figures, table_pt() * LINE + AIR_PT))
    return heights


def multi_year_table(ids: StyleIds, report: Report, config: ReportConfig, text_width: int) -> list[str]:
    """事業数 (upper) and 決算額 (lower, 千円) per policy per year, with the 合計 row, as XML: one item per
    block of ``year_blocks``. The first is the 基本方針 column with the first years; each following
    one starts a page (an empty paragraph with a page break before it) with the next years alone.
    Every row is at least as high as the first block's, so the rows of a page stand level with its.
    """
    layout = year_blocks(report, text_width, _titles(config))
    header, figures, policy_style = ids[styles.TABLE_HEADER], ids[styles.FIGURES], ids[styles.TABLE_TEXT]
    heights = [round(h * 20) for h in _row_heights(report, config, layout)]

    def two_lines(upper: str, lower: str) -> Cell:
        return Cell(x.paragraph(figures, text=upper) + x.paragraph(figures, text=lower))

    parts = []
    for index, block in enumerate(layout.blocks):
        first = index == 0
        label = (lambda text: [Cell(x.paragraph(header, text=text), valign="center")]) if first else (lambda text: [])
        heads = year_heads([c.year for c in block], [c.year for c in report.years])
        rows = [Row(label("基本方針") + [Cell(x.paragraph(header, text=head), valign="center") for head in heads],
                    header=True, cant_split=True)]
        for policy in config.policies:
            cells = ([Cell(x.paragraph(policy_style, text=f"{policy.mark}{policy.title}"), valign="center")]
                     if first else [])
            for column in block:
                cell = column.cells.get(policy.no)
                count = "-" if cell is None or cell.count is None else f"{cell.count:,}"
                value = "-" if cell is None or cell.amount is None else f"{cell.amount:,}"
                cells.append(two_lines(count, value))
            rows.append(Row(cells, cant_split=True))
        rows.append(Row(label("合計") + [two_lines(f"{c.count:,}", f"{c.amount:,}") for c in block], cant_split=True))
        rows = [Row(r.cells, r.header, r.cant_split, height, "atLeast") for r, height in zip(rows, heights)]
        if len(layout.blocks) > 1:
            # each block whole on a page (keepNext on every row but its last); the first block also
            # keeps with the notes that follow it, so they never stand alone on a page
            kept = rows if first else rows[:-1]
            rows = [Row([Cell(x.keep_with_next(c.content), c.span, c.vmerge, c.shade, c.valign) for c in r.cells],
                        r.header, r.cant_split, r.height, r.height_rule) for r in kept] + rows[len(kept):]
        widths = ([int(layout.first_mm * MM)] + [int(layout.first_year_mm * MM)] * len(block) if first
                  else [int(layout.year_mm * MM)] * len(block))
        table = x.table(ids[styles.TABLE], widths, rows, cell_margin=CELL_MARGIN, cell_margin_top=CELL_AIR)
        parts.append(table if first else x.paragraph(policy_style, ppr="<w:pageBreakBefore/>") + table)
    return parts


def multi_year_block_heights(report: Report, config: ReportConfig, text_width: int) -> list[float]:
    """Points each table of ``multi_year_table`` takes (without the paragraph before a following block)."""
    layout = year_blocks(report, text_width, _titles(config))
    table = sum(row_height([h]) for h in _row_heights(report, config, layout))
    return [table] * len(layout.blocks)


def block_gap_pt() -> float:
    """The empty paragraph that starts a following block's page."""
    return table_pt() * LINE


def _titles(config: ReportConfig) -> list[str]:
    return [f"{policy.mark}{policy.title}" for policy in config.policies]


# A figure of section 3 as the edition prints it: as wide as the text, FIGURE_HEIGHT_MM high, with or
# without its data (an empty figure is a box of the same size, so its pages are where the chart's
# will be). The height is read from the edition's pages 155–157: each holds two subsections with
# their figures. P.155 holds （３） and （４）: two sub-headings, nine lines of commentary, two captions,
# two 資料 lines (280 pt in our styles) and four empty lines (72 pt) — which leaves each of its two
# figures 63–76 mm of the 250 mm text height (76 without the empty lines): 70 mm.
FIGURE_HEIGHT_MM = charts.STATISTICS_HEIGHT_MM
EMPTY_FIGURE = "（データ未入力）"


def statistics_object(writer, statistics: StatisticsTables, key: str) -> None:
    """Insert ``[表:4-1]`` / ``[図:4-1]``: caption (and unit line), table or chart, notes and the 資料 line."""
    item = statistics.index().get(key)
    if item is None:
        raise NarrativeError(f"統計の索引 {Path(statistics.folder) / 'index.toml'} に {key} がありません")
    caption = f"{item.label}　{item.caption}".rstrip()
    writer.paragraph(styles.CAPTION, caption)
    if item.unit_line:
        writer.paragraph(styles.FIGURE, item.unit_line, keep_next=True)
    rows = statistics.rows(item)
    width_mm = writer.text_width / MM
    if item.kind == "table" and rows:
        xml, height = _statistics_table(writer.ids, rows, writer.text_width, item.header)
        writer.add(xml, height)
    elif rows:
        labels = [row[0] for row in rows[1:]]
        series = {name: [_number(row[i]) for row in rows[1:]] for i, name in enumerate(rows[0]) if i}
        charts.add_chart(writer, charts.line_chart(item.caption, labels, series, width_mm=width_mm))
    else:
        writer.add(*_empty_figure(writer.ids, writer.text_width, item.kind == "table"))
    for note in item.notes:
        writer.paragraph(styles.NOTE, note)
    if item.source:
        writer.paragraph(styles.SOURCE, item.source)


def _empty_figure(ids: StyleIds, text_width: int, table: bool) -> tuple[str, float]:
    """A figure (or table) without data: a box of the figure's size with 「（データ未入力）」 in it."""
    height_twips = round(FIGURE_HEIGHT_MM * MM) if not table else round(4 * table_pt() * LINE * 20)
    content = x.keep_with_next(x.paragraph(ids[styles.FIGURE], text=EMPTY_FIGURE))  # kept with its 資料
    # its one cell is a header cell (w:tblHeader): a tagged PDF's table needs one (PDF/UA), and it names the box
    row = Row([Cell(content, valign="center")], header=True, cant_split=True, height=height_twips)
    return x.table(ids[styles.TABLE], [text_width], [row], cell_margin=CELL_MARGIN), height_twips / 20 + ROW_EXTRA_PT


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _format(text: str) -> str:
    """Integers with commas, negative numbers with ▲ as the edition prints them."""
    value = text.strip()
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return value
    decimals = len(value.split(".")[1]) if "." in value else 0
    shown = f"{abs(number):,.{decimals}f}"
    return f"▲ {shown}" if number < 0 else shown


_YEAR_LABEL = re.compile(r"^(明治|大正|昭和|平成|令和)\s*([0-9０-９]+|元)\s*年$")


def row_labels(labels: list[str]) -> list[str]:
    """The first column as the edition prints it: a year of the era of the year above only by its number.

    ``平成18年, 平成19年, 平成20年`` → ``平成18年, 19, 20`` (表４－２); a new era is named again
    (``平成31年, 令和元年, 2`` → ``平成31年, 令和元年, 2``). Other labels are printed as they are.
    """
    printed, era = [], None
    for label in labels:
        match = _YEAR_LABEL.match(label.strip())
        if match and match.group(1) == era:
            printed.append(match.group(2))
        else:
            printed.append(label)
        era = match.group(1) if match else None
    return printed


def _header_cells(header: list[list[str]], width: int) -> list[list[tuple[str, int, str | None]]]:
    """Printed header rows → per row its cells (text, column span, vMerge) from the ``<`` / ``^`` marks."""
    grid = [row + [""] * (width - len(row)) for row in header]
    rows: list[list[tuple[str, int, str | None]]] = []
    for r, row in enumerate(grid):
        cells: list[tuple[str, int, str | None]] = []
        for c, text in enumerate(row[:width]):
            text = text.strip()
            if text == MERGE_LEFT and cells:
                cells[-1] = (cells[-1][0], cells[-1][1] + 1, cells[-1][2])
                continue
            below = grid[r + 1][c].strip() if r + 1 < len(grid) else ""
            if text == MERGE_UP:
                cells.append(("", 1, "continue"))
            else:
                cells.append((text, 1, "restart" if below == MERGE_UP else None))
        rows.append(cells)
    return rows


def column_widths(columns: list[list[str]], text_width: int, fonts: list[float], margin: int,
                  heads: list[float] | None = None) -> list[int] | None:
    """Widths (twips) over the text width that hold every cell of ``columns`` on one line, or None.

    A column needs its widest text at its font size (figures by ``figure_width_pt``, labels by
    their width) with the cell margins. What is left of the text width goes first to the columns
    whose head line (``heads``: the widest line of its head in points) would wrap, evenly, then to
    every column in proportion to its need.
    """
    need = [(max((figure_width_pt(text, font) for text in column), default=0.0) + FIT_SLACK_PT) * 20 + 2 * margin
            for column, font in zip(columns, fonts)]
    if sum(need) > text_width:
        return None
    widths = list(need)
    wanted = [(head + FIT_SLACK_PT) * 20 + 2 * margin for head in heads] if heads else widths
    extra = text_width - sum(widths)
    while extra > 1:
        short = [i for i, w in enumerate(widths) if wanted[i] - w > 1]
        if not short:
            break
        share = extra / len(short)
        for i in short:
            given = min(share, wanted[i] - widths[i])
            widths[i] += given
            extra -= given
    total = sum(widths)
    widths = [int(w + extra * w / total) for w in widths]
    widths[-1] += text_width - sum(widths)
    return widths


def _heads(header_rows: list[list[tuple[str, int, str | None]]], width: int, font: float) -> list[float]:
    """Per column: the widest line of its head at ``font`` (a head over several columns: its share)."""
    heads = [0.0] * width
    spanned = []
    for cells in header_rows:
        column = 0
        for text, span, vmerge in cells:
            line = max([figure_width_pt(line, font) for line in text.split("\n")] + [0.0])
            if span == 1 and vmerge != "continue":
                heads[column] = max(heads[column], line)
            elif span > 1:
                spanned.append((column, span, line))
            column += span
    for column, span, line in spanned:
        missing = line + (FIT_SLACK_PT + 2 * CELL_MARGIN / 20) * (1 - span) - sum(heads[column:column + span])
        for i in range(column, column + span):
            heads[i] += max(0.0, missing) / span
    return heads


def _heads_wrapped(widths: list[int], heads: list[float]) -> int:
    """How many columns are too narrow for their head's widest line."""
    return sum(1 for width, head in zip(widths, heads) if width < (head + FIT_SLACK_PT) * 20 + 2 * CELL_MARGIN - 1)


def _statistics_table(ids: StyleIds, rows: list[list[str]], text_width: int,
                      header: list[list[str]] | None = None) -> tuple[str, float]:
    """The table as XML, and the points it takes.

    ``header``: the printed header rows (``<`` widens the cell to its left, ``^`` continues the cell
    above) in place of the CSV's own header row, which names every column in full for machines.
    Every label and figure stays on one line: the columns are as wide as their widest text needs
    (``column_widths``) in 表文字/表数値 with the edition's cell margins, else in 表数値小.
    """
    width = max(len(row) for row in rows)
    body = [row + [""] * (width - len(row)) for row in rows[1:]]
    labels = row_labels([row[0] for row in body])
    printed = [[labels[i]] + [_format(value) for value in row[1:]] for i, row in enumerate(body)]
    columns = [[row[c] for row in printed] for c in range(width)]
    header_rows = _header_cells(header or [rows[0]], width)
    number_style, head_style, font = styles.TABLE_NUMBER, styles.TABLE_HEADER, table_pt()
    heads = _heads(header_rows, width, table_pt())
    widths = column_widths(columns, text_width, [table_pt()] * width, CELL_MARGIN, heads)
    if widths is None or _heads_wrapped(widths, heads):
        # figures and heads in the smaller type (表数値小, 表見出し小) when that wraps fewer heads (表４－１
        # 「（人）」 whole) or the figures need it
        small_heads = _heads(header_rows, width, figures_pt())
        small = column_widths(columns, text_width, [table_pt()] + [figures_pt()] * (width - 1), CELL_MARGIN, small_heads)
        if small is not None and (widths is None or _heads_wrapped(small, small_heads) < _heads_wrapped(widths, heads)):
            number_style, head_style, font, widths = styles.FIGURES, styles.TABLE_HEADER_SMALL, figures_pt(), small
    if widths is None:  # more columns than the text width holds: even columns (figures may wrap)
        widths = [text_width // width] * width
        widths[-1] += text_width - sum(widths)
    head_id, text_id, number_id = ids[head_style], ids[styles.TABLE_TEXT], ids[number_style]
    head_pt = styles.style_size_pt(head_style)
    table_rows: list[Row] = []
    heights: list[float] = []
    spans: list[tuple[int, float]] = []  # per merged header cell: (its first row, its text's height)
    for r, cells in enumerate(header_rows):
        row_cells, texts, column = [], [head_pt * LINE + AIR_PT], 0
        for text, span, vmerge in cells:
            cell_width = sum(widths[column:column + span]) / 20
            column += span
            if vmerge == "continue":
                row_cells.append(Cell(vmerge="continue"))
                continue
            height = cell_height(text, cell_width, head_pt, CELL_MARGIN / 20) + AIR_PT
            if vmerge == "restart":
                spans.append((r, height))
            else:
                texts.append(height)
            row_cells.append(Cell(x.paragraph(head_id, text=text), span=span, vmerge=vmerge, valign="center"))
        table_rows.append(Row(row_cells, header=True, cant_split=True))
        heights.append(row_height(texts))
    for first, height in spans:  # a cell over several header rows: the rows grow to hold it
        deficit = height + ROW_EXTRA_PT - sum(heights[first:])
        if deficit > 0:
            heights[-1] += deficit
    for row in printed:
        cells = [Cell(x.paragraph(text_id, text=row[0]))]
        cells += [Cell(x.paragraph(number_id, text=value)) for value in row[1:]]
        table_rows.append(Row(cells, cant_split=True))
        heights.append(row_height([font * LINE + AIR_PT]))
    return x.table(ids[styles.TABLE], widths, table_rows, cell_margin=CELL_MARGIN,
                   cell_margin_top=CELL_AIR), sum(heights)
