"""aggregate(): subtotals, reprints, lump reprints, multi-year table, new projects, document order."""

from __future__ import annotations

from pathlib import Path

import pytest

import seed_sample
from builders_report import card, cards, config, multi_year
from reportkit.report.aggregate import aggregate, parse_multi_year
from reportkit.collect.expected import ExpectedProject
from reportkit.inputs.config import Placement, ReprintPlacement, load_config
from reportkit.model import HistoryEntry, Reprint


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


def test_rows_follow_measure_order_then_project_id():
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


def _first_measure(report) -> list[str]:
    return [r.card.project_id for r in report.policy(1).measures[0].rows]


def _listed(*places: tuple[str, int, str]) -> list[ExpectedProject]:
    """Last year's projects in last year's order, as expected.json records them."""
    return [ExpectedProject(project_id=pid, name=f"事業{pid}", division="商工政策課", policy=no, measure=measure)
            for pid, no, measure in places]


def test_the_order_cards_are_given_in_does_not_matter():
    given = aggregate(config(), cards(), multi_year())
    reversed_ = aggregate(config(), cards()[::-1], multi_year())
    assert [(r.card.project_id, r.host_policy, r.is_reprint) for r in reversed_.rows] == \
        [(r.card.project_id, r.host_policy, r.is_reprint) for r in given.rows]


def test_continuing_projects_keep_last_years_order_and_the_others_follow_by_project_id():
    previous = _listed(("A04", 1, "人材育成"), ("A03", 1, "人材育成"), ("A02", 1, "人材育成"), ("A01", 1, "人材育成"))
    extra = [card("A00", 1, "人材育成", 10)]  # new this year, its 管理番号 first
    report = aggregate(config(), cards() + extra, multi_year(), previous=previous)
    assert _first_measure(report) == ["A04", "A02", "A01", "A00"]
    # A03 stood in 人材育成 last year and is in 若年者支援 now: it goes to the end of its new measure
    assert [r.card.project_id for r in report.policy(1).measures[1].rows if not r.is_reprint] == ["A03"]
    # renamed under a new 管理番号 (事業名変更 in 事業の経緯): still last year's A02
    renamed = card("X02", 1, "人材育成", 10, project_name="新事業名",
                   history=[HistoryEntry(year="平成２６年度", event="事業名変更", former_name="事業 A02")])
    rest = [c for c in cards() if c.project_id != "A02"]
    assert _first_measure(aggregate(config(), rest + [renamed], multi_year(), previous=previous)) == ["A04", "X02", "A01"]
    # an expected.json written before places were recorded (no policy) still gives the order
    older = [ExpectedProject(project_id=p.project_id, name=p.name, division=p.division) for p in previous]
    assert _first_measure(aggregate(config(), cards(), multi_year(), previous=older)) == ["A04", "A02", "A01"]


def test_placements_put_projects_where_the_secretariat_says_in_the_order_written():
    placed = config(placements=[Placement(project_id="A04", after=""), Placement(project_id="A02", after="A04"),
                                Placement(project_id="A01", after="A04"), Placement(project_id="ZZ9", after="A01"),
                                Placement(project_id="B02", after="A01")])
    report = aggregate(placed, cards(), multi_year())
    assert _first_measure(report) == ["A04", "A02", "A01"]
    assert [r.card.project_id for r in report.policy(2).measures[0].rows] == ["B02", "B03"]  # not followed
    assert report.warnings == [
        "config.toml の placements: 管理番号「ZZ9」のカードがないため、この指定は使いませんでした。",
        "config.toml の placements: 「A01」は B02 と同じ施策（経営支援）の事業にないため、B02 の位置の指定は使いませんでした。"]


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


def _joint_cards():
    """A project two divisions carry out: one part named with its division, the other with the name alone;
    a third card of the other division, reprinted; and two lookalikes that are not joint projects."""
    return [
        card("J01", 1, "人材育成", 25387, project_name="低炭素型ものづくり産業振興事業（地域産業課事業分）",
             department="地域産業課"),
        card("J02", 2, "経営支援", 17176, project_name="低炭素型ものづくり産業振興事業", department="商工政策課",
             reprints=[Reprint(policy=3, measure="商談会")]),
        card("K01", 1, "人材育成", 100, project_name="販路開拓事業（商工政策課事業分）", department="商工政策課"),
        card("K02", 2, "経営支援", 200, project_name="販路開拓事業", department="商工政策課"),
        card("L01", 3, "商談会", 300, project_name="商談会事業", department="地域産業課"),
    ]


def test_a_joint_project_s_parts_are_listed_with_their_division_and_partner():
    report = aggregate(config(), _joint_cards(), multi_year())
    listed = {(row.card.project_id, row.is_reprint): (row.name, row.department)
              for policy in report.policies for row in policy.rows}
    assert listed[("J01", False)] == ("低炭素型ものづくり産業振興事業（地域産業課事業分）", "地域産業課（商工政策課との連携）")
    assert listed[("J02", False)] == ("低炭素型ものづくり産業振興事業（商工政策課事業分）", "商工政策課（地域産業課との連携）")
    assert listed[("J02", True)] == ("低炭素型ものづくり産業振興事業（商工政策課事業分）（再掲）",
                                     "商工政策課（地域産業課との連携）")
    # one division's two cards are not a joint project, nor is a name no other card shares
    assert listed[("K01", False)] == ("販路開拓事業（商工政策課事業分）", "商工政策課")
    assert listed[("K02", False)] == ("販路開拓事業", "商工政策課")
    assert listed[("L01", False)] == ("商談会事業", "地域産業課")
    # the card itself keeps the name its division gave it
    j02 = next(row for policy in report.policies for row in policy.rows if row.card.project_id == "J02")
    assert j02.card_name == "低炭素型ものづくり産業振興事業"


def test_a_project_of_three_divisions_names_both_partners_in_report_order():
    from reportkit.report.aggregate import joint_parts
    parts = [card("P1", 1, "人材育成", 1, project_name="連携事業（商工政策課事業分）", department="商工政策課"),
             card("P2", 1, "人材育成", 1, project_name="連携事業（地域産業課事業分）", department="地域産業課"),
             card("P3", 1, "人材育成", 1, project_name="連携事業", department="労政・能力開発課")]
    found = joint_parts(parts)
    assert found["P1"].department == "商工政策課（地域産業課、労政・能力開発課との連携）"
    assert found["P3"].name == "連携事業（労政・能力開発課事業分）"
    assert joint_parts(list(reversed(parts)))["P1"].department == "商工政策課（労政・能力開発課、地域産業課との連携）"
