"""Validate an input folder: read every card workbook, normalise it, apply the rules, collect every Issue."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import rules
from .cards import build_card, canonical_choice
from .config import ReportConfig, load_config
from .errors import InputFolderError
from .issues import Issue, has_errors
from .japanese import one_line
from .model import SourcedCard
from .narrative_templates import check_narratives
from .workbook.reader import read_workbook

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx", ".csv"}


@dataclass
class ValidationResult:
    config: ReportConfig
    cards: list[SourcedCard] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)  # file name -> division ("" = unknown)
    partial: list[SourcedCard] = field(default_factory=list)  # checked, but a field (e.g. cost) unread

    @property
    def ok(self) -> bool:
        return not has_errors(self.issues)

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")


CARDS_SUBFOLDER = "cards"


def cards_folder(folder: Path) -> Path:
    """Where the workbooks of an input folder are: its ``cards/`` subfolder when there is one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFolderError(f"入力フォルダが見つかりません: {folder}")
    sub = folder / CARDS_SUBFOLDER
    return sub if sub.is_dir() else folder


def card_files(folder: Path) -> list[Path]:
    """The workbooks of an input folder in a stable order; Excel lock files and hidden files are skipped."""
    folder = cards_folder(folder)
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(("~$", ".")):
            continue
        # Anything named like a workbook is listed, even a folder or a broken link: the reader
        # reports it as unreadable rather than it being skipped silently.
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            files.append(path)
    return files


def validate_card_file(path: Path, config: ReportConfig) -> tuple[SourcedCard | None, list[Issue]]:
    """Read and check one workbook on its own (no folder-wide rules)."""
    sourced, issues, _ = _check_file(path, config)
    return sourced, issues


def _check_file(path: Path, config: ReportConfig) -> tuple[SourcedCard | None, list[Issue], str]:
    """The card, its issues and its division ("" when it cannot be read or is not in the config)."""
    raw = read_workbook(path)
    issues = list(raw.issues)
    if not raw.readable:
        return None, issues, ""
    sourced, card_issues = build_card(raw, config)
    issues.extend(card_issues)
    if sourced is None:
        department = raw.values.get("department")
        text = canonical_choice(one_line(department.value), config.divisions) if department is not None else ""
        return None, issues, text if text in config.divisions else ""
    issues.extend(rules.check_card(sourced, config))
    department = sourced.card.department
    return sourced, issues, department if department in config.divisions else ""


def validate_folder(folder: Path, config: ReportConfig | None = None,
                    progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None) -> ValidationResult:
    """Every problem of every workbook in ``folder`` (config from ``folder/config.toml`` unless given).

    ``progress`` may wrap the list of files (e.g. a progress bar).
    """
    folder = Path(folder)
    config = config or load_config(folder)
    result = ValidationResult(config=config, files=card_files(folder))
    checked: list[SourcedCard] = []
    for path in (progress(result.files) if progress else result.files):
        if path.suffix.lower() == ".csv":
            from .issues import make_issue

            result.issues.append(make_issue("not-xlsx", path.name))
            continue
        sourced, issues, department = _check_file(path, config)
        result.departments[path.name] = department
        result.issues.extend(issues)
        if sourced is not None:
            checked.append(sourced)
    result.issues.extend(rules.check_folder(checked, config))
    result.issues.extend(check_narratives(folder, config, checked))
    # Cards with a field that could not be read were checked, but are not cards to build from.
    result.cards = [s for s in checked if not s.source.unread]
    result.partial = [s for s in checked if s.source.unread]
    return result
