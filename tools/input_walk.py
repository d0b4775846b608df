"""Which modules open which files of the input folder during one build, and how often (not part of the package).

    python tools/input_walk.py [INPUTS] [--warm] [--pages] [--draft]

It builds ``INPUTS`` (default: the sample ``inputs/``) in this process into a temporary folder and
traces every file opened below the input folder (``sys.addaudithook``, the ``open`` event: ``open``,
``Path.read_text``/``read_bytes``, ``zipfile``, jinja's loader all raise it). Each open is charged to
the innermost ``reportkit`` module on the stack (``jinja2`` reading a template for
``narrative_templates`` counts as ``narrative_templates``). The card workbooks are summed as one row,
``cards/*.xlsx``, with the number of workbooks and the opens per workbook.

The user cache is a fresh temporary folder (a first build: every workbook is read); ``--warm`` builds
twice there and reports the second build (the card cache answers; the workbooks' bytes are still read
to find the entry). ``--pages`` runs the LibreOffice page pass too (it reads no input file);
``--draft`` builds 素案 (a rolled folder's cards are not clean yet). ``PYTHONPATH`` naming another
checkout's folder measures that checkout's reportkit (the "before" of a change).
Exit status 0 (it measures; it does not judge).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_package: list[Path] = []  # the reportkit package traced: the one imported (set by trace_opens)


def _modules_of(frame) -> tuple[str, ...]:
    """The reportkit modules on the stack from ``frame``, innermost first, each once
    (``render/tables.py`` → ``render.tables``)."""
    found: list[str] = []
    while frame is not None:
        try:
            relative = Path(frame.f_code.co_filename).resolve().relative_to(_package[0])
        except (ValueError, OSError):
            relative = None
        if relative is not None:
            module = ".".join(relative.with_suffix("").parts)
            if module not in found:
                found.append(module)
        frame = frame.f_back
    return tuple(found)


_recording: list[tuple[Path, Counter]] = []  # (input folder, its opens) while a build is traced


def _hook(event: str, args: tuple) -> None:
    if event != "open" or not _recording or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    root, opens = _recording[-1]
    try:
        path = Path(os.fsdecode(args[0])).resolve()
        relative = path.relative_to(root)
    except (ValueError, OSError, TypeError):
        return
    if not path.is_file():  # a folder, or a file looked for that is not there: nothing read
        return
    opens[relative.as_posix(), _modules_of(sys._getframe(1)) or ("(outside reportkit)",)] += 1


_hooked: list[bool] = []


def trace_opens(inputs: Path, run) -> Counter:
    """(input file relative to ``inputs``, the reportkit modules on the stack innermost first) → opens,
    while ``run()`` runs. (An audit hook stays for the process: one is added, the first time.)"""
    if not _hooked:
        import reportkit

        _package.append(Path(reportkit.__file__).resolve().parent)
        sys.addaudithook(_hook)
        _hooked.append(True)
    opens: Counter = Counter()
    _recording.append((Path(inputs).resolve(), opens))
    try:
        run()
    finally:
        _recording.pop()
    return opens


def trace_build(inputs: Path, output: Path, *, pages: bool = False, draft: bool = False) -> Counter:
    """The opens of the input folder ``inputs`` (``trace_opens``) during one build of it into ``output``."""
    from reportkit.report.build import build_report

    return trace_opens(inputs, lambda: build_report(inputs, output, page_numbers=pages, draft=draft))


def summary(opens: Counter) -> list[str]:
    """The table as printed: one row per input file (the workbooks as one) and opening module < its caller."""
    rows: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (file, modules), count in opens.items():
        opener = " < ".join(modules[:2])
        if file.startswith("cards/") and file.lower().endswith((".xlsx", ".xlsm")):
            rows["cards/*.xlsx", opener].append(count)
        else:
            rows[file, opener].append(count)
    lines = [f"{'input file':<34} {'module < its caller':<50} opens"]
    for (file, opener), counts in sorted(rows.items()):
        if file == "cards/*.xlsx":
            shown = f"{sum(counts)} ({len(counts)} workbooks × {'/'.join(map(str, sorted(set(counts))))})"
        else:
            shown = str(sum(counts))
        lines.append(f"{file:<34} {opener:<50} {shown}")
    per_file: Counter = Counter()
    for (file, _modules), count in opens.items():
        per_file[file] += count
    modules = sorted({modules[0] for _file, modules in opens})
    render = sorted({m for _file, chain in opens for m in chain if m.startswith("render")})
    lines.append("")
    lines.append(f"modules that open input files: {len(modules)} ({', '.join(modules)})")
    lines.append(f"render modules on the stack of an open: {len(render)} ({', '.join(render) or '-'})")
    lines.append(f"input files opened: {len(per_file)}; opened exactly once: "
                 f"{sum(1 for count in per_file.values() if count == 1)}; opens in all: {sum(per_file.values())}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="?", type=Path, default=ROOT / "inputs")
    parser.add_argument("--warm", action="store_true", help="report a second build (the card cache filled)")
    parser.add_argument("--pages", action="store_true", help="run the LibreOffice page pass too")
    parser.add_argument("--draft", action="store_true", help="build 素案 (build --draft)")
    args = parser.parse_args(argv)
    sys.path.append(str(ROOT))  # this checkout, unless PYTHONPATH names another (a "before" measure)
    with tempfile.TemporaryDirectory(prefix="input-walk-") as temporary:
        os.environ["REPORTKIT_CACHE"] = str(Path(temporary) / "cache")  # a first build: every workbook read
        opens = Counter()
        for run in range(2 if args.warm else 1):
            opens = trace_build(args.inputs, Path(temporary) / f"out{run}", pages=args.pages, draft=args.draft)
    print("\n".join(summary(opens)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
