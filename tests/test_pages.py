"""update_page_numbers(): one LibreOffice pass, PAGEREF results equal the PDF pages."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from builders_report import cards, config, multi_year
from reportkit.report.aggregate import aggregate
import reportkit.libreoffice.pages as pages_module
from reportkit.libreoffice.pages import bookmark_pages, printed_pages, update_page_numbers
from reportkit.render.package import write_cached_pagerefs
from reportkit.render import render_report
from reportkit.inputs.statistics import read_statistics
from reportkit.inputs.year_inputs import read_narratives

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.libreoffice


def _counting_conversions(monkeypatch) -> list[Path]:
    """Replace pages.measure_pages by a wrapper that records every LibreOffice pass."""
    converted: list[Path] = []
    original = pages_module.measure_pages

    def counting(docx_path, *args, **kwargs):
        converted.append(Path(docx_path))
        return original(docx_path, *args, **kwargs)

    monkeypatch.setattr(pages_module, "measure_pages", counting)
    return converted


@pytest.fixture(scope="module")
def measured(tmp_path_factory, soffice) -> SimpleNamespace:
    """The fixture report rendered and measured once: its plan, pages and LibreOffice conversions."""
    folder = tmp_path_factory.mktemp("pages")
    cfg = config()
    report = aggregate(cfg, cards(), multi_year())
    docx = folder / "report.docx"
    plan = render_report(report, cfg,
                         read_narratives(FIXTURES / "narratives"), read_statistics(FIXTURES / "statistics"), docx)
    with pytest.MonkeyPatch.context() as monkeypatch:
        converted = _counting_conversions(monkeypatch)
        pages = update_page_numbers(docx, folder / "report.pdf", soffice=soffice, write_pages=write_cached_pagerefs)
    return SimpleNamespace(report=report, docx=docx, pdf=folder / "report.pdf", pages=pages, plan=plan,
                           conversions=len(converted))


@pytest.fixture(scope="module")
def built(measured):
    return measured.report, measured.docx, measured.pdf, measured.pages


def test_every_card_is_on_its_own_page(built):
    report, _, pdf, pages = built
    card_pages = [pages[row.bookmark] for row in report.rows]
    assert len(set(card_pages)) == len(card_pages)
    assert card_pages == sorted(card_pages)
    # the page after each card's page belongs to the next card, a blank or a new chapter: one page a card
    reader = PdfReader(str(pdf))
    for row in report.rows:
        text = reader.pages[pages[row.bookmark] + pages_offset(pages) - 1].extract_text()
        assert row.card.one_line_name[:4] in text.replace("\n", "")


def pages_offset(pages: dict[str, int]) -> int:
    return 2  # cover and TOC are unnumbered


def test_chapters_start_on_odd_pages(built):
    _, _, pdf, pages = built
    physical = bookmark_pages(pdf)
    assert physical["rkh001"] == 3 and pages["rkh001"] == 1
    chapter_headings = [n for n in pages if n.startswith("rkh")]
    assert chapter_headings


def test_pageref_results_equal_the_pdf_pages(built):
    _, docx, pdf, pages = built
    assert printed_pages(bookmark_pages(pdf)) == pages
    from docx import Document

    doc = Document(str(docx))
    table = next(t for t in doc.tables if len(t.columns) == 10)
    listed = {}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if cells[9].isdigit():
            listed[cells[1]] = int(cells[9])
    report = built[0]
    for row in report.rows:
        assert listed[row.name] == pages[row.bookmark]
    toc = [p.text for p in doc.paragraphs if p.style.name.startswith("TOC")]
    assert toc[0] == "はじめに\t1"
    chapter_entry = next(t for t in toc if t.startswith("①"))
    assert int(chapter_entry.split("\t")[1]) == pages[next(r for r in report.rows).bookmark] - 1


def test_every_card_takes_exactly_one_page(built):
    """Each card starts a page and ends on it (part ７ is there); the next card of the chapter is on the next page."""
    report, _, pdf, pages = built
    reader = PdfReader(str(pdf))
    offset = pages_offset(pages)
    for chapter in report.chapters:
        card_pages = [pages[row.bookmark] for row in chapter.rows]
        assert card_pages == list(range(card_pages[0], card_pages[0] + len(card_pages)))
        for row in chapter.rows:
            text = "".join(reader.pages[pages[row.bookmark] + offset - 1].extract_text().split())
            assert text.startswith("平成２５年度に実施した中小企業振興施策"), row.name
            assert "担当課・グループ" in text, f"{row.name} overflows its page"


def test_render_plan_matches_the_measured_card_pages_when_front_matter_is_known(built):
    from reportkit.render.estimate import plan_pages

    report, _, _, pages = built
    chapters = [([], [row.bookmark for row in chapter.rows]) for chapter in report.chapters]
    first = pages[report.chapters[0].rows[0].bookmark] - 1  # the first chapter's heading page
    plan = plan_pages(chapters, first)
    assert all(plan[row.bookmark] == pages[row.bookmark] for row in report.rows)


def _toc_numbers(pdf: Path) -> list[int]:
    """The page numbers the PDF's TOC page(s) print, in order (the pages before はじめに, after the cover)."""
    reader = PdfReader(str(pdf))
    numbers = []
    for page in reader.pages[1:bookmark_pages(pdf)["rkh001"] - 1]:
        for line in page.extract_text().splitlines():
            match = re.search(r"(\d+)\s*$", line.strip())
            if match and line.strip() != match.group(1):
                numbers.append(int(match.group(1)))
    return numbers


