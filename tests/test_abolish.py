"""A project abolished before its 事業期間 ends (事業廃止): recorded by the secretariat, left out without a gap.

``reportkit abolish`` (and ``--undo``) and the desk (the division page's form, ``/api/abolish`` with the
secretariat's code) write ``abolished.json`` with every earlier version kept; status shows 廃止, the
final build goes through without the project, a draft has no page for it, rollover does not carry
it, and diff names it 廃止 with its reason. Real workbooks, commands in subprocesses, a real server.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from reportkit.report.build import build_report
from reportkit.serve.access import new_code

from command_helpers import run_reportkit
from serve_helpers import http, running_server
from yoy_helpers import INPUTS, edit, sample_card

WORLD = "国際経済課"
REASON = "国の補助制度の終了により年度途中で廃止"


def status_of(folder: Path) -> dict:
    done = run_reportkit("status", folder, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def versions(folder: Path) -> list[Path]:
    return sorted((folder / "archive" / "abolished").glob("*.json")) if (folder / "archive").exists() else []


@pytest.fixture
def round_folder(rolled, tmp_path) -> Path:
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    return folder


def test_abolish_and_undo_on_the_command_line(round_folder):
    done = run_reportkit("abolish", "AOM-115", "--input", round_folder, "--reason", REASON)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"廃止として記録しました: AOM-115 在住外国人活用拡大化推進事業（{WORLD}）　理由: {REASON}" in done.stdout
    record = json.loads((round_folder / "abolished.json").read_text(encoding="utf-8"))
    assert [(p["project_id"], p["reason"], p["division"]) for p in record["projects"]] == [("AOM-115", REASON, WORLD)]
    assert versions(round_folder) == []  # nothing replaced yet

    data = status_of(round_folder)
    project = next(p for p in data["projects"] if p["project_id"] == "AOM-115")
    assert (project["state"], project["reason"], project["expected"]) == ("abolished", REASON, False)
    world = next(d for d in data["divisions"] if d["division"] == WORLD)
    assert (world["expected"], world["missing"], world["abolished"]) == (5, 5, 1)
    text = run_reportkit("status", round_folder).stdout
    assert f"廃止（1 件）\n  {WORLD}　AOM-115　在住外国人活用拡大化推進事業　{REASON}" in text

    for args, message in ((["--reason", REASON], "すでに廃止として記録されています"),
                          (["--reason", "  "], "廃止の理由を入力してください")):
        done = run_reportkit("abolish", "AOM-115", "--input", round_folder, *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    done = run_reportkit("abolish", "AOM-999", "--input", round_folder, "--reason", REASON)
    assert done.returncode == 2 and "管理番号 AOM-999 の事業が見つかりません" in done.stderr

    returned = round_folder.parent / "返信" / sample_card("115").name
    returned.parent.mkdir()
    shutil.copy(round_folder / "cards" / returned.name, returned)
    edit(returned, {"cost": 4760})
    done = run_reportkit("accept", returned, "--into", round_folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (f"飛ばしました: {returned}: AOM-115 在住外国人活用拡大化推進事業 は廃止として記録されている事業です。"
            "受け付けずに飛ばしました（続ける事業なら、先に reportkit abolish AOM-115 --undo") in done.stdout
    assert not (round_folder / "cards" / WORLD).exists()

    done = run_reportkit("abolish", "AOM-115", "--input", round_folder, "--undo")
    assert done.returncode == 0 and "廃止の記録を取り消しました: AOM-115" in done.stdout
    assert json.loads((round_folder / "abolished.json").read_text(encoding="utf-8"))["projects"] == []
    kept = versions(round_folder)
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8")) == record  # the version replaced
    state = {p["project_id"]: p["state"] for p in status_of(round_folder)["projects"]}
    assert state["AOM-115"] == "missing"
    run_reportkit("abolish", "AOM-115", "--input", round_folder, "--reason", REASON)
    assert len(versions(round_folder)) == 2  # every earlier version kept, none overwritten


def test_the_final_build_goes_through_without_the_abolished_project_and_diff_names_it(rolled, tmp_path):
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)
    card = sample_card("115").name
    shutil.copy(rolled / "cards" / card, folder / "cards" / card)  # as mailed out: no cost, never returned
    done = run_reportkit("build", folder, "-o", tmp_path / "refused", "--no-page-numbers")
    assert done.returncode == 1, done.stdout + done.stderr

    assert run_reportkit("abolish", "AOM-115", "--input", folder, "--reason", REASON).returncode == 0
    assert run_reportkit("validate", folder).returncode == 0
    done = run_reportkit("build", folder, "-o", tmp_path / "out", "--no-page-numbers")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert "AOM-115" not in {p["project_id"] for p in report["projects"]} and len(report["projects"]) == 118
    assert report["abolished"] == [{"project_id": "AOM-115", "name": "在住外国人活用拡大化推進事業",
                                    "department": WORLD, "reason": REASON}]

    for new in (tmp_path / "out" / "report.json", folder):
        done = run_reportkit("diff", INPUTS, new)
        assert done.returncode in (0, 1), done.stderr
        assert re.search(rf"在住外国人活用拡大化推進事業（AOM-115、{WORLD}）　.*　廃止（{REASON}）", done.stdout), done.stdout


def test_a_draft_has_no_page_for_it_and_rollover_does_not_carry_it(round_folder, rolled, tmp_path):
    assert run_reportkit("abolish", "AOM-115", "--input", round_folder, "--reason", REASON).returncode == 0
    result = build_report(round_folder, tmp_path / "out", draft=True, page_numbers=False)
    assert "AOM-115" not in result.placeholders and "AOM-114" in result.placeholders

    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)
    assert run_reportkit("abolish", "AOM-115", "--input", folder, "--reason", REASON).returncode == 0
    done = run_reportkit("rollover", folder, "--to-year", "2014", "-o", tmp_path / "next")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "next" / "cards" / sample_card("115").name).exists()
    assert "廃止として記録された事業 1 件（AOM-115）は引き継ぎませんでした。" in done.stdout
    assert not (tmp_path / "next" / "abolished.json").exists()
    expected = json.loads((tmp_path / "next" / "expected.json").read_text(encoding="utf-8"))
    assert "AOM-115" not in {p["project_id"] for p in expected["projects"]} and len(expected["projects"]) == 118


def test_the_desk_records_and_takes_back_an_abolition(round_folder):
    secretariat = new_code(round_folder, secretariat=True)
    world = new_code(round_folder, division=WORLD)
    with running_server(round_folder) as base:
        body = json.dumps({"project_id": "AOM-115", "reason": REASON}).encode()
        status, answer = http(f"{base}/api/abolish", code=world, data=body, content_type="application/json")
        assert status == 403
        status, answer = http(f"{base}/api/abolish", code=secretariat, data=body, content_type="application/json")
        assert status == 200, answer.decode("utf-8")
        assert json.loads(answer)["state"] == "abolished"
        status, answer = http(f"{base}/api/status", code=world)
        project = next(p for p in json.loads(answer)["projects"] if p["project_id"] == "AOM-115")
        assert (project["state"], project["reason"]) == ("abolished", REASON)
        status, answer = http(f"{base}/api/abolish", code=secretariat, data=body, content_type="application/json")
        assert status == 422 and "すでに廃止として記録されています" in json.loads(answer)["error"]

        # the division page of the desk: the secretariat takes it back, then records it again, by its forms
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(f"{base}/login", timeout=30) as response:
            token = re.search(r'name="csrf" value="([^"]+)"', response.read().decode("utf-8")).group(1)
        opener.open(f"{base}/login", data=urllib.parse.urlencode(
            {"division": "事務局", "code": secretariat, "csrf": token}).encode(), timeout=30).close()
        page_url = f"{base}/clerk?division={urllib.parse.quote(WORLD)}"
        with opener.open(page_url, timeout=60) as response:
            page = response.read().decode("utf-8")
        assert "廃止を取り消す" in page and REASON in page
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"csrf": token, "project_id": "AOM-115", "undo": "1"}
        with opener.open(f"{base}/desk/abolish", data=urllib.parse.urlencode(form).encode(), timeout=60) as response:
            page = response.read().decode("utf-8")
        assert re.search(r'data-project="AOM-115">.*?未提出', page, re.S)
        form = {"csrf": token, "project_id": "AOM-115", "reason": "事業統合により廃止"}
        with opener.open(f"{base}/desk/abolish", data=urllib.parse.urlencode(form).encode(), timeout=60) as response:
            page = response.read().decode("utf-8")
        assert re.search(r'data-project="AOM-115">.*?廃止.*?事業統合により廃止', page, re.S)
    record = json.loads((round_folder / "abolished.json").read_text(encoding="utf-8"))
    assert [(p["reason"], p["by"]) for p in record["projects"]] == [("事業統合により廃止", "事務局")]
    assert len(versions(round_folder)) == 2


def test_a_final_build_refused_for_cards_not_returned_names_the_way_out_for_an_abolished_one(round_folder, tmp_path):
    done = run_reportkit("build", round_folder, "-o", tmp_path / "out", "--no-page-numbers")
    assert done.returncode == 1
    assert (f"事業期間の途中で廃止した事業なら、reportkit abolish 管理番号 --input {round_folder} --reason 理由 で"
            "記録すると、報告書から外れます。") in done.stdout + done.stderr
