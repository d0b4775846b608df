"""A refused build leads with what refuses it: real ``reportkit build`` processes and a real desk on rolled folders.

Before: a draft refused for one misspelt narrative placeholder printed every card error of the
round (hundreds of lines, the one that mattered near the end), and a final build refused for a
card not returned listed the emptied cells of its workbook without ever saying 未提出.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from reportkit.collect.expected import load_expected
from reportkit.inputs.config import load_config
from reportkit.serve.access import new_code
from reportkit.checks.validate import validate_folder

from collect_helpers import LABOUR
from command_helpers import run_reportkit
from serve_helpers import browser_login, csrf_of, exchange, http, server_process
from yoy_helpers import edit, make_input_folder, markdown_narratives, year_values

TOURISM = "まるごとあおもり情報発信チーム"  # the division of the sample's 005


def _misspelt(folder: Path) -> Path:
    """``folder`` with Markdown narratives, one placeholder misspelt (``yaer``) on line 9 of the introduction."""
    markdown_narratives(folder)
    intro = folder / "narratives" / "introduction.md.j2"
    text = intro.read_text(encoding="utf-8")
    assert text.splitlines()[8].count("{{ year | nendo }}") == 1
    intro.write_text(text.replace("{{ year | nendo }}", "{{ yaer | nendo }}", 1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_round(tmp_path_factory):
    """Six sample cards rolled to 平成26年度; all returned but 001 (労政) and 005 (まるごと), 035 with a bad cost."""
    from reportkit.yoy.rollover import rollover

    base = tmp_path_factory.mktemp("refusal")
    year1 = make_input_folder(base / "h25")
    old = {s.card.project_id: s for s in validate_folder(year1).cards}
    folder = rollover(year1, 2014, base / "h26").out_dir
    for project_id, sourced in old.items():
        if project_id in ("AOM-001", "AOM-005"):
            continue
        values = year_values(sourced.card)
        if project_id == "AOM-035":
            values["cost"] = "未定"
        edit(folder / sourced.source.file, values)
    return folder


def test_a_final_build_names_each_card_not_returned_by_division_before_the_errors(small_round, tmp_path):
    run = run_reportkit("build", small_round, "-o", tmp_path / "out", "--no-page-numbers")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    record = {p.project_id: p for p in load_expected(small_round).projects}
    first, fifth = record["AOM-001"], record["AOM-005"]
    assert lines[:5] == [
        "未提出のカード（rollover で作ったままのブック）: 2 件",
        f"  {LABOUR}（1 件）",
        f"    AOM-001　{first.name}　{first.file}",
        f"  {TOURISM}（1 件）",
        f"    AOM-005　{fifth.name}　{fifth.file}",
    ]
    broken = record["AOM-035"].file
    errors = lines.index("エラー: 1 件（1 ファイル）")
    assert lines[errors + 1] == broken and lines[errors + 2].startswith("  [エラー] B11 ")
    assert not any(line.startswith("  [警告]") for line in lines)  # warnings are counted, never listed
    assert any(line.startswith("このほか、警告が ") for line in lines)
    assert f"すべての問題は reportkit validate {small_round} で確認できます。" in lines
    assert first.file not in run.stdout.replace(lines[2], "")  # its emptied cells are not listed as errors
    assert "未提出のカード 2 件とエラー 1 件（1 ファイル）があるため、報告書を作成しませんでした。" in run.stderr
    assert not (tmp_path / "out" / "report.docx").exists()


def test_a_draft_refused_for_a_misspelt_placeholder_says_that_first_and_counts_the_rest(rolled, tmp_path):
    """The whole sample rolled: 119 cards waiting, one placeholder misspelt. The error that refuses leads."""
    folder = _misspelt(Path(shutil.copytree(rolled, tmp_path / "r14")))
    card_errors = sum(1 for i in validate_folder(folder).issues
                      if i.severity == "error" and i.file.startswith("cards/"))
    assert card_errors > 300  # the rolled cards' emptied cells: what used to bury the one that matters
    run = run_reportkit("build", folder, "--draft", "-o", tmp_path / "out", "--no-page-numbers")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "素案を作成できないエラー（カード以外の入力）: 1 件（1 ファイル）"
    assert lines[1] == "narratives/introduction.md.j2"
    assert lines[2].startswith("  [エラー] 説明文: 9 行目の差し込み項目「yaer」はありません。")
    assert f"このほか、カードのエラー {card_errors} 件（119 ファイル）は、素案ではそのカードを仮のページ（未提出・要修正）にして作成できます。" in lines
    assert f"すべての問題は reportkit validate {folder} で確認できます。" in lines
    assert len(lines) < 10 and not any(line.startswith("cards/") for line in lines)
    assert "narratives/introduction.md.j2" in run.stderr and "素案を作成しませんでした" in run.stderr


def _wait_for_build(base: str, code: str) -> dict:
    """The desk's build state once it is no longer running (the build runs in the server's background)."""
    deadline = time.monotonic() + 600
    while True:
        status, body = http(f"{base}/api/build", code=code)
        state = json.loads(body)
        if state["state"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def _press(base: str, cookie: str, kind: str) -> None:
    _, _, page = exchange(base, "/desk", headers={"Cookie": cookie})
    form = urlencode({"csrf": csrf_of(page), "kind": kind}).encode()
    status, _, _ = exchange(base, "/desk/build", method="POST", body=form,
                            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302


def test_the_desk_shows_what_refuses_a_build_first(rolled, tmp_path):
    """A real server: the refused draft shows the narrative's error with its file and line, the rest counted;
    the refused final build names every card not returned, by division."""
    folder = _misspelt(Path(shutil.copytree(rolled, tmp_path / "r14")))
    code = new_code(folder, secretariat=True)
    record = load_expected(folder)
    with server_process(folder) as (base, _):
        status, cookie = browser_login(base, "事務局", code)
        assert status == 302
        _press(base, cookie, "draft")
        state = _wait_for_build(base, code)
        assert state["state"] == "failed" and state["draft"]
        refusal = state["refusal"]
        assert [f["file"] for f in refusal["blocking"]] == ["narratives/introduction.md.j2"]
        (line,) = refusal["blocking"][0]["errors"]
        assert "9 行目の差し込み項目「yaer」" in line
        assert refusal["tolerated_files"] == 119 and refusal["tolerated_errors"] > 300 and not refusal["missing"]
        _, _, page = exchange(base, "/desk", headers={"Cookie": cookie})
        html = page.decode("utf-8")
        shown = html[html.index('id="build-refusal"'):]
        assert shown.index("narratives/introduction.md.j2") < shown.index("「yaer」") < shown.index('id="refusal-counts"')
        assert f"カードのエラー {refusal['tolerated_errors']} 件（119 ファイル）" in shown

        _press(base, cookie, "final")
        state = _wait_for_build(base, code)
        assert state["state"] == "failed" and not state["draft"]
        missing = state["refusal"]["missing"]
        divisions = load_config(folder).divisions
        assert [group["division"] for group in missing] == [
            d for d in divisions if any(p.division == d for p in record.projects)]  # in config order
        assert {(group["division"], p["project_id"], p["name"]) for group in missing for p in group["projects"]} == {
            (p.division, p.project_id, p.name) for p in record.projects}
        _, _, page = exchange(base, "/desk", headers={"Cookie": cookie})
        html = page.decode("utf-8")
        assert "未提出のカード（rollover で作ったままのブック）: 119 件" in html
        assert html.count('<tr data-project="AOM-') >= 2 * 119  # the refusal's table, and the project states
