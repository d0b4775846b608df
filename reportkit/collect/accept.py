"""File returned workbooks: ``cards/<担当課>/<name>``, the earlier version of the same project archived.

``accept(files, folder)`` copies each returned workbook (never moving or changing it: it is the
user's file) into the division's sub-folder of ``folder/cards/``. Any workbook already under
``cards/`` with the same 管理番号 is then moved to ``folder/archive/<管理番号>/<time>_<name>``
(its last-modified time), outside the cards folder so it is never read as a card. Nothing is ever
overwritten: a name that is taken gets ``_2``, ``_3`` … Every incoming file is read before anything
moves; one that cannot be read, has no 管理番号 or no known 担当課 stops the whole call, and so does
one whose 管理番号 is last year's project under another 事業名 with no 事業名変更 in ６ 事業の経緯
(last year's card saved as a new project: filing it would archive that project's card). Other
errors do not: the card is filed and the errors are counted, as validate finds them.

The filing is crash-safe (``files.journal``, ``recovery``): the renames are written down first in
``archive/.accept-…/``, each workbook is copied whole into that folder, then moved into ``cards/``,
and only then is the earlier version moved to ``archive/``. Killed at any instant, the project has
its earlier workbook or the new one in ``cards/``; the next command that reads the folder finishes
the moves, so no reader sees both. A rename that fails undoes the earlier ones: the call files all or nothing.

A division may mail back its whole pack: its checklist, and cards it did not touch (the blank card
for a new project, or a prefilled card exactly as the pack made it: ``workbook.fingerprint``; for a
card made before the fingerprint, byte for byte the workbook rollover wrote), and a card of a project
recorded as abolished (``abolish``: take the record back first). Those are not filed: each is a
``Skipped`` with one Japanese line saying why, in ``skipped`` when the caller gives a list (the
command line), else the call is refused with that line (the desk's one card at a time).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..files.atomic import atomic_path
from ..files.folder_lock import changing
from ..files.journal import LOCK, move_all, pending
from ..files.textsafe import safe_file_name
from ..inputs.config import load_config
from ..errors import AcceptError, ReportkitError
from ..issues import Issue, IssueCode
from ..inputs.input_folder import InputFolder
from ..inputs.abolished_record import read_abolished
from ..inputs.expected_record import ExpectedRecord, LastYear, read_expected_file
from ..inputs.recovery import ACCEPTING_PREFIX
from ..checks.rules import LAST_YEAR_CODES
from ..checks.validate import card_files, folder_last_year, validate_folder
from ..checks.validation_report import file_name
from ..workbook.fingerprint import untouched
from ..workbook.reader import read_workbook
from .checklist import is_checklist
from .expected import Prefilled
from .received import IssueCounts, received_files, workbook_identity

@dataclass
class Filed(IssueCounts):
    source: Path  # the returned workbook, as given
    target: Path  # where its copy now is
    project_id: str
    name: str
    division: str
    archived: list[tuple[Path, Path]] = field(default_factory=list)  # (was, now) of earlier versions
    issues: list[Issue] = field(default_factory=list)  # of the workbook on its own

    @property
    def named_at_filing(self) -> list[Issue]:
        """Its problems against last year's record (a cost in 円, …) and a 事業名 another project's card has
        (this card the later filer): named at filing, not only counted."""
        return [issue for issue in self.issues if issue.code in LAST_YEAR_CODES or issue.code == IssueCode.DUPLICATE_PROJECT_NAME]


@dataclass
class Skipped:
    source: Path  # the returned file, as given
    reason: str  # one Japanese sentence: why it was not filed (without the file's name)


def accept(files: list[Path], folder: Path, skipped: list[Skipped] | None = None) -> list[Filed]:
    """File each of ``files`` into ``folder``, all or none (see the module docstring); raises AcceptError,
    or OSError from a write (the renames already made undone).

    ``skipped``: where the checklist and the untouched cards go (not filed); without it they are refused.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise AcceptError(f"受付先の入力フォルダが見つかりません: {folder}")
    config = load_config(folder)
    cards = InputFolder(folder).cards
    if not cards.is_dir() and card_files(folder):
        raise AcceptError(f"{folder} のカードは cards フォルダの外に置かれています。"
                          f"{cards} を作ってカードを移してから、もう一度受け付けてください。")
    last_year = folder_last_year(folder)  # the card checked against it as in the folder: cost, name
    prefilled = Prefilled(_expected_record(folder))
    abolished = read_abolished(InputFolder(folder).abolished).ids()
    incoming = []
    for path in map(Path, files):
        reason = _not_a_return(path, prefilled, abolished) if path.is_file() else ""
        if reason and skipped is not None:
            skipped.append(Skipped(path, reason))
        elif reason:
            raise AcceptError(f"このブックは受け付けられません: {reason}")
        else:
            incoming.append(_check_incoming(path, config, cards, last_year))
    problems = [problem for _, problem in incoming if problem]
    if problems:
        raise AcceptError("次のブックを受け付けられません。どのファイルも移動・コピーしていません。\n"
                          + "\n".join(f"  {p}" for p in problems))
    filed = [item for item, _ in incoming]
    with changing(InputFolder(folder).changing_lock, folder):  # the folder read and changed by this process alone
        earlier = {key: [f.path for f in group] for key, group in received_files(folder).by_project().items()} \
            if cards.is_dir() else {}
        with LOCK, pending(InputFolder(folder).archive, ACCEPTING_PREFIX) as work:
            moves = _plan(filed, earlier, folder, work)

            def copy_returns() -> None:
                for number, item in enumerate(filed, 1):
                    with atomic_path(_staged(work, number, item)) as tmp:
                        shutil.copy2(item.source, tmp)  # keeps the return's own time, shown by `reportkit status`

            move_all(work, moves, "accept", prepare=copy_returns)
    _add_shared_names(filed, folder)
    return filed


