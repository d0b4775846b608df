"""Benchmarks: the sample, ten times the sample, and where the time goes.

    python benchmarks/run.py            # sample and 10x, median of 3 runs each
    python benchmarks/run.py --quick    # sample only, one run
    python benchmarks/run.py --runs 5 --no-pdf

Every scenario runs in a fresh Python process, so imports are cold the way a clerk's command is and
the peak memory (``ru_maxrss``) of one scenario never mixes with another's. The 10x folder (1,190
workbooks of the sample's shapes, with new ids, names and texts) is generated once with the real
template writer and cached in the temp folder under GENERATOR_VERSION. Results: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:  # not on Windows: the script still runs, without the memory figure
    import resource
except ImportError:  # pragma: no cover
    resource = None

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs"
SCALE = 10
GENERATOR_VERSION = "10x-v1"  # bump when the generator changes: the cached folder is rebuilt
CACHE = Path(tempfile.gettempdir()) / f"reportkit-bench-{GENERATOR_VERSION}"
ONE_WORKBOOK_SAMPLES = 20  # workbooks timed for "validate one"


# -- measuring ------------------------------------------------------------------------------------

def peak_mb(who: int | None = None) -> float | None:
    """Peak resident memory of this process (or of its waited-for children) in MB; None on Windows."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF if who is None else who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KB elsewhere


def child(scenario: str, folder: Path) -> dict:
    """Run one scenario in this (fresh) process; return seconds and peak memory."""
    sys.path.insert(0, str(ROOT))
    if scenario == "cli":  # the whole command, interpreter start included; peak of that one child process
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "reportkit", "build", str(folder), "-o", out, "--no-page-numbers"],
                           check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            seconds = time.perf_counter() - started
        return {"seconds": seconds, "peak_mb": peak_mb(resource.RUSAGE_CHILDREN if resource else None)}
    started = time.perf_counter()
    if scenario == "import":
        import reportkit.report.build  # noqa: F401  (everything a build imports before it starts working)
        import reportkit.render  # noqa: F401
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}
    from reportkit.inputs.config import load_config
    from reportkit.checks.validate import card_files, validate_card_file, validate_folder

    if scenario == "one":
        config = load_config(folder)
        files = card_files(folder)[:ONE_WORKBOOK_SAMPLES]
        validate_card_file(files[0], config)  # warm: imports, caches
        times = []
        for path in files:
            started = time.perf_counter()
            validate_card_file(path, config)
            times.append(time.perf_counter() - started)
        return {"seconds": statistics.median(times), "peak_mb": peak_mb()}
    if scenario == "validate":
        started = time.perf_counter()
        result = validate_folder(folder)
        assert result.ok, f"{result.error_count} errors in {folder}"
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "cards": len(result.cards)}
    if scenario == "desk":  # the desk's build button: serve's process has built before; one workbook changed since
        from reportkit.report.build import build_report

        with tempfile.TemporaryDirectory() as out:
            build_report(folder, Path(out), page_numbers=False)
            _touch_one_workbook(folder, 99)
            cpu, started = time.process_time(), time.perf_counter()
            build_report(folder, Path(out), page_numbers=False)
            return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                    "peak_mb": peak_mb()}
    if scenario in ("build", "pdf"):
        from reportkit.report import build
        from reportkit.libreoffice import pages

        conversions = []  # LibreOffice passes (a layout read over UNO, or a conversion to PDF)
        measure = pages.measure_pages

        def counting(*args, **kwargs):
            conversions.append(1)
            return measure(*args, **kwargs)

        pages.measure_pages = counting
        stages = _time_stages(build)
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            build.build_report(folder, Path(out), page_numbers=scenario == "pdf")
            seconds = time.perf_counter() - started
        return {"seconds": seconds, "peak_mb": peak_mb(), "conversions": len(conversions), "stages": stages}
    raise SystemExit(f"unknown scenario {scenario}")


def _time_stages(build) -> dict[str, float]:
    """Wrap the functions build_report calls so the child can report where its time went."""
    stages: dict[str, float] = {}
    import reportkit.render as render

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    build.validate_folder = timed("validate", build.validate_folder)
    build.aggregate = timed("aggregate", build.aggregate)
    render.render_report = timed("render", render.render_report)
    import reportkit.render.document as document
    import reportkit.files.zipnorm as zipnorm
    # The report's zip is normalised inside render_report (its time is part of "render" too).
    document.normalise_zip = timed("zip normalise", document.normalise_zip)
    zipnorm.normalise_zip = timed("zip normalise", zipnorm.normalise_zip)
    build.report_data = timed("json", build.report_data)
    build.write_tables = timed("projects.xlsx", build.write_tables)
    import reportkit.libreoffice.pages as pages
    pages.update_page_numbers = timed("page numbers", pages.update_page_numbers)
    return stages


