"""The year's inputs, read once: config, past years, last year's projects, statistics, narratives, styles.

``load_year_inputs(folder)`` reads every file of an input folder but the card workbooks, once, and
hands the data down: ``validate`` checks the narratives and last year's costs from it, ``aggregate``
takes its past years and last year's order, ``render`` its narratives and statistics — no stage
below opens a file of the input folder again. A build (and the web desk's background build) loads
the folder anew each time: nothing is kept between builds but the user caches (compiled narratives,
checked cards), which are keyed by content.

The card workbooks stay with ``validate``: it lists them and reads each through the per-workbook
cache (``card_cache``), which answers for a workbook it has checked before without parsing it.

A file that is missing or broken does not stop the loading (only a missing or broken config.toml
does, the most basic problem): what is wrong is kept with the data and raised, with the message it
always had, where the data is used — a broken index.toml stops the build when section ３ is
rendered, and ``validate`` still checks everything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..report.aggregate import YearFigure, parse_multi_year
from .config import ReportConfig, read_config
from ..errors import InputFileError
from .abolished_record import AbolishedRecord, read_abolished
from .expected_record import ExpectedFile, read_expected_file
from ..files.excel_text import excel_text
from .input_folder import NARRATIVES_DIR, STATISTICS_DIR, InputFolder
from .statistics import StatisticsTables, read_statistics

# The files directly in narratives/ read as narratives: Markdown (a template, a text taken verbatim) or
# Word (each paragraph's and cell's text a template). A sub-folder (``markdown/``, where a conversion to
# Word keeps the Markdown) is not read, nor a lock file Word or LibreOffice leaves beside an open file.
MARKDOWN_SUFFIXES = (".md.j2", ".md")
WORD_SUFFIX = ".docx"
NARRATIVE_SUFFIXES = (*MARKDOWN_SUFFIXES, WORD_SUFFIX)
LOCK_PREFIXES = ("~$", ".~lock")


def part_name(name: str) -> str:
    """The part a narrative file is of: ``introduction.md.j2``, ``introduction.docx`` → ``introduction``."""
    for suffix in NARRATIVE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_narrative(name: str) -> bool:
    """Whether a file of narratives/ is a narrative (a lock file of an open Word file is not)."""
    return name.endswith(NARRATIVE_SUFFIXES) and not name.startswith(LOCK_PREFIXES)


@dataclass(frozen=True)
class NarrativeSource:
    """One narrative file as read: its name in narratives/, its path (for messages) and its bytes."""

    name: str  # introduction.md.j2, introduction.docx
    path: Path
    data: bytes

    @property
    def part(self) -> str:
        """The part of the report it writes: ``introduction`` (the name without its suffixes)."""
        return part_name(self.name)

    @property
    def suffix(self) -> str:
        """``.md.j2``, ``.md``, ``.docx``: how it is read."""
        return self.name[len(self.part):]

    @property
    def is_word(self) -> bool:
        return self.name.endswith(WORD_SUFFIX)

    @property
    def template_name(self) -> str:
        """The absolute path jinja compiles it under (its messages and traceback frames name it)."""
        return os.path.abspath(self.path)

    def text(self) -> str:
        """The text (UTF-8, a BOM from Notepad allowed); UnicodeDecodeError when it is not UTF-8."""
        return self.data.decode("utf-8-sig")


@dataclass(frozen=True, eq=False)
class Narratives:
    """The narratives folder as read: every narrative file by name (none when the folder is not there)."""

    folder: Path
    present: bool = False
    sources: Mapping[str, NarrativeSource] = field(default_factory=dict)
    # what a reader made of these sources, kept as long as they are (narrative_templates' jinja environment)
    kept: dict = field(default_factory=dict, repr=False)

    def get(self, name: str) -> NarrativeSource | None:
        return self.sources.get(name)

    def forms(self, name: str) -> list[NarrativeSource]:
        """Every file of the part ``name`` is of (``introduction.md.j2`` → its Markdown and its Word file)."""
        part = part_name(name)
        return [source for source in self.sources.values() if source.part == part]

    def word(self, name: str) -> NarrativeSource | None:
        """The Word file of the part ``name`` is of (``introduction.md.j2`` → ``introduction.docx``), None without one."""
        return self.sources.get(part_name(name) + WORD_SUFFIX)


def read_narratives(folder: Path) -> Narratives:
    """Read every narrative file directly in ``folder`` once (``is_narrative``), in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        return Narratives(folder)
    # by the name in lower case: Windows finds 「Introduction.docx」 as introduction.docx, and so do we
    sources = {path.name.lower(): NarrativeSource(path.name.lower(), path, path.read_bytes())
               for path in sorted(folder.iterdir()) if is_narrative(path.name.lower()) and path.is_file()}
    return Narratives(folder, True, sources)


@dataclass(frozen=True, eq=False)
class YearInputs:
    """One input folder's files but the cards, read once (see the module docstring)."""

    folder: InputFolder
    config: ReportConfig
    narratives: Narratives
    statistics: StatisticsTables
    expected: ExpectedFile  # last year's projects (expected.json of a rolled folder), and their order
    config_text: str = ""  # config.toml as read ("" when the config was given): rollover rewrites it
    _multi_year: list[YearFigure] = field(default_factory=list)
    _multi_year_error: BaseException | None = None
    abolished: AbolishedRecord = field(default_factory=AbolishedRecord)  # this year's 事業廃止 (abolished.json)
    reference: bytes | None = None  # the folder's own templates/reference.docx (None: the shipped styles)

    @property
    def reference_path(self) -> Path | None:
        """Where the folder's own reference.docx was read from; None when the build uses the shipped one."""
        return None if self.reference is None else self.folder.reference

    @property
    def root(self) -> Path:
        return self.folder.root

    def multi_year(self) -> list[YearFigure]:
        """The past years of multi_year.csv ([] without the file); what parsing it raised when it is broken."""
        if self._multi_year_error is not None:
            raise self._multi_year_error
        return list(self._multi_year)


def read_multi_year(path: Path) -> tuple[list[YearFigure], BaseException | None]:
    """The past years of a multi_year.csv ([] without the file), or what parsing it raised."""
    if not Path(path).is_file():
        return [], None
    try:
        return parse_multi_year(excel_text(Path(path).read_bytes(), Path(path).name), Path(path).name), None
    except InputFileError as exc:
        return [], exc


def load_year_inputs(folder: Path, config: ReportConfig | None = None) -> YearInputs:
    """Read the input folder ``folder`` once: ConfigError for a missing or broken config.toml (unless
    ``config`` is given: then config.toml is not read)."""
    names = InputFolder(Path(folder))
    text = ""
    if config is None:
        config, text = read_config(names.root)
    figures, error = read_multi_year(names.multi_year)
    reference = names.reference.read_bytes() if names.reference.is_file() else None
    return YearInputs(names, config, read_narratives(names.root / NARRATIVES_DIR),
                      read_statistics(names.root / STATISTICS_DIR), read_expected_file(names.expected_source),
                      text, figures, error, read_abolished(names.abolished), reference)
