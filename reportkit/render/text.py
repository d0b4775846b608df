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
    """事業期間: years of the report's era bare (``24-26``), others with the era's initial (``S44-29``)."""
    if start is None:
        return "-" if end is None else f"-{_period_year(end, report_year)}"
    first = _period_year(start, report_year)
    if end is None:
        return f"{first}-"
    if end == start:
        return first
    return f"{first}-{_period_year(end, report_year)}"


def _period_year(year: int, report_year: int) -> str:
    _, initial, number = era(year)
    _, report_initial, _ = era(report_year)
    return str(number) if initial == report_initial else f"{initial}{number}"
