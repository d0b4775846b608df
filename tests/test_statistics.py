"""Section 3's tables and figures and the multi-year table, read back from real documents and PDFs.

表４－１ has the edition's two header rows with merged cells, 表４－２ prints its years as the edition
does (平成18年, 19, 20 …), a figure without data keeps the size of the edition's figure with its caption,
unit line and 資料, and no figure of a table wraps in LibreOffice's PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import required
from docx import Document
from docx.oxml.ns import qn

from reportkit.report.aggregate import aggregate, parse_multi_year
from reportkit.inputs.config import load_config
from reportkit.render import render_report
from reportkit.render import charts
from reportkit.render.tables import EMPTY_FIGURE, FIGURE_HEIGHT_MM, MM, _format, row_labels
from reportkit.inputs.statistics import load_statistics, read_rows
from reportkit.checks.validate import validate_folder
from reportkit.inputs.statistics import read_statistics
from reportkit.inputs.year_inputs import read_narratives

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
STATISTICS = INPUTS / "statistics"


def _render(out: Path, statistics: Path = STATISTICS) -> tuple[Path, dict[str, int]]:
    config = load_config(INPUTS)
    cards = [s.card for s in validate_folder(INPUTS).cards]
    report = aggregate(config, cards, parse_multi_year((INPUTS / "multi_year.csv").read_text(encoding="utf-8")))
    docx = out / "report.docx"
    plan = render_report(report, config, read_narratives(INPUTS / "narratives"), read_statistics(statistics), docx)
    return docx, plan


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    return _render(tmp_path_factory.mktemp("statistics"))


def _body_after(doc, text: str):
    """The body elements after the paragraph whose text starts with ``text``."""
    body = list(doc.element.body.iterchildren())
    for index, element in enumerate(body):
        if element.tag == qn("w:p") and "".join(element.itertext()).startswith(text):
            return body[index + 1:]
    raise AssertionError(f"no paragraph {text!r}")


def _text(element) -> str:
    return "".join("\n" if e.tag == qn("w:br") else e.text or "" for e in element.iter(qn("w:t"), qn("w:br")))


def _rows(table) -> list[list[tuple[str, int, str | None]]]:
    """Per row its cells: (text, gridSpan, vMerge)."""
    rows = []
    for tr in table.iter(qn("w:tr")):
        cells = []
        for tc in tr.iter(qn("w:tc")):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            cells.append(("\n".join(_text(p) for p in tc.iter(qn("w:p"))).strip(),
                          int(span.get(qn("w:val"))) if span is not None else 1,
                          None if merge is None else (merge.get(qn("w:val")) or "continue")))
        rows.append(cells)
    return rows


def test_table_4_1_has_the_editions_two_header_rows_with_merged_cells(sample):
    doc = Document(str(sample[0]))
    table = next(e for e in _body_after(doc, "表４－１") if e.tag == qn("w:tbl"))
    rows = _rows(table)
    assert [(t, s, m) for t, s, m in rows[0]] == [
        ("", 1, "restart"), ("事業所数", 3, None), ("従業者数", 3, None), ("１事業所当たり従業者数", 3, None)]
    assert [t for t, _, _ in rows[1]] == ["", "21", "24", "増減率\n（％）", "21\n（人）", "24\n（人）", "増減率\n（％）",
                                          "21\n（人）", "24\n（人）", "増減"]
    assert rows[1][0][2] == "continue"
    header_rows = [tr for tr in table.iter(qn("w:tr")) if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
    assert len(header_rows) == 2
    assert [t for t, _, _ in rows[2]] == ["全国", "6,199,222", "5,768,490", "▲ 6.9", "58,442,129", "55,838,266", "▲ 4.5",
                                          "9.9", "10.2", "0.3"]
    assert [t for t, _, _ in rows[3]][:2] == ["青森県", "67,664"]


def test_table_4_2_prints_its_years_as_the_edition(sample):
    doc = Document(str(sample[0]))
    table = next(e for e in _body_after(doc, "表４－２") if e.tag == qn("w:tbl"))
    rows = _rows(table)
    assert [t for t, _, _ in rows[0]] == ["年次", "総人口", "年少\n（0-14歳）", "生産年齢\n（15-64歳）", "老年\n（65歳以上）", "構成比"]
    assert rows[0][-1][1] == 3  # 構成比 over its three columns
    assert [t for t, _, _ in rows[1]][-3:] == ["年少\n（0-14歳）", "生産年齢\n（15-64歳）", "老年\n（65歳以上）"]
    assert [row[0][0] for row in rows[2:]] == ["平成18年", "19", "20", "21", "22", "23", "24", "25"]


def test_year_labels_name_the_era_once_and_again_at_a_new_era():
    assert row_labels(["平成30年", "平成31年", "令和元年", "令和2年", "全国"]) == ["平成30年", "31", "令和元年", "2", "全国"]
    assert row_labels(["全国", "青森県"]) == ["全国", "青森県"]


def test_every_figure_without_data_keeps_the_editions_size_caption_unit_line_and_source(sample):
    doc = Document(str(sample[0]))
    items = load_statistics(STATISTICS)
    figures = [item for item in items.values() if item.kind == "figure"]
    assert len(figures) == 6
    for item in figures:
        assert item.caption, item.id  # 図４－５ too
        after = _body_after(doc, f"{item.label}　{item.caption}")
        if item.unit_line:
            assert _text(after[0]) == item.unit_line
            after = after[1:]
        box, source = after[0], after[1]
        assert box.tag == qn("w:tbl") and _text(box) == EMPTY_FIGURE, item.id
        height = box.find(f".//{qn('w:trHeight')}")
        assert int(height.get(qn("w:val"))) == round(FIGURE_HEIGHT_MM * MM)
        assert height.get(qn("w:hRule")) == "exact"
        assert _text(source) == item.source
    assert items["図4-3"].unit_line == "（平成22年＝100）"
    assert items["図4-5"].caption == "資金繰り判断 DI の推移"


def test_a_figure_with_data_is_a_chart_of_the_same_size(tmp_path):
    statistics = tmp_path / "statistics"
    shutil.copytree(STATISTICS, statistics)
    index = statistics / "index.toml"
    text = index.read_text(encoding="utf-8")
    text = text.replace('source = "資料：総務省「労働力調査」"\nunit = ""\nnotes = []\nfile = ""',
                        'source = "資料：総務省「労働力調査」"\nunit = ""\nnotes = []\nfile = "図4-1.csv"')
    index.write_text(text, encoding="utf-8")
    (statistics / "図4-1.csv").write_text("年,全国（万人）,青森県（千人）\n22,6632,684\n23,6596,676\n", encoding="utf-8")
    docx, _ = _render(tmp_path, statistics)
    doc = Document(str(docx))
    extents = [e for e in doc.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")]
    chart = extents[-1]  # the trend chart comes first, 図４－１ after it
    assert int(chart.get("cy")) == round(FIGURE_HEIGHT_MM * charts.EMU_PER_MM)
    box = next(t for t in doc.element.body.iter(qn("w:tbl")) if _text(t) == EMPTY_FIGURE)
    box_emu = int(box.find(f".//{qn('w:gridCol')}").get(qn("w:w"))) * 635  # twips → EMU
    assert abs(int(chart.get("cx")) - box_emu) < 2_000  # as wide as the text, as the empty boxes
    assert _text(doc.element.body).count(EMPTY_FIGURE) == 5  # the other five are still boxes


def test_the_multi_year_table_spreads_its_years_as_the_edition_does(sample):
    """The 基本方針 column at the edition's 26 em with the years that fit beside it, the other years
    in a block of their own (no row labels, as the edition's p. 3) from a new page."""
    doc = Document(str(sample[0]))
    index = next(i for i, t in enumerate(doc.tables) if t.rows[0].cells[0].text == "基本方針" and len(t.columns) != 11)
    first, rest = doc.tables[index], doc.tables[index + 1]
    assert [c.text for c in first.rows[0].cells] == ["基本方針", "１９年度", "２０年度"]  # two, as the edition's p. 2
    assert [c.text for c in rest.rows[0].cells] == ["２１年度", "２２年度", "２３年度", "２４年度", "２５年度"]
    assert len(first.rows) == len(rest.rows) == 10  # head, eight policies, 合計
    widths = [int(col.get(qn("w:w"))) for col in first._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert widths[0] >= 26 * 9 * 20 + 2 * 57  # 26 characters of 9 pt and the cell margins
    assert widths[0] > 2.5 * widths[1]
    assert widths[1] >= 8 * 9 * 20 + 2 * 57  # the edition's year column: 8 em of 表文字 and the margins
    before = rest._tbl.getprevious()
    assert before.find(f".//{qn('w:pageBreakBefore')}") is not None  # the block starts a page
    heights = [[r._tr.find(f".//{qn('w:trHeight')}").get(qn("w:val")) for r in t.rows] for t in (first, rest)]
    assert heights[0] == heights[1]  # its rows stand level with the titles they belong to


# -- in LibreOffice's PDF -------------------------------------------------------------------------------

def _layout_text(pdf: Path, first: int, last: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


@pytest.mark.libreoffice
def test_no_figure_of_a_table_wraps_and_the_pages_are_the_plan(soffice, tmp_path):
    from pypdf import PdfReader

    from reportkit.libreoffice.pages import update_page_numbers
    from reportkit.render.package import write_cached_pagerefs

    required(shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed")
    docx, plan = _render(tmp_path)
    pdf = tmp_path / "report.pdf"
    pages = update_page_numbers(docx, pdf, soffice=soffice, write_pages=write_cached_pagerefs)
    assert dict(plan) == dict(pages)  # the boxes take on paper what the plan gives them
    texts = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    section3 = [i + 1 for i, t in enumerate(texts) if "表４－" in t or "図４－" in t]
    caption = next(i for i, t in enumerate(texts[:12]) if "基本方針別・年度別" in t)
    points = next(i for i in range(caption + 1, 12) if "基本方針別の主なポイント" in texts[i])
    multi = list(range(caption + 1, points + 1))  # pages (1-based) of the table's blocks, up to (1)
    words = set(_layout_text(pdf, min(section3), max(section3)).split())
    words |= set(_layout_text(pdf, min(multi), max(multi)).split())
    for name in ("表4-1.csv", "表4-2.csv"):
        for row in read_rows(STATISTICS / name)[1:]:
            for value in row[1:]:
                printed = _format(value).replace("▲ ", "")
                assert printed in words, (name, printed)
    config = load_config(INPUTS)
    report = aggregate(config, [s.card for s in validate_folder(INPUTS).cards],
                       parse_multi_year((INPUTS / "multi_year.csv").read_text(encoding="utf-8")))
    for column in report.years:
        figures = [f"{column.amount:,}", f"{column.count:,}"]
        figures += [f"{c.amount:,}" for c in column.cells.values() if c.amount is not None]
        assert [f for f in figures if f not in words] == [], column.year
    # every figure of section 3 is on the pages planned for it, with its caption and 資料
    section3_text = "\n".join(texts[min(section3) - 1:max(section3)])
    for item in load_statistics(STATISTICS).values():
        assert re.sub(r"\s", "", item.label) in re.sub(r"\s", "", section3_text)
        assert re.sub(r"\s", "", item.source) in re.sub(r"\s", "", section3_text)
