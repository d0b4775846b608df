"""Write flat, machine-readable tables as .xlsx (one value per cell, no merged cells)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..files.textsafe import xml_safe

FIXED_TIME = datetime(2000, 1, 1)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PrintLayout:
    """A sheet meant to be printed and sent round: A4 landscape, one page wide (as many pages down as
    needed), the heading row on every page, ``title`` at the top of every page and the page number at
    the foot; text wraps in its column, numbers (and their headings) are right-aligned."""

    title: str


@dataclass
class Sheet:
    """One sheet: a title, column headings (units in the headings) and rows of plain values."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[object]]
    widths: Sequence[int] = ()
    autofilter: bool = True
    one_page: bool = False  # printed on one A4 page (portrait, scaled to fit)
    printed: PrintLayout | None = None  # printed as a report (see PrintLayout)


def safe_cell(value: object) -> object:
    """Numbers stay numbers; text that Excel would run as a formula is stored as text."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "○" if value else ""
    text = xml_safe(str(value))
    return text


def build_tables_workbook(sheets: Sequence[Sheet]):
    """An openpyxl Workbook of the sheets (openpyxl imported on first use only, without numpy and PIL)."""
    from . import import_openpyxl

    import_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        sheet = wb.create_sheet(spec.title[:31])
        sheet.append(list(spec.headings))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in spec.rows:
            sheet.append([safe_cell(v) for v in row])
        # Force text type on strings that look like formulas so Excel never evaluates them.
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
        sheet.freeze_panes = "A2"
        if spec.autofilter and spec.rows:
            sheet.auto_filter.ref = sheet.dimensions
        if spec.one_page:
            sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
            sheet.page_setup.orientation = "portrait"
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 1
            sheet.print_title_rows = "1:1"
        if spec.printed is not None:
            _print_layout(sheet, spec, Alignment)
    wb.properties.creator = "reportkit"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def _print_layout(sheet, spec: Sheet, Alignment) -> None:
    """Apply ``spec.printed`` to an openpyxl worksheet."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = "1:1"
    sheet.print_options.horizontalCentered = True
    sheet.oddHeader.center.text = spec.printed.title.replace("&", "&&")
    sheet.oddHeader.center.size = 12
    sheet.oddFooter.center.text = "&P / &N"
    numeric = [bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
               for values in ([row[i] for row in spec.rows if i < len(row) and row[i] is not None]
                              for i in range(len(spec.headings)))]
    for row in sheet.iter_rows():
        for cell, number in zip(row, numeric):
            cell.alignment = Alignment(horizontal="right" if number else None, vertical="top", wrap_text=not number
                                       or cell.row == 1)


def write_tables(path: Path, sheets: Sequence[Sheet], cache: Path | None = None) -> None:
    """Write the sheets to ``path`` (the caller makes it atomic); the same sheets give the same bytes.

    ``cache``: a folder of workbooks written before, keyed by the sheets, this module's code and
    openpyxl's version; the same sheets are then copied from there without importing openpyxl.
    """
    from ..files.zipnorm import normalise_zip

    entry = _cache_entry(cache, sheets)
    if entry is not None:
        try:
            Path(path).write_bytes(entry.read_bytes())
            return
        except OSError:
            pass
    build_tables_workbook(sheets).save(path)
    normalise_zip(path, modified=FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if entry is not None:
        try:
            from ..files.atomic import write_bytes_atomic

            write_bytes_atomic(entry, Path(path).read_bytes())
        except OSError:  # a read-only cache folder only costs the speed-up
            pass


def _cache_entry(cache: Path | None, sheets: Sequence[Sheet]) -> Path | None:
    if cache is None:
        return None
    import hashlib
    import json

    from ..usercache import package_stamp

    def typed(value: object) -> object:  # dates and other values: their type is part of the key
        return [type(value).__name__, str(value)]

    spec = [[s.title, list(s.headings), [list(row) for row in s.rows], list(s.widths), s.autofilter, s.one_page,
             s.printed and s.printed.title] for s in sheets]
    digest = hashlib.sha256(json.dumps(spec, ensure_ascii=False, default=typed).encode("utf-8"))
    files = Path(__file__).parent.parent / "files"  # the helpers that shape the bytes are part of the key
    for module in (__file__, files / "zipnorm.py", files / "textsafe.py"):
        digest.update(Path(module).read_bytes())
    digest.update(package_stamp("openpyxl").encode())
    return Path(cache) / f"tables-{digest.hexdigest()[:40]}.xlsx"
