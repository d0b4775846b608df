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


def test_the_breakdown_prints_five_cpu_figures():
    if not hasattr(os, "wait4"):
        import pytest

        pytest.skip("os.wait4 is POSIX only")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "breakdown.py"), "--runs", "1"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-2000:]
    figures = re.findall(r"^\s*(\d+\.\d+) s  (.+)$", done.stdout, re.M)
    assert [label for _, label in figures][0] == "python -c pass" and len(figures) == 5
    assert all(float(seconds) > 0 for seconds, _ in figures)


def test_the_redline_benchmark_prints_both_figures_and_their_ratio():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "redline.py"), "--runs", "1", "--few"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if "× the build" in line]
    assert len(lines) >= 2 and all(re.search(r"build \d+\.\d+ s, redline \d+\.\d+ s", line) for line in lines)
