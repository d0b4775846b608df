"""Write the 平成25年度 sample card workbooks into inputs/ from the seed extraction.

Inputs: tools/sample/cards_from_seed.json (every card occurrence, tools/seed_cards.py) and
tools/sample/list_from_seed.json (the list table and the new-projects list, tools/seed_list.py).
The 11 reprinted cards are not workbooks of their own: they become ``reprint_rows`` of their home
project. Where the list table and a card disagree, the card wins (see tools/sample/NOTES.md).

Run from the project root:  python tools/make_sample_inputs.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportkit.inputs.config import load_config  # noqa: E402
from reportkit.japanese import nendo  # noqa: E402
from reportkit.workbook.template import write_workbook  # noqa: E402

SAMPLE = ROOT / "tools" / "sample"
INPUTS = ROOT / "inputs"


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000（）()]", "", text)


def year_text(year: int | None) -> str | None:
    if year is None:
        return None
    if year < 1989:
        return f"S{year - 1925}"  # as clerks often type it
    return nendo(year, full_width=True)


def table_values(table: dict | None, prefix: str, values: dict) -> None:
    if not table:
        return
    values[f"{prefix}_caption"] = table["caption"]
    values[f"{prefix}_headers"] = tuple(table["headers"])
    values[f"{prefix}_rows"] = [(r["item"], r["value"], r["kind"]) for r in table["rows"]]


PLACEMENTS_MARK = "# --- reprint placements (written by tools/make_sample_inputs.py) ---"


def write_placements(rows: list[dict], homes: list[dict]) -> None:
    """Where the edition prints each reprint row inside its host measure (config ``reprint_placements``)."""
    ids = {id(h["row"]): f"AOM-{i:03d}" for i, h in enumerate(homes, start=1)}
    lines = [PLACEMENTS_MARK]
    previous = None
    for row in rows:
        own_id = ids[id(row["_home"]["row"])] if row["reprint"] else ids[id(row)]
        if row["reprint"]:
            after = ""
            if previous and previous["policy"] == row["policy"] and previous["measure"] == row["measure"]:
                after = previous["_id"]
            lines += ["[[reprint_placements]]", f'project_id = "{own_id}"', f"into_policy = {row['policy']}",
                      f'after = "{after}"', ""]
        previous = dict(row, _id=own_id)
    path = INPUTS / "config.toml"
    text = path.read_text(encoding="utf-8").split(PLACEMENTS_MARK)[0].rstrip() + "\n\n"
    path.write_text(text + "\n".join(lines), encoding="utf-8")


def main() -> int:
    config = load_config(INPUTS)
    cards = json.loads((SAMPLE / "cards_from_seed.json").read_text(encoding="utf-8"))
    listing = json.loads((SAMPLE / "list_from_seed.json").read_text(encoding="utf-8"))
    rows = listing["rows"]
    if len(cards) != len(rows):
        raise SystemExit(f"{len(cards)} cards but {len(rows)} list rows")
    new_by_page = {n["page"]: n for n in listing["new_projects"]}

    homes: list[dict] = []
    for card, row in zip(cards, rows):
        if card["reprint"] != row["reprint"]:
            raise SystemExit(f"reprint flag differs at page {row['page']}")
        if not row["reprint"]:
            homes.append({"card": card, "row": row, "reprints": []})
    for card, row in zip(cards, rows):
        if not row["reprint"]:
            continue
        matches = [h for h in homes if squeeze(h["card"]["project_name"]) == squeeze(card["project_name"])
                   or squeeze(h["row"]["name"]) == squeeze(row["name"])]
        if len(matches) != 1:
            raise SystemExit(f"reprint at page {row['page']} matches {len(matches)} projects")
        matches[0]["reprints"].append((row["policy"], row["measure"]))
        row["_home"] = matches[0]

    cards_dir = INPUTS / "cards"
    cards_dir.mkdir(exist_ok=True)
    for old in cards_dir.glob("*.xlsx"):
        old.unlink()
    for index, home in enumerate(homes, start=1):
        card, row = home["card"], home["row"]
        new = new_by_page.get(row["page"])
        values: dict = {
            "project_id": f"AOM-{index:03d}",
            "fiscal_year": "平成２５年度",
            "policy": f"{config.policy(row['policy']).mark}{config.policy(row['policy']).title}",
            "measure": row["measure"],
            "project_name": card["project_name"],
            "description": card["description"],
            "cost": "－" if card["cost"] is None else f"{card['cost']:,}",
            "cost_note": card["cost_note"],
            "group": card["group"],
            "priority": row["priority"],
            "key_result": row["key_result"],
            "period_start": year_text(row["period_start"]),
            "period_end": year_text(row["period_end"]),
            "foundation": row["foundation"],
            "emergency": row["emergency"],
            "new_listing": new["listing"] if new else "",
            "new_summary": (new or {}).get("summary", ""),
            "results_free": [(r["kind"], *r["cells"]) for r in card["results_free"]],
            "history_rows": [(h["year"], h["event"], h["former_name"], h["reason"]) for h in card["history"]],
            "reprint_rows": [(config.policy(p).mark, m) for p, m in home["reprints"]],
        }
        table_values(card["progress"], "progress", values)
        table_values(card["outcome"], "outcome", values)
        name = re.sub(r'[\\/:*?"<>|\s]', "", card["project_name"])[:40]
        write_workbook(config, cards_dir / f"{index:03d}_{name}.xlsx", values, department=card["department"])
    write_placements(rows, homes)
    print(f"wrote {len(homes)} workbooks to {cards_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
