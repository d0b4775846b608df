"""reportkit serve: access codes, the JSON API, the pages, the upload guards and concurrency (in process).

The app runs on a copy of the sample rolled to 平成26年度 (every card still as rollover wrote it,
i.e. missing). Returns are the prefilled workbooks filled in again through their defined names.
"""

from __future__ import annotations

import io
import json
import re
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportkit.cli import main as cli
from reportkit.issues import Issue
from reportkit.serve.access import AccessCodes, AccessError, new_code
from reportkit.serve.app import create_app
from reportkit.workbook.reader import MAX_FILE_BYTES

from hostile import corpus
from serve_helpers import LABOUR, OTHER, digest, returned, rolled_copy

ISSUE_KEYS = {name for name, info in Issue.model_fields.items() if not info.exclude}  # the promised JSON keys


@pytest.fixture()
def site(serve_rolled, tmp_path):
    """(folder, app, codes): a fresh copy of the rolled sample with a secretariat code and two division codes."""
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    codes = {"secretariat": new_code(folder, secretariat=True), LABOUR: new_code(folder, division=LABOUR),
             OTHER: new_code(folder, division=OTHER)}
    app = create_app(folder)
    app.config["TESTING"] = True
    return folder, app, codes


def bearer(code: str) -> dict:
    return {"Authorization": f"Bearer {code}"}


def upload(path: Path, name: str | None = None) -> dict:
    return {"file": (io.BytesIO(path.read_bytes()), name or path.name)}


def login(client, division: str, code: str):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"division": division, "code": code, "csrf": token})
    if response.status_code == 302:  # a login starts a new session with a new token
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return response, token


def token_of(client, path="/clerk") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


# -- access codes ----------------------------------------------------------------------------------

def test_access_code_is_stored_only_as_a_hash(serve_rolled, tmp_path, capsys):
    folder = rolled_copy(serve_rolled, tmp_path / "f")
    assert cli.main(["access", str(folder), "--division", LABOUR]) == 0
    code = re.search(r"アクセスコード: (\S+)", capsys.readouterr().out).group(1)
    stored = (folder / ".reportkit" / "access.json").read_text(encoding="utf-8")
    assert code not in stored and code.split("-")[1] not in stored
    codes = AccessCodes(folder)
    assert codes.check(code).division == LABOUR
    assert codes.check(code, LABOUR) is not None and codes.check(code, OTHER) is None
    assert codes.check(code[:-1] + ("a" if code[-1] != "a" else "b")) is None
    again = new_code(folder, division=LABOUR)  # a new code replaces the old one
    assert codes.check(code) is None and codes.check(again).division == LABOUR
    with pytest.raises(AccessError):
        new_code(folder, division="存在しない課")
    assert cli.main(["access", str(folder), "--division", "存在しない課"]) == 2


# -- the JSON API ----------------------------------------------------------------------------------

def test_api_needs_a_valid_code(site, serve_rolled):
    folder, app, codes = site
    client = app.test_client()
    card = next((folder / "cards").glob("001_*.xlsx"))
    for headers in ({}, bearer("nope"), bearer(codes[LABOUR] + "x"), {"Authorization": "Basic abc"}):
        assert client.get("/api/status", headers=headers).status_code == 401
        assert client.post("/api/check", headers=headers, data=upload(card)).status_code == 401
        assert client.post("/api/submit", headers=headers, data=upload(card)).status_code == 401


def test_api_status_of_119_and_of_one_division(site):
    folder, app, codes = site
    client = app.test_client()
    response = client.get("/api/status", headers=bearer(codes["secretariat"]))
    data = response.get_json()
    assert response.status_code == 200 and data["fiscal_year"] == 2014
    assert len(data["projects"]) == 119 and {p["state"] for p in data["projects"]} == {"missing"}
    mine = client.get("/api/status", headers=bearer(codes[LABOUR])).get_json()
    assert [d["division"] for d in mine["divisions"]] == [LABOUR]
    assert mine["projects"] and {p["division"] for p in mine["projects"]} == {LABOUR}
    assert set(mine) == set(data)


