"""The 平成25年度 sample year in inputs/: the printed figures, recomputed from the real workbooks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from reportkit.report.aggregate import aggregate, parse_multi_year
from reportkit.report.build import build_report
from reportkit.cli.main import main
from reportkit.checks.validate import validate_folder
from reportkit.word.reader import read_narrative

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"
LIST_TABLE = json.loads((ROOT / "tools" / "sample" / "list_from_seed.json").read_text(encoding="utf-8"))

# shared/spec/report.md: the printed figures of the 平成25年度 edition.
PRINTED = {
    1: (24, 1_251_579, None),
    2: (23, 1_957_276, 1_961_524),
    3: (10, 37_851_207, None),
    4: (22, 205_753, 212_544),
    5: (20, 227_499, 339_863),
    6: (7, 40_831, 98_720),
    7: (7, 26_158, None),
    8: (6, 49_422, None),
}


@pytest.fixture(scope="module")
def sample():
    return validate_folder(INPUTS)


@pytest.fixture(scope="module")
def report(sample):
    multi_year = parse_multi_year((INPUTS / "multi_year.csv").read_text(encoding="utf-8"))
    return aggregate(sample.config, [s.card for s in sample.cards], multi_year)


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000（）()]", "", text)


def test_sample_validates_without_errors(sample):
    assert len(sample.files) == 119
    assert sample.error_count == 0
    # Four warnings are history entries the edition prints with a year but no event; six are the charts
    # of section ３ that the edition prints as images, with no data here (「（データ未入力）」).
    assert {issue.code for issue in sample.issues} <= {"history-without-event", "statistics-no-data"}
    figures = [(i.file, i.params["detail"]) for i in sample.issues if i.code == "statistics-no-data"]
    assert [(file, label[:4]) for file, label in figures] == [("narratives/section3.docx", f"図４－{n}") for n in "１２３４５６"]


def test_policy_subtotals_equal_the_printed_figures(report):
    for policy in report.policies:
        assert (policy.count, policy.subtotal, policy.subtotal_with_reprints) == PRINTED[policy.no]


def test_total_and_counts_equal_the_printed_figures(report):
    assert report.total.count == 119
    assert report.total.amount == 41_609_725
    assert sum(1 for row in report.rows if row.is_reprint) == 11
    assert len(report.rows) == 130


def test_every_project_cost_equals_the_list_table_amount(sample):
    listed = {squeeze(r["name"]): r["cost"] for r in LIST_TABLE["rows"] if not r["reprint"]}
    listed.update({squeeze(r["card_name"]): r["cost"] for r in LIST_TABLE["rows"]
                   if not r["reprint"] and r.get("card_name")})
    for sourced in sample.cards:
        card = sourced.card
        assert listed[squeeze(card.project_name)] == card.cost, card.project_name


def test_multi_year_table_ends_with_the_computed_year(report):
    assert [column.year for column in report.years] == list(range(2007, 2014))
    assert (report.years[0].count, report.years[0].amount) == (118, 21_571_071)
    assert (report.years[-1].count, report.years[-1].amount) == (119, 41_609_725)


@pytest.fixture(scope="module")
def built(sample_build):
    """The sample built once a session without the LibreOffice pass (fast path; conftest.py)."""
    return sample_build


def test_build_writes_the_report_files(built):
    result, out = built
    assert sorted(p.name for p in result.files) == ["projects.xlsx", "report.docx", "report.json"]
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["fiscal_year"] == 2013
    assert data["total"] == {"count": 119, "amount": 41_609_725}
    assert [(p["count"], p["subtotal"], p["subtotal_with_reprints"]) for p in data["policies"]] == \
        [PRINTED[n] for n in range(1, 9)]
    assert len(data["projects"]) == 119
    assert sum(len(p["reprints"]) for p in data["projects"]) == 11


def test_document_prints_every_card_once_plus_its_reprints(built):
    _, out = built
    document = Document(str(out / "report.docx"))
    header = "平成２５年度に実施した中小企業振興施策"
    names = []
    for table in document.tables:
        cells = [c.text for c in table.rows[0].cells] if table.rows else []
        if any("基本方針" in c for c in cells[:1]) and len(table.rows) > 1:
            second = [c.text for c in table.rows[1].cells]
            if second and "事業名" in second[0]:
                names.append(second[-1].strip())
    assert sum(1 for p in document.paragraphs if p.text.strip() == header) == 130
    reprinted = [n for n in names if n.endswith("（再掲）")]
    assert len(names) == 130 and len(reprinted) == 11
    assert len(set(n for n in names if not n.endswith("（再掲）"))) == 119


def test_the_ordinance_prints_the_ruby_of_the_edition(built):
    """「確かな未来を拓（ひら）く」: the one ruby of the edition, Word's ruby in the ordinance's preamble (and
    not in はじめに, which quotes the sentence without it)."""
    import zipfile

    from lxml import etree

    _, out = built
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(out / "report.docx").read("word/document.xml"))
    rubies = list(root.iter(f"{w}ruby"))
    assert [("".join(r.find(f"{w}rubyBase").itertext()), "".join(r.find(f"{w}rt").itertext())) for r in rubies] == \
        [("拓", "ひら")]
    paragraph = next(rubies[0].iterancestors(f"{w}p"))
    text = "".join(t.text for t in paragraph.iter(f"{w}t") if t.getparent().getparent().tag != f"{w}rt")
    assert text.startswith("このような状況の下、２１世紀の中で確かな未来を拓く自主自立の青森県")


def test_same_inputs_give_the_same_bytes(built, tmp_path):
    _, out = built
    build_report(INPUTS, tmp_path, page_numbers=False)
    for name in ("report.docx", "report.json", "projects.xlsx"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_build_refuses_inputs_with_errors_and_keeps_the_last_report(tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(INPUTS, folder, ignore=shutil.ignore_patterns("0[1-9]*.xlsx", "1*.xlsx"))
    # a stale card: last year's fiscal year
    from openpyxl import load_workbook

    card = sorted((folder / "cards").glob("*.xlsx"))[0]
    workbook = load_workbook(card)
    sheet_name, ref = next(iter(workbook.defined_names["fiscal_year"].destinations))
    workbook[sheet_name][ref.replace("$", "")] = "平成24年度"
    workbook.save(card)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.docx").write_bytes(b"last good report")
    code = main(["build", str(folder), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "stale" not in captured.err and "Traceback" not in captured.err + captured.out
    assert card.name in captured.out and "報告年度" in captured.out
    assert (out / "report.docx").read_bytes() == b"last good report"
    assert sorted(p.name for p in out.iterdir()) == ["report.docx"]


@pytest.fixture(scope="module")
def printed(soffice, tmp_path_factory):
    """The sample built with LibreOffice's page pass and its PDF: (BuildResult, output folder)."""
    out = tmp_path_factory.mktemp("printed")
    return build_report(INPUTS, out, pdf=True), out


