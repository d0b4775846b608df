"""A tiny read-only OOXML cell reader: exactly what the card contract needs from a .xlsx, and no more.

openpyxl's ``load_workbook`` builds every sheet, style, data validation and print setting of a
workbook (30–40 ms a card). Reading a card needs only ``xl/workbook.xml`` (sheets, defined names,
the 1904 flag), its relationships, the shared strings, the number formats of ``styles.xml`` (to
recognise a date typed as a number) and, of the card sheet: the cells' values, the merged ranges,
hidden rows and columns, formulas saved without a value and whether it carries a drawing. Values
are the ones openpyxl returns with ``data_only=True, rich_text=False`` (cached formula results,
shared strings with openpyxl's ``x005F_`` handling, numbers as int or float, dates as datetime).

Untrusted input: the caller checks the zip directory and refuses any part declaring a DTD first
(reader.py); every part is parsed by lxml with entities never resolved and no network, and a part
declaring a DTD is refused here too (for parts the caller's scan did not cover by name). The text
of a sheet's cells is counted as they are read, a shared string at its full length each time a
cell refers to it: past ``Workbook.max_text`` characters the sheet is refused (``TooMuchText``)
before anything downstream copies a character (a small file whose one long shared string is
referenced by thousands of cells would otherwise expand to hundreds of MB).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..errors import TooMuchText
from ..files.safexml import parse_xml
from . import import_openpyxl

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
MAX_COLUMN = 18278  # ZZZ: the largest column openpyxl accepts in a reference
RESERVED_NAMES = ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase")  # openpyxl drops these globals

_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_RANGE_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?")


class Package:
    """An open .xlsx zip: its member names and each XML part parsed at most once."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        self._parsed: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        """The root element of a part (KeyError when the part is missing)."""
        if name not in self._parsed:
            self._parsed[name] = parse_xml(self.archive.read(name))
        return self._parsed[name]

    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(Id, Type, target part) of a part's relationships, targets resolved as openpyxl does; [] without rels."""
        folder, _, file_name = part.rpartition("/")
        rels_name = f"{folder}/_rels/{file_name}.rels" if folder else f"_rels/{file_name}.rels"
        if rels_name not in self.names:
            return []
        found = []
        for rel in self.xml(rels_name).iter(PKG_REL):
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((rel.get("Id", ""), rel.get("Type", ""), target))
        return found


def sheet_names(package: Package) -> list[str]:
    """Every sheet name in xl/workbook.xml, in order (hidden and chart sheets included)."""
    return [sheet.get("name", "") for sheet in package.xml(WORKBOOK_PART).iter(f"{MAIN}sheet")]


@dataclass
class Sheet:
    """The card sheet as the contract reads it; cells hold only non-empty values, by (row, column)."""

    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    formulas_without_value: list[str] = field(default_factory=list)  # addresses, in sheet order

    def value(self, row: int, column: int) -> object:
        return self.cells.get((row, column))


@dataclass
class Workbook:
    """What ``load_workbook`` returns: sheet names, global defined names, and the card sheet on demand."""

    package: Package
    sheetnames: list[str]
    defined_names: dict[str, str | None]  # workbook-scoped name -> its reference text
    sheet_parts: dict[str, str]  # worksheet name -> part (worksheets whose part exists)
    date1904: bool = False
    max_text: int | None = None  # characters of cell text a sheet may hold (None: no bound)

    def __getitem__(self, name: str) -> Sheet:
        return read_sheet(self.package, self.sheet_parts[name], self.date1904, self.max_text)

    def has_drawing(self, name: str) -> bool:
        """Whether a sheet carries pictures, shapes or charts (a drawing relationship)."""
        part = self.sheet_parts.get(name)
        return part is not None and any(kind.endswith("/drawing") for _, kind, _ in self.package.relationships(part))


def load_workbook(package: Package, *, data_only: bool = True, keep_vba: bool = False, keep_links: bool = False,
                  rich_text: bool = False) -> Workbook:
    """Read workbook.xml and its relationships (sheets are parsed when asked for).

    The keywords mirror openpyxl's; only the safe reading is implemented: cached values, never
    macros, never external links, plain text.
    """
    if not data_only or keep_vba or keep_links or rich_text:
        raise ValueError("the lean reader only reads cached values, without macros, links or rich text")
    root = package.xml(WORKBOOK_PART)
    targets = {rid: (kind, target) for rid, kind, target in package.relationships(WORKBOOK_PART)}
    names, parts = [], {}
    for sheet in root.iter(f"{MAIN}sheet"):
        name, rid = sheet.get("name", ""), sheet.get(f"{REL_NS}id")
        if not rid:
            continue
        kind, target = targets[rid]  # KeyError for a sheet without its relationship, as openpyxl
        if target not in package.names:
            continue  # openpyxl skips a sheet whose part is missing
        names.append(name)
        if "chartsheet" not in kind:
            parts[name] = target
    defined: dict[str, str | None] = {}
    for item in root.iter(f"{MAIN}definedName"):
        name = item.get("name", "")
        if item.get("localSheetId") is None and name not in RESERVED_NAMES:
            defined[name] = item.text
    properties = root.find(f"{MAIN}workbookPr")
    date1904 = properties is not None and _true(properties.get("date1904", ""))
    return Workbook(package, names, defined, parts, date1904)


