"""Where a warm rebuild's CPU goes, as whole processes: interpreter start, imports, the rebuild, docxtpl.

    python benchmarks/breakdown.py [--runs 5]

Median CPU seconds (user + system, os.wait4; POSIX) of: ``python -c pass``; starting and importing
what a warm rebuild after one change imports; a warm ``reportkit build --no-page-numbers`` of the
sample with nothing changed; the docxtpl reference script; and docxtpl's own start and imports.
Every process runs as on an installed copy (compiled modules kept; see run.user_environment).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import user_environment  # noqa: E402

WARM_IMPORTS = ("import os; os.environ.setdefault('PYDANTIC_DISABLE_PLUGINS', '__all__'); "
                "import reportkit.cli.main, reportkit.report.build, reportkit.render.document, reportkit.checks.card_cache, "
                "reportkit.report.report_json, reportkit.checks.rules, reportkit.workbook.reader; os._exit(0)")


def cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise subprocess.CalledProcessError(status, command)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reportkit-breakdown-"))
    try:
        env = user_environment(REPORTKIT_CACHE=str(work / "cache"),
                               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        build = [sys.executable, "-m", "reportkit", "build", str(ROOT / "inputs"), "-o", str(work / "out"),
                 "--no-page-numbers"]
        subprocess.run(build, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)  # fills the caches
        reference = [sys.executable, str(ROOT / "benchmarks" / "docxtpl_reference.py"), str(work / "out" / "report.json"),
                     str(work / "reference.docx")]
        subprocess.run(reference, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
        rows = [("python -c pass", [sys.executable, "-c", "pass"]),
                ("start + a warm rebuild's imports", [sys.executable, "-c", WARM_IMPORTS]),
                ("warm `reportkit build --no-page-numbers`, nothing changed", build),
                ("docxtpl reference script", reference),
                ("docxtpl's start + imports", [sys.executable, "-c", "import json, docxtpl; import os; os._exit(0)"])]
        print(f"CPU seconds, median of {args.runs} whole processes\n")
        for label, command in rows:
            median = statistics.median(cpu_seconds(command, env) for _ in range(args.runs))
            print(f"{median:6.2f} s  {label}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
