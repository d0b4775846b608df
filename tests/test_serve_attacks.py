"""The attacks of issue 21, each against a real server (waitress in a subprocess) on the loopback.

Bounded loops and bounded waits: a test that cannot reach its end fails, none waits for a timing.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import time
from urllib.parse import urlparse

import pytest

from reportkit.serve.access import new_code
from reportkit.serve.app import ADDRESS_ATTEMPTS, LOGIN_ATTEMPTS
from reportkit.serve.sessions import LIFETIME

from builders import put_stored_number
from serve_helpers import (LABOUR, OTHER, SECOND_ADDRESS, browser_login, cookie_of, csrf_of, exchange, http, multipart,
                           returned, rolled_copy, running_server, second_address_usable, server_process)

POSIX_MODES = os.name != "nt"  # on Windows the mode bits say nothing of who may read a file


@pytest.fixture()
def folder(serve_rolled, tmp_path):
    return rolled_copy(serve_rolled, tmp_path / "inputs2014")


def bearer(code: str) -> dict:
    return {"Authorization": f"Bearer {code}"}


# 1 -- a guesser elsewhere cannot lock a division (or the secretariat) out --------------------------------

@pytest.mark.skipif(not second_address_usable(), reason=f"{SECOND_ADDRESS} is not a loopback address here")
def test_wrong_logins_from_another_address_do_not_lock_the_owner_out(folder):
    labour = new_code(folder, division=LABOUR)
    secretariat = new_code(folder, secretariat=True)
    with running_server(folder) as base:
        # the clerk mistypes twice, then types it right
        for _ in range(2):
            assert browser_login(base, LABOUR, "wrong-code")[0] == 401
        assert browser_login(base, LABOUR, labour)[0] == 302
        # a guesser on another PC: five wrong codes for the division and for the secretariat, then locked
        for division in (LABOUR, "事務局"):
            statuses = [browser_login(base, division, f"abcd-wrong{i}", source=SECOND_ADDRESS)[0]
                        for i in range(LOGIN_ATTEMPTS + 1)]
            assert statuses == [401] * LOGIN_ATTEMPTS + [429]
            assert browser_login(base, division, labour if division == LABOUR else secretariat,
                                 source=SECOND_ADDRESS)[0] == 429  # the guesser's PC is refused even the right code
        # the owners, from their own PC, still get in
        assert browser_login(base, LABOUR, labour)[0] == 302
        assert browser_login(base, "事務局", secretariat)[0] == 302


# 2 -- bearer codes are limited on every route, before the code is checked ------------------------------

def test_bearer_codes_are_limited_on_every_route_before_the_code_is_checked(folder):
    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        assert exchange(base, "/", headers=bearer(labour))[1]["location"].endswith("/clerk")
        statuses = []
        for i in range(ADDRESS_ATTEMPTS + 5):  # a guesser walking GET / with bearer codes
            status, headers, _ = exchange(base, "/", headers=bearer(f"abcd-guess{i}"))
            statuses.append(status)
            if status == 429:
                break
        assert statuses[-1] == 429 and len(statuses) == ADDRESS_ATTEMPTS + 1, statuses
        # the right code no longer tells anything from this address, on any route
        assert exchange(base, "/", headers=bearer(labour))[0] == 429
        assert exchange(base, "/api/status", headers=bearer(labour))[0] == 429
        assert exchange(base, "/api/build", headers=bearer(labour))[0] == 429
        data, content_type = multipart(next((folder / "cards").glob("001_*.xlsx")))
        assert http(f"{base}/api/check", code=labour, data=data, content_type=content_type)[0] == 429
        assert browser_login(base, LABOUR, labour)[0] == 429  # nor through the login form
        assert exchange(base, "/login")[0] == 200  # the page itself still answers


# 3 -- known and unknown code ids cost the same -------------------------------------------------------------

def test_known_and_unknown_code_ids_cost_one_hash_each(folder, monkeypatch):
    """Counting the hash computations (not timing them): every wrong code costs exactly one."""
    from reportkit.serve import access

    labour = new_code(folder, division=LABOUR)
    known_id = labour.split("-")[0]
    calls = []
    real = access._hash
    monkeypatch.setattr(access, "_hash", lambda secret, salt: calls.append(secret) or real(secret, salt))
    codes = access.AccessCodes(folder)
    for wrong in ("zzzz-abcdefghjkmnpqrs", f"{known_id}-abcdefghjkmnpqrs", "zzzz", known_id, "", "zzzz-",
                  f"{known_id}-"):
        calls.clear()
        assert codes.check(wrong) is None
        assert len(calls) == 1, wrong
    calls.clear()
    assert codes.check(labour, OTHER) is None and len(calls) == 1  # a right code for another division


def test_timing_of_known_and_unknown_code_ids_over_http(folder):
    """Printed, not asserted (pytest -s): the median time of a wrong code with an unknown and a known id."""
    import statistics

    labour = new_code(folder, division=LABOUR)
    known_id = labour.split("-")[0]
    times: dict[str, list[float]] = {"unknown id": [], "known id": []}
    with running_server(folder) as base:
        for _ in range(4):  # well under the address's limit
            for label, code in (("unknown id", "zzzz-abcdefghjkmnpqrs"), ("known id", f"{known_id}-abcdefghjkmnpqrs")):
                started = time.perf_counter()
                assert exchange(base, "/api/status", headers=bearer(code))[0] == 401
                times[label].append(time.perf_counter() - started)
    print({label: f"{statistics.median(values) * 1000:.1f} ms" for label, values in times.items()})


# 4 -- sessions the server ends ------------------------------------------------------------------------------

def _clerk(base: str, cookie: str) -> int:
    return exchange(base, "/clerk", headers={"Cookie": cookie})[0]


def _records(folder) -> dict:
    return json.loads((folder / ".reportkit" / "sessions.json").read_text(encoding="utf-8"))["sessions"]


def test_sessions_end_at_logout_with_a_replaced_code_and_after_a_working_day(folder):
    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        status, saved = browser_login(base, LABOUR, labour)
        assert status == 302 and _clerk(base, saved) == 200
        _, _, page = exchange(base, "/clerk", headers={"Cookie": saved})
        status, _, _ = exchange(base, "/logout", method="POST", body=f"csrf={csrf_of(page)}".encode(),
                                headers={"Cookie": saved, "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302
        assert _clerk(base, saved) == 302  # the cookie saved before logout opens nothing

        status, saved = browser_login(base, LABOUR, labour)
        assert _clerk(base, saved) == 200
        labour = new_code(folder, division=LABOUR)  # the division's code is replaced
        assert _clerk(base, saved) == 302

        status, saved = browser_login(base, LABOUR, labour)
        started = next(iter(_records(folder).values()))["started"]
        for _ in range(3):  # use does not extend it
            status, headers, _ = exchange(base, "/clerk", headers={"Cookie": saved})
            assert status == 200 and "set-cookie" not in headers
        assert [r["started"] for r in _records(folder).values()] == [started]
    with running_server(folder) as base:  # a restart keeps a session that has not ended
        assert _clerk(base, saved) == 200
        # a working day later (the record aged on disk: the server re-reads it)
        path = folder / ".reportkit" / "sessions.json"
        records = _records(folder)
        for record in records.values():
            record["started"] -= LIFETIME + 60
        path.write_text(json.dumps({"sessions": records}), encoding="utf-8")
        assert _clerk(base, saved) == 302
        assert _records(folder) == {}


# 5 -- secrets owner-only; a session key others could read is replaced -------------------------------------

def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _forged_cookie(key: bytes, data: dict) -> str:
    from flask import Flask

    app = Flask("forger")
    app.secret_key = key
    return "reportkit_session=" + app.session_interface.get_signing_serializer(app).dumps(data)


@pytest.mark.skipif(not POSIX_MODES, reason="Windows: access lists, not mode bits")
def test_secrets_are_owner_only_and_a_readable_session_key_is_replaced(folder):
    state = folder / ".reportkit"
    new_code(folder, secretariat=True)
    # as an earlier version left them: everything readable by others, the key known to whoever read it
    leaked = os.urandom(32)
    (state / "session_key").write_text(leaked.hex() + "\n", encoding="ascii")
    (state / "access.log").write_text("", encoding="utf-8")
    for path in (state, state / "session_key", state / "access.json", state / "access.log"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    forged = [_forged_cookie(leaked, {"role": "secretariat", "division": ""}),
              _forged_cookie(leaked, {"sid": "anything", "csrf": "x"})]
    with server_process(folder) as (base, process):
        for cookie in forged:
            status, headers, _ = exchange(base, "/desk", headers={"Cookie": cookie})
            assert status == 302 and headers["location"].endswith("/login")
        status, _ = browser_login(base, LABOUR, "wrong-code")
    said = (folder.parent / f"server-{urlparse(base).port}.log").read_text(encoding="utf-8")
    assert "新しい鍵に取り替えました" in said and "このユーザーだけが読める" in said
    assert bytes.fromhex((state / "session_key").read_text(encoding="ascii").strip()) != leaked
    for name in ("session_key", "access.json", "access.log"):
        assert _mode(state / name) == 0o600, name
    assert _mode(state) == 0o700
    (state / "access.json").unlink()
    new_code(folder, secretariat=True)
    assert _mode(state / "access.json") == 0o600


@pytest.mark.skipif(not POSIX_MODES, reason="Windows: access lists, not mode bits")
def test_a_new_servers_secrets_are_created_owner_only(folder):
    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        assert browser_login(base, LABOUR, labour)[0] == 302
    state = folder / ".reportkit"
    for name in ("session_key", "access.json", "access.log", "sessions.json"):
        assert _mode(state / name) == 0o600, name


# 6 -- a project belongs to the division that filed it first ------------------------------------------------

def test_a_division_cannot_displace_another_divisions_new_project(folder, serve_rolled, tmp_path):
    labour = new_code(folder, division=LABOUR)
    other = new_code(folder, division=OTHER)
    secretariat = new_code(folder, secretariat=True)
    theirs = returned(serve_rolled, tmp_path / "b" / "new.xlsx", "001", project_id="RK-NEWB000001", department=OTHER)
    mine = returned(serve_rolled, tmp_path / "a" / "new.xlsx", "001", project_id="RK-NEWB000001", department=LABOUR)
    with running_server(folder) as base:
        data, content_type = multipart(theirs)
        status, body = http(f"{base}/api/submit", code=other, data=data, content_type=content_type)
        assert status == 200 and json.loads(body)["state"] == "new"
        data, content_type = multipart(mine)
        for route in ("/api/check", "/api/submit"):
            status, body = http(f"{base}{route}", code=labour, data=data, content_type=content_type)
            assert status == 403, (route, body)
            assert "「商工政策課」の事業です" in json.loads(body)["error"]
        assert [p.name for p in (folder / "cards" / OTHER).glob("*.xlsx")] == ["RK-NEWB000001.xlsx"]
        assert not (folder / "archive" / "RK-NEWB000001").exists()
        status, body = http(f"{base}/api/status", code=other)
        assert "RK-NEWB000001" in {p["project_id"] for p in json.loads(body)["projects"]}
        # an expected project likewise: the labour division's 001, claimed by the other division
        claimed = returned(serve_rolled, tmp_path / "c" / "001.xlsx", "001", department=OTHER)
        data, content_type = multipart(claimed)
        status, body = http(f"{base}/api/submit", code=other, data=data, content_type=content_type)
        assert status == 403 and f"「{LABOUR}」の事業です" in json.loads(body)["error"]
        # the secretariat may move the new project
        data, content_type = multipart(mine)
        assert http(f"{base}/api/submit", code=secretariat, data=data, content_type=content_type)[0] == 200
        assert [p.name for p in (folder / "cards" / LABOUR).glob("*.xlsx")] == ["RK-NEWB000001.xlsx"]


# 7 -- log lines cannot be forged --------------------------------------------------------------------------

def test_log_lines_cannot_be_forged(folder):
    forged_line = "2026-12-05T10:00:00%09203.0.113.9%09%E4%BA%8B%E5%8B%99%E5%B1%80%09POST%09/desk/build%09302"
    paths = [f"/nothing%0A{forged_line}", f"/nothing%0D%0A{forged_line}", "/nul%00byte", "/sep%E2%80%A8line",
             "/login?x=%0Ay%09z", "/back%5Cslash%5Cn"]
    log = folder / ".reportkit" / "access.log"
    with running_server(folder) as base:
        for path in paths:
            assert exchange(base, path)[0] in (200, 404)
    lines = log.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(paths)  # one request, one line
    for line in lines[:-1]:
        assert len(line.split("\t")) == 8, line
        assert line.startswith("20") and not line.startswith("2026-12-05T10:00:00")
        assert not any(ord(c) < 0x20 and c != "\t" for c in line) and "\u2028" not in line
    text = log.read_text(encoding="utf-8")
    assert "/nothing\\n2026-12-05T10:00:00\\t203.0.113.9\\t事務局\\tPOST" in text
    assert "/nul\\x00byte" in text and "/sep\\u2028line" in text and "/back\\\\slash\\\\n" in text


# 8 -- a starting server sweeps what a killed one left ---------------------------------------------------

def test_a_starting_server_sweeps_what_a_killed_one_left(folder, tmp_path, monkeypatch):
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the servers' temporary folder (TEMP and TMP on Windows)
    monkeypatch.setenv("TEMP", str(temporary))
    monkeypatch.setenv("TMP", str(temporary))
    outputs = folder.parent / "outputs2014"
    with server_process(folder) as (base, process):
        (area,) = [p for p in temporary.iterdir() if p.name.startswith("reportkit-serve-")]
        process.kill()
        process.wait(15)
    # what a kill mid-upload and mid-build leaves: an unfiled upload, staging folders of a final and a draft build
    (area / "tmpupload").mkdir()
    (area / "tmpupload" / "upload.xlsx").write_bytes(b"PK\x03\x04 not filed")
    left = [outputs / ".build-k1ll3d", outputs / "draft" / ".build-dr4ft"]
    running = outputs / ".build-running"  # a build beside the server, still writing: kept
    for staging in [*left, running]:
        staging.mkdir(parents=True)
        (staging / "report.docx").write_bytes(b"PK half a report")
    hour_ago = time.time() - 3600
    for staging in left:
        for path in (staging / "report.docx", staging):
            os.utime(path, (hour_ago, hour_ago))
    with server_process(folder) as (base, process):
        said = (folder.parent / f"server-{urlparse(base).port}.log").read_text(encoding="utf-8")
        assert not area.exists()
        assert [p for p in temporary.iterdir() if p.name.startswith("reportkit-serve-")] != []  # its own
        assert not any(path.exists() for path in left) and running.exists()
    assert "アップロード 1 件" in said and said.count("片付けました") == 3, said


# 9 -- a slow client is cut off by a total deadline -------------------------------------------------------

def test_a_trickling_client_is_cut_off_by_the_request_deadline(folder):
    labour = new_code(folder, division=LABOUR)
    deadline = 2
    with running_server(folder, "--request-deadline", str(deadline)) as base:
        port = urlparse(base).port
        sockets = []
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {labour}\r\n"
                         "Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n".encode())
            sockets.append(sock)
        open_ones = list(sockets)
        for _ in range(40):  # one byte each every half second, far within waitress's 60 s of silence
            still = []
            for sock in open_ones:
                try:
                    sock.sendall(b"x")
                    still.append(sock)
                except OSError:
                    pass
            sock_closed = []
            for sock in still:
                sock.setblocking(False)
                try:
                    if sock.recv(1024) == b"":
                        sock_closed.append(sock)
                except BlockingIOError:
                    pass
                except OSError:
                    sock_closed.append(sock)
                sock.setblocking(True)
            open_ones = [s for s in still if s not in sock_closed]
            if not open_ones:
                break
            assert exchange(base, "/login")[0] == 200  # others are served meanwhile
            time.sleep(0.5)
        for sock in sockets:
            sock.close()
        assert not open_ones, f"{len(open_ones)} trickling connections still open after 20 s (deadline {deadline} s)"


# == issue 28: bounded work per request, sessions one user cannot end for others ==========================

def _cache_entries(folder) -> list:
    return [p for p in folder.rglob("*.json")] if folder.exists() else []


def test_an_amplifying_workbook_is_refused_small_and_nothing_is_cached(folder, tmp_path, monkeypatch):
    """One shared string of 2,000 「長」 in every cell of four stretched blocks: a short too-large answer,
    no card-cache entry (from a check or a submission), and the server's memory stays small."""
    from hostile.corpus import config, write_amplified
    from serve_helpers import peak_rss_mb

    secretariat = new_code(folder, secretariat=True)  # may send any division's card
    amplified = write_amplified(tmp_path / "amplified.xlsx", config())
    ordinary = returned(folder, tmp_path / "r" / "001.xlsx", "001")
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))  # the server's cache (set after this process used its own)
    with server_process(folder) as (base, process):
        for workbook in (amplified, ordinary):
            data, content_type = multipart(workbook)
            status, body = http(f"{base}/api/check", code=secretariat, data=data, content_type=content_type, timeout=120)
            assert status == 200 and len(body) < 20_000, len(body)
            if workbook == amplified:
                assert [i["code"] for i in json.loads(body)] == ["too-large"]
        # a check saves nothing of the upload; the folder's own cards (read for the shared-事業名 check) may be cached
        folder_cards = len(list((folder / "cards").rglob("*.xlsx")))
        entries = _cache_entries(cache)
        assert len(entries) <= folder_cards and all("upload" not in p.read_text(encoding="utf-8") for p in entries)
        data, content_type = multipart(amplified)
        status, body = http(f"{base}/api/submit", code=secretariat, data=data, content_type=content_type, timeout=120)
        assert len(body) < 20_000 and "too-large" in body.decode("utf-8") or status == 422, (status, body[:300])
        assert peak_rss_mb(process.pid) < 300
    # what a submission wrote is the folder's own cards, read for the owner check: none of the upload
    from reportkit.checks.card_cache import MAX_ENTRY_BYTES

    entries = _cache_entries(cache)
    assert all(p.stat().st_size <= MAX_ENTRY_BYTES and "upload" not in p.read_text(encoding="utf-8") for p in entries)


