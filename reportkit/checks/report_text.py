"""The validation report rendered for people and scripts: text by file, JSON, one text file per division.

Everything here reads a ``ValidationReport`` (``reportkit.checks.validation_report``); nothing groups
issues on its own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..files.atomic import write_text_atomic
from ..errors import ReportkitError
from ..files.textsafe import safe_file_name
from ..workbook.xlsx import column_index
from ..issues import FIELD_LABELS, SEVERITY_LABELS, Issue
from .validation_report import UNKNOWN_DIVISION, FileTask, ValidationReport

BY_DIVISION_HEADER = ("担当課: ", "対象ファイル: ")  # the first two lines of every file write_by_division writes


def format_issue(issue: Issue) -> str:
    """``  [エラー] B11 ４ 事業費（千円）: message``"""
    position = " ".join(part for part in (issue.cell, FIELD_LABELS.get(issue.field, issue.field)) if part)
    prefix = f"  [{SEVERITY_LABELS[issue.severity]}]"
    return f"{prefix} {position}: {issue.message}" if position else f"{prefix} {issue.message}"


def _cell_order(issue: Issue) -> tuple[int, int]:
    """Top to bottom, left to right, so a clerk can work down the sheet; file-level issues first."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", issue.cell)
    if not match:
        return (0, 0)
    return (int(match.group(2)), column_index(match.group(1)))


def sorted_issues(issues: list[Issue]) -> list[Issue]:
    """A file's issues top to bottom, left to right (file-level ones first), as the text lists them."""
    return sorted(issues, key=_cell_order)


def format_text(report: ValidationReport, division: str | None = None) -> str:
    """Issues grouped by file (in folder order), then a summary line; ``division``: its card files only."""
    tasks = report.tasks if division is None else report.by_division().get(division, [])
    return format_tasks(tasks)


def format_tasks(tasks: list[FileTask]) -> str:
    """The text of ``format_text`` for these tasks (the summary counts the card files among them)."""
    lines = []
    for task in tasks:
        if task.issues:
            lines.append(task.file)
            lines.extend(format_issue(i) for i in sorted_issues(task.issues))
            lines.append("")
    issues = [issue for task in tasks for issue in task.issues]
    files = sum(1 for task in tasks if task.path is not None)
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    with_errors = sum(1 for task in tasks if task.errors)
    if not issues:
        lines.append(f"{files} ファイルを確認しました。問題はありません。")
    else:
        where = f"（{with_errors} ファイル）" if errors else ""
        lines.append(f"{files} ファイルを確認しました。エラー {errors} 件{where}、警告 {warnings} 件。")
    return "\n".join(lines) + "\n"


def format_json(report: ValidationReport) -> str:
    """One object per problem (keys ``severity, code, file, sheet, cell, field, message``), in the order found."""
    return json.dumps([issue.model_dump() for issue in report.issues], ensure_ascii=False, indent=2)


def write_by_division(report: ValidationReport, folder: Path) -> list[Path]:
    """One UTF-8 text file per division with the problems of its files; unreadable ones to 担当課不明.txt.

    Files this function wrote there before for divisions that have no file now are removed (it
    knows its own files by their first two lines); no other file of ``folder`` is touched.
    """
    written = []
    for division, tasks in report.by_division().items():
        header = f"{BY_DIVISION_HEADER[0]}{division}\n{BY_DIVISION_HEADER[1]}{len(tasks)} 件\n\n"
        target = Path(folder) / f"{safe_file_name(division, UNKNOWN_DIVISION)}.txt"
        try:
            write_text_atomic(target, header + format_tasks(tasks))
        except OSError as exc:
            raise ReportkitError(f"担当課別の結果を書き出せません: {target}（{exc.strerror or exc}）") from exc
        written.append(target)
    _remove_stale_division_files(Path(folder), set(written))
    return written


def _remove_stale_division_files(folder: Path, keep: set[Path]) -> None:
    for path in sorted(folder.glob("*.txt")):
        if path in keep or not path.is_file():
            continue
        try:
            with path.open(encoding="utf-8") as handle:
                first, second = handle.readline(), handle.readline()
        except (OSError, UnicodeDecodeError):
            continue  # not ours, or not readable: leave it
        if first.startswith(BY_DIVISION_HEADER[0]) and second.startswith(BY_DIVISION_HEADER[1]):
            try:
                path.unlink()
            except OSError as exc:
                raise ReportkitError(f"以前の担当課別の結果を消せません: {path}（{exc.strerror or exc}）") from exc

