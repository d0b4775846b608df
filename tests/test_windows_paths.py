"""What reportkit does on Windows, run here with the platform faked where it must be (issue 32).

LibreOffice found where Windows puts it (both Program Files folders, a per-user install, a setting),
LibreOffice's own interpreter run so that its launcher's paths hold, its process tree ended with
``taskkill /T /F``, and ``serve --open``. What needs Windows itself (cmd.exe, taskkill.exe, the
console's close event) is not run here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from command_helpers import command_env
from serve_helpers import free_port, rolled_copy
from reportkit.cli import main as cli
from reportkit.libreoffice import pages, uno_helper

ROOT = Path(__file__).resolve().parents[1]


def _soffice_at(root: Path) -> Path:
    program = root / "LibreOffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice.exe").write_bytes(b"MZ")
    return program / "soffice.exe"


@pytest.fixture
def windows(tmp_path, monkeypatch):
    """This process as Windows sees it: the platform, Program Files folders and LOCALAPPDATA under tmp_path,
    no LibreOffice on PATH and no setting."""
    folders = {"ProgramFiles": tmp_path / "Program Files", "ProgramW6432": tmp_path / "Program Files",
               "ProgramFiles(x86)": tmp_path / "Program Files (x86)", "LOCALAPPDATA": tmp_path / "AppData" / "Local"}
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv(pages.SOFFICE_SETTING, "unset")
    monkeypatch.delenv(pages.SOFFICE_SETTING)
    monkeypatch.setattr(sys, "platform", "win32")
    return folders


def test_libreoffice_is_found_in_both_program_files_folders_and_a_per_user_install(windows):
    assert pages.find_soffice() is None
    message = pages.missing_soffice_message()
    for folder in ("Program Files", "Program Files (x86)", str(Path("AppData", "Local", "Programs"))):
        assert str(Path(folder, "LibreOffice", "program", "soffice.exe")) in message
    assert "REPORTKIT_SOFFICE" in message and "--soffice" in message
    per_user = _soffice_at(windows["LOCALAPPDATA"] / "Programs")  # installed without administrator rights
    assert pages.find_soffice() == str(per_user)
    x86 = _soffice_at(windows["ProgramFiles(x86)"])  # a 32-bit LibreOffice on 64-bit Windows
    assert pages.find_soffice() == str(x86)
    native = _soffice_at(windows["ProgramFiles"])
    assert pages.find_soffice() == str(native)


def test_a_setting_names_a_portable_libreoffice_and_a_wrong_one_is_said(windows, tmp_path, monkeypatch):
    _soffice_at(windows["ProgramFiles"])
    portable = _soffice_at(tmp_path / "USB" / "LibreOfficePortable" / "App")
    monkeypatch.setenv(pages.SOFFICE_SETTING, str(portable))
    assert pages.find_soffice() == str(portable)
    missing = tmp_path / "nowhere" / "soffice.exe"
    monkeypatch.setenv(pages.SOFFICE_SETTING, str(missing))
    assert pages.find_soffice() is None  # not another one: the user named this one
    assert pages.missing_soffice_message().startswith(f"REPORTKIT_SOFFICE（または --soffice）で指定された LibreOffice が"
                                                      f"ありません: {missing}。")


def test_build_soffice_names_a_libreoffice_that_is_not_there(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(pages.SOFFICE_SETTING, "unset")
    monkeypatch.delenv(pages.SOFFICE_SETTING)  # restored after the test: --soffice sets it for child processes
    missing = tmp_path / "LibreOffice" / "program" / "soffice.exe"
    assert cli.main(["build", str(ROOT / "inputs"), "-o", str(tmp_path / "out"), "--soffice", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"指定された LibreOffice がありません: {missing}" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


# -- LibreOffice's own interpreter: a launcher that sets the paths ----------------------------------

def test_libreoffices_own_python_is_run_so_that_its_launchers_paths_hold(tmp_path, monkeypatch):
    """LibreOffice's program\\python.exe sets PYTHONHOME/PYTHONPATH and starts the real interpreter; -I
    would drop them. A launcher doing the same (a script here) beside soffice.bin, uno in its path only."""
    program = tmp_path / "LibreOffice" / "program"
    (tmp_path / "pyuno").mkdir(parents=True)
    (tmp_path / "pyuno" / "uno.py").write_text("", encoding="utf-8")
    program.mkdir(parents=True)
    (program / "soffice.bin").write_bytes(b"")
    (program / "soffice").write_text("#!/bin/sh\n", encoding="utf-8")
    launcher = program / "python"
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH="{tmp_path / "pyuno"}" exec "{sys.executable}" "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    assert subprocess.run([str(launcher), "-I", "-c", "import uno"], capture_output=True).returncode != 0
    monkeypatch.setenv("REPORTKIT_CACHE", "off")
    monkeypatch.delenv("REPORTKIT_UNO_PYTHON", raising=False)
    monkeypatch.setattr(uno_helper, "_uno_candidates", lambda soffice: [str(Path(soffice).parent / "python")])
    assert uno_helper.uno_python.__wrapped__(str(program / "soffice")) == str(launcher)
    command = uno_helper._script_command(str(launcher), "ready", "pipe", "0")
    assert "-I" not in command and command[1] == "-s"
    assert uno_helper._script_command(sys.executable, "ready")[1] == "-I"  # any other interpreter: isolated


def test_a_probe_cached_with_i_is_probed_again(tmp_path, monkeypatch):
    """The answer kept by a version that probed LibreOffice's python.exe with -I (None) is not trusted."""
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("REPORTKIT_UNO_PYTHON", raising=False)
    candidates = [str(tmp_path / "absent-python")]
    monkeypatch.setattr(uno_helper, "_uno_candidates", lambda soffice: candidates)
    stamp = [[candidate, uno_helper._file_stamp(candidate)] for candidate in [*candidates, ""]]
    uno_helper._keep_probe({"stamp": stamp, "python": "stale"})
    assert uno_helper.uno_python.__wrapped__(None) is None  # probed again: nothing imports uno
    assert uno_helper._kept_probe()["version"] == uno_helper.PROBE_VERSION


