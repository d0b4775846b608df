"""A pack's checklist (``提出チェックリスト.xlsx``): written into each pack, known again when it is mailed back.

It is recognised by its heading row (the first row of its first sheet), not by its file name, so a
copy renamed by a mail program or with the clerk's 提出日 filled in is still known for what it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..inputs.expected_record import ExpectedProject
from ..workbook.reader import first_row
from ..workbook.tables import Sheet

CHECKLIST_FILE = "提出チェックリスト.xlsx"
CHECKLIST_HEADINGS = ("管理番号", "事業名", "前年度事業費（千円）", "提出期限", "ファイル", "提出日")


def checklist_sheet(division: str, projects: list[ExpectedProject], deadline: str) -> Sheet:
    """The division's one-page checklist: a row per project expected back."""
    rows = [[p.project_id, p.name, "－" if p.cost is None else p.cost, deadline or None, p.file or None, None]
            for p in sorted(projects, key=lambda p: (p.file, p.project_id))]
    title = re.sub(r"[\[\]:*?/\\]", "_", division)[:31] or "チェックリスト"
    return Sheet(title=title, headings=CHECKLIST_HEADINGS, rows=rows, widths=(16, 48, 14, 16, 36, 10),
                 autofilter=False, one_page=True)


def is_checklist(path: Path) -> bool:
    """Whether ``path`` is a pack's checklist (its first row holds the checklist's headings)."""
    if Path(path).suffix.lower() != ".xlsx":
        return False
    return tuple(str(v).strip() for v in first_row(path)[:len(CHECKLIST_HEADINGS)]) == CHECKLIST_HEADINGS
