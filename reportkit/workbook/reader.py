"""Read a card workbook through its defined names only, keeping the cell address of every value.

Untrusted files: the zip directory is checked before anything is inflated, any part declaring a
DTD is refused before an XML parser sees it, then the lean reader of ``xlsx.py`` parses only the
parts the contract needs (lxml, entities never resolved, no network); macros and external links are
never run or followed. Limits: docs/limits.md.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from functools import lru_cache

from ..issues import Issue, make_issue
from ..files.textsafe import has_illegal, xml_safe
from . import import_openpyxl, layout
from .fingerprint import WRITTEN_NAME
from .layout import BLOCKS, CARD_SHEET, CELLS, LISTS_SHEET, PAIRS, SETTINGS_NAME
from ..errors import TooMuchText
from .xlsx import Package, Sheet, Workbook, column_index, column_letter, load_workbook, sheet_names

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled card is ~30 KB
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # uncompressed size of one zip member
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # uncompressed size of the whole workbook
MAX_RATIO = 200  # compression ratio of a large member
MAX_CELL_CHARS = 20_000
# Text in the cells of one sheet, a shared string counted for every cell that refers to it. The largest
# card of the sample holds 1,433 characters on its card sheet; 2,000,000 also reads the hostile 1 MB cell
# (refused on its own, as text-too-long) but stops one long string referenced by 40,000 cells (80 M).
MAX_SHEET_CHARS = 2_000_000
MAX_NUMBER = 10**15  # Excel keeps 15 significant digits: a figure this large was never typed
MAX_PROLOG_BYTES = 64 * 1024  # XML declaration and anything before the root element of a part
MAX_UNMAPPED_ISSUES = 20  # per file; the rest is one summary warning
MAX_NAME_CELLS = 10_000  # cells one defined name may cover (the largest block has 175)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_SETTINGS_CELLS = 200  # the year's settings (rk_config): a sample year's fill one cell
MAX_SETTINGS_CHARS = 1_000_000
MAX_LIST_CELLS = 5_000  # the drop-down lists sheet (選択肢) of an older card


@dataclass
class RawValue:
    value: object
    cell: str  # e.g. B9


@dataclass
class RawRow:
    cells: list[RawValue]
    row: int

    @property
    def address(self) -> str:
        return self.cells[0].cell


@dataclass
class RawCard:
    """What a workbook holds, by defined name, before any interpretation."""

    file: str
    values: dict[str, RawValue] = field(default_factory=dict)
    pairs: dict[str, list[RawValue]] = field(default_factory=dict)
    blocks: dict[str, list[RawRow]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # Read with ``settings=True`` only: the year's settings the card carries (rk_config's text joined;
    # None without the name, "" when the name is there but broken or empty), and the drop-down lists
    # of the 選択肢 sheet by the key in their first row (what an older card carries instead).
    settings: str | None = None
    choice_lists: dict[str, list[str]] = field(default_factory=dict)
    written: str | None = None  # the fingerprint the template wrote (``fingerprint.WRITTEN_NAME``), None without

    @property
    def readable(self) -> bool:
        return not any(i.severity == "error" and i.code in FATAL_CODES for i in self.issues)


FATAL_CODES = {"not-xlsx", "old-xls", "encrypted", "corrupt-file", "too-large", "unreadable-file", "unsafe-xml",
               "duplicate-card-sheet",
               "missing-card-sheet", "missing-name", "broken-name"}


def read_workbook(path: Path, display_name: str | None = None, *, settings: bool = False,
                  content: bytes | None = None) -> RawCard:
    """Read one card workbook; every problem becomes an Issue on the returned RawCard.

    ``settings``: also read what the card carries of the year's settings (``RawCard.settings``,
    ``choice_lists``), to check it alone. ``content``: the file's bytes when they were read already
    (the card cache hashes them): the file is not opened again.
    """
    path = Path(path)
    name = display_name or path.name
    raw = RawCard(file=name)

    def fail(code: str, **params) -> RawCard:
        raw.issues.append(make_issue(code, name, **params))
        return raw

    suffix = path.suffix.lower()
    try:
        if content is not None:
            size, head = len(content), content[:8]
        else:
            size = path.stat().st_size
            with path.open("rb") as handle:
                head = handle.read(8)
    except OSError as exc:
        return fail("unreadable-file", detail=_os_reason(exc))
    if head == OLE_MAGIC:
        return fail("old-xls" if suffix == ".xls" else "encrypted")
    if suffix == ".xls":
        return fail("old-xls")
    if size == 0:
        return fail("corrupt-file", detail="0 バイトの空のファイルです")
    if size > MAX_FILE_BYTES:
        return fail("too-large", detail=f"{size // 1024 // 1024} MB")
    if not head.startswith(b"PK"):
        return fail("not-xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content) if content is not None else path)
    except Exception as exc:  # damaged zip
        return fail("corrupt-file", detail=_describe(exc))
    with archive:
        return _read_archive(archive, suffix, raw, fail, settings)


def _read_archive(archive: zipfile.ZipFile, suffix: str, raw: RawCard, fail, settings: bool = False) -> RawCard:
    """The checks, cheapest first, then the card sheet: one open zip, each part parsed at most once."""
    name = raw.file
    try:
        code, problem = _check_archive(archive)
        if problem:
            return fail(code, detail=problem)
        unsafe = _part_with_dtd(archive)
        if unsafe:
            return fail("unsafe-xml", detail=unsafe)
        package = Package(archive)
        if _card_sheet_count(package) > 1:
            return fail("duplicate-card-sheet", sheet=CARD_SHEET)
        has_links = any(n.startswith("xl/externalLinks/") for n in package.names)
        has_macros = any(n.lower().endswith("vbaproject.bin") for n in package.names)
        workbook = load_workbook(package, data_only=True, keep_vba=False, keep_links=False, rich_text=False)
        workbook.max_text = MAX_SHEET_CHARS
        has_drawing = workbook.has_drawing(CARD_SHEET)
    except Exception as exc:  # damaged zip or XML
        return fail("corrupt-file", detail=_describe(exc))
    if suffix == ".xlsm" or has_macros:
        raw.issues.append(make_issue("macro-workbook", name))
    if has_links:
        raw.issues.append(make_issue("external-link", name))
    if has_drawing:
        raw.issues.append(make_issue("drawing-ignored", name, sheet=CARD_SHEET))
    if CARD_SHEET not in workbook.sheetnames or CARD_SHEET not in workbook.sheet_parts:
        return fail("missing-card-sheet", sheet=CARD_SHEET)
    try:
        sheet = workbook[CARD_SHEET]
    except TooMuchText as exc:
        return fail("too-large", detail=f"シートのセルの文字が合計 {exc.chars:,} 字を超えます")
    except Exception as exc:  # damaged sheet XML, impossible references
        return fail("corrupt-file", detail=_describe(exc))
    spans = _read_names(workbook, sheet, raw)
    raw.written = workbook.defined_names.get(WRITTEN_NAME)
    if raw.readable:
        _report_formulas(raw, sheet.formulas_without_value)
        _report_unmapped(sheet, spans, raw)
        if settings:
            raw.settings = _read_settings(workbook)
            raw.choice_lists = _read_choice_lists(workbook)
    return raw


def first_row(path: Path) -> list[object]:
    """The values of row 1 of a workbook's first sheet ([] when it is no workbook that can be read safely).

    For a file that is not a card (a pack's checklist sent back): the same guards as ``read_workbook``.
    """
    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            return []
        with zipfile.ZipFile(path) as archive:
            if _check_archive(archive)[1] or _part_with_dtd(archive):
                return []
            workbook = load_workbook(Package(archive))
            if not workbook.sheetnames or workbook.sheetnames[0] not in workbook.sheet_parts:
                return []
            cells = workbook[workbook.sheetnames[0]].cells
    except Exception:  # not a zip, damaged XML: not a workbook this can read
        return []
    return [cells.get((1, column)) for column in range(1, 1 + max((c for r, c in cells if r == 1), default=0))]


def _read_settings(workbook: Workbook) -> str | None:
    """The texts of the cells ``rk_config`` covers, joined in order; "" when broken; None without the name."""
    text = workbook.defined_names.get(SETTINGS_NAME, False)
    if text is False:
        return None
    area = _name_area(text or "")
    if area is None:
        return ""
    sheet_name, (min_row, min_col, max_row, max_col) = area
    if (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_SETTINGS_CELLS or sheet_name not in workbook.sheet_parts:
        return ""
    try:
        sheet = workbook[sheet_name]
    except Exception:  # damaged sheet XML: the settings are unusable, the card is still read
        return ""
    parts = [sheet.value(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    joined = "".join(_unescape_ooxml(p) for p in parts if isinstance(p, str))
    return joined if len(joined) <= MAX_SETTINGS_CHARS else ""


def _read_choice_lists(workbook: Workbook) -> dict[str, list[str]]:
    """The columns of the 選択肢 sheet by the key in row 1, their texts top down ({} without the sheet)."""
    if LISTS_SHEET not in workbook.sheet_parts:
        return {}
    try:
        sheet = workbook[LISTS_SHEET]
    except Exception:
        return {}
    if len(sheet.cells) > MAX_LIST_CELLS:
        return {}
    keys = {c: str(v) for (r, c), v in sheet.cells.items() if r == 1}
    lists: dict[str, list[str]] = {key: [] for key in keys.values()}
    for (r, c), value in sorted(sheet.cells.items()):
        if r > 1 and c in keys and _present(value):
            lists[keys[c]].append(str(value).strip())
    return lists


def _os_reason(exc: OSError) -> str:
    """Why a file cannot be opened, in words a clerk knows."""
    if isinstance(exc, IsADirectoryError):
        return "ファイルではなくフォルダです"
    if isinstance(exc, FileNotFoundError):
        return "ファイルが見つかりません。リンク切れか、移動・削除された可能性があります"
    if isinstance(exc, PermissionError):
        return "読み取りの権限がありません"
    return exc.strerror or type(exc).__name__


def _describe(exc: Exception) -> str:
    """A short Japanese reason for a damaged file (the detail of ``corrupt-file``)."""
    kind = type(exc).__name__
    if "Entit" in kind or "DTD" in kind:
        return "安全でない XML（外部エンティティ等）を含みます"
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)) or "zip" in str(exc).lower():
        return "zip の構造が壊れています"
    if isinstance(exc, UnicodeDecodeError) or "XML" in kind or "Parse" in kind:
        return "XML が壊れています"
    if isinstance(exc, KeyError):
        return "ブックに必要な部品がありません"
    return f"読み取りエラー {kind}"


def _check_archive(archive: zipfile.ZipFile) -> tuple[str, str]:
    """Refuse zip bombs from the sizes in the zip directory, before inflating anything: (code, detail)."""
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            return "encrypted", "暗号化された部品があります"
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            return "too-large", f"展開後 {info.file_size // 1024 // 1024} MB の部品があります"
        if info.compress_size and info.file_size > 1024 * 1024 and info.file_size / info.compress_size > MAX_RATIO:
            return "too-large", "圧縮率が異常に高い部品があります"
    if total > MAX_TOTAL_BYTES:
        return "too-large", f"展開後の合計が {total // 1024 // 1024} MB あります"
    return "", ""


_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _part_with_dtd(archive: zipfile.ZipFile) -> str:
    """The name of an XML part that declares a DTD (never in a real workbook; the door to XXE and entity bombs).

    Only the prolog (before the root element) can hold a DTD, so each part is read until its root
    element starts, at most MAX_PROLOG_BYTES: cheap, and nothing is expanded.
    """
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        prolog = b""
        with archive.open(info) as member:
            while len(prolog) < MAX_PROLOG_BYTES:
                chunk = member.read(4096)
                if not chunk:
                    break
                prolog += chunk.replace(b"\x00", b"")  # UTF-16 parts: keep the ASCII letters
                found = _ROOT_ELEMENT.search(prolog)
                if found:
                    prolog = prolog[:found.start()]
                    break
        if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
            return info.filename
    return ""


def _card_sheet_count(package: Package) -> int:
    """How many sheets are called 事業カード, ignoring case and width (Excel forbids two; a crafted file may not)."""
    wanted = unicodedata.normalize("NFKC", CARD_SHEET).casefold()
    return sum(1 for name in sheet_names(package) if unicodedata.normalize("NFKC", name).strip().casefold() == wanted)


Bounds = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col


def _read_names(workbook: Workbook, sheet: Sheet, raw: RawCard) -> dict[str, Bounds]:
    """Read every defined name of the contract into ``raw``; return the cells each resolved name covers."""
    names = workbook.defined_names
    spans: dict[str, Bounds] = {}
    for spec in CELLS:
        cells = _resolve(names, spec.name, raw, spans)
        if cells is not None:
            raw.values[spec.name] = _raw(sheet, cells[0][0], raw, spec.name)
    for spec in PAIRS:
        cells = _resolve(names, spec.name, raw, spans)
        if cells is not None:
            raw.pairs[spec.name] = [_raw(sheet, c, raw, spec.name) for c in cells[0][:2]]
    for spec in BLOCKS:
        cells = _resolve(names, spec.name, raw, spans)
        if cells is None:
            continue
        rows = []
        for row_cells in cells:
            values = [_raw(sheet, c, raw, spec.name) for c in row_cells]
            if any(_present(v.value) for v in values):
                rows.append(RawRow(values, row_cells[0][0]))
        raw.blocks[spec.name] = rows
    version = raw.values.get("rk_version")
    if version is not None and str(version.value).strip() not in (str(layout.CONTRACT_VERSION), "1.0"):
        raw.issues.append(make_issue("bad-version", raw.file, sheet=CARD_SHEET, cell=version.cell,
                                     field="rk_version", detail=str(version.value)))
    return spans


Position = tuple[int, int, str]  # row, column, address


def _resolve(names: dict[str, str | None], name: str, raw: RawCard,
             spans: dict[str, Bounds]) -> list[list[Position]] | None:
    """The cells of a defined name as rows of (row, column, address), or None (with an Issue)."""
    if name not in names:
        raw.issues.append(make_issue("missing-name", raw.file, sheet=CARD_SHEET, field=name))
        return None
    text = names[name] or ""
    bounds = _name_bounds(text)
    if bounds is None or (bounds[2] - bounds[0] + 1) * (bounds[3] - bounds[1] + 1) > MAX_NAME_CELLS:
        raw.issues.append(make_issue("broken-name", raw.file, sheet=CARD_SHEET, field=name, detail=text[:60]))
        return None
    spans[name] = bounds
    return _cells_of(bounds)


@lru_cache(maxsize=512)  # every card of a year has the same names at the same cells
def _cells_of(bounds: Bounds) -> list[list[Position]]:
    min_row, min_col, max_row, max_col = bounds
    return [[(r, c, f"{column_letter(c)}{r}") for c in range(min_col, max_col + 1)]
            for r in range(min_row, max_row + 1)]


# What Excel writes for a name on one area of one sheet: 'Sheet name'!$B$16:$D$30 (or Sheet!B3).
_SHEET_AREA = re.compile(r"(?:'(?P<quoted>(?:[^']|'')*)'|(?P<plain>[^'^ ^!]*))!"
                         r"\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>[0-9]{1,7})(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>[0-9]{1,7}))?")


def _name_bounds(text: str) -> Bounds | None:
    """The rectangle a defined name covers on the card sheet; None when it is broken or elsewhere.

    Broken: ``#REF!``, several areas, another sheet, whole rows or columns, a reversed range.
    Anything but the one-area form Excel writes is handed to openpyxl's formula tokenizer, so an
    unusual spelling is judged exactly as before.
    """
    area = _name_area(text)
    return area[1] if area is not None and area[0] == CARD_SHEET else None


def _name_area(text: str) -> tuple[str, Bounds] | None:
    """The sheet and rectangle a defined name covers; None when it is broken."""
    if "#REF!" in text:
        return None
    match = _SHEET_AREA.fullmatch(text)
    if match is None:
        return _unusual_name_area(text)
    sheet = match.group("quoted").replace("''", "'") if match.group("quoted") is not None else match.group("plain")
    min_row, min_col = int(match.group("r1")), column_index(match.group("c1"))
    max_row, max_col = ((int(match.group("r2")), column_index(match.group("c2"))) if match.group("c2")
                        else (min_row, min_col))
    if min(min_row, min_col) < 1 or min_row > max_row or min_col > max_col:
        return None
    return sheet, (min_row, min_col, max_row, max_col)


def _unusual_name_area(text: str) -> tuple[str, Bounds] | None:
    import_openpyxl()
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.workbook.defined_name import DefinedName

    try:
        destinations = list(DefinedName("name", attr_text=text).destinations)
    except Exception:
        destinations = []
    if len(destinations) != 1:
        return None
    try:
        min_col, min_row, max_col, max_row = range_boundaries(destinations[0][1].replace("$", ""))
    except ValueError:
        return None
    if None in (min_col, min_row, max_col, max_row) or min_row > max_row or min_col > max_col:
        return None  # whole rows or columns: far beyond any block
    return destinations[0][0], (min_row, min_col, max_row, max_col)


def _raw(sheet: Sheet, position: Position, raw: RawCard, name: str) -> RawValue:
    row, column, address = position
    value = sheet.cells.get((row, column))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not _usable_number(value):
        # 1e999, NaN or 10^300 stored in a numeric cell: no field can hold it; the cell reads as empty
        raw.issues.append(make_issue("unusable-number", raw.file, sheet=CARD_SHEET, cell=address, field=name,
                                     detail=_number_text(value)))
        return RawValue(None, address)
    if isinstance(value, str):
        value = _unescape_ooxml(value)
        if len(value) > MAX_CELL_CHARS:
            raw.issues.append(make_issue("text-too-long", raw.file, sheet=CARD_SHEET, cell=address, field=name,
                                         detail=f"{len(value):,}"))
            value = value[:MAX_CELL_CHARS]
        if has_illegal(value):
            raw.issues.append(make_issue("control-characters", raw.file, sheet=CARD_SHEET, cell=address, field=name))
            value = xml_safe(value)
        if value.lstrip()[:1] in ("=", "+", "@") and len(value.strip()) > 1 and name not in ("cost",):
            raw.issues.append(make_issue("formula-text", raw.file, sheet=CARD_SHEET, cell=address, field=name,
                                         detail=value.strip()[:30]))
    return RawValue(value, address)


def _usable_number(value: int | float) -> bool:
    return (isinstance(value, int) or math.isfinite(value)) and abs(value) < MAX_NUMBER


def _number_text(value: int | float) -> str:
    """An unusable number as a clerk may recognise it: ∞, NaN, or Excel's 1E+300."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN（数でない値）"
    if isinstance(value, float) and math.isinf(value):
        return "−∞（無限大）" if value < 0 else "∞（無限大）"
    return re.sub(r"\.?0+E", "E", f"{Decimal(value):.6G}")  # Decimal: an int past float's range too


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_ooxml(text: str) -> str:
    """Excel stores characters XML cannot hold as ``_xHHHH_`` (a typed ``_x`` as ``_x005F_x``); openpyxl keeps them."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip(" \u3000\t\r\n"))
    return True


def _report_formulas(raw: RawCard, formula_cells: list[str]) -> None:
    if not formula_cells:
        return
    owners = _owner_by_cell(raw)
    for address in formula_cells:
        raw.issues.append(make_issue("formula-without-value", raw.file, sheet=CARD_SHEET, cell=address,
                                     field=owners.get(address, "")))


def _owner_by_cell(raw: RawCard) -> dict[str, str]:
    owners = {v.cell: name for name, v in raw.values.items()}
    for name, values in raw.pairs.items():
        owners.update({v.cell: name for v in values})
    for name, rows in raw.blocks.items():
        for row in rows:
            owners.update({v.cell: name for v in row.cells})
    return owners


@lru_cache(maxsize=1)
def _labels() -> frozenset[str]:
    from .layout import label_texts

    return frozenset(text.strip() for text in label_texts())


def _report_unmapped(sheet: Sheet, spans: dict[str, Bounds], raw: RawCard) -> None:
    """Every non-empty cell outside the named fields is reported: nothing typed is dropped silently."""
    mapped: set[tuple[int, int]] = set()
    block_spans: list[tuple[str, int, int, int]] = []  # name, last row, min col, max col
    for spec_name in layout.all_names():
        if spec_name not in spans:
            continue
        min_row, min_col, max_row, max_col = spans[spec_name]
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                mapped.add((r, c))
        if max_row > min_row:
            block_spans.append((spec_name, max_row, min_col, max_col))
    for min_row, min_col, max_row, max_col in sheet.merged:
        if max_row == min_row:
            continue
        covered = sum(1 for r, c in mapped if min_row <= r <= max_row and min_col <= c <= max_col)
        if covered > 1:
            raw.issues.append(make_issue("merged-input", raw.file, sheet=CARD_SHEET,
                                         cell=f"{column_letter(min_col)}{min_row}"))
    labels = _labels()
    mapped_rows = sorted({r for r, _ in mapped})
    hidden_rows, hidden_columns = sheet.hidden_rows, sheet.hidden_columns
    unmapped = 0
    for (r, c), value in sorted(sheet.cells.items()):
        if not _present(value):
            continue
        if (r, c) in mapped:
            if r in hidden_rows or c in hidden_columns:
                raw.issues.append(make_issue("hidden-content", raw.file, sheet=CARD_SHEET,
                                             cell=f"{column_letter(c)}{r}", detail=_snippet(value)))
            continue
        if isinstance(value, str) and value.strip() in labels:
            continue
        address = f"{column_letter(c)}{r}"
        below = _block_above(r, c, block_spans, mapped_rows)
        if below:
            raw.issues.append(make_issue("row-below-table", raw.file, sheet=CARD_SHEET, cell=address, field=below,
                                         detail=_snippet(value)))
        else:
            unmapped += 1
            if unmapped <= MAX_UNMAPPED_ISSUES:
                raw.issues.append(make_issue("unmapped-content", raw.file, sheet=CARD_SHEET, cell=address,
                                             detail=_snippet(value)))
            elif unmapped == MAX_UNMAPPED_ISSUES + 1:
                first_unlisted = address
    if unmapped > MAX_UNMAPPED_ISSUES:  # e.g. thousands of pasted rows far below the card: one line, not thousands
        raw.issues.append(make_issue("unmapped-content-more", raw.file, sheet=CARD_SHEET, cell=first_unlisted,
                                     detail=f"{unmapped - MAX_UNMAPPED_ISSUES:,}"))


def _block_above(row: int, col: int, spans, mapped_rows: list[int]) -> str:
    """The block whose columns hold this cell and which ends just above it (no other field between)."""
    for name, last_row, min_col, max_col in spans:
        if min_col <= col <= max_col and row > last_row:
            between = [r for r in mapped_rows if last_row < r < row]
            if not between and row - last_row <= 3:
                return name
    return ""


def _snippet(value: object) -> str:
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text[:30] + ("…" if len(text) > 30 else "")
