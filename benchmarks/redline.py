"""The reviewer's redline against a build of the new year (issue 29): `diff --redline` ≤ 2× the build.

Two years as a round makes them: the whole sample (平成25年度, 119 workbooks) rolled over to 平成26年度
and every card filled in again, with the scripted edits of the tests (a rename, a cost, a move, an
ended and a new project, a results row: ``tests/yoy_helpers.make_two_years``). Both years are built
without page numbers. Then, alternated run by run, as whole processes (cold imports, as a clerk's
command; the card cache off, so the build reads every workbook):

- ``reportkit build H26 --no-page-numbers``;
- ``reportkit diff OUT25 OUT26 --redline`` (diff.xlsx, diff.html and redline.docx);

and in one process, warm: ``build_report(H26, page_numbers=False)`` and ``yoy.redline.redline`` alone.

    python benchmarks/redline.py            # median of 3 (~1 min, most of it making the two years)
    python benchmarks/redline.py --runs 1 --few   # six workbooks: does it still run? (tests/test_benchmarks.py)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _timed_process, user_environment  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--few", action="store_true", help="six workbooks only: does it still run?")
    args = parser.parse_args(argv)

    from reportkit.report.build import build_report
    from reportkit.yoy.redline import redline
    from yoy_helpers import INPUTS, SAMPLE_CARDS, make_two_years

    with tempfile.TemporaryDirectory(prefix="reportkit-redline-bench-") as temporary:
        base = Path(temporary)
        prefixes = SAMPLE_CARDS if args.few else sorted(path.name[:3] for path in (INPUTS / "cards").glob("*.xlsx"))
        started = time.perf_counter()
        year1, year2, _ = make_two_years(base, prefixes)
        print(f"two years of {len(prefixes)} workbooks made in {time.perf_counter() - started:.1f} s")
        out1, out2 = base / "out25", base / "out26"
        build_report(year1, out1, page_numbers=False)
        build_report(year2, out2, page_numbers=False)
        env = user_environment(REPORTKIT_CACHE="off")
        build_times, redline_times, build_cpu, redline_cpu = [], [], [], []
        for run in range(args.runs):
            wall, _, cpu = _timed_process([sys.executable, "-m", "reportkit", "build", str(year2), "-o",
                                           str(base / f"build{run}"), "--no-page-numbers"], env)
            build_times.append(wall)
            build_cpu.append(cpu)
            wall, _, cpu = _timed_process([sys.executable, "-m", "reportkit", "diff", str(out1), str(out2), "-o",
                                           str(base / f"diff{run}"), "--redline"], env)
            redline_times.append(wall)
            redline_cpu.append(cpu)
        in_build, in_redline = [], []
        for run in range(args.runs):
            started = time.perf_counter()
            build_report(year2, base / f"warm{run}", page_numbers=False)
            in_build.append(time.perf_counter() - started)
            result = redline(out1 / "report.docx", out2 / "report.docx", base / f"redline{run}.docx")
            in_redline.append(result.seconds)
        changes = result.revisions

    def line(label: str, build: list[float], red: list[float | None]) -> None:
        if None in red or None in build:
            return
        b, r = statistics.median(build), statistics.median(red)
        print(f"{label}: build {b:.2f} s, redline {r:.2f} s = {r / b:.2f}× the build (target ≤ 2×)")

    print(f"median of {args.runs}; redline.docx holds {changes} tracked changes (w:ins + w:del)")
    line("whole processes, wall", build_times, redline_times)
    line("whole processes, CPU", build_cpu, redline_cpu)
    line("in one process (warm build_report vs redline())", in_build, in_redline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
