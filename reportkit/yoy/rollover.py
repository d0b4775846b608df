"""Roll an input folder forward to the next fiscal year: config, multi-year table and prefilled cards.

``rollover(input_dir, to_year, out_dir)`` makes next year's input folder:

* ``config.toml`` with ``fiscal_year`` advanced and the cover's publication month moved by the
  same number of years when it is written in 和暦 (``平成２６年９月`` → ``平成２７年９月``);
  comments and everything else are kept as typed;
* ``multi_year.csv`` with this year's count and settled cost per policy appended (computed from
  the cards, reprints excluded — the figures of the list table's 小計);
* ``narratives/`` (Word files, Markdown, a conversion's kept ``markdown/``) and ``statistics/`` copied for
  editing, and ``templates/`` (the folder's own Word styles) when it has one;
* ``expected.json``: this year's projects (管理番号, 事業名, 担当課, 事業費, 基本方針, 施策, 再掲,
  the end of 事業期間, 重点/主要成果/緊急雇用, file) in this year's report order, the list ``reportkit status`` and ``reportkit packs`` check next
  year's returns against, where ``build --draft`` puts a project whose workbook is gone, and the
  order next year's report keeps (``project_order``);
* ``cards/`` with one prefilled workbook per project, same sub-folder, file name and project_id. Kept: name,
  description, history, department, group, policy, measure, period, reprints, the list
  attributes (foundation), captions, headers and item labels of the results. Emptied: the cost
  and its breakdown, the results values, the new-projects listing and the year's flags
  (priority, key_result, emergency; kept in ``expected.json`` and counted in ``flags``, so the
  secretariat sees next year how many there were). ``fiscal_year`` is the new year. A card whose
  事業期間 is over is listed in ``ended`` (the CLI groups them by division), not one notice each.

Validating the new folder therefore reports every emptied field as an error at its cell, so a
clerk sees them all in one pass: ``missing-value`` on ``cost``, ``row-without-value`` on each
results row that has an item (headings excepted) and ``free-row-without-value`` on each emptied
文 paragraph and 表 row of the free-form results. Text still naming the old year (``平成２５年度``
in a table head) is a ``stale-year-text`` warning.

The input folder is never written to. The new folder is built in a temporary folder next to
``out_dir`` and renamed into place at the end, so a failure leaves nothing half-made.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path


from ..report.aggregate import Report, YearFigure, aggregate
from ..files.atomic import staged_folder
from ..collect.expected import YEAR_FLAGS, ExpectedProject, ExpectedRecord, file_digest, write_expected
from ..inputs.config import ReportConfig, load_config
from ..errors import OutputError, ParseError, ReportkitError, ValidationFailed
from ..inputs.input_folder import (CARDS_DIR, CONFIG_FILE, EDITABLE_FOLDERS, EXPECTED_FILE, MULTI_YEAR_FILE, OPTIONAL_FOLDERS,
                            InputFolder)
from ..japanese import FULL_DIGITS, era_for_month, era_year, nendo, nendo_or_western
from ..model import Card
from ..checks.validate import cards_folder, validate_folder
from ..workbook.layout import BLOCKS, CONTRACT_VERSION
from ..workbook.template import write_workbook
from ..inputs.year_inputs import load_year_inputs

_DIGIT = re.compile(r"\d")
_FULL_TO_HALF = str.maketrans({FULL_DIGITS[i]: str(i) for i in range(10)})


@dataclass
class RolloverResult:
    """What ``rollover`` wrote and what the secretariat should look at."""

    out_dir: Path
    from_year: int
    to_year: int
    cards: list[Path] = field(default_factory=list)  # the prefilled workbooks, in path order
    figures: list[YearFigure] = field(default_factory=list)  # the rows appended to multi_year.csv
    notices: list[str] = field(default_factory=list)  # Japanese notes for the secretariat
    ended: list[EndedCard] = field(default_factory=list)  # cards whose 事業期間 is over, by division (config order)
    flags: dict[str, int] = field(default_factory=dict)  # this year's 重点/主要成果/緊急雇用 counts (emptied next year)


@dataclass(frozen=True)
class EndedCard:
    """A prefilled card whose 事業期間 ended before the new year: to be deleted, or its period extended."""

    file: str  # as the new folder names it (``cards/商工政策課/001.xlsx``)
    project_id: str
    name: str
    division: str
    period_end: int


def rollover(input_dir: Path, to_year: int, out_dir: Path) -> RolloverResult:
    """Make next year's input folder ``out_dir`` from ``input_dir`` (see the module docstring).

    Raises ReportkitError (Japanese message) when ``out_dir`` exists and is not empty, lies inside
    ``input_dir``, or ``to_year`` is not after the input's year; ValidationFailed when the input
    folder has errors (its figures could not be trusted).
    """
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    InputFolder(input_dir).check_new_output(out_dir)
    inputs = load_year_inputs(input_dir)  # the folder's files but the cards, read once
    result = validate_folder(input_dir, inputs=inputs)
    config = result.config
    if to_year <= config.fiscal_year:
        raise ReportkitError(
            f"移行先の年度（{nendo_or_western(to_year, western_suffix='年度')}）は入力フォルダの年度（{nendo(config.fiscal_year)}）より後にしてください。")
    if not result.ok:
        raise ValidationFailed(
            f"入力フォルダ {input_dir} にエラーが {result.error_count} 件あるため、次年度のフォルダを作りませんでした。"
            "先に reportkit validate でエラーを直してください。", result.issues)
    if not result.cards:
        raise ReportkitError(f"入力フォルダ {input_dir} にカードがありません。")

    outcome = RolloverResult(out_dir=out_dir, from_year=config.fiscal_year, to_year=to_year)
    if to_year != config.fiscal_year + 1:
        outcome.notices.append(
            f"{nendo(config.fiscal_year)}から{nendo_or_western(to_year, western_suffix='年度')}へ {to_year - config.fiscal_year} 年進めます。"
            "間の年度の実績は multi_year.csv に追記してください。")

    if inputs.abolished.projects:
        outcome.notices.append(
            f"廃止として記録された事業 {len(inputs.abolished.projects)} 件（"
            + "、".join(p.project_id for p in inputs.abolished.projects) + "）は引き継ぎませんでした。")

    config_text, publication_note = advance_config_text(
        inputs.config_text, config, to_year)
    if publication_note:
        outcome.notices.append(publication_note)

    try:
        with staged_folder(out_dir, "rollover") as staging:
            (staging / CONFIG_FILE).write_text(config_text, encoding="utf-8")
            new_config = load_config(staging)  # the rewritten file must still be a valid config
            if new_config.fiscal_year != to_year:
                raise ReportkitError("設定ファイルの fiscal_year を書き換えられませんでした（fiscal_year = 数字 の行が必要です）。")

            report = aggregate(config, [s.card for s in result.cards], [], previous=inputs.expected.previous_order())
            outcome.figures = year_figures(report)
            (staging / MULTI_YEAR_FILE).write_text(
                _multi_year_text(inputs.multi_year(), config.fiscal_year, outcome), encoding="utf-8")

            for name in EDITABLE_FOLDERS:
                if (input_dir / name).is_dir():
                    # Word's and LibreOffice's lock files (a narrative open in Word) stay behind
                    shutil.copytree(input_dir / name, staging / name, ignore=shutil.ignore_patterns("~$*", ".~lock.*"))
                elif name not in OPTIONAL_FOLDERS:
                    outcome.notices.append(f"入力フォルダに {name}/ がないため、コピーしませんでした。")

            (staging / CARDS_DIR).mkdir()
            source_root = cards_folder(input_dir)
            expected = ExpectedRecord(fiscal_year=config.fiscal_year, projects=[])
            for sourced in result.cards:
                card = sourced.card
                # Same sub-folders, same file names: 商工政策課/001.xlsx stays 商工政策課/001.xlsx.
                relative = (input_dir / sourced.source.file).relative_to(source_root).with_suffix(".xlsx")
                target = staging / CARDS_DIR / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_card(new_config, target, card, sourced.source.file)
                shown = (Path(CARDS_DIR) / relative).as_posix()
                expected.projects.append(ExpectedProject(project_id=card.project_id, name=card.one_line_name,
                                                         division=card.department, cost=card.cost, file=shown,
                                                         sha256=file_digest(target), policy=card.policy,
                                                         measure=card.measure, reprints=card.reprints,
                                                         period_end=card.period_end,
                                                         **{flag: getattr(card, flag) for flag in YEAR_FLAGS}))
                outcome.cards.append(out_dir / CARDS_DIR / relative)
                if card.period_end is not None and card.period_end < to_year:
                    outcome.ended.append(EndedCard(shown, card.project_id, card.one_line_name, card.department,
                                                   card.period_end))

            divisions = {name: i for i, name in enumerate(new_config.divisions)}
            outcome.ended.sort(key=lambda c: (divisions.get(c.division, len(divisions)), c.file))
            outcome.flags = {flag: count or 0 for flag, count in expected.flag_counts().items()}
            listed = {row.card.project_id: i for i, row in enumerate(r for r in report.rows if not r.is_reprint)}
            expected.projects.sort(key=lambda p: listed[p.project_id])  # the order next year's report keeps
            write_expected(staging / EXPECTED_FILE, expected)  # what `reportkit status` and `packs` expect back
            if config.deadline:
                outcome.notices.append(f"config.toml の提出期限（deadline = {config.deadline_text}）は前年度のままです。"
                                       "今年度の期限に直してください。")
    except OSError as exc:
        raise OutputError(f"次年度のフォルダ {out_dir} を作れません: {exc.strerror or exc}") from exc
    outcome.cards.sort()
    return outcome


# -- checks --------------------------------------------------------------------------------------



# -- config --------------------------------------------------------------------------------------

_FISCAL_YEAR_LINE = re.compile(r"^(fiscal_year\s*=\s*)(\d{4})\b", re.MULTILINE)
_PUBLICATION_LINE = re.compile(r'^(publication\s*=\s*")([^"\n]*)(")', re.MULTILINE)
_WAREKI_MONTH = re.compile(r"^(昭和|平成|令和)([0-9０-９]{1,2}|元)年([0-9０-９]{1,2})月$")


def advance_config_text(text: str, config: ReportConfig, to_year: int) -> tuple[str, str]:
    """The config text with fiscal_year set to ``to_year`` and the publication month advanced.

    Returns (text, notice); the notice is empty unless the publication text could not be advanced.
    """
    new_text, count = _FISCAL_YEAR_LINE.subn(lambda m: f"{m.group(1)}{to_year}", text, count=1)
    if count != 1:
        raise ReportkitError("設定ファイルに fiscal_year = 年度 の行が見つかりません。")
    years = to_year - config.fiscal_year
    notice = ""
    match = _PUBLICATION_LINE.search(new_text)
    advanced = advance_wareki_month(match.group(2), years) if match else None
    if match and advanced is not None:
        new_text = new_text[: match.start(2)] + advanced + new_text[match.end(2):]
    else:
        notice = (f"表紙の発行年月「{config.cover.publication}」は和暦の年月（例：平成２６年９月）ではないため、"
                  "そのままにしました。config.toml の [cover] publication を直してください。")
    return new_text, notice


def advance_wareki_month(text: str, years: int) -> str | None:
    """``平成２６年９月`` advanced by ``years`` (era changes handled, digit width kept); None if not 和暦."""
    match = _WAREKI_MONTH.match(text.strip())
    if not match:
        return None
    era, number_text, month_text = match.groups()
    full_width = any(ch in FULL_DIGITS for ch in number_text + month_text)
    number = 1 if number_text == "元" else int(number_text.translate(_FULL_TO_HALF))
    month = int(month_text.translate(_FULL_TO_HALF))
    if not 1 <= month <= 12:
        return None
    year = era_year(era, number) + years
    try:
        new_era = era_for_month(year, month)
    except ParseError:
        raise ReportkitError(f"{year}年{month}月 は和暦に直せません。") from None
    new_number = year - new_era.first_year + 1
    digits = "元" if new_number == 1 else str(new_number)
    month_digits = str(month)
    if full_width:
        digits = digits.translate({ord(str(i)): FULL_DIGITS[i] for i in range(10)})
        month_digits = month_digits.translate({ord(str(i)): FULL_DIGITS[i] for i in range(10)})
    return f"{new_era.name}{digits}年{month_digits}月"


# -- multi-year table ----------------------------------------------------------------------------

def year_figures(report: Report) -> list[YearFigure]:
    """The report year's count and 小計 per policy (reprints excluded), as in the list table."""
    return [YearFigure(report.fiscal_year, p.no, p.count, p.subtotal) for p in report.policies]


