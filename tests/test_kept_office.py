"""A LibreOffice kept running (libreoffice.uno_helper.KeptOffice, started by ``reportkit serve``): every page pass
loads its document into it instead of starting its own, with the same pages; a dead or silent one is
passed over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reportkit.libreoffice.uno_helper as uno_module
from builders_report import cards, config, multi_year
from reportkit.report.aggregate import aggregate
from reportkit.libreoffice.pages import bookmark_pages, printed_pages, update_page_numbers
from reportkit.libreoffice.uno_helper import KEPT_FOLDER, KeptOffice, kept_office
from reportkit.render import render_report
from reportkit.render.package import write_cached_pagerefs
from reportkit.inputs.statistics import read_statistics
from reportkit.inputs.year_inputs import read_narratives
from serve_helpers import rolled_copy, server_process
from yoy_helpers import make_input_folder

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def python(uno_interpreter) -> str:
    return uno_interpreter


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kept")
    cfg = config()
    docx = folder / "report.docx"
    render_report(aggregate(cfg, cards(), multi_year()), cfg,
                  read_narratives(FIXTURES / "narratives"), read_statistics(FIXTURES / "statistics"), docx)
    return docx


def _office_command_lines() -> str:
    """The command lines of the LibreOffice processes running now (POSIX /proc; empty elsewhere)."""
    lines = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
        except OSError:
            continue
    return "\n".join(line for line in lines if "soffice" in line)


def _entries(cache: Path) -> list[dict]:
    """The kept LibreOffices registered in the user cache ``cache`` (one file per server)."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted((cache / KEPT_FOLDER).glob("*.json"))]


def _recording_passes(monkeypatch) -> list[dict]:
    """Wrap uno_helper.layout_pages: record each call's pipe and whether it returned."""
    calls: list[dict] = []
    original = uno_module.layout_pages

    def recording(*args, **kwargs):
        call = {"pipe": kwargs.get("pipe"), "ok": False}
        calls.append(call)
        result = original(*args, **kwargs)
        call["ok"] = True
        return result

    monkeypatch.setattr(uno_module, "layout_pages", recording)
    return calls


def _pages(docx: Path, tmp_path: Path, name: str, soffice: str, pdf: bool = False):
    copy = tmp_path / name
    copy.write_bytes(docx.read_bytes())
    return update_page_numbers(copy, tmp_path / f"{name}.pdf" if pdf else None, soffice=soffice,
                               write_pages=write_cached_pagerefs), copy


