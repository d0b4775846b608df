"""``reportkit`` run as a user runs it: a fresh process (python -m reportkit) that imports this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def command_env() -> dict[str, str]:
    """The environment of a child ``reportkit``: this checkout first on its path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def run_reportkit(*args, cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    """``reportkit ARGS`` in a subprocess: its exit code and its stdout and stderr as text."""
    return subprocess.run([sys.executable, "-m", "reportkit", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=command_env(), cwd=cwd, timeout=timeout)