def test_api_check_gives_the_issues_and_saves_nothing(site, serve_rolled, tmp_path):
    folder, app, codes = site
    client = app.test_client()
    broken = returned(serve_rolled, tmp_path / "ret" / "../x/001.xlsx", "001", cost="未定")
    before = digest(folder)
    response = client.post("/api/check", headers=bearer(codes[LABOUR]), data=upload(broken, "..\\..\\evil.xlsx"))
    assert response.status_code == 200
    issues = response.get_json()
    assert issues and all(set(i) == ISSUE_KEYS for i in issues)
    assert ("B11", "cost") in {(i["cell"], i["field"]) for i in issues if i["severity"] == "error"}
    assert {i["file"] for i in issues} == {"evil.xlsx"}  # the browser's name, only as a label
    assert digest(folder) == before
    assert not list(app.extensions["reportkit"].uploads.iterdir())  # temp copies removed


def test_api_submit_files_the_workbook_and_keeps_every_version(site, serve_rolled, tmp_path):
    folder, app, codes = site
    client = app.test_client()
    broken = returned(serve_rolled, tmp_path / "a" / "001.xlsx", "001", cost="未定")
    fixed = returned(serve_rolled, tmp_path / "b" / "001.xlsx", "001")
    first = client.post("/api/submit", headers=bearer(codes[LABOUR]), data=upload(broken)).get_json()
    assert (first["project_id"], first["state"]) == ("AOM-001", "errors")
    second = client.post("/api/submit", headers=bearer(codes[LABOUR]), data=upload(fixed))
    assert second.status_code == 200
    assert set(second.get_json()) == {"project_id", "state", "issues"}
    assert second.get_json()["state"] in ("ok", "warnings")
    current = list((folder / "cards" / LABOUR).glob("*.xlsx"))
    assert len(current) == 1 and current[0].read_bytes() == fixed.read_bytes()
    archived = list((folder / "archive" / "AOM-001").glob("*.xlsx"))
    assert len(archived) == 2  # the prefilled one and the broken return
    status = client.get("/api/status", headers=bearer(codes[LABOUR])).get_json()
    assert next(p for p in status["projects"] if p["project_id"] == "AOM-001")["state"] in ("ok", "warnings")


def test_another_divisions_project_is_forbidden(site, serve_rolled, tmp_path):
    folder, app, codes = site
    client = app.test_client()
    card = returned(serve_rolled, tmp_path / "001.xlsx", "001")
    before = digest(folder)
    for route in ("/api/check", "/api/submit"):
        response = client.post(route, headers=bearer(codes[OTHER]), data=upload(card))
        assert response.status_code == 403 and "労政・能力開発課" in response.get_json()["error"]
    # the card claims the other division, but the project is the labour division's: still refused
    claimed = returned(serve_rolled, tmp_path / "c" / "001.xlsx", "001", department=OTHER)
    assert client.post("/api/submit", headers=bearer(codes[OTHER]), data=upload(claimed)).status_code == 403
    assert digest(folder) == before
    assert client.post("/api/check", headers=bearer(codes["secretariat"]), data=upload(card)).status_code == 200


def test_an_upload_over_the_limit_is_413(site):
    folder, app, codes = site
    client = app.test_client()
    big = io.BytesIO(b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES + 200 * 1024))
    response = client.post("/api/check", headers=bearer(codes[LABOUR]), data={"file": (big, "big.xlsx")})
    assert response.status_code == 413 and "大きすぎます" in response.get_json()["error"]
    assert client.get("/api/status", headers=bearer(codes[LABOUR])).status_code == 200


def test_an_upload_whose_check_fails_leaves_nothing_in_the_upload_area(site, serve_rolled, tmp_path, monkeypatch):
    folder, app, codes = site
    client = app.test_client()
    card = returned(serve_rolled, tmp_path / "r" / "001.xlsx", "001")

    def broken_check(*args, **kwargs):
        raise RuntimeError("a check that fails in a way nobody foresaw")

    monkeypatch.setattr("reportkit.serve.app.validate_card_file", broken_check)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered as the server would: a 500 page
    response = client.post("/api/check", headers=bearer(codes[LABOUR]), data=upload(card))
    assert response.status_code == 500
    assert list(app.extensions["reportkit"].uploads.iterdir()) == []