def _add_shared_names(filed: list[Filed], folder: Path) -> None:
    """A 事業名 another project's card in the folder has, when the card just filed is the later filer: its
    error (found as validate finds it), added to what the filer is told."""
    try:
        result = validate_folder(folder, empty_ok=True)
    except ReportkitError:  # the folder's own problem: status and validate name it
        return
    for item in filed:
        name = file_name(folder, item.target)
        item.issues += [i for i in result.issues if i.code == IssueCode.DUPLICATE_PROJECT_NAME and i.file == name]


def _plan(filed: list[Filed], earlier: dict[str, list[Path]], folder: Path, work: Path) -> list[tuple[Path, Path]]:
    """Each return's target, and the renames: its staged copy into cards/, then its project's earlier versions out.

    A return named like the earlier version it replaces (``001.xlsx`` again) goes in as ``001_2.xlsx``
    first and takes its own name once the earlier one is in archive/."""
    cards, archive = InputFolder(folder).cards, InputFolder(folder).archive
    taken: set[Path] = set()
    times: dict[Path, float] = {}  # last-modified times of the targets planned, not yet written
    moves = []
    for number, item in enumerate(filed, 1):
        olds = earlier.get(item.project_id, [])
        desired = cards / safe_file_name(item.division) / item.source.name
        first = free_name(desired, taken)
        moves.append((_staged(work, number, item), first))
        for old in olds:
            stamp = datetime.fromtimestamp(times.get(old) or old.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
            moved = free_name(archive / safe_file_name(item.project_id) / f"{stamp}_{old.name}", taken)
            item.archived.append((old, moved))
            moves.append((old, moved))
        item.target = desired if desired in olds else first
        if item.target != first:
            moves.append((first, item.target))
        times[item.target] = item.source.stat().st_mtime
        earlier[item.project_id] = [item.target]
    return moves


def _staged(work: Path, number: int, item: Filed) -> Path:
    return work / f"{number}{item.source.suffix}"


def _check_incoming(path: Path, config, cards: Path, last_year: LastYear | None) -> tuple[Filed, str]:
    """The workbook's Filed record (target not yet chosen) and a Japanese problem ("" when fine)."""
    item = Filed(source=path, target=path, project_id="", name="", division="")
    if not path.is_file():
        return item, f"{path}: ファイルが見つかりません。"
    if cards.is_dir() and cards.resolve() in path.resolve().parents:
        return item, f"{path}: すでに cards フォルダの中にあります（受付済みです）。"
    item.project_id, item.name, item.division, item.issues = workbook_identity(path, config, last_year)
    fatal = next((i for i in item.issues if i.severity == "error" and not item.project_id), None)
    if not item.project_id:
        reason = f"（{fatal.message}）" if fatal else ""
        return item, f"{path}: 事業カードとして読めないか、管理番号がありません{reason}。"
    if not item.division:
        return item, (f"{path}: 担当課が空欄か、設定ファイルの担当課にありません。"
                      "事業カードの担当課を一覧から選んでから、もう一度受け付けてください。")
    renamed = next((i for i in item.issues if i.code == "name-differs-from-last-year"), None)
    if renamed is not None:  # filing it would archive last year's project under its 管理番号
        return item, f"{path}: {renamed.message}"
    return item, ""


def _not_a_return(path: Path, prefilled: Prefilled, abolished: set[str]) -> str:
    """Why ``path`` is no return to file (the pack's checklist, a card nobody wrote in, a card of a
    project recorded as abolished), or ""."""
    if is_checklist(path):
        return "配布した提出チェックリストです（事業カードではありません）。受け付けずに飛ばしました。"
    if path.suffix.lower() != ".xlsx":
        return ""
    raw = read_workbook(path)
    if not raw.readable:
        return ""
    project_id = str(raw.values["project_id"].value or "").strip() if "project_id" in raw.values else ""
    name = str(raw.values["project_name"].value or "").strip() if "project_name" in raw.values else ""
    if project_id in abolished:
        return (f"{project_id} {name} は廃止として記録されている事業です。受け付けずに飛ばしました"
                f"（続ける事業なら、先に reportkit abolish {project_id} --undo で記録を取り消してください）。")
    how = untouched(raw)
    if not how and prefilled.as_written(project_id, path):
        how = "prefilled"  # a card made before the fingerprint: the very file rollover wrote
    if how == "blank":
        return ("新規事業用の空のカードで、何も記入されていません。受け付けずに飛ばしました"
                "（新規事業がなければ送り返す必要はありません）。")
    if how == "prefilled":
        return (f"{project_id} {name} のカードは配布したときのまま変更されていません。"
                f"受け付けずに飛ばしました（{project_id} の受付の状況は変わりません: reportkit status で確認できます）。")
    return ""


def _expected_record(folder: Path) -> ExpectedRecord | None:
    """The folder's expected.json, None without a usable one (the other checks of accept say why)."""
    try:
        return read_expected_file(InputFolder(folder).expected).record()
    except ReportkitError:
        return None


def free_name(path: Path, taken: set[Path] | None = None) -> Path:
    """``path``, or ``stem_2.suffix``, ``stem_3.suffix`` … the first that does not exist (nor is in ``taken``,
    which then gets it)."""
    taken = set() if taken is None else taken
    candidate, number = path, 1
    while candidate.exists() or candidate in taken:
        number += 1
        candidate = path.with_name(f"{path.stem}_{number}{path.suffix}")
    taken.add(candidate)
    return candidate


