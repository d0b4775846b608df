"""The years after the sample: the sample rolled forward year by year to 令和２年度, built and read back.

Each year ``rollover`` makes the next input folder; the test then does what the secretariat and the
clerks do: drops some ended projects, extends others, re-enters every cost and results value through
the workbooks' defined names, adds one new project, and validates. The final year (fiscal 2020) is
built with LibreOffice and checked against figures the test computes from what it entered.

Rolling all 119 workbooks seven times takes minutes (writing a workbook costs ~0.1 s), so the
default roll takes every fourth workbook of the sample (all eight policies, 30 projects) plus the
平成24–令和3 project; ``REPORTKIT_ROLL_ALL=1`` rolls the whole sample.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from reportkit.report.aggregate import YearCell, YearColumn, aggregate, parse_multi_year
from reportkit.inputs.config import load_config
from reportkit.japanese import nendo
from reportkit.libreoffice.pages import bookmark_pages
from reportkit.render.estimate import figure_width_pt
from reportkit.render.tables import (CELL_MARGIN, MM, figures_pt, YEAR_EM, _titles, policy_mm, year_blocks,
                                     year_need_mm)
from reportkit.checks.validate import validate_folder

from later_years_helpers import BOUNDARY_PROJECT, FINAL, FIRST, Rolled
from yoy_helpers import INPUTS


@pytest.fixture()
def rolled(later_years) -> Rolled:
    """The rolled years (the session fixture ``later_years``, conftest.py)."""
    return later_years


@pytest.fixture()
def built(later_years_built) -> Path:
    """The final year built with LibreOffice (the session fixture ``later_years_built``)."""
    return later_years_built


def _expected_years(rolled: Rolled) -> list[tuple[int, dict[int, tuple[int, int]]]]:
    """(year, policy → (count, amount)) for 平成19年度 … the final year: the CSV's past, then the ledger."""
    rows: dict[int, dict[int, tuple[int, int]]] = {}
    for row in csv.DictReader((INPUTS / "multi_year.csv").open(encoding="utf-8-sig")):
        if int(row["year"]) < FIRST:
            rows.setdefault(int(row["year"]), {})[int(row["policy"])] = (int(row["count"]), int(row["amount"]))
    for year, projects in rolled.ledger.items():
        cells: dict[int, tuple[int, int]] = {}
        for policy, cost in projects.values():
            count, amount = cells.get(policy, (0, 0))
            cells[policy] = (count + 1, amount + (cost or 0))
        rows[year] = cells
    return sorted(rows.items())


# -- every year -----------------------------------------------------------------------------------

def test_every_rolled_year_validates_without_errors(rolled):
    for year, folder in rolled.folders.items():
        result = validate_folder(folder)
        errors = [(i.file, i.cell, i.code) for i in result.issues if i.severity == "error"]
        assert errors == [], year
        assert {s.card.project_id for s in result.cards} == set(rolled.ledger[year]), year
        assert all(s.card.fiscal_year == year for s in result.cards)


def test_each_year_drops_some_ended_projects_extends_others_and_adds_one(rolled):
    for year in range(FIRST + 1, FINAL + 1):
        before, after = set(rolled.ledger[year - 1]), set(rolled.ledger[year])
        assert after - before == {f"NEW-{year}"}
    assert len(set(rolled.ledger[FIRST]) - set(rolled.ledger[FINAL])) > 0  # dropped over the years
    extended = [pid for pid, (start, end) in rolled.periods.items() if not pid.startswith("NEW") and end]
    assert extended


def test_multi_year_csv_carries_every_rolled_year(rolled):
    figures = parse_multi_year((rolled.folders[FINAL] / "multi_year.csv").read_text(encoding="utf-8"))
    expected = {(year, policy): cell for year, cells in _expected_years(rolled) if year < FINAL
                for policy, cell in cells.items()}
    assert {(f.year, f.policy): (f.count, f.amount) for f in figures if (f.year, f.policy) in expected} == expected


# -- the final year's report --------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_subtotals_and_total_equal_the_figures_entered(rolled, built):
    data = json.loads((built / "report.json").read_text(encoding="utf-8"))
    assert data["fiscal_year"] == FINAL
    final = dict(_expected_years(rolled))[FINAL]
    for policy in data["policies"]:
        count, amount = final.get(policy["no"], (0, 0))
        assert (policy["count"], policy["subtotal"]) == (count, amount), policy["no"]
    assert data["total"] == {"count": len(rolled.ledger[FINAL]),
                             "amount": sum(cost or 0 for _, cost in rolled.ledger[FINAL].values())}
    assert [(y["year"], y["amount"]) for y in data["years"]] == [
        (year, sum(a for _, a in cells.values())) for year, cells in _expected_years(rolled)]


