"""Where the year's settings come from when a card is checked, or a card made, away from the input folder.

Every card the template writes carries the year's config (the hidden sheet 年度設定, defined name
``rk_config``; docs/layout.md), so a clerk's own workbook is checked alone as in the input folder,
but for the narratives and the rules across a folder (those run over the workbooks given). A card
made before carries only its drop-down lists (the hidden sheet 選択肢: the policies with their
measures, the divisions), not the report year. ``card_settings`` gives the config to check a card
with, the problem codes that config cannot judge (left out) and the notice that says so;
``year_config`` and ``default_year_config`` find the config a user points at, or the one at hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .config import CIRCLED, Chapter, Cover, Policy, ReportConfig, config_from_json, load_config, load_config_file
from ..errors import ConfigError, ParseError
from .input_folder import DEFAULT_INPUT, InputFolder
from ..issues import Issue, make_issue
from ..japanese import nendo, one_line, parse_fiscal_year, to_half_width
from ..workbook.layout import DIVISIONS_LIST, MEASURES_OF_POLICY_LIST, POLICIES_LIST
from ..workbook.reader import RawCard, read_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx")
UNKNOWN = "（不明）"
# Cannot be judged from a card's own fiscal year: whether it is the report year.
NEEDS_YEAR = frozenset({"stale-fiscal-year"})
# Cannot be judged without the year's lists of policies, measures and divisions.
NEEDS_LISTS = frozenset({"unknown-policy", "unknown-measure", "unknown-division", "unknown-reprint-policy"})


@dataclass(frozen=True)
class CardSettings:
    """The config to check one card with; what it cannot judge, and the notice saying so."""

    config: ReportConfig
    unchecked: frozenset[str] = frozenset()  # problem codes left out: this config cannot judge them
    notice: Issue | None = None

    def apply(self, issues: Iterable[Issue]) -> list[Issue]:
        """The issues this config can judge, then the notice."""
        return [i for i in issues if i.code not in self.unchecked] + ([self.notice] if self.notice else [])


def card_settings(raw: RawCard) -> CardSettings:
    """The year's settings a card carries (read with ``read_workbook(..., settings=True)``)."""
    if raw.settings:
        try:
            return CardSettings(config_from_json(raw.settings, raw.file))
        except ConfigError:
            return _older_card(raw, "broken-year-settings")
    return _older_card(raw, "no-year-settings" if raw.settings is None else "broken-year-settings")


def _older_card(raw: RawCard, code: str) -> CardSettings:
    """A card without usable settings: checked against its own lists and its own report year."""
    year = _card_year(raw)
    base = f"このブックの報告年度（{nendo(year)}）" if year else f"今年度（{nendo(_this_fiscal_year())}）"
    year = year or _this_fiscal_year()
    lists = _card_lists(raw)
    config = _config(year, *lists) if lists else None
    if config is not None:
        unchecked, detail = NEEDS_YEAR, "報告年度が今年度のものか"
        expected = f"基本方針・施策・担当課はこのブックの選択肢の一覧で、事業期間と事業の経緯の年度は{base}を基準に確認しました。"
    else:
        config = _config(year, _stand_in_policies(raw), [UNKNOWN])
        unchecked, detail = NEEDS_YEAR | NEEDS_LISTS, "報告年度が今年度のものか、基本方針・施策・担当課が今年度の一覧にあるか"
        expected = f"事業期間と事業の経緯の年度は{base}を基準に確認しました。"
    reason = {"other": "内容を読み取れません"} if code == "broken-year-settings" else {}
    notice = make_issue(code, raw.file, detail=detail, expected="ほかの項目は確認しました。" + expected, **reason)
    return CardSettings(config, unchecked, notice)


def _config(year: int, policies: list[Policy], divisions: list[str]) -> ReportConfig | None:
    try:
        return ReportConfig(fiscal_year=year, cover=Cover(title=UNKNOWN, prefecture=UNKNOWN, publication=UNKNOWN),
                            secretariat=UNKNOWN, first_year=year, policies=policies,
                            chapters=[Chapter(policies=[p.no for p in policies])], divisions=divisions)
    except ValidationError:  # lists an older card cannot have held (duplicates, too many policies)
        return None


