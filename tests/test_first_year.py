"""A first year with reportkit: no expected.json, no report.json of last year.

``status`` and the desk show what arrived, per division, and say where the list of expected
projects comes from; the secretariat's simple list ``expected.csv`` (管理番号,事業名,担当課), as
Excel saves it (cp932, or UTF-8 with a BOM), is then the list. Real commands in subprocesses on a
copy of the sample year (whose folder has no expected.json), a real server on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reportkit.collect.status import FIRST_YEAR_NOTE
from reportkit.serve.access import new_code

from command_helpers import run_reportkit
from serve_helpers import http, running_server
from test_first_day import desk_page
from yoy_helpers import INPUTS

LABOUR = "労政・能力開発課"
LIST = ("管理番号,事業名,担当課\r\n"
        "AOM-001,訓練校事業費（指導員派遣研修費）,労政・能力開発課\r\n"
        "AOM-900,若年者デジタル人材育成事業,労政・能力開発課\r\n")


@pytest.fixture
def first_year(tmp_path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)
    assert not (folder / "expected.json").exists()
    return folder


def test_status_of_a_first_year_shows_what_arrived_per_division(first_year):
    done = run_reportkit("status", first_year)
    assert done.returncode == 0, done.stdout + done.stderr  # every card in is clean: nothing to chase
    assert "（提出予定: なし）" in done.stdout and FIRST_YEAR_NOTE in done.stdout
    assert f"  {LABOUR}: 予定 0、受付 13、正常 13、要修正 0、警告あり 0、未提出 0、新規 0、終了 0" in done.stdout
    assert "受付 119 件、要修正 0 件" in done.stdout and "予定の事業はすべて提出され" not in done.stdout
    data = json.loads(run_reportkit("status", first_year, "--format", "json").stdout)
    assert data["note"] == FIRST_YEAR_NOTE and data["expected_from"] == ""
    assert len(data["projects"]) == 119 and {p["state"] for p in data["projects"]} == {"ok", "warnings"}


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_the_secretariats_list_as_excel_saves_it(first_year, encoding):
    (first_year / "expected.csv").write_bytes(LIST.encode(encoding))
    done = run_reportkit("status", first_year, "--format", "json")
    assert done.returncode == 1, done.stderr  # AOM-900 is not in
    data = json.loads(done.stdout)
    assert data["expected_from"] == "expected.csv" and data["note"] == ""
    states = {p["project_id"]: p["state"] for p in data["projects"]}
    assert states["AOM-900"] == "missing" and states["AOM-001"] == "ok" and states["AOM-002"] == "new"
    labour = next(d for d in data["divisions"] if d["division"] == LABOUR)
    assert (labour["expected"], labour["missing"], labour["received"]) == (2, 1, 13)
    text = run_reportkit("status", first_year).stdout
    assert "（提出予定: expected.csv）" in text and f"  {LABOUR}　AOM-900　若年者デジタル人材育成事業" in text


def test_a_list_without_its_headings_is_named_with_the_way_out(first_year):
    (first_year / "expected.csv").write_bytes("管理番号,事業名\r\nAOM-001,訓練校事業費\r\n".encode("cp932"))
    done = run_reportkit("status", first_year)
    assert done.returncode == 2
    assert "expected.csv の 1 行目（見出し）に 担当課 の列がありません。見出しは 管理番号,事業名,担当課 です。" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_list_does_not_change_the_reports_order(first_year, tmp_path):
    """The secretariat's list says which projects, not in which order: the build keeps 管理番号 order."""
    (first_year / "expected.csv").write_bytes(("管理番号,事業名,担当課\r\n"
                                               "AOM-002,訓練校事業費（訓練事業費）,労政・能力開発課\r\n"
                                               "AOM-001,訓練校事業費（指導員派遣研修費）,労政・能力開発課\r\n").encode("cp932"))
    done = run_reportkit("build", first_year, "-o", tmp_path / "out", "--no-page-numbers")
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [p["project_id"] for p in json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["projects"]]
    assert ids.index("AOM-001") < ids.index("AOM-002")


def test_the_desk_of_a_first_year(first_year):
    secretariat = new_code(first_year, secretariat=True)
    with running_server(first_year) as base:
        status, body = http(f"{base}/api/status", code=secretariat)
        assert status == 200, body.decode("utf-8")
        data = json.loads(body)
        assert data["note"] == FIRST_YEAR_NOTE and len(data["projects"]) == 119
        page = desk_page(base, secretariat)
        assert "提出予定: なし" in page and "expected.csv（1 行目が 管理番号,事業名,担当課 の見出し" in page
