"""Atomic writes (files/atomic.py): a write error names the file being written, never its temporary
neighbour, and leaves nothing behind; a name near the file system's limit is still written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportkit.files.atomic import atomic_path, write_bytes_atomic

from command_helpers import run_reportkit


def test_a_write_error_names_the_file_being_written_not_its_temporary(tmp_path):
    target = tmp_path / "回収状況.xlsx"
    (target / "中身").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(OSError) as failure:
        write_bytes_atomic(target, b"PK")
    assert failure.value.filename == str(target) and failure.value.filename2 is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["回収状況.xlsx"]  # no temporary file left


def test_an_error_about_another_file_keeps_its_name(tmp_path):
    missing = tmp_path / "返信" / "なくなったカード.xlsx"
    with pytest.raises(FileNotFoundError) as failure:
        with atomic_path(tmp_path / "cards" / "カード.xlsx") as staged:
            shutil.copy2(missing, staged)
    assert failure.value.filename == str(missing)
    assert list((tmp_path / "cards").iterdir()) == []


def test_a_name_near_the_file_systems_limit_is_written(tmp_path):
    target = tmp_path / ("中小企業振興" * 13 + "支援事業.xlsx")  # 251 bytes in UTF-8, of the 255 a name may take
    assert len(target.name.encode("utf-8")) == 251
    write_bytes_atomic(target, b"PK")
    assert target.read_bytes() == b"PK" and len(list(tmp_path.iterdir())) == 1


def test_the_command_line_names_the_file_it_could_not_write(serve_rolled, tmp_path):
    target = tmp_path / "回収状況.json"
    (target / "中身").mkdir(parents=True)  # a folder where the file should go
    done = run_reportkit("status", serve_rolled, "--format", "json", "-o", target)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{target}:" in done.stderr and ".tmp" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an open file through /proc")
def test_the_journal_and_the_copies_it_names_reach_the_disk_before_the_journal_says_so(tmp_path, monkeypatch):
    """A power cut after a step must not leave a journal that is empty, or that calls ready copies that are
    not on the disk: each journal write is flushed before its rename, and the prepared copies before it."""
    import os

    from reportkit.files import journal

    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("sync", os.path.realpath(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source, target):
        events.append(("rename", f"{Path(source).name}→{Path(target).name}"))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    work = tmp_path / "work"
    work.mkdir()
    copy, target = work / "copy.xlsx", tmp_path / "cards" / "card.xlsx"
    target.parent.mkdir()
    journal.move_all(work, [(copy, target)], "test", prepare=lambda: copy.write_bytes(b"card"))
    assert target.read_bytes() == b"card"
    writes = [index for index, (kind, what) in enumerate(events) if kind == "rename" and what.endswith("→journal.json")]
    assert len(writes) == 2  # written, then ready
    for index in writes:  # the temporary journal flushed just before its rename, its folder just after
        assert events[index - 1][0] == "sync" and Path(events[index - 1][1]).parent == work.resolve()
        assert events[index + 1] == ("sync", str(work.resolve()))
    assert events.index(("sync", str(copy.resolve()))) < writes[1]
