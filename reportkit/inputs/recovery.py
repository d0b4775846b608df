"""What a killed ``accept`` or build left half done, finished by the next command that reads the folder.

Both move files through a journal (``files.journal``): ``accept`` in ``archive/.accept-…/`` of the
input folder (the returned workbook placed in ``cards/`` first, then the earlier version moved to
``archive/``), a build in its staging folder ``.build-…`` of the output folder (the earlier set
moved aside into it, then the new set in). A run killed between two moves is rolled forward: the
project keeps one workbook in ``cards/``, the output folder one whole set. ``finish_accepts`` and
``finish_builds`` do that and say what they did, in Japanese; ``validate.card_files`` finishes
accepts too, silently, so no reader of the cards sees a project twice or not at all.
"""

from __future__ import annotations

from pathlib import Path

from ..files.journal import LOCK, complete_pending
from .input_folder import InputFolder

ACCEPTING_PREFIX = ".accept-"  # accept's pending folders, in the input folder's archive/
BUILD_STAGING_PREFIX = ".build-"  # a build's staging folders, in the output folder (and its draft/)
DRAFT_FOLDER = "draft"  # in the output folder: a draft never replaces the final report


def complete_accepts(folder: Path) -> list[tuple[Path, Path]]:
    """Finish the filing of every killed ``accept`` in ``folder``; the renames made."""
    with LOCK:
        return complete_pending(InputFolder(folder).archive, ACCEPTING_PREFIX)


def finish_accepts(folder: Path) -> list[str]:
    """``complete_accepts``, said in Japanese (nothing when there was nothing to finish)."""
    folder = Path(folder)
    made = complete_accepts(folder)
    if not made:
        return []
    lines = [f"中断されていた受付（reportkit accept）を最後まで済ませました（{folder}）:"]
    archive = InputFolder(folder).archive
    for source, target in made:
        if archive in target.parents:
            lines.append(f"  前の版を保管しました: {_inside(source, folder)} → {_inside(target, folder)}")
        elif archive in source.parents:  # from accept's pending folder
            lines.append(f"  受け付けたブックを置きました: {_inside(target, folder)}")
        else:  # a return named like the version it replaces takes its name back
            lines.append(f"  受け付けたブックを元の名前にしました: {_inside(source, folder)} → {_inside(target, folder)}")
    return ["\n".join(lines)]


def finish_builds(output_dir: Path) -> list[str]:
    """Finish the moves of every killed build in ``output_dir`` and its draft folder, said in Japanese."""
    notices = []
    for folder in (Path(output_dir), Path(output_dir) / DRAFT_FOLDER):
        made = complete_pending(folder, BUILD_STAGING_PREFIX)
        placed = sorted({target.name for _, target in made if target.parent == folder})
        if made:
            notices.append(f"中断されていた報告書の作成が出力フォルダ {folder} に残した途中の状態を、"
                           f"一式そろった状態に戻しました（{'、'.join(placed)}）。")
    return notices


def finish_interrupted(folders: list[Path]) -> list[str]:
    """Both finishes for each existing folder a command names (as an input folder and as an output folder)."""
    notices = []
    for folder in dict.fromkeys(Path(f) for f in folders):
        if folder.is_dir():
            notices += finish_accepts(folder) + finish_builds(folder)
    return notices


def _inside(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)
