"""The reviewer's redline: this year's report.docx with last year's differences as Word tracked changes.

Built from the year-over-year diff's own pairing (``compare``: by 管理番号, a name, or a former name
in 事業の経緯), not by position: each card of this year is compared with its own card of last year,
field by field; a project only this year is inserted whole, one only last year deleted whole at its
old place; a renamed project is one card with its name changed; a moved card is compared at its new
place, with a note where it stood. The Word XML (w:ins / w:del, the merge of the two documents) is
``render.tracked``'s; this module reads the two built reports (report.json beside report.docx) and
hands over which card is whose.

No external engine: ``pip install -e .`` alone gives ``diff --redline``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..report.aggregate import bookmark_base
from ..errors import ReportkitError
from ..files.atomic import atomic_path
from ..inputs.input_folder import REPORT_JSON, InputFolder
from ..report.report_json import ReportJson, read_report_json
from .compare import MOVED, Diff, compare

DEFAULT_AUTHOR = "事務局"
REDLINE_DOCX = "redline.docx"


@dataclass
class RedlineResult:
    path: Path
    revisions: int  # w:ins and w:del written
    seconds: float


def redline(old_docx: Path, new_docx: Path, out_docx: Path, author: str = DEFAULT_AUTHOR,
            diff: Diff | None = None) -> RedlineResult:
    """Write ``out_docx``: ``new_docx`` with every difference from ``old_docx`` as a tracked change by ``author``.

    Each .docx needs its report.json beside it (as ``build`` writes them); ``diff``: the comparison of
    the two, when the caller has it already. The changes are dated with the new report's build (the
    time report.docx was written). Raises ReportkitError when an input is missing or unreadable.
    """
    from ..render.tracked import Marks, Pairing, redline_docx

    old_docx, new_docx, out_docx = Path(old_docx), Path(new_docx), Path(out_docx)
    for path in (old_docx, new_docx, old_docx.with_name(REPORT_JSON), new_docx.with_name(REPORT_JSON)):
        if not path.is_file():
            raise ReportkitError(f"比較する報告書が見つかりません: {path}（作成済みの報告書の report.docx と report.json が要ります）")
    started = time.perf_counter()
    old_json, new_json = read_report_json(old_docx.with_name(REPORT_JSON)), read_report_json(new_docx.with_name(REPORT_JSON))
    if diff is None:
        diff = compare(old_docx.with_name(REPORT_JSON), new_docx.with_name(REPORT_JSON))
    pairing = card_pairing(old_json, new_json, diff)
    marks = Marks(author=author, date=build_date(new_docx))
    try:
        with atomic_path(out_docx) as tmp:
            redline_docx(old_docx, new_docx, tmp, pairing, marks)
    except (OSError, ValueError) as exc:  # an unreadable package (zip, XML)
        raise ReportkitError(f"変更履歴付きの Word 文書を作れませんでした（{old_docx} と {new_docx}）: {exc}") from exc
    return RedlineResult(out_docx, marks.count, time.perf_counter() - started)


def built_docx(side: Path) -> Path | None:
    """report.docx beside a side's report.json (the file, or its folder), when the side is a built report."""
    side = Path(side)
    folder = side.parent if side.is_file() else side
    if InputFolder(folder).is_input_folder and not side.is_file():
        return None
    docx = folder / "report.docx"
    return docx if (folder / REPORT_JSON).is_file() and docx.is_file() else None


def build_date(docx: Path) -> str:
    """When the report was built (its file's time), as a tracked change's w:date (UTC, whole seconds)."""
    stamp = datetime.fromtimestamp(Path(docx).stat().st_mtime, tz=timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def card_pairing(old: ReportJson, new: ReportJson, diff: Diff):
    """Card bookmark → project key on both sides (a pair of the diff shares the new 管理番号 as its key),
    and the note left where a moved card stood."""
    from ..render.tracked import Pairing

    paired = {match.old_id: match.new_id for match in diff.matches}
    pairing = Pairing()
    for side, keys, key_of in ((old, pairing.old_keys, lambda pid: paired.get(pid, f"旧:{pid}")),
                               (new, pairing.new_keys, lambda pid: pid)):
        for project in side.projects:
            key = key_of(project.project_id)
            keys[bookmark_base(project.project_id)] = key
            for reprint in project.reprints:
                keys[bookmark_base(f"{project.project_id}r{reprint.policy}")] = f"{key}r{reprint.policy}"
    moves: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for change in diff.of_kind(MOVED):
        moves.setdefault(change.project_id, []).append(str(change.new))
        names[change.project_id] = change.name
    for project_id, places in moves.items():
        pairing.notes[project_id] = f"【移動】ここにあった「{names[project_id]}」のカードは、{'、'.join(places)}へ移りました。"
    return pairing
