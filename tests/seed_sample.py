"""Cards of the 平成25年度 edition built from tools/sample/*.json (test support, not a test).

The list table rows give each card's policy, measure, list marks and printed
page; the card texts come from the parsed cards. Reprint placements are taken
from the list order, so a faithful render reproduces the edition's pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from reportkit.inputs.config import ReportConfig, ReprintPlacement
from reportkit.model import Card, FreeRow, HistoryEntry, Reprint, ResultRow, ResultsTable

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tools" / "sample"


def available() -> bool:
    return (SAMPLE / "cards_from_seed.json").is_file() and (SAMPLE / "list_from_seed.json").is_file()


def _strip_reprint(name: str) -> str:
    for suffix in ("（再掲）", "(再掲)"):
        name = name.replace(suffix, "")
    return name.strip()


def _table(data: dict | None, caption: str) -> ResultsTable:
    if not data:
        return ResultsTable(caption=caption)
    return ResultsTable(caption=data["caption"], headers=tuple(data["headers"]),
                        rows=[ResultRow(**r) for r in data["rows"]])


def build(config: ReportConfig) -> tuple[ReportConfig, list[Card], dict[str, int]]:
    """(config with reprint placements, cards in file-name order, expected page per bookmark)."""
    listing = json.loads((SAMPLE / "list_from_seed.json").read_text(encoding="utf-8"))
    texts = [c for c in json.loads((SAMPLE / "cards_from_seed.json").read_text(encoding="utf-8"))
             if not c["reprint"]]
    rows = listing["rows"]
    own_rows = [r for r in rows if not r["reprint"]]
    new = {n["name"]: n for n in listing["new_projects"]}
    cards: dict[str, dict] = {}
    by_name: dict[str, str] = {}
    for row, text in zip(own_rows, texts):
        project_id = f"P{row['page']:03d}"
        name = text["project_name"]
        listed = new.get(row["name"]) or new.get(name.replace("\n", ""))
        cards[project_id] = dict(
            project_id=project_id, fiscal_year=2013, policy=row["policy"], measure=row["measure"],
            project_name=name, description=text["description"], cost=row["cost"],
            cost_note=text.get("cost_note", ""),
            progress=_table(text.get("progress"), "申込、相談件数など事業実績（経過）"),
            outcome=_table(text.get("outcome"), "補助、開催件数など事業実績（結果）"),
            results_free=[FreeRow(**r) for r in text["results_free"]],
            history=[HistoryEntry(**h) for h in text["history"]],
            department=row["department"], group=text.get("group", ""),
            priority=row["priority"], key_result=row["key_result"],
            period_start=row["period_start"], period_end=row["period_end"],
            foundation=row["foundation"] if row["foundation"] in ("", "○", "△") else "○",
            emergency=row["emergency"],
            new_listing=listed["listing"] if listed else "",
            new_summary=(listed or {}).get("summary", "") or "",
            reprints=[],
        )
        by_name[row["name"]] = project_id
        by_name[name.replace("\n", "")] = project_id
    expected = {f"rk{pid}": int(pid[1:]) for pid in cards}
    placements = []
    previous: dict | None = None
    for row in rows:
        if row["reprint"]:
            source = by_name.get(_strip_reprint(row["name"]))
            if source is None:
                source = next(pid for n, pid in by_name.items() if n.startswith(_strip_reprint(row["name"])[:10]))
            cards[source]["reprints"].append(Reprint(policy=row["policy"], measure=row["measure"]))
            after = ""
            if previous and previous["policy"] == row["policy"] and previous["measure"] == row["measure"]:
                after = previous["_id"]
            placements.append(ReprintPlacement(project_id=source, into_policy=row["policy"], after=after))
            expected[f"rk{source}r{row['policy']}"] = row["page"]
            row = dict(row, _id=source)
        else:
            row = dict(row, _id=by_name[row["name"]])
        previous = row
    config = config.model_copy(update={"reprint_placements": placements})
    return config, [Card(**data) for data in cards.values()], expected
