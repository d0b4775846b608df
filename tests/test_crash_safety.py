"""Crash safety of the round's files: a real ``reportkit`` process killed at each step of its moves.

The product kills itself where the test hook ``REPORTKIT_TEST_STOP_AT`` names a step
(``reportkit.files.crashpoints``), as ``kill -9`` does: no clean-up runs. Each test walks every step
of one run — the journal written, the copies staged, each rename — until a run goes through, and
checks after each kill that every input is intact, that no version is lost, and that the next
command's start finishes the moves and says so: one workbook a project in cards/ (never two, never
none), one whole set in the output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import count
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest

from reportkit.cli.main import main
from reportkit.collect.received import received_files
from reportkit.files.crashpoints import STOP_AT
from reportkit.serve.access import new_code

from command_helpers import command_env, run_reportkit
from serve_helpers import (LABOUR, browser_login, csrf_of, exchange, http, multipart, returned, rolled_copy,
                           server_process)
from yoy_helpers import edit, make_input_folder, sample_card

KILLED = -signal.SIGKILL if hasattr(signal, "SIGKILL") else 137
SCHOOL = "学校教育課"  # the division of the sample's 012


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digest(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) by relative path, but those under a top folder in ``skip``."""
    return {p.relative_to(folder).as_posix(): _sha(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in skip}


def _steps(run: str, prepared: bool):
    """The crash points of one run, in order (``files.journal``): then each rename, as many as there are."""
    yield f"{run}-journal"
    if prepared:
        yield f"{run}-prepared"
    for number in count(1):
        yield f"{run}-move-{number}"


def _stopping(step: str, *args) -> subprocess.CompletedProcess:
    """``reportkit ARGS`` in a subprocess that kills itself at ``step``."""
    return subprocess.run([sys.executable, "-m", "reportkit", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env={**command_env(), STOP_AT: step}, timeout=900)


# -- accept on the command line ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def accept_base(serve_rolled, tmp_path_factory):
    """(a rolled folder where 001 was accepted once, the returns to accept: 001 again under the same name, 012)."""
    base = tmp_path_factory.mktemp("crash-accept")
    folder = rolled_copy(serve_rolled, base / "inputs2014")
    first = returned(serve_rolled, base / "first" / sample_card("001").name, "001")
    assert main(["accept", str(first), "--into", str(folder)]) == 0
    again = returned(serve_rolled, base / "second" / sample_card("001").name, "001",
                     description="事業内容を書き直した二度目の提出。")
    other = returned(serve_rolled, base / "second" / sample_card("012").name, "012")
    return folder, [again, other]


def test_accept_killed_at_each_step_leaves_one_workbook_a_project_and_loses_nothing(accept_base, tmp_path):
    base, returns = accept_base
    projects = {"AOM-001": returns[0], "AOM-012": returns[1]}
    groups = received_files(base).by_project()
    old = {pid: _sha(groups[pid][0].path) for pid in projects}
    new = {pid: _sha(path) for pid, path in projects.items()}
    returns_before = {path: _sha(path) for path in returns}
    outside_before = _digest(base, skip=("cards", "archive"))
    killed = []
    for step in _steps("accept", prepared=True):
        folder = shutil.copytree(base, tmp_path / step)
        done = _stopping(step, "accept", *returns, "--into", folder)
        if done.returncode != KILLED:
            assert done.returncode == 0 and "2 件を受け付けました" in done.stdout, done.stderr
            break
        killed.append(step)
        # the instant after the kill: inputs intact, both versions of each project on disk, one readable in cards/
        assert {path: _sha(path) for path in returns} == returns_before
        assert _digest(folder, skip=("cards", "archive")) == outside_before
        kept = set(_digest(folder / "cards").values()) | set(_digest(folder / "archive").values())
        in_cards = {_sha(p) for p in (folder / "cards").rglob("*.xlsx") if not p.name.startswith(".")}
        for pid in projects:
            assert old[pid] in kept, (step, pid)
            assert old[pid] in in_cards or new[pid] in in_cards, (step, pid)
        # the next command finishes the filing, says so, and sees each project once
        status = run_reportkit("status", folder)
        placed = step != "accept-journal"  # the returns are staged whole from "prepared" on: rolled forward
        if step not in ("accept-journal", "accept-move-5"):  # after the last rename there is nothing to finish
            assert "中断されていた受付（reportkit accept）を最後まで済ませました" in status.stderr, (step, status.stderr)
        pending = list((folder / "archive").glob(".accept-*"))
        if step == "accept-journal":  # killed while copying: nothing moved; kept a while (maybe a run still copying)
            (journal,) = [p / "journal.json" for p in pending]
            hour_ago = time.time() - 3600
            os.utime(journal, (hour_ago, hour_ago))
            received_files(folder)  # stale now: removed by the next reader
        assert not list((folder / "archive").glob(".accept-*")), step
        received = received_files(folder)
        assert not [i for i in received.validation.issues if i.code == "duplicate-project-id"], step
        for pid in projects:
            (only,) = received.by_project()[pid]
            assert _sha(only.path) == (new[pid] if placed else old[pid]), (step, pid)
            archived = {_sha(p) for p in (folder / "archive" / pid).glob("*")} if placed else set()
            assert (old[pid] in archived) == placed, (step, pid)
        assert (folder / "cards" / LABOUR / sample_card("001").name).is_file()  # its own name back at the end
    # every step was tried: the journal, the two staged copies, 001 in / out / renamed, 012 in / out
    assert killed == ["accept-journal", "accept-prepared", *(f"accept-move-{n}" for n in range(1, 6))]


def test_a_reader_after_a_killed_accept_finishes_it_before_listing_the_cards(accept_base, tmp_path):
    """Not only the command line: any reader of the cards (here the library's status) finishes first."""
    base, returns = accept_base
    folder = shutil.copytree(base, tmp_path / "inputs2014")
    assert _stopping("accept-move-1", "accept", returns[0], "--into", folder).returncode == KILLED
    old_name = folder / "cards" / LABOUR / sample_card("001").name
    # killed with the new 001 in cards/ under a second name, the earlier one still there: two files of one project
    assert sorted(p.name for p in old_name.parent.glob("*.xlsx")) == [old_name.name, f"{old_name.stem}_2.xlsx"]
    received = received_files(folder)
    (only,) = received.by_project()["AOM-001"]
    assert only.path == old_name and _sha(only.path) == _sha(returns[0])
    assert not [i for i in received.validation.issues if i.code == "duplicate-project-id"]


# -- a submission on the desk -----------------------------------------------------------------------

def test_the_desk_killed_at_each_step_of_a_submission_keeps_the_project_and_restarts(serve_rolled, tmp_path,
                                                                                     monkeypatch):
    fixed = returned(serve_rolled, tmp_path / "ret" / "001.xlsx", "001")
    data, content_type = multipart(fixed)
    old = _sha(serve_rolled / "cards" / sample_card("001").name)
    killed = []
    for step in _steps("accept", prepared=True):
        folder = rolled_copy(serve_rolled, tmp_path / step / "inputs2014")
        labour = new_code(folder, division=LABOUR)
        monkeypatch.setenv(STOP_AT, step)
        with server_process(folder) as (base, process):
            monkeypatch.delenv(STOP_AT)
            try:
                status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
            except OSError:  # the connection dropped: the server killed itself mid-request
                status = None
            if status == 200:
                assert json.loads(body)["project_id"] == "AOM-001"
                break
            assert process.wait(30) == KILLED, step
        killed.append(step)
        in_cards = [p for p in (folder / "cards").rglob("*.xlsx") if not p.name.startswith(".")]
        assert old in {_sha(p) for p in in_cards} | set(_digest(folder / "archive").values()), step
        assert {old, _sha(fixed)} & {_sha(p) for p in in_cards}, step  # a readable workbook for 001 in cards/
        with server_process(folder) as (base, process):  # the next start finishes the filing
            status, body = http(f"{base}/api/status", code=labour)
            said = (folder.parent / f"server-{urlparse(base).port}.log").read_text(encoding="utf-8")
        assert status == 200
        (project,) = [p for p in json.loads(body)["projects"] if p["project_id"] == "AOM-001"]
        placed = step != "accept-journal"
        assert (project["state"] in ("ok", "warnings")) == placed, (step, project)
        if step in ("accept-prepared", "accept-move-1"):
            assert "中断されていた受付" in said, said
        (only,) = received_files(folder).by_project()["AOM-001"]
        assert _sha(only.path) == (_sha(fixed) if placed else old), step
        assert placed != bool(list((folder / "archive").glob(".accept-*")))  # a fresh unready journal kept a while
    assert killed == ["accept-journal", "accept-prepared", "accept-move-1", "accept-move-2"]


# -- a build ----------------------------------------------------------------------------------------

SET = ("report.docx", "report.json", "projects.xlsx")


@pytest.fixture(scope="module")
def build_base(tmp_path_factory):
    """(inputs, the last good outputs, the new set those inputs build, inputs with an error)."""
    base = tmp_path_factory.mktemp("crash-build")
    inputs = make_input_folder(base / "inputs")
    last_good = base / "last-good"
    assert run_reportkit("build", inputs, "-o", last_good, "--no-page-numbers").returncode == 0
    card = inputs / "cards" / sample_card("001").name
    edit(card, {"cost": 4321})
    new = base / "new"
    assert run_reportkit("build", inputs, "-o", new, "--no-page-numbers").returncode == 0
    broken = shutil.copytree(inputs, base / "broken")
    edit(broken / "cards" / card.name, {"cost": "未定"})
    return inputs, last_good, new, broken


def test_a_build_killed_at_each_step_of_its_moves_leaves_a_whole_set(build_base, tmp_path):
    inputs, last_good, new, broken = build_base
    old_set, new_set = _digest(last_good), _digest(new)
    assert sorted(old_set) == sorted(new_set) == sorted(SET)
    assert all(old_set[name] != new_set[name] for name in ("report.docx", "report.json"))
    inputs_before = _digest(inputs)
    killed = []
    for step in _steps("build", prepared=False):
        out = shutil.copytree(last_good, tmp_path / step)
        done = _stopping(step, "build", inputs, "-o", out, "--no-page-numbers")
        if done.returncode != KILLED:
            assert done.returncode == 0, done.stderr
            assert _digest(out) == new_set
            break
        killed.append(step)
        assert _digest(inputs) == inputs_before
        on_disk = set(_digest(out).values())  # the output folder with its staging folder: nothing of either set lost
        assert set(old_set.values()) <= on_disk and {new_set[n] for n in ("report.docx", "report.json")} <= on_disk
        # the next command — a build refused for an error in its inputs — first makes the set whole, and says so
        refused = run_reportkit("build", broken, "-o", out, "--no-page-numbers")
        assert refused.returncode == 1, refused.stderr
        if step != "build-move-6":  # after the last rename there is nothing to finish
            assert "中断されていた報告書の作成" in refused.stderr, (step, refused.stderr)
        assert sorted(p.name for p in out.iterdir()) == sorted(SET), step  # no staging folder, no mix
        whole = _digest(out)
        assert {n: whole[n] for n in ("report.docx", "report.json")} == {
            n: new_set[n] for n in ("report.docx", "report.json")}, step  # the new set, rolled forward
    # three earlier files set aside, three new ones moved in: each step tried
    assert killed == ["build-journal", *(f"build-move-{n}" for n in range(1, 7))]


def test_a_starting_server_finishes_a_killed_build_and_never_sweeps_its_set(build_base, tmp_path):
    inputs, last_good, new, _ = build_base
    folder = shutil.copytree(inputs, tmp_path / "inputs")
    out = shutil.copytree(last_good, tmp_path / "outputs")
    assert _stopping("build-move-4", "build", folder, "-o", out, "--no-page-numbers").returncode == KILLED
    # killed with the old set aside and one new file in: report.docx new, the rest still in the staging folder
    (staging,) = out.glob(".build-*")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["report.docx"]
    hour_ago = time.time() - 3600  # older than the sweep's 15 minutes
    for path in [*staging.rglob("*"), staging]:
        os.utime(path, (hour_ago, hour_ago))
    with server_process(folder, "--outputs", str(out)) as (base, _):
        said = (folder.parent / f"server-{urlparse(base).port}.log").read_text(encoding="utf-8")
    assert "中断されていた報告書の作成" in said, said
    assert sorted(p.name for p in out.iterdir()) == sorted(SET)
    new_set, whole = _digest(new), _digest(out)
    assert whole["report.docx"] == new_set["report.docx"] and whole["report.json"] == new_set["report.json"]



def test_diff_of_a_killed_builds_report_json_finishes_the_set_first(build_base, tmp_path):
    """`diff OLD/report.json NEW/report.json --redline`, the README's command, names files, not folders: the
    folder of each file is finished too, so the redline finds the new report.docx the kill left aside."""
    inputs, last_good, new, _ = build_base
    out = shutil.copytree(last_good, tmp_path / "outputs")
    assert _stopping("build-move-1", "build", inputs, "-o", out, "--no-page-numbers").returncode == KILLED
    assert not (out / "report.docx").exists()  # set aside, the new one still in the staging folder
    done = run_reportkit("diff", last_good / "report.json", out / "report.json", "--redline", "-o", tmp_path / "diff")
    assert done.returncode == 0, done.stderr
    assert "中断されていた報告書の作成" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(SET) and (tmp_path / "diff" / "redline.docx").is_file()
    assert _digest(out)["report.docx"] == _digest(new)["report.docx"]


def test_the_desks_build_killed_while_moving_its_set_in_is_finished_by_the_next_start(build_base, tmp_path,
                                                                                       monkeypatch):
    inputs, last_good, _, _ = build_base
    folder = shutil.copytree(inputs, tmp_path / "inputs")
    out = shutil.copytree(last_good, tmp_path / "outputs")
    old_set = _digest(last_good)
    secretariat = new_code(folder, secretariat=True)
    monkeypatch.setenv(STOP_AT, "build-move-4")  # the old set aside, report.docx new: the rest in the staging folder
    with server_process(folder, "--outputs", str(out)) as (base, process):
        monkeypatch.delenv(STOP_AT)
        status, cookie = browser_login(base, "事務局", secretariat)
        assert status == 302
        _, _, page = exchange(base, "/desk", headers={"Cookie": cookie})
        status, _, _ = exchange(base, "/desk/build", method="POST", body=urlencode({"csrf": csrf_of(page)}).encode(),
                                headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302
        assert process.wait(600) == KILLED  # the background build reached its fourth rename
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["report.docx"]
    with server_process(folder, "--outputs", str(out)) as (base, _):
        said = (folder.parent / f"server-{urlparse(base).port}.log").read_text(encoding="utf-8")
    assert "中断されていた報告書の作成" in said, said
    assert sorted(p.name for p in out.iterdir()) == sorted(SET)  # whole, and no staging folder left
    whole = _digest(out)
    assert all(whole[name] != old_set[name] for name in SET)  # every file the new build's


# -- the journal on its own: another process finishing it, a kill while undoing ----------------------

from reportkit.files import journal as journal_module


class _Killed(BaseException):
    """Stands for kill -9 inside the test process: nothing catches it, the journal stays."""


def _chain(tmp_path: Path):
    """accept's chain: a return named like the version it replaces (in, old out, renamed back), and a second."""
    cards, archive = tmp_path / "cards", tmp_path / "archive"
    (cards / "div").mkdir(parents=True)
    (cards / "div" / "001.xlsx").write_bytes(b"old 001")
    (cards / "012.xlsx").write_bytes(b"old 012")
    return cards, archive


def _file_chain(cards: Path, archive: Path, work: Path) -> None:
    moves = [(work / "1.xlsx", cards / "div" / "001_2.xlsx"), (cards / "div" / "001.xlsx", archive / "001" / "a.xlsx"),
             (cards / "div" / "001_2.xlsx", cards / "div" / "001.xlsx"),
             (work / "2.xlsx", cards / "div" / "012.xlsx"), (cards / "012.xlsx", archive / "012" / "a.xlsx")]

    def prepare():
        (work / "1.xlsx").write_bytes(b"new 001")
        (work / "2.xlsx").write_bytes(b"new 012")

    journal_module.move_all(work, moves, "accept", prepare=prepare)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


FILED = {"archive/001/a.xlsx": b"old 001", "archive/012/a.xlsx": b"old 012",
         "cards/div/001.xlsx": b"new 001", "cards/div/012.xlsx": b"new 012"}


@pytest.mark.parametrize("step", ["accept-prepared", *(f"accept-move-{n}" for n in range(1, 6))])
def test_a_reader_finishing_the_journal_while_the_run_goes_on_ends_as_made(tmp_path, monkeypatch, step):
    """Another process's reader finishing the very journal a run is making, at each step: both end filed."""
    cards, archive = _chain(tmp_path)
    finished = []

    def reader_at(name):
        if name == step:
            finished.append(journal_module.complete_pending(archive, ".accept-"))

    monkeypatch.setattr(journal_module, "crashpoint", reader_at)
    with journal_module.pending(archive, ".accept-") as work:
        _file_chain(cards, archive, work)  # no error: the renames the reader made count as made
    assert finished and _files(tmp_path) == FILED


@pytest.mark.parametrize("step", ["accept-prepared", *(f"accept-move-{n}" for n in range(1, 5))])
def test_a_chain_killed_at_each_step_ends_as_made(tmp_path, monkeypatch, step):
    cards, archive = _chain(tmp_path)

    def killed_at(name):
        if name == step:
            raise _Killed

    monkeypatch.setattr(journal_module, "crashpoint", killed_at)
    with pytest.raises(_Killed):
        with journal_module.pending(archive, ".accept-") as work:
            _file_chain(cards, archive, work)
    assert journal_module.complete_pending(archive, ".accept-")
    assert _files(tmp_path) == FILED


def test_a_failed_rename_undone_and_killed_while_undoing_ends_as_before(tmp_path, monkeypatch):
    """The fourth rename fails (Word holds the file); killed after the first rename of the undoing."""
    cards, archive = _chain(tmp_path)
    before = _files(tmp_path)
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append((source, target))
        if len(calls) == 4:
            raise PermissionError(13, "アクセスが拒否されました。", str(source))
        if len(calls) == 6:  # the second rename of the undoing
            raise _Killed
        return real_replace(source, target)

    monkeypatch.setattr(journal_module.os, "replace", replace)
    with pytest.raises(_Killed):
        with journal_module.pending(archive, ".accept-") as work:
            _file_chain(cards, archive, work)
    monkeypatch.setattr(journal_module.os, "replace", real_replace)
    assert journal_module.complete_pending(archive, ".accept-")
    assert _files(tmp_path) == before  # the earlier versions back in place, nothing half done, no pending folder
