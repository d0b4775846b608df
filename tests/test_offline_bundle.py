"""tools/offline_bundle.py: an install bundle for a PC without the internet (Windows on the LGWAN).

The bundles are made once per run (they download ~25 wheels from the index into a tmp folder);
the tests that need them skip when no package index answers (CI has one).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("offline_bundle", ROOT / "tools" / "offline_bundle.py")
offline_bundle = sys.modules["offline_bundle"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(offline_bundle)

HOST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _index_answers() -> bool:
    """Whether the package index pip would use accepts a connection (within 5 s)."""
    if os.environ.get("PIP_NO_INDEX"):
        return False
    url = urlparse(os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple/")
    try:
        with socket.create_connection((url.hostname, url.port or (443 if url.scheme == "https" else 80)), timeout=5):
            return True
    except OSError:
        return False


needs_index = pytest.mark.skipif(not _index_answers(), reason="no package index answers (the bundle downloads wheels)")


@pytest.fixture(scope="module")
def windows_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "windows"
    return out, offline_bundle.write_bundle(out, "windows", "3.12")


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "linux"
    return out, offline_bundle.write_bundle(out, "linux", HOST_PYTHON)


def _names(wheels) -> set[str]:
    return {wheel.name for wheel in wheels}


@needs_index
def test_the_windows_bundle_resolves_reportkit_for_win_amd64_with_no_index(windows_bundle, tmp_path):
    out, wheels = windows_bundle
    # tqdm needs colorama on Windows only: resolved with the target's markers, not this machine's
    assert {"reportkit", "colorama", "tqdm", "lxml", "pydantic-core", "waitress"} <= _names(wheels)
    assert not any(w.path.name.endswith(("manylinux", ".tar.gz")) for w in wheels)
    binary = [w.path.name for w in wheels if not w.path.name.endswith("-none-any.whl")]
    assert binary and all(name.endswith("-cp312-cp312-win_amd64.whl") for name in binary), binary
    assert "setuptools" not in _names(wheels)  # wheels install without it
    pinned = (out / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert len([line for line in pinned if "--hash=sha256:" in line]) == len(wheels)
    target = ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.12",
              "--implementation", "cp", "--abi", "cp312", "--target", str(tmp_path / "site")]
    for what in (["--require-hashes", "-r", str(out / "requirements.txt")], ["reportkit"]):
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links",
                               str(out / "wheels"), *target, *what], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Would install" in done.stdout and "reportkit-0" in done.stdout


@needs_index
def test_every_file_of_the_bundle_is_in_sha256sums(windows_bundle):
    out, _ = windows_bundle
    lines = (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert offline_bundle.sha256(out / name) == digest
    readme = (out / offline_bundle.README_NAME).read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf") and b"\r\n" in readme and b"\n" not in readme.replace(b"\r\n", b"")
    text = readme.decode("utf-8-sig")
    assert "Python 3.12" in text and "REPORTKIT_SOFFICE" in text and "8000" in text


def _offline(command: list[str]) -> list[str]:
    """``command`` in a network namespace of its own (no network at all) when this machine allows one."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *command]
    return command


@needs_index
def test_the_linux_bundle_installs_with_no_network_and_builds_the_sample(linux_bundle, tmp_path):
    out, wheels = linux_bundle
    assert "colorama" not in _names(wheels)  # Windows only
    bundle = shutil.copytree(out, tmp_path / "reportkit")
    shutil.copytree(ROOT / "inputs", bundle / "inputs")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "PIP_", "VIRTUAL_ENV"))}
    env.update(PYTHON=sys.executable, REPORTKIT_CACHE="off")
    done = subprocess.run(_offline(["sh", str(bundle / "setup.sh")]), env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "セットアップが終わりました" in done.stdout
    where = subprocess.run([str(bundle / ".venv" / "bin" / "python"), "-c", "import reportkit; print(reportkit.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(bundle / ".venv")
    done = subprocess.run(_offline(["sh", str(bundle / "build.sh"), "inputs", "--no-page-numbers"]), env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "41,609,725 千円" in done.stdout
    assert zipfile.is_zipfile(bundle / "outputs" / "report.docx")


# -- the launchers as cmd.exe and sh read them (no index needed) ----------------------------------

def test_windows_launchers_are_cp932_with_crlf_and_install_from_the_bundle_only():
    files = offline_bundle.launchers("windows", "3.12")
    assert set(files) == {"setup.cmd", "build.cmd", "serve.cmd"}
    for name, data in files.items():
        assert data.count(b"\r\n") == data.count(b"\n") > 5, name  # every line ends CRLF
        text = data.decode("cp932")  # cmd.exe reads the console's code page: cp932 on Japanese Windows
        assert text.startswith("@echo off\r\nchcp 932 >nul\r\n"), name
        assert 'cd /d "%~dp0"' in text
        # no trail byte of a double-byte character that cmd.exe could take for \ | ^ if misread
        pairs = [data[i:i + 2] for i, c in enumerate(data) if c >= 0x81 and not 0xA1 <= c <= 0xDF]
        assert not [p for p in pairs if p[1:] in (b"\\", b"|", b"^")], name
    setup = files["setup.cmd"].decode("cp932")
    assert 'set "PY=py -3.12"' in setup and "%PY% -m venv .venv" in setup
    assert "sys.version_info[:2] != (3, 12)" in setup  # else a python on PATH, of that version only
    assert "pip install --no-index --find-links wheels --require-hashes" in setup
    assert "pause" in files["build.cmd"].decode("cp932")  # the window waits for a key
    assert "serve inputs --open" in files["serve.cmd"].decode("cp932")


def test_posix_launchers_are_utf8_with_lf_and_valid_sh(tmp_path):
    files = offline_bundle.launchers("linux", "3.12")
    assert set(files) == {"setup.sh", "build.sh", "serve.sh"}
    for name, data in files.items():
        assert b"\r" not in data and data.startswith(b"#!/bin/sh\n"), name
        data.decode("utf-8")
        (tmp_path / name).write_bytes(data)
        checked = subprocess.run(["sh", "-n", str(tmp_path / name)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    assert "--no-index --find-links wheels --require-hashes" in files["setup.sh"].decode()
    assert "serve \"$@\"" in files["serve.sh"].decode() and "inputs --open" in files["serve.sh"].decode()


def test_markers_are_evaluated_for_the_target_not_this_machine():
    tqdm = offline_bundle.Wheel(Path("tqdm.whl"), "tqdm", offline_bundle.Version("4.66"),
                                [offline_bundle.Requirement('colorama; platform_system == "Windows"'),
                                 offline_bundle.Requirement('tomli>=2; python_version < "3.11"')])
    assert set(offline_bundle.wanted(tqdm, {}, offline_bundle.marker_environment("windows", "3.12"))) == {"colorama"}
    assert set(offline_bundle.wanted(tqdm, {}, offline_bundle.marker_environment("linux", "3.10"))) == {"tomli"}