def test_passes_use_the_kept_office_and_give_the_same_pages(report_docx, soffice, python, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    alone, alone_docx = _pages(report_docx, tmp_path, "alone.docx", soffice)
    with KeptOffice(soffice, python, tmp_path / "cache" / KEPT_FOLDER).start() as office:
        assert office.wait_ready()
        (registered,) = _entries(tmp_path / "cache")
        assert registered["pipe"] == office.pipe and registered["pid"] == office.process.pid
        calls = _recording_passes(monkeypatch)
        first, first_docx = _pages(report_docx, tmp_path, "first.docx", soffice)
        second, _ = _pages(report_docx, tmp_path, "second.docx", soffice, pdf=True)
        # both passes loaded their document into the kept LibreOffice (a pass with a pipe never starts one)
        assert calls == [{"pipe": office.pipe, "ok": True}, {"pipe": office.pipe, "ok": True}]
        assert office.running
        assert first == alone and second == alone and first.page_count == alone.page_count > 10
        assert first_docx.read_bytes() == alone_docx.read_bytes()  # the same numbers written
        # the PDF exported from the kept office's layout: its named destinations are the pages read
        assert printed_pages(bookmark_pages(tmp_path / "second.docx.pdf")) == dict(second)
        profile = office.profile
    assert not office.running and not profile.exists()
    assert office.pipe not in _office_command_lines()
    assert _entries(tmp_path / "cache") == []
    assert kept_office() is None


def test_a_kept_office_that_died_is_passed_over_and_restarted(report_docx, soffice, python, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    with KeptOffice(soffice, python, None).start() as office:
        first_pipe = office.pipe
        calls = _recording_passes(monkeypatch)
        uno_module.kill_office(office.process)  # LibreOffice crashed
        assert kept_office() is None  # not running: not offered
        pages, _ = _pages(report_docx, tmp_path, "a.docx", soffice)
        assert calls == [{"pipe": None, "ok": True}] and pages.page_count > 10
        # one that is running but does not answer (a hung LibreOffice): the pass starts its own, the kept one restarts
        office.start()
        silent = office.pipe
        monkeypatch.setattr(office, "pipe", "reportkit_nobody_listens_here")
        monkeypatch.setattr(uno_module, "STARTING_WAIT", 2.0)
        calls.clear()
        again, _ = _pages(report_docx, tmp_path, "b.docx", soffice)
        assert [c["pipe"] for c in calls] == ["reportkit_nobody_listens_here", None] and calls[1]["ok"]
        assert again == pages
        assert office.running and office.pipe not in (first_pipe, silent, "reportkit_nobody_listens_here")
    running = _office_command_lines()
    assert first_pipe not in running and silent not in running and office.pipe not in running  # none left behind


def test_a_stale_registration_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)
    registration = tmp_path / KEPT_FOLDER / "reportkit_gone.json"
    registration.parent.mkdir()
    registration.write_text(json.dumps({"pipe": "reportkit_gone", "pid": dead}), encoding="utf-8")
    if os.name == "posix":
        assert kept_office() is None
    registration.write_text("not json", encoding="utf-8")
    assert kept_office() is None
    registration.write_text(json.dumps({"pipe": "reportkit_here", "pid": os.getpid()}), encoding="utf-8")
    assert kept_office() == ("reportkit_here", uno_module.REGISTERED_WAIT, None)


def test_serve_keeps_one_office_that_a_build_elsewhere_reuses(soffice, python, report_docx, tmp_path, monkeypatch,
                                                               serve_rolled):
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    with server_process(folder, office=True) as (_, server):
        assert _wait_for(lambda: _entries(cache), 30)
        (entry,) = _entries(cache)
        assert _answers(entry["pipe"], soffice, python)  # a build elsewhere waits only seconds for a registered one
        calls = _recording_passes(monkeypatch)
        pages, _ = _pages(report_docx, tmp_path, "elsewhere.docx", soffice)  # this process is not the server
        assert calls == [{"pipe": entry["pipe"], "ok": True}] and pages.page_count > 10
        server.terminate()
        server.wait(60)
    assert _entries(cache) == []  # the server ended its LibreOffice and unregistered it
    assert entry["pipe"] not in _office_command_lines()
    if os.name == "posix":
        with pytest.raises(ProcessLookupError):
            os.kill(entry["pid"], 0)


def test_a_build_starts_its_libreoffice_while_it_reads_the_cards(soffice, python, tmp_path, monkeypatch):
    import reportkit.report.build as build_module
    from reportkit.report.build import build_report
    from reportkit.errors import ValidationFailed

    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    folder = make_input_folder(tmp_path / "inputs")
    seen = []
    original = build_module.validate_folder

    def validating(*args, **kwargs):
        seen.append(uno_module._kept)  # the build's own LibreOffice, already starting
        return original(*args, **kwargs)

    monkeypatch.setattr(build_module, "validate_folder", validating)
    calls = _recording_passes(monkeypatch)
    result = build_report(folder, tmp_path / "out")
    office = seen[0]
    assert office is not None and office.registry is None  # this build's alone, not offered to others
    assert calls == [{"pipe": office.pipe, "ok": True}] and result.page_numbers_checked
    assert uno_module._kept is None and not office.running
    assert _wait_for(lambda: office.pipe not in _office_command_lines(), 10)  # a killed process takes a moment
    # a refused build ends its LibreOffice at once
    from openpyxl import load_workbook

    broken = next((folder / "cards").glob("*.xlsx"))
    workbook = load_workbook(broken)
    sheet_name, cell = next(workbook.defined_names["project_name"].destinations)
    workbook[sheet_name][cell.replace("$", "")] = None
    workbook.save(broken)
    seen.clear()
    with pytest.raises(ValidationFailed):
        build_report(folder, tmp_path / "out2")
    assert seen[0] is not None and not seen[0].running
    assert _wait_for(lambda: seen[0].pipe not in _office_command_lines(), 10)
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())


def test_no_libreoffice_is_started_for_a_build_without_page_numbers(tmp_path, monkeypatch):
    from reportkit.report.build import build_report

    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    started = []
    monkeypatch.setattr(uno_module.KeptOffice, "start", lambda self: started.append(self) or self)
    build_report(make_input_folder(tmp_path / "inputs", ("001", "002")), tmp_path / "out", page_numbers=False)
    assert started == []