def _stand_in_policies(raw: RawCard) -> list[Policy]:
    """Policies that take the card's own: each numbered one (「③…」) by its title, the others by free numbers.

    Only for reading the card: whether its policies and measures are the year's is left unchecked.
    """
    typed = [raw.values["policy"].value] if "policy" in raw.values else []
    typed += [row.cells[0].value for row in raw.blocks.get("reprint_rows", []) if row.cells]
    titles: dict[int, str] = {}
    unnumbered: list[str] = []
    for value in typed:
        text = one_line(value) if isinstance(value, str) else ""
        if text[:1] in CIRCLED and text[1:].strip(" \u3000"):
            titles.setdefault(CIRCLED.index(text[0]) + 1, text[1:].strip(" \u3000"))
        elif text and not to_half_width(text).isdigit() and text[:1] not in CIRCLED:
            unnumbered.append(text)
    free = [no for no in range(1, len(CIRCLED) + 1) if no not in titles]
    titles.update(zip(free, dict.fromkeys(t for t in unnumbered if t not in titles.values())))
    return [Policy(no=no, title=titles.get(no, UNKNOWN), measures=[UNKNOWN]) for no in range(1, len(CIRCLED) + 1)]


def _card_lists(raw: RawCard) -> tuple[list[Policy], list[str]] | None:
    """The policies with their measures and the divisions of the card's drop-down lists (None without them)."""
    lists = raw.choice_lists
    try:
        policies = []
        for no, item in enumerate(lists.get(POLICIES_LIST, []), start=1):
            title = item[1:].strip() if item[:1] == CIRCLED[no - 1] else item
            policies.append(Policy(no=no, title=title, measures=lists.get(MEASURES_OF_POLICY_LIST.format(no), [])))
    except (ValidationError, IndexError):
        return None
    divisions = lists.get(DIVISIONS_LIST, [])
    return (policies, divisions) if policies and divisions else None


def _card_year(raw: RawCard) -> int | None:
    value = raw.values.get("fiscal_year")
    try:
        year = parse_fiscal_year(value.value) if value is not None else None
    except ParseError:
        return None
    return year if year is not None and 1989 <= year <= 2100 else None


def _this_fiscal_year() -> int:
    today = datetime.date.today()
    return today.year if today.month >= 4 else today.year - 1


def input_folder_of(path: Path) -> Path | None:
    """The input folder a workbook lies in (beside config.toml, or anywhere under its cards/), if any."""
    path = Path(path).resolve()
    for folder in path.parents:
        inputs = InputFolder(folder)
        if inputs.is_input_folder and (folder == path.parent or inputs.cards in path.parents):
            return folder
    return None


def year_config(source: Path) -> ReportConfig:
    """The year's config a user points at: an input folder, a config file, or a card that carries it."""
    source = Path(source)
    if source.is_dir():
        return load_config(source)
    if not source.is_file():
        raise ConfigError(f"年度設定が見つかりません: {source}（事務局から配られた事業カード（.xlsx）、"
                          "config.toml、または config.toml のある入力フォルダを指定してください）")
    if source.suffix.lower() not in WORKBOOK_SUFFIXES:
        return load_config_file(source)
    raw = read_workbook(source, source.name, settings=True)
    if not raw.settings:
        raise ConfigError(f"{source} には年度設定が入っていません（以前の様式か、読めないブックです）。"
                          "config.toml のある入力フォルダか、今年度に事務局から配られた事業カードを指定してください。")
    return config_from_json(raw.settings, str(source))


def default_year_config() -> ReportConfig:
    """The year's config at hand: ``inputs/config.toml``, or ``config.toml`` in the current folder."""
    for folder in (Path(DEFAULT_INPUT), Path(".")):
        if InputFolder(folder).is_input_folder:
            return load_config(folder)
    raise ConfigError(f"年度設定が見つかりません（このフォルダに {DEFAULT_INPUT}/config.toml も config.toml もありません）。"
                      "--input で、事務局から配られた事業カード（.xlsx）か config.toml のある入力フォルダを指定してください"
                      "（例: reportkit template --input 事業カード.xlsx -o 新しい事業カード.xlsx）。")
