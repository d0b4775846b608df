"""An input folder: the names of its files, and whether a path lies inside it.

One year's inputs live in one folder (``inputs/``)::

    config.toml      the year's configuration
    multi_year.csv   earlier years' counts and totals per policy
    cards/           the card workbooks, in sub-folders if liked
    narratives/      the chapters' text templates
    statistics/      the statistics appendix
    templates/       (optional) the folder's own reference.docx: the report's Word styles, used instead of
                     the shipped ones (``reportkit template --styles``)
    expected.json    (a rolled-over folder) last year's projects, to check returns against
    expected.csv     (a first year, optional) the secretariat's list of the projects expected back
    abolished.json   the projects recorded as abolished this year (reportkit abolish, the desk)
    archive/         (``accept``) the earlier versions of returned workbooks, never read as cards

Nothing is ever written into it: every command that writes asks ``contains`` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportkitError

DEFAULT_INPUT = "inputs"  # the input folder a command reads when none is named

CONFIG_FILE = "config.toml"
MULTI_YEAR_FILE = "multi_year.csv"
CARDS_DIR = "cards"
NARRATIVES_DIR = "narratives"
STATISTICS_DIR = "statistics"
TEMPLATES_DIR = "templates"
REFERENCE_FILE = "reference.docx"  # in templates/: the report's Word styles
EXPECTED_FILE = "expected.json"
EXPECTED_LIST = "expected.csv"  # without expected.json: the secretariat's list (管理番号,事業名,担当課)
ABOLISHED_FILE = "abolished.json"  # the projects the secretariat recorded as abolished (事業廃止) this year
ARCHIVE_DIR = "archive"
STATE_DIR = ".reportkit"  # the toolkit's own state: the desk's codes and sessions, the lock of changes (hidden)
REPORT_JSON = "report.json"  # the built report's data, in an output folder (diff and status read it back)
README_FILE = "readme.md"

# Copied for editing into next year's folder by ``reportkit rollover``.
EDITABLE_FOLDERS = (NARRATIVES_DIR, STATISTICS_DIR, TEMPLATES_DIR)
OPTIONAL_FOLDERS = (TEMPLATES_DIR,)  # copied when there, not missed when not (the shipped styles serve)
# Without a cards/ subfolder the folder itself holds the workbooks; these entries of it are not cards.
NOT_CARDS = frozenset({CONFIG_FILE, MULTI_YEAR_FILE, NARRATIVES_DIR, STATISTICS_DIR, TEMPLATES_DIR, README_FILE, EXPECTED_FILE,
                       EXPECTED_LIST, ABOLISHED_FILE})

INPUTS_PREFIX, OUTPUTS_PREFIX = "inputs", "outputs"


def default_outputs(folder: Path) -> Path:
    """Where a folder's outputs go when no output folder is named: beside it, one folder per input folder.

    The one rule of ``build``, ``build --draft`` and ``serve``: ``inputs`` → ``outputs``,
    ``inputs<suffix>`` → ``outputs<suffix>`` (``inputs2014`` → ``outputs2014``), any other name
    ``<name>_outputs`` (``平成26年度`` → ``平成26年度_outputs``), in the input folder's parent.
    """
    folder = Path(folder)
    if folder.name in ("", ".", ".."):
        folder = folder.resolve()
    name = folder.name
    if name.lower().startswith(INPUTS_PREFIX):
        sibling = OUTPUTS_PREFIX + name[len(INPUTS_PREFIX):]
    else:
        sibling = f"{name}_{OUTPUTS_PREFIX}"
    return folder.parent / sibling


def next_year_folder(folder: Path, from_year: int, to_year: int) -> Path:
    """Where the desk's rollover puts next year's input folder: beside ``folder``, named as the outputs are.

    ``inputs`` or ``inputs<anything>`` → ``inputs<to_year>`` (``inputs2013`` → ``inputs2014``, so that
    ``default_outputs`` gives ``outputs2014``); a name holding ``from_year`` gets ``to_year`` in its place
    (``report2013`` → ``report2014``); any other name ``<name>_<to_year>``.
    """
    folder = Path(folder).resolve()
    name = folder.name
    if name.lower().startswith(INPUTS_PREFIX):
        new = name[:len(INPUTS_PREFIX)] + str(to_year)
    elif str(from_year) in name:
        new = name.replace(str(from_year), str(to_year))
    else:
        new = f"{name}_{to_year}"
    return folder.parent / new


@dataclass(frozen=True)
class InputFolder:
    """The files of one input folder, by name."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def multi_year(self) -> Path:
        return self.root / MULTI_YEAR_FILE

    @property
    def cards(self) -> Path:
        return self.root / CARDS_DIR

    @property
    def expected(self) -> Path:
        return self.root / EXPECTED_FILE

    @property
    def reference(self) -> Path:
        """The folder's own Word styles (templates/reference.docx), used instead of the shipped ones when there."""
        return self.root / TEMPLATES_DIR / REFERENCE_FILE

    @property
    def abolished(self) -> Path:
        return self.root / ABOLISHED_FILE

    @property
    def expected_source(self) -> Path:
        """Where the projects expected back are listed: expected.json, else expected.csv when only it is there."""
        listed = self.root / EXPECTED_LIST
        return listed if not self.expected.is_file() and listed.is_file() else self.expected

    @property
    def archive(self) -> Path:
        return self.root / ARCHIVE_DIR

    @property
    def state(self) -> Path:
        """The toolkit's own state (``STATE_DIR``), never read as input."""
        return self.root / STATE_DIR

    @property
    def changing_lock(self) -> Path:
        """The lock a process holds while it changes the folder's cards and records (``files.folder_lock``)."""
        return self.state / "changing.lock"

    @property
    def is_input_folder(self) -> bool:
        """True when the folder holds a config.toml (what tells an input folder from an output folder)."""
        return self.config.is_file()

    def contains(self, path: Path) -> bool:
        """True when ``path`` is this folder or lies inside it (links resolved): never write there."""
        inside, root = Path(path).resolve(), self.root.resolve()
        return inside == root or root in inside.parents

    def check_new_output(self, out_dir: Path) -> None:
        """Refuse a new output folder that is not empty, or lies in (or is) this folder."""
        out_dir = Path(out_dir)
        if not self.root.is_dir():
            raise ReportkitError(f"入力フォルダが見つかりません: {self.root}")
        if self.contains(out_dir):
            raise ReportkitError(f"出力フォルダ {out_dir} が入力フォルダ {self.root} の中にあります。別のフォルダを指定してください。")
        if out_dir.exists():
            if not out_dir.is_dir():
                raise ReportkitError(f"出力先 {out_dir} はフォルダではありません。")
            if any(out_dir.iterdir()):
                raise ReportkitError(f"出力フォルダ {out_dir} は空ではありません。新しいフォルダ名を指定してください（上書きはしません）。")
