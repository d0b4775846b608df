"""The sample's PDF is a tagged PDF/UA-1 file: the checkers of PyPI pass it (page-validation's PDF/UA-1
profile, pdfua), with its title, language, nested headings, the はじめに chart's alternative text and
header cells — and tagging moved no page. So do a rolled year's draft and a PDF converted without UNO."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from conftest import required
from serve_helpers import rolled_copy
from reportkit.report.build import build_report

SAMPLE = Path(__file__).resolve().parents[1] / "inputs"
pytestmark = pytest.mark.libreoffice


LAYOUT_PAGE_COUNT: dict[Path, int | None] = {}  # the page count of Writer's layout, by PDF


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory, soffice, uno_interpreter) -> Path:
    out = tmp_path_factory.mktemp("a11y")
    LAYOUT_PAGE_COUNT[out / "report.pdf"] = build_report(SAMPLE, out, pdf=True).page_count
    return out / "report.pdf"


def _checker(module: str):
    try:
        return __import__(module)
    except ImportError:
        return required(None, f"the PDF/UA checker {module} is not installed (pip install -e '.[test]')")


def _page_validation(pdf: Path) -> None:
    page = _checker("page")
    report = page.validate_pdf(pdf, profile="ua1")
    failures = sorted({f"{f.rule_id}: {f.message}" for f in report.failures})
    assert report.rules.failed == 0, failures
    assert report.is_compliant


def _pdfua(pdf: Path) -> None:
    _checker("pdfua")
    done = subprocess.run([sys.executable, "-m", "pdfua", "check", "-f", "json", str(pdf)],
                          capture_output=True, text=True, timeout=300, check=False)
    result = json.loads(done.stdout)
    findings = [(f["rule_id"], f["severity"], f.get("location")) for f in result["findings"]]
    assert result["summary"]["errors"] == 0, findings[:20]
    assert result["summary"]["warnings"] == 0, findings[:20]


def test_page_validation_finds_no_failed_pdfua1_rule(sample_pdf):
    _page_validation(sample_pdf)


def test_pdfua_finds_no_error(sample_pdf):
    _pdfua(sample_pdf)


def test_a_later_years_final_report_passes_both_checkers(later_years_built):
    """The 令和２年度 report of seven rollovers (14 year columns in the multi-year table)."""
    pdf = later_years_built / "report.pdf"
    _page_validation(pdf)
    _pdfua(pdf)
    assert PdfReader(str(pdf)).metadata.title.startswith("令和２年度 ")


def test_a_rolled_years_draft_passes_both_checkers(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    build_report(folder, tmp_path / "out", pdf=True, draft=True)
    pdf = tmp_path / "out" / "draft" / "report.pdf"
    _page_validation(pdf)
    _pdfua(pdf)
    assert PdfReader(str(pdf)).metadata.title == "平成２６年度 青森県中小企業振興基本条例に基づく年次報告（素案）"


def test_a_pdf_converted_without_uno_passes_too(sample_build, soffice, tmp_path, monkeypatch):
    """No interpreter with uno: LibreOffice converts with the same options; the chart's text comes from the .docx."""
    from reportkit.libreoffice.pages import update_page_numbers
    from reportkit.libreoffice.uno_helper import uno_python
    from reportkit.render.package import write_cached_pagerefs

    _, out = sample_build
    docx = tmp_path / "report.docx"
    shutil.copy(out / "report.docx", docx)
    monkeypatch.setenv("REPORTKIT_UNO_PYTHON", "off")
    uno_python.cache_clear()
    try:
        update_page_numbers(docx, tmp_path / "report.pdf", soffice=soffice, write_pages=write_cached_pagerefs)
    finally:
        uno_python.cache_clear()
    _page_validation(tmp_path / "report.pdf")


def _elements(node, found: list) -> list:
    node = node.get_object()
    if isinstance(node, DictionaryObject) and "/S" in node:
        found.append(node)
    kids = node.get("/K") if isinstance(node, DictionaryObject) else None
    kids = kids.get_object() if kids is not None else None
    for kid in (kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []):
        if isinstance(kid.get_object(), DictionaryObject):
            _elements(kid, found)
    return found


def test_title_language_headings_chart_and_card_labels_reach_the_pdf(sample_pdf):
    reader = PdfReader(str(sample_pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ja-JP"
    assert reader.metadata.title == "平成２５年度 青森県中小企業振興基本条例に基づく年次報告"
    assert root["/MarkInfo"]["/Marked"]
    assert all(page["/Tabs"] == "/S" for page in reader.pages)
    elements = _elements(root["/StructTreeRoot"], [])
    levels = [int(str(e["/S"])[2:]) for e in elements if str(e["/S"]) in ("/H1", "/H2", "/H3", "/H4")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 1  # the はじめに chart (section 3's figures of the sample have no data)
    alt = str(figures[0]["/Alt"])
    assert alt.startswith("事業数（折れ線、件）と事業費（棒、億円）の年度別推移。平成１９年度 118件 215.7億円、")
    assert "平成２５年度 119件 416.1億円" in alt
    labels = [e for e in elements if e["/S"] == "/TH"]
    assert len(labels) > 119 * 5  # every card's labels are header cells of their rows


def test_tagging_moves_no_page(sample_pdf):
    """The finished PDF has the pages Writer's layout counted (test_pages*.py check the cards' pages)."""
    assert LAYOUT_PAGE_COUNT[sample_pdf] and len(PdfReader(str(sample_pdf)).pages) == LAYOUT_PAGE_COUNT[sample_pdf]
