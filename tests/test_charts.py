"""The charts are native Word charts: the figures read back from the chart part are the report's."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

from lxml import etree

from reportkit.report.build import build_report
from reportkit.japanese import era_short
from reportkit.render import charts
from reportkit.report.printed import short_nendo

ROOT = Path(__file__).resolve().parents[1]
C = {"c": charts.C_NS}


def _report(first: int, last: int) -> SimpleNamespace:
    years = [SimpleNamespace(year=y, count=100 + (y * 7) % 50, amount=1_000_000 + y * 12_345) for y in range(first, last + 1)]
    return SimpleNamespace(years=years)


def test_the_trend_chart_carries_the_multi_year_figures_and_the_edition_labels():
    report = _report(2007, 2013)
    (bars, bar_labels, amounts), (line, line_labels, counts) = charts.chart_values(charts.trend_chart(report).xml)
    assert (bars, line) == ("事業費（億円）", "事業数（件）")
    assert bar_labels == line_labels == [short_nendo(c.year) for c in report.years] == ["１９年度", "２０年度", "２１年度",
                                                                                          "２２年度", "２３年度", "２４年度", "２５年度"]
    assert amounts == [c.amount / 100_000 for c in report.years]
    assert counts == [c.count for c in report.years]


def test_8_to_12_years_set_the_year_over_nendo_never_a_label_broken_inside_a_word():
    """Past 7 years a category is too narrow for 「２５年度」 on one line, which the chart would wrap as
    「２５年／度」: the number stands over 「年度」; past 12 the labels turn on end (era initials)."""
    for first, last in ((2006, 2013), (2002, 2013)):
        [(_, labels, _), _] = charts.chart_values(charts.trend_chart(_report(first, last)).xml)
        assert labels == [short_nendo(y).replace("年度", "\n年度") for y in range(first, last + 1)]
    [(_, labels, _), _] = charts.chart_values(charts.trend_chart(_report(2013, 2026)).xml)
    assert labels == [era_short(y) for y in range(2013, 2027)]


def test_24_years_are_labelled_by_era_initials_on_end():
    report = _report(2007, 2030)
    chart = charts.trend_chart(report)
    [(_, labels, _), (_, _, counts)] = charts.chart_values(chart.xml)
    assert labels == [era_short(y) for y in range(2007, 2031)]
    assert labels[0] == "H19" and labels[12] == "R元" and labels[13] == "R2" and labels[-1] == "R12"
    assert counts == [c.count for c in report.years]
    root = etree.fromstring(chart.xml)
    shown = [ax for ax in root.iterfind(".//c:catAx", C) if ax.find("c:delete", C).get("val") == "0"]
    assert shown[0].find("c:txPr/a:bodyPr", {**C, "a": charts.A_NS}).get("rot") == "-5400000"


def test_the_count_axis_leaves_room_above_the_highest_count():
    report = _report(2007, 2013)
    root = etree.fromstring(charts.trend_chart(report).xml)
    right = next(ax for ax in root.iterfind(".//c:valAx", C) if ax.find("c:axPos", C).get("val") == "r")
    assert float(right.find("c:scaling/c:max", C).get("val")) >= max(c.count for c in report.years) * 1.25


def test_a_statistics_line_chart_reads_back_with_gaps_kept():
    chart = charts.line_chart("テスト", ["22", "23", "24"], {"件数": [1.0, None, 2.5], "人数": [3.0, 4.0, 5.0]})
    assert charts.chart_values(chart.xml) == [("件数", ["22", "23", "24"], [1.0, None, 2.5]),
                                              ("人数", ["22", "23", "24"], [3.0, 4.0, 5.0])]


def test_the_same_figures_give_the_same_bytes():
    assert charts.trend_chart(_report(2007, 2013)).xml == charts.trend_chart(_report(2007, 2013)).xml


def test_the_sample_report_holds_its_chart_as_a_chart_part_with_the_figures_of_report_json(tmp_path):
    build_report(ROOT / "inputs", tmp_path, page_numbers=False)
    with zipfile.ZipFile(tmp_path / "report.docx") as package:
        names = package.namelist()
        chart_xml = package.read("word/charts/chart1.xml")
        document = package.read("word/document.xml").decode("utf-8")
        types = package.read("[Content_Types].xml").decode("utf-8")
    assert not [n for n in names if n.startswith("word/media/")]  # no picture any more
    assert 'PartName="/word/charts/chart1.xml" ContentType="' + charts.CHART_CONTENT_TYPE in types
    years = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["years"]
    (_, labels, amounts), (_, _, counts) = charts.chart_values(chart_xml)
    assert labels == [short_nendo(y["year"]) for y in years]
    assert amounts == [y["amount"] / 100_000 for y in years]
    assert counts == [y["count"] for y in years]
    cy = round(charts.WIDTH_MM * 3.4 / 6.2 * charts.EMU_PER_MM)
    assert f'<wp:extent cx="{round(charts.WIDTH_MM * charts.EMU_PER_MM)}" cy="{cy}"/>' in document