def test_one_upload_answers_a_bounded_number_of_issues(folder, tmp_path):
    """Every cell of four stretched blocks with one character: ten thousand issues before; now at most
    MAX_ANSWER_ISSUES, the rest counted in one more-issues (an error when an error is among them)."""
    from hostile.corpus import config, write_amplified
    from reportkit.serve.app import MAX_ANSWER_ISSUES

    secretariat = new_code(folder, secretariat=True)
    many = write_amplified(tmp_path / "many.xlsx", config(), chars=1)
    with running_server(folder) as base:
        data, content_type = multipart(many)
        status, body = http(f"{base}/api/check", code=secretariat, data=data, content_type=content_type, timeout=120)
    issues = json.loads(body)
    assert status == 200 and len(issues) == MAX_ANSWER_ISSUES
    assert issues[-1]["code"] == "more-issues" and issues[-1]["severity"] == "error"
    assert re.search(r"ほかにも [0-9,]{5,} 件の問題", issues[-1]["message"]), issues[-1]["message"]


def _seed_sessions(folder, division: str, count: int, started: int) -> None:
    path = folder / ".reportkit" / "sessions.json"
    records = _records(folder)
    for i in range(count):
        records[f"{i:064x}"] = {"role": "division", "division": division, "code": "zzzz", "started": started}
    path.write_text(json.dumps({"sessions": records}, ensure_ascii=False), encoding="utf-8")


