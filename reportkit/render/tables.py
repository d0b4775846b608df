"""Section 1's multi-year table and section 3's statistics tables and charts."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from docx.shared import Mm

from ..aggregate import Report
from ..config import ReportConfig
from . import charts, styles
from .fields import add_text, repeat_header, set_cell_margins, set_fixed_layout, text_width_twips
from .narratives import NarrativeError
from .text import full_width, short_nendo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MM = 56.7


def add_multi_year_table(doc, report: Report, config: ReportConfig) -> None:
    """事業数 (upper) and 決算額 (lower, 千円) per policy per year, with the 合計 row."""
    years = report.years
    total = text_width_twips(doc) / MM
    year_width = min(15.5, (total - 36) / len(years))
    first_width = total - year_width * len(years)
    table = doc.add_table(rows=2 + len(config.policies), cols=1 + len(years))
    table.style = styles.TABLE
    set_fixed_layout(table, [int(first_width * MM)] + [int(year_width * MM)] * len(years))
    set_cell_margins(table, 40)
    rows = [r.cells for r in table.rows]
    repeat_header(table.rows[0])
    _cell(rows[0][0], "基本方針", styles.TABLE_HEADER)
    for position, column in enumerate(years, start=1):
        _cell(rows[0][position], short_nendo(column.year), styles.TABLE_HEADER)
    for policy, row_cells in zip(config.policies, rows[1:]):
        _cell(row_cells[0], f"{policy.mark}{policy.title}", styles.LIST_POLICY)
        for position, column in enumerate(years, start=1):
            cell = column.cells.get(policy.no)
            count = "-" if cell is None or cell.count is None else f"{cell.count:,}"
            value = "-" if cell is None or cell.amount is None else f"{cell.amount:,}"
            _two_lines(row_cells[position], count, value)
    _cell(rows[-1][0], "合計", styles.TABLE_HEADER)
    for position, column in enumerate(years, start=1):
        _two_lines(rows[-1][position], f"{column.count:,}", f"{column.amount:,}")


def _cell(cell, text: str, style: str) -> None:
    cell.paragraphs[0].style = style
    add_text(cell.paragraphs[0], text)


def _two_lines(cell, upper: str, lower: str) -> None:
    _cell(cell, upper, styles.FIGURES)
    add_text(cell.add_paragraph(style=styles.FIGURES), lower)


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
    data = tomllib.loads(index.read_text(encoding="utf-8"))
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


def add_statistics_object(doc, items: dict[str, StatisticsItem], folder: Path, key: str) -> None:
    """Insert ``[表:4-1]`` / ``[図:4-1]``: caption, table or chart, notes and the 資料 line."""
    item = items.get(key)
    if item is None:
        raise NarrativeError(f"統計の索引 {folder / 'index.toml'} に {key} がありません")
    caption = f"{item.label}　{item.caption}".rstrip()
    add_text(doc.add_paragraph(style=styles.CAPTION), caption)
    rows = _read_csv(folder / item.file) if item.file else []
    if not rows:
        add_text(doc.add_paragraph(style=styles.FIGURE), "（データ未入力）")
    elif item.kind == "table":
        _statistics_table(doc, rows)
    else:
        labels = [row[0] for row in rows[1:]]
        series = {name: [_number(row[i]) for row in rows[1:]] for i, name in enumerate(rows[0]) if i}
        doc.add_paragraph(style=styles.FIGURE).add_run().add_picture(
            io.BytesIO(charts.line_chart(item.caption, labels, series)), width=Mm(150))
    for note in item.notes:
        add_text(doc.add_paragraph(style=styles.NOTE), note)
    if item.source:
        add_text(doc.add_paragraph(style=styles.SOURCE), item.source)


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


def _statistics_table(doc, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = styles.TABLE
    total = text_width_twips(doc) / MM
    first = 20 if width > 6 else 36
    rest = (total - first) / max(width - 1, 1)
    set_fixed_layout(table, [int(first * MM)] + [int(rest * MM)] * (width - 1))
    set_cell_margins(table, 40)
    repeat_header(table.rows[0])
    for row_index, (row, row_cells) in enumerate(zip(rows, (r.cells for r in table.rows))):
        for position in range(width):
            value = row[position] if position < len(row) else ""
            if row_index == 0:
                _cell(row_cells[position], value, styles.TABLE_HEADER)
            elif position == 0:
                _cell(row_cells[position], value, styles.TABLE_TEXT)
            else:
                _cell(row_cells[position], _format(value), styles.TABLE_NUMBER)