def user_environment(**changes: str) -> dict[str, str]:
    """This environment as on a clerk's PC: Python keeps the compiled modules (``__pycache__``).

    A sandbox that sets PYTHONDONTWRITEBYTECODE makes every process compile reportkit's own
    modules again (the installed packages, docxtpl's included, were compiled by pip), ≈0.15 s a
    command that no installed copy pays.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(changes)
    return env


def run_child(scenario: str, folder: Path) -> dict | None:
    """One fresh-process run; None (with the error on stderr) when the scenario fails."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", scenario, "--folder", str(folder)]
    # The in-process scenarios measure the work itself: no card, chart or table cache.
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                               env=user_environment(REPORTKIT_CACHE="off"))
    if completed.returncode != 0:
        print(f"scenario {scenario} on {folder} failed:\n{completed.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(scenario: str, folder: Path, runs: int) -> dict | None:
    """The median of ``runs`` fresh-process runs (seconds and peak memory separately); None when it fails."""
    results = []
    for _ in range(runs):
        result = run_child(scenario, folder)
        if result is None:
            return None
        results.append(result)
    merged = {"seconds": statistics.median(r["seconds"] for r in results)}
    peaks = [r["peak_mb"] for r in results if r.get("peak_mb") is not None]
    merged["peak_mb"] = statistics.median(peaks) if peaks else None
    for key in ("conversions", "cards"):
        if key in results[0]:
            merged[key] = results[0][key]
    if "stages" in results[0]:
        merged["stages"] = {k: statistics.median(r["stages"].get(k, 0.0) for r in results) for k in results[0]["stages"]}
    return merged


# -- the 10x folder -------------------------------------------------------------------------------

def ten_times(scale: int = SCALE) -> Path:
    """The sample's projects ``scale`` times over, generated once and cached under GENERATOR_VERSION."""
    target = CACHE / f"x{scale}"
    if (target / ".complete").exists():
        return target
    sys.path.insert(0, str(ROOT))
    from reportkit.inputs.config import load_config
    from reportkit.checks.validate import card_files
    from reportkit.workbook.reader import read_workbook

    print(f"generating {scale}x folder in {target} (once) …", file=sys.stderr)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("cards"))
    (target / "cards").mkdir()
    config = load_config(SAMPLE)
    jobs = []
    for source in card_files(SAMPLE):
        values = _values(read_workbook(source))
        for copy in range(scale):
            jobs.append((f"{copy:02d}_{source.stem}.xlsx", _varied(values, copy)))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max(1, (os.cpu_count() or 1))) as pool:
        list(pool.map(_write_one, [(config, target / "cards" / name, values) for name, values in jobs], chunksize=20))
    (target / ".complete").write_text(GENERATOR_VERSION)
    return target


def _write_one(job) -> None:
    from reportkit.workbook.template import write_workbook

    config, path, values = job
    write_workbook(config, path, values)


def _values(raw) -> dict:
    """A RawCard back to the values write_workbook fills by defined name."""
    values = {name: v.value for name, v in raw.values.items()}
    values.update({name: [v.value for v in pair] for name, pair in raw.pairs.items()})
    values.update({name: [[v.value for v in row.cells] for row in rows] for name, rows in raw.blocks.items()})
    return values


def _varied(values: dict, copy: int) -> dict:
    """Copy ``copy`` of a card: a new id and name, a different text; copy 0 is the original."""
    if copy == 0:
        return values
    varied = dict(values)
    varied["project_id"] = f"{str(values.get('project_id') or 'P')[:24]}-X{copy:02d}"
    name = str(values.get("project_name") or "")
    first, _, rest = name.partition("\n")
    varied["project_name"] = f"{first}（第{copy}）" + (f"\n{rest}" if rest else "")
    description = str(values.get("description") or "")
    varied["description"] = description.replace("。", f"（{copy}）。", 1) if "。" in description else description
    return varied