def test_one_principals_logins_never_end_anothers_session(folder):
    from reportkit.serve.limits import PRINCIPAL_LOGINS
    from reportkit.serve.sessions import PER_PRINCIPAL

    labour = new_code(folder, division=LABOUR)
    secretariat = new_code(folder, secretariat=True)
    with running_server(folder) as base:
        status, desk_cookie = browser_login(base, "事務局", secretariat)
        assert status == 302 and exchange(base, "/desk", headers={"Cookie": desk_cookie})[0] == 200
        # the secretariat logged in first; then 2,000 sessions of one clerk's code (what 2,000 logins leave)
        started = _records(folder)[next(iter(_records(folder)))]["started"]
        _seed_sessions(folder, LABOUR, 2000, started)
        status, labour_cookie = browser_login(base, LABOUR, labour)
        assert status == 302 and _clerk(base, labour_cookie) == 200
        assert exchange(base, "/desk", headers={"Cookie": desk_cookie})[0] == 200  # not logged out
        kept = [r for r in _records(folder).values() if r["division"] == LABOUR]
        assert len(kept) == PER_PRINCIPAL  # its own oldest dropped
        # logins in a loop with one code are limited; another principal still logs in
        statuses = [browser_login(base, LABOUR, labour)[0] for _ in range(PRINCIPAL_LOGINS)]
        assert statuses[-1] == 429 and statuses.count(302) == PRINCIPAL_LOGINS - 1, statuses
        assert browser_login(base, "事務局", secretariat)[0] == 302
        assert exchange(base, "/desk", headers={"Cookie": desk_cookie})[0] == 200


