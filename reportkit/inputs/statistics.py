"""Section ３'s statistics: ``statistics/index.toml``, its CSV files, and the markers that place them.

A narrative paragraph that is exactly ``[表:4-1]`` or ``[図:4-1]`` is replaced by that table or
chart (``render``). An item whose index gives no file, or whose CSV holds no row, prints as
「（データ未入力）」: ``figures_without_data`` names them, so that ``validate`` and the build say so.

``read_statistics`` reads the folder once (the index and every CSV it names) into ``StatisticsTables``,
which ``validate`` and ``render`` take as data; a problem of a file is kept with it and raised where
the file's data is used (a broken index stops the build when section ３ is rendered, not ``validate``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError, NarrativeError
from ..files.excel_text import excel_text
from ..report.printed import full_width

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

INDEX_FILE = "index.toml"
_MARKER = re.compile(r"^\[(表|図):\s*([0-9A-Za-z０-９\-－]+)\]$")


@dataclass
class StatisticsItem:
    id: str
    kind: str
    caption: str
    source: str = ""
    notes: list[str] = field(default_factory=list)
    file: str = ""
    unit_line: str = ""  # printed under the caption (図４－３: （平成22年＝100）)
    header: list[list[str]] = field(default_factory=list)  # a table's printed header rows (< and ^ merge)

    @property
    def label(self) -> str:
        """表4-1 → 表４－１."""
        return full_width(self.id)


def marker_key(text: str) -> str | None:
    """The statistics key a paragraph places (``[表:４－１]`` → ``表4-1``), or None for any other text."""
    match = _MARKER.match(text.strip())
    if not match:
        return None
    return match.group(1) + match.group(2).translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))


def load_statistics(folder: Path) -> dict[str, StatisticsItem]:
    """Read index.toml of the statistics folder (the keys other than these are documentation)."""
    index = Path(folder) / INDEX_FILE
    if not index.is_file():
        return {}
    shown = f"{Path(folder).name}/{INDEX_FILE}"
    try:
        data = tomllib.loads(index.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputFileError(f"{shown} を読めません。文字コードを UTF-8 にして保存し直してください。") from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f"{where.group(1)} 行目 {where.group(2)} 文字目" if where else "場所不明"
        raise InputFileError(f"{shown} の書き方に誤りがあるため読めません（{at}）。[[items]] の見出しと、"
                             "各行の 名前 = \"値\" の形（かっこや引用符の閉じ忘れ）を確認してください。") from None
    entries = data.get("items", [])
    if not isinstance(entries, list):
        raise InputFileError(f"{shown} の items は [[items]] の形で書いてください。")
    items = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputFileError(f"{shown} の {number} 番目の [[items]] に id（例: id = \"表4-1\"）がありません。")
        notes, header = entry.get("notes", []), entry.get("header", [])
        if not isinstance(notes, list) or not isinstance(header, list) or not all(isinstance(r, list) for r in header):
            raise InputFileError(f"{shown} の {number} 番目の [[items]]（{entry['id']}）: notes は [\"…\", \"…\"]、"
                                 "header は [[\"…\", \"…\"], […]] のように角かっこで囲んだ並びにしてください。")
        item = StatisticsItem(
            id=str(entry["id"]),
            kind=str(entry.get("kind", "table")),
            caption=str(entry.get("caption", "")),
            source=str(entry.get("source", "")),
            notes=[str(note) for note in notes],
            file=str(entry.get("file", "")),
            unit_line=str(entry.get("unit_line", "")),
            header=[[str(cell) for cell in row] for row in header],
        )
        items[item.id] = item
    return items


def read_rows(path: Path) -> list[list[str]]:
    """The non-empty rows of a statistics CSV (as Excel saves it: UTF-8, a BOM allowed, or cp932).

    NarrativeError when it is missing, InputFileError when it is in neither encoding.
    """
    if not path.is_file():
        raise NarrativeError(f"統計のファイルが見つかりません: {path}")
    return _rows(path.read_bytes(), f"{path.parent.name}/{path.name}")


def _rows(data: bytes, shown: str) -> list[list[str]]:
    text = excel_text(data, shown)
    return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


# What a broken index.toml raises while it is read (validate goes on without it; the build names it).
INDEX_ERRORS = (InputFileError, OSError, ValueError, KeyError, TypeError, AttributeError)


@dataclass(frozen=True, eq=False)
class StatisticsTables:
    """The statistics folder as read once: its index, and the bytes of every CSV the index names.

    ``folder`` is kept for messages only. A problem is raised where the data is asked for:
    ``index()`` raises what reading index.toml raised, ``rows()`` a NarrativeError for a CSV that is not there.
    """

    folder: Path
    _items: dict[str, StatisticsItem] = field(default_factory=dict)
    _index_error: BaseException | None = None
    _files: dict[str, bytes] = field(default_factory=dict)  # item.file → its bytes (a missing file: absent)

    def index(self) -> dict[str, StatisticsItem]:
        """The items by key (``表4-1``); what reading index.toml raised when it is broken."""
        if self._index_error is not None:
            raise self._index_error
        return self._items

    def rows(self, item: StatisticsItem) -> list[list[str]]:
        """The item's non-empty CSV rows ([] without a file); NarrativeError when its CSV is missing,
        InputFileError when it is neither UTF-8 nor cp932."""
        if not item.file:
            return []
        if item.file not in self._files:
            raise NarrativeError(f"統計のファイルが見つかりません: {Path(self.folder) / item.file}")
        return _rows(self._files[item.file], f"{Path(self.folder).name}/{item.file}")

    def without_data(self, item: StatisticsItem) -> bool:
        """Printed as 「（データ未入力）」: no file named, or a CSV without a row (a missing file is the build's error)."""
        return not item.file or (item.file in self._files and not self.rows(item))


def read_statistics(folder: Path) -> StatisticsTables:
    """Read the statistics folder once: index.toml and the CSV files it names (none without the folder)."""
    folder = Path(folder)
    try:
        items = load_statistics(folder)
    except INDEX_ERRORS as exc:
        return StatisticsTables(folder, _index_error=exc)
    files = {}
    for item in items.values():
        path = folder / item.file
        if item.file and item.file not in files and path.is_file():
            files[item.file] = path.read_bytes()
    return StatisticsTables(folder, items, None, files)