@pytest.mark.libreoffice
def test_every_card_takes_one_page_on_the_page_the_list_table_prints(rolled, built):
    doc = Document(str(built / "report.docx"))
    table = next(t for t in doc.tables if len(t.columns) == 10)
    listed = {}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if cells[9].isdigit():
            name = cells[1].replace("\n", "").removesuffix("（再掲）")  # a reprint row names its card's page too
            listed.setdefault(name, []).append(int(cells[9]))
    data = json.loads((built / "report.json").read_text(encoding="utf-8"))
    reader = PdfReader(str(built / "report.pdf"))
    physical = bookmark_pages(built / "report.pdf")
    offset = physical["rkh001"] - 1  # はじめに is page 1; the cover and 目次 are unnumbered
    header = f"{nendo(FINAL)}に実施した中小企業振興施策"
    card_pages = []
    for project in data["projects"]:
        pages = sorted([project["page"]] + [r["page"] for r in project["reprints"]])
        assert sorted(listed[project["name"].replace("\n", "")]) == pages, project["name"]
        for page in pages:
            text = "".join(reader.pages[page + offset - 1].extract_text().split())
            assert text.startswith(header), project["name"]
            assert text.count(header) == 1
            assert "".join(project["name"].split())[:6] in text
            assert "担当課・グループ" in text, f"{project['name']} overflows its page"
            card_pages.append(page)
    assert len(card_pages) == len(set(card_pages))


@pytest.mark.libreoffice
def test_every_figure_of_the_multi_year_table_is_printed_whole(rolled, built):
    reader = PdfReader(str(built / "report.pdf"))
    texts = [page.extract_text() for page in reader.pages[:12]]
    first = next(i for i, t in enumerate(texts) if "基本方針別・年度別" in t)
    last = next(i for i in range(first + 1, len(texts)) if "基本方針別の主なポイント" in texts[i]) - 1  # its blocks
    words = set(" ".join(texts[first:last + 1]).split())
    expected = _expected_years(rolled)
    assert len(expected) == 14  # 平成19年度 … 令和２年度
    for year, cells in expected:
        figures = [f"{count:,}" for count, _ in cells.values()] + [f"{amount:,}" for _, amount in cells.values()]
        figures += [f"{sum(c for c, _ in cells.values()):,}", f"{sum(a for _, a in cells.values()):,}"]
        missing = [figure for figure in figures if figure not in words]
        assert missing == [], (year, missing)


@pytest.mark.libreoffice
def test_multi_year_table_stacks_blocks_with_the_era_in_their_heads(built):
    doc = Document(str(built / "report.docx"))
    first = next(i for i, t in enumerate(doc.tables) if t.rows[0].cells[0].text == "基本方針")
    blocks = doc.tables[first:first + 4]
    assert [t.rows[0].cells[0].text for t in blocks[1:]] == ["平成\n２１年度", "平成\n２５年度", "平成\n２９年度"]
    heads = [[c.text for c in t.rows[0].cells[1 if t is blocks[0] else 0:]] for t in blocks]
    assert heads == [
        ["平成\n１９年度", "２０年度"],
        ["平成\n２１年度", "２２年度", "２３年度", "２４年度"],
        ["平成\n２５年度", "２６年度", "２７年度", "２８年度"],
        ["平成\n２９年度", "３０年度", "令和\n元年度", "２年度"],
    ]
    assert all(len(t.rows) == 10 for t in blocks)  # head, eight policies, 合計


