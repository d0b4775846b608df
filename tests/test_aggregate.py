"""aggregate(): subtotals, reprints, lump reprints, multi-year table, new projects, document order."""

from __future__ import annotations

from pathlib import Path

import pytest

import seed_sample
from builders_report import card, cards, config, multi_year
from reportkit.aggregate import aggregate, parse_multi_year
from reportkit.config import ReprintPlacement, load_config
from reportkit.model import Reprint


def test_reprint_counts_only_in_subtotal_with_reprints():
    report = aggregate(config(), cards(), multi_year())
    second = report.policy(2)
    assert second.count == 3  # B01-B03; the reprint of A03 is not counted
    assert second.subtotal == 2000 + 700 + 800
    assert second.subtotal_with_reprints == second.subtotal + 5000
    assert report.total.count == 11
    assert report.total.amount == sum(p.subtotal for p in report.policies)


def test_policy_without_reprints_has_no_subtotal_with_reprints():
    report = aggregate(config(), cards(), multi_year())
    assert report.policy(4).subtotal_with_reprints is None


def test_none_cost_counts_the_project_but_adds_nothing():
    report = aggregate(config(), cards(), multi_year())
    first = report.policy(1)
    assert first.count == 4
    assert first.subtotal == 1237 + 5000 + 300
    assert first.subtotal_with_reprints == first.subtotal + 200  # C02 reprinted into ①


def test_lump_reprint_adds_the_whole_policy_subtotal_as_one_line():
    report = aggregate(config(), cards(), multi_year())
    third = report.policy(3)
    assert [(l.label, l.amount) for l in third.lump_lines] == [("④の各事業(再掲）", 3000)]
    assert third.subtotal == 300
    assert third.subtotal_with_reprints == 300 + 3000


def test_rows_follow_measure_order_then_given_order():
    report = aggregate(config(), cards(), multi_year())
    first = report.policy(1)
    assert [g.measure for g in first.measures] == ["人材育成", "若年者支援"]
    assert [r.card.project_id for r in first.measures[0].rows] == ["A01", "A02", "A04"]
    assert [(r.card.project_id, r.is_reprint) for r in first.measures[1].rows] == [("A03", False), ("C02", True)]
    assert first.measures[1].rows[1].name == "事業C02（再掲）"


def test_reprint_placement_puts_the_copy_after_the_named_row():
    base = [card("X1", 2, "商店街", 1), card("X2", 2, "商店街", 2), card("X3", 2, "商店街", 3),
            card("Y1", 1, "人材育成", 10, reprints=[Reprint(policy=2, measure="商店街")])]
    placed = config(reprint_placements=[ReprintPlacement(project_id="Y1", into_policy=2, after="X1")])
    rows = aggregate(placed, base, []).policy(2).measures[0].rows
    assert [r.card.project_id for r in rows] == ["X1", "Y1", "X2", "X3"]
    rows = aggregate(config(), base, []).policy(2).measures[0].rows
    assert [r.card.project_id for r in rows] == ["X1", "X2", "X3", "Y1"]


def test_document_order_is_chapters_then_list_table_rows():
    report = aggregate(config(), cards(), multi_year())
    order = [(r.card.project_id, r.host_policy) for r in report.rows]
    assert order[:5] == [("A01", 1), ("A02", 1), ("A04", 1), ("A03", 1), ("C02", 1)]
    assert [c.policies for c in report.chapters] == [[1], [2], [3, 4]]
    assert order[-2:] == [("D01", 4), ("D02", 4)]
    assert len(report.rows) == 11 + 2
    assert len({r.bookmark for r in report.rows}) == len(report.rows)


def test_multi_year_table_ends_with_this_year_from_the_cards():
    report = aggregate(config(), cards(), multi_year())
    assert [c.year for c in report.years] == [2011, 2012, 2013]
    assert report.years[0].cells[2].count == 5
    assert report.years[-1].count == report.total.count
    assert report.years[-1].amount == report.total.amount


def test_new_projects_featured_first_grouped_by_chapter():
    report = aggregate(config(), cards(), multi_year())
    groups = [(g.policies, [(p.row.card.project_id, p.featured) for p in g.projects]) for g in report.new_projects]
    assert groups == [([1], [("A03", True), ("A04", False)]), ([3, 4], [("D01", False)])]


def test_parse_multi_year():
    figures = parse_multi_year("year,policy,count,amount\n2007,1,32,291625\n")
    assert (figures[0].year, figures[0].policy, figures[0].count, figures[0].amount) == (2007, 1, 32, 291625)


@pytest.mark.skipif(not seed_sample.available(), reason="tools/sample/*.json not present")
def test_seed_sample_reproduces_the_printed_figures():
    root = Path(__file__).resolve().parents[1]
    cfg, seed_cards, expected = seed_sample.build(load_config(root / "inputs"))
    report = aggregate(cfg, seed_cards, parse_multi_year((root / "inputs" / "multi_year.csv").read_text("utf-8")))
    printed = {1: (24, 1251579, None), 2: (23, 1957276, 1961524), 3: (10, 37851207, None),
               4: (22, 205753, 212544), 5: (20, 227499, 339863), 6: (7, 40831, 98720),
               7: (7, 26158, None), 8: (6, 49422, None)}
    assert {p.no: (p.count, p.subtotal, p.subtotal_with_reprints) for p in report.policies} == printed
    assert (report.total.count, report.total.amount) == (119, 41609725)
    pages = [expected[row.bookmark] for row in report.rows]
    assert pages == sorted(pages) and len(pages) == 130
