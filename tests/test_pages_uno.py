"""The page pass over UNO (reportkit/libreoffice_uno.py): Writer's layout gives the PDF's pages, no export."""

from __future__ import annotations

import shutil

import pytest

import reportkit.pages as pages_module
from reportkit.pages import bookmark_pages, convert_to_pdf, pdf_page_count, printed_pages, update_page_numbers
from reportkit.render.package import write_cached_pagerefs

pytestmark = pytest.mark.libreoffice


def test_the_sample_pages_from_the_layout_equal_the_pdf_pages(sample_build, soffice, uno_interpreter, tmp_path,
                                                               monkeypatch):
    _, out = sample_build
    by_layout, by_pdf = tmp_path / "layout.docx", tmp_path / "pdf.docx"
    shutil.copyfile(out / "report.docx", by_layout)
    shutil.copyfile(out / "report.docx", by_pdf)
    conversions = []
    original = pages_module.convert_to_pdf
    monkeypatch.setattr(pages_module, "convert_to_pdf", lambda *a, **k: conversions.append(a) or original(*a, **k))
    measured = update_page_numbers(by_layout, soffice=soffice, write_pages=write_cached_pagerefs)
    assert conversions == []  # no PDF export without --pdf
    pdf = convert_to_pdf(by_pdf, tmp_path, soffice=soffice)
    expected = printed_pages(bookmark_pages(pdf))
    assert len(expected) >= 150
    assert {name: measured[name] for name in expected} == expected
    assert measured.page_count == pdf_page_count(pdf)