@pytest.mark.libreoffice
def test_every_card_lands_on_the_page_the_edition_gives(printed):
    result, tmp_path = printed
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    expected = {}
    for row in LIST_TABLE["rows"]:
        expected.setdefault(squeeze(row.get("card_name") or row["name"]), []).append(row["page"])
    for project in data["projects"]:
        pages = sorted([project["page"]] + [r["page"] for r in project["reprints"]])
        assert pages == sorted(expected[squeeze(project["name"])]), project["name"]
    assert (tmp_path / "report.pdf").stat().st_size > 100_000
    assert result.page_numbers_checked
    # Figures are printed whole (a wrapped amount reads as two numbers in the PDF text).
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(str(tmp_path / "report.pdf")).pages[:16])
    for column in data["years"]:
        assert f"{column['amount']:,}" in text, column
    for policy in data["policies"]:
        assert f"{policy['subtotal']:,}" in text, policy["no"]


def _edition_lines():
    """tools/edition_lines.py (not part of the package): reads our PDF as the seed is read."""
    import importlib.util
    import sys

    if "edition_lines" not in sys.modules:
        spec = importlib.util.spec_from_file_location("edition_lines", ROOT / "tools" / "edition_lines.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["edition_lines"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["edition_lines"]


@pytest.mark.libreoffice
def test_most_cards_take_the_editions_number_of_description_lines(printed):
    """The card's right column is the edition's 26 characters: ３ 事業内容 wraps into as many lines as the
    edition's for at least four cards in five (the edition's counts: tools/sample/edition_lines.json)."""
    tool = _edition_lines()
    edition = json.loads(tool.SAMPLE_LINES.read_text(encoding="utf-8"))["cards"]
    ours = tool.card_description_lines(tool.read_pdf(printed[1] / "report.pdf"))
    assert len(ours) == len(edition) == 130
    same = sum(1 for theirs, (_page, _name, lines) in zip(edition, ours) if theirs["description_lines"] == lines)
    assert same >= 0.8 * len(edition), same


@pytest.mark.libreoffice
def test_the_pdf_is_set_in_the_ipa_fonts_that_stand_in_for_ms_mincho_and_gothic(printed):
    """The page pass maps ＭＳ 明朝 / ＭＳ ゴシック to IPA明朝 / IPAゴシック for every character: no digit,
    ①, ○ or leader falls back to a wider Latin font (DejaVu) and the pages measured are Word's."""
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(str(printed[1] / "report.pdf")).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and fonts <= {"IPAMincho", "IPAGothic", "IPAPMincho", "IPAPGothic"}, fonts


@pytest.mark.libreoffice
def test_the_prose_breaks_its_lines_where_the_edition_does(printed):
    """Each prose part is set as wide as the edition's lines (render/document.py PROSE_CHARACTERS), in
    the edition's indents and bullets, from paragraphs typed without breaks: its lines of 12 characters
    or more stand as lines of our PDF (はじめに all of them; section 1 loses the lines the edition indents or
    compresses inconsistently, and the cells of its table; section 4 only the line of 「拓」 with its ruby
    and a line that Word fits by compressing 「。）」)."""
    tool = _edition_lines()
    parts = json.loads(tool.SAMPLE_LINES.read_text(encoding="utf-8"))["parts"]
    ours = tool.read_pdf(printed[1] / "report.pdf")
    found = tool.part_identity(parts, ours, tool.part_pages(ours))
    share = {key: hits / total for key, (hits, total) in found.items()}
    assert share["front"] >= 0.9, share
    # section 4: the edition splits 「第１５／４号」 over two lines, which the rule of no number split keeps whole
    assert share["section1"] >= 0.74 and share["section3"] >= 0.6 and share["section4"] >= 0.94, share
    for name in ("introduction", "section1_points", "section4_ordinance"):  # no planted breaks
        blocks = read_narrative(INPUTS / "narratives" / f"{name}.docx").blocks
        assert all("\n" not in data for kind, data in blocks if kind != "grid"), name


@pytest.mark.libreoffice
def test_the_ruby_stands_over_its_base_and_moves_no_line(printed):
    """ひら over 拓 on the ordinance's first page (printed 159, as the edition), within the base's em and
    above it; the preamble's lines keep the exact pitch of 本文 (a ruby takes no room of its own)."""
    tool = _edition_lines()
    ours = tool.read_pdf(printed[1] / "report.pdf")
    index = tool.part_pages(ours)["section4"]
    assert tool.printed_page(ours, index) == 159
    words = ours.words[index]
    (reading,) = [word for word in words if tool.norm(word[3]) == "ひら"]
    (base,) = [word for word in words if tool.norm(word[3]).startswith("拓く自主自立")]
    em = (base[2] - base[0]) / len(tool.norm(base[3]))
    assert base[0] - 1 <= (reading[0] + reading[2]) / 2 <= base[0] + em + 1
    assert reading[1] < base[1]
    lines = sorted({round(y0, 1) for _x0, y0, _x1, text in words if "。" in text or "、" in text})
    gaps = [b - a for a, b in zip(lines, lines[1:])]
    pitches = {round(gap, 1) for gap in gaps if gap < 1.5 * min(gaps)}  # a sub-heading between: apart
    assert len(pitches) == 1, pitches


@pytest.mark.libreoffice
def test_the_list_table_is_laid_out_as_the_edition_spans_it(printed):
    """Each 基本方針 one line across the table, 施策 20 characters a line, rows on one line each: most of
    the edition's lines stand whole; the pages break between policies as the edition's: ①–③, ④–⑥, ⑦–⑧."""
    import subprocess

    tool = _edition_lines()
    parts = json.loads(tool.SAMPLE_LINES.read_text(encoding="utf-8"))["parts"]
    ours = tool.read_pdf(printed[1] / "report.pdf")
    starts = tool.part_pages(ours)
    hits, total = tool.part_identity({"list": parts["list"]}, ours, starts)["list"]
    assert hits >= 0.7 * total, (hits, total)
    marks = []
    for index in range(starts["list"], starts["chapters"]):
        text = subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(printed[1] / "report.pdf"),
                               "-"], check=True, capture_output=True, encoding="utf-8").stdout
        marks.append("".join(line[0] for line in text.splitlines() if line[:1] in "①②③④⑤⑥⑦⑧"
                             and len(line) > 12))  # a 基本方針's row, not 「⑦の各事業(再掲）」
    assert marks == ["①②③", "④⑤⑥", "⑦⑧"], marks


