"""Renames that finish even when the process is killed: a journal written first, rolled forward later.

A run that replaces files (``accept`` filing a returned workbook and archiving the earlier one, a
build moving its new set into the output folder) works in a pending folder of its own beside them
(``pending``). ``move_all`` writes there the list of renames it will make (``journal.json``), writes
the files to move (``prepare``), marks the journal ready, makes the renames in order and removes the
journal. Killed at any point, the journal stays; the next command that reads those files calls
``complete_pending`` first:

* a journal marked ready is rolled forward from the first rename it does not count as made
  (the count is written after each): a rename whose source is gone was made (every source was
  there when the run began, every target free), as is one whose source name a later rename took
  again; any other is made now. The same holds when another process is making them at the same
  moment: both end in the same place. A target taken by anything else stops the rolling, the
  journal and its files kept: nothing is ever replaced;
* a journal not ready (killed while writing its files) moved nothing: its folder is removed once
  it is ``STALE_AFTER`` old (till then it may be a run still writing, in another process).

A rename that fails (a file Word holds open on Windows) undoes those made, through a journal of
its own (killed then, the next start finishes the undoing), and raises. ``LOCK`` keeps one
process's runs and readers apart (the desk's threads). The steps are test crash points
(``files.crashpoints``): ``<step>-journal``, ``<step>-prepared``, ``<step>-move-<n>``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic import sync_file, write_text_atomic
from .crashpoints import crashpoint

JOURNAL = "journal.json"
LOCK = threading.RLock()
STALE_AFTER = 10 * 60  # seconds: a journal not ready (or a folder without one) this old is no running process's

Moves = list[tuple[Path, Path]]


@contextmanager
def pending(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder ``parent/<prefix>…`` for one run; removed after it, unless a journal is left in it."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield folder
    finally:
        if not (folder / JOURNAL).exists():
            shutil.rmtree(folder, ignore_errors=True)


def move_all(folder: Path, moves: Moves, step: str, prepare: Callable[[], None] | None = None) -> None:
    """Make ``moves`` (source, target) in order, journaled in ``folder``; ``prepare`` writes their sources first.

    Raises the OSError of a rename that failed, the renames made before it undone."""
    journal = folder / JOURNAL
    _write(journal, moves, ready=prepare is None, done=0)
    crashpoint(f"{step}-journal")
    if prepare is not None:
        try:
            prepare()
        except BaseException:
            journal.unlink(missing_ok=True)
            raise
        for source, _target in moves:  # the copies prepared here are on the disk before the journal says so
            if source.is_file() and folder in source.parents:
                sync_file(source)
        _write(journal, moves, ready=True, done=0)
        crashpoint(f"{step}-prepared")
    done: Moves = []
    try:
        for number, (source, target) in enumerate(moves, 1):
            made = _made(moves, number - 1)
            if made is None:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(source), None, str(target))
            # made already: by another process finishing this journal (a reader starting)
            if not made and _rename(source, target):
                done.append((source, target))
            crashpoint(f"{step}-move-{number}")
            if number < len(moves):
                _write(journal, moves, ready=True, done=number)
    except OSError:
        if _all_made(moves):  # another process finished this journal meanwhile (a reader starting)
            journal.unlink(missing_ok=True)
            return
        undo = [(target, source) for source, target in reversed(done)]
        _write(journal, undo, ready=True, done=0)
        if _roll(journal, undo, 0)[1]:  # else, or on an error here, the journal stays: the next start goes on
            journal.unlink(missing_ok=True)
        raise
    journal.unlink(missing_ok=True)


def complete_pending(parent: Path, prefix: str) -> Moves:
    """Finish the journals of killed runs in ``parent/<prefix>…`` and remove their folders; the renames made.

    A folder without a journal is left alone (a run still working, or one killed before its moves:
    nothing in it is the only copy of anything), unless it is empty and ``STALE_AFTER`` old; so is one
    whose rolling finds a target taken by something else (nothing is replaced: the next start tries again)."""
    made: Moves = []
    for folder in sorted(parent.glob(prefix + "*")) if parent.is_dir() else []:
        if not folder.is_dir() or folder.is_symlink():
            continue
        journal = folder / JOURNAL
        if journal.is_file():
            try:
                moves, ready, done = _read(journal)
                age = time.time() - journal.stat().st_mtime
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not a journal this toolkit wrote, or just removed: left as it is
            if not ready and age < STALE_AFTER:
                continue  # its files are being written, maybe by a run in another process
            if ready:
                now, finished = _roll(journal, moves, done)
                made += now
                if not finished:
                    continue
            journal.unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
        elif not any(folder.iterdir()) and time.time() - folder.stat().st_mtime > STALE_AFTER:
            folder.rmdir()  # a run killed before it wrote its journal (a new one may be about to)
    return made


def _roll(journal: Path, moves: Moves, done: int) -> tuple[Moves, bool]:
    """Make the renames of a ready journal after the first ``done`` (see the module docstring), counting
    them: (those made now, False when a target is taken by something else: stopped there)."""
    made: Moves = []
    for number in range(done, len(moves)):
        source, target = moves[number]
        state = _made(moves, number)
        if state is None:
            return made, False
        if not state and _rename(source, target):
            made.append((source, target))
        try:
            _write(journal, moves, ready=True, done=number + 1)
        except FileNotFoundError:  # its folder removed: the run itself, in another process, has just ended
            break
    return made, True


def _made(moves: Moves, number: int) -> bool | None:
    """Whether rename ``number`` is made, all before it being made: True when its source is gone or its source's
    name was taken again by a later rename, False when it is to make, None when its target is taken by something else."""
    source, target = moves[number]
    if not source.exists():
        return True
    if target.exists():
        return True if any(source == later for _, later in moves[number + 1:]) else None
    return False


def _rename(source: Path, target: Path) -> bool:
    """Rename ``source`` (found there) to ``target`` (found free); False when it is made already, by this
    process before a kill or by another process finishing the same journal this very instant."""
    if not source.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except FileNotFoundError:
        if source.exists() or not target.exists():
            raise
        return False
    return True


def _all_made(moves: Moves) -> bool:
    """True when the files stand as after every rename (a name renamed on, or taken again, counted as such)."""
    for number, (source, target) in enumerate(moves):
        later = moves[number + 1:]
        if not any(target == s for s, _ in later) and not target.exists():
            return False
        if not any(source == t for _, t in later) and source.exists():
            return False
    return True


def _write(journal: Path, moves: Moves, *, ready: bool, done: int) -> None:
    base = journal.parent
    data = {"ready": ready, "done": done,
            "moves": [[os.path.relpath(source, base), os.path.relpath(target, base)] for source, target in moves]}
    write_text_atomic(journal, json.dumps(data, ensure_ascii=False, indent=1), durable=True)


def _read(journal: Path) -> tuple[Moves, bool, int]:
    base = journal.parent
    data = json.loads(journal.read_text(encoding="utf-8"))
    moves = [(Path(os.path.normpath(base / source)), Path(os.path.normpath(base / target)))
             for source, target in data["moves"]]
    return moves, bool(data["ready"]), int(data["done"])