def read_sheet(package: Package, part: str, date1904: bool = False, max_text: int | None = None) -> Sheet:
    """Cells, merges, hidden rows and columns, and formulas without a cached value, in one pass over the sheet.

    ``max_text``: TooMuchText as soon as the text of the cells read so far passes it.
    """
    root = package.xml(part)
    text_left = max_text if max_text is not None else -1
    sheet = Sheet()
    cells = sheet.cells
    styles: _Styles | None = None
    strings: list[str] | None = None
    v_tag, f_tag, is_tag, c_tag = f"{MAIN}v", f"{MAIN}f", f"{MAIN}is", f"{MAIN}c"
    row_number = 0
    for row in root.iter(f"{MAIN}row"):
        number = row.get("r")
        row_number = _row_number(number) if number is not None else row_number + 1
        if _true(row.get("hidden", "")):
            sheet.hidden_rows.add(row_number)
        column = 0
        for cell in row:
            if cell.tag != c_tag:
                continue
            ref = cell.get("r")
            if ref:
                row_at, column = position(ref)
            else:
                row_at, column = row_number, column + 1
            kind = cell.get("t", "n")
            text = inline = None
            has_formula = has_value = False
            for child in cell:
                tag = child.tag
                if tag == v_tag:
                    if not has_value:
                        text = child.text
                    has_value = True
                elif tag == f_tag:
                    has_formula = True
                elif tag == is_tag and inline is None:
                    inline = child
            if has_formula and not text and inline is None:
                sheet.formulas_without_value.append(ref or "")
            value: object = None
            if kind == "inlineStr":
                if inline is not None:
                    value = _text_content(inline)
            elif text:
                if kind == "n":
                    value = _number(text)
                    style = int(cell.get("s") or 0)
                    if style:
                        styles = styles or _Styles.read(package)
                        if style in styles.dates:
                            value = _date(value, date1904, style in styles.timedeltas)
                elif kind == "s":
                    if strings is None:
                        strings = _shared_strings(package)
                    value = strings[int(text)]
                elif kind == "b":
                    value = bool(int(text))
                elif kind == "d":
                    import_openpyxl()
                    from openpyxl.utils.datetime import from_ISO8601

                    value = from_ISO8601(text)
                else:  # str (a formula's text result), e (#DIV/0! …)
                    value = text
            if value is not None:
                if text_left >= 0 and isinstance(value, str):
                    text_left -= len(value)  # a shared string counts again for every cell that refers to it
                    if text_left < 0:
                        raise TooMuchText(max_text)
                cells[(row_at, column)] = value
            else:
                cells.pop((row_at, column), None)
    for merge in root.iter(f"{MAIN}mergeCell"):
        bounds = range_bounds(merge.get("ref", ""))
        sheet.merged.append(bounds)
        _clear_merged(cells, bounds)
    widest: dict[int, tuple[bool, int | None]] = {}  # like openpyxl: one dimension per first column, last wins
    for column_element in root.iter(f"{MAIN}col"):
        first = int(column_element.get("min"))
        if not 1 <= first <= MAX_COLUMN:
            raise ValueError(f"column {first} out of range")
        last = column_element.get("max")
        widest[first] = (_true(column_element.get("hidden", "")), int(last) if last is not None else None)
    for first, (hidden, last) in widest.items():
        if hidden:
            sheet.hidden_columns.update(range(first, min(last or first, 16384) + 1))
    return sheet


