"""A card can be checked alone (issue 19, item 5): a clerk has a workbook, not the secretariat's folder.

Tested as it was found: the real ``reportkit`` command in a subprocess, run in a folder without
inputs/, on workbooks lying somewhere else. The card the template writes carries the year's settings
(hidden sheet 年度設定, defined name rk_config); an older card without them is still checked, and says
what was not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from builders import DATA, edit_workbook, write_card
from reportkit.inputs.config import load_config
from reportkit.workbook.layout import LISTS_SHEET, SETTINGS_NAME, SETTINGS_SHEET

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CARD = ROOT / "inputs" / "cards" / "001_訓練校事業費（指導員派遣研修費）.xlsx"  # made before rk_config


def reportkit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command, as a clerk runs it, in ``cwd``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "reportkit", *args], capture_output=True, env=env, cwd=cwd,
                          text=True, encoding="utf-8", timeout=120)


def codes(done: subprocess.CompletedProcess) -> list[tuple[str, str, str]]:
    return [(r["file"], r["code"], r["cell"]) for r in json.loads(done.stdout)]


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A folder away from any input folder, where the clerk saved the card."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def desk(tmp_path) -> Path:
    """The clerk's current folder: no inputs/, no config.toml."""
    folder = tmp_path / "desk"
    folder.mkdir()
    return folder


def without_settings(path: Path, lists: bool = True) -> Path:
    """The card as an earlier template wrote it: no rk_config (and, with ``lists=False``, no 選択肢 sheet)."""
    def edit(workbook):
        del workbook.defined_names[SETTINGS_NAME]
        del workbook[SETTINGS_SHEET]
        if not lists:
            for name in [n for n in workbook.defined_names if n.startswith("rk_list_")]:
                del workbook.defined_names[name]
            del workbook[LISTS_SHEET]
    return edit_workbook(path, edit)


# -- a card the template wrote: every check, alone ------------------------------------------------------

def test_a_card_is_checked_alone_from_anywhere_with_every_card_rule(config, elsewhere, desk):
    card = write_card(elsewhere / "カード.xlsx", config, fiscal_year="平成２４年度", department="総務課",
                      cost="１２，３４５", period_start="平成２６年度")
    done = reportkit("validate", str(card), cwd=desk)
    assert done.returncode == 1, done.stderr
    assert "入力フォルダが見つかりません" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.startswith("カード.xlsx\n")
    assert "1 ファイルを確認しました。" in done.stdout
    found = {code for _, code, _ in codes(reportkit("validate", str(card), "--format", "json", cwd=desk))}
    # the year, the divisions and the measures came with the card
    assert {"stale-fiscal-year", "unknown-division", "cost-note-mismatch"} <= found
    assert "no-year-settings" not in found


def test_a_clean_card_alone_exits_0_and_several_cards_anywhere_are_checked_together(config, clean_card, tmp_path, desk):
    first, second = tmp_path / "a" / "カード.xlsx", tmp_path / "b" / "カード.xlsx"
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(clean_card, path)
    done = reportkit("validate", str(first), cwd=desk)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "1 ファイルを確認しました。問題はありません。\n"
    # the same project twice: the folder-wide rules run over the workbooks given, named apart (the shared
    # 事業名 is the error of the copy made later only)
    both = reportkit("validate", str(first), str(second), "--format", "json", cwd=desk)
    assert both.returncode == 1
    assert {(f, c) for f, c, _ in codes(both)} == {("a/カード.xlsx", "duplicate-project-id"),
                                                   ("b/カード.xlsx", "duplicate-project-id"),
                                                   ("b/カード.xlsx", "duplicate-project-name")}


def test_a_folder_and_workbooks_together_or_a_missing_workbook_exit_2(clean_card, card_folder, desk):
    mixed = reportkit("validate", str(card_folder), str(clean_card), cwd=desk)
    assert mixed.returncode == 2 and "入力フォルダは１つだけ" in mixed.stderr
    missing = reportkit("validate", "カード.xlsx", cwd=desk)
    assert missing.returncode == 2 and "ファイルが見つかりません: カード.xlsx" in missing.stderr
    nothing = reportkit("validate", cwd=desk)
    assert nothing.returncode == 2 and "reportkit validate 事業カード.xlsx" in nothing.stderr


# -- older cards: checked as far as they can be, and told what was not ----------------------------------

def test_the_samples_older_card_alone_is_checked_and_told_what_was_not(elsewhere, desk):
    card = shutil.copy(SAMPLE_CARD, elsewhere / "001.xlsx")
    done = reportkit("validate", str(card), cwd=desk)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "エラー 0 件、警告 1 件" in done.stdout and "Traceback" not in done.stderr
    assert "事務局の年度設定が入っていません" in done.stdout
    assert "報告年度が今年度のものかは確認していません" in done.stdout
    assert "reportkit validate ブック.xlsx --input フォルダ" in done.stdout
    # with the secretariat's folder named, everything is checked and nothing is left to say
    full = reportkit("validate", str(card), "--input", str(ROOT / "inputs"), cwd=desk)
    assert full.returncode == 0 and full.stdout == "1 ファイルを確認しました。問題はありません。\n"


def test_an_older_card_still_gets_every_other_problem(config, elsewhere, desk):
    card = without_settings(write_card(elsewhere / "old.xlsx", config, fiscal_year="平成２４年度",
                                       department="総務課", cost="１２，３４５"))
    done = reportkit("validate", str(card), "--format", "json", cwd=desk)
    assert done.returncode == 1
    found = {code for _, code, _ in codes(done)}
    # its own lists still know the divisions; its own year cannot say it is the report year
    assert {"no-year-settings", "unknown-division", "cost-note-mismatch"} <= found and "stale-fiscal-year" not in found
    full = reportkit("validate", str(card), "--input", str(DATA), "--format", "json", cwd=desk)
    assert "stale-fiscal-year" in {code for _, code, _ in codes(full)}
    assert "no-year-settings" not in {code for _, code, _ in codes(full)}


