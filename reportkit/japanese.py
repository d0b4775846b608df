"""Japanese text conventions: widths, numbers, 千円, 和暦 fiscal years, ○/△ marks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .errors import ParseError

FULL_DIGITS = "０１２３４５６７８９"
_TO_HALF = str.maketrans({
    **{FULL_DIGITS[i]: str(i) for i in range(10)},
    "，": ",", "、": ",", "．": ".", "　": " ",
    "－": "-", "―": "-", "‐": "-", "−": "-", "ー": "-", "–": "-", "—": "-", "﹣": "-", "ｰ": "-",
    "＋": "+", "％": "%",
    **{chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("Ｚ") + 1)},
    **{chr(c): chr(c - 0xFEE0) for c in range(ord("ａ"), ord("ｚ") + 1)},
})
_TO_FULL_DIGITS = str.maketrans({str(i): FULL_DIGITS[i] for i in range(10)} | {",": "，"})
DASHES = {"-", "－", "―", "‐", "−", "ー", "–", "—", "ｰ", "﹣"}


def to_half_width(text: str) -> str:
    """Full-width digits, Latin letters, commas, points and minus signs to ASCII."""
    return text.translate(_TO_HALF)


def zen(number: int) -> str:
    """1237 → １，２３７ (full-width digits with ，)."""
    return f"{number:,}".translate(_TO_FULL_DIGITS)


def zen_digits(text: str) -> str:
    return str(text).translate({ord(str(i)): FULL_DIGITS[i] for i in range(10)})


def clean_text(value: object) -> str:
    """A cell's text: CR/LF unified, each line's trailing spaces and blank edge lines removed."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    lines = [line.rstrip(" \t\u3000") for line in text.split("\n")]
    while lines and not lines[0].strip(" \u3000\t"):
        lines.pop(0)
    while lines and not lines[-1].strip(" \u3000\t"):
        lines.pop()
    return "\n".join(lines).strip(" \t")


# A paragraph that opens with a bracket or an item mark: the edition sets it from the margin, where its
# other paragraphs start one character in (「青森県…指針」の…, （１）若手…, ① 医療機器…, ・輸出促進員…).
_OPENS_AT_MARGIN = re.compile(r"[「『（(【〔［]|[①-⑳・]|[0-9０-９]+[．.](?![0-9０-９])|[ア-ン][、．.]")


def opens_at_margin(paragraph: str) -> bool:
    """Whether a paragraph opens with a bracket or an item mark (and so takes no first-line indent)."""
    return bool(_OPENS_AT_MARGIN.match(paragraph.lstrip(" \u3000")))


# An item that opens with a circled number hangs its later lines under its text (「① 医療機器…」).
_HANGING_MARK = re.compile(r"[①-⑳][ \u3000]*")


def hanging_em(paragraph: str) -> float:
    """Ems of the mark a paragraph hangs its later lines under: a circled number (a full-width glyph in the
    report's fonts) and the spaces after it (½ em a half-width space); 0 for any other paragraph."""
    text = paragraph.lstrip(" \u3000")
    found = _HANGING_MARK.match(text)
    if not found or found.end() == len(text.rstrip()):
        return 0.0
    return 1 + sum(0.5 if char == " " else 1.0 for char in found.group()[1:])


def one_line(value: object) -> str:
    """A cell's text on one line, for names and codes: stray spaces and breaks removed at the edges."""
    return clean_text(value).strip(" \u3000")


def is_dash(text: str) -> bool:
    stripped = text.strip(" \u3000")
    return bool(stripped) and all(ch in DASHES for ch in stripped)


_AMOUNT_RE = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?|[-+]?\d+(\.\d+)?")


def yen_in_thousands(text: str) -> str:
    """An amount typed in 円 as the 千円 figure to enter instead: ``1,237,000円`` → ``1,237``."""
    half = to_half_width(text).replace(" ", "").removesuffix("円").lstrip("¥￥").replace(",", "")
    thousands = Decimal(half) / 1000
    whole = thousands.to_integral_value()
    return f"{int(whole):,}" if thousands == whole else f"{thousands:,.3f}".rstrip("0")