def test_the_access_log_is_cut_per_field_and_turned_over_by_size(folder):
    from reportkit.serve.accesslog import MAX_FIELD_CHARS, MAX_LOG_BYTES

    state = folder / ".reportkit"
    state.mkdir(exist_ok=True)
    log = state / "access.log"
    with running_server(folder) as base:
        for i in range(5):  # unauthenticated requests of 100 KB each
            assert exchange(base, f"/nothing-{i}-" + "x" * 100_000)[0] == 404
        lines = log.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 5 and all(len(line) < MAX_FIELD_CHARS + 400 for line in lines), [len(x) for x in lines]
        assert "…(+" in lines[0]
        # a log at its size: the next line starts a new file, the old one kept once
        full = "2026-12-07T00:00:00\t127.0.0.1\t-\tGET\t/old\t404\t1ms\t\n"
        log.write_text(full * (MAX_LOG_BYTES // len(full) + 1), encoding="utf-8")
        assert exchange(base, "/after-turn-over")[0] == 404
    assert (state / "access.log.1").read_text(encoding="utf-8").startswith(full)
    assert log.read_text(encoding="utf-8").count("\n") == 1 and "/after-turn-over" in log.read_text(encoding="utf-8")


def test_pages_and_downloads_are_not_stored_and_scripts_come_only_from_the_desk(folder):
    labour = new_code(folder, division=LABOUR)
    secretariat = new_code(folder, secretariat=True)
    with running_server(folder) as base:
        status, headers, page = exchange(base, "/login")
        assert status == 200 and headers["cache-control"] == "no-store"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "x-elapsed-ms" not in headers  # not to anyone not logged in
        assert "x-elapsed-ms" not in exchange(base, "/api/status", headers=bearer("abcd-wrong"))[1]
        _, cookie = browser_login(base, LABOUR, labour)
        _, desk_cookie = browser_login(base, "事務局", secretariat)
        project = next((folder / "cards").rglob("001_*.xlsx"))
        answers = {path: exchange(base, path, headers={"Cookie": c})
                   for path, c in (("/clerk", cookie), ("/desk", desk_cookie), ("/api/status", cookie),
                                   ("/download/blank", cookie), ("/download/project/AOM-001", cookie))}
        assert project.is_file()
        for path, (status, headers, body) in answers.items():
            assert status == 200, path
            assert headers["cache-control"] == "no-store", path
            assert "content-security-policy" in headers and "x-elapsed-ms" in headers, path
            if headers["content-type"].startswith("text/html"):
                inline = re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>", body)
                assert inline == [], path
                for src in re.findall(rb'<script[^>]*\bsrc="([^"]+)"', body):
                    assert exchange(base, src.decode())[0] == 200


@pytest.mark.skipif(not second_address_usable(), reason=f"{SECOND_ADDRESS} is not a loopback address here")
def test_wrong_codes_from_many_addresses_spend_a_global_budget_the_owner_still_gets_in(folder):
    from reportkit.serve.limits import ADDRESS_ATTEMPTS, GLOBAL_ATTEMPTS

    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        assert exchange(base, "/api/status", headers=bearer(labour))[0] == 200  # the owner, at its own PC
        per_address = ADDRESS_ATTEMPTS - 2  # each address stays under its own limit
        spent, statuses = 0, []
        for n in range(3, 3 + GLOBAL_ATTEMPTS // per_address + 1):
            for i in range(per_address):
                if spent >= GLOBAL_ATTEMPTS:
                    break
                statuses.append(exchange(base, "/api/status", headers=bearer(f"abcd-guess{n}x{i}"),
                                         source=f"127.0.0.{n}")[0])
                spent += 1
        assert set(statuses) == {401}
        # the budget spent: a new address is refused even a right code, unchecked; the owner still gets in
        assert exchange(base, "/api/status", headers=bearer(labour), source="127.0.0.99")[0] == 429
        assert exchange(base, "/api/status", headers=bearer("abcd-another"), source="127.0.0.98")[0] == 429
        assert exchange(base, "/api/status", headers=bearer(labour))[0] == 200
        assert browser_login(base, LABOUR, labour)[0] == 302


def test_the_limiters_memory_is_bounded():
    from reportkit.serve.limits import CodeGuard, RateLimiter

    limiter = RateLimiter(3, 600, most_keys=100)
    for i in range(1000):
        limiter.fail(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 100
    assert not limiter.blocked("10.0.0.0") and len(limiter) == 100  # asking adds nothing
    for _ in range(50):
        limiter.fail("10.9.9.9")
    assert limiter.blocked("10.9.9.9") and len(limiter._events["10.9.9.9"]) == 3
    guard = CodeGuard()
    for i in range(5000):
        guard.succeeded(f"10.1.{i // 256}.{i % 256}")
    assert len(guard._known) <= 1000


def test_only_the_desks_own_host_names_are_served(folder):
    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        port = urlparse(base).port
        for host in ("evil.example", f"rebind.attacker.test:{port}", "localhost.attacker.test", "desk.example.lg.jp"):
            status, _, body = exchange(base, "/login", headers={"Host": host})
            assert status == 421, host
            assert exchange(base, "/api/status", headers={"Host": host, **bearer(labour)})[0] == 421
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", f"{socket.gethostname()}:{port}"):
            assert exchange(base, "/login", headers={"Host": host})[0] == 200, host
    with running_server(folder, "--allow-host", "desk.example.lg.jp") as base:  # a name the office's DNS gives
        for host in ("desk.example.lg.jp", f"DESK.example.lg.jp:{urlparse(base).port}"):
            assert exchange(base, "/login", headers={"Host": host})[0] == 200, host
        assert exchange(base, "/login", headers={"Host": "evil.example"})[0] == 421


# 10 -- a number that is no number is a cell error, and a failed upload leaves nothing on disk ------------

def test_an_infinite_cost_is_a_cell_error_on_the_desk_and_no_upload_stays_on_disk(folder, tmp_path, monkeypatch):
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    for name in ("TMPDIR", "TEMP", "TMP"):  # the server's upload area, where this test can look
        monkeypatch.setenv(name, str(temporary))
    card = returned(folder, tmp_path / "returns" / "001.xlsx", "001")
    put_stored_number(card, "B11", "1e999")  # an .xlsx can hold it; Python reads it as infinity
    labour = new_code(folder, division=LABOUR)
    before = {p.relative_to(folder).as_posix() for p in (folder / "cards").rglob("*")}

    def uploads_left() -> list[str]:
        (area,) = [p for p in temporary.iterdir() if p.name.startswith("reportkit-serve-")]
        return [p.relative_to(area).as_posix() for p in area.rglob("*")]

    with running_server(folder) as base:
        data, content_type = multipart(card)
        status, body = http(f"{base}/api/check", code=labour, data=data, content_type=content_type)
        assert status == 200, body.decode("utf-8", "replace")[:300]
        assert ("unusable-number", "B11") in {(i["code"], i["cell"]) for i in json.loads(body)}
        assert uploads_left() == []

        # the clerk's page, checking then sending it
        status, cookie = browser_login(base, LABOUR, labour)
        assert status == 302
        _, _, page = exchange(base, "/clerk", headers={"Cookie": cookie})
        for action in ("check", "submit"):
            data, content_type = multipart(card, fields={"csrf": csrf_of(page), "action": action})
            status, _, answer = exchange(base, "/upload", method="POST", body=data,
                                         headers={"Cookie": cookie, "Content-Type": content_type})
            text = answer.decode("utf-8")
            assert status < 500 and "B11" in text and "数として扱えない値" in text, (action, status, text[:300])
            assert uploads_left() == [], action

        data, content_type = multipart(card)
        status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
        assert status < 500, body.decode("utf-8", "replace")[:300]
        assert uploads_left() == []
    filed = {p.relative_to(folder).as_posix() for p in (folder / "cards").rglob("*")} - before
    assert all(not name.startswith(".") for name in filed), filed  # nothing half-written beside the cards
