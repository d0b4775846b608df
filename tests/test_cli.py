"""The command line, called in-process: exit codes, output formats, per-division files."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
import sys
from pathlib import Path

import pytest

from builders import DATA, write_card, write_not_zip
from command_helpers import run_reportkit
from reportkit.cli import main as cli
from reportkit.workbook.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def folder_with_problems(card_folder, config):
    write_card(card_folder / "01_ok.xlsx", config, project_id="RK-OK")
    write_card(card_folder / "02_bad.xlsx", config, project_id="RK-BAD", project_name="別の事業", cost="190,000",
               department="地域産業課")
    write_card(card_folder / "03_warn.xlsx", config, project_id="RK-WARN", project_name="三つ目の事業",
               department="地域産業課", history_rows=[("平成22年度", None, None, "理由")])
    write_not_zip(card_folder / "04_broken.xlsx")
    (card_folder / "~$01_ok.xlsx").write_bytes(b"lock")
    return card_folder


def test_validate_clean_folder_exits_0(card_folder, config, capsys):
    write_card(card_folder / "card.xlsx", config)
    assert cli.main(["validate", str(card_folder)]) == 0
    assert "問題はありません" in capsys.readouterr().out


def test_validate_with_only_warnings_exits_0(card_folder, config, capsys):
    write_card(card_folder / "card.xlsx", config, history_rows=[("平成22年度", None, None, "理由")])
    assert cli.main(["validate", str(card_folder)]) == 0
    assert "[警告]" in capsys.readouterr().out


def test_validate_with_errors_exits_1_and_groups_by_file(folder_with_problems, capsys):
    assert cli.main(["validate", str(folder_with_problems)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "02_bad.xlsx" in lines and "04_broken.xlsx" in lines and "01_ok.xlsx" not in lines
    assert "~$01_ok.xlsx" not in out
    bad = lines.index("02_bad.xlsx")
    assert lines[bad + 1].startswith("  [エラー] B12 ４ 事業費の内訳: ")
    assert lines[-1].startswith("4 ファイルを確認しました。エラー 2 件（2 ファイル）、警告 1 件")


def test_validate_json_has_exactly_the_issue_keys(folder_with_problems, capsys):
    assert cli.main(["validate", str(folder_with_problems), "--format", "json"]) == 1
    records = json.loads(capsys.readouterr().out)
    assert records and all(list(r) == ["severity", "code", "file", "sheet", "cell", "field", "message"] for r in records)
    assert {(r["file"], r["code"], r["cell"], r["field"]) for r in records} >= {
        ("02_bad.xlsx", "cost-note-mismatch", "B12", "cost_note"), ("04_broken.xlsx", "not-xlsx", "", "")}


def test_json_output_is_not_ascii_escaped(folder_with_problems, capsys):
    cli.main(["validate", str(folder_with_problems), "--format", "json"])
    out = capsys.readouterr().out
    assert "\\u" not in out and "事業費" in out


def test_by_division_writes_one_file_per_division(folder_with_problems, tmp_path, capsys):
    outdir = tmp_path / "by_division"
    assert cli.main(["validate", str(folder_with_problems), "--by-division", str(outdir)]) == 1
    files = sorted(p.name for p in outdir.iterdir())
    assert files == ["商工政策課.txt", "地域産業課.txt", "担当課不明.txt"]
    local = (outdir / "地域産業課.txt").read_text(encoding="utf-8")
    assert "02_bad.xlsx" in local and "03_warn.xlsx" in local and "01_ok.xlsx" not in local
    assert "04_broken.xlsx" in (outdir / "担当課不明.txt").read_text(encoding="utf-8")
    assert "問題はありません" in (outdir / "商工政策課.txt").read_text(encoding="utf-8")
    assert not [p for p in outdir.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_missing_folder_exits_2_with_japanese_message(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "入力フォルダが見つかりません" in err and "Traceback" not in err


def test_broken_config_exits_2(card_folder, capsys):
    (card_folder / "config.toml").write_text("fiscal_year = \n", encoding="utf-8")
    assert cli.main(["validate", str(card_folder)]) == 2
    assert "設定ファイル" in capsys.readouterr().err


def test_folder_without_workbooks_exits_2(card_folder, capsys):
    assert cli.main(["validate", str(card_folder)]) == 2
    assert "１つもありません" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["validate", "--format", "xml"], ["nosuchcommand"]])
def test_usage_errors_exit_2_in_japanese(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "使い方:" in err and "エラー:" in err


def test_reportkit_alone_prints_the_first_steps_in_japanese():
    """A double-clicked reportkit.exe has no arguments: a guide, not argparse's one-line error (issue 32)."""
    done = run_reportkit()
    assert done.returncode == 2 and done.stderr == ""
    assert done.stdout.startswith("reportkit: 事業カード（Excel）から中小企業振興施策の年次報告（Word）を作ります。")
    lines = done.stdout.splitlines()
    for command in cli.COMMANDS:
        assert any(line.split(None, 1) == [command.name, command.help] for line in lines), command.name
    assert "reportkit serve inputs --open" in done.stdout and "Enter" not in done.stdout  # waits on Windows only


