"""A card's identity against last year's record, on the real sample rolled to 平成26年度 (issue 27, items 1, 2, 4).

1. Last year's workbook of AOM-115 (在住外国人活用拡大化推進事業) saved as a new project ("Save As": new 事業名
   and 事業内容, no 事業名変更 in ６ 事業の経緯) is an error wherever the card is checked, and accept refuses it:
   the real AOM-115 card is never replaced.
2. A cost typed in 円 is compared with last year's by accept and by ``validate FILE --input DIR`` too; the
   desk's card page shows last year's cost beside this year's.
4. A new project named like another division's 033 is the new card's error only, whatever the order.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from reportkit.cli import main as cli
from reportkit.collect.status import collection_status
from reportkit.inputs.config import load_config
from reportkit.serve.access import new_code
from reportkit.serve.app import create_app
from reportkit.workbook.template import write_workbook

from builders import address
from collect_helpers import LABOUR, digest, returned
from yoy_helpers import edit, sample_card, year_values

INTERNATIONAL = "国際経済課"  # the division of AOM-115
LAST_NAME = "在住外国人活用拡大化推進事業"  # AOM-115's 事業名 in 平成25年度
NEW_NAME = "外国人観光客受入環境整備事業"
CODE = "name-differs-from-last-year"


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _folder(rolled: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    return folder


def _save_as(rolled: Path, sample, target: Path, **changes) -> Path:
    """AOM-115's prefilled workbook saved as a new project: its figures typed, a new name and description."""
    return returned(rolled, target.parent, "115", {
        **year_values(sample["AOM-115"]), "project_name": NEW_NAME,
        "description": "外国人観光客の受入環境を整備するため、多言語の案内板を設置した。", **changes}, name=target.name)


def _issues(capsys, *argv) -> list[dict]:
    _, out, _ = _run(capsys, "validate", *argv, "--format", "json")
    return json.loads(out)


# -- 1. Save As -------------------------------------------------------------------------------------

def test_a_saved_as_card_is_an_error_in_every_check(rolled, sample, tmp_path, capsys):
    """validate of a file outside (--input) and inside the folder, of the folder, status and build all name
    both 事業名 and the two ways out, at the 事業名 cell."""
    folder = _folder(rolled, tmp_path)
    card = _save_as(rolled, sample, tmp_path / "returns" / "新規事業.xlsx")
    found = [i for i in _issues(capsys, card, "--input", folder) if i["code"] == CODE]
    assert [(i["severity"], i["cell"], i["field"]) for i in found] == [("error", address("project_name"), "project_name")]
    message = found[0]["message"]
    assert LAST_NAME in message and NEW_NAME in message and "AOM-115" in message
    assert "事業名変更" in message and "reportkit template" in message

    # the card put in the folder in place of the prefilled one (what accept did before)
    prefilled = folder / "cards" / sample_card("115").name
    prefilled.unlink()
    inside = folder / "cards" / INTERNATIONAL / "新規事業.xlsx"
    inside.parent.mkdir()
    shutil.copy2(card, inside)
    assert CODE in {i["code"] for i in _issues(capsys, inside)}  # named alone, inside the folder
    assert [i["file"] for i in _issues(capsys, folder) if i["code"] == CODE] == [f"cards/{INTERNATIONAL}/新規事業.xlsx"]
    (project,) = [p for p in collection_status(folder).projects if p.project_id == "AOM-115"]
    assert project.state == "errors" and project.errors >= 1
    code, out, err = _run(capsys, "build", folder, "-o", tmp_path / "out", "--no-page-numbers")
    assert code == 1 and LAST_NAME in out and NEW_NAME in out and "事業名変更" in out


