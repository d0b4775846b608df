"""Section 1's multi-year table and section 3's statistics tables and charts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..aggregate import Report, YearColumn
from ..config import ReportConfig
from . import charts, styles
from . import fast_table as x
from .estimate import LINE, cell_height, figure_width_pt, row_height
from .fast_table import Cell, Row, StyleIds
from .narratives import NarrativeError
from ..printed import year_heads
from ..statistics import StatisticsItem, load_statistics, read_rows  # noqa: F401 (load_statistics: document's)

MM = 56.7
# font sizes of 表文字 (as 表数値, 表見出し) and 表数値小, read from reference.docx
TABLE_PT, FIGURES_PT = styles.style_size_pt(styles.TABLE_TEXT), styles.style_size_pt(styles.FIGURES)
YEAR_MM, FIRST_MIN_MM = 18.5, 32.0  # the widest year column; the least the 基本方針 column keeps
CELL_MARGIN = 15  # twips each side of a multi-year cell
FIT_SLACK_PT = 1.0  # so that a figure that just fits by the metrics never wraps in a layout engine


@dataclass
class YearBlocks:
    """How the multi-year table lays out its years: stacked blocks of whole columns.

    Every block repeats the 基本方針 column and has the same column widths; a year column is as
    wide as the sample's (at most ``YEAR_MM``) and never narrower than the widest figure needs.
    """

    blocks: list[list[YearColumn]]
    first_mm: float
    year_mm: float


def year_blocks(report: Report, text_width: int) -> YearBlocks:
    """Split ``report.years`` over as few blocks as keep every count and amount on one line."""
    years = report.years
    total = text_width / MM
    room = total - FIRST_MIN_MM
    figures = [f"{c.count:,}" for c in years] + [f"{c.amount:,}" for c in years]
    figures += [f"{cell.amount:,}" for c in years for cell in c.cells.values() if cell.amount is not None]
    widest = max([figure_width_pt(text, FIGURES_PT) for text in figures] + [4 * TABLE_PT])  # ２５年度
    need_mm = ((widest + FIT_SLACK_PT) * 20 + 2 * CELL_MARGIN) / MM
    if not years or min(YEAR_MM, room / len(years)) >= need_mm:
        blocks = [years]
    else:
        per_block = max(1, int(room // need_mm))
        count = math.ceil(len(years) / per_block)
        size = math.ceil(len(years) / count)
        blocks = [years[i:i + size] for i in range(0, len(years), size)]
    size = max((len(block) for block in blocks), default=1)
    year_mm = min(YEAR_MM, room / max(size, 1))
    return YearBlocks(blocks, total - year_mm * size, year_mm)


def multi_year_table(ids: StyleIds, report: Report, config: ReportConfig, text_width: int) -> str:
    """事業数 (upper) and 決算額 (lower, 千円) per policy per year, with the 合計 row (as XML).

    One table when every year fits the text width whole (the sample's seven years); else stacked
    blocks of years (``year_blocks``), each a table of its own with the 基本方針 column and 合計.
    """
    layout = year_blocks(report, text_width)
    header, figures, policy_style = ids[styles.TABLE_HEADER], ids[styles.FIGURES], ids[styles.TABLE_TEXT]

    def two_lines(upper: str, lower: str) -> Cell:
        return Cell(x.paragraph(figures, text=upper) + x.paragraph(figures, text=lower))

    tables = []
    for block in layout.blocks:
        heads = year_heads([c.year for c in block], [c.year for c in report.years])
        rows = [Row([Cell(x.paragraph(header, text="基本方針"), valign="center")]
                    + [Cell(x.paragraph(header, text=head), valign="center") for head in heads],
                    header=True, cant_split=True)]
        for policy in config.policies:
            cells = [Cell(x.paragraph(policy_style, text=f"{policy.mark}{policy.title}"), valign="center")]
            for column in block:
                cell = column.cells.get(policy.no)
                count = "-" if cell is None or cell.count is None else f"{cell.count:,}"
                value = "-" if cell is None or cell.amount is None else f"{cell.amount:,}"
                cells.append(two_lines(count, value))
            rows.append(Row(cells, cant_split=True))
        rows.append(Row([Cell(x.paragraph(header, text="合計"), valign="center")]
                        + [two_lines(f"{c.count:,}", f"{c.amount:,}") for c in block], cant_split=True))
        if len(layout.blocks) > 1:
            # each block whole on a page (keepNext on every row but its last); the last block also
            # keeps with the notes that follow the table, so they never stand alone on a page
            last = block is layout.blocks[-1]
            kept = rows if last else rows[:-1]
            rows = [Row([Cell(x.keep_with_next(c.content), c.span, c.vmerge, c.shade, c.valign) for c in r.cells],
                        r.header, r.cant_split) for r in kept] + rows[len(kept):]
        widths = [int(layout.first_mm * MM)] + [int(layout.year_mm * MM)] * len(block)
        tables.append(x.table(ids[styles.TABLE], widths, rows, cell_margin=CELL_MARGIN))
    return x.paragraph(policy_style).join(tables)  # an empty paragraph keeps the blocks apart


def multi_year_table_height(report: Report, config: ReportConfig, text_width: int,
                            used: float = 0.0, page_height: float | None = None, tail: float = 0.0) -> float:
    """Points the tables of ``multi_year_table`` take: a policy's title wraps in the first column.

    With ``page_height`` and ``used`` (points of the run before the table), a block that would
    not fit the rest of its page starts the next one, as its keep-with-next rows make it do; the
    last block keeps with the ``tail`` points of notes after the table.
    """
    layout = year_blocks(report, text_width)
    first_width = layout.first_mm * MM / 20
    figures = 2 * FIGURES_PT * LINE
    all_years = [c.year for c in report.years]
    gap = TABLE_PT * LINE  # the paragraph between blocks
    position = used
    for index, block in enumerate(layout.blocks):
        head_lines = max(head.count("\n") + 1 for head in year_heads([c.year for c in block], all_years))
        height = row_height([head_lines * TABLE_PT * LINE]) + row_height([figures, TABLE_PT * LINE])
        for policy in config.policies:
            height += row_height([figures, cell_height(f"{policy.mark}{policy.title}", first_width, TABLE_PT, 0.75)])
        position += gap if index else 0.0
        kept = height + (tail if index == len(layout.blocks) - 1 else 0.0)
        if page_height and len(layout.blocks) > 1 and kept <= page_height:
            room = page_height - position % page_height
            if kept > room:
                position += room
        position += height
    return position - used


def statistics_object(writer, items: dict[str, StatisticsItem], folder: Path, key: str) -> None:
    """Insert ``[表:4-1]`` / ``[図:4-1]``: caption, table or chart, notes and the 資料 line."""
    item = items.get(key)
    if item is None:
        raise NarrativeError(f"統計の索引 {folder / 'index.toml'} に {key} がありません")
    caption = f"{item.label}　{item.caption}".rstrip()
    writer.paragraph(styles.CAPTION, caption)
    rows = read_rows(folder / item.file) if item.file else []
    if not rows:
        writer.paragraph(styles.FIGURE, "（データ未入力）")
    elif item.kind == "table":
        xml, height = _statistics_table(writer.ids, rows, writer.text_width)
        writer.add(xml, height)
    else:
        labels = [row[0] for row in rows[1:]]
        series = {name: [_number(row[i]) for row in rows[1:]] for i, name in enumerate(rows[0]) if i}
        charts.add_chart(writer, charts.line_chart(item.caption, labels, series))
    for note in item.notes:
        writer.paragraph(styles.NOTE, note)
    if item.source:
        writer.paragraph(styles.SOURCE, item.source)


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


def _statistics_table(ids: StyleIds, rows: list[list[str]], text_width: int) -> tuple[str, float]:
    """The table as XML, and the points it takes."""
    width = max(len(row) for row in rows)
    total = text_width / MM
    first = 20 if width > 6 else 36
    rest = (total - first) / max(width - 1, 1)
    header, text, number = ids[styles.TABLE_HEADER], ids[styles.TABLE_TEXT], ids[styles.TABLE_NUMBER]
    table_rows = []
    height = 0.0
    for row_index, row in enumerate(rows):
        cells = []
        texts = []
        for position in range(width):
            value = row[position] if position < len(row) else ""
            texts.append(cell_height(value if row_index == 0 or position == 0 else _format(value),
                                     (first if position == 0 else rest) * MM / 20, TABLE_PT, 2.0))
            if row_index == 0:
                cells.append(Cell(x.paragraph(header, text=value), valign="center"))
            elif position == 0:
                cells.append(Cell(x.paragraph(text, text=value)))
            else:
                cells.append(Cell(x.paragraph(number, text=_format(value))))
        table_rows.append(Row(cells, header=row_index == 0, cant_split=True))
        height += row_height(texts)
    widths = [int(first * MM)] + [int(rest * MM)] * (width - 1)
    return x.table(ids[styles.TABLE], widths, table_rows, cell_margin=40), height