def _multi_year_text(past: list[YearFigure], year: int, outcome: RolloverResult) -> str:
    if any(f.year == year for f in past):
        outcome.notices.append(f"multi_year.csv にあった{nendo(year)}の行は、カードから計算した値に置き換えました。")
    rows = [f for f in past if f.year != year] + outcome.figures
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", "policy", "count", "amount"])
    for figure in sorted(rows, key=lambda f: (f.year, f.policy)):
        writer.writerow([figure.year, figure.policy, figure.count, figure.amount])
    return buffer.getvalue()


# -- cards ---------------------------------------------------------------------------------------

_BLOCK_ROWS = {block.name: block.rows for block in BLOCKS}


def prefilled_values(card: Card, config: ReportConfig) -> dict[str, object]:
    """The defined-name values of next year's workbook for ``card`` (``config`` is next year's)."""
    def policy_text(no: int) -> str:
        policy = config.policy(no)
        return f"{policy.mark}{policy.title}"

    values: dict[str, object] = {
        "rk_version": CONTRACT_VERSION,
        "project_id": card.project_id,
        "fiscal_year": nendo(config.fiscal_year, full_width=False),
        "policy": policy_text(card.policy),
        "measure": card.measure,
        "project_name": card.project_name,
        "description": card.description,
        "cost": None,
        "cost_note": None,
        "progress_caption": card.progress.caption,
        "outcome_caption": card.outcome.caption,
        "progress_headers": tuple(card.progress.headers),
        "outcome_headers": tuple(card.outcome.headers),
        "progress_rows": [(row.item, "", row.kind) for row in card.progress.rows],
        "outcome_rows": [(row.item, "", row.kind) for row in card.outcome.rows],
        "results_free": [_free_row_skeleton(row.kind, row.cells) for row in card.results_free],
        "history_rows": [(e.year, e.event, e.former_name, e.reason) for e in card.history],
        "department": card.department,
        "group": card.group,
        "priority": None,
        "key_result": None,
        "period_start": nendo(card.period_start, full_width=False) if card.period_start else None,
        "period_end": nendo(card.period_end, full_width=False) if card.period_end else None,
        "foundation": card.foundation or None,
        "emergency": None,
        "new_listing": None,
        "new_summary": None,
        "reprint_rows": [(policy_text(r.policy), r.measure) for r in card.reprints],
    }
    # Blank rows are skipped by the reader; drop them so they take no template row.
    for name in ("progress_rows", "outcome_rows", "results_free"):
        values[name] = [row for row in values[name] if any(cell for cell in row)]
    return values


