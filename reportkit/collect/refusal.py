"""Why a build was refused, leading with what refuses it.

``refusal(report, expected, draft)`` sorts a refused build's ValidationReport into what blocks it
and what would not:

* a draft (``build --draft``) is refused only by errors outside the cards (a narrative, the
  statistics): those files are ``blocking``; the card errors it would turn into placeholder pages
  are only counted (``tolerated_errors``);
* a final build is refused by every error; a workbook still byte for byte as rollover wrote it is
  a card not returned: ``missing``, named by 管理番号 and 事業名 per division rather than listed as
  the errors of its emptied cells; the other files with errors are ``blocking``.

Warnings never refuse a build: counted. ``refusal_text`` is what the CLI prints, ``refusal_data``
what the desk shows (and its JSON twin returns); both put the blocking errors first and alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks.report_text import format_issue, sorted_issues
from ..checks.validation_report import UNKNOWN_DIVISION, FileTask, ValidationReport
from .expected import ExpectedRecord, Prefilled
from .received import division_order


@dataclass(frozen=True)
class MissingCard:
    """An expected project whose workbook is still the one rollover prefilled."""

    division: str
    project_id: str
    name: str
    file: str


@dataclass
class Refusal:
    draft: bool
    blocking: list[FileTask] = field(default_factory=list)  # files whose errors refuse it (others first)
    missing: list[MissingCard] = field(default_factory=list)  # final build: cards not returned, by division
    tolerated_errors: int = 0  # draft: card errors that become placeholder pages
    tolerated_files: int = 0
    warnings: int = 0

    @property
    def blocking_errors(self) -> int:
        return sum(task.errors for task in self.blocking)

    def missing_by_division(self) -> dict[str, list[MissingCard]]:
        groups: dict[str, list[MissingCard]] = {}
        for card in self.missing:
            groups.setdefault(card.division, []).append(card)
        return groups

    def message(self) -> str:
        """One sentence: what refused the build (ValidationFailed's message)."""
        if self.draft:
            first = self.blocking[0].file if self.blocking else "カード以外の入力"
            return (f"カード以外の入力（{first}{' など' if len(self.blocking) > 1 else ''}）にエラーが "
                    f"{self.blocking_errors} 件あるため、素案を作成しませんでした。")
        reasons = ([f"未提出のカード {len(self.missing)} 件"] if self.missing else []) + (
            [f"エラー {self.blocking_errors} 件（{len(self.blocking)} ファイル）"] if self.blocking else [])
        return f"{'と'.join(reasons) or 'エラー'}があるため、報告書を作成しませんでした。"


def refusal(report: ValidationReport, expected: ExpectedRecord | None, *, draft: bool) -> Refusal:
    """What refuses a build of ``report``'s folder (see the module docstring); ``expected``: its expected.json."""
    prefilled = Prefilled(expected)
    result = Refusal(draft=draft, warnings=report.warnings)
    others = [task for task in report.tasks if task.path is None and task.errors]
    cards = [task for task in report.card_tasks if task.errors]
    if draft:
        result.blocking = others
        result.tolerated_errors = sum(task.errors for task in cards)
        result.tolerated_files = len(cards)
        return result
    missing = []
    for task in cards:
        card = task.card.card if task.card is not None else None
        if card is not None and prefilled.untouched(card.project_id, task.path):
            missing.append(MissingCard(task.division or UNKNOWN_DIVISION, card.project_id, card.one_line_name,
                                       task.file))
        else:
            result.blocking.append(task)
    result.blocking = others + result.blocking
    order = {name: i for i, name in enumerate(division_order(report.config.divisions, {m.division for m in missing}))}
    result.missing = sorted(missing, key=lambda m: order[m.division])  # stable: folder order inside a division
    return result


def error_lines(task: FileTask) -> list[str]:
    """A file's errors, one line each as ``validate`` prints them (without the indent)."""
    return [format_issue(issue).strip() for issue in sorted_issues(task.issues) if issue.severity == "error"]


def refusal_text(refused: Refusal, folder: str) -> str:
    """The CLI's text: the blocking errors first and alone, then what else there is, counted."""
    lines = []
    if refused.missing:
        lines.append(f"未提出のカード（rollover で作ったままのブック）: {len(refused.missing)} 件")
        for division, cards in refused.missing_by_division().items():
            lines.append(f"  {division}（{len(cards)} 件）")
            lines += [f"    {card.project_id}　{card.name}　{card.file}" for card in cards]
        lines.append(f"  事業期間の途中で廃止した事業なら、reportkit abolish 管理番号 --input {folder} --reason 理由 で"
                     "記録すると、報告書から外れます。")
        lines.append("")
    if refused.blocking:
        what = "素案を作成できないエラー（カード以外の入力）" if refused.draft else "エラー"
        lines.append(f"{what}: {refused.blocking_errors} 件（{len(refused.blocking)} ファイル）")
        for task in refused.blocking:
            lines.append(task.file)
            lines += [f"  {line}" for line in error_lines(task)]
        lines.append("")
    if refused.tolerated_errors:
        lines.append(f"このほか、カードのエラー {refused.tolerated_errors} 件（{refused.tolerated_files} ファイル）は、"
                     "素案ではそのカードを仮のページ（未提出・要修正）にして作成できます。")
    if refused.warnings:
        lines.append(f"このほか、警告が {refused.warnings} 件あります（警告があっても作成できます）。")
    lines.append(f"すべての問題は reportkit validate {folder} で確認できます。")
    if not refused.draft:
        lines.append(f"素案なら、未提出・要修正のカードを仮のページにして作成できます（reportkit build {folder} --draft）。")
    return "\n".join(lines) + "\n"


def refusal_data(refused: Refusal) -> dict:
    """The desk's (and its JSON's) form: blocking files with their error lines, missing cards by division, counts."""
    return {
        "blocking": [{"file": task.file, "division": task.division, "errors": error_lines(task)}
                     for task in refused.blocking],
        "missing": [{"division": division, "projects": [{"project_id": c.project_id, "name": c.name, "file": c.file}
                                                        for c in cards]}
                    for division, cards in refused.missing_by_division().items()],
        "missing_count": len(refused.missing),
        "blocking_errors": refused.blocking_errors,
        "tolerated_errors": refused.tolerated_errors,
        "tolerated_files": refused.tolerated_files,
        "warnings": refused.warnings,
    }