# -- the process tree ended, as taskkill /T /F does -----------------------------------------------

def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[-1][:1]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir() or shutil.which("pkill") is None, reason="needs /proc and pkill")
def test_a_libreoffice_is_ended_with_its_process_tree_on_windows(tmp_path, monkeypatch):
    """soffice.exe starts soffice.bin: ending only the launched process (Popen.kill) leaves it running."""
    calls = tmp_path / "taskkill.log"
    fake = tmp_path / "bin" / "taskkill"  # taskkill.exe's tree kill, for a tree two deep
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\npkill -KILL -P "$2"\nkill -KILL "$2"\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(uno_helper, "_on_windows", lambda: True)
    child = tmp_path / "child.pid"
    office = uno_helper.start_office(["sh", "-c", f'sleep 300 & echo $! > "{child}"; wait'])
    while not child.is_file() or not child.read_text().strip():
        time.sleep(0.05)
    soffice_bin = int(child.read_text())
    assert _running(soffice_bin)
    uno_helper.kill_office(office)
    assert calls.read_text().split() == ["/PID", str(office.pid), "/T", "/F"]
    assert office.returncode is not None
    deadline = time.monotonic() + 10
    while _running(soffice_bin) and time.monotonic() < deadline:  # SIGKILL is delivered, then reaped
        time.sleep(0.05)
    assert not _running(soffice_bin)


def test_a_registered_libreoffice_is_told_alive_or_gone_on_windows(tmp_path, monkeypatch):
    """A stale registration is no longer trusted on Windows: tasklist tells whether its process runs."""
    fake = tmp_path / "bin" / "tasklist"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\ncase "$2" in "PID eq 4242") echo \'"soffice.bin","4242","Console","1","120,000 K"\';;\n'
                    '*) echo "INFO: No tasks are running which match the specified criteria.";; esac\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(uno_helper, "_on_windows", lambda: True)
    assert uno_helper._alive(4242) is True
    assert uno_helper._alive(4243) is False


# -- serve --open -----------------------------------------------------------------------------------

def test_serve_open_opens_the_desk_in_the_browser_once_it_listens(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"  # the default browser, as webbrowser finds it ($BROWSER): asks at once
    browser.write_text("import sys, urllib.request, pathlib\n"
                       "status = urllib.request.urlopen(sys.argv[1], timeout=30).status\n"
                       f"pathlib.Path({str(opened)!r}).write_text(f'{{status}} {{sys.argv[1]}}')\n", encoding="utf-8")
    port = free_port()
    env = {**command_env(), "BROWSER": f"{sys.executable} {browser} %s"}
    process = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", str(folder), "--host", "0.0.0.0",
                                "--port", str(port), "--no-office", "--open"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not opened.is_file() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text() == f"200 http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(30)



@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX: a terminal closing sends SIGHUP")
def test_serve_cleans_up_when_its_terminal_window_closes(serve_rolled, tmp_path):
    """The console window closed (SIGHUP here; on Windows the close event, through SetConsoleCtrlHandler):
    serve still runs its clean-up — the upload area goes (and a kept LibreOffice is ended)."""
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", str(folder), "--host", "127.0.0.1",
                                "--port", str(free_port()), "--no-office"], env={**command_env(), "TMPDIR": str(temp)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    try:
        for line in process.stdout:
            if "受付を始めました" in line:
                break
        assert [p.name for p in temp.iterdir()]  # the upload area, while serving
        process.send_signal(signal.SIGHUP)
        assert process.wait(60) == 0
        assert list(temp.iterdir()) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def test_a_double_clicked_reportkit_waits_for_enter_before_its_window_closes(monkeypatch, capsys):
    """reportkit.exe double-clicked: Windows opened the console for it alone (faked here); the guide stays
    until Enter. In a console the user opened (``owns_console`` False: every test here) nothing waits."""
    from reportkit.cli import console_window

    asked = []
    monkeypatch.setattr(console_window, "owns_console", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or "")
    assert cli.main([]) == 2
    assert asked == ["Enter キーを押すと閉じます。"]
    assert "reportkit build inputs" in capsys.readouterr().out