def _heading_pages(pages: dict[str, int]) -> list[int]:
    return [pages[name] for name in sorted(n for n in pages if n.startswith("rkh"))]


def test_one_conversion_when_the_render_plan_is_right(measured):
    """The renderer's plan is right for this report, so the first PDF is final: one LibreOffice run."""
    assert measured.plan == measured.pages  # every bookmark a PAGEREF or TOC entry targets, on its measured page
    assert measured.conversions == 1
    assert _toc_numbers(measured.pdf) == _heading_pages(measured.pages)


def test_a_wrong_plan_costs_a_second_conversion_and_the_pdf_is_still_right(tmp_path, soffice, monkeypatch):
    cfg = config()
    docx = tmp_path / "report.docx"
    plan = render_report(aggregate(cfg, cards(), multi_year()), cfg,
                         read_narratives(FIXTURES / "narratives"), read_statistics(FIXTURES / "statistics"),
                         docx)
    write_cached_pagerefs(docx, {name: page + 1 for name, page in plan.items()})  # as if the estimate were off
    converted = _counting_conversions(monkeypatch)
    pages = update_page_numbers(docx, tmp_path / "report.pdf", soffice=soffice, write_pages=write_cached_pagerefs)
    assert len(converted) == 2
    assert _toc_numbers(tmp_path / "report.pdf") == _heading_pages(pages)


def test_a_right_plan_is_not_written_again(measured, tmp_path, soffice):
    """With ``planned``, a measure that agrees leaves the .docx as rendered: the same bytes the write would give."""
    skipped, written = tmp_path / "skipped.docx", tmp_path / "written.docx"
    cfg = config()
    plan = render_report(aggregate(cfg, cards(), multi_year()), cfg,
                         read_narratives(FIXTURES / "narratives"), read_statistics(FIXTURES / "statistics"),
                         skipped)
    written.write_bytes(skipped.read_bytes())
    calls = []
    pages = update_page_numbers(skipped, soffice=soffice, planned=plan,
                                write_pages=lambda *a: calls.append(a) or write_cached_pagerefs(*a))
    assert calls == [] and pages == measured.pages
    assert write_cached_pagerefs(written, pages) == (0, 0)
    assert written.read_bytes() == skipped.read_bytes()
    wrong = {name: page + 1 for name, page in plan.items()}
    update_page_numbers(written, soffice=soffice, planned=wrong,
                        write_pages=lambda *a: calls.append(a) or write_cached_pagerefs(*a))
    assert len(calls) == 1  # a plan that disagrees is written
