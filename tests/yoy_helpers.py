"""Builders for the year-over-year tests: a small input folder, and edits through the template's fill API."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook

from reportkit.model import Card
from reportkit.workbook.template import fill_workbook

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"

# A handful of the sample's workbooks: policy ① (two measures), a ◎/・ listed card, free-form results.
SAMPLE_CARDS = ("001", "002", "003", "005", "006", "035")


def sample_card(prefix: str) -> Path:
    (path,) = sorted((INPUTS / "cards").glob(f"{prefix}_*.xlsx"))
    return path


def make_input_folder(folder: Path, prefixes=SAMPLE_CARDS, *, markdown: bool = False) -> Path:
    """config.toml, multi_year.csv, narratives/, statistics/ and a few card workbooks of the sample year.

    ``markdown``: the narratives in Markdown (the sample's kept ``narratives/markdown/``) instead of Word.
    """
    (folder / "cards").mkdir(parents=True)
    for name in ("config.toml", "multi_year.csv"):
        shutil.copy(INPUTS / name, folder / name)
    for name in ("narratives", "statistics"):
        shutil.copytree(INPUTS / name, folder / name)
    for prefix in prefixes:
        shutil.copy(sample_card(prefix), folder / "cards")
    if markdown:
        markdown_narratives(folder)
    return folder


def markdown_narratives(folder: Path) -> Path:
    """An input folder's narratives as Markdown again: the kept narratives/markdown/ back in place of the .docx."""
    narratives = folder / "narratives"
    kept = narratives / "markdown"
    for path in list(narratives.glob("*.docx")):
        path.unlink()
    for path in list(kept.iterdir()):
        shutil.move(str(path), narratives / path.name)
    kept.rmdir()
    return folder


def edit(path: Path, values: dict) -> None:
    """Change fields of a card workbook through its defined names (what a clerk does in Excel)."""
    wb = load_workbook(path)
    fill_workbook(wb, values)
    wb.save(path)
    wb.close()


def year_values(card: Card) -> dict:
    """The fields rollover empties, as ``card`` had them: a clerk typing the same figures again."""
    return {
        "cost": "－" if card.cost is None else card.cost,
        "cost_note": card.cost_note,
        "progress_rows": [(r.item, r.value, r.kind) for r in card.progress.rows],
        "outcome_rows": [(r.item, r.value, r.kind) for r in card.outcome.rows],
        "results_free": [(r.kind, *r.cells) for r in card.results_free],
        "priority": card.priority,
        "key_result": card.key_result,
        "emergency": card.emergency,
        "new_listing": card.new_listing,
        "new_summary": card.new_summary,
    }


def make_two_years(base: Path, prefixes=SAMPLE_CARDS):
    """平成25年度 (six sample cards, or the sample's cards of ``prefixes``) and 平成26年度 made by rollover
    plus scripted edits (the cards 001, 002, 003, 005 and 006 must be among them).

    Returns (year1, year2, edits) where ``edits`` names the projects each edit touched:
    renamed (new project_id too, so only the 事業名変更 entry links it), cost, added, dropped,
    moved (to another measure of policy ①) and results (a changed row of table 1).
    """
    from reportkit.inputs.config import load_config
    from reportkit.yoy.rollover import rollover
    from reportkit.checks.validate import validate_folder
    from reportkit.workbook.template import write_workbook

    year1 = make_input_folder(base / "h25", prefixes)
    year2 = base / "h26"
    old = {s.card.project_id: s for s in validate_folder(year1).cards}
    rollover(year1, 2014, year2)
    for sourced in old.values():
        edit(year2 / sourced.source.file, year_values(sourced.card))
    config = load_config(year2)
    by_prefix = {Path(s.source.file).name[:3]: s for s in old.values()}

    renamed = by_prefix["001"].card
    edit(year2 / by_prefix["001"].source.file, {
        "project_id": "NEW-001",
        "project_name": "訓練校指導員研修事業",
        "history_rows": [(e.year, e.event, e.former_name, e.reason) for e in renamed.history]
        + [("平成26年度", "事業名変更", renamed.project_name, "研修内容の拡充に合わせて名称を変更")],
    })
    cost = by_prefix["002"].card
    edit(year2 / by_prefix["002"].source.file, {"cost": cost.cost + 500})
    moved = by_prefix["003"].card
    edit(year2 / by_prefix["003"].source.file, {"measure": config.policy(1).measures[2]})
    dropped = by_prefix["005"].card
    (year2 / by_prefix["005"].source.file).unlink()
    results = by_prefix["006"].card
    rows = [(r.item, r.value, r.kind) for r in results.progress.rows]
    changed = next(i for i, r in enumerate(results.progress.rows) if r.kind == "" and r.value)
    rows[changed] = (rows[changed][0], "９９回", rows[changed][2])
    edit(year2 / by_prefix["006"].source.file, {"progress_rows": rows})
    write_workbook(config, year2 / "cards" / "900_新規テスト事業.xlsx", {
        "project_id": "NEW-900",
        "policy": 2,
        "measure": config.policy(2).measures[0],
        "project_name": "中小企業デジタル化支援事業",
        "description": "中小企業のデジタル化を支援した。",
        "cost": 12345,
        "department": config.divisions[0],
        "period_start": "平成26年度",
        "new_listing": "・",
    })
    edits = {"renamed": renamed, "cost": cost, "moved": moved, "dropped": dropped, "results": results,
             "added": "NEW-900", "results_item": rows[changed][0], "results_old": results.progress.rows[changed].value}
    return year1, year2, edits
