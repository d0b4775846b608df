"""How numbers, years and periods are printed in the report (Japanese conventions)."""

from __future__ import annotations

_FULL = str.maketrans("0123456789,-", "０１２３４５６７８９，－")

# (first Gregorian year, era name, initial); the fiscal year takes the era of its April.
ERAS = ((2019, "令和", "R"), (1989, "平成", "H"), (1926, "昭和", "S"), (1912, "大正", "T"))


def full_width(text: object) -> str:
    """Half-width digits, comma and minus to full width (１，２３７)."""
    return str(text).translate(_FULL)


def zen(value: int | None) -> str:
    """An integer in full-width digits with ， every three digits; － for none."""
    if value is None:
        return "－"
    return full_width(f"{value:,}")


def amount(value: int | None) -> str:
    """A list-table amount: half-width with commas, ``-`` for none."""
    return "-" if value is None else f"{value:,}"


def era(year: int) -> tuple[str, str, int]:
    for start, name, initial in ERAS:
        if year >= start:
            return name, initial, year - start + 1
    raise ValueError(f"年 {year} の元号がわかりません")


def nendo(year: int) -> str:
    """2013 → 平成２５年度 (元年度 for the first year of an era)."""
    name, _, number = era(year)
    return f"{name}{'元' if number == 1 else full_width(number)}年度"


def short_nendo(year: int) -> str:
    """2013 → ２５年度 (the column headings of the multi-year table)."""
    _, _, number = era(year)
    return f"{'元' if number == 1 else full_width(number)}年度"


def era_year(year: int) -> int:
    return era(year)[2]


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
        last = _FULL_INITIAL.get(era(report_year)[1], era(report_year)[1]) + last
    return f"{first}-{last}"


_FULL_INITIAL = {"R": "Ｒ", "H": "Ｈ", "S": "Ｓ", "T": "Ｔ"}


def _after_era(year: int, report_year: int) -> bool:
    """True when ``year`` falls in an era that began after the report's year."""
    return era(year)[1] != era(report_year)[1] and year > report_year


def _period_year(year: int, report_year: int) -> str:
    if _after_era(year, report_year):
        return str(year - _era_start(report_year) + 1)  # 2023 in a 平成 report → 35
    _, initial, number = era(year)
    _, report_initial, _ = era(report_year)
    return str(number) if initial == report_initial else f"{initial}{number}"


def _era_start(year: int) -> int:
    for start, _, _ in ERAS:
        if year >= start:
            return start
    raise ValueError(f"年 {year} の元号がわかりません")
