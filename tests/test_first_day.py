"""The first day of a round: a folder whose cards/ holds no workbook yet (or has no cards/ at all).

``status``, ``accept`` and the web desk take it (nothing received yet is not an error); ``validate``
and ``build`` still refuse it. Real commands in subprocesses, a real server on 127.0.0.1.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from reportkit.serve.access import new_code

from collect_helpers import LABOUR, returned
from serve_helpers import http, multipart, running_server
from command_helpers import run_reportkit
from yoy_helpers import year_values



def empty_round(rolled: Path, target: Path, *, cards_folder: bool = True) -> Path:
    """The rolled folder as on a round's first day: the prefilled workbooks mailed out, none back yet."""
    shutil.copytree(rolled, target, ignore=shutil.ignore_patterns("*.xlsx"))
    if not cards_folder:
        shutil.rmtree(target / "cards")
    else:
        assert (target / "cards").is_dir() and not any((target / "cards").rglob("*.xlsx"))
    return target


@pytest.fixture(scope="module")
def first_return(rolled, sample, tmp_path_factory) -> Path:
    """A clean return of AOM-001 (the prefilled workbook filled in again), outside the folder."""
    return returned(rolled, tmp_path_factory.mktemp("returns"), "001", year_values(sample["AOM-001"]))


@pytest.mark.parametrize("cards_folder", [True, False], ids=["empty-cards", "no-cards-folder"])
def test_status_and_accept_on_the_first_day(rolled, first_return, tmp_path, cards_folder):
    folder = empty_round(rolled, tmp_path / "inputs2014", cards_folder=cards_folder)
    expected = len(json.loads((folder / "expected.json").read_text(encoding="utf-8"))["projects"])

    done = run_reportkit("status", folder)
    assert done.returncode == 1, done.stderr
    assert "１つもありません" not in done.stderr
    assert f"未提出 {expected} 件、要修正 0 件。" in done.stdout  # ended ones too: nothing was deleted
    assert f"  {LABOUR}: 予定 13、受付 0、正常 0、要修正 0、警告あり 0、未提出 13、新規 0、終了 0" in done.stdout
    data = json.loads(run_reportkit("status", folder, "--format", "json").stdout)
    assert {p["state"] for p in data["projects"]} == {"missing"} and len(data["projects"]) == expected

    done = run_reportkit("accept", first_return, "--into", folder)
    assert done.returncode == 0, done.stderr
    filed = folder / "cards" / LABOUR / first_return.name
    assert filed.read_bytes() == first_return.read_bytes()
    assert f"受け付けました: {first_return} → {filed}" in done.stdout

    data = json.loads(run_reportkit("status", folder, "--format", "json").stdout)
    states = {p["project_id"]: p["state"] for p in data["projects"]}
    assert states["AOM-001"] in ("ok", "warnings")
    assert next(d for d in data["divisions"] if d["division"] == LABOUR)["received"] == 1


def test_validate_and_build_still_refuse_an_empty_folder(rolled, tmp_path):
    folder = empty_round(rolled, tmp_path / "inputs2014")
    for command in (["validate", folder], ["build", folder, "--no-page-numbers"]):
        done = run_reportkit(*command)
        assert done.returncode == 2 and "カードのブック（.xlsx）が１つもありません" in done.stderr, command
    assert not (tmp_path / "outputs2014" / "report.docx").exists()


def test_the_desk_shows_and_takes_the_first_card(rolled, first_return, tmp_path):
    folder = empty_round(rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        status, body = http(f"{base}/api/status", code=secretariat)
        assert status == 200, body.decode("utf-8")
        assert {p["state"] for p in json.loads(body)["projects"]} == {"missing"}
        assert "未提出" in desk_page(base, secretariat)
        data, content_type = multipart(first_return, first_return.name)
        status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
        assert status == 200, body.decode("utf-8")
        assert json.loads(body)["project_id"] == "AOM-001"
        status, body = http(f"{base}/api/status", code=labour)
        project = next(p for p in json.loads(body)["projects"] if p["project_id"] == "AOM-001")
        assert project["state"] in ("ok", "warnings")
        assert re.search(r"AOM-001.*?受付済", desk_page(base, secretariat), re.S)
    assert len(list((folder / "cards" / LABOUR).glob("*.xlsx"))) == 1


def desk_page(base: str, code: str) -> str:
    """The secretariat's desk as a browser gets it: log in (a session cookie, the form's token), open /desk."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/login", timeout=30) as response:
        token = re.search(r'name="csrf" value="([^"]+)"', response.read().decode("utf-8")).group(1)
    form = urllib.parse.urlencode({"division": "事務局", "code": code, "csrf": token}).encode()
    with opener.open(f"{base}/login", data=form, timeout=30):
        pass
    with opener.open(f"{base}/desk", timeout=60) as response:
        assert response.status == 200 and response.url.endswith("/desk")
        return response.read().decode("utf-8")
