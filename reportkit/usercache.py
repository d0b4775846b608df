"""The user's reportkit cache folder and the stamps that keep its entries from outliving a version.

``REPORTKIT_CACHE`` names the folder (``off`` disables every cache); otherwise
%LOCALAPPDATA%\\reportkit on Windows, $XDG_CACHE_HOME/reportkit or ~/.cache/reportkit elsewhere.
Each cache is a subfolder (``cards``, ``tables``); deleting any of them is always safe.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path


def cache_home() -> Path | None:
    """The user's reportkit cache folder, or None when ``REPORTKIT_CACHE=off``."""
    chosen = os.environ.get("REPORTKIT_CACHE")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "reportkit"


def cache_folder(kind: str) -> Path | None:
    """``cache_home() / kind`` (None when caching is off)."""
    home = cache_home()
    return None if home is None else home / kind


@lru_cache(maxsize=None)
def package_stamp(name: str) -> str:
    """A digest of an installed package's version files, found without importing the package.

    (importlib.metadata would import email and urllib; importing the package itself is what a
    cache hit is meant to avoid.)
    """
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "missing"
    folder = Path(spec.origin).parent
    digest = hashlib.sha256(name.encode())
    for file in ("__init__.py", "_version.py", "_constants.py", "version.py"):
        try:
            digest.update(file.encode() + b"\0" + (folder / file).read_bytes())
        except OSError:
            continue
    return digest.hexdigest()
