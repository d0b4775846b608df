"""The secretariat's desk: figures so far, per-division error lists, one background build at a time."""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..inputs.config import ReportConfig
from ..errors import ReportkitError

OUTPUT_FILES = ("report.docx", "report.pdf", "report.json", "projects.xlsx")
DRAFT_FILES = ("report.docx", "report.pdf")  # build --draft writes no data files
DRAFT_LABEL = "素案"


def draft_folder(outputs: Path) -> Path:
    from ..report.build import DRAFT_FOLDER

    return outputs / DRAFT_FOLDER


def pdf_available() -> bool:
    from ..libreoffice.pages import find_soffice

    return find_soffice() is not None


@dataclass
class PolicyFigure:
    mark: str
    title: str
    count: int
    subtotal: int


def policy_figures(folder: Path, config: ReportConfig) -> tuple[list[PolicyFigure], str]:
    """Count and 小計 per policy over the clean cards received so far, and a note on what is counted."""
    from ..report.aggregate import aggregate
    from ..collect.received import received_files
    from ..inputs.year_inputs import load_year_inputs

    inputs = load_year_inputs(folder)  # read anew for every look at the desk: the folder changes all day
    received = received_files(folder, inputs)
    clean_files = {item.file for item in received.files if not item.errors}
    cards = [s.card for s in received.validation.cards if s.source.file in clean_files
             or f"cards/{s.source.file}" in clean_files]
    # A rolled, untouched card has errors (its emptied cost), so it is not counted.
    try:
        report = aggregate(config, cards, inputs.multi_year())
    except (ReportkitError, ValueError) as exc:
        return [], f"集計できませんでした: {exc}"
    rows = [PolicyFigure(p.mark, p.title, p.count, p.subtotal) for p in report.policies]
    rows.append(PolicyFigure("", "合計", report.total.count, report.total.amount))
    return rows, f"エラーのないカード {len(cards)} 件の集計（暫定）"


def division_error_text(folder: Path, division: str) -> str:
    """The problems of one division's workbooks, as text to send back."""
    from ..collect.received import received_files
    from ..checks.validation_report import UNKNOWN_DIVISION
    from ..issues import SEVERITY_LABELS

    received = received_files(folder)
    lines = [f"{division} の事業カードの確認結果", ""]
    count = 0
    for item in received.files:
        if (item.division or UNKNOWN_DIVISION) != division or not item.issues:
            continue
        lines.append(f"{item.file}（{item.project_id or '管理番号なし'}　{item.name}）")
        for issue in item.issues:
            place = " ".join(p for p in (issue.cell, issue.field and _label(issue.field)) if p)
            lines.append(f"  [{SEVERITY_LABELS.get(issue.severity, issue.severity)}] {place}: {issue.message}")
            count += 1
        lines.append("")
    if not count:
        lines.append("問題は見つかりませんでした。")
    return "\n".join(lines) + "\n"


def _label(field: str) -> str:
    from ..issues import FIELD_LABELS

    return FIELD_LABELS.get(field, field)