def test_the_uno_interpreter_is_found_once_and_again_when_a_candidate_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("REPORTKIT_UNO_PYTHON", raising=False)
    probes = []
    original = subprocess.run

    def counting(command, *args, **kwargs):
        if "-c" in command and uno_module._PROBE in command:
            probes.append(command[0])
        return original(command, *args, **kwargs)

    monkeypatch.setattr(uno_module.subprocess, "run", counting)
    soffice = tmp_path / "program" / "soffice"
    soffice.parent.mkdir()
    soffice.write_text("not LibreOffice")
    uno_module.uno_python.cache_clear()
    first = uno_module.uno_python(str(soffice))
    assert probes  # tried the candidates
    tried = len(probes)
    uno_module.uno_python.cache_clear()  # as a new process
    assert uno_module.uno_python(str(soffice)) == first and len(probes) == tried  # from the user cache
    (soffice.parent / "python").write_text("#!/bin/sh\nexit 1\n")  # LibreOffice's folder got an interpreter
    uno_module.uno_python.cache_clear()
    assert uno_module.uno_python(str(soffice)) == first and len(probes) > tried  # tried again
    uno_module.uno_python.cache_clear()


def _answers(pipe: str, soffice: str, python: str) -> bool:
    """Wait (up to a minute) until the LibreOffice on ``pipe`` answers over UNO."""
    probe = KeptOffice(soffice, python, None)
    probe.pipe = pipe
    return probe.wait_ready(60)


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.mark.skipif(os.name != "posix", reason="a killed owner is told from /proc and signals (POSIX)")
def test_a_killed_servers_libreoffice_is_not_used_and_the_next_server_ends_it(soffice, python, tmp_path, monkeypatch,
                                                                            serve_rolled):
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))
    monkeypatch.setenv("TMPDIR", str(temp))  # the servers' scratch and profile folders
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    with server_process(folder, office=True) as (_, server):
        assert _wait_for(lambda: _entries(cache))
        (entry,) = _entries(cache)
        assert entry["owner"] == server.pid and Path(entry["profile"]).parent == temp
        assert len(list(temp.glob("reportkit-serve-*"))) == 1  # its upload area
        # The registration may be written while its LibreOffice is still starting: wait until it runs
        assert _wait_for(lambda: entry["pipe"] in _office_command_lines())
        server.kill()  # no chance to clean up
        server.wait(30)
    assert _wait_for(lambda: entry["pipe"] in _office_command_lines(), 5)  # the orphan runs on …
    assert kept_office() is None  # … but no build uses it
    with server_process(folder, office=True) as (_, second):
        assert _wait_for(lambda: [e["pipe"] for e in _entries(cache)] not in ([], [entry["pipe"]]))
        assert _wait_for(lambda: entry["pipe"] not in _office_command_lines())  # the next server ended it
        assert not Path(entry["profile"]).exists()
        assert entry["pipe"] not in [e["pipe"] for e in _entries(cache)]  # its registration went with it
        second.terminate()
        second.wait(60)
    assert _entries(cache) == []
    assert not list(temp.glob("reportkit-serve-*"))  # the next server swept the killed one's; the stopped one removed its own


def test_two_servers_on_one_machine_keep_one_registration_each(soffice, python, report_docx, tmp_path, monkeypatch,
                                                               serve_rolled):
    """The second server neither replaces the first's registration nor removes it when it stops."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))
    first_folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    second_folder = rolled_copy(serve_rolled, tmp_path / "other" / "inputs2014")
    with server_process(first_folder, office=True) as (_, first):
        assert _wait_for(lambda: len(_entries(cache)) == 1)
        (mine,) = _entries(cache)
        assert mine["owner"] == first.pid
        with server_process(second_folder, office=True) as (_, second):
            assert _wait_for(lambda: len(_entries(cache)) == 2)
            assert {e["owner"] for e in _entries(cache)} == {first.pid, second.pid}
            assert mine in _entries(cache)  # not replaced
            second.terminate()
            second.wait(60)
        assert _entries(cache) == [mine]  # the second removed its own registration only
        assert _wait_for(lambda: mine["pipe"] in _office_command_lines())
        calls = _recording_passes(monkeypatch)
        pages, _ = _pages(report_docx, tmp_path, "after.docx", soffice)  # a build elsewhere still finds the first's
        assert calls == [{"pipe": mine["pipe"], "ok": True}] and pages.page_count > 10
        first.terminate()
        first.wait(60)
    assert _entries(cache) == []