@pytest.mark.libreoffice
def test_each_subsection_of_section_3_stands_on_the_page_of_its_figure(printed):
    """（３）…（８）: heading, text and 図４－１ … ４－６ on one page each (kept with next), as the edition."""
    import subprocess

    tool = _edition_lines()
    pdf = printed[1] / "report.pdf"
    ours = tool.read_pdf(pdf)
    starts = tool.part_pages(ours)
    pairs = {}
    for index in range(starts["section3"], starts["section4"]):
        text = subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"],
                              check=True, capture_output=True, encoding="utf-8").stdout
        for line in text.splitlines():
            found = re.match(r"（([３-８])）|図４－([１-６])", line)
            if found:
                pairs.setdefault(found.group(1) or chr(ord(found.group(2)) + 2), set()).add(index)
    assert sorted(pairs) == list("３４５６７８") and all(len(pages) == 1 for pages in pairs.values()), pairs


@pytest.mark.libreoffice
def test_section_1_breaks_its_pages_between_items_never_inside_one(printed):
    """箇条書き keeps its lines together (reference.docx): pp. 4–7 end with an item's last line, not
    mid-sentence (「…取り組んだ結／果、」), as the edition's pages do."""
    import subprocess

    tool = _edition_lines()
    pdf = printed[1] / "report.pdf"
    ours = tool.read_pdf(pdf)
    starts = tool.part_pages(ours)
    for index in range(starts["points"], starts["section2"]):
        text = subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"],
                              check=True, capture_output=True, encoding="utf-8").stdout
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
        assert lines[-1].endswith("。"), (tool.printed_page(ours, index), lines[-1])


