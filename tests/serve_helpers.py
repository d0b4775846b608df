"""Helpers for the web tests: a rolled sample folder with access codes, and returned workbooks."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from reportkit.checks.validate import validate_folder

from yoy_helpers import INPUTS, edit, sample_card, year_values

LABOUR = "労政・能力開発課"  # the division of the sample's 001
OTHER = "商工政策課"


def rolled_copy(rolled: Path, target: Path) -> Path:
    shutil.copytree(rolled, target)
    return target


def returned(rolled: Path, target: Path, prefix: str, **changes) -> Path:
    """The prefilled workbook of ``prefix`` filled in again as last year (``changes`` on top)."""
    sample = {s.card.project_id: s.card for s in validate_folder(INPUTS).cards}
    source = sample_card(prefix)
    card = next(c for c in sample.values() if c.project_id == f"AOM-{prefix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(rolled / "cards" / source.name, target)
    edit(target, {**year_values(card), **changes})
    return target


def digest(folder: Path, skip: str = ".reportkit") -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and skip not in p.relative_to(folder).parts}


# -- a real server (waitress) in a subprocess ------------------------------------------------------

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager

from command_helpers import command_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(folder: Path, *extra: str, startup: float = 60.0):
    """``reportkit serve folder`` on 127.0.0.1 and a free port; yields its base URL; always stopped."""
    with server_process(folder, *extra, startup=startup) as (base, _):
        yield base


@contextmanager
def server_process(folder: Path, *extra: str, startup: float = 60.0, port: int | None = None, office: bool = False):
    """Like ``running_server``, yielding (base URL, the Popen) so a test can kill it or read its memory.

    ``office``: let the server keep its LibreOffice running (``--no-office`` otherwise, to spare CI one per server).
    """
    port = port or free_port()
    extra = extra if office else (*extra, "--no-office")
    env = command_env()
    log = open(folder.parent / f"server-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", str(folder), "--host", "127.0.0.1",
                                "--port", str(port), *extra], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped: {(folder.parent / f'server-{port}.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start in time")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)
        log.close()


def http(url: str, *, code: str = "", data: bytes | None = None, content_type: str = "", timeout: float = 30):
    """(status, body bytes) of one request; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if code:
        request.add_header("Authorization", f"Bearer {code}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def multipart(path: Path, name: str = "card.xlsx", fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A form posting ``path`` as its file (and ``fields``, e.g. the page's csrf and action)."""
    boundary = uuid.uuid4().hex
    body = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
                   for key, value in (fields or {}).items()).encode()
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
    body += path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a process (Linux /proc; 0.0 elsewhere)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- a browser's requests, spelled out (no redirect followed, the cookie kept by the caller) -------------

from http.client import HTTPConnection
import re
from urllib.parse import urlencode, urlparse

SECOND_ADDRESS = "127.0.0.2"  # another loopback address: "another PC" to a server on 127.0.0.1 (Linux, Windows)


def second_address_usable() -> bool:
    try:
        with socket.socket() as sock:
            sock.bind((SECOND_ADDRESS, 0))
        return True
    except OSError:
        return False


def exchange(base: str, path: str, *, method: str = "GET", headers: dict | None = None, body: bytes | None = None,
             source: str | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request from ``source`` (an address of this machine); nothing followed."""
    port = urlparse(base).port
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout,
                                            source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def cookie_of(headers: dict, cookie: str = "") -> str:
    """The session cookie a response sets (``cookie`` when it sets none)."""
    found = re.search(r"(reportkit_session=[^;]*)", headers.get("set-cookie", ""))
    return found.group(1) if found else cookie


def csrf_of(page: bytes) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.decode("utf-8")).group(1)


def browser_login(base: str, division: str, code: str, *, source: str | None = None) -> tuple[int, str]:
    """(status of the login POST, the session cookie after it), as a browser from ``source`` would."""
    _, headers, page = exchange(base, "/login", source=source)
    cookie = cookie_of(headers)
    form = urlencode({"division": division, "code": code, "csrf": csrf_of(page)}).encode()
    status, headers, _ = exchange(base, "/login", method="POST", body=form, source=source,
                                  headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    return status, cookie_of(headers, cookie)


def multipart_files(files: list[tuple[Path | bytes, str]], field: str = "files",
                    fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A form posting several files under one ``field`` (each a path or bytes, with the name the browser sends)."""
    boundary = uuid.uuid4().hex
    body = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
                   for key, value in (fields or {}).items()).encode()
    for content, name in files:
        data = content.read_bytes() if isinstance(content, Path) else content
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode("utf-8") + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_json(url: str, value, *, code: str = "") -> tuple[int, dict]:
    """(status, JSON answer) of a POST of ``value`` as JSON."""
    import json

    status, body = http(url, code=code, data=json.dumps(value).encode(), content_type="application/json")
    return status, json.loads(body)