def first_cards(count: int) -> Path:
    """The sample with only its first ``count`` workbooks (a quick check that the script runs)."""
    sys.path.insert(0, str(ROOT))
    from reportkit.checks.validate import card_files, cards_folder

    target = Path(tempfile.mkdtemp(prefix=f"reportkit-bench-{count}-"))
    shutil.copytree(SAMPLE, target / "inputs", ignore=shutil.ignore_patterns("cards"))
    source_root = cards_folder(SAMPLE)
    for source in card_files(SAMPLE)[:count]:
        destination = target / "inputs" / "cards" / source.relative_to(source_root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    return target / "inputs"


# -- report ---------------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh-process runs per scenario (median; default 3)")
    parser.add_argument("--quick", action="store_true", help="one run, sample only")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice page-number pass")
    parser.add_argument("--no-10x", action="store_true", help="sample only")
    parser.add_argument("--cards", type=int, metavar="N",
                        help="only the sample's first N workbooks (with --quick: a check that the script runs)")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-process comparison with docxtpl")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder)))
        return 0
    runs = 1 if args.quick else args.runs
    sample = first_cards(args.cards) if args.cards else SAMPLE
    try:
        return report(args, runs, sample)
    finally:
        if sample != SAMPLE:
            shutil.rmtree(sample.parent, ignore_errors=True)


# -- whole processes against the docxtpl reference (issue 15) --------------------------------------

def _timed_process(command: list[str], env: dict | None = None) -> tuple[float, float | None, float | None]:
    """Wall seconds of one whole process, its own peak memory (MB) and its CPU seconds (None on Windows).

    The CPU seconds (user + system, of the process and the children it waited for) are the steadier
    figure on a shared machine, where wall time is mostly waiting for a core. A LibreOffice the
    process leaves running on its own is not in them.
    """
    started = time.perf_counter()
    if resource is None:  # pragma: no cover
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
        return time.perf_counter() - started, None, None
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise subprocess.CalledProcessError(status, command)
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _build_command(folder: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "reportkit", "build", str(folder), "-o", str(out), *extra]


def _touch_one_workbook(folder: Path, run: int) -> None:
    """Change one workbook of ``folder`` the way a clerk's resubmission does: a new description."""
    sys.path.insert(0, str(ROOT))
    from openpyxl import load_workbook

    from reportkit.inputs.config import load_config
    from reportkit.checks.validate import card_files, validate_card_file

    path = card_files(folder)[0]
    sourced, _ = validate_card_file(path, load_config(folder))
    workbook = load_workbook(path)
    sheet = workbook[sourced.source.sheet]
    cell = sourced.source.cells["description"]
    sheet[cell] = f"{sourced.card.description}（再提出{run}）"
    workbook.save(path)


def whole_processes(sample: Path, runs: int, with_pages: bool, ten: Path | None) -> dict[str, dict]:
    """Cold build, warm rebuild after one change, default build with page numbers, the docxtpl script, 10x.

    Alternated run by run (each run does every scenario once) so load on a shared machine hits all alike.
    """
    env = user_environment(PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    work = Path(tempfile.mkdtemp(prefix="reportkit-bench-whole-"))
    office = None
    try:
        inputs = work / "inputs"
        shutil.copytree(sample, inputs)
        out = work / "out"
        warm_cache = work / "cache-warm"
        first = dict(env, REPORTKIT_CACHE=str(warm_cache))
        subprocess.run(_build_command(inputs, out, "--no-page-numbers"), check=True, stdout=subprocess.DEVNULL,
                       cwd=ROOT, env=first)  # fills the warm cache and gives report.json for the reference
        report_json = work / "report.json"
        shutil.copyfile(out / "report.json", report_json)
        reference = [sys.executable, str(ROOT / "benchmarks" / "docxtpl_reference.py"), str(report_json),
                     str(work / "reference.docx")]
        subprocess.run(reference, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)  # template made
        times: dict[str, list[tuple[float, float | None, float | None]]] = {}
        for run in range(runs):
            times.setdefault("docxtpl", []).append(_timed_process(reference, env))
            cold = dict(env, REPORTKIT_CACHE=str(work / f"cache-cold-{run}"))
            times.setdefault("cold", []).append(_timed_process(_build_command(inputs, out, "--no-page-numbers"), cold))
            _touch_one_workbook(inputs, run)
            times.setdefault("warm", []).append(_timed_process(_build_command(inputs, out, "--no-page-numbers"), first))
            if with_pages:
                times.setdefault("pages", []).append(_timed_process(_build_command(inputs, out), first))
                office = _kept_office(warm_cache)
                if office is not None:  # the same build while serve's kept LibreOffice runs
                    try:
                        before = _group_cpu(office.process.pid)
                        wall, peak, cpu = _timed_process(_build_command(inputs, out), first)
                        office_cpu = _group_cpu(office.process.pid) - before
                    finally:
                        office.close()
                        office = None
                    times.setdefault("pages kept", []).append((wall, peak, None if cpu is None else cpu + office_cpu))
                    times.setdefault("pages kept (build only)", []).append((wall, peak, cpu))
            desk = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "desk", "--folder",
                                   str(inputs)], capture_output=True, text=True, cwd=ROOT, env=first, check=True)
            result = json.loads(desk.stdout.strip().splitlines()[-1])
            times.setdefault("desk", []).append((result["seconds"], None, result["cpu_seconds"]))
            if ten is not None:
                big = dict(env, REPORTKIT_CACHE=str(work / f"cache-10x-{run}"))
                times.setdefault("10x cold", []).append(
                    _timed_process(_build_command(ten, work / "out10", "--no-page-numbers"), big))
        figures = {}
        for name, values in times.items():
            peaks = [p for _, p, _ in values if p is not None]
            cpu = [c for _, _, c in values if c is not None]
            figures[name] = {"seconds": statistics.median(s for s, _, _ in values),
                             "peak_mb": max(peaks) if peaks else None,
                             "cpu_seconds": statistics.median(cpu) if cpu else None}
        return figures
    finally:
        if office is not None:
            office.close()
        shutil.rmtree(work, ignore_errors=True)


