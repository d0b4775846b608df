"""File patterns no shell expanded (files/patterns.py): ``reportkit accept 返信/*.xlsx`` as cmd.exe and
PowerShell pass it, i.e. literally. Each test runs ``python -m reportkit`` without a shell, as they do."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import write_card, write_not_zip
from command_helpers import run_reportkit


@pytest.fixture
def returns(tmp_path, config) -> Path:
    """返信/ as a division mails it back: two cards, a card whose name holds [ ], Excel's lock file, a memo."""
    folder = tmp_path / "返信"
    folder.mkdir()
    write_card(folder / "b_経営.xlsx", config, project_id="RK-B", project_name="二つ目の事業")
    write_card(folder / "a_資金.xlsx", config, project_id="RK-A")
    write_card(folder / "c_事業[1].xlsx", config, project_id="RK-C", project_name="三つ目の事業",
               department="地域産業課")
    (folder / "~$a_資金.xlsx").write_bytes(b"\x0bclerk".ljust(165, b"\x00"))  # a.xlsx open in Excel
    (folder / "メモ.txt").write_text("送付状", encoding="utf-8")
    return folder


def _filed(folder: Path) -> list[str]:
    cards = folder / "cards"
    return sorted(p.relative_to(cards).as_posix() for p in cards.rglob("*.xlsx")) if cards.is_dir() else []


def test_validate_expands_a_pattern_the_shell_left_as_typed(returns, tmp_path, config):
    write_card(returns / "d_誤り.xlsx", config, project_id="RK-D", project_name="四つ目の事業", cost=-1)
    done = run_reportkit("validate", "返信/*.xlsx", cwd=tmp_path)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said  # d's negative cost, found through the pattern
    assert "d_誤り.xlsx" in said and "4 ファイルを確認しました" in said  # a, b, c[1] and d: clean ones are not listed
    assert "~$" not in said and "メモ.txt" not in said  # Excel's lock file is no card


def test_a_pattern_that_matches_nothing_says_so_for_validate_and_accept(returns, tmp_path, card_folder):
    for command in (("validate", "返信/*.xls"), ("accept", "返信/*.xls", "--into", card_folder),
                    ("accept", "返送/*.xlsx", "--into", card_folder)):
        done = run_reportkit(*command, cwd=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"「{command[1]}」に当てはまるファイルがありません" in done.stderr
        assert "Traceback" not in done.stderr
    assert _filed(card_folder) == []


def test_accept_files_every_match_of_a_pattern_and_a_literal_name_with_brackets(returns, tmp_path, card_folder):
    done = run_reportkit("accept", "返信/*_*.xlsx", "--into", card_folder, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _filed(card_folder) == ["商工政策課/a_資金.xlsx", "商工政策課/b_経営.xlsx", "地域産業課/c_事業[1].xlsx"]
    assert done.stdout.count("受け付けました:") == 3 and "3 件を受け付けました" in done.stdout
    # a name with [ ] given as it is, which is also a pattern: the file itself, not what the pattern matches
    again = run_reportkit("accept", returns / "c_事業[1].xlsx", "--into", card_folder, cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "c_事業[1].xlsx" in again.stdout and "前の版を保管しました" in again.stdout


def test_accept_checks_every_match_before_filing_any(returns, tmp_path, card_folder):
    write_not_zip(returns / "z_壊れた.xlsx")  # matched last: every other file is checked and fine
    done = run_reportkit("accept", "返信/*.xlsx", "--into", card_folder, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "z_壊れた.xlsx" in done.stderr and "どのファイルも移動・コピーしていません" in done.stderr
    assert _filed(card_folder) == [] and "受け付けました" not in done.stdout


def test_accept_stopped_by_a_write_error_says_exactly_which_files_it_filed(returns, tmp_path, card_folder):
    (card_folder / "cards").mkdir()
    (card_folder / "cards" / "地域産業課").write_bytes(b"")  # a file where c's division folder must go
    done = run_reportkit("accept", "返信/*.xlsx", "--into", card_folder, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert _filed(card_folder) == []  # all or nothing: the renames made before the error are undone
    assert "受け付けました:" not in done.stdout and "どのファイルも受け付けていません" in done.stderr
    assert "地域産業課" in done.stderr and ".tmp" not in done.stderr and "Traceback" not in done.stderr