def test_workbooks_that_do_not_exist_exit_2_naming_them(tmp_path, monkeypatch, capsys):
    """Several paths are workbooks to check (issue 19 item 5); missing ones are named, nothing checked."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate", "a.xlsx", "b.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "ファイルが見つかりません: a.xlsx、b.xlsx" in err and "Traceback" not in err


def test_help_exits_0(capsys):
    assert cli.main(["--help"]) == 0
    assert "validate" in capsys.readouterr().out


def test_template_writes_a_fresh_card_named_after_its_id(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["template", "--input", str(DATA), "--department", "商工政策課"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == Path(".") and printed.name.startswith("事業カード_RK-") and printed.suffix == ".xlsx"
    raw = read_workbook(tmp_path / printed)
    assert raw.issues == []
    assert printed.stem.removeprefix("事業カード_") == raw.values["project_id"].value
    assert raw.values["department"].value == "商工政策課"


def test_template_output_option(tmp_path, capsys):
    target = tmp_path / "sub" / "card.xlsx"
    assert cli.main(["template", "--input", str(DATA), "-o", str(target)]) == 0
    assert target.is_file() and capsys.readouterr().out.strip() == str(target)


def test_template_unknown_department_exits_2(tmp_path, capsys):
    assert cli.main(["template", "--input", str(DATA), "-o", str(tmp_path / "c.xlsx"), "--department", "総務課"]) == 2
    assert "総務課" in capsys.readouterr().err
    assert not (tmp_path / "c.xlsx").exists()


def test_python_dash_m_runs_the_cli_in_utf8(card_folder, config):
    write_card(card_folder / "card.xlsx", config, cost="190,000")
    env = dict(os.environ, PYTHONIOENCODING="cp932", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "reportkit", "validate", str(card_folder)], capture_output=True,
                          env=env, cwd=ROOT)
    assert done.returncode == 1
    assert "事業費" in done.stdout.decode("utf-8")


def test_the_command_leaves_without_teardown_yet_says_and_writes_everything(folder_with_problems, tmp_path):
    """console(): os._exit after main; every line printed (a long JSON into a pipe) and every file written."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "reportkit", "validate", str(folder_with_problems), "--format",
                           "json", "--by-division", str(tmp_path / "lists")], capture_output=True, env=env, cwd=ROOT)
    assert done.returncode == 1
    data = json.loads(done.stdout.decode("utf-8"))  # complete: it parses
    assert data and sorted(p.suffix for p in (tmp_path / "lists").iterdir())
    template = subprocess.run([sys.executable, "-m", "reportkit", "template", "-o", str(tmp_path / "t.xlsx")],
                              capture_output=True, env=env, cwd=ROOT)
    assert template.returncode == 0 and zipfile.is_zipfile(tmp_path / "t.xlsx")


