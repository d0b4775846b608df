"""The real server: ``reportkit serve`` (waitress) in a subprocess on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import json
import time

from reportkit.serve.access import new_code

from serve_helpers import LABOUR, http, multipart, returned, rolled_copy, running_server


def test_reportkit_serve_answers_over_http_and_stops(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    labour = new_code(folder, division=LABOUR)
    fixed = returned(serve_rolled, tmp_path / "ret" / "001.xlsx", "001")
    times = {}
    with running_server(folder) as base:
        status, body = http(f"{base}/login")
        assert status == 200 and "アクセスコード" in body.decode("utf-8")
        assert http(f"{base}/api/status")[0] == 401
        started = time.perf_counter()
        status, body = http(f"{base}/api/status", code=secretariat)
        times["status of 119"] = time.perf_counter() - started
        assert status == 200 and len(json.loads(body)["projects"]) == 119
        data, content_type = multipart(fixed)
        started = time.perf_counter()
        status, body = http(f"{base}/api/check", code=labour, data=data, content_type=content_type)
        times["check of one card"] = time.perf_counter() - started
        assert status == 200 and isinstance(json.loads(body), list)
        # An old browser sends the whole Windows path, with bare backslashes: labelled by the file's own name
        windows_path, windows_type = multipart(returned(serve_rolled, tmp_path / "w" / "043.xlsx", "001", cost="未定"),
                                               "C:\\Users\\user01\\Desktop\\043.xlsx")
        status, body = http(f"{base}/api/check", code=labour, data=windows_path, content_type=windows_type)
        assert status == 200 and {issue["file"] for issue in json.loads(body)} == {"043.xlsx"}
        status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
        assert status == 200 and json.loads(body)["project_id"] == "AOM-001"
        status, body = http(f"{base}/api/status", code=labour)
        project = next(p for p in json.loads(body)["projects"] if p["project_id"] == "AOM-001")
        assert project["state"] in ("ok", "warnings")
    log = (folder / ".reportkit" / "access.log").read_text(encoding="utf-8")
    assert "submit AOM-001" in log
    print({label: f"{seconds * 1000:.0f} ms" for label, seconds in times.items()})


# -- faults against the real server -----------------------------------------------------------------

import socket
import statistics
from urllib.parse import urlparse

from reportkit.serve.app import SERVER_BODY_LIMIT
from reportkit.workbook.reader import MAX_FILE_BYTES

from hostile import corpus
from serve_helpers import digest, peak_rss_mb, server_process


def _raw_request(base: str, path: str, code: str, content_type: str, length: int, body: bytes) -> socket.socket:
    """A POST whose headers declare ``length`` bytes, of which only ``body`` is sent; the open socket."""
    port = urlparse(base).port
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {code}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n")
    sock.sendall(head.encode("ascii") + body)
    return sock


def _answer(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _cards_are_whole(folder) -> None:
    from zipfile import ZipFile

    for path in (folder / "cards").rglob("*"):
        assert not path.name.startswith(".") and not path.name.endswith((".tmp", ".part")), path
        if path.is_file() and path.suffix == ".xlsx":
            with ZipFile(path) as archive:
                assert archive.testzip() is None, path


def test_a_server_killed_during_an_upload_loses_nothing_and_restarts(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    labour = new_code(folder, division=LABOUR)
    fixed = returned(serve_rolled, tmp_path / "ret" / "001.xlsx", "001")
    data, content_type = multipart(fixed)
    before = digest(folder)
    with server_process(folder) as (base, process):
        assert http(f"{base}/api/status", code=labour)[0] == 200
        sock = _raw_request(base, "/api/submit", labour, content_type, len(data), data[: len(data) // 2])
        time.sleep(0.5)  # the server holds half a body
        process.kill()
        process.wait(15)
        sock.close()
    assert digest(folder) == before  # no partial file in the cards folder, nothing else touched
    _cards_are_whole(folder)

    with server_process(folder) as (base, process):  # killed while the whole body has just arrived
        sock = _raw_request(base, "/api/submit", labour, content_type, len(data), data)
        time.sleep(0.05)
        process.kill()
        process.wait(15)
        sock.close()
    _cards_are_whole(folder)  # either filed whole or not at all

    with running_server(folder) as base:  # the same folder serves again and files the card
        status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
        assert status == 200 and json.loads(body)["project_id"] == "AOM-001"
        status, body = http(f"{base}/api/status", code=labour)
        assert status == 200
        project = next(p for p in json.loads(body)["projects"] if p["project_id"] == "AOM-001")
        assert project["state"] in ("ok", "warnings")
    _cards_are_whole(folder)


def test_oversize_and_hostile_uploads_over_http_are_bounded_and_the_server_keeps_serving(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    labour = new_code(folder, division=LABOUR)
    secretariat = new_code(folder, secretariat=True)
    before = digest(folder)
    with server_process(folder) as (base, process):
        assert http(f"{base}/api/status", code=labour)[0] == 200
        # just over the app's limit: waitress spools it, the app answers 413 in Japanese
        big = b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES + 256 * 1024)
        started = time.perf_counter()
        status, body = http(f"{base}/api/check", code=labour, data=big, content_type="application/octet-stream",
                            timeout=60)
        assert status == 413 and "大きすぎます" in json.loads(body)["error"]
        assert time.perf_counter() - started < 60

        # declared 100 MB: refused on the headers, before any of the body is read
        started = time.perf_counter()
        sock = _raw_request(base, "/api/check", labour, "multipart/form-data; boundary=x", 100 * 1024 * 1024, b"")
        answer = _answer(sock)
        sock.close()
        assert answer.split(b"\r\n", 1)[0].split()[1] == b"413", answer[:200]
        assert time.perf_counter() - started < 20
        assert 100 * 1024 * 1024 > SERVER_BODY_LIMIT

        # a zip bomb (200 MB of spaces in a 200 KB workbook): an issue, not a crash, memory bounded
        case = next(c for c in corpus.CASES if c.name == "zip_bomb_200mb_of_spaces")
        bomb = corpus.make_input(case, tmp_path / "hostile") / corpus.CARD
        data, content_type = multipart(bomb)
        resident = peak_rss_mb(process.pid)
        started = time.perf_counter()
        status, body = http(f"{base}/api/check", code=secretariat, data=data, content_type=content_type, timeout=60)
        seconds = time.perf_counter() - started
        assert status == 200
        assert {i["code"] for i in json.loads(body)} & {code for code, _, _ in case.expected}
        grown = peak_rss_mb(process.pid) - resident
        assert grown < 150, f"the server's peak memory grew by {grown:.0f} MB"
        assert seconds < 60
        status, body = http(f"{base}/api/submit", code=secretariat, data=data, content_type=content_type)
        assert status == 422

        assert http(f"{base}/api/status", code=labour)[0] == 200  # still serving
        print(f"zip bomb over HTTP: {seconds * 1000:.0f} ms, peak memory +{grown:.0f} MB")
    assert digest(folder) == before


def test_request_times_over_http(serve_rolled, tmp_path):
    """Not an assertion on speed: check of one card and status of 119, over HTTP, printed (pytest -s)."""
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    labour = new_code(folder, division=LABOUR)
    fixed = returned(serve_rolled, tmp_path / "ret" / "001.xlsx", "001")
    data, content_type = multipart(fixed)
    times: dict[str, list[float]] = {"check of one card": [], "status of 119": []}
    with running_server(folder) as base:
        for _ in range(5):
            started = time.perf_counter()
            status, body = http(f"{base}/api/check", code=labour, data=data, content_type=content_type)
            times["check of one card"].append(time.perf_counter() - started)
            assert status == 200
            started = time.perf_counter()
            status, body = http(f"{base}/api/status", code=secretariat)
            times["status of 119"].append(time.perf_counter() - started)
            assert status == 200 and len(json.loads(body)["projects"]) == 119
    for label, values in times.items():
        print(f"{label}: first {values[0] * 1000:.0f} ms, median {statistics.median(values) * 1000:.0f} ms, "
              f"min {min(values) * 1000:.0f} ms (n={len(values)})")


def test_the_desk_sets_the_year_s_flags_against_last_year_s(serve_rolled, tmp_path):
    """A real server: the desk's status shows 重点, 主要成果 and 緊急雇用 last year (expected.json) and now, and
    says when one has none yet; a division's own status does not carry the round's counts."""
    from serve_helpers import browser_login, exchange
    from yoy_helpers import INPUTS, sample_card
    from reportkit.checks.validate import validate_folder

    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    returned(serve_rolled, folder / "cards" / sample_card("012").name, "012")  # 重点 last year, typed again
    sample = [s.card for s in validate_folder(INPUTS).cards]
    last = [sum(getattr(card, flag) for card in sample) for flag in ("priority", "key_result", "emergency")]
    secretariat = new_code(folder, secretariat=True)
    labour = new_code(folder, division=LABOUR)
    with running_server(folder) as base:
        status, body = http(f"{base}/api/status", code=secretariat)
        assert [(f["label"], f["last_year"], f["this_year"]) for f in json.loads(body)["flags"]] == [
            ("重点", last[0], 1), ("主要成果", last[1], 0), ("緊急雇用", last[2], 0)]
        status, body = http(f"{base}/api/status", code=labour)
        assert status == 200 and json.loads(body)["flags"] == []
        status, cookie = browser_login(base, "事務局", secretariat)
        assert status == 302
        _, _, page = exchange(base, "/desk", headers={"Cookie": cookie})
        html = page.decode("utf-8")
        table = html[html.index('id="year-flags"'):]
        table = table[:table.index("</table>")]
        assert f'<tr data-flag="priority"><td>重点</td><td class="num">{last[0]}</td><td class="num">1</td></tr>' in table
        assert f'<tr data-flag="emergency"><td>緊急雇用</td><td class="num">{last[2]}</td><td class="num">0</td></tr>' in table
        assert 'id="flags-reminder">今年度の主要成果・緊急雇用はまだ１件もありません' in html