def _clear_merged(cells: dict, bounds: tuple[int, int, int, int]) -> None:
    """Only the top-left cell of a merged range keeps its value (what Excel shows; openpyxl does the same)."""
    min_row, min_col, max_row, max_col = bounds
    if (max_row - min_row + 1) * (max_col - min_col + 1) <= len(cells):
        covered = [(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    else:
        covered = [key for key in cells if min_row <= key[0] <= max_row and min_col <= key[1] <= max_col]
    for key in covered:
        if key != (min_row, min_col):
            cells.pop(key, None)


# -- references -----------------------------------------------------------------------------------

_LETTERS: dict[int, str] = {}


def column_letter(index: int) -> str:
    """1 → A, 28 → AB."""
    letters = _LETTERS.get(index)
    if letters is None:
        if not 1 <= index <= MAX_COLUMN:
            raise ValueError(f"column {index} out of range")
        letters, rest = "", index
        while rest:
            rest, remainder = divmod(rest - 1, 26)
            letters = chr(65 + remainder) + letters
        _LETTERS[index] = letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


_POSITIONS: dict[str, tuple[int, int]] = {}  # every card has the same few hundred references


def position(ref: str) -> tuple[int, int]:
    """``B9`` → (9, 2); ValueError for anything else (as openpyxl's coordinate_to_tuple)."""
    found = _POSITIONS.get(ref)
    if found is not None:
        return found
    match = _CELL_REF.fullmatch(ref)
    if not match or int(match.group(2)) == 0:
        raise ValueError(f"{ref} is not a cell reference")
    found = int(match.group(2)), column_index(match.group(1))
    if len(_POSITIONS) < 20_000:  # bounded: junk pasted far below the card is parsed, not kept
        _POSITIONS[ref] = found
    return found


def range_bounds(ref: str) -> tuple[int, int, int, int]:
    """``B16:D30`` → (min_row, min_col, max_row, max_col); a single cell is a 1×1 range."""
    match = _RANGE_REF.fullmatch(ref)
    if not match:
        raise ValueError(f"{ref} is not a cell range")
    first_col, first_row, last_col, last_row = match.groups()
    min_row, min_col = int(first_row), column_index(first_col)
    max_row, max_col = (int(last_row), column_index(last_col)) if last_col else (min_row, min_col)
    return min_row, min_col, max_row, max_col


# -- values ---------------------------------------------------------------------------------------

def _true(text: str) -> bool:
    """An OOXML boolean attribute as openpyxl reads it."""
    return bool(text) and text not in ("false", "f", "0")


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _number(text: str) -> int | float:
    """A numeric cell's ``<v>``: int or float as openpyxl reads it.

    Text no int can hold (``inf``, ``NaN``, more digits than Python converts) is read as the float it
    spells, so that the card reader reports the cell (``unusable-number``) instead of the file failing.
    """
    if not ("." in text or "E" in text or "e" in text):
        try:
            return int(text)
        except ValueError:
            pass
    return float(text)


def _text_content(element) -> str:
    """A string item's text: its plain ``t`` then its runs' ``t`` (phonetic guides left out), as openpyxl."""
    plain, runs = None, []
    for child in element:
        if child.tag == f"{MAIN}t":
            plain = child.text
        elif child.tag == f"{MAIN}r":
            for run_text in child.iter(f"{MAIN}t"):
                if run_text.text is not None:
                    runs.append(run_text.text)
    return (plain or "") + "".join(runs)


def _shared_strings(package: Package) -> list[str]:
    part = next((target for _, kind, target in package.relationships(WORKBOOK_PART)
                 if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
    if part not in package.names:
        return []
    return [_text_content(item).replace("x005F_", "") for item in package.xml(part).iter(f"{MAIN}si")]


def _date(value: int | float, date1904: bool, timedelta: bool) -> object:
    import_openpyxl()
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        return from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900, timedelta=timedelta)
    except (OverflowError, ValueError):
        return "#VALUE!"


# The built-in number formats that are dates or times, and openpyxl's test for custom ones
# (openpyxl.styles.numbers.is_date_format / is_timedelta_format).
_BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
_BUILTIN_TIMEDELTAS = {46}
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


@dataclass
class _Styles:
    dates: set[int]
    timedeltas: set[int]

    @classmethod
    def read(cls, package: Package) -> _Styles:
        part = next((target for _, kind, target in package.relationships(WORKBOOK_PART)
                     if kind.endswith("/styles")), "xl/styles.xml")
        dates: set[int] = set()
        timedeltas: set[int] = set()
        if part not in package.names:
            return cls(dates, timedeltas)
        root = package.xml(part)
        custom = {int(item.get("numFmtId")): item.get("formatCode", "") for item in root.iter(f"{MAIN}numFmt")}
        cell_formats = root.find(f"{MAIN}cellXfs")
        for index, xf in enumerate(cell_formats.iterfind(f"{MAIN}xf") if cell_formats is not None else ()):
            number_format = int(xf.get("numFmtId") or 0)
            if number_format in custom:
                first = custom[number_format].split(";")[0]
                if re.search(r"(?<![_\\])[dmhysDMHYS]", _STRIP.sub("", first)):
                    dates.add(index)
                if _TIMEDELTA.search(first):
                    timedeltas.add(index)
            else:
                if number_format in _BUILTIN_DATES:
                    dates.add(index)
                if number_format in _BUILTIN_TIMEDELTAS:
                    timedeltas.add(index)
        return cls(dates, timedeltas)
