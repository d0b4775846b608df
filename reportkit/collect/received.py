"""The workbooks under an input folder's cards folder: each with its project, division and problems.

Every file ``validate_folder`` lists is one ``ReceivedFile``, at any depth below ``cards/``
(``cards/<担当課>/…`` once the secretariat files returns by division). A file whose card could not
be built still names its project and division when the workbook holds them, so a broken return
is not mistaken for a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..checks.cards import canonical_choice
from ..inputs.config import ReportConfig
from ..inputs.expected_record import LastYear
from ..issues import Issue
from ..japanese import one_line
from ..model import SourcedCard
from ..checks.validate import ValidationResult, validate_card_file, validate_folder
from ..inputs.year_inputs import YearInputs
from ..checks.validation_report import IssueCounts
from ..workbook.reader import read_workbook



@dataclass
class ReceivedFile(IssueCounts):
    path: Path
    file: str  # relative to the input folder, with / (``cards/商工政策課/001_….xlsx``)
    project_id: str  # "" when the workbook does not say
    name: str
    division: str  # one of the config's divisions, or "" when unknown
    modified: datetime
    issues: list[Issue] = field(default_factory=list)
    cost: int | None = None


@dataclass
class Received:
    config: ReportConfig
    folder: Path
    files: list[ReceivedFile]
    validation: ValidationResult

    def by_project(self) -> dict[str, list[ReceivedFile]]:
        groups: dict[str, list[ReceivedFile]] = defaultdict(list)
        for item in self.files:
            if item.project_id:
                groups[item.project_id].append(item)
        return dict(groups)


def received_files(folder: Path, inputs: YearInputs | None = None) -> Received:
    """Validate ``folder`` and describe every workbook under its cards folder (raises ReportkitError).

    A cards folder with no workbook yet is where a round starts: no files, not an error. ``inputs``:
    the folder's other files as already read (``year_inputs``), else read here.
    """
    folder = Path(folder)
    result = validate_folder(folder, empty_ok=True, inputs=inputs)
    files = []
    for task in result.card_tasks:
        project_id, name, division, cost = _identity(task.path, task.card, result.config)
        files.append(ReceivedFile(path=task.path, file=task.file, project_id=project_id, name=name,
                                  division=division, modified=_modified(task.path), issues=task.issues, cost=cost))
    return Received(config=result.config, folder=folder, files=files, validation=result)


def division_order(config_divisions: list[str], named: set[str]) -> list[str]:
    """The config's divisions among ``named`` in config order, then the others (renamed, 担当課不明)."""
    return [d for d in config_divisions if d in named] + sorted(named - set(config_divisions))


def workbook_identity(path: Path, config: ReportConfig, last_year: LastYear | None = None, *, cache: bool = True
                      ) -> tuple[str, str, str, list[Issue]]:
    """(project id, name, division, issues) of one workbook on its own, checked against ``last_year`` (the
    input folder's record) as in the folder; "" for what it does not say. ``cache=False``: without the card
    cache (validate_card_file)."""
    sourced, issues = validate_card_file(path, config, last_year, cache=cache)
    project_id, name, division, _ = _identity(Path(path), sourced, config)
    return project_id, name, division, issues


def _identity(path: Path, sourced: SourcedCard | None, config: ReportConfig) -> tuple[str, str, str, int | None]:
    if sourced is not None:
        card = sourced.card
        division = card.department if card.department in config.divisions else ""
        return card.project_id, card.one_line_name, division, card.cost
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return "", "", "", None
    raw = read_workbook(path)  # the card could not be built: take what the workbook says
    if not raw.readable:
        return "", "", "", None

    def text(name: str) -> str:
        value = raw.values.get(name)
        return one_line(value.value) if value is not None else ""

    division = canonical_choice(text("department"), config.divisions)
    return text("project_id"), text("project_name"), division if division in config.divisions else "", None



def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    except OSError:
        return datetime.fromtimestamp(0)