@pytest.mark.libreoffice
def test_no_number_is_split_across_lines(printed):
    """No line of the PDF ends inside a number of full-width digits that the next line goes on with
    (「公益財団法人２／１あおもり」, 「平成２／５年」): the digits are no line's start (reference.docx's 禁則,
    given to LibreOffice by the page pass)."""
    tool = _edition_lines()
    ours = tool.read_pdf(printed[1] / "report.pdf")
    assert [split for page in ours.raw for split in tool.split_numbers(page)] == []


@pytest.mark.libreoffice
def test_the_parts_start_where_the_layout_rules_put_them(printed):
    """はじめに on page 1, section 1 on 2, the new projects ①–④ on one page and ⑤–⑧ on the next (a policy's
    entries kept together), the chapters from 13, 参考資料 on an odd page (the edition leaves 158 blank) and
    the rules' 別表 on a page of its own."""
    tool = _edition_lines()
    ours = tool.read_pdf(printed[1] / "report.pdf")
    page = {key: tool.printed_page(ours, index) for key, index in tool.part_pages(ours).items()}
    assert (page["front"], page["section1"], page["chapters"]) == (1, 2, 13)
    assert page["new5"] == page["new"] + 1
    # the multi-year table over pp. 2–3 as the edition spreads it, so (1), (2), 新規事業 and 一覧 on its pages
    assert {key: page[key] for key in ("points", "years", "new", "new5", "list")} == \
        {key: tool.EDITION_PAGES[key] for key in ("points", "years", "new", "new5", "list")}
    assert page["section4"] % 2 == 1
    assert page["annex"] == page["rules"] + 1


@pytest.mark.libreoffice
def test_a_card_s_items_start_at_the_margin_and_its_prose_one_character_in(printed):
    """p. 91 as the edition sets it: 「今後成長が…」 one character in, its next line and the items 「(１)医工等連携」,
    「① 医療機器…」 from the margin of the card's right column; a circled item's later lines under its text."""
    tool = _edition_lines()
    ours = tool.read_pdf(printed[1] / "report.pdf")
    (index,) = [i for i in range(len(ours.words)) if tool.printed_page(ours, i) == 91]
    words = ours.words[index]

    def left(start: str) -> float:
        (found,) = [word for word in words if tool.norm(word[3]).startswith(tool.norm(start))]
        return found[0]

    prose, margin = left("今後成長が"), left("次世代における")
    em = 10.5
    assert abs(prose - margin - em) < 1.5, (prose, margin)
    assert abs(left("(１)医工等連携") - margin) < 1.5
    circled = [word[0] for word in words if word[3][:1] in "①②③④"]
    assert len(circled) >= 8 and all(abs(x - margin) < 1.5 for x in circled), (circled, margin)
    # a circled item's later line hangs under its text: 「② 医工連携等…プロジェ」／「クト支援)」
    assert abs(left("クト支援") - margin - 1.5 * em) < 1.5, (left("クト支援"), margin)


