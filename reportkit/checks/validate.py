"""Validate an input folder: read every card workbook, normalise it, apply the rules, collect every Issue.

The folder's other files come read once with the year's inputs (``year_inputs.YearInputs``: config,
narratives, statistics, last year's costs); the card workbooks are read here, each through the
per-workbook cache (``card_cache``), and the result (``ValidationReport``) holds the cards.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import rules
from .card_cache import cached_check
from ..inputs.card_settings import CardSettings, card_settings, input_folder_of
from .cards import is_complete, read_card
from ..inputs.config import ReportConfig, load_config
from ..errors import InputFolderError, ReportkitError
from ..inputs.expected_record import LastYear, read_expected_file
from ..files.journal import LOCK
from ..inputs.input_folder import NOT_CARDS, InputFolder
from ..inputs.recovery import complete_accepts
from ..inputs.year_inputs import YearInputs, load_year_inputs
from ..issues import Issue, IssueCode, make_issue
from ..model import SourcedCard
from ..report.narrative_templates import check_narratives
from .validation_report import ValidationReport, file_name
from ..workbook.reader import RawCard, read_workbook

# Read as workbooks (the reader names what is wrong with an .xls, an .xlsm or a damaged file).
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx"}
# Spreadsheets of another program: a card saved in the wrong format, an error (never skipped).
OTHER_SPREADSHEET_CODES = {".ods": "ods-workbook", ".fods": "ods-workbook", ".csv": "not-xlsx", ".tsv": "not-xlsx",
                           ".xlsb": "not-xlsx", ".xltm": "not-xlsx", ".numbers": "not-xlsx"}
# What Windows, macOS and Excel leave in a folder on their own: never anyone's card.
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
_EXCEL_TEMPORARY = re.compile(r"[0-9A-F]{8}")  # Excel's own temporary file while it saves: no suffix
# Without a cards/ subfolder the input folder itself holds the workbooks; its other inputs are not cards.
_HIDDEN_ATTRIBUTE = 0x2  # FILE_ATTRIBUTE_HIDDEN (Windows)


# The report object validate_folder returns (the older name kept for callers).
ValidationResult = ValidationReport


def cards_folder(folder: Path) -> Path:
    """Where the workbooks of an input folder are: its ``cards/`` subfolder when there is one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFolderError(f"入力フォルダが見つかりません: {folder}")
    sub = InputFolder(folder).cards
    return sub if sub.is_dir() else folder


def card_files(folder: Path) -> list[Path]:
    """Every file to check under the cards folder, at any depth, in path order.

    Skipped: Excel lock files (``~$…``), hidden files and folders (a leading dot, or hidden on
    Windows), temporary files (``*.tmp``, ``~…``, Excel's suffix-less save files) and the files
    an operating system leaves in folders. Everything else is listed, workbook or not, so that
    validation names it rather than skipping it in silence. A killed ``accept``'s filing is
    finished first (``recovery``), and none runs while the folder is listed: one workbook a project.
    """
    root = cards_folder(folder)
    files: list[Path] = []
    seen: set[Path] = set()

    def walk(directory: Path, top: bool) -> None:
        try:
            real = directory.resolve()
        except OSError:
            real = directory
        if real in seen:  # a link back up the tree
            return
        seen.add(real)
        for path in directory.iterdir():
            if _skipped(path) or (top and root == Path(folder) and path.name.lower() in NOT_CARDS):
                continue
            # A folder named like a workbook is listed, not entered: the reader reports it as unreadable.
            if path.is_dir() and path.suffix.lower() not in WORKBOOK_SUFFIXES:
                walk(path, False)
            else:
                files.append(path)

    with LOCK:
        complete_accepts(folder)
        walk(root, True)
    return sorted(files, key=lambda p: p.relative_to(root).parts)