@pytest.mark.parametrize("name", ["zip_bomb_200mb_of_spaces", "zip_bomb_declared_4gb", "xxe_in_shared_strings",
                                  "xxe_in_sheet", "not_a_zip"])
def test_a_hostile_workbook_is_refused_with_a_japanese_issue(site, tmp_path, name):
    folder, app, codes = site
    client = app.test_client()
    case = next(c for c in corpus.CASES if c.name == name)
    made = corpus.make_input(case, tmp_path / "hostile")
    path = made / corpus.CARD
    before = digest(folder)
    for route in ("/api/check", "/api/submit"):
        response = client.post(route, headers=bearer(codes["secretariat"]), data=upload(path))
        if route == "/api/check":
            assert response.status_code == 200
            issues = response.get_json()
            assert {i["code"] for i in issues} & {code for code, _, _ in case.expected}
            assert all(re.search(r"[ぁ-んァ-ン一-龥]", i["message"]) for i in issues)
        else:
            assert response.status_code == 422  # accept refuses it: nothing filed
            assert "受け付けられません" in response.get_json()["error"]
    assert digest(folder) == before
    assert client.get("/api/status", headers=bearer(codes["secretariat"])).status_code == 200


def test_two_submissions_of_one_project_at_once_are_both_kept(site, serve_rolled, tmp_path):
    folder, app, codes = site
    one = returned(serve_rolled, tmp_path / "1" / "001.xlsx", "001", group="第一グループ")
    two = returned(serve_rolled, tmp_path / "2" / "001.xlsx", "001", group="第二グループ")
    results: dict[str, int] = {}
    barrier = threading.Barrier(2, timeout=30)

    def send(label: str, path: Path) -> None:
        client = app.test_client()
        data = upload(path)
        barrier.wait()
        results[label] = client.post("/api/submit", headers=bearer(codes[LABOUR]), data=data).status_code

    threads = [threading.Thread(target=send, args=(label, path)) for label, path in (("one", one), ("two", two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {"one": 200, "two": 200}
    current = list((folder / "cards" / LABOUR).glob("*.xlsx"))
    archived = list((folder / "archive" / "AOM-001").glob("*.xlsx"))
    assert len(current) == 1 and len(archived) == 2
    kept = {p.read_bytes() for p in current + archived}
    assert {one.read_bytes(), two.read_bytes()} <= kept
    # the later one (by filing order, which the log records) is current
    log = (folder / ".reportkit" / "access.log").read_text(encoding="utf-8")
    assert log.count("submit AOM-001") == 2


def test_two_divisions_sending_one_new_project_at_once_file_it_once(site, serve_rolled, tmp_path):
    folder, app, codes = site
    cards = {division: returned(serve_rolled, tmp_path / division / "new.xlsx", "001", project_id="RK-RACE00000001",
                                department=division) for division in (LABOUR, OTHER)}
    results: dict[str, int] = {}
    barrier = threading.Barrier(2, timeout=30)

    def send(division: str) -> None:
        client = app.test_client()
        data = upload(cards[division])
        barrier.wait()
        results[division] = client.post("/api/submit", headers=bearer(codes[division]), data=data).status_code

    threads = [threading.Thread(target=send, args=(division,)) for division in cards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results.values()) == [200, 403]
    winner = next(division for division, status in results.items() if status == 200)
    assert [p.parent.name for p in (folder / "cards").rglob("RK-RACE00000001*.xlsx")] == [winner]
    assert not (folder / "archive" / "RK-RACE00000001").exists()


# -- the pages ---------------------------------------------------------------------------------------

def test_login_logout_and_rate_limit(site):
    folder, app, codes = site
    client = app.test_client()
    assert client.get("/clerk").status_code == 302
    response, _ = login(client, OTHER, codes[LABOUR])  # the right code of another division
    assert response.status_code == 401 and "正しくありません" in response.get_data(as_text=True)
    response, token = login(client, LABOUR, codes[LABOUR])
    assert response.status_code == 302
    page = client.get("/clerk").get_data(as_text=True)
    assert LABOUR in page and "AOM-001" in page and "未提出" in page
    cookie = next(c for c in client._cookies.values() if c.key == "reportkit_session")
    assert cookie.http_only
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    assert client.get("/clerk").status_code == 302
    attacker = app.test_client()
    for _ in range(4):  # with the failure above: five for this address and division
        assert login(attacker, OTHER, "wrong-code")[0].status_code == 401
    response, _ = login(attacker, OTHER, codes[OTHER])  # even the right code is refused for a while
    assert response.status_code == 429 and "しばらく" in response.get_data(as_text=True)


def test_a_clerk_who_mistypes_twice_still_gets_in_and_other_addresses_are_not_locked(site):
    folder, app, codes = site
    clerk = app.test_client()
    for _ in range(2):
        assert login(clerk, LABOUR, codes[LABOUR][:-1] + "#")[0].status_code == 401
    assert login(clerk, LABOUR, codes[LABOUR])[0].status_code == 302
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # another PC
    for _ in range(5):
        assert login(guesser, LABOUR, "abcd-wrong")[0].status_code == 401
    assert login(guesser, LABOUR, codes[LABOUR])[0].status_code == 429
    assert login(app.test_client(), LABOUR, codes[LABOUR])[0].status_code == 302


def test_every_form_needs_its_csrf_token(site, serve_rolled, tmp_path):
    folder, app, codes = site
    client = app.test_client()
    login(client, LABOUR, codes[LABOUR])
    card = returned(serve_rolled, tmp_path / "001.xlsx", "001")
    for data in ({}, {"csrf": "forged"}):
        response = client.post("/upload", data={**upload(card), "action": "submit", **data})
        assert response.status_code == 400 and "有効期限" in response.get_data(as_text=True)
        assert client.post("/logout", data=data).status_code == 400
        assert client.post("/desk/build", data=data).status_code == 400
    assert login(app.test_client(), LABOUR, codes[LABOUR])[0].status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"division": LABOUR, "code": codes[LABOUR]}).status_code == 400
    assert not list((folder / "cards").glob(f"{LABOUR}/*"))


def test_clerk_checks_a_broken_card_then_submits_the_fixed_one(site, serve_rolled, tmp_path):
    folder, app, codes = site
    client = app.test_client()
    _, token = login(client, LABOUR, codes[LABOUR])
    broken = returned(serve_rolled, tmp_path / "a" / "001.xlsx", "001", cost="未定")
    before = digest(folder)
    response = client.post("/upload", data={**upload(broken), "action": "check", "csrf": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and digest(folder) == before
    for part in ("１　基本方針", "２　事業名", "３　事業内容", "４　事業費（千円）", "５　事業実施結果", "６　事業の経緯",
                 "７　担当課・グループ"):
        assert part in page
    assert 'id="part-4"' in page and re.search(r'class="part part-4 part-error"', page)
    assert re.search(r'cell-error" data-cell="B11"', page) and '<span class="cellref">B11</span>' in page
    assert "何も保存していません" in page
    fixed = returned(serve_rolled, tmp_path / "b" / "001.xlsx", "001")
    page = client.post("/upload", data={**upload(fixed), "action": "submit", "csrf": token}).get_data(as_text=True)
    assert "提出を受け付けました" in page
    assert len(list((folder / "cards" / LABOUR).glob("*.xlsx"))) == 1
    clerk = client.get("/clerk").get_data(as_text=True)
    row = re.search(r'<tr data-project="AOM-001">.*?</tr>', clerk, re.S).group(0)
    assert "受付済" in row or "警告あり" in row


def test_downloads_for_the_clerk(site):
    folder, app, codes = site
    client = app.test_client()
    login(client, LABOUR, codes[LABOUR])
    blank = client.get("/download/blank")
    assert blank.status_code == 200
    wb = load_workbook(io.BytesIO(blank.data))
    from reportkit.workbook.layout import CARD_SHEET

    assert any(c.value == LABOUR for row in wb[CARD_SHEET].iter_rows() for c in row)
    prefilled = client.get("/download/project/AOM-001")
    assert prefilled.status_code == 200
    assert prefilled.data == next((folder / "cards").glob("001_*.xlsx")).read_bytes()
    other = json.loads(json.dumps([p for p in app.test_client().get(
        "/api/status", headers=bearer(codes[OTHER])).get_json()["projects"]][:1]))[0]["project_id"]
    assert client.get(f"/download/project/{other}").status_code == 404  # another division's: not listed
    assert client.get("/download/project/..%2F..%2Fconfig.toml").status_code == 404


def test_the_desk_is_the_secretariats(site, serve_rolled, tmp_path):
    folder, app, codes = site
    clerk = app.test_client()
    login(clerk, LABOUR, codes[LABOUR])
    for path in ("/desk", "/desk/errors/商工政策課.txt", "/api/build", "/desk/download/report.json", "/desk/diff"):
        assert clerk.get(path).status_code == 403
    assert app.test_client().get("/desk").status_code == 302
    assert app.test_client().get("/api/build", headers=bearer(codes[LABOUR])).status_code == 403
    desk = app.test_client()
    _, token = login(desk, "事務局", codes["secretariat"])
    page = desk.get("/desk")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "回収状況" in text and "基本方針ごとの集計" in text
    assert re.search(r'<tr data-division="合計">.*?<td class="num">119</td>', text, re.S)
    errors = desk.get(f"/desk/errors/{LABOUR}.txt")
    assert errors.status_code == 200 and "B11" in errors.get_data(as_text=True)  # emptied costs of the rolled cards
    assert desk.get("/desk/errors/../../x.txt").status_code == 404
    assert desk.get("/clerk?division=" + LABOUR).status_code == 200


def test_build_from_the_desk_in_the_background(site, tmp_path):
    """The rolled folder has errors: the build is refused with its reason; the sample itself builds."""
    from yoy_helpers import make_input_folder

    folder, app, codes = site
    desk = app.test_client()
    _, token = login(desk, "事務局", codes["secretariat"])
    assert desk.post("/desk/build", data={"csrf": token}).status_code == 302
    app.extensions["reportkit"].build.wait(120)
    state = desk.get("/api/build").get_json()
    assert state["state"] == "failed" and "エラー" in state["message"] and not state["draft"]
    page = desk.get("/desk").get_data(as_text=True)
    assert 'id="draft-button"' in page and "素案を作成する" in page
    assert desk.get("/desk/download/draft/report.docx").status_code == 404

    # the 素案 from the same folder: written to outputs/draft/, downloaded under a name that says so
    assert desk.post("/desk/build", data={"csrf": token, "kind": "draft"}).status_code == 302
    app.extensions["reportkit"].build.wait(180)
    state = desk.get("/api/build").get_json()
    assert state["state"] == "done" and state["draft"], state
    draft = desk.get("/desk/download/draft/report.docx")
    assert draft.status_code == 200 and draft.data[:2] == b"PK"
    assert "report_%E7%B4%A0%E6%A1%88.docx" in draft.headers["Content-Disposition"]  # report_素案.docx
    assert desk.get("/desk/download/report.docx").status_code == 404  # no final report was written
    assert desk.get("/desk/download/draft/report.json").status_code == 404
    assert "【素案】report.docx</a>" in desk.get("/desk").get_data(as_text=True)

    small = make_input_folder(tmp_path / "inputs")
    code = new_code(small, secretariat=True)
    app2 = create_app(small, outputs=tmp_path / "out")
    client = app2.test_client()
    _, token = login(client, "事務局", code)
    client.post("/desk/build", data={"csrf": token})
    assert client.post("/desk/build", data={"csrf": token}).status_code == 302  # a second press: no second build
    app2.extensions["reportkit"].build.wait(180)
    state = client.get("/api/build", headers=bearer(code)).get_json()
    assert state["state"] == "done", state
    docx = client.get("/desk/download/report.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    from docx import Document

    assert Document(io.BytesIO(docx.data)).paragraphs
    assert client.get("/desk/download/report.json").get_json()["projects"]
    assert client.get("/desk/download/secret.txt").status_code == 404


def test_every_request_is_logged(site):
    folder, app, codes = site
    client = app.test_client()
    client.get("/api/status", headers=bearer(codes[LABOUR]))
    client.get("/api/status")
    lines = (folder / ".reportkit" / "access.log").read_text(encoding="utf-8").splitlines()
    fields = [line.split("\t") for line in lines[-2:]]
    assert fields[0][2:6] == [LABOUR, "GET", "/api/status", "200"]
    assert fields[1][2:6] == ["-", "GET", "/api/status", "401"]
    assert codes[LABOUR] not in "\n".join(lines)



def test_a_cost_typed_in_yen_is_a_warning_when_the_clerk_checks_the_card_alone(site, serve_rolled, tmp_path):
    """The desk's check of one workbook compares the cost with last year's (expected.json), as validate does
    for the folder: AOM-001's 1,237 千円 last year typed as 1237000 (円)."""
    folder, app, codes = site
    client = app.test_client()
    yen = returned(serve_rolled, tmp_path / "yen" / "001.xlsx", "001", cost=1237000)
    issues = client.post("/api/check", headers=bearer(codes[LABOUR]), data=upload(yen)).get_json()
    far = [i for i in issues if i["code"] == "cost-far-from-last-year"]
    assert [(i["severity"], i["cell"]) for i in far] == [("warning", "B11")]
    assert "1,000倍" in far[0]["message"] and "1,237千円" in far[0]["message"]
    fine = returned(serve_rolled, tmp_path / "fine" / "001.xlsx", "001")
    issues = client.post("/api/check", headers=bearer(codes[LABOUR]), data=upload(fine)).get_json()
    assert not [i for i in issues if i["code"] == "cost-far-from-last-year"]


# -- the year-over-year page -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_built_years(tmp_path_factory):
    from reportkit.report.build import build_report
    from yoy_helpers import make_two_years

    base = tmp_path_factory.mktemp("desk-diff")
    year1, year2, edits = make_two_years(base)
    build_report(year1, base / "outputs2013", page_numbers=False)
    build_report(year2, base / "outputs2014", page_numbers=False)
    return base, year2, edits


def _desk_client(folder: Path, previous: Path, outputs: Path):
    code = new_code(folder, secretariat=True)
    app = create_app(folder, previous=previous, outputs=outputs)
    app.config["TESTING"] = True
    client = app.test_client()
    login(client, "事務局", code)
    return client


def test_year_over_year_page_prints_amounts_with_separators_and_paths_from_the_input_folder(two_built_years):
    base, folder, edits = two_built_years
    client = _desk_client(folder, base / "outputs2013" / "report.json", base / "outputs2014")
    page = client.get("/desk/diff").get_data(as_text=True)
    cost = edits["cost"].cost
    assert f"{cost:,}" in page and f"{cost + 500:,}" in page and cost >= 1000
    assert re.search(r"\d{1,3}(,\d{3})+", page)  # subtotals
    assert "../outputs2013/report.json → ../outputs2014/report.json" in page
    assert str(base) not in page
    for name in ("diff.xlsx", "diff.html", "redline.docx"):
        assert f'href="/desk/diff/{name}"' in page


def test_year_over_year_files_download_from_the_desk(two_built_years):
    import zipfile

    base, folder, edits = two_built_years
    outputs = base / "outputs2014"
    client = _desk_client(folder, base / "outputs2013", outputs)
    redline = client.get("/desk/diff/redline.docx")
    assert redline.status_code == 200 and "redline.docx" in redline.headers["Content-Disposition"]
    body = zipfile.ZipFile(io.BytesIO(redline.data)).read("word/document.xml").decode("utf-8")
    assert 'w:author="事務局"' in body and "<w:ins " in body and "<w:del " in body
    workbook = load_workbook(io.BytesIO(client.get("/desk/diff/diff.xlsx").data))
    assert edits["dropped"].project_id in [row[2] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert "<html" in client.get("/desk/diff/diff.html").get_data(as_text=True)
    assert sorted(p.name for p in (outputs / "diff").iterdir()) == ["diff.html", "diff.xlsx", "redline.docx"]
    assert client.get("/desk/diff/report.json").status_code == 404


def test_no_redline_download_when_last_years_report_docx_is_missing(two_built_years, tmp_path):
    import shutil

    base, folder, _ = two_built_years
    previous = tmp_path / "previous"
    previous.mkdir()
    shutil.copy(base / "outputs2013" / "report.json", previous / "report.json")
    client = _desk_client(folder, previous / "report.json", base / "outputs2014")
    page = client.get("/desk/diff").get_data(as_text=True)
    assert 'href="/desk/diff/diff.xlsx"' in page and 'href="/desk/diff/redline.docx"' not in page
    assert "report.docx があるときに作れます" in page
    assert client.get("/desk/diff/redline.docx").status_code == 404