@pytest.mark.libreoffice
def test_a_joint_project_is_listed_with_its_division_s_part_and_partner(printed):
    """The edition's list: 「低炭素型ものづくり産業振興事業（新産業創造課事業分）」, 担当課等 「新産業創造課（地域産業課」
    ／「との連携）」, though card 94 prints the name its division gave it; likewise 地域産業課's part (p. 34)."""
    import subprocess

    tool = _edition_lines()
    ours = tool.read_pdf(printed[1] / "report.pdf")
    starts = tool.part_pages(ours)
    text = subprocess.run(["pdftotext", "-layout", "-f", str(starts["list"] + 1), "-l", str(starts["chapters"]),
                           str(printed[1] / "report.pdf"), "-"], check=True, capture_output=True, encoding="utf-8").stdout
    rows = [line.split() for line in text.splitlines() if "低炭素型ものづくり産業振興事業" in line]
    assert [(row[0], row[-2], row[-1]) for row in rows] == [
        ("低炭素型ものづくり産業振興事業（地域産業課事業分）", "地域産業課（新産業創造課", "34"),
        ("低炭素型ものづくり産業振興事業（新産業創造課事業分）", "新産業創造課（地域産業課", "94"),
        ("低炭素型ものづくり産業振興事業（新産業創造課事業分）（再", "新産業創造課（地域産業課", "127")]


@pytest.mark.libreoffice
def test_section_1_pages_hold_what_the_editions_do(printed):
    """Section 1's sub-headings stand after the edition's empty line (Heading 5) and a year of the overview
    is kept on one page: pp. 4–7 hold the edition's lines and start with its lines (p. 5 with 「・これらの
    基金の活用により…」, p. 7 with ＜平成２３年度＞; tools/sample/edition_lines.json)."""
    tool = _edition_lines()
    edition = json.loads(tool.SAMPLE_LINES.read_text(encoding="utf-8"))["pages"]
    ours = tool.read_pdf(printed[1] / "report.pdf")
    pages = tool.our_pages(ours, tool.part_pages(ours))
    assert [(page, len(lines), tool.norm(lines[0])) for page, lines in sorted(pages.items())] == \
        [(page["page"], page["lines"], page["first"]) for page in edition]


@pytest.mark.libreoffice
def test_the_new_projects_summaries_wrap_where_the_editions_layout_does(printed):
    """A ◎ summary wraps at the edition's own width (p. 8: 39 characters, 「未来の地域あきんど…企業会計」);
    the edition's 36-character lines on p. 9 end in a typed break (a trailing space in the seed, as a
    paragraph's end), which no layout rule makes."""
    tool = _edition_lines()
    edition = json.loads(tool.SAMPLE_LINES.read_text(encoding="utf-8"))["widths"]["summaries"]
    ours = tool.read_pdf(printed[1] / "report.pdf")
    wrapped = tool.our_summaries(ours, tool.part_pages(ours))
    assert len(wrapped) == 6 and set(wrapped) == set(edition["wrapped"]) == {39}, wrapped


@pytest.mark.libreoffice
def test_each_chapter_opens_at_the_width_most_of_the_editions_chapters_run(printed):
    """章本文 ends a chapter's opening text as most of the edition's chapter lines run (39 characters: ②, ③
    and ⑤; ① and ④ 40, ⑧ 38, ⑥⑦ 36), short of the cards' 150 mm (40 characters)."""
    from collections import Counter

    tool = _edition_lines()
    edition = json.loads(tool.SAMPLE_LINES.read_text(encoding="utf-8"))["widths"]["chapters"]
    width = Counter(w for chapter in edition for w in chapter["wrapped"]).most_common(1)[0][0]
    ours = tool.read_pdf(printed[1] / "report.pdf")
    chapters = tool.our_chapter_pages(ours, tool.part_pages(ours))
    assert [marks for marks, _widths in chapters] == [chapter["marks"] for chapter in edition]
    for marks, widths in chapters:
        # a line of 40 where LibreOffice hangs or squeezes a mark at its end
        assert widths and Counter(widths).most_common(1)[0][0] == width and max(widths) <= width + 1, (marks, widths)
