"""The secretariat's own files of the input folder, edited from the desk: the Word narratives and the
order of the projects (``[[placements]]`` of config.toml).

A replaced file is first copied to ``archive/narratives/`` or ``archive/config/`` (``<time>_<name>``,
never overwriting), as ``accept`` keeps a card's earlier version; the new one is written atomically.
A narrative that Word could not open, or that is hostile (a DTD, a zip bomb), is refused before
anything is touched; one that opens is stored and answered with its errors and warnings at their
place (段落 N, 表 N の R 行 C 列), as ``validate`` finds them.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..collect.accept import free_name
from ..inputs.config import config_from_bytes
from ..errors import NarrativeRefused, ReportkitError
from ..files.atomic import write_bytes_atomic, write_text_atomic
from ..inputs.input_folder import NARRATIVES_DIR, InputFolder
from ..issues import Issue
from ..blocks import plain
from ..word.reader import UNREADABLE, read_narrative_data
from ..inputs.year_inputs import WORD_SUFFIX, part_name



def keep_earlier(path: Path, folder: Path, kind: str) -> Path | None:
    """Copy ``path`` (when there) to ``folder/archive/<kind>/<its time>_<name>``; the copy."""
    if not path.is_file():
        return None
    stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    target = free_name(InputFolder(folder).archive / kind / f"{stamp}_{path.name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    return target


# -- narratives ------------------------------------------------------------------------------------

@dataclass
class NarrativePart:
    name: str  # the part: introduction, chapter_1 …
    file: str  # narratives/introduction.docx
    title: str  # its first heading (or first words)
    changed: str  # when the file was last changed, "" when there is none
    present: bool


def narrative_parts(folder: Path, config) -> list[NarrativePart]:
    """Every part the report renders, in document order, with its Word file."""
    from ..report.narrative_templates import narrative_files

    parts = []
    for name in dict.fromkeys(part_name(n) for n in narrative_files(config)):
        path = folder / NARRATIVES_DIR / f"{name}{WORD_SUFFIX}"
        present = path.is_file()
        title, changed = "", ""
        if present:
            narrative = read_narrative_data(path.read_bytes())
            heading = next((data for kind, data in narrative.blocks if kind in ("heading", "heading2")), None)
            title = plain(heading) if isinstance(heading, str) else (narrative.quotes[0] if narrative.quotes else "")
            changed = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        parts.append(NarrativePart(name, f"{NARRATIVES_DIR}/{name}{WORD_SUFFIX}", title, changed, present))
    return parts


def narrative_path(folder: Path, config, name: str) -> Path | None:
    """The Word file of part ``name`` (None when ``name`` is no part of the report)."""
    if name not in {p.name for p in narrative_parts(folder, config)}:
        return None
    return folder / NARRATIVES_DIR / f"{name}{WORD_SUFFIX}"


def store_narrative(folder: Path, config, name: str, data: bytes) -> tuple[Path | None, list[Issue]]:
    """Store ``data`` as part ``name`` (the earlier file archived); (the archived copy, its problems)."""
    path = narrative_path(folder, config, name)
    if path is None:
        raise NarrativeRefused(f"「{name}」は報告書の文章の部品ではありません。")
    unreadable = next((f for f in read_narrative_data(data).findings if f.code == UNREADABLE), None)
    if unreadable is not None:
        raise NarrativeRefused(f"{name}{WORD_SUFFIX} として受け付けられません（{unreadable.detail}）。"
                               "Word で開けることを確かめ、.docx 形式で保存し直してから送ってください。何も置き換えていません。")
    kept = keep_earlier(path, folder, NARRATIVES_DIR)
    write_bytes_atomic(path, data)
    return kept, narrative_issues(folder, f"{NARRATIVES_DIR}/{path.name}")


def narrative_issues(folder: Path, file: str) -> list[Issue]:
    """The problems ``validate`` finds in one narrative file (checked with the year's figures)."""
    from ..report.narrative_templates import check_narratives
    from ..checks.validate import validate_folder
    from ..inputs.year_inputs import load_year_inputs

    inputs = load_year_inputs(folder)
    cards = validate_folder(folder, inputs=inputs, empty_ok=True).cards
    return [issue for issue in check_narratives(inputs, cards) if issue.file == file]


# -- placements ------------------------------------------------------------------------------------

@dataclass
class Measure:
    policy: int
    title: str  # 基本方針 and 施策
    projects: list[tuple[str, str]]  # (管理番号, 事業名) in report order


def measures_in_order(folder: Path) -> list[Measure]:
    """Each measure's projects in report order, as the build orders them (placements included)."""
    from ..collect.expected import load_expected
    from ..report.project_order import in_report_order
    from ..checks.validate import validate_folder

    result = validate_folder(folder, empty_ok=True)
    try:
        previous = load_expected(folder).projects
    except ReportkitError:
        previous = []
    cards = [s.card for s in result.cards + result.partial]  # a rolled card, its cost still empty, has its place
    ordered, _ = in_report_order(result.config, cards, previous)
    measures: dict[tuple, Measure] = {}
    for card in ordered:
        key = (card.policy, card.measure)
        if key not in measures:
            measures[key] = Measure(card.policy, f"{card.policy}　{card.measure}", [])
        measures[key].projects.append((card.project_id, card.one_line_name))
    return list(measures.values())


def place_project(folder: Path, project_id: str, after: str) -> Path | None:
    """Put ``project_id`` first in its measure (``after`` "") or after ``after``: a ``[[placements]]``
    added to config.toml, the earlier config archived; the archived copy. ReportkitError when the two
    are not in one measure."""
    measure = next((m for m in measures_in_order(folder) if project_id in dict(m.projects)), None)
    if measure is None:
        raise ReportkitError(f"管理番号「{project_id}」のカードが見つかりません。")
    if after and (after == project_id or after not in dict(measure.projects)):
        raise ReportkitError(f"「{after}」は {project_id} と同じ施策（{measure.title}）の事業ではありません。"
                             "同じ施策の事業の後ろか、施策の先頭を選んでください。")
    path = InputFolder(folder).config
    text = path.read_bytes().decode("utf-8-sig")
    new = text + ("" if text.endswith("\n") else "\n") + (
        f'\n[[placements]]  # {datetime.now():%Y-%m-%d %H:%M} 受付の画面から\n'
        f'project_id = {json.dumps(project_id, ensure_ascii=False)}\nafter = {json.dumps(after, ensure_ascii=False)}\n')
    config_from_bytes(path, new.encode("utf-8"))  # a config this cannot be added to: ConfigError, nothing written
    kept = keep_earlier(path, folder, "config")
    write_text_atomic(path, new)
    return kept
