"""A draft while waiting: the cards that are in, and a placeholder where each card not in yet will stand.

``draft_inputs(report, expected)`` turns a folder's ValidationReport (and its ``expected.json``,
when there is one) into what ``aggregate`` needs for a draft: the cards in the order the final
build will read them, and a ``Placeholder`` for each project whose card is not usable yet:

* ``missing`` (未提出): an expected project whose workbook is still the one rollover prefilled;
* ``errors`` (要修正): a returned workbook that fails validation, with its errors listed;
* nothing for an expected project whose 事業期間 ended with last year and whose workbook was
  deleted (rollover's notice): it has ended;
* ``missing`` too for another expected project with no workbook at all (deleted, never filed): its card
  is made from ``expected.json`` (policy, measure, reprints; older files without them get only a
  notice) and placed where ``reportkit accept`` will file its return.

A placeholder keeps its card's place in every order (policy, measure, reprints from the
workbook, which even a prefilled or failing one holds), so each page stands where the final
report will have it. A prefilled workbook is placed where ``reportkit accept`` will file its
return (``cards/<担当課>/<its name>``): the final build reads the cards in path order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..aggregate import Placeholder
from ..model import Card
from ..report_text import format_issue, sorted_issues
from ..validate import cards_folder
from ..validation_report import FileTask, ValidationReport
from ..files.textsafe import safe_file_name
from ..japanese import nendo_or_western
from .expected import ExpectedProject, ExpectedRecord, file_digest



@dataclass
class DraftInputs:
    cards: list[Card]  # the clean cards and the placeholders' cards, in the order the final build reads them
    placeholders: dict[str, Placeholder]  # project id → its placeholder
    notices: list[str] = field(default_factory=list)  # files that cannot be placed (Japanese)

    def count(self, state: str) -> int:
        return sum(1 for p in self.placeholders.values() if p.state == state)


def draft_inputs(report: ValidationReport, expected: ExpectedRecord | None = None) -> DraftInputs:
    """The cards and placeholders of a draft of ``report``'s folder (see the module docstring)."""
    root = cards_folder(report.folder)
    prefilled = {p.project_id: p.sha256 for p in expected.projects if p.sha256} if expected else {}
    placed: list[tuple[tuple[str, ...], Card]] = []
    result = DraftInputs(cards=[], placeholders={})
    seen: set[str] = set()
    for task in report.card_tasks:
        if task.card is None:
            result.notices.append(f"{task.file}: 事業カードとして読めないため、素案には載せていません。")
            continue
        card = task.card.card
        if card.project_id in seen:  # a second file of the same project (an error): one page only
            continue
        seen.add(card.project_id)
        position = task.path
        if not task.buildable:
            if prefilled.get(card.project_id) == file_digest(task.path):
                result.placeholders[card.project_id] = Placeholder("missing", file=task.file)
                if task.division:
                    position = root / safe_file_name(task.division) / task.path.name
            else:
                result.placeholders[card.project_id] = Placeholder("errors", _problems(task), task.file)
        placed.append((_order(root, position), card))
    for project in expected.projects if expected is not None else ():
        if project.project_id in seen:
            continue
        seen.add(project.project_id)
        if expected.ended(project):
            result.notices.append(f"{project.project_id} {project.name}: 事業期間が"
                                  f"{nendo_or_western(project.period_end, western_suffix='年度')}までで、"
                                  "カードのブックが削除されているため、終了した事業として素案に載せていません。")
            continue
        if not (project.placeable and project.file):
            result.notices.append(f"{project.project_id} {project.name}: カードのブックが入力フォルダになく、"
                                  "expected.json に基本方針・施策がないため、素案に仮のページを置けません。")
            continue
        result.placeholders[project.project_id] = Placeholder("missing")
        result.notices.append(f"{project.project_id} {project.name}: カードのブックが入力フォルダにないため、"
                              "未提出の仮のページを置きました（終了した事業なら、事業期間を前年度までにしたカードを"
                              "提出してもらうか、expected.json から外してください）。")
        position = root / safe_file_name(project.division) / Path(project.file).name
        placed.append((_order(root, position), _expected_card(project, report.config.fiscal_year)))
    placed.sort(key=lambda item: item[0])
    result.cards = [card for _, card in placed]
    return result


def _expected_card(project: ExpectedProject, fiscal_year: int) -> Card:
    """The card of a placeholder for a project whose workbook is gone: what expected.json knows."""
    return Card(project_id=project.project_id, fiscal_year=fiscal_year, policy=project.policy,
                measure=project.measure, project_name=project.name, department=project.division,
                reprints=project.reprints)


def _problems(task: FileTask) -> tuple[str, ...]:
    """The errors to fix, one line each, as ``validate`` prints them (without the indent)."""
    return tuple(format_issue(issue).strip() for issue in sorted_issues(task.issues) if issue.severity == "error")


def _order(root: Path, path: Path) -> tuple[str, ...]:
    """The key the folder's files are read in (``validate.card_files``)."""
    try:
        return Path(path).relative_to(root).parts
    except ValueError:
        return (Path(path).name,)
