"""The secretariat's year over HTTP against the real server (``reportkit serve`` on 127.0.0.1):
codes for every division, the packs, mailed returns, the build and the next year's folder, each
refused to a division's code (403) and to no code (401)."""

from __future__ import annotations

import io
import json
import shutil
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode

from reportkit.inputs.config import load_config
from reportkit.serve.access import new_code

from serve_helpers import (LABOUR, browser_login, csrf_of, digest, exchange, http, multipart_files, post_json,
                           returned, rolled_copy, running_server)
from yoy_helpers import INPUTS

SECRETARIAT_ROUTES = [("POST", "/api/codes", b"", ""), ("GET", "/api/packs.zip", None, ""),
                      ("POST", "/api/accept", None, "multipart"), ("POST", "/api/build", b'{"draft": true}', "json"),
                      ("GET", "/api/build", None, ""), ("POST", "/api/rollover", b'{"to_year": 2015}', "json"),
                      ("GET", "/api/narratives", None, ""), ("GET", "/api/narratives/introduction", None, ""),
                      ("PUT", "/api/narratives/introduction", None, "docx"), ("GET", "/api/placements", None, ""),
                      ("POST", "/api/placements", b'{"project_id": "AOM-002", "after": ""}', "json")]


PAGES = ("/desk/year", "/desk/packs.zip", "/desk/narratives", "/desk/narratives/introduction.docx", "/desk/order")


def _request(base: str, method: str, path: str, body, kind: str, code: str, card: Path) -> int:
    headers = {"Authorization": f"Bearer {code}"} if code else {}
    if kind == "multipart":
        body, headers["Content-Type"] = multipart_files([(card, card.name)])
    elif kind == "json":
        headers["Content-Type"] = "application/json"
    elif kind == "docx":
        body = (INPUTS / "narratives" / "introduction.docx").read_bytes()
    status, _, _ = exchange(base, path, method=method, headers=headers, body=body)
    return status


def _wait_build(base: str, code: str) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status, body = http(f"{base}/api/build", code=code)
        state = json.loads(body)
        if state["state"] != "running":
            return state
        time.sleep(0.3)
    raise AssertionError("the build did not end")