def test_accept_refuses_a_saved_as_card_and_moves_nothing(rolled, sample, tmp_path, capsys):
    folder = _folder(rolled, tmp_path)
    clean = returned(rolled, tmp_path / "returns", "001", year_values(sample["AOM-001"]))
    card = _save_as(rolled, sample, tmp_path / "returns" / "新規事業.xlsx")
    before = digest(folder)
    code, out, err = _run(capsys, "accept", clean, card, "--into", folder)
    assert code == 2 and digest(folder) == before  # all or nothing: the clean 001 is not filed either
    assert "どのファイルも移動・コピーしていません" in err and str(card) in err
    assert LAST_NAME in err and NEW_NAME in err and "reportkit template" in err
    assert (folder / "cards" / sample_card("115").name).is_file()


def test_a_rename_recorded_in_the_history_is_accepted(rolled, sample, tmp_path, capsys):
    """The way out: a 事業名変更 entry whose 旧事業名 is last year's name. An old rename of the card
    (AOM-115's own 制度拡充（事業名変更）) is not one."""
    folder = _folder(rolled, tmp_path)
    history = [(e.year, e.event, e.former_name, e.reason) for e in sample["AOM-115"].history]
    renamed = _save_as(rolled, sample, tmp_path / "returns" / "115.xlsx", history_rows=history + [
        ("平成２６年度", "事業名変更", LAST_NAME, "観光客の受入れに事業を広げたため")])
    assert CODE not in {i["code"] for i in _issues(capsys, renamed, "--input", folder)}
    code, out, err = _run(capsys, "accept", renamed, "--into", folder)
    assert code == 0, out + err
    assert not (folder / "cards" / sample_card("115").name).exists()  # the earlier version archived
    (project,) = [p for p in collection_status(folder).projects if p.project_id == "AOM-115"]
    assert project.state in ("ok", "warnings") and project.name == NEW_NAME


# -- 2. a cost in 円 --------------------------------------------------------------------------------

def test_accept_and_validate_file_with_input_compare_the_cost_with_last_year(rolled, sample, tmp_path, capsys):
    """AOM-001's 1,237 千円 typed as 1237000 (円): a warning at B11 from accept (named, not only counted) and
    from `validate FILE --input DIR` of a file lying outside the folder."""
    folder = _folder(rolled, tmp_path)
    yen = returned(rolled, tmp_path / "returns", "001", {**year_values(sample["AOM-001"]), "cost": 1237000})
    far = [i for i in _issues(capsys, yen, "--input", folder) if i["code"] == "cost-far-from-last-year"]
    assert [(i["severity"], i["cell"]) for i in far] == [("warning", address("cost"))]
    assert "1,000倍" in far[0]["message"] and "1,237千円" in far[0]["message"]
    code, out, err = _run(capsys, "accept", yen, "--into", folder)
    assert code == 0, err
    assert re.search(r"警告: B11　事業費（1,237,000千円）が前年度の事業費（平成２５年度 1,237千円）の1,000倍です", out)


# -- the desk --------------------------------------------------------------------------------------

@pytest.fixture()
def desk(serve_rolled, tmp_path):
    folder = tmp_path / "desk" / "inputs2014"
    shutil.copytree(serve_rolled, folder)
    codes = {INTERNATIONAL: new_code(folder, division=INTERNATIONAL), LABOUR: new_code(folder, division=LABOUR)}
    app = create_app(folder)
    app.config["TESTING"] = True
    return folder, app, codes


def _upload(path: Path) -> dict:
    return {"file": (io.BytesIO(path.read_bytes()), path.name)}


def _bearer(code: str) -> dict:
    return {"Authorization": f"Bearer {code}"}


