"""The reference for benchmarks/run.py: a bare docxtpl script rendering the cards of a report.json.

    python benchmarks/docxtpl_reference.py outputs/report.json out.docx

No validation, no aggregation, no list table, no page numbers: one table a card (name, division,
cost, description) from a small template made here with python-docx on first use and kept beside
the output (``--template``). ``pip install -e ".[bench]"`` installs docxtpl.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def make_template(path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("{%p for card in cards %}")
    document.add_paragraph("{{ card.name }}", style="Heading 2")
    table = document.add_table(rows=3, cols=2)
    for row, (label, value) in enumerate([("担当課", "{{ card.department }}"), ("事業費", "{{ card.cost }}"),
                                          ("事業内容", "{{ card.description }}")]):
        table.cell(row, 0).text = label
        table.cell(row, 1).text = value
    document.add_paragraph("{%p endfor %}")
    document.save(str(path))


def cards(data: dict) -> list[dict]:
    """Every card the report prints: each project, and again for each of its reprints (再掲)."""
    found: list[dict] = []
    for project in data["projects"]:
        found.append(project)
        for _ in project.get("reprints") or []:
            found.append(dict(project, name=f"{project['name']}（再掲）"))
    return found


def main(argv: list[str]) -> int:
    report, out = Path(argv[0]), Path(argv[1])
    template = Path(argv[3]) if len(argv) > 3 and argv[2] == "--template" else out.with_name("reference-template.docx")
    if not template.exists():
        make_template(template)
    from docxtpl import DocxTemplate

    items = cards(json.loads(report.read_text(encoding="utf-8")))
    document = DocxTemplate(str(template))
    document.render({"cards": items})
    document.save(str(out))
    print(len(items))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