def _free_row_skeleton(kind: str, cells: list[str]) -> tuple[str, ...]:
    """A free-form results row for next year: captions and table headers kept, values emptied.

    A 表 row keeps its leading label cells (those without digits: ``商工会議所``, ``巡回``) and
    empties the rest; a 文 row keeps only its kind, marking where the paragraph goes.
    """
    if kind in ("見出し", "表頭"):
        return (kind, *cells)
    if kind == "文":
        return (kind,)
    kept: list[str] = []
    for cell in cells:
        if _DIGIT.search(cell.translate(_FULL_TO_HALF)):
            break
        kept.append(cell)
    return (kind, *kept)


def _write_card(config: ReportConfig, target: Path, card: Card, source_file: str) -> None:
    values = prefilled_values(card, config)
    for name, rows in _BLOCK_ROWS.items():
        if len(values.get(name) or []) > rows:
            raise ReportkitError(
                f"{source_file}: 「{name}」の行数（{len(values[name])}行）が様式の行数（{rows}行）を超えるため、"
                "次年度のカードを作れません。行をまとめてから、もう一度実行してください。")
    if card.department not in config.divisions:  # validated already; keep the template's own check quiet
        raise ReportkitError(f"{source_file}: 担当課「{card.department}」は設定ファイルの divisions にありません。")
    write_workbook(config, target, values, mailed=True)  # fixed dates and entry order: same folder, same bytes
