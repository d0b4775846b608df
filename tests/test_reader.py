"""The reader's promise: every non-empty cell of 事業カード is read into a field or reported with its address."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from builders import address, edit_workbook, put_formula, type_into, write_card
from reportkit.checks.validate import card_files, validate_card_file
from reportkit.workbook.layout import CARD_SHEET
from reportkit.workbook.reader import read_workbook
from reportkit.workbook.layout import label_texts

STRAY = {"J5": "メモ：確認中", "I20": "要確認", "A120": "欄外の注記", "H12": None}


def _named_cells(workbook) -> set[str]:
    from openpyxl.utils import get_column_letter

    cells = set()
    for name, defined in workbook.defined_names.items():
        for sheet_name, ref in defined.destinations:
            if sheet_name != CARD_SHEET:
                continue
            min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
            cells |= {f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1)
                      for c in range(min_col, max_col + 1)}
    return cells


def test_every_non_empty_cell_is_read_or_reported(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config)
    for cell, text in STRAY.items():
        if text:
            type_into(path, cell, text)
    raw = read_workbook(path)
    workbook = load_workbook(path)
    named = _named_cells(workbook)
    labels = {text.strip() for text in label_texts(config)}
    reported = {i.cell for i in raw.issues}
    for row in workbook[CARD_SHEET].iter_rows():
        for cell in row:
            if cell.value in (None, "") or (isinstance(cell.value, str) and cell.value.strip() in labels):
                continue
            assert cell.coordinate in named or cell.coordinate in reported, cell.coordinate
    assert {"J5", "I20", "A120"} <= reported
    assert {(i.code, i.cell) for i in raw.issues} >= {("unmapped-content", "J5"), ("unmapped-content", "A120")}


def test_every_filled_field_is_read_with_its_cell(clean_card):
    raw = read_workbook(clean_card)
    assert raw.issues == []
    assert raw.values["cost"].cell == address("cost") and raw.values["cost"].value == "１９０，８２４"
    assert raw.blocks["progress_rows"][5].cells[1].cell == address("progress_rows", 5, 1)
    assert len(raw.blocks["history_rows"]) == 3


def test_formula_is_read_by_its_cached_value(tmp_path, config):
    path = put_formula(write_card(tmp_path / "card.xlsx", config, cost_note=None), address("cost"),
                       "SUM(1000,237)", cached="1237")
    sourced, issues = validate_card_file(path, config)
    assert issues == [] and sourced.card.cost == 1237


def test_hidden_row_with_content_is_reported(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config)

    def hide(workbook):
        workbook[CARD_SHEET].row_dimensions[int(address("group")[1:])].hidden = True
    edit_workbook(path, hide)
    assert ("hidden-content", address("group")) in {(i.code, i.cell) for i in read_workbook(path).issues}


def test_macro_workbook_is_read_with_a_warning(tmp_path, clean_card, config):
    path = tmp_path / "card.xlsm"
    shutil.copy(clean_card, path)
    sourced, issues = validate_card_file(path, config)
    assert sourced is not None
    assert [(i.code, i.severity) for i in issues] == [("macro-workbook", "warning")]


def test_lock_files_and_hidden_files_are_skipped_other_files_listed(card_folder, clean_card):
    shutil.copy(clean_card, card_folder / "card.xlsx")
    (card_folder / "~$card.xlsx").write_bytes(b"lock")
    (card_folder / ".card.xlsx").write_bytes(b"hidden")
    (card_folder / "memo.txt").write_text("memo", encoding="utf-8")  # listed, so validation names it
    assert [p.name for p in card_files(card_folder)] == ["card.xlsx", "memo.txt"]


def test_unreadable_file_stops_reading_with_one_issue(tmp_path):
    path = tmp_path / "card.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    raw = read_workbook(path)
    assert not raw.readable and [i.code for i in raw.issues] == ["corrupt-file"]
