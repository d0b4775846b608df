"""How the printed report writes numbers, years and periods (the render package and the narratives' filters).

The Japanese conventions themselves (eras, 年度, full-width digits) are ``reportkit.japanese``'s,
shared with the reader; this module keeps only what is particular to printing: ``－`` for no
amount on a card, the list table's half-width amounts, the short 年度 of column heads, and the
edition's 事業期間 rule for years past the end of the report's era.
"""

from __future__ import annotations

from ..japanese import era_of, era_year_number, nendo, period_label, zen_digits
from ..japanese import zen as _zen

__all__ = ["amount", "full_width", "nendo", "period", "short_nendo", "year_heads", "zen"]

_FULL_SIGNS = str.maketrans({",": "，", "-": "－"})


def full_width(text: object) -> str:
    """Half-width digits, comma and minus to full width (１，２３７, 表４－１)."""
    return zen_digits(str(text)).translate(_FULL_SIGNS)


def zen(value: int | None) -> str:
    """A card's amount: full-width digits with ， every three digits; － for none."""
    if value is None:
        return "－"
    return _zen(value).translate(_FULL_SIGNS)


def amount(value: int | None) -> str:
    """A list-table amount: half-width with commas, ``-`` for none."""
    return "-" if value is None else f"{value:,}"


def short_nendo(year: int) -> str:
    """2013 → ２５年度 (the column headings of the multi-year table and the trend chart)."""
    number = era_year_number(year)
    return f"{'元' if number == 1 else zen_digits(str(number))}年度"


def year_heads(years: list[int], span: list[int]) -> list[str]:
    """Column heads of a block of ``years`` of a table over the years ``span``.

    Within one era the heads are bare (``１９年度``, as the edition prints them). A span across
    eras names the era above the first year of each era and of each block, so that a reader of any
    block knows the era: ``平成\n３０年度``, ``令和\n元年度``, ``２年度`` ….
    """
    several = len({era_of(year) for year in span}) > 1
    heads = []
    for index, year in enumerate(years):
        head = short_nendo(year)
        if several and (index == 0 or era_of(year) != era_of(years[index - 1])):
            head = f"{era_of(year).name}\n{head}"
        heads.append(head)
    return heads


def period(start: int | None, end: int | None, report_year: int) -> str:
    """事業期間: years of the report's era bare (``24-26``), others with the era's initial (``S44-29``).

    A year after the report's era ended (a plan written before the next era was known, e.g. a
    平成25年度 plan ending in 2023) is counted on in the report's era, as the edition printed it:
    bare after a start in the same era (``23-38``), with the era's full-width initial after a
    start in an earlier era (近代化診断事業 ``S43-Ｈ35``).
    """
    if start is None:
        return "-" if end is None else f"-{_period_year(end, report_year)}"
    first = _period_year(start, report_year)
    if end is None:
        return f"{first}-"
    if end == start:
        return first
    last = _period_year(end, report_year)
    if _after_era(end, report_year) and not first[0].isdigit():
        last = _full_initial(era_of(report_year).initial) + last
    return f"{first}-{last}"


def _full_initial(initial: str) -> str:
    """H → Ｈ."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in initial)


def _after_era(year: int, report_year: int) -> bool:
    """True when ``year`` falls in an era that began after the report's year."""
    return year > report_year and era_of(year) != era_of(report_year)


def _period_year(year: int, report_year: int) -> str:
    if _after_era(year, report_year):
        return str(year - era_of(report_year).first_year + 1)  # 2023 in a 平成 report → 35
    return period_label(year, report_year)