def _skipped(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~")) or name.lower().endswith(".tmp") or name.lower() in SYSTEM_FILES:
        return True
    if not path.suffix and _EXCEL_TEMPORARY.fullmatch(name) and path.is_file():
        return True
    try:
        return bool(getattr(path.lstat(), "st_file_attributes", 0) & _HIDDEN_ATTRIBUTE)
    except OSError:
        return False


def non_workbook_issue(path: Path, name: str) -> Issue | None:
    """The issue for a file that is not read as a workbook (None for a workbook the reader opens)."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return None
    code = OTHER_SPREADSHEET_CODES.get(suffix, "not-a-card-file")
    return make_issue(code, name, detail=path.suffix or path.name)


def validate_card_file(path: Path, config: ReportConfig, last_year: LastYear | None = None,
                       *, cache: bool = True) -> tuple[SourcedCard | None, list[Issue]]:
    """Read and check one workbook on its own (no folder-wide rules); ``last_year`` (the input folder's
    record, ``ExpectedFile.last_year``) adds the checks against last year's, as a folder has.
    ``cache=False``: read without the card cache and write nothing to it (an upload checked by the desk)."""
    sourced, issues, _ = _check_file(path, config) if cache else _read_and_check(path, config)
    return sourced, issues + _against_last_year(sourced, last_year)


def _against_last_year(sourced: SourcedCard | None, last_year: LastYear | None) -> list[Issue]:
    """The checks of one card against last year's record (``rules.check_against_last_year``), when there is one."""
    return rules.check_against_last_year([sourced], last_year) if sourced is not None else []


def folder_last_year(folder: Path) -> LastYear | None:
    """Last year's record of an input folder (its expected.json), as the checks against it read it."""
    return read_expected_file(InputFolder(folder).expected).last_year()


def _check_file(path: Path, config: ReportConfig,
                display_name: str | None = None) -> tuple[SourcedCard | None, list[Issue], str]:
    """The card, its issues and its division ("" when it cannot be read or is not in the config).

    Served from the per-workbook cache (card_cache) when the same bytes were checked before.
    """
    return cached_check(path, config, display_name, _read_and_check)


def _read_and_check(path: Path, config: ReportConfig, display_name: str | None = None,
                    content: bytes | None = None) -> tuple[SourcedCard | None, list[Issue], str]:
    return _check_raw(read_workbook(path, display_name, content=content), config)


def _check_raw(raw: RawCard, config: ReportConfig) -> tuple[SourcedCard | None, list[Issue], str]:
    issues = list(raw.issues)
    if not raw.readable:
        return None, issues, ""
    # Every rule runs on what was read, also when a required field was not (one pass names every problem).
    sourced, card_issues = read_card(raw, config)
    issues.extend(card_issues)
    # a cell the reader found unusable (1e999, NaN) reads as empty: its error is said once, not again as 未入力
    unusable = {i.cell for i in raw.issues if i.code == IssueCode.UNUSABLE_NUMBER}
    issues.extend(i for i in rules.check_card(sourced, config) if i.cell not in unusable or not i.cell)
    department = sourced.card.department
    return (sourced if is_complete(sourced) else None), issues, department if department in config.divisions else ""


def validate_folder(folder: Path, config: ReportConfig | None = None,
                    progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None,
                    empty_ok: bool = False, inputs: YearInputs | None = None) -> ValidationReport:
    """Every problem of every workbook in ``folder`` (config from ``folder/config.toml`` unless given).

    The report has one task per file (``reportkit.checks.validation_report``). ``inputs``: the folder's
    files as already read (a build reads them once and hands them on); else they are read here.

    ``progress`` may wrap the list of files (e.g. a progress bar). A folder without any workbook is
    an InputFolderError unless ``empty_ok`` (the collection round's first day: nothing received yet).
    """
    folder = Path(folder)
    inputs = inputs or load_year_inputs(folder, config)
    config = inputs.config
    result = ValidationReport(config=config, files=card_files(folder), folder=folder)
    if not empty_ok and not any(path.suffix.lower() in WORKBOOK_SUFFIXES or path.suffix.lower() in OTHER_SPREADSHEET_CODES
               for path in result.files):
        raise InputFolderError(f"入力フォルダ {folder} にカードのブック（.xlsx）が１つもありません。"
                               f"カードは {InputFolder(folder).cards} に（課ごとのフォルダに分けても構いません）置いてください。")
    checked: list[SourcedCard] = []
    abolished = inputs.abolished.ids()
    for path in (progress(result.files) if progress else result.files):
        name = file_name(folder, path)
        issue = non_workbook_issue(path, name)
        if issue is not None:
            result.issues.append(issue)
            result.departments[name] = ""
            continue
        sourced, issues, department = _check_file(path, config, name)
        if abolished and _project_id(path, sourced) in abolished:
            result.abolished.append(path)  # 事業廃止 recorded: not in the report, its problems no one's to fix
            continue
        result.departments[name] = department
        result.issues.extend(issues)
        if sourced is not None:
            checked.append(sourced)
    result.files = [path for path in result.files if path not in result.abolished]
    last_year = inputs.expected.last_year()  # None without expected.json, or when it cannot be read
    result.issues.extend(rules.check_folder(checked, config, last_year, filed_times(folder, result.files)))
    result.issues.extend(rules.check_against_last_year(checked, last_year))
    result.issues.extend(check_narratives(inputs, checked))
    # Cards with a field that could not be read were checked, but are not cards to build from.
    result.cards = [s for s in checked if not s.source.unread]
    result.partial = [s for s in checked if s.source.unread]
    return result


def _project_id(path: Path, sourced: SourcedCard | None) -> str:
    """The 管理番号 of a checked workbook, read from the workbook when its card could not be built."""
    if sourced is not None:
        return sourced.card.project_id
    value = read_workbook(path).values.get("project_id")
    return str(value.value).strip() if value is not None and value.value is not None else ""


def validate_files(paths: Sequence[Path], config: ReportConfig | None = None,
                   last_year_from: Path | None = None) -> ValidationReport:
    """Every problem of workbooks named one by one, wherever they lie (a clerk's own card).

    Each is checked with ``config`` when given, else with the config of the input folder it lies in,
    else with the year's settings it carries (``card_settings``: an older card is checked as far as
    its own lists and year allow, and a notice says what was not). Each is checked against last
    year's record (expected.json) of the input folder ``last_year_from`` names (``--input``: the
    folder, its config.toml or a card in it), else of the input folder it lies in. The rules across a
    folder run over the workbooks given; narratives belong to an input folder and are not checked.
    Files are named relative to the folder that holds them all (one file: its name). Not cached:
    read once, here.
    """
    files = list({Path(p).resolve(): None for p in paths})
    folder = _common_folder(files)
    named = _input_folder_named(last_year_from) if last_year_from is not None else None
    issues: list[Issue] = []
    departments: dict[str, str] = {}
    checked: list[SourcedCard] = []
    folder_configs: dict[Path, ReportConfig] = {}
    records: dict[Path | None, LastYear | None] = {None: None}
    used: list[ReportConfig] = []
    for path in files:
        name = file_name(folder, path)
        departments[name] = ""
        issue = non_workbook_issue(path, name)
        if issue is not None:
            issues.append(issue)
            continue
        raw = read_workbook(path, name, settings=True)
        if not raw.readable:
            issues.extend(raw.issues)
            continue
        settings = _settings_for(path, raw, config, folder_configs)
        sourced, card_issues, departments[name] = _check_raw(raw, settings.config)
        inputs = named or input_folder_of(path)
        if inputs not in records:
            records[inputs] = folder_last_year(inputs)
        card_issues += _against_last_year(sourced, records[inputs])
        issues.extend(settings.apply(card_issues))
        used.append(settings.config)
        if sourced is not None:
            checked.append(sourced)
    result = ValidationReport(config=(used or [config or card_settings(RawCard(file="")).config])[0],
                              files=files, folder=folder, issues=issues, departments=departments)
    shared = [record for key, record in records.items() if key is not None]
    result.issues.extend(rules.check_folder(checked, result.config, shared[0] if len(shared) == 1 else None,
                                            filed_times(folder, files)))
    result.issues.extend(_beside_input_folders(checked, folder, named, records, result.issues))
    result.cards = [s for s in checked if not s.source.unread]
    result.partial = [s for s in checked if s.source.unread]
    return result


def shared_name_on_filing(sourced: SourcedCard, folder: Path, last_year: LastYear | None) -> list[Issue]:
    """The error a card about to be filed into ``folder`` now would carry for a 事業名 another project's card
    there has (``shared_names_on_filing``)."""
    return shared_names_on_filing([(sourced, time.time())], folder, last_year)


def shared_names_on_filing(cards: Sequence[tuple[SourcedCard, float]], folder: Path, last_year: LastYear | None
                           ) -> list[Issue]:
    """The duplicate-事業名 errors ``cards`` would carry, each filed into ``folder`` at its time, beside the
    folder's other projects' cards (``rules.check_folder``: the later filer's error unless last year's record
    gives it the name); [] for those that keep their name, and when the folder cannot be read."""
    try:
        result = validate_folder(folder, empty_ok=True)
    except ReportkitError:  # the folder's own problem: status and validate name it
        return []
    given = {s.card.project_id for s, _ in cards}
    others = [s for s in result.cards + result.partial if s.card.project_id not in given]  # replaced when filed
    times = filed_times(folder, result.files)
    names: dict[str, str] = {}  # a name no file of the folder can have → the card's own file name
    incoming = []
    for number, (sourced, filed_at) in enumerate(cards):
        name = f"\0incoming{number}"
        names[name], times[name] = sourced.source.file, filed_at
        incoming.append(sourced.model_copy(update={"source": sourced.source.model_copy(update={"file": name})}))
    return [issue.model_copy(update={"file": names[issue.file]})
            for issue in rules.check_folder(others + incoming, result.config, last_year, times)
            if issue.file in names and issue.code == IssueCode.DUPLICATE_PROJECT_NAME]


def _beside_input_folders(checked: list[SourcedCard], folder: Path | None, named: Path | None,
                          records: dict[Path | None, LastYear | None], found: list[Issue]) -> list[Issue]:
    """Workbooks named one by one, checked beside the other cards of the input folder they lie in (or
    ``--input`` names): a 事業名 of another project's card there is this card's error when it is the
    later filer (a return not yet filed counts as filed now). Errors already found are not repeated."""
    by_folder: dict[Path, list[tuple[SourcedCard, float]]] = {}
    for sourced in checked:
        path = (folder / sourced.source.file) if folder is not None else Path(sourced.source.file)
        inputs = named or input_folder_of(path)
        if inputs is None:
            continue
        inside = Path(inputs).resolve() in path.resolve().parents
        by_folder.setdefault(inputs, []).append((sourced, path.stat().st_mtime if inside else time.time()))
    seen = {(i.file, i.code) for i in found}
    issues = []
    for inputs, cards in by_folder.items():
        issues += [i for i in shared_names_on_filing(cards, inputs, records.get(inputs)) if (i.file, i.code) not in seen]
    return issues


def _input_folder_named(source: Path) -> Path | None:
    """The input folder ``--input`` names: the folder itself, or the one its config.toml or card lies in."""
    source = Path(source)
    if source.is_dir() and InputFolder(source).is_input_folder:
        return source.resolve()
    return input_folder_of(source)


def filed_times(folder: Path, files: Sequence[Path]) -> dict[str, float]:
    """Each file's time as filed (its last modification, which accept keeps), by its name in messages."""
    times = {}
    for path in files:
        try:
            times[file_name(folder, path)] = path.stat().st_mtime
        except OSError:
            continue
    return times


def _settings_for(path: Path, raw: RawCard, config: ReportConfig | None,
                  folder_configs: dict[Path, ReportConfig]) -> CardSettings:
    """The given config, else the input folder's the workbook lies in, else what the card carries."""
    if config is not None:
        return CardSettings(config)
    inputs = input_folder_of(path)
    if inputs is None:
        return card_settings(raw)
    if inputs not in folder_configs:
        folder_configs[inputs] = load_config(inputs)
    return CardSettings(folder_configs[inputs])


def _common_folder(files: list[Path]) -> Path:
    """The deepest folder holding every file (messages name the files relative to it)."""
    try:
        return Path(os.path.commonpath([str(path.parent) for path in files]))
    except ValueError:  # no files, or files on several drives (Windows)
        return files[0].parent if files else Path()