def _kept_office(cache: Path):
    """The LibreOffice ``reportkit serve`` keeps running, registered in ``cache`` (None without LibreOffice/uno)."""
    sys.path.insert(0, str(ROOT))
    from reportkit.libreoffice.pages import start_kept_office

    if resource is None:  # its CPU is read from /proc
        return None
    before = os.environ.get("REPORTKIT_CACHE")
    os.environ["REPORTKIT_CACHE"] = str(cache)  # registered where the measured builds look, as serve does
    try:
        office = start_kept_office()
    finally:
        if before is None:
            os.environ.pop("REPORTKIT_CACHE")
        else:
            os.environ["REPORTKIT_CACHE"] = before
    if office is None:
        return None
    office.wait_ready()  # serve's has long been up when the desk builds: its start is not the build's
    return office


def _group_cpu(group: int) -> float:
    """CPU seconds (user + system) of the processes of a process group so far (Linux /proc; 0 elsewhere)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:  # pgrp; utime, stime are fields 14, 15 of the whole line
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0


TARGETS = {"warm": 1.0, "desk": 1.0, "cold": 3.0, "pages": 15.0, "pages kept": 15.0}


def print_whole(figures: dict[str, dict], runs: int) -> None:
    reference = figures["docxtpl"]["seconds"]
    labels = {"docxtpl": "docxtpl reference script (130 cards of report.json)",
              "cold": "cold `build --no-page-numbers` (empty cache)",
              "warm": "warm rebuild after one workbook changed",
              "desk": "  the same from the desk (in serve's running process)",
              "pages": "default `build` (page numbers, LibreOffice)",
              "pages kept": "default `build`, serve's LibreOffice kept (CPU incl. LibreOffice's)",
              "pages kept (build only)": "  the same, CPU of the build process alone",
              "10x cold": "10x the sample, cold `build --no-page-numbers`"}
    reference_cpu = figures["docxtpl"].get("cpu_seconds")
    rows = [["whole process", "seconds", "peak", "× docxtpl", "CPU", "CPU × docxtpl", "target (on CPU)"]]
    for name in ("docxtpl", "cold", "warm", "desk", "pages", "pages kept", "pages kept (build only)", "10x cold"):
        if name not in figures:
            continue
        result = figures[name]
        ratio = result["seconds"] / reference
        cpu = result.get("cpu_seconds")
        cpu_ratio = cpu / reference_cpu if cpu is not None and reference_cpu else None
        judged = ratio if cpu_ratio is None else cpu_ratio
        target = TARGETS.get(name)
        mark = "" if target is None else (f"≤ {target:g}× " + ("✓" if judged <= target else f"✗ (+{judged - target:.1f}×)"))
        peak = f"{result['peak_mb']:.0f} MB" if result.get("peak_mb") is not None else "–"
        rows.append([labels[name], f"{result['seconds']:.2f} s", peak, f"{ratio:.1f}×",
                     "–" if cpu is None else f"{cpu:.2f} s", "–" if cpu_ratio is None else f"{cpu_ratio:.1f}×", mark])
    print(f"\nwhole processes, alternated, median of {runs} run(s)\n")
    print(table(rows))
    if "10x cold" in figures and "cold" in figures:
        ratio = figures["10x cold"]["seconds"] / figures["cold"]["seconds"]
        if figures["10x cold"].get("cpu_seconds") and figures["cold"].get("cpu_seconds"):
            ratio = figures["10x cold"]["cpu_seconds"] / figures["cold"]["cpu_seconds"]
        peak = figures["10x cold"].get("peak_mb")
        print(f"\n10x / sample (cold builds): {ratio:.1f}× the CPU time (target ≤ 10×), "
              f"{peak:.0f} MB peak (target ≤ 300 MB)" if peak else f"\n10x / sample (cold builds): {ratio:.1f}×")


def report(args: argparse.Namespace, runs: int, sample: Path) -> int:
    """Measure every scenario on the sample (and the 10x folder) and print the table."""
    sets = [("sample", sample)] if (args.quick or args.no_10x or args.cards) else [("sample", sample),
                                                                                 (f"{SCALE}x", ten_times())]
    scenarios = [("one", "validate one workbook (in process, median of 20)"),
                 ("validate", "validate the folder (in process)"),
                 ("build", "build_report, docx+json+xlsx, no PDF"),
                 ("cli", "`reportkit build --no-page-numbers` (wall, incl. start)"),
                 ("import", "imports of a build (cold)")]
    figures: dict[str, dict[str, dict]] = {}
    failed: list[str] = []
    for label, folder in sets:
        figures[label] = {}
        for scenario, _ in scenarios:
            if scenario in ("one", "import") and label != "sample":
                continue
            result = measure(scenario, folder, runs)
            if result is None:
                failed.append(f"{label} {scenario}")
            else:
                figures[label][scenario] = result
                print(f"  {label:6} {scenario:9} {result['seconds']:.3f} s", file=sys.stderr)
    pdf_soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if pdf_soffice and not args.no_pdf:
        result = measure("pdf", sample, 1 if args.quick else min(runs, 2))
        if result is None:
            failed.append("sample pdf")
        else:
            figures["sample"]["pdf"] = result
        scenarios.append(("pdf", "build_report with the page-number pass"))

    header = ["scenario"] + [label for label, _ in sets]
    rows = [header]
    for scenario, description in scenarios:
        row = [description]
        for label, _ in sets:
            result = figures[label].get(scenario)
            if result is None:
                row.append("–" if scenario in ("one", "import", "pdf") and label != "sample" else "failed")
                continue
            seconds = result["seconds"]
            text = f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
            if result.get("peak_mb") is not None:
                text += f", {result['peak_mb']:.0f} MB peak"
            row.append(text)
        rows.append(row)
    print(f"\nreportkit benchmarks — {machine()}; median of {runs} run(s)\n")
    print(table(rows))
    if "pdf" in figures["sample"] and "build" in figures["sample"]:
        pdf, plain = figures["sample"]["pdf"], figures["sample"]["build"]
        print(f"\npage-number pass (sample): +{pdf['seconds'] - plain['seconds']:.2f} s, "
              f"{pdf['conversions']} LibreOffice pass(es)")
    for label, _ in sets:
        stages = figures[label].get("build", {}).get("stages")
        if stages:
            print(f"\nbuild_report stages ({label}): " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
    if len(sets) > 1 and "build" in figures[sets[1][0]] and "build" in figures["sample"]:
        ratio = figures[sets[1][0]]["build"]["seconds"] / figures["sample"]["build"]["seconds"]
        print(f"\n10x / sample build time: {ratio:.1f}x")
    from importlib.util import find_spec

    if not args.no_whole and find_spec("docxtpl") is None:
        print("\nwhole processes skipped: docxtpl is not installed (pip install -e \".[bench]\")")
    elif not args.no_whole:
        whole = whole_processes(sample, runs, bool(pdf_soffice) and not args.no_pdf,
                                None if len(sets) == 1 else sets[1][1])
        figures["whole"] = whole
        print_whole(whole, runs)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "runs": runs, "figures": figures}, indent=1))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