def test_an_older_card_without_its_lists_leaves_out_only_what_needs_them(config, elsewhere, desk):
    card = without_settings(write_card(elsewhere / "old.xlsx", config, department="総務課", cost="１２，３４５",
                                       period_start="平成２６年度"), lists=False)
    done = reportkit("validate", str(card), "--format", "json", cwd=desk)
    assert done.returncode == 1, done.stderr
    records = json.loads(done.stdout)
    found = {r["code"] for r in records}
    assert {"cost-note-mismatch", "period-in-future", "no-year-settings"} <= found
    assert "unknown-division" not in found
    notice = next(r for r in records if r["code"] == "no-year-settings")
    assert notice["severity"] == "warning" and "基本方針・施策・担当課" in notice["message"]


def test_a_card_whose_settings_were_damaged_is_checked_as_an_older_card(config, elsewhere, desk):
    card = write_card(elsewhere / "カード.xlsx", config, cost="１２，３４５")

    def damage(workbook):
        workbook[SETTINGS_SHEET]["A2"].value = '{"fiscal_year": "x'
    edit_workbook(card, damage)
    done = reportkit("validate", str(card), "--format", "json", cwd=desk)
    found = {code for _, code, _ in codes(done)}
    assert done.returncode == 1 and {"broken-year-settings", "cost-note-mismatch"} <= found


def test_settings_over_the_limit_are_not_read_and_the_card_is_still_checked(config, elsewhere, desk):
    """A crafted rk_config over 10,000 cells: left unread (docs/limits.md), everything else checked."""
    card = write_card(elsewhere / "カード.xlsx", config, cost="１２，３４５")

    def widen(workbook):
        workbook.defined_names[SETTINGS_NAME].attr_text = f"'{SETTINGS_SHEET}'!$A$2:$J$1001"
    edit_workbook(card, widen)
    done = reportkit("validate", str(card), "--format", "json", cwd=desk)
    found = {code for _, code, _ in codes(done)}
    assert done.returncode == 1 and {"broken-year-settings", "cost-note-mismatch"} <= found


def test_a_card_in_an_input_folder_is_checked_with_that_folders_config(desk):
    done = reportkit("validate", str(SAMPLE_CARD), cwd=desk)
    assert done.returncode == 0 and done.stdout == "1 ファイルを確認しました。問題はありません。\n"


# -- the template away from the secretariat's folder ----------------------------------------------------

def test_the_template_carries_the_years_settings(config, tmp_path):
    card = write_card(tmp_path / "card.xlsx", config)
    workbook = load_workbook(card)
    sheet_name, ref = next(iter(workbook.defined_names[SETTINGS_NAME].destinations))
    sheet = workbook[sheet_name]
    assert sheet_name == SETTINGS_SHEET and sheet.sheet_state == "hidden" and sheet.protection.sheet
    cells = sheet[ref.replace("$", "")]
    text = "".join(row[0].value for row in (cells if isinstance(cells[0], tuple) else (cells,)))
    assert json.loads(text)["fiscal_year"] == 2013
    assert load_config(DATA).model_dump() == type(config).model_validate_json(text).model_dump()


def test_template_outside_the_secretariats_folder(config, desk, elsewhere):
    refused = reportkit("template", "-o", "カード.xlsx", cwd=desk)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--input" in refused.stderr and "事業カード（.xlsx）" in refused.stderr
    assert not (desk / "カード.xlsx").exists()
    # a card the secretariat handed out is enough to make another
    handed_out = write_card(elsewhere / "配布.xlsx", config)
    made = reportkit("template", "--input", str(handed_out), "--department", "地域産業課", "-o", "新.xlsx", cwd=desk)
    assert made.returncode == 0, made.stderr
    checked = reportkit("validate", "新.xlsx", "--format", "json", cwd=desk)
    assert ("新.xlsx", "missing-value", "B9") in codes(checked)  # blank, checked with the carried settings
    assert "no-year-settings" not in checked.stdout
    # a folder holding config.toml (a year's config at hand) is used as it is
    shutil.copy(DATA / "config.toml", desk / "config.toml")
    here = reportkit("template", "-o", "ここ.xlsx", cwd=desk)
    assert here.returncode == 0 and (desk / "ここ.xlsx").is_file()
    # an older card carries no settings: say what to pass instead
    old = reportkit("template", "--input", str(SAMPLE_CARD), "-o", "x.xlsx", cwd=desk)
    assert old.returncode == 2 and "年度設定が入っていません" in old.stderr


def test_a_card_in_a_rolled_folder_is_compared_with_last_years_cost(serve_rolled, tmp_path, desk):
    """A clerk's `reportkit validate` of the card in the round's folder: its expected.json gives last year's
    cost, as `validate` of the folder and the desk have (1237000 typed for AOM-001's 1,237 千円)."""
    from serve_helpers import returned, rolled_copy

    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    card = returned(serve_rolled, folder / "cards" / "001.xlsx", "001", cost=1237000)
    found = codes(reportkit("validate", str(card), "--format", "json", cwd=desk))
    assert ("001.xlsx", "cost-far-from-last-year", "B11") in found
    fine = returned(serve_rolled, folder / "cards" / "001.xlsx", "001")
    assert "cost-far-from-last-year" not in {c for _, c, _ in codes(reportkit("validate", str(fine), "--format", "json",
                                                                              cwd=desk))}
