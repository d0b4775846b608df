"""Build card workbooks for tests from a dict, through the real template, and break them on purpose.

``write_card(path, config, **changes)`` fills the template by defined names with CLERK_CARD
(a card filled the way a department clerk fills it) updated by ``changes``; a value of None
clears a field. The ``break_*`` helpers damage a written workbook the way real files get damaged.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook

from reportkit.inputs.config import ReportConfig
from reportkit.workbook.layout import CARD_SHEET
from reportkit.workbook.template import write_workbook

DATA = Path(__file__).parent / "data"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# As a clerk fills it: full-width digits, 平成 years, a two-line name, multi-line values,
# うち rows and a 計 row that adds up, a cost breakdown that adds up, history with a rename.
CLERK_CARD: dict[str, object] = {
    "fiscal_year": "平成２５年度",
    "policy": "③効果的な融資制度の充実等により中小企業に対する資金の供給の円滑化を図ること",
    "measure": "中小企業の資金ニーズを的確に捉えた弾力的な運用、新たな資金の創設等の制度資金の充実",
    "project_name": "中小企業経営安定化資金\n（県特別保証融資制度）",
    "description": "中小企業の資金繰りを支援するため、県特別保証融資制度により融資を行った。\n"
                   "あわせて、保証料の補助と利子補給を行った。",
    "cost": "１９０，８２４",
    "cost_note": "保証料補助８６，５２４、利子補給１０４，３００",
    "progress_rows": [
        ("未来への挑戦資金", "161件\n3,772,450千円", None),
        ("うち、雇用創出特別支援枠", "8件\n287,000千円", "内訳"),
        ("経営安定化サポート資金", "１４６件\n２，９３６，５００千円", None),
        ("うち、震災経営安定枠", "50件\n1,245,000千円", "内訳"),
        ("事業活動応援資金", "686件\n6,156,430千円", None),
        ("計", "993件\n12,865,380千円", "計"),
    ],
    "outcome_rows": [
        ("金属粉末関連", None, "見出し"),
        ("研究会等参加者数", "延べ１１７名", None),
    ],
    "results_free": [
        ("見出し", "○経営指導員等設置状況　(26.3.31現在)"),
        ("表頭", "区分", "団体数", "経営指導員"),
        ("表", "商工会議所", "7", "42人"),
        ("表", "商工会", "42", "73"),
        ("文", "各商工会の業務適正化に向けた指導を行った。"),
    ],
    "history_rows": [
        ("昭和４４年度", "制度創設", "中小企業振興資金", "中小企業の資金繰りを支援するため。"),
        ("平成２２年度（平成２３年３月１５日）", "事業名変更", None, "制度を再編したため。"),
        ("平成２４年度以降", "制度拡充", None, "震災経営安定枠を設けた。"),
    ],
    "reprint_rows": [("②中小企業の経営基盤の強化を図ること", "経営支援の強化")],
    "department": "商工政策課",
    "group": "金融グループ",
    "priority": "○",
    "key_result": None,
    "period_start": "S44",
    "period_end": None,
    "foundation": "△",
    "emergency": None,
    "new_listing": "・",
    "new_summary": None,
}


def card_values(**changes: object) -> dict[str, object]:
    values = dict(CLERK_CARD)
    values.update(changes)
    return values


def write_card(path: Path, config: ReportConfig, **changes: object) -> Path:
    """A clerk's workbook at ``path`` with ``changes`` applied (field name → value, None clears)."""
    return write_workbook(config, Path(path), card_values(**changes))


# -- damage ------------------------------------------------------------------------------------

def edit_workbook(path: Path, edit) -> Path:
    """Open with openpyxl, apply ``edit(workbook)``, save in place."""
    workbook = load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def delete_defined_name(path: Path, name: str) -> Path:
    def edit(workbook):
        del workbook.defined_names[name]
    return edit_workbook(path, edit)


def rename_card_sheet(path: Path, new_name: str = "Sheet1") -> Path:
    def edit(workbook):
        workbook[CARD_SHEET].title = new_name
    return edit_workbook(path, edit)