def test_every_secretariat_route_refuses_a_division_and_no_code(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    labour = new_code(folder, division=LABOUR)
    card = returned(serve_rolled, tmp_path / "ret" / "001.xlsx", "001")
    before = digest(folder)
    with running_server(folder) as base:
        answers = {(method, path): (_request(base, method, path, body, kind, labour, card),
                                    _request(base, method, path, body, kind, "", card))
                   for method, path, body, kind in SECRETARIAT_ROUTES}
        _, cookie = browser_login(base, LABOUR, labour)  # a division's browser session: no desk page either
        pages = {path: exchange(base, path, headers={"Cookie": cookie})[0] for path in PAGES}
    assert answers == {key: (403, 401) for key in answers}
    assert pages == {path: 403 for path in PAGES}
    assert digest(folder) == before  # nothing filed, built, packed or rolled
    assert not (tmp_path / "inputs2015").exists() and not (tmp_path / "outputs2014").exists()


def test_codes_for_every_division_at_once_and_the_printed_slips(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    old = new_code(folder, division=LABOUR)
    divisions = load_config(folder).divisions
    with running_server(folder) as base:
        assert http(f"{base}/api/status", code=old)[0] == 200
        status, answer = post_json(f"{base}/api/codes", {}, code=secretariat)
        assert status == 200 and list(answer["codes"]) == divisions and len(divisions) == 21
        assert len(set(answer["codes"].values())) == 21
        assert http(f"{base}/api/status", code=old)[0] == 401  # the earlier code of the division stops working
        status, body = http(f"{base}/api/status", code=answer["codes"][LABOUR])
        assert status == 200 and [d["division"] for d in json.loads(body)["divisions"]] == [LABOUR]

        _, cookie = browser_login(base, "事務局", secretariat)
        _, _, page = exchange(base, "/desk/year", headers={"Cookie": cookie})
        form = urlencode({"csrf": csrf_of(page)}).encode()
        status, _, slips = exchange(base, "/desk/codes", method="POST", body=form, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        text = slips.decode("utf-8")
        assert status == 200 and text.count('class="slip"') == 21 and base in text
        printed = dict(zip(divisions, [part.split("</code>")[0] for part in text.split('class="slip-code"><code>')[1:]]))
        assert list(printed) == divisions
        for division in (LABOUR, divisions[-1]):  # the printed code is the division's code now; the API's is not
            assert http(f"{base}/api/status", code=printed[division])[0] == 200
            assert http(f"{base}/api/status", code=answer["codes"][division])[0] == 401
    assert "print.js" in text and "<script>" not in text  # the print button's script is a file (CSP)


def test_packs_zip_is_every_division_pack_as_the_command_makes_it(serve_rolled, tmp_path):
    from command_helpers import run_reportkit

    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    run_reportkit("packs", str(folder), "-o", str(tmp_path / "cli_packs"), "--zip")
    made_by_cli = {p.name: sorted(zipfile.ZipFile(p).namelist()) for p in (tmp_path / "cli_packs").glob("*.zip")}
    with running_server(folder) as base:
        status, body = http(f"{base}/api/packs.zip", code=secretariat)
        assert status == 200
        status_again, _ = http(f"{base}/api/packs.zip", code=secretariat)
    outer = zipfile.ZipFile(io.BytesIO(body))
    served = {name: sorted(zipfile.ZipFile(io.BytesIO(outer.read(name))).namelist()) for name in outer.namelist()}
    assert served == made_by_cli and len(served) >= 21
    kept = sorted(p.name for p in (tmp_path / "outputs2014" / "packs").iterdir() if p.is_dir())
    assert status_again == 200 and len(kept) == 2  # each download made its own folder, the earlier one kept


def test_mailed_returns_are_filed_one_answer_per_file(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    cards = [returned(serve_rolled, tmp_path / "mail" / f"{prefix}_返信.xlsx", prefix) for prefix in ("001", "002", "003")]
    broken = returned(serve_rolled, tmp_path / "mail" / "004_返信.xlsx", "004", cost="未定")
    files = [(path, path.name) for path in cards + [broken]] + [(b"not a workbook", "memo.xlsx")]
    body, content_type = multipart_files(files)
    with running_server(folder) as base:
        status, answer = http(f"{base}/api/accept", code=secretariat, data=body, content_type=content_type)
        results = json.loads(answer)["results"]
        _, status_body = http(f"{base}/api/status", code=secretariat)
    assert status == 200 and [r["file"] for r in results] == [name for _, name in files]
    filed = {r["project_id"]: r for r in results if r["filed"]}
    assert set(filed) == {"AOM-001", "AOM-002", "AOM-003", "AOM-004"}
    for path, result in zip(cards, [filed["AOM-001"], filed["AOM-002"], filed["AOM-003"]]):
        assert result["state"] in ("ok", "warnings") and result["errors"] == 0
        assert (folder / result["target"]).read_bytes() == path.read_bytes()  # what accept files: the return itself
        assert len(result["archived"]) == 1 and (folder / result["archived"][0]).is_file()  # the rolled card kept
        assert result["archived"][0].startswith(f"archive/{result['project_id']}/")
    assert filed["AOM-004"]["state"] == "errors" and ("B11", "cost") in {
        (i["cell"], i["field"]) for i in filed["AOM-004"]["issues"]}
    refused = results[-1]
    assert refused["filed"] is False and "事業カードとして読めない" in refused["error"] and "memo.xlsx" in refused["error"]
    states = {p["project_id"]: p["state"] for p in json.loads(status_body)["projects"]}
    assert states["AOM-001"] in ("ok", "warnings") and states["AOM-004"] == "errors"


def test_build_over_the_api_and_the_out_of_date_mark(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    card = returned(serve_rolled, tmp_path / "mail" / "001_返信.xlsx", "001")
    with running_server(folder) as base:
        assert post_json(f"{base}/api/build", ["draft"], code=secretariat)[0] == 400
        status, answer = post_json(f"{base}/api/build", {"draft": True, "pdf": False}, code=secretariat)
        assert status == 202 and answer["draft"] is True
        state = _wait_build(base, secretariat)
        assert state["state"] == "done", state
        assert state["reports"]["draft"]["made"] and state["reports"]["draft"]["out_of_date"] is False
        assert (tmp_path / "outputs2014" / "draft" / "report.docx").is_file()
        status, final = post_json(f"{base}/api/build", {"draft": False}, code=secretariat)  # cards with errors
        assert status == 202 and _wait_build(base, secretariat)["state"] == "failed"
        _, listed = http(f"{base}/api/placements", code=secretariat)
        second = next(m for m in json.loads(listed)["measures"] if len(m["projects"]) > 1)["projects"][1][0]
        assert post_json(f"{base}/api/placements", {"project_id": second, "after": ""}, code=secretariat)[0] == 200
        _, moved = http(f"{base}/api/build", code=secretariat)  # the order changed: the 素案 is out of date
        body, content_type = multipart_files([(card, card.name)])
        assert http(f"{base}/api/accept", code=secretariat, data=body, content_type=content_type)[0] == 200
        _, after = http(f"{base}/api/build", code=secretariat)
        reports = json.loads(after)["reports"]
        _, cookie = browser_login(base, "事務局", secretariat)
        _, _, desk = exchange(base, "/desk", headers={"Cookie": cookie})
    assert json.loads(moved)["reports"]["draft"] == {**state["reports"]["draft"], "out_of_date": True, "changed": "config.toml"}
    assert reports["draft"]["out_of_date"] is True and reports["draft"]["changed"].split("/")[0] == "cards"
    assert reports["final"] == {"made": "", "out_of_date": False, "changed": ""}
    assert 'id="out-of-date-draft"' in desk.decode("utf-8") and 'id="out-of-date-final"' not in desk.decode("utf-8")


def test_rollover_from_the_desk_serves_the_new_folder(sample_build, tmp_path):
    folder = shutil.copytree(INPUTS, tmp_path / "inputs")
    secretariat = new_code(folder, secretariat=True)
    _, sample_out = sample_build
    (tmp_path / "outputs").mkdir()
    shutil.copy(sample_out / "report.json", tmp_path / "outputs" / "report.json")  # this year's built report
    before = digest(folder)
    with running_server(folder) as base:
        status, answer = post_json(f"{base}/api/rollover", {"to_year": 2014}, code=secretariat)
        assert status == 200, answer
        _, status_body = http(f"{base}/api/status", code=secretariat)  # the same code, the new folder
        again, refused = post_json(f"{base}/api/rollover", {"to_year": 2014}, code=secretariat)
        _, cookie = browser_login(base, "事務局", secretariat)
        _, _, diff_page = exchange(base, "/desk/diff", headers={"Cookie": cookie})
        later, too_far = post_json(f"{base}/api/rollover", {"to_year": 2015}, code=secretariat)  # 2014 has errors
    new = tmp_path / "inputs2014"
    assert answer["folder"] == str(new) and answer["cards"] == 119 and answer["fiscal_year"] == 2014
    assert answer["previous"] == str(tmp_path / "outputs" / "report.json")
    assert answer["outputs"] == str(tmp_path / "outputs2014")
    assert len(list((new / "cards").rglob("*.xlsx"))) == 119 and (new / "expected.json").is_file()
    status_data = json.loads(status_body)
    assert status_data["fiscal_year"] == 2014 and {p["state"] for p in status_data["projects"]} == {"missing"}
    assert again == 409 and "すでにあります" in refused["error"]
    assert "今年度の報告書がまだ作成されていません" in diff_page.decode("utf-8")  # --previous is last year's report
    assert later == 422 and "エラー" in too_far["error"] and not (tmp_path / "inputs2015").exists()
    assert digest(folder) == before  # this year's folder as it was


def _with_placeholder_error(source: Path) -> bytes:
    """The narrative with one more paragraph whose placeholder is misspelt (as a Word user would type it)."""
    from docx import Document

    doc = Document(str(source))
    doc.add_paragraph("本年度は{{ yaer | nendo }}である。")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _with_entity(docx: bytes) -> bytes:
    """The .docx with an external entity declared in its document part (an XXE attempt)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                    + entries["word/document.xml"].split(b"?>", 1)[1])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    return buffer.getvalue()


def test_narratives_listed_downloaded_and_replaced_with_their_errors(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    path = folder / "narratives" / "chapter_2.docx"
    earlier = path.read_bytes()
    with running_server(folder) as base:
        status, listed = http(f"{base}/api/narratives", code=secretariat)
        parts = json.loads(listed)["narratives"]
        status_one, docx = http(f"{base}/api/narratives/chapter_2", code=secretariat)
        headers = {"Authorization": f"Bearer {secretariat}"}
        put = lambda name, body: exchange(base, f"/api/narratives/{name}", method="PUT", headers=headers, body=body)
        broken = put("chapter_2", b"PK\x03\x04 not really a zip")
        hostile = put("chapter_2", _with_entity(earlier))
        unknown = put("no_such_part", earlier)
        after_refusals = path.read_bytes()
        archived_by_refusals = (folder / "archive").exists()
        stored_status, _, stored = put("chapter_2", _with_placeholder_error(path))
    assert status == 200 and len(parts) == 14 and parts[0]["name"] == "introduction"
    assert next(p for p in parts if p["name"] == "chapter_2")["title"] == "（経営支援の強化）"
    assert status_one == 200 and docx == earlier
    assert broken[0] == 422 and "何も置き換えていません" in json.loads(broken[2])["error"]
    assert hostile[0] == 422 and "安全でない XML" in json.loads(hostile[2])["error"]
    assert unknown[0] == 422 and after_refusals == earlier  # refused: nothing replaced
    assert not archived_by_refusals
    answer = json.loads(stored)
    assert stored_status == 200 and (folder / answer["archived"]).read_bytes() == earlier
    assert answer["archived"].startswith("archive/narratives/")
    (error,) = answer["errors"]
    assert error["code"] == "narrative-unknown-placeholder" and error["place"].startswith("段落 ")
    assert "yaer" in error["message"] and error["file"] == "narratives/chapter_2.docx"


def test_placements_move_a_project_and_keep_the_earlier_config(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    config = folder / "config.toml"
    earlier = config.read_bytes()
    with running_server(folder) as base:
        _, listed = http(f"{base}/api/placements", code=secretariat)
        measures = json.loads(listed)["measures"]
        measure = next(m for m in measures if len(m["projects"]) >= 3)
        first, second, last = measure["projects"][0][0], measure["projects"][1][0], measure["projects"][-1][0]
        other = next(m for m in measures if m is not measure)["projects"][0][0]
        wrong, refused = post_json(f"{base}/api/placements", {"project_id": last, "after": other}, code=secretariat)
        unchanged = config.read_bytes()
        status, moved = post_json(f"{base}/api/placements", {"project_id": last, "after": first}, code=secretariat)
        status_first, to_top = post_json(f"{base}/api/placements", {"project_id": second, "after": ""}, code=secretariat)
    assert sum(len(m["projects"]) for m in measures) == 119
    assert wrong == 422 and "同じ施策" in refused["error"] and unchanged == earlier
    assert status == 200 and [p[0] for p in moved["measure"]["projects"]][:2] == [first, last]
    assert (folder / moved["archived"]).read_bytes() == earlier and moved["archived"].startswith("archive/config/")
    assert status_first == 200 and to_top["measure"]["projects"][0][0] == second
    text = config.read_text(encoding="utf-8")
    assert text.startswith(earlier.decode("utf-8")) and text.count("[[placements]]") == 2
    assert f'project_id = "{last}"\nafter = "{first}"' in text