def parse_amount(value: object) -> int | None:
    """A cost in thousand yen: int, or None for 「－」. Raises ParseError for anything else.

    ``1,237千円`` is read as 1237; an amount in 円 (``1,237,000円``) raises ``amount-in-yen``.
    """
    if isinstance(value, bool):
        raise ParseError("not-a-number", str(value))
    if isinstance(value, int):
        if value < 0:
            raise ParseError("negative-amount", str(value))
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ParseError("fractional-amount", str(value))
        if value < 0:
            raise ParseError("negative-amount", str(value))
        return int(value)
    text = one_line(value)
    if not text:
        raise ParseError("missing-value")
    if is_dash(text):
        return None
    half = to_half_width(text).replace(" ", "")
    unit = re.search(r"(千円|円)$", half)
    half = half[: unit.start()] if unit else half
    yen_sign = half[:1] in ("¥", "￥")
    half = half[1:] if yen_sign else half
    if _AMOUNT_RE.fullmatch(half) is None:
        raise ParseError("not-a-number", text)
    number = Decimal(half.replace(",", ""))
    if (unit and unit.group() == "円") or (yen_sign and not unit):
        # 1,237,000円 is a cost in yen: read as 千円 it would be 1,000 times too much.
        raise ParseError("amount-in-yen", text)
    if number < 0:
        raise ParseError("negative-amount", text)
    if number != number.to_integral_value():
        raise ParseError("fractional-amount", text)
    return int(number)


@dataclass(frozen=True)
class Era:
    name: str
    initial: str
    first_year: int  # first fiscal year (西暦) of the era
    last_year: int


ERAS = (
    Era("昭和", "S", 1926, 1988),
    Era("平成", "H", 1989, 2018),
    Era("令和", "R", 2019, 2200),
)
_ERA_BY_KEY = {e.name: e for e in ERAS} | {e.initial: e for e in ERAS}


def era_of(year: int) -> Era:
    for era in ERAS:
        if era.first_year <= year <= era.last_year:
            return era
    raise ParseError("year-out-of-range", str(year))


def nendo(year: int, full_width: bool = True) -> str:
    """2013 → 平成２５年度 (令和元年度 for 2019)."""
    era = era_of(year)
    number = year - era.first_year + 1
    text = "元" if number == 1 else str(number)
    if full_width:
        text = zen_digits(text)
    return f"{era.name}{text}年度"


def era_year_number(year: int) -> int:
    era = era_of(year)
    return year - era.first_year + 1


def era_short(year: int) -> str:
    """2007 → H19, 2019 → R元, 2020 → R2: the era's initial and its year, for narrow labels."""
    number = era_year_number(year)
    return f"{era_of(year).initial}{'元' if number == 1 else number}"


def period_label(year: int, report_year: int) -> str:
    """A fiscal year as the list table prints it: bare in the report's era (24), else with the initial (S44).

    Digits throughout, 令和元年度 too (a 令和２年度 report: ``H30-1``, ``1-3``): the column is figures.
    """
    era = era_of(year)
    number = year - era.first_year + 1
    if era == era_of(report_year):
        return str(number)
    return f"{era.initial}{number}"


_YEAR_RE = re.compile(
    r"^(?:(?P<era>昭和|平成|令和|[SHRshr])\s*(?P<n>\d{1,2}|元)|(?P<western>\d{4})|(?P<bare>\d{1,2}|元))"
    r"\s*(?:年度|年)?$"
)


def parse_fiscal_year(value: object, report_year: int | None = None) -> int:
    """A fiscal year in 西暦 from 2013, 平成25年度, H25, Ｈ２５, 令和元年度, R7, S44, 昭和44 or a bare 25.

    A bare number is read in the era of ``report_year``. Raises ParseError.
    """
    import datetime as _dt

    if isinstance(value, (_dt.date, _dt.datetime)):
        raise ParseError("date-for-year", str(value)[:10])
    if isinstance(value, bool):
        raise ParseError("bad-year", str(value))
    if isinstance(value, float):
        if value != int(value):
            raise ParseError("bad-year", str(value))
        value = int(value)
    if isinstance(value, int):
        text = str(value)
    else:
        text = to_half_width(one_line(value)).replace(" ", "")
    if not text:
        raise ParseError("missing-value")
    match = _YEAR_RE.match(text)
    if not match:
        if re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.*", text):
            raise ParseError("date-for-year", text)
        raise ParseError("bad-year", text)
    if match.group("western"):
        year = int(match.group("western"))
        era_of(year)
        return year
    if match.group("era"):
        era = _ERA_BY_KEY[match.group("era").upper() if len(match.group("era")) == 1 else match.group("era")]
        number = match.group("n")
    else:
        if report_year is None:
            raise ParseError("bad-year", text)
        era = era_of(report_year)
        number = match.group("bare")
    n = 1 if number == "元" else int(number)
    if n < 1:
        raise ParseError("bad-year", text)
    year = era.first_year + n - 1
    if era.name != "令和" and year > era.last_year and match.group("era"):
        # e.g. Ｈ35: an era number past the era's end still names a year (plans written before 2019)
        return year
    return year


