"""validate_folder: which files of the cards folder are read, skipped or reported, and how they are named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builders import write_card, write_old_xls
from reportkit.cli import main as cli
from reportkit.checks.validate import card_files, validate_folder


@pytest.fixture
def cards(card_folder) -> Path:
    """The ``cards/`` subfolder of an input folder (as the secretariat keeps it)."""
    folder = card_folder / "cards"
    folder.mkdir()
    return folder


def _triples(folder: Path) -> set[tuple[str, str, str]]:
    return {(i.code, i.file, i.cell) for i in validate_folder(folder).issues}


def test_workbooks_in_division_subfolders_are_read_in_path_order(card_folder, cards, config):
    write_card(cards / "商工政策課" / "002.xlsx", config, project_id="RK-2", project_name="二つ目")
    write_card(cards / "商工政策課" / "001.xlsx", config, project_id="RK-1", project_name="一つ目")
    write_card(cards / "地域産業課" / "金融" / "003.xlsx", config, project_id="RK-3", project_name="三つ目",
               department="地域産業課")
    write_card(cards / "000.xlsx", config, project_id="RK-0", project_name="ゼロ")
    result = validate_folder(card_folder)
    assert result.issues == []
    assert result.file_names == ["cards/000.xlsx", "cards/商工政策課/001.xlsx", "cards/商工政策課/002.xlsx",
                                 "cards/地域産業課/金融/003.xlsx"]
    assert [s.card.project_id for s in result.cards] == ["RK-0", "RK-1", "RK-2", "RK-3"]


def test_issue_in_a_subfolder_names_the_path_relative_to_the_input_folder(card_folder, cards, config, capsys):
    write_card(cards / "商工政策課" / "001.xlsx", config, cost="190,000")
    assert cli.main(["validate", str(card_folder), "--format", "json"]) == 1
    records = json.loads(capsys.readouterr().out)
    assert {(r["code"], r["file"], r["cell"]) for r in records} == {
        ("cost-note-mismatch", "cards/商工政策課/001.xlsx", "B12")}


def test_same_file_name_in_two_subfolders_are_two_cards(card_folder, cards, config):
    write_card(cards / "商工政策課" / "001.xlsx", config, project_id="RK-A", project_name="甲")
    write_card(cards / "地域産業課" / "001.xlsx", config, project_id="RK-B", project_name="乙",
               department="地域産業課")
    result = validate_folder(card_folder)
    assert result.issues == [] and len(result.cards) == 2
    assert result.departments == {"cards/商工政策課/001.xlsx": "商工政策課", "cards/地域産業課/001.xlsx": "地域産業課"}


def test_duplicate_id_across_subfolders_names_the_other_file_by_its_path(card_folder, cards, config):
    write_card(cards / "商工政策課" / "001.xlsx", config, project_id="RK-A", project_name="甲")
    write_card(cards / "地域産業課" / "001.xlsx", config, project_id="RK-A", project_name="乙")
    issues = [i for i in validate_folder(card_folder).issues if i.code == "duplicate-project-id"]
    assert {(i.code, i.file, i.cell) for i in issues} == {
        ("duplicate-project-id", "cards/商工政策課/001.xlsx", "B4"),
        ("duplicate-project-id", "cards/地域産業課/001.xlsx", "B4")}
    first = next(i for i in issues if i.file == "cards/商工政策課/001.xlsx")
    assert "cards/地域産業課/001.xlsx" in first.message


def test_lock_hidden_and_temporary_files_are_skipped_at_any_depth(card_folder, cards, clean_card):
    (cards / "商工政策課").mkdir()
    shutil.copy(clean_card, cards / "商工政策課" / "001.xlsx")
    for name in ("~$001.xlsx", ".001.xlsx", "~WRL0001.tmp", "001.xlsx.tmp", "3A4F9B12", "Thumbs.db",
                 "desktop.ini", ".DS_Store"):
        (cards / "商工政策課" / name).write_bytes(b"junk")
    (cards / ".git").mkdir()
    (cards / ".git" / "old.xlsx").write_bytes(b"junk")
    assert [p.relative_to(cards).as_posix() for p in card_files(card_folder)] == ["商工政策課/001.xlsx"]
    assert validate_folder(card_folder).issues == []


def test_files_that_are_not_xlsx_are_each_reported(card_folder, cards, config, clean_card):
    shutil.copy(clean_card, cards / "ok.xlsx")
    sub = cards / "商工政策課"
    sub.mkdir()
    shutil.copy(clean_card, sub / "calc.ods")  # a zip like an .xlsx: refused by its format, not opened
    (sub / "list.csv").write_text("project_id,cost\nP1,100\n", encoding="utf-8")
    write_old_xls(sub / "old.xls")
    write_card(sub / "macro.xlsm", config, project_id="RK-M", project_name="マクロ")
    (sub / "memo.txt").write_text("メモ", encoding="utf-8")
    found = _triples(card_folder)
    assert found == {("ods-workbook", "cards/商工政策課/calc.ods", ""), ("not-xlsx", "cards/商工政策課/list.csv", ""),
                     ("old-xls", "cards/商工政策課/old.xls", ""), ("macro-workbook", "cards/商工政策課/macro.xlsm", ""),
                     ("not-a-card-file", "cards/商工政策課/memo.txt", "")}
    result = validate_folder(card_folder)
    assert {i.code: i.severity for i in result.issues}["not-a-card-file"] == "warning"
    assert {i.code: i.severity for i in result.issues}["ods-workbook"] == "error"
    assert len(result.cards) == 2  # ok.xlsx and macro.xlsm (read, macros never run)


def test_without_cards_subfolder_the_other_inputs_are_not_reported(card_folder, config):
    write_card(card_folder / "card.xlsx", config)
    (card_folder / "multi_year.csv").write_text("year,policy,count,amount\n", encoding="utf-8")
    (card_folder / "narratives").mkdir()
    (card_folder / "narratives" / "intro.md.j2").write_text("本文", encoding="utf-8")
    # the narratives are checked as narratives (the expected files are missing), never as stray cards
    assert [i for i in validate_folder(card_folder).issues if not i.code.startswith("narrative-")] == []


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("layout", ["empty cards folder", "only lock files in subfolders", "no cards folder"])
def test_folder_without_workbooks_is_exit_2_for_validate_and_build(card_folder, tmp_path, capsys, command, layout):
    if layout != "no cards folder":
        (card_folder / "cards").mkdir()
    if layout == "only lock files in subfolders":
        (card_folder / "cards" / "商工政策課").mkdir()
        (card_folder / "cards" / "商工政策課" / "~$001.xlsx").write_bytes(b"lock")
    out = tmp_path / "out"
    argv = [command, str(card_folder)] + (["-o", str(out), "--no-page-numbers"] if command == "build" else [])
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("エラー: ") and "カードのブック（.xlsx）が１つもありません" in err
    assert not (out / "report.docx").exists()
