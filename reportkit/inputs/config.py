"""The year's configuration (inputs/config.toml): policies, measures, chapters, divisions."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ConfigError
from .input_folder import InputFolder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(_Strict):
    """A basic policy (基本方針) of article 7 with its measures (施策) in list order."""

    no: int = Field(ge=1, le=10)
    title: str = Field(min_length=1)
    measures: list[str] = Field(min_length=1)

    @property
    def mark(self) -> str:
        return CIRCLED[self.no - 1]


class Chapter(_Strict):
    """A chapter of section 2(3); policies listed together share one chapter."""

    policies: list[int] = Field(min_length=1)


class LumpReprint(_Strict):
    """A whole policy reprinted inside another as one line of the list table."""

    policy: int
    into_policy: int
    label: str = Field(min_length=1)


class Placement(_Strict):
    """Where the secretariat puts a project inside its measure: after project ``after`` ("" = first).

    ``[[placements]]`` of config.toml; the rules it overrides are in ``project_order``.
    """

    project_id: str
    after: str = ""


class ReprintPlacement(Placement):
    """Where a reprint copy goes inside its host measure: after the row of project ``after`` ("" = first)."""

    into_policy: int


class Cover(_Strict):
    title: str
    prefecture: str
    publication: str  # as printed on the cover, e.g. 平成２６年９月


class ReportConfig(_Strict):
    """Everything about one report year that is not in the card workbooks."""

    fiscal_year: int = Field(ge=1989, le=2100)
    cover: Cover
    secretariat: str
    first_year: int = Field(description="first fiscal year of the multi-year table")
    policies: list[Policy] = Field(min_length=1)
    chapters: list[Chapter] = Field(min_length=1)
    lump_reprints: list[LumpReprint] = []
    reprint_placements: list[ReprintPlacement] = []
    placements: list[Placement] = []  # a project's place in its measure, set by the secretariat (project_order)
    divisions: list[str] = Field(min_length=1)
    # 提出期限 for the divisions' returns (printed on the packs' checklists): text, or a TOML date.
    deadline: str | date = Field(default="", validation_alias=AliasChoices("deadline", "提出期限"))

    @model_validator(mode="after")
    def _consistent(self) -> "ReportConfig":
        numbers = [p.no for p in self.policies]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("policies の no は 1 から順に並べてください")
        chaptered = sorted(n for c in self.chapters for n in c.policies)
        if chaptered != numbers:
            raise ValueError("chapters はすべての基本方針をちょうど一度ずつ含めてください")
        for lump in self.lump_reprints:
            if lump.policy not in numbers or lump.into_policy not in numbers:
                raise ValueError(f"lump_reprints の基本方針番号 {lump.policy}/{lump.into_policy} がありません")
        if len(set(self.divisions)) != len(self.divisions):
            raise ValueError("divisions に重複があります")
        return self

    @property
    def deadline_text(self) -> str:
        """The deadline as printed: a TOML date as 2014年5月30日, text as typed ("" when not set)."""
        if isinstance(self.deadline, date):
            return f"{self.deadline.year}年{self.deadline.month}月{self.deadline.day}日"
        return self.deadline.strip()

    def policy(self, no: int) -> Policy:
        return self.policies[no - 1]

    def chapter_of(self, policy_no: int) -> int:
        """Index of the chapter that holds a policy."""
        for index, chapter in enumerate(self.chapters):
            if policy_no in chapter.policies:
                return index
        raise KeyError(policy_no)

    def all_measures(self) -> list[str]:
        return [m for p in self.policies for m in p.measures]


def load_config(folder: Path) -> ReportConfig:
    """Read and check ``config.toml`` in an input folder; a broken one raises ConfigError naming the key."""
    return read_config(folder)[0]


def read_config(folder: Path) -> tuple[ReportConfig, str]:
    """``config.toml`` of an input folder, read once: checked (ConfigError naming the key), and its text."""
    path = InputFolder(folder).config
    if not path.is_file():
        raise ConfigError(f"設定ファイルが見つかりません: {path}（config.toml のある入力フォルダを指定してください）")
    content = path.read_bytes()
    return config_from_bytes(path, content), content.decode("utf-8-sig")


def load_config_file(path: Path) -> ReportConfig:
    """Read and check one config file (``config.toml`` or another name)."""
    return config_from_bytes(Path(path), Path(path).read_bytes())


def config_from_bytes(path: Path, content: bytes) -> ReportConfig:
    """Check the config file ``path`` as read (``content``); ConfigError naming the file and key when broken."""
    try:
        data = tomllib.loads(content.decode("utf-8-sig"))  # a BOM from Notepad is fine
    except UnicodeDecodeError as exc:
        raise ConfigError(f"設定ファイル {path} を読めません。文字コードを UTF-8 にして保存し直してください。") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"設定ファイル {path} を読めません（TOML の書式誤り）: {exc}") from exc
    try:
        return ReportConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"設定ファイル {path} に誤りがあります:\n" + _reasons(exc)) from exc


def config_from_json(text: str, source: str) -> ReportConfig:
    """The config a card carries (its year's settings as JSON); ConfigError naming ``source`` when broken."""
    try:
        return ReportConfig.model_validate_json(text)
    except ValidationError as exc:
        raise ConfigError(f"{source} の年度設定を読めません:\n" + _reasons(exc)) from exc


def _reasons(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(全体)"
        lines.append(f"  キー {key}: {_japanese_reason(err)}")
    return "\n".join(lines)


def _japanese_reason(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "必須の項目がありません"
    if kind == "extra_forbidden":
        return "知らない項目です（綴りを確認してください）"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"値の型が違います（{err.get('input')!r}）"
    if kind in ("too_short",):
        return "空にできません"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"値が範囲外です（{err.get('input')!r}）"
    return str(err.get("msg", kind))
