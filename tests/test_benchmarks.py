"""benchmarks/run.py keeps running: a quick run on a few of the sample's workbooks (no timing checked)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_on_a_few_cards_exits_0_and_prints_figures():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-pdf", "--cards", "3"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "failed" not in done.stdout + done.stderr
    for scenario in ("validate one workbook", "validate the folder", "build_report", "reportkit build", "imports"):
        line = next(line for line in done.stdout.splitlines() if scenario in line)
        assert re.search(r"\d+(\.\d+)? (ms|s)", line), line
    assert "build_report stages (sample): validate" in done.stdout and "zip normalise" in done.stdout
