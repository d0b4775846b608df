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
        status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
        assert status == 200 and json.loads(body)["project_id"] == "AOM-001"
        status, body = http(f"{base}/api/status", code=labour)
        project = next(p for p in json.loads(body)["projects"] if p["project_id"] == "AOM-001")
        assert project["state"] in ("ok", "warnings")
    log = (folder / ".reportkit" / "access.log").read_text(encoding="utf-8")
    assert "submit AOM-001" in log
    print({label: f"{seconds * 1000:.0f} ms" for label, seconds in times.items()})
