"""The project card and its parts: pure pydantic models, no I/O."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RowKind = Literal["", "内訳", "計", "見出し"]
FreeKind = Literal["見出し", "文", "表頭", "表"]
Foundation = Literal["", "○", "△"]
NewListing = Literal["", "◎", "・"]

DEFAULT_PROGRESS_CAPTION = "申込、相談件数など事業実績（経過）"
DEFAULT_OUTCOME_CAPTION = "補助、開催件数など事業実績（結果）"
DEFAULT_HEADERS = ("項目名", "件数・金額など")


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


class SourceInfo(_Model):
    """Where a card came from: its file and the cell of every field (defined name → address)."""

    file: str
    sheet: str = "事業カード"
    cells: dict[str, str] = Field(default_factory=dict)
    unread: list[str] = Field(default_factory=list)  # fields whose value could not be read (an error says why)


class SourcedCard(_Model):
    card: Card
    source: SourceInfo
