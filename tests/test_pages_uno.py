"""The page pass over UNO (reportkit/libreoffice/uno_helper.py): Writer's layout gives the PDF's pages, no export."""

from __future__ import annotations

import shutil

import pytest

import reportkit.libreoffice.pages as pages_module
from reportkit.libreoffice.pages import (bookmark_pages, convert_to_pdf, pdf_page_count, printed_pages,
                                         update_page_numbers)
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


def test_the_page_pass_profile_replaces_the_ms_fonts_by_their_metric_twins(tmp_path):
    """A profile the page pass starts LibreOffice with carries the font replacement table, always applied,
    screen and print: ＭＳ 明朝 → IPAMincho, ＭＳ ゴシック → IPAGothic (and the P fonts); on a PC that has
    the MS fonts, none."""
    from xml.etree import ElementTree

    from reportkit.libreoffice.uno_helper import prepare_profile

    assert not (prepare_profile(tmp_path / "with-ms-fonts", replace_fonts=False) / "user"
                / "registrymodifications.xcu").exists()
    settings = prepare_profile(tmp_path / "profile", replace_fonts=True) / "user" / "registrymodifications.xcu"
    oor = "{http://openoffice.org/2001/registry}"
    pairs, switched_on = {}, False
    for item in ElementTree.parse(settings).getroot():
        path = item.get(f"{oor}path")
        if path == "/org.openoffice.Office.Common/Font/Substitution":
            switched_on = item.find("prop/value").text == "true"
        elif path.endswith("/Substitution/FontPairs"):
            props = {p.get(f"{oor}name"): p.find("value").text for p in item.find("node")}
            assert props["Always"] == "true" and props["OnScreenOnly"] == "false"
            pairs[props["ReplaceFont"]] = props["SubstituteFont"]
    assert switched_on
    assert pairs["ＭＳ 明朝"] == "IPAMincho" and pairs["ＭＳ ゴシック"] == "IPAGothic"
    assert pairs["ＭＳ Ｐ明朝"] == "IPAPMincho" and pairs["ＭＳ Ｐゴシック"] == "IPAPGothic"
