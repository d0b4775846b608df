"""One process at a time changes an input folder (files/folder_lock.py): a second accept or abolish waits, and
after the wait does nothing and says so; the lock goes with its process, however that process ends.

A real second process holds the lock (a Python subprocess), on the rolled sample with a real return.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportkit.collect.abolish import abolish
from reportkit.collect.accept import accept
from reportkit.errors import FolderBusy
from reportkit.files import folder_lock
from reportkit.inputs.input_folder import InputFolder

from serve_helpers import digest, returned

HOLD = """
import sys, time
from pathlib import Path
from reportkit.files.folder_lock import changing
with changing(Path(sys.argv[1]), Path(sys.argv[2])):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def held(serve_rolled, tmp_path):
    """A copy of the rolled folder whose lock another process holds: (folder, that process)."""
    folder = shutil.copytree(serve_rolled, tmp_path / "inputs2014")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(InputFolder(folder).changing_lock), str(folder)],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert holder.stdout.readline().strip() == "held"
    yield folder, holder
    holder.kill()
    holder.wait(timeout=30)


def test_accept_waits_for_the_other_process_then_does_nothing_and_says_so(held, serve_rolled, tmp_path, monkeypatch):
    folder, _holder = held
    monkeypatch.setattr(folder_lock, "WAIT_SECONDS", 0.5)
    back = returned(serve_rolled, tmp_path / "返信" / "001_返信.xlsx", "001")
    before = digest(folder)
    started = time.monotonic()
    with pytest.raises(FolderBusy) as refused:
        accept([back], folder)
    assert time.monotonic() - started >= 0.5
    assert "別の処理" in str(refused.value) and "何も変更していません" in str(refused.value)
    assert digest(folder) == before and back.is_file()


def test_abolish_waits_likewise(held, monkeypatch):
    folder, _holder = held
    monkeypatch.setattr(folder_lock, "WAIT_SECONDS", 0.5)
    with pytest.raises(FolderBusy):
        abolish(folder, "AOM-001", "国の制度の終了により廃止")
    assert not InputFolder(folder).abolished.exists()


def test_the_lock_goes_with_a_killed_process(held, serve_rolled, tmp_path, monkeypatch):
    folder, holder = held
    holder.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no chance to let go itself
    holder.wait(timeout=30)
    monkeypatch.setattr(folder_lock, "WAIT_SECONDS", 5)
    back = returned(serve_rolled, tmp_path / "返信" / "001_返信.xlsx", "001")
    (filed,) = accept([back], folder)
    assert filed.target.is_file() and filed.target.read_bytes() == back.read_bytes()