def test_the_desk_checks_and_refuses_a_saved_as_card(desk, serve_rolled, sample, tmp_path):
    folder, app, codes = desk
    client = app.test_client()
    card = _save_as(serve_rolled, sample, tmp_path / "returns" / "新規事業.xlsx")
    issues = client.post("/api/check", headers=_bearer(codes[INTERNATIONAL]), data=_upload(card)).get_json()
    (found,) = [i for i in issues if i["code"] == CODE]
    assert found["severity"] == "error" and LAST_NAME in found["message"] and NEW_NAME in found["message"]
    before = digest(folder)
    refused = client.post("/api/submit", headers=_bearer(codes[INTERNATIONAL]), data=_upload(card))
    assert refused.status_code == 422 and LAST_NAME in refused.get_json()["error"]
    assert {k: v for k, v in digest(folder).items() if not k.startswith(".reportkit")} == \
        {k: v for k, v in before.items() if not k.startswith(".reportkit")}
    # the clerk's page: the submit refused with the reason, the error at part ２
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post("/login", data={"division": INTERNATIONAL, "code": codes[INTERNATIONAL], "csrf": token})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/clerk").get_data(as_text=True)).group(1)
    page = client.post("/upload", data={**_upload(card), "action": "submit", "csrf": token}).get_data(as_text=True)
    assert "受け付けられませんでした" in page and re.search(r'class="part part-2 part-error"', page)
    assert (folder / "cards" / sample_card("115").name).is_file()


def test_the_desks_card_page_shows_last_years_cost_beside_this_years(desk, serve_rolled, sample, tmp_path):
    folder, app, codes = desk
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post("/login", data={"division": LABOUR, "code": codes[LABOUR], "csrf": token})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/clerk").get_data(as_text=True)).group(1)
    yen = returned(serve_rolled, tmp_path / "returns", "001", {**year_values(sample["AOM-001"]), "cost": 1237000})
    page = client.post("/upload", data={**_upload(yen), "action": "check", "csrf": token}).get_data(as_text=True)
    part = re.search(r'<tr class="part part-4[^"]*" id="part-4">.*?</tr>', page, re.S).group(0)
    assert "1,237,000" in part and re.search(r'id="last-year-cost">前年度: 平成２５年度 1,237千円<', part)
    assert "1,000倍" in part


# -- 4. a 事業名 two divisions use ------------------------------------------------------------------

