"""A draft while waiting: the cards that are in, and a placeholder where each card not in yet will stand.

``draft_inputs(report, expected)`` turns a folder's ValidationReport (and its ``expected.json``,
when there is one) into what ``aggregate`` needs for a draft: the cards, and a ``Placeholder`` for
each project whose card is not usable yet:

* ``missing`` (未提出): an expected project whose workbook is still the one rollover prefilled;
* ``errors`` (要修正): a returned workbook that fails validation, with its errors listed;
* nothing for an expected project whose 事業期間 ended with last year and whose workbook was
  deleted (rollover's notice): it has ended; nothing for a project recorded as abolished (事業廃止);
* ``missing`` too for another expected project with no workbook at all (deleted, never filed): its card
  is made from ``expected.json`` (policy, measure, reprints; older files without them get only a
  notice).

A placeholder keeps its card's place in every order (policy, measure, reprints from the
workbook, which even a prefilled or failing one holds; its place inside the measure from
``project_order``, as in the final build), so each page stands where the final report will have it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..report.aggregate import Placeholder
from ..model import Card
from ..checks.validation_report import ValidationReport
from ..japanese import nendo_or_western
from .expected import ExpectedProject, ExpectedRecord, Prefilled
from .refusal import error_lines



@dataclass
class DraftInputs:
    cards: list[Card]  # the clean cards and the placeholders' cards (aggregate puts them in report order)
    placeholders: dict[str, Placeholder]  # project id → its placeholder
    notices: list[str] = field(default_factory=list)  # files that cannot be placed (Japanese)

    def count(self, state: str) -> int:
        return sum(1 for p in self.placeholders.values() if p.state == state)


def draft_inputs(report: ValidationReport, expected: ExpectedRecord | None = None,
                 abolished: set[str] = frozenset()) -> DraftInputs:
    """The cards and placeholders of a draft of ``report``'s folder (see the module docstring);
    nothing for a project of ``abolished`` (recorded as abolished this year: its workbook is not in ``report``)."""
    prefilled = Prefilled(expected)
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
        if not task.buildable:
            if prefilled.untouched(card.project_id, task.path):
                result.placeholders[card.project_id] = Placeholder("missing", file=task.file)
            else:
                result.placeholders[card.project_id] = Placeholder("errors", tuple(error_lines(task)), task.file)
        result.cards.append(card)
    ended: dict[str, list] = {}  # 担当課 → last year's projects whose 事業期間 is over and whose workbook is gone
    for project in expected.projects if expected is not None else ():
        if project.project_id in seen or project.project_id in abolished:
            continue
        seen.add(project.project_id)
        if expected.ended(project):
            ended.setdefault(project.division, []).append(project)
            continue
        if not project.placeable:
            result.notices.append(f"{project.project_id} {project.name}: カードのブックが入力フォルダになく、"
                                  "expected.json に基本方針・施策がないため、素案に仮のページを置けません。")
            continue
        result.placeholders[project.project_id] = Placeholder("missing")
        result.notices.append(f"{project.project_id} {project.name}: カードのブックが入力フォルダにないため、"
                              "未提出の仮のページを置きました（終了した事業なら、事業期間を前年度までにしたカードを"
                              "提出してもらうか、expected.json から外してください）。")
        result.cards.append(_expected_card(project, report.config.fiscal_year))
    if ended:
        result.notices.append(_ended_notice(ended))
    return result


def _ended_notice(ended: dict[str, list[ExpectedProject]]) -> str:
    """One notice for the ended projects left out of a draft, one line per 担当課 (as rollover lists them)."""
    count = sum(len(projects) for projects in ended.values())
    lines = [f"事業期間が終わり、カードのブックが削除されている {count} 件は、終了した事業として素案に載せていません:"]
    for division, projects in ended.items():
        lines.append(f"    {division}（{len(projects)} 件）: " + "、".join(
            f"{p.project_id} {p.name}（{nendo_or_western(p.period_end, western_suffix='年度')}まで）" for p in projects))
    return "\n".join(lines)


def _expected_card(project: ExpectedProject, fiscal_year: int) -> Card:
    """The card of a placeholder for a project whose workbook is gone: what expected.json knows."""
    return Card(project_id=project.project_id, fiscal_year=fiscal_year, policy=project.policy,
                measure=project.measure, project_name=project.name, department=project.division,
                reprints=project.reprints)