class BuildJob:
    """One build at a time in a background thread; ``snapshot()`` is what the desk polls."""

    def __init__(self, folder: Path, outputs: Path) -> None:
        self.folder, self.outputs = folder, outputs
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._state = {"state": "idle", "message": "", "done": 0, "total": 0, "started": None, "seconds": None,
                       "issues": 0, "draft": False, "pdf": False, "refusal": None}

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self._state)

    def _set(self, **values) -> None:
        with self._lock:
            self._state.update(values)

    def start(self, *, draft: bool = False, pdf: bool = False) -> bool:
        """Start a build (final, or 素案 into outputs/draft/; with report.pdf); False when one is running already."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._state = {"state": "running", "message": "カードを確認しています", "done": 0, "total": 0,
                           "started": time.strftime("%Y-%m-%d %H:%M:%S"), "seconds": None, "issues": 0,
                           "draft": draft, "pdf": pdf, "refusal": None}
            self._thread = threading.Thread(target=self._run, args=(draft, pdf), name="reportkit-build",
                                            daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _progress(self, files):
        files = list(files)
        self._set(total=len(files))
        for index, path in enumerate(files, 1):
            yield path
            self._set(done=index)
        self._set(message=("素案" if self.snapshot()["draft"] else "報告書") + "を作成しています"
                  + ("（PDF も作ります。数分かかることがあります）" if self.snapshot()["pdf"] else ""))

    def _run(self, draft: bool, pdf: bool) -> None:
        from ..report.build import build_report
        from ..errors import ValidationFailed

        started = time.perf_counter()
        try:
            result = build_report(self.folder, self.outputs, progress=self._progress, draft=draft, pdf=pdf)
            notes = getattr(result, "notices", [])
            what = "仮の報告書（確定版の報告書は置き換えません）" if draft else "報告書"
            shown = "　".join(notes[:3]) + (f"　ほか {len(notes) - 3} 件のお知らせ" if len(notes) > 3 else "")
            self._set(state="done", message=f"{what}を作成しました。" + shown)
        except ValidationFailed as exc:
            from ..collect.refusal import refusal_data

            hint = "" if draft else "　素案なら、エラーのないカードだけで作成できます。"
            self._set(state="failed", message=str(exc) + hint, issues=len(getattr(exc, "issues", [])),
                      refusal=refusal_data(exc.refusal) if exc.refusal is not None else None)
        except ReportkitError as exc:
            self._set(state="failed", message=str(exc))
        except Exception as exc:  # a bug: keep serving, say so
            traceback.print_exc()
            self._set(state="failed", message=f"予期しないエラーで作成できませんでした: {exc}")
        finally:
            self._set(seconds=round(time.perf_counter() - started, 1))


@dataclass
class OutputFile:
    name: str  # report.docx, …
    present: bool
    made: str  # when it was written, "" when absent


def output_files(folder: Path, names: tuple[str, ...]) -> list[OutputFile]:
    rows = []
    for name in names:
        path = folder / name
        made = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime)) if path.is_file() else ""
        rows.append(OutputFile(name, bool(made), made))
    return rows


DIFF_FOLDER = "diff"  # outputs/diff/: the year-over-year files the desk offers, as `reportkit diff -o outputs/diff`


@dataclass
class YearOverYear:
    """The desk's year-over-year page: the Diff (or why there is none), the sides as the secretariat
    reads them (relative to the input folder) and the files it can download."""

    diff: object | None  # yoy.compare.Diff
    problem: str
    old_label: str = ""
    new_label: str = ""
    files: tuple[str, ...] = ()


def year_over_year(previous: Path | None, outputs: Path, folder: Path) -> YearOverYear:
    """The previous report.json against this year's, or the reason in Japanese why not."""
    if previous is None:
        return YearOverYear(None, "前年度の report.json が指定されていません（reportkit serve --previous FILE）。")
    current = outputs / "report.json"
    if not current.is_file():
        return YearOverYear(None, "今年度の報告書がまだ作成されていません。先に報告書を作成してください。")
    from ..yoy.compare import compare
    from ..yoy.outputs import DIFF_HTML, DIFF_XLSX
    from ..yoy.redline import REDLINE_DOCX, built_docx

    try:
        diff = compare(previous, current)
    except ReportkitError as exc:
        return YearOverYear(None, str(exc))
    files = (DIFF_XLSX, DIFF_HTML) + ((REDLINE_DOCX,) if built_docx(previous) and built_docx(current) else ())
    return YearOverYear(diff, "", relative_to(previous, folder), relative_to(current, folder), files)


def year_over_year_file(previous: Path, outputs: Path, name: str, seen: YearOverYear) -> Path:
    """Write one of ``seen.files`` into outputs/diff/ (from the Diff the page showed) and return its path."""
    from ..yoy.outputs import write_diff_outputs
    from ..yoy.redline import REDLINE_DOCX, built_docx, redline

    target = outputs / DIFF_FOLDER
    if name == REDLINE_DOCX:
        return redline(built_docx(previous), built_docx(outputs / "report.json"), target / name, diff=seen.diff).path
    return next(path for path in write_diff_outputs(seen.diff, target) if path.name == name)


def relative_to(path: Path, folder: Path) -> str:
    """``path`` as seen from the input folder (``../outputs/report.json``); as given when it cannot be
    (another drive on Windows)."""
    import os

    try:
        return Path(os.path.relpath(Path(path).resolve(), Path(folder).resolve())).as_posix()
    except ValueError:
        return str(path)


CHANGING_INPUTS = ("cards", "narratives", "config.toml")  # what changes after a build (a card, a text, the order)


def newest_change(folder: Path) -> tuple[float, str]:
    """(time, file) of the latest change of the folder's cards/, narratives/ and config.toml ((0.0, "") when none).

    A file's time is the later of its modification and its status change: ``accept`` keeps a return's own
    modification time, but the copy it files is new; a folder's times count too (a card deleted)."""
    newest, which = 0.0, ""
    for name in CHANGING_INPUTS:
        top = folder / name
        if not top.exists():
            continue
        for path in [top, *(top.rglob("*") if top.is_dir() else ())]:
            try:
                stat = path.stat()
            except OSError:
                continue
            when = max(stat.st_mtime, stat.st_ctime)
            if when > newest:
                newest, which = when, path.relative_to(folder).as_posix()
    return newest, which


def report_freshness(folder: Path, outputs: Path) -> dict:
    """For the final report and the 素案: when made, and whether a card, a narrative or config.toml changed after it."""
    newest, which = newest_change(folder)
    answer = {}
    for kind, place in (("final", outputs), ("draft", draft_folder(outputs))):
        path = place / "report.docx"
        made = path.stat().st_mtime if path.is_file() else None
        answer[kind] = {"made": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(made)) if made else "",
                        "out_of_date": bool(made and newest > made), "changed": which if made and newest > made else ""}
    return answer