def test_template_into_a_folder_path_exits_2_without_traceback(tmp_path, capsys):
    assert cli.main(["template", "--input", str(DATA), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "書き出せません" in err and "Traceback" not in err


def test_commands_are_registered_in_one_place():
    assert [c.name for c in cli.COMMANDS][:2] == ["template", "validate"]
    assert all(callable(c.run) and callable(c.add_arguments) for c in cli.COMMANDS)


# -- issue 10: folders, template overwrite, summaries ---------------------------------------------

def test_template_refuses_an_existing_file_unless_force(tmp_path, capsys):
    filled = tmp_path / "事業カード.xlsx"
    filled.write_bytes(b"filled in by a clerk")
    assert cli.main(["template", "--input", str(DATA), "-o", str(filled)]) == 2
    err = capsys.readouterr().err
    assert "すでにあります" in err and "--force" in err
    assert filled.read_bytes() == b"filled in by a clerk"
    assert cli.main(["template", "--input", str(DATA), "-o", str(filled), "--force"]) == 0
    assert read_workbook(filled).readable


def test_by_division_names_files_by_their_path_in_subfolders(card_folder, config):
    cards = card_folder / "cards"
    write_card(cards / "商工政策課" / "001.xlsx", config, project_id="RK-A", project_name="甲", cost="190,000")
    write_card(cards / "地域産業課" / "001.xlsx", config, project_id="RK-B", project_name="乙", department="地域産業課")
    outdir = card_folder.parent / "checks"
    assert cli.main(["validate", str(card_folder), "--by-division", str(outdir)]) == 1
    policy = (outdir / "商工政策課.txt").read_text(encoding="utf-8")
    local = (outdir / "地域産業課.txt").read_text(encoding="utf-8")
    assert "cards/商工政策課/001.xlsx" in policy and "cards/地域産業課/001.xlsx" not in policy
    assert "問題はありません" in local and "対象ファイル: 1 件" in local


def test_by_division_removes_its_stale_files_and_keeps_other_files(card_folder, config, tmp_path):
    write_card(card_folder / "a.xlsx", config, project_id="RK-A", project_name="甲")
    write_card(card_folder / "b.xlsx", config, project_id="RK-B", project_name="乙", department="地域産業課")
    outdir = tmp_path / "checks"
    assert cli.main(["validate", str(card_folder), "--by-division", str(outdir)]) == 0
    assert (outdir / "地域産業課.txt").exists()
    (outdir / "メモ.txt").write_text("事務局のメモ\n", encoding="utf-8")
    (outdir / "一覧.csv").write_text("担当課: x\n対象ファイル: 1\n", encoding="utf-8")
    (card_folder / "b.xlsx").unlink()
    assert cli.main(["validate", str(card_folder), "--by-division", str(outdir)]) == 0
    assert sorted(p.name for p in outdir.iterdir()) == ["メモ.txt", "一覧.csv", "商工政策課.txt"]


def test_refused_build_lists_the_errors_first_and_counts_the_warnings(folder_with_problems, tmp_path, capsys):
    assert cli.main(["build", str(folder_with_problems), "-o", str(tmp_path / "out"), "--no-page-numbers"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "エラー: 2 件（2 ファイル）"
    assert [line for line in lines if not line.startswith(" ")][1:3] == ["02_bad.xlsx", "04_broken.xlsx"]
    assert "03_warn.xlsx" not in captured.out and "このほか、警告が 1 件あります（警告があっても作成できます）。" in lines
    assert f"すべての問題は reportkit validate {folder_with_problems} で確認できます。" in lines
    assert "エラー 2 件（2 ファイル）があるため、報告書を作成しませんでした。" in captured.err

