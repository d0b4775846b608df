"""Renames that finish even when the process is killed: a journal written first, rolled forward later.

A run that replaces files (``accept`` filing a returned workbook and archiving the earlier one, a
build moving its new set into the output folder) works in a pending folder of its own beside them
(``pending``). ``move_all`` writes there the list of renames it will make (``journal.json``), then
makes them in order, counting each one made in the journal, then removes the journal. Killed at
any point, the journal stays; the next command that reads those files calls ``complete_pending``
first, which makes the renames still to do, from the first one not counted:

* the first of them may have been made just before the kill: made when its source is gone and
  its target there;
* any other is made when its source is there; one whose source is missing (a file never
  finished: the run was killed while writing it) ends the journal there, the renames after it
  dropped, so no step runs without the ones before it. A target found taken ends it too:
  nothing is ever replaced.

(The count matters: a file may be renamed twice, ``a → b`` then ``b → c``, and a target may take the
name of a file moved away before, so what is on disk alone does not tell which renames were made.)

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic import write_text_atomic
from .crashpoints import crashpoint

JOURNAL = "journal.json"
LOCK = threading.RLock()

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
    _write(journal, moves, 0)
    crashpoint(f"{step}-journal")
    if prepare is not None:
        try:
            prepare()
        except BaseException:
            journal.unlink(missing_ok=True)
            raise
        crashpoint(f"{step}-prepared")
    done: Moves = []
    try:
        for number, (source, target) in enumerate(moves, 1):
            if target.exists():
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(source), None, str(target))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            done.append((source, target))
            crashpoint(f"{step}-move-{number}")
            if number < len(moves):
                _write(journal, moves, number)
    except OSError:
        undo = [(target, source) for source, target in reversed(done)]
        _write(journal, undo, 0)
        _roll(journal, undo, 0)  # an error here keeps the journal: the next start finishes the undoing
        journal.unlink()
        raise
    journal.unlink()


def complete_pending(parent: Path, prefix: str) -> Moves:
    """Finish the journals of killed runs in ``parent/<prefix>…`` and remove their folders; the renames made.

    A folder without a journal is left alone (a run still working, or one killed before its moves:
    nothing in it is the only copy of anything), unless it is empty."""
    made: Moves = []
    for folder in sorted(parent.glob(prefix + "*")) if parent.is_dir() else []:
        if not folder.is_dir() or folder.is_symlink():
            continue
        journal = folder / JOURNAL
        if journal.is_file():
            try:
                moves, done = _read(journal)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not a journal this toolkit wrote: left as it is
            made += _roll(journal, moves, done)
            journal.unlink()
            shutil.rmtree(folder, ignore_errors=True)
        elif not any(folder.iterdir()):
            folder.rmdir()
    return made


def _roll(journal: Path, moves: Moves, done: int) -> Moves:
    """Make the renames of ``journal`` after the first ``done`` (see the module docstring), counting them; those made."""
    made: Moves = []
    for number, (source, target) in enumerate(moves[done:], done + 1):
        if not source.exists():
            if number == done + 1 and target.exists():
                continue  # made just before the kill, not yet counted
            break
        if target.exists():
            break
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        made.append((source, target))
        _write(journal, moves, number)
    return made


def _write(journal: Path, moves: Moves, done: int) -> None:
    base = journal.parent
    data = {"done": done,
            "moves": [[os.path.relpath(source, base), os.path.relpath(target, base)] for source, target in moves]}
    write_text_atomic(journal, json.dumps(data, ensure_ascii=False, indent=1))


def _read(journal: Path) -> tuple[Moves, int]:
    base = journal.parent
    data = json.loads(journal.read_text(encoding="utf-8"))
    moves = [(Path(os.path.normpath(base / source)), Path(os.path.normpath(base / target)))
             for source, target in data["moves"]]
    return moves, int(data["done"])
