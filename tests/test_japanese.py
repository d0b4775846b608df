"""Japanese text conventions: widths, amounts, 和暦 fiscal years, marks, quantities."""

from __future__ import annotations

import pytest

from reportkit.errors import ParseError
from reportkit.japanese import (clean_text, display_width, is_dash, nendo, parse_amount,
                                parse_fiscal_year, parse_mark, period_label, quantities, to_half_width, zen)


def test_full_width_digits_letters_and_commas_become_ascii():
    assert to_half_width("１，２３７ＡＢｃ－") == "1,237ABc-"


@pytest.mark.parametrize("value, amount", [
    ("１，２３７", 1237), ("1,237", 1237), (1237, 1237), (1237.0, 1237), ("1237千円", 1237), (" ８６５ ", 865),
    ("０", 0), ("－", None), ("-", None), ("―", None), ("ー", None), ("‐", None),
])
def test_parse_amount(value, amount):
    assert parse_amount(value) == amount


@pytest.mark.parametrize("value, code", [
    ("", "missing-value"), (None, "missing-value"), ("約200", "not-a-number"), ("-5", "negative-amount"),
    (12.5, "fractional-amount"), ("1,23", "not-a-number"), (True, "not-a-number"),
    # an amount in 円 is never read as 千円 (it would be 1,000 times too much)
    ("￥1,237,000", "amount-in-yen"), ("¥1,237,000", "amount-in-yen"), ("１，２３７，０００円", "amount-in-yen"),
])
def test_parse_amount_rejects(value, code):
    with pytest.raises(ParseError) as caught:
        parse_amount(value)
    assert caught.value.code == code


@pytest.mark.parametrize("value, year", [
    (2013, 2013), ("2013", 2013), ("２０１３", 2013), ("平成25年度", 2013), ("平成２５年度", 2013), ("H25", 2013),
    ("Ｈ２５", 2013), ("h25", 2013), ("令和元年度", 2019), ("平成元年度", 1989), ("R7", 2025), ("令和7年度", 2025),
    ("S44", 1969), ("昭和44", 1969), ("昭和４４年度", 1969), ("25", 2013), ("２５年度", 2013), ("元", 1989),
])
def test_parse_fiscal_year(value, year):
    assert parse_fiscal_year(value, report_year=2013) == year


def test_bare_year_is_read_in_the_report_years_era():
    assert parse_fiscal_year("7", report_year=2025) == 2025
    with pytest.raises(ParseError):
        parse_fiscal_year("25")


@pytest.mark.parametrize("value, code", [("平成", "bad-year"), ("2013/4/1", "date-for-year"), ("来年", "bad-year")])
def test_parse_fiscal_year_rejects(value, code):
    with pytest.raises(ParseError) as caught:
        parse_fiscal_year(value, report_year=2013)
    assert caught.value.code == code


@pytest.mark.parametrize("year, text", [(2013, "平成２５年度"), (2019, "令和元年度"), (1989, "平成元年度"), (1969, "昭和４４年度")])
def test_nendo(year, text):
    assert nendo(year) == text


def test_period_label_bare_in_the_report_era_else_with_initial():
    assert period_label(2012, 2013) == "24"
    assert period_label(1969, 2013) == "S44"


@pytest.mark.parametrize("value, mark", [
    ("○", "○"), ("〇", "○"), ("◯", "○"), ("Ｏ", "○"), ("o", "○"), (True, "○"), (None, ""), ("　", ""),
    ("△", "△"), ("▵", "△"), ("◎", "◎"), ("・", "・"), ("･", "・"),
])
def test_parse_mark_variants(value, mark):
    assert parse_mark(value, "○△◎・") == mark


def test_parse_mark_rejects_other_marks():
    with pytest.raises(ParseError):
        parse_mark("×", "○")
    with pytest.raises(ParseError):
        parse_mark("△", "○")


def test_quantities_line_by_line():
    assert quantities("161件\n3,772,450千円") == [(161, "件"), (3772450, "千円")]
    assert quantities("１４６件\n２，９３６，５００千円") == [(146, "件"), (2936500, "千円")]
    assert quantities("延べ１１７名") == [(117, "名")]
    assert quantities("県内１回、県外１回") is None
    assert quantities("") is None


def test_widths_and_dashes():
    assert display_width("ＡＢ12あ") == 8
    assert is_dash("－") and is_dash(" ― ") and not is_dash("1-2")
    assert zen(1237) == "１，２３７"


def test_clean_text_unifies_line_breaks_and_trims():
    assert clean_text("  一行目\r\n二行目　\r\n\n") == "一行目\n二行目"


@pytest.mark.parametrize("era, number, year", [("平成", 25, 2013), ("H", "25", 2013), ("令和", "元", 2019),
                                               ("S", 44, 1969)])
def test_era_year_reads_names_and_initials(era, number, year):
    from reportkit.japanese import era_year

    assert era_year(era, number) == year


def test_nendo_or_western_falls_back_to_the_western_year():
    from reportkit.japanese import nendo_or_western

    assert nendo_or_western(2013) == "平成２５年度"
    assert nendo_or_western(2013, full_width=False) == "平成25年度"
    assert nendo_or_western(1900) == "1900" and nendo_or_western(1900, western_suffix="年度") == "1900年度"


@pytest.mark.parametrize("year, month, era", [(2019, 4, "平成"), (2019, 5, "令和"), (1989, 1, "平成"),
                                              (1926, 12, "昭和"), (1988, 12, "昭和")])
def test_era_for_month_changes_in_the_month_the_era_began(year, month, era):
    from reportkit.japanese import era_for_month

    assert era_for_month(year, month).name == era
