"""Section 1's multi-year table and section 3's statistics tables and charts."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..aggregate import Report
from ..config import ReportConfig
from . import charts, styles
from . import fast_table as x
from .estimate import LINE, cell_height, row_height
from .fast_table import Cell, Row, StyleIds
from .narratives import NarrativeError
from .text import full_width, short_nendo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MM = 56.7
TABLE_PT, FIGURES_PT = 9.0, 7.5  # 表文字/表数値/表見出し and 表数値小 in reference.docx


def multi_year_table(ids: StyleIds, report: Report, config: ReportConfig, text_width: int) -> str:
    """事業数 (upper) and 決算額 (lower, 千円) per policy per year, with the 合計 row (as XML).

    Year columns are wide enough for an eight-digit amount (``57,305,003``) on one line.
    """
    years = report.years
    total = text_width / MM
    year_width = min(18.5, (total - 32) / max(len(years), 1))
    first_width = total - year_width * len(years)
    header, figures, policy_style = ids[styles.TABLE_HEADER], ids[styles.FIGURES], ids[styles.TABLE_TEXT]

    def two_lines(upper: str, lower: str) -> Cell:
        return Cell(x.paragraph(figures, text=upper) + x.paragraph(figures, text=lower))

    rows = [Row([Cell(x.paragraph(header, text="基本方針"), valign="center")]
                + [Cell(x.paragraph(header, text=short_nendo(c.year)), valign="center") for c in years],
                header=True, cant_split=True)]
    for policy in config.policies:
        cells = [Cell(x.paragraph(policy_style, text=f"{policy.mark}{policy.title}"), valign="center")]
        for column in years:
            cell = column.cells.get(policy.no)
            count = "-" if cell is None or cell.count is None else f"{cell.count:,}"
            value = "-" if cell is None or cell.amount is None else f"{cell.amount:,}"
            cells.append(two_lines(count, value))
        rows.append(Row(cells, cant_split=True))
    rows.append(Row([Cell(x.paragraph(header, text="合計"), valign="center")]
                    + [two_lines(f"{c.count:,}", f"{c.amount:,}") for c in years], cant_split=True))
    widths = [int(first_width * MM)] + [int(year_width * MM)] * len(years)
    return x.table(ids[styles.TABLE], widths, rows, cell_margin=15)


def multi_year_table_height(report: Report, config: ReportConfig, text_width: int) -> float:
    """Points the table of ``multi_year_table`` takes: a policy's title wraps in the first column."""
    years = report.years
    total = text_width / MM
    first_width = (total - min(18.5, (total - 32) / max(len(years), 1)) * len(years)) * MM / 20
    figures = 2 * FIGURES_PT * LINE
    height = row_height([TABLE_PT * LINE]) + row_height([figures, TABLE_PT * LINE])  # header, 合計
    for policy in config.policies:
        height += row_height([figures, cell_height(f"{policy.mark}{policy.title}", first_width, TABLE_PT, 0.75)])
    return height


@dataclass
class StatisticsItem:
    id: str
    kind: str
    caption: str
    source: str = ""
    notes: list[str] = field(default_factory=list)
    file: str = ""

    @property
    def label(self) -> str:
        """表4-1 → 表４－１."""
        return full_width(self.id)


def load_statistics(folder: Path) -> dict[str, StatisticsItem]:
    """Read index.toml of the statistics folder (the keys other than these are documentation)."""
    index = folder / "index.toml"
    if not index.is_file():
        return {}
    data = tomllib.loads(index.read_text(encoding="utf-8-sig"))
    items = {}
    for entry in data.get("items", []):
        item = StatisticsItem(
            id=str(entry["id"]),
            kind=str(entry.get("kind", "table")),
            caption=str(entry.get("caption", "")),
            source=str(entry.get("source", "")),
            notes=[str(note) for note in entry.get("notes", [])],
            file=str(entry.get("file", "")),
        )
        items[item.id] = item
    return items


def statistics_object(writer, items: dict[str, StatisticsItem], folder: Path, key: str) -> None:
    """Insert ``[表:4-1]`` / ``[図:4-1]``: caption, table or chart, notes and the 資料 line."""
    item = items.get(key)
    if item is None:
        raise NarrativeError(f"統計の索引 {folder / 'index.toml'} に {key} がありません")
    caption = f"{item.label}　{item.caption}".rstrip()
    writer.paragraph(styles.CAPTION, caption)
    rows = _read_csv(folder / item.file) if item.file else []
    if not rows:
        writer.paragraph(styles.FIGURE, "（データ未入力）")
    elif item.kind == "table":
        xml, height = _statistics_table(writer.ids, rows, writer.text_width)
        writer.add(xml, height)
    else:
        labels = [row[0] for row in rows[1:]]
        series = {name: [_number(row[i]) for row in rows[1:]] for i, name in enumerate(rows[0]) if i}
        writer.picture(charts.line_chart(item.caption, labels, series, getattr(writer, "chart_cache", None)),
                       width_mm=150)
    for note in item.notes:
        writer.paragraph(styles.NOTE, note)
    if item.source:
        writer.paragraph(styles.SOURCE, item.source)


def _read_csv(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise NarrativeError(f"統計のファイルが見つかりません: {path}")
    text = path.read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


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
