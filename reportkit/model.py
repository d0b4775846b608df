"""The project card and its parts: pure pydantic models, no I/O."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RowKind = Literal["", "内訳", "計", "見出し"]
FreeKind = Literal["見出し", "文", "表頭", "表"]
Foundation = Literal["", "○", "△"]
NewListing = Literal["", "◎", "・"]

DEFAULT_PROGRESS_CAPTION = "申込、相談件数など事業実績（経過）"
DEFAULT_OUTCOME_CAPTION = "補助、開催件数など事業実績（結果）"
DEFAULT_HEADERS = ("項目名", "件数・金額など")
RENAME_EVENTS = ("事業名変更", "名称変更", "事業名の変更")  # an entry of 事業の経緯 that records a former name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResultRow(_Model):
    """One row of a two-column results table of part ５."""

    item: str = ""
    value: str = ""
    kind: RowKind = ""


class FreeRow(_Model):
    """One line of free-form results: caption, paragraph, table header or table row."""

    kind: FreeKind
    cells: list[str] = Field(default_factory=list, max_length=6)


class HistoryEntry(_Model):
    """One entry of part ６ 事業の経緯."""

    year: str = ""
    event: str = ""
    former_name: str = ""
    reason: str = ""


def name_key(name: str) -> str:
    """A project name with every whitespace (line breaks included) removed: how names are matched."""
    return re.sub(r"\s", "", name or "")


def former_names(history: list[HistoryEntry]) -> list[str]:
    """The names (``name_key``) a project had before, from the 事業名変更 entries of its 事業の経緯, latest first."""
    names = [name_key(e.former_name) for e in history
             if e.former_name and any(word in e.event for word in RENAME_EVENTS)]
    return names[::-1]


class Reprint(_Model):
    """Another policy/measure where the project's card is reprinted (再掲)."""

    policy: int
    measure: str


class ResultsTable(_Model):
    caption: str
    headers: tuple[str, str] = DEFAULT_HEADERS
    rows: list[ResultRow] = Field(default_factory=list)


class Card(_Model):
    """One project as its department reported it, normalised."""

    project_id: str
    fiscal_year: int
    policy: int
    measure: str
    project_name: str
    description: str = ""
    cost: int | None = None  # thousand yen; None = 「－」 (no cost)
    cost_note: str = ""
    progress: ResultsTable = Field(default_factory=lambda: ResultsTable(caption=DEFAULT_PROGRESS_CAPTION))
    outcome: ResultsTable = Field(default_factory=lambda: ResultsTable(caption=DEFAULT_OUTCOME_CAPTION))
    results_free: list[FreeRow] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    department: str
    group: str = ""
    priority: bool = False
    key_result: bool = False
    period_start: int | None = None  # 西暦 fiscal year
    period_end: int | None = None  # None = open-ended
    foundation: Foundation = ""
    emergency: bool = False
    new_listing: NewListing = ""
    new_summary: str = ""
    reprints: list[Reprint] = Field(default_factory=list)

    @property
    def one_line_name(self) -> str:
        """The name as one line (a combined project's two names joined)."""
        return "".join(self.project_name.splitlines())


class CellRef(_Model):
    """The cell a value was read from: ``column`` (0 = first) of ``row`` of a block (None: a single
    cell or a header pair) of the defined name ``field``, at ``a1`` on the card sheet."""

    field: str
    row: int | None = None  # the card's row index (the n-th row kept), not the sheet's row
    column: int = 0
    a1: str


class SourceInfo(_Model):
    """Where a card came from: its file and the cell of every value read (``positions``)."""

    file: str
    sheet: str = "事業カード"
    positions: list[CellRef] = Field(default_factory=list)
    unread: list[str] = Field(default_factory=list)  # fields whose value could not be read (an error says why)

    def cell(self, field: str, row: int | None = None, column: int = 0) -> str:
        """The A1 address of ``column`` of ``row`` of ``field``, or "" when it was not read."""
        for ref in self.positions:
            if ref.field == field and ref.row == row and ref.column == column:
                return ref.a1
        return ""

    @property
    def cells(self) -> dict[str, str]:
        """The first cell of each field and row by a flat key (``progress_rows.3``; ``progress_rows.3.value``
        for the value column of a results table), for views that look cells up by name."""
        flat: dict[str, str] = {}
        for ref in self.positions:
            key = ref.field if ref.row is None else f"{ref.field}.{ref.row}"
            if ref.column == 0:
                flat[key] = ref.a1
            elif ref.column == 1 and ref.row is not None and ref.field in ("progress_rows", "outcome_rows"):
                flat[key + ".value"] = ref.a1
        return flat


class SourcedCard(_Model):
    card: Card
    source: SourceInfo