@pytest.mark.libreoffice
def test_section_3_prints_every_figure_of_its_tables_whole_in_reiwa_2(built):
    """pdftotext -layout of section 3's pages holds every figure of 表４－１ and 表４－２ as one word."""
    import shutil
    import subprocess

    from conftest import required
    from reportkit.render.tables import _format
    from reportkit.inputs.statistics import read_rows

    pdftotext = required(shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed")
    texts = [page.extract_text() for page in PdfReader(str(built / "report.pdf")).pages]
    pages = [i + 1 for i, t in enumerate(texts) if "表４－" in t]
    layout = subprocess.run([pdftotext, "-layout", "-f", str(min(pages)), "-l", str(max(pages)),
                             str(built / "report.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    words = set(layout.split())
    for name in ("表4-1.csv", "表4-2.csv"):
        for row in read_rows(INPUTS / "statistics" / name)[1:]:
            missing = [_format(v).replace("▲ ", "") for v in row[1:] if _format(v).replace("▲ ", "") not in words]
            assert missing == [], (name, row[0], missing)


@pytest.mark.libreoffice
def test_section_1_breaks_its_pages_between_items_and_keeps_a_year_whole_in_reiwa_2(built):
    """Section 1's (1) and (2) after a multi-year table of four pages: every page ends with an item's last
    line, and each page of (2) after its first starts with a year's heading (＜平成２３年度＞ whole on its
    page, as the edition's p. 7)."""
    import subprocess

    pdf = str(built / "report.pdf")
    texts = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    pages = [[line.strip() for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
             for text in texts]
    points = next(i for i, lines in enumerate(pages) if lines and lines[0].startswith("（１）８つの基本方針"))
    years = next(i for i, lines in enumerate(pages) if lines and lines[0] == "（２）年度別の概況")
    end = next(i for i in range(years, len(pages)) if any("に実施した中小企業振興施策" in line for line in pages[i]))
    assert points < years < end - 1
    assert all(pages[i][-1].endswith("。") for i in range(points, end)), [pages[i][-1] for i in range(points, end)]
    assert all(pages[i][0].startswith("＜") for i in range(years + 1, end)), [pages[i][0] for i in range(years, end)]
    assert pages[years + 1][0] == "＜平成２３年度＞"


@pytest.mark.libreoffice
def test_reiwa_on_the_cover_the_contents_the_card_headers_and_the_list_table(rolled, built):
    reader = PdfReader(str(built / "report.pdf"))
    cover = "".join(reader.pages[0].extract_text().split())
    assert cover.startswith("令和２年度")
    contents = "".join(reader.pages[1].extract_text().split())
    assert "２令和２年度に実施した中小企業振興施策" in contents
    assert "（２）令和２年度の中小企業振興施策一覧" in contents
    doc = Document(str(built / "report.docx"))
    headers = [p.text for p in doc.paragraphs if p.style.name == "カード見出し"]
    assert headers and set(headers) == {"令和２年度に実施した中小企業振興施策"}
    table = next(t for t in doc.tables if len(t.columns) == 10)
    assert table.rows[0].cells[4].text == "R2決算\n（千円）"
    periods = {row.cells[1].text.replace("\n", ""): row.cells[5].text for row in table.rows[1:]}
    boundary = rolled.names[BOUNDARY_PROJECT].replace("\n", "")
    assert rolled.periods[BOUNDARY_PROJECT] == (2012, 2021)
    assert periods[boundary] == "H24-3"  # 平成24年度 to 令和３年度: the edition's S44-29 style
    assert periods["新規事業20"] == "2-4"


# -- any span of years, without LibreOffice ------------------------------------------------------------

def _sample_over(last: int):
    """The sample's report with its table run on to ``last`` (later years: the sample's figures grown)."""
    config = load_config(INPUTS)
    cards = [s.card for s in validate_folder(INPUTS).cards]
    report = aggregate(config, cards, parse_multi_year((INPUTS / "multi_year.csv").read_text(encoding="utf-8")))
    years = list(report.years)
    for year in range(FIRST + 1, last + 1):
        grow = year - FIRST
        cells = {no: YearCell(c.count, None if c.amount is None else c.amount * (100 + 3 * grow) // 100)
                 for no, c in report.years[-1].cells.items()}
        years.append(YearColumn(year, cells, sum(c.count or 0 for c in cells.values()),
                                sum(c.amount or 0 for c in cells.values())))
    return dataclasses.replace(report, fiscal_year=last, years=years)


@pytest.fixture(scope="module")
def text_width() -> int:
    from reportkit.render.document import REFERENCE_DOCX

    section = Document(str(REFERENCE_DOCX)).sections[0]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


@pytest.mark.parametrize("last, blocks", [(2013, [2, 5]), (2014, [2, 3, 3]), (2020, [2, 4, 4, 4]),
                                         (2030, [2, 5, 5, 4, 4, 4])])
def test_year_blocks_hold_whole_figures_at_eight_points(text_width, last, blocks):
    """The edition's spread: the 基本方針 column at its 26 em with the years that fit beside it (two at
    the edition's year width), then the other years on as few pages as hold them (five a page), evenly."""
    report = _sample_over(last)
    titles = _titles(load_config(INPUTS))
    layout = year_blocks(report, text_width, titles)
    assert [len(b) for b in layout.blocks] == blocks
    assert [c.year for b in layout.blocks for c in b] == [c.year for c in report.years]
    assert figures_pt() >= 8
    widest = max(figure_width_pt(f"{c.amount:,}", figures_pt()) for c in report.years)
    assert widest > 45  # 14,117,768 … in DejaVu Serif, LibreOffice's fallback digits (5.7 em at 8 pt)
    for column_mm in (layout.first_year_mm, layout.year_mm):
        assert widest < column_mm * MM / 20 - 2 * CELL_MARGIN / 20
        assert column_mm * MM / 20 - 2 * CELL_MARGIN / 20 >= YEAR_EM * 9  # the edition's year column
    assert layout.first_mm == policy_mm()
    assert (layout.first_mm - 2 * CELL_MARGIN / MM) * MM / 20 >= 26 * 9  # 26 characters of 9 pt a line
    total = text_width / MM + 0.01
    need = year_need_mm(report)
    assert layout.first_mm + layout.first_year_mm * blocks[0] <= total
    assert layout.first_mm + need * (blocks[0] + 1) > total  # no other year fits beside it
    across = int(total / need)
    assert all(layout.year_mm * len(b) <= total for b in layout.blocks[1:])
    assert len(blocks) - 1 == -(-(len(report.years) - blocks[0]) // across)  # as few pages as hold them
    assert max(blocks[1:]) - min(blocks[1:]) <= 1  # evenly


# -- era labels -------------------------------------------------------------------------------------

def test_era_labels_across_heisei_31_and_reiwa_1():
    from reportkit.japanese import era_short, period_label
    from reportkit.report.printed import period, short_nendo, year_heads

    assert [era_short(y) for y in (2007, 2018, 2019, 2020)] == ["H19", "H30", "R元", "R2"]
    assert [short_nendo(y) for y in (2018, 2019, 2020)] == ["３０年度", "元年度", "２年度"]
    assert nendo(2019) == "令和元年度" and nendo(2020) == "令和２年度"
    assert period_label(2019, 2020) == "1" and period_label(2012, 2020) == "H24"  # 事業期間: figures
    assert period(2012, 2021, 2020) == "H24-3"
    assert period(2018, 2019, 2020) == "H30-1"
    assert period(2019, 2021, 2020) == "1-3"
    assert period(2012, 2023, 2013) == "24-35"  # a 平成 plan past the era, as the edition printed it
    assert year_heads([2013, 2014], [2007, 2014]) == ["２５年度", "２６年度"]  # one era: bare
    assert year_heads([2017, 2018, 2019, 2020], list(range(2007, 2021))) == [
        "平成\n２９年度", "３０年度", "令和\n元年度", "２年度"]


def test_narratives_have_the_year_filters():
    from reportkit.render.narratives import make_environment

    from reportkit.inputs.year_inputs import read_narratives

    environment = make_environment(read_narratives(INPUTS / "narratives"))
    template = environment.from_string("{{ year | nendo }}／{{ year | short_nendo }}／{{ year | era_short }}")
    assert template.render(year=2019) == "令和元年度／元年度／R元"
    assert template.render(year=2020) == "令和２年度／２年度／R2"


@pytest.mark.libreoffice
def test_a_24_year_table_prints_every_figure_whole_on_the_pages_planned(soffice, tmp_path):
    """2030: 平成19年度 … 令和12年度 in four blocks over two or more pages, as the page plan says."""
    from reportkit.libreoffice.pages import update_page_numbers
    from reportkit.render.package import write_cached_pagerefs
    from reportkit.render import render_report
    from reportkit.inputs.statistics import read_statistics
    from reportkit.inputs.year_inputs import read_narratives

    report = _sample_over(2030)
    config = load_config(INPUTS)
    config = config.model_copy(update={"fiscal_year": 2030}) if hasattr(config, "model_copy") else \
        dataclasses.replace(config, fiscal_year=2030)
    docx, pdf = tmp_path / "report.docx", tmp_path / "report.pdf"
    plan = render_report(report, config,
                         read_narratives(INPUTS / "narratives"), read_statistics(INPUTS / "statistics"), docx)
    pages = update_page_numbers(docx, pdf, soffice=soffice, write_pages=write_cached_pagerefs)
    assert dict(plan) == dict(pages)  # the blocks' page breaks are in the plan
    texts = [page.extract_text() for page in PdfReader(str(pdf)).pages[:12]]
    first = next(i for i, t in enumerate(texts) if "基本方針別・年度別" in t)
    last = next(i for i in range(first + 1, len(texts)) if "基本方針別の主なポイント" in texts[i]) - 1  # its blocks
    assert last > first  # four blocks of whole columns, kept whole on their pages
    words = set(" ".join(texts[first:last + 1]).split())
    figures = {f"{c.amount:,}" for c in report.years} | {
        f"{cell.amount:,}" for c in report.years for cell in c.cells.values() if cell.amount is not None}
    assert sorted(figures - words) == []
    assert "令和" in texts[last] and "１２年度" in texts[last]