def _named_like_033(folder: Path, sample, path: Path) -> Path:
    """A new project of 労政・能力開発課 on a blank card, named as 商工政策課's 033 (last year's project)."""
    config = load_config(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(config, path, {
        "project_id": "NEW-950", "policy": 1, "measure": config.policy(1).measures[0],
        "project_name": sample["AOM-033"].project_name, "description": "中小企業の連携組織を支援した。",
        "cost": 1000, "department": LABOUR, "period_start": "平成26年度", "new_listing": "・"})
    return path


@pytest.mark.parametrize("first", ["new", "033"])
def test_a_new_project_named_like_another_divisions_is_the_new_cards_error_only(rolled, sample, tmp_path, capsys,
                                                                                 first):
    """労政・能力開発課 files a new project named like 商工政策課's 033, before or after 033 comes back: the
    new card carries the duplicate, naming 033's file; 033, last year's project of that name, stays clean."""
    folder = _folder(rolled, tmp_path)
    new = _named_like_033(folder, sample, tmp_path / "returns" / "新規_中央会.xlsx")
    back = returned(rolled, tmp_path / "returns", "033", year_values(sample["AOM-033"]))
    order = [new, back] if first == "new" else [back, new]
    for when, path in enumerate(order):  # the second one saved (and so filed) later
        os.utime(path, (1_800_000_000 + when * 60, 1_800_000_000 + when * 60))
        assert _run(capsys, "accept", path, "--into", folder)[0] in (0, 1)
    status = {p.project_id: p for p in collection_status(folder).projects}
    assert status["AOM-033"].errors == 0 and status["AOM-033"].state in ("ok", "warnings")
    assert status["NEW-950"].errors >= 1
    found = [i for i in _issues(capsys, folder) if i["code"] == "duplicate-project-name"]
    assert [i["file"] for i in found] == [f"cards/{LABOUR}/{new.name}"]
    assert sample_card("033").name in found[0]["message"] and "前年度から同じ事業名で続く" in found[0]["message"]


def test_accept_and_validate_of_one_file_tell_the_later_filer_of_a_shared_name(rolled, sample, tmp_path, capsys):
    """The filer hears of the shared 事業名 when it files (accept) and when it checks its card alone (validate
    FILE, inside the folder or with --input), not only at the secretariat's next folder-wide check."""
    folder = _folder(rolled, tmp_path)
    back = returned(rolled, tmp_path / "returns", "033", year_values(sample["AOM-033"]))
    assert _run(capsys, "accept", back, "--into", folder)[0] in (0, 1)
    new = _named_like_033(folder, sample, tmp_path / "returns" / "新規_中央会.xlsx")
    # checked alone before it is sent: the return beside the folder it is for
    found = [i for i in _issues(capsys, new, "--input", folder) if i["code"] == "duplicate-project-name"]
    assert len(found) == 1 and sample_card("033").name in found[0]["message"]
    code, out, _ = _run(capsys, "accept", new, "--into", folder)
    assert code == 1 and "事業名" in out and sample_card("033").name in out  # told at filing, not only counted
    filed = folder / "cards" / LABOUR / new.name
    found = [i for i in _issues(capsys, filed) if i["code"] == "duplicate-project-name"]  # alone, inside the folder
    assert [i["file"] for i in found] == [new.name]
    # 033 alone keeps its name: last year's project of that name
    ours = next((folder / "cards").rglob(back.name))
    assert [i for i in _issues(capsys, ours) if i["code"] == "duplicate-project-name"] == []


def test_two_new_projects_of_one_name_the_later_filed_carries_it(rolled, tmp_path, capsys):
    """Neither in last year's record: the card filed later carries the error, whatever the file names say."""
    folder = _folder(rolled, tmp_path)
    config = load_config(folder)
    paths = []
    for project_id, division, name in (("NEW-902", "商工政策課", "z_先.xlsx"), ("NEW-901", LABOUR, "a_後.xlsx")):
        path = tmp_path / "returns" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(config, path, {
            "project_id": project_id, "policy": 1, "measure": config.policy(1).measures[0],
            "project_name": "地域商社育成事業", "description": "地域商社の立上げを支援した。", "cost": 1000,
            "department": division, "period_start": "平成26年度", "new_listing": "・"})
        os.utime(path, (1_800_000_000 + len(paths) * 60,) * 2)
        paths.append(path)
    _run(capsys, "accept", *paths, "--into", folder)
    found = [i for i in _issues(capsys, folder) if i["code"] == "duplicate-project-name"]
    assert [i["file"] for i in found] == [f"cards/{LABOUR}/a_後.xlsx"] and "z_先.xlsx" in found[0]["message"]


def test_the_desk_shows_a_shared_name_to_the_later_filer_only(desk, serve_rolled, sample, tmp_path):
    """On the desk, 労政・能力開発課's new card named like 商工政策課's 033 is told of the duplicate when
    checked and when filed; 033's own return, checked after, is not."""
    folder, app, codes = desk
    codes["商工政策課"] = new_code(folder, division="商工政策課")
    app = create_app(folder)
    client = app.test_client()
    new = _named_like_033(folder, sample, tmp_path / "returns" / "新規_中央会.xlsx")
    for route in ("/api/check", "/api/submit"):
        response = client.post(route, headers=_bearer(codes[LABOUR]), data=_upload(new))
        body = response.get_json()
        issues = body if route == "/api/check" else body["issues"]
        (found,) = [i for i in issues if i["code"] == "duplicate-project-name"]
        assert found["file"] == new.name and sample_card("033").name in found["message"]
    back = returned(serve_rolled, tmp_path / "back", "033", year_values(sample["AOM-033"]))
    issues = client.post("/api/check", headers=_bearer(codes["商工政策課"]), data=_upload(back)).get_json()
    assert not [i for i in issues if i["severity"] == "error"]