def type_into(path: Path, address: str, value: object) -> Path:
    """Type ``value`` into any cell of the card sheet (e.g. below a full table, or in the margin)."""
    def edit(workbook):
        workbook[CARD_SHEET][address].value = value
    return edit_workbook(path, edit)


def _card_sheet_member(archive: zipfile.ZipFile) -> str:
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    ns = {"m": MAIN_NS, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    sheet = workbook.find(f"m:sheets/m:sheet[@name='{CARD_SHEET}']", ns)
    rid = sheet.get(f"{{{ns['r']}}}id")
    for rel in rels:
        if rel.get("Id") == rid:
            return "xl/" + rel.get("Target").lstrip("/").removeprefix("xl/")
    raise KeyError(rid)


def put_formula_without_value(path: Path, address: str, formula: str = "SUM(1,2)") -> Path:
    """Rewrite one cell of the card sheet as ``<c><f>formula</f></c>`` with no cached ``<v>``.

    This is what a workbook saved by a tool that does not calculate looks like.
    """
    return put_formula(path, address, formula, cached=None)


def put_formula(path: Path, address: str, formula: str, cached: str | None) -> Path:
    """Rewrite one cell of the card sheet as a formula, with ``cached`` as its saved result (None: none)."""
    return _rewrite_cell(path, address, formula, cached)


def put_stored_number(path: Path, address: str, stored: str) -> Path:
    """Rewrite one cell of the card sheet as a numeric cell whose ``<v>`` is ``stored`` as written.

    openpyxl refuses to write ``inf``; a file from elsewhere can hold ``<v>1e999</v>``, ``NaN`` or 10^300.
    """
    return _rewrite_cell(path, address, None, stored)


def _rewrite_cell(path: Path, address: str, formula: str | None, stored: str | None) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        part = _card_sheet_member(archive)
    root = etree.fromstring(members[part])
    cell = root.find(f".//{{{MAIN_NS}}}c[@r='{address}']")
    if cell is None:
        raise KeyError(f"{address} is not written in {part}; pick an input cell of the template")
    for child in list(cell):
        cell.remove(child)
    cell.attrib.pop("t", None)  # a number (the default type), whatever the cell held
    if formula is not None:
        etree.SubElement(cell, f"{{{MAIN_NS}}}f").text = formula
    if stored is not None:
        etree.SubElement(cell, f"{{{MAIN_NS}}}v").text = stored
    members[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    Path(path).write_bytes(buffer.getvalue())
    return path


def write_old_xls(path: Path) -> Path:
    """A file with the OLE compound-document signature of Excel 97–2003."""
    Path(path).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return path


def write_not_zip(path: Path) -> Path:
    """Text saved under an .xlsx name (e.g. a CSV renamed)."""
    Path(path).write_text("事業名,事業費\nテスト,100\n", encoding="utf-8")
    return path


def address(name: str, row: int = 0, column: int = 0) -> str:
    """The template's cell of a field: a single cell, or row ``row``/column ``column`` of a block (from 0)."""
    from reportkit.workbook.layout import BLOCKS, CELLS, INPUT_COLUMNS, PAIRS

    for cell in CELLS:
        if cell.name == name:
            return f"B{cell.row}"
    for pair in PAIRS:
        if pair.name == name:
            return f"{INPUT_COLUMNS[column]}{pair.row}"
    for block in BLOCKS:
        if block.name == name:
            return f"{INPUT_COLUMNS[column]}{block.first_row + row}"
    raise KeyError(name)


# -- fixtures (imported by conftest.py) ----------------------------------------------------------

import shutil as _shutil

import pytest as _pytest

from reportkit.inputs.config import load_config as _load_config


@_pytest.fixture(scope="session")
def config():
    """The small test configuration of tests/data/config.toml (policies ①–③ of the 平成25年度 edition)."""
    return _load_config(DATA)


@_pytest.fixture(scope="session")
def clean_card(tmp_path_factory, config) -> Path:
    """A clerk's workbook that passes every rule (written once a session; do not modify)."""
    return write_card(tmp_path_factory.mktemp("clean") / "clean.xlsx", config)


@_pytest.fixture
def card_folder(tmp_path) -> Path:
    """An empty input folder with the test config.toml."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    _shutil.copy(DATA / "config.toml", folder / "config.toml")
    return folder
