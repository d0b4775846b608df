"""The validation report as an object: one task per file, summaries per file and per division.

``validate_folder`` returns a ``ValidationReport``. The CLI (text, JSON, one file per division),
the refused build, the collection round and the web desk all read this one object rather than
grouping issues again::

    report = validate_folder("inputs")
    report.ok                      # no errors (warnings allowed)
    for task in report.tasks:      # every file, in folder order
        task.file, task.division, task.card, task.issues, task.errors, task.warnings
    report.flatten(("file", "cell", "code"))   # one row per issue
    report.summary_by_division()   # DivisionSummary(division, files, errors, warnings, files_with_errors)

Rendering lives in ``reportkit.checks.report_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..inputs.config import ReportConfig
from ..issues import Issue, has_errors
from ..model import SourcedCard

UNKNOWN_DIVISION = "担当課不明"  # the group of a file whose division cannot be read


def file_name(folder: Path, path: Path) -> str:
    """How messages name a file: its path relative to the input folder, with forward slashes on every system."""
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).name


class IssueCounts:
    """``errors``, ``warnings`` and ``ok`` of an object with ``issues``."""

    issues: list[Issue]

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not has_errors(self.issues)


@dataclass
class FileTask(IssueCounts):
    """One file and what its check gave: its issues, the card it produced, its division.

    ``path`` is None for a file that is not a card file but has issues (a narrative template).
    ``card`` is the card read from the workbook, also when a field could not be read (``partial``).
    """

    file: str  # as issues name it: relative to the input folder (``cards/商工政策課/001.xlsx``)
    path: Path | None = None
    issues: list[Issue] = field(default_factory=list)
    card: SourcedCard | None = None
    division: str = ""  # one of the config's divisions, "" when unknown

    @property
    def partial(self) -> bool:
        """Checked, but a field (e.g. the cost) could not be read: not a card to build from."""
        return self.card is not None and bool(self.card.source.unread)

    @property
    def buildable(self) -> bool:
        """A card file whose card can go into the report: read in full, no errors."""
        return self.card is not None and not self.partial and self.ok


@dataclass(frozen=True)
class DivisionSummary:
    division: str  # UNKNOWN_DIVISION for files whose division cannot be read
    files: int
    errors: int
    warnings: int
    files_with_errors: int


@dataclass
class ValidationReport(IssueCounts):
    """Every problem of an input folder, and the cards to build from (see the module docstring)."""

    config: ReportConfig
    cards: list[SourcedCard] = field(default_factory=list)  # read in full (they may still have errors)
    issues: list[Issue] = field(default_factory=list)  # in the order they were found (the JSON order)
    files: list[Path] = field(default_factory=list)  # every card file checked, in folder order
    departments: dict[str, str] = field(default_factory=dict)  # file name -> division ("" = unknown)
    partial: list[SourcedCard] = field(default_factory=list)  # checked, but a field (e.g. cost) unread
    folder: Path = Path()  # the input folder; file names are relative to it
    abolished: list[Path] = field(default_factory=list)  # workbooks of projects recorded as abolished: left out

    @property
    def error_count(self) -> int:
        return self.errors

    @property
    def warning_count(self) -> int:
        return self.warnings

    @property
    def file_names(self) -> list[str]:
        """Every card file checked, as issues name it, in folder order."""
        return [task.file for task in self.card_tasks]

    @cached_property
    def tasks(self) -> list[FileTask]:
        """One task per card file (folder order), then one per other file named by an issue."""
        by_file: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_file.setdefault(issue.file, []).append(issue)
        cards = {s.source.file: s for s in self.cards + self.partial}
        tasks = []
        for path in self.files:
            name = file_name(self.folder, path)
            tasks.append(FileTask(name, path, by_file.pop(name, []), cards.get(name), self.departments.get(name, "")))
        tasks += [FileTask(name, None, issues) for name, issues in by_file.items()]
        return tasks

    @property
    def card_tasks(self) -> list[FileTask]:
        """The tasks of the card files (what ``validate`` counts as files checked)."""
        return [task for task in self.tasks if task.path is not None]

    def task(self, file: str) -> FileTask | None:
        return next((task for task in self.tasks if task.file == file), None)

    def flatten(self, spec: tuple[str, ...] = ("file", "cell", "field", "code")) -> list[list[str]]:
        """One row per issue (in the order found) with the ``spec`` keys: any Issue field, or ``division``."""
        division = {task.file: task.division for task in self.tasks}
        rows = []
        for issue in self.issues:
            values = {**issue.model_dump(), "division": division.get(issue.file, "")}
            rows.append([values[key] for key in spec])
        return rows

    def by_division(self) -> dict[str, list[FileTask]]:
        """The card tasks per division (``UNKNOWN_DIVISION`` for unreadable ones), in folder order."""
        groups: dict[str, list[FileTask]] = {}
        for task in self.card_tasks:
            groups.setdefault(task.division or UNKNOWN_DIVISION, []).append(task)
        return groups

    def summary_by_division(self) -> list[DivisionSummary]:
        return [DivisionSummary(division, len(tasks), sum(t.errors for t in tasks), sum(t.warnings for t in tasks),
                                sum(1 for t in tasks if t.errors))
                for division, tasks in self.by_division().items()]

    def summary_by_file(self) -> list[tuple[str, str, int, int]]:
        """(file, division, errors, warnings) of every task."""
        return [(task.file, task.division, task.errors, task.warnings) for task in self.tasks]
