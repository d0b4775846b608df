"""A per-workbook cache of the validated card: a rebuild reads only the workbooks that changed.

One entry per checked workbook holds what ``validate._check_file`` returned — the SourcedCard (or
none), its issues and its division — as JSON (pydantic, no pickle). The key is the sha256 of the
file's bytes, the name issues give the file, the hash of the year's configuration, the toolkit's
version, a digest of the toolkit's own source and CACHE_FORMAT, so an entry is never trusted across
versions or code changes. Entries live in the user's cache folder beside the projects.xlsx cache
(``REPORTKIT_CACHE`` names another folder, ``off`` disables); deleting the folder is always safe.
A missing, unreadable or corrupted entry is ignored and the workbook is read again; entries are
written atomically and never next to the inputs. Folder-wide rules are not cached: they run on
every build over all cards. Bounded: an entry over MAX_ENTRY_BYTES is not written (a real card's is
about 10 KB), and when the entries pass MAX_CACHE_BYTES together the oldest are deleted (entries of
an earlier version of the code are never read again, so they would otherwise pile up).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_serializer

from .. import __version__
from ..inputs.config import ReportConfig
from ..issues import Issue
from ..model import SourcedCard
from ..usercache import cache_folder

CACHE_FORMAT = 3  # bump when the entry's shape or meaning changes
_MAX_CACHED_BYTES = 20 * 1024 * 1024  # larger files are refused by the reader anyway: never hash them
MAX_ENTRY_BYTES = 1024 * 1024  # the sample's largest entry is 11 KB
MAX_CACHE_BYTES = 200 * 1024 * 1024  # all entries together; past it the oldest go, down to three quarters
PRUNE_EVERY = 64  # entries written between two looks at the total (and at the first write of a process)
_written = 0

Checked = tuple["SourcedCard | None", "list[Issue]", str]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int
    key: str
    sourced: SourcedCard | None
    issues: list[Issue]
    department: str

    @field_serializer("issues")
    def _issues_with_params(self, issues: list[Issue]) -> list[dict]:
        """Each Issue with its ``params``, which Issue's own dump leaves out."""
        return [issue.model_dump(mode="json") | {"params": issue.params} for issue in issues]


def cards_cache_folder() -> Path | None:
    return cache_folder("cards")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The toolkit's version and a digest of its source: any change to the code invalidates every entry."""
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]  # the whole reportkit package
    for path in sorted(package.rglob("*.py")):
        try:
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
        except OSError:  # an unreadable source file: never reuse anything
            digest.update(os.urandom(16))
    return digest.hexdigest()


def _config_digest(config: ReportConfig) -> str:
    return hashlib.sha256(config.model_dump_json().encode("utf-8")).hexdigest()


def cached_check(path: Path, config: ReportConfig, display_name: str | None,
                 check: Callable[..., Checked]) -> Checked:
    """``check(path, config, display_name)``, or what it returned before for the same bytes, name and config.

    When the entry is not there, ``check`` gets the bytes hashed as ``content=`` (the workbook is read once).
    """
    folder = cards_cache_folder()
    if folder is None:
        return check(path, config, display_name)
    path = Path(path)
    try:
        before = path.stat()
        if not 0 < before.st_size <= _MAX_CACHED_BYTES or not path.is_file():
            return check(path, config, display_name)
        data = path.read_bytes()
        content = hashlib.sha256(data).hexdigest()
    except OSError:
        return check(path, config, display_name)
    name = display_name or path.name
    key = hashlib.sha256("\0".join([content, path.suffix.lower(), name, _config_digest(config), _code_digest()])
                         .encode("utf-8")).hexdigest()
    entry_path = folder / key[:2] / f"{key}.json"
    try:
        entry = _Entry.model_validate_json(entry_path.read_bytes())
        if entry.format == CACHE_FORMAT and entry.key == key:
            return entry.sourced, list(entry.issues), entry.department
    except (OSError, ValueError):  # missing or corrupted: read the workbook again
        pass
    sourced, issues, department = check(path, config, display_name, content=data)  # the bytes read: not again
    try:
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):  # not changed meanwhile
            from ..files.atomic import write_bytes_atomic

            data = _Entry(format=CACHE_FORMAT, key=key, sourced=sourced, issues=issues, department=department)
            encoded = data.model_dump_json().encode("utf-8")
            if len(encoded) <= MAX_ENTRY_BYTES:
                write_bytes_atomic(entry_path, encoded)
                _after_write(folder)
    except (OSError, ValueError):  # a read-only cache folder only costs the speed-up
        pass
    return sourced, issues, department


def _after_write(folder: Path) -> None:
    global _written
    _written += 1
    if _written % PRUNE_EVERY == 1:
        prune(folder)


def prune(folder: Path, limit: int = MAX_CACHE_BYTES) -> int:
    """Delete the oldest entries until those left hold at most three quarters of ``limit`` bytes, when
    they hold more than ``limit``; returns how many were deleted."""
    entries = []
    for path in folder.glob("*/*.json"):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return 0
    deleted = 0
    for _, size, path in sorted(entries):
        if total <= limit * 3 // 4:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        deleted += 1
    return deleted