CIRCLES = {"○", "〇", "◯", "⭕", "O", "o", "Ｏ", "ｏ"}
TRIANGLES = {"△", "▵", "⊿"}


def parse_mark(value: object, allowed: str) -> str:
    """A ○/△/◎/・ mark normalised; ``allowed`` lists the marks the field takes. Raises ParseError."""
    if value is None:
        return ""
    if value is True:
        return "○" if "○" in allowed else ""
    text = one_line(value)
    if not text:
        return ""
    if text in CIRCLES and "○" in allowed:
        return "○"
    if text in TRIANGLES and "△" in allowed:
        return "△"
    if text in {"◎"} and "◎" in allowed:
        return "◎"
    if text in {"・", "･", "·", "•"} and "・" in allowed:
        return "・"
    raise ParseError("bad-mark", text)


_QUANTITY_RE = re.compile(r"(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?P<unit>[^\d\s,.()（）]+)?")


def quantities(value: str) -> list[tuple[int, str]] | None:
    """Numbers with units in a results value, one per line (``161件`` / ``3,772,450千円``).

    Returns None when a line is not exactly one quantity (text, ranges, several numbers).
    """
    result = []
    for line in clean_text(value).split("\n"):
        half = to_half_width(line).replace(" ", "")
        if not half:
            continue
        match = re.fullmatch(r"(?:延べ|延)?(\d{1,3}(?:,\d{3})+|\d+)([^\d,.]{1,4})", half)
        if not match:
            return None
        result.append((int(match.group(1).replace(",", "")), match.group(2)))
    return result or None


def display_width(text: str) -> int:
    """Columns the text takes: 2 for East Asian wide and full-width characters, 1 otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def normalise_policy(value: object, titles: list[str]) -> int:
    """A policy number from 1–8, ①–⑧, ① followed by the title, or the title text. Raises ParseError."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if number == value and 1 <= number <= len(titles):
            return number
        raise ParseError("unknown-policy", str(value))
    text = one_line(value)
    if not text:
        raise ParseError("missing-value")
    circled = "①②③④⑤⑥⑦⑧⑨⑩"
    if text[0] in circled:
        number = circled.index(text[0]) + 1
        rest = text[1:].strip(" \u3000")
        if number <= len(titles) and (not rest or rest == titles[number - 1]):
            return number
        raise ParseError("unknown-policy", text)
    half = to_half_width(text)
    if half.isdigit() and 1 <= int(half) <= len(titles):
        return int(half)
    squeezed = text.replace(" ", "").replace("\u3000", "")
    for index, title in enumerate(titles, start=1):
        if squeezed == title.replace(" ", "").replace("\u3000", ""):
            return index
    raise ParseError("unknown-policy", text)


# -- 和暦 conventions shared by the rules, rollover and diff ---------------------------------------

# The month each era began in (its first year is in ERAS): 昭和 December 1926, 平成 January 1989,
# 令和 May 2019 (a date needs it; a fiscal year does not).
ERA_FIRST_MONTH = {"昭和": 12, "平成": 1, "令和": 5}


def era_year(era: str, number: int | str) -> int:
    """The 西暦 year of year ``number`` (a number or ``元``) of ``era`` (a name or an initial): (平成, 25) → 2013."""
    return _ERA_BY_KEY[era].first_year + (1 if number == "元" else int(number)) - 1


def nendo_or_western(year: int, full_width: bool = True, western_suffix: str = "") -> str:
    """``nendo(year)``; for a year no era covers, the 西暦 year followed by ``western_suffix`` (e.g. 年度)."""
    try:
        return nendo(year, full_width=full_width)
    except ParseError:
        return f"{year}{western_suffix}"


def era_for_month(year: int, month: int) -> Era:
    """The era of a calendar month (令和 from May 2019, 平成 from January 1989); ParseError before 昭和."""
    for era in reversed(ERAS):
        if (year, month) >= (era.first_year, ERA_FIRST_MONTH[era.name]):
            return era
    raise ParseError("year-out-of-range", f"{year}-{month}")
