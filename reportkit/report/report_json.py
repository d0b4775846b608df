"""report.json as typed models: written by ``export.report_data``, read back by ``yoy.compare``.

``ReportJson`` is the whole file. Its reference, docs/report-json.md, is generated from these
models by ``reference_markdown()`` (a test checks it is current). The writer fills every field;
the reader accepts a file that leaves out the optional ones (their defaults are given).
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ReportkitError
from ..model import (DEFAULT_OUTCOME_CAPTION, DEFAULT_PROGRESS_CAPTION, Foundation, FreeRow, HistoryEntry, NewListing,
                    ResultRow, ResultsTable)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReprintPlace(_Model):
    """A place where the project's card is reprinted (再掲)."""

    policy: int = Field(description="基本方針番号 of the reprint")
    measure: str = Field(description="施策 of the reprint")
    page: int | None = Field(None, description="printed page of the reprinted card (null when unknown)")


class ReportProject(_Model):
    """One project (its main listing, 本掲); the card's fields follow the first eight."""

    project_id: str = Field(description="管理番号")
    name: str = Field(description="事業名 (a combined project's names on separate lines)")
    policy: int = Field(description="基本方針番号")
    measure: str = Field(description="施策")
    cost: int | None = Field(None, description="決算額 in 千円; null = 「－」 (no cost)")
    department: str = Field(description="担当課")
    page: int | None = Field(None, description="printed page of the card (null when unknown)")
    reprints: list[ReprintPlace] = Field(default_factory=list, description="places of its 再掲")
    fiscal_year: int | None = Field(None, description="報告年度 (西暦)")
    description: str = Field("", description="事業内容")
    cost_note: str = Field("", description="事業費の内訳")
    progress: ResultsTable = Field(default_factory=lambda: ResultsTable(caption=DEFAULT_PROGRESS_CAPTION),
                                   description="表１ 事業実績（経過）")
    outcome: ResultsTable = Field(default_factory=lambda: ResultsTable(caption=DEFAULT_OUTCOME_CAPTION),
                                  description="表２ 事業実績（結果）")
    results_free: list[FreeRow] = Field(default_factory=list, description="free-form results, line by line")
    history: list[HistoryEntry] = Field(default_factory=list, description="事業の経緯")
    group: str = Field("", description="グループ")
    priority: bool = Field(False, description="重点")
    key_result: bool = Field(False, description="主要成果")
    period_start: int | None = Field(None, description="事業期間 start (西暦 fiscal year)")
    period_end: int | None = Field(None, description="事業期間 end (西暦 fiscal year; null = open-ended)")
    foundation: Foundation = Field("", description="21財団への補助・委託: ○ all, △ part")
    emergency: bool = Field(False, description="緊急雇用")
    new_listing: NewListing = Field("", description="新規事業一覧: ◎ with summary, ・ listed")
    new_summary: str = Field("", description="新規事業の概要")


# The card fields that report.json carries under their own name (after the leading eight).
CARD_FIELDS = tuple(list(ReportProject.model_fields)[8:])


class ReportPolicy(_Model):
    """One 基本方針 with its figures (reprints excluded from count and subtotal)."""

    no: int = Field(description="基本方針番号")
    title: str = Field(description="基本方針")
    count: int = Field(description="projects (reprints excluded)")
    subtotal: int = Field(description="小計 in 千円 (reprints excluded)")
    subtotal_with_reprints: int | None = Field(None, description="再掲含む計 in 千円; null when the policy has no reprints")
    measures: list[str] = Field(default_factory=list, description="its 施策, in document order")


class ReportTotal(_Model):
    """The 合計 of the report."""

    count: int = Field(description="projects (reprints excluded)")
    amount: int = Field(description="合計 in 千円")


class ReportYear(_Model):
    """One fiscal year of the section 1 table (past years from multi_year.csv, then this year)."""

    year: int = Field(description="fiscal year (西暦)")
    count: int = Field(description="projects")
    amount: int = Field(description="決算額 in 千円")


class ReportAbolished(_Model):
    """A project recorded as abolished (事業廃止) this year: not in the report (``reportkit abolish``)."""

    project_id: str = Field(description="管理番号")
    name: str = Field(description="事業名")
    department: str = Field(description="担当課")
    reason: str = Field(description="廃止の理由, as recorded")


class ReportJson(_Model):
    """The whole report.json."""

    fiscal_year: int = Field(description="報告年度 (西暦)")
    policies: list[ReportPolicy] = Field(description="per 基本方針, in order")
    total: ReportTotal = Field(description="合計")
    years: list[ReportYear] = Field(default_factory=list, description="the multi-year table, oldest first")
    projects: list[ReportProject] = Field(description="every project once, in document order")
    abolished: list[ReportAbolished] = Field(default_factory=list,
                                             description="projects recorded as abolished this year, not in the report")

    def to_bytes(self) -> bytes:
        """The file's bytes: UTF-8, one-space indent, keys in field order, a final newline."""
        # pydantic's serialiser writes what json.dumps(ensure_ascii=False, indent=1) would, 3x as fast
        return self.model_dump_json(indent=1).encode("utf-8") + b"\n"


def read_report_json(path: Path) -> ReportJson:
    """Read a report.json; a file that is not one is a ReportkitError naming it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportkitError(f"{path} を report.json として読めません: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("projects"), list):
        raise ReportkitError(f"{path} は report.json の形ではありません（projects がありません）。")
    try:
        return ReportJson.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ReportkitError(f"{path} は report.json の形ではありません（{where}: {first['msg']}）。") from exc


# -- the reference (docs/report-json.md) -----------------------------------------------------------

DOCUMENTED = (ReportJson, ReportPolicy, ReportTotal, ReportYear, ReportProject, ReprintPlace, ResultsTable,
              ResultRow, FreeRow, HistoryEntry, ReportAbolished)

_SUMMARIES = {"ResultsTable": "A two-column results table of part ５ (表１ or 表２): caption, column headers, rows."}


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{json.dumps(a, ensure_ascii=False)}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args)
    if origin in (list, tuple):
        inner = ", ".join(_type_name(a) for a in args if a is not Ellipsis)
        return f"{origin.__name__}[{inner}]"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _default(field) -> str:
    if field.is_required():
        return "required"
    value = field.default_factory() if field.default_factory is not None else field.default
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def reference_markdown() -> str:
    """docs/report-json.md: every object of report.json and its fields (generated from the models)."""
    lines = ["# report.json", "",
             "<!-- Generated by reportkit.report.report_json.reference_markdown(); do not edit by hand. -->",
             "<!-- Regenerate: python -c \"import reportkit.report.report_json as r; "
             "open('docs/report-json.md','w',encoding='utf-8').write(r.reference_markdown())\" -->",
             "",
             "`reportkit build` writes `report.json` beside `report.docx`: UTF-8, keys in the order below. "
             "`reportkit diff` and `reportkit status --expected` read it back. "
             "The same inputs give the same bytes.", ""]
    for model in DOCUMENTED:
        summary = (model.__doc__ or "").strip().splitlines() or [_SUMMARIES[model.__name__]]
        lines += [f"## {model.__name__}", "", summary[0], "",
                  "| field | type | default | meaning |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            lines.append(f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | {field.description or ''} |")
        lines.append("")
    return "\n".join(lines)
