"""render_report(): document order, list table, cards, fields and reproducible bytes."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from builders_report import cards, config, multi_year
from reportkit.report.aggregate import aggregate
from reportkit.render import NarrativeError, render_report
from reportkit.inputs.statistics import read_statistics
from reportkit.inputs.year_inputs import read_narratives

FIXTURES = Path(__file__).parent / "fixtures"


def _render(tmp_path: Path, name: str = "report.docx", narratives: Path = FIXTURES / "narratives") -> Path:
    cfg = config()
    out = tmp_path / name
    render_report(aggregate(cfg, cards(), multi_year()), cfg, read_narratives(narratives),
                  read_statistics(FIXTURES / "statistics"), out)
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return _render(tmp_path_factory.mktemp("render"))


def test_headings_in_document_order(rendered):
    doc = Document(str(rendered))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2", "Heading 3")]
    assert [t for _, t in headings[:3]] == ["はじめに", "１　これまでの中小企業振興施策", "（１）４つの基本方針別の主なポイント"]
    texts = [t for _, t in headings]
    assert texts.index("（３）平成２５年度の中小企業振興施策実施状況") < texts.index("①　中小企業の事業活動を担う人材の育成及び確保を図ること")
    assert "３　本県中小企業を取り巻く環境" in texts and "振興基本条例" in texts and "連絡会議設置要綱" in texts


def test_one_card_per_project_plus_reprints_each_on_a_new_page(rendered):
    doc = Document(str(rendered))
    headers = [p for p in doc.paragraphs if p.style.name == "カード見出し"]
    assert len(headers) == 11 + 2
    assert all(p.text == "平成２５年度に実施した中小企業振興施策" for p in headers)
    assert doc.styles["カード見出し"].paragraph_format.page_break_before is True


def test_reprinted_card_names_host_policy_and_carries_reprint_mark(rendered):
    doc = Document(str(rendered))
    names = []
    for table in doc.tables:
        first = table.rows[0].cells[0].text
        if first == "１　基本方針":
            names.append((table.rows[0].cells[1].text, table.rows[1].cells[1].text))
    assert ("中小企業の経営基盤の強化を図ること", "事業A03（再掲）") in names
    assert ("中小企業の事業活動を担う人材の育成及び確保を図ること", "事業A03") in names


def test_the_card_is_the_editions_two_column_form_with_a_26_character_content_column(rendered):
    """Labels on the left, every part's content beside its label in the right column, whose text is
    CONTENT_EM characters of the card's 10.5 pt body wide (the edition's wrapped lines)."""
    from reportkit.render import card as card_module

    doc = Document(str(rendered))
    forms = [t for t in doc.tables if t.rows[0].cells[0].text == "１　基本方針"]
    assert len(forms) == 11 + 2
    labels = ["１　基本方針", "２　事業名", "３　事業内容", "４　事業費（千円）", "５　事業実施結果", "６　事業の経緯",
              "７　担当課・グループ"]
    size = doc.styles["カード文章"].font.size.pt
    for form in forms:
        grid = [int(col.get(qn("w:w"))) for col in form._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[1] == card_module.CONTENT_WIDTH
        text_width = grid[1] - 2 * card_module.CELL_MARGIN
        assert card_module.CONTENT_EM <= text_width / 20 / size < card_module.CONTENT_EM + 0.5
        assert [row.cells[0].text for row in form.rows] == labels
        assert all(len(row.cells) == 2 and row.cells[1].text.strip() for row in form.rows)
    assert card_module.CONTENT_FONT_TWIPS == size * 20


def test_each_prose_part_is_a_section_as_wide_as_its_named_figure(rendered):
    """はじめに, section 1's points and overview, section 3, the ordinance and the rules: each a section
    whose text is PROSE_CHARACTERS of the body text wide; the table pages keep the reference's width."""
    from reportkit.render.document import PROSE_CHARACTERS, PROSE_SLACK_PT

    doc = Document(str(rendered))
    body = doc.styles["本文"].font.size.pt
    widths = [(s.page_width - s.left_margin - s.right_margin) / 12700 for s in doc.sections]  # points
    wanted = {name: chars * body + PROSE_SLACK_PT for name, chars in PROSE_CHARACTERS.items()}
    reference = Document(str(Path(__file__).resolve().parents[1] / "templates" / "reference.docx"))
    full = (reference.sections[0].page_width - reference.sections[0].left_margin
            - reference.sections[0].right_margin) / 12700
    assert widths[1:5] == pytest.approx([wanted["introduction"], full, wanted["section1"], full], abs=0.2)
    assert widths[-3:] == pytest.approx([wanted["section3"], wanted["ordinance"], wanted["liaison"]], abs=0.2)
    assert all(w == pytest.approx(full, abs=0.2) for w in widths[6:-3])  # the chapters and their cards
    section_margins = [(s.left_margin, s.right_margin) for s in doc.sections]
    assert all(left == right for left, right in section_margins)  # centred on the page


def test_list_table_rows_subtotals_and_total(rendered):
    doc = Document(str(rendered))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "基本方針" and len(t.columns) == 10)
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][4] == "H25決算\n（千円）"
    names = [r[1] for r in rows]
    assert "事業C02（再掲）" in names and "④の各事業(再掲）" in names
    labels = [(r[0], r[4]) for r in rows if r[0] in ("小計", "〃 (再掲含む。)")]
    assert ("小計", "6,537") in labels and ("〃 (再掲含む。)", "6,737") in labels and ("〃 (再掲含む。)", "3,300") in labels
    assert rows[-1][0] == "合計" and rows[-1][4] == "13,337"
    a02 = next(r for r in rows if r[1] == "事業A02")
    assert (a02[4], a02[5]) == ("-", "S44-")
    assert rows[2][0] == "・人材育成"


def test_a_joint_project_s_list_row_names_its_division_s_part_and_partner(tmp_path):
    cfg = config()
    joint = cards()
    joint[5] = joint[5].model_copy(update={"project_name": "商店街事業（地域産業課事業分）", "department": "地域産業課"})
    joint[6] = joint[6].model_copy(update={"project_name": "商店街事業"})
    out = tmp_path / "report.docx"
    render_report(aggregate(cfg, joint, multi_year()), cfg, read_narratives(FIXTURES / "narratives"),
                  read_statistics(FIXTURES / "statistics"), out)
    doc = Document(str(out))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "基本方針" and len(t.columns) == 10)
    rows = {row.cells[1].text: row.cells[8].text for row in table.rows}
    assert rows["商店街事業（地域産業課事業分）"] == "地域産業課（商工政策課との連携）"
    assert rows["商店街事業（商工政策課事業分）"] == "商工政策課（地域産業課との連携）"
    assert any(c.text == "商店街事業" for t in doc.tables for row in t.rows for c in row.cells)  # the card's own name


def test_list_table_spans_each_policy_over_the_table_and_sets_measures_20_characters_a_line(rendered):
    """As the edition: each 基本方針 one row across every column, the 施策 beside its projects."""
    from reportkit.render.list_table import CELL_MARGIN, MEASURE_EM, text_pt

    doc = Document(str(rendered))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "基本方針" and len(t.columns) == 10)
    policies = [row for row in table.rows if row.cells[0].text.startswith(("①", "②", "③", "④"))]
    assert len(policies) == 4
    assert all(len({id(c._tc) for c in row.cells}) == 1 for row in policies)  # one cell over all ten columns
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    measure_pt = (grid[0] - 2 * CELL_MARGIN) / 20
    assert MEASURE_EM * text_pt() <= measure_pt < (MEASURE_EM + 1) * text_pt()


def test_fields_and_bookmarks_are_well_formed(rendered):
    xml = zipfile.ZipFile(rendered).read("word/document.xml").decode("utf-8")
    assert xml.count('w:fldCharType="begin"') == xml.count('w:fldCharType="end"') == xml.count('w:fldCharType="separate"')
    assert xml.count("PAGEREF rkA03r2") == 1 and "TOC \\o" in xml
    import re
    ids = re.findall(r'<w:bookmarkStart w:id="(\d+)" w:name="([^"]+)"', xml)
    assert len({i for i, _ in ids}) == len(ids) and len({n for _, n in ids}) == len(ids)
    assert xml.count("<w:bookmarkEnd") == len(ids)


def test_two_renders_give_identical_bytes(tmp_path):
    first = _render(tmp_path, "a.docx").read_bytes()
    second = _render(tmp_path, "b.docx").read_bytes()
    assert first == second


def test_unknown_placeholder_is_an_error(tmp_path):
    folder = tmp_path / "narratives"
    folder.mkdir()
    for path in (FIXTURES / "narratives").iterdir():
        (folder / path.name).write_text(path.read_text("utf-8"), "utf-8")
    (folder / "introduction.md.j2").write_text("{{ nosuch }}", "utf-8")
    with pytest.raises(NarrativeError, match="nosuch"):
        _render(tmp_path, narratives=folder)


def test_xml_invalid_characters_are_stripped(tmp_path):
    from reportkit.render.fields import clean

    assert clean("a\x00b\x0bc\ufffe") == "abc"


def _render_with(tmp_path: Path, **options) -> tuple[Path, dict]:
    cfg = config()
    out = tmp_path / "report.docx"
    plan = render_report(aggregate(cfg, cards(), multi_year()), cfg,
                         read_narratives(FIXTURES / "narratives"), read_statistics(FIXTURES / "statistics"),
                         out, **options)
    return out, plan


def test_update_fields_is_set_only_when_pages_will_not_be_measured(tmp_path):
    asked, _ = _render_with(tmp_path / "a", update_fields_on_open=True)
    assert b"w:updateFields" in zipfile.ZipFile(asked).read("word/settings.xml")
    measured, _ = _render_with(tmp_path / "b", update_fields_on_open=False)
    assert b"w:updateFields" not in zipfile.ZipFile(measured).read("word/settings.xml")


def test_update_fields_set_on_the_saved_file_gives_the_bytes_of_rendering_with_it(tmp_path):
    from reportkit.render.package import set_update_fields

    asked, _ = _render_with(tmp_path / "a", update_fields_on_open=True)
    later, _ = _render_with(tmp_path / "b", update_fields_on_open=False)
    set_update_fields(later)  # what build does when the LibreOffice pass fails
    assert later.read_bytes() == asked.read_bytes()


def test_render_returns_a_page_plan_with_one_page_per_card_and_odd_chapter_starts(tmp_path):
    cfg = config()
    report = aggregate(cfg, cards(), multi_year())
    _, plan = _render_with(tmp_path, update_fields_on_open=False)
    assert plan["rkh001"] == 1
    for chapter in report.chapters:
        card_pages = [plan[row.bookmark] for row in chapter.rows]
        assert card_pages[0] % 2 == 0  # the chapter's narrative page is odd, its first card follows
        assert card_pages == list(range(card_pages[0], card_pages[0] + len(card_pages)))


def test_list_table_period_past_the_era_is_printed_as_the_edition_did():
    from reportkit.report.printed import period

    assert period(1968, 2023, 2013) == "S43-Ｈ35"  # 近代化診断事業
    assert period(2011, 2026, 2013) == "23-38"
    assert period(1992, 2019, 2013) == "4-31"
    assert period(1969, 2017, 2013) == "S44-29"
    assert period(2019, 2021, 2020) == "1-3"


def test_list_table_columns_fit_their_longest_figures_and_header_lines(rendered):
    """決算, 事業期間 and ページ hold their longest value on one line, every header line fits (「ページ」)."""
    from reportkit.render.estimate import figure_width_pt
    from reportkit.render.list_table import CELL_MARGIN, COST, PERIOD, header_pt, text_pt

    doc = Document(str(rendered))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "基本方針" and len(t.columns) == 10)
    grid = [(int(col.get(qn("w:w"))) - 2 * CELL_MARGIN) / 20 for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    for column in (COST, PERIOD):
        values = {row.cells[column].text for row in table.rows[1:]
                  if row.cells[column]._tc is not row.cells[0]._tc} - {""}  # not 基本方針's row
        assert values and all(figure_width_pt(v, text_pt()) <= grid[column] for v in values)
    for column, cell in enumerate(table.rows[0].cells):
        if column:  # 基本方針 over the 施策 column
            assert all(figure_width_pt(line, header_pt()) <= grid[column] for line in cell.text.split("\n")), cell.text


def test_list_table_cost_column_grows_with_the_year_s_largest_amount():
    """A year whose total runs to eleven digits widens 決算 by rule, at 事業名's expense."""
    from dataclasses import replace

    from reportkit.render.list_table import COST, NAME, column_widths

    report = aggregate(config(), cards(), multi_year())
    bigger = replace(report, total=replace(report.total, amount=98_765_432_100))
    narrow, wide = column_widths(10886, report), column_widths(10886, bigger)
    assert wide[COST] > narrow[COST] and wide[NAME] < narrow[NAME] and sum(wide) == sum(narrow) == 10886


def test_every_pageref_caches_its_planned_page(tmp_path):
    """Every PAGEREF (list table, new projects, TOC) targets a planned bookmark and shows its planned page."""
    import re

    out, plan = _render_with(tmp_path, update_fields_on_open=False)
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    fields = re.findall(r"PAGEREF (\S+) \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
                        r"<w:r><w:t>([^<]*)</w:t>", xml)
    assert len(fields) == xml.count("PAGEREF ")
    assert {name for name, _ in fields} <= set(plan)
    assert all(cached == str(plan[name]) for name, cached in fields)
    assert all(name in plan for name in re.findall(r'w:name="(rkh\d+)"', xml))  # every TOC heading


def test_plan_flow_starts_an_odd_run_on_an_odd_page():
    from reportkit.render.estimate import plan_flow

    runs = [(100.0, 100.0), (50.0, 100.0), (50.0, 100.0)]  # one page each
    marks = {"a": (0, 0.0), "b": (1, 0.0), "c": (2, 0.0)}
    assert plan_flow(runs, marks, 1, frozenset({1})) == ({"a": 1, "b": 3, "c": 4}, 5)
    assert plan_flow(runs, marks, 1, frozenset({2})) == ({"a": 1, "b": 2, "c": 3}, 4)


def test_plan_flow_runs_start_on_new_pages_and_headings_on_the_page_their_run_has_reached():
    from reportkit.render.estimate import plan_flow

    runs = [(100, 700), (900, 700), (0, 700), (1500, 760)]
    marks = {"a": (0, 0), "b": (1, 0), "c": (1, 750), "d": (3, 800)}
    plan, next_page = plan_flow(runs, marks, 1)
    assert plan == {"a": 1, "b": 2, "c": 3, "d": 5}
    assert next_page == 1 + 1 + 2 + 0 + 2


# -- line breaks typed in a cell (Alt+Enter), wherever the text is printed ------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _justified_styles(doc) -> set[str]:
    """Style ids whose paragraphs are justified (jc both/distribute), following basedOn."""
    by_id = {s.get(f"{W}styleId"): s for s in doc.styles.element.findall(f"{W}style")}

    def jc(style_id: str | None) -> str:
        style = by_id.get(style_id)
        if style is None:
            return ""
        own = style.find(f"{W}pPr/{W}jc")
        if own is not None:
            return own.get(f"{W}val")
        based = style.find(f"{W}basedOn")
        return jc(based.get(f"{W}val") if based is not None else None)

    return {sid for sid in by_id if jc(sid) in ("both", "distribute")}


def test_line_breaks_typed_in_cells_never_stretch_a_justified_line(tmp_path):
    from builders_report import card as make_card
    from reportkit.model import FreeRow, HistoryEntry, ResultRow, ResultsTable

    broken = make_card(
        "Z01", 1, "人材育成", 1000, project_name="甲事業\n乙事業", description="段落一\r\n段落二_x000D_\n段落三",
        group="金融\nグループ", new_listing="◎", new_summary="概要の一行目\n概要の二行目",
        progress=ResultsTable(caption="実績\n（経過）", rows=[ResultRow(item="相談\n件数", value="10件\n100千円")]),
        results_free=[FreeRow(kind="見出し", cells=["○設置状況\n(注)"]), FreeRow(kind="文", cells=["一文目\n二文目"])],
        history=[HistoryEntry(year="平成２２年度", event="制度\n創設", former_name="旧\n事業", reason="理由一\n理由二")])
    cfg = config()
    out = tmp_path / "breaks.docx"
    render_report(aggregate(cfg, cards() + [broken], multi_year()), cfg, read_narratives(FIXTURES / "narratives"),
                  read_statistics(FIXTURES / "statistics"), out)
    doc = Document(str(out))
    justified = _justified_styles(doc)
    body = doc.element.body
    # cell text: the cards and tables, and the new-projects list (narratives are Markdown: theirs to break)
    new_list = {doc.styles["新規事業"].style_id, doc.styles["新規事業概要"].style_id}
    printed = [p for table in body.iter(f"{W}tbl") for p in table.iter(f"{W}p")]
    printed += [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None
                and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in new_list]
    stretched = [p for p in printed
                 if (p.find(f"{W}pPr/{W}pStyle") is not None
                     and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in justified
                     and any(br.get(f"{W}type") in (None, "textWrapping") for br in p.iter(f"{W}br")))]
    assert [("".join(t.text for t in p.iter(f"{W}t"))) for p in stretched] == []
    texts = [p.text for p in doc.paragraphs]
    summary = [p.text for p in doc.paragraphs if p.style.name == "新規事業概要"]
    assert "概要の一行目" in summary and "概要の二行目" in summary
    card_texts = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for line in ("甲事業", "乙事業", "段落一", "段落二", "段落三", "実績", "（経過）", "○設置状況", "一文目", "二文目",
                 "平成２２年度　制度", "創設", "「旧事業」", "理由一", "理由二"):
        assert line in card_texts, line
    assert not any("_x000D_" in t or "\r" in t for t in texts + card_texts)
    settings = doc.settings.element
    assert settings.find(f"{W}compat/{W}doNotExpandShiftReturn") is not None


def _with_liaison(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "narratives"
    shutil.copytree(FIXTURES / "narratives", folder)
    (folder / "section4_liaison.md").write_text(text, "utf-8")
    return _render(tmp_path, narratives=folder)


LIAISON = """## 連絡会議設置要綱

### （連絡会議の所掌事務）

第２　連絡会議は、次に掲げる事項を推進する。

1. 情報収集、意見交換を促進する。

2. 気運の醸成を図る。

（３）その他必要な事項を推進する。

### 別表

| 部局名 | 課名 | 備考 |
| --- | --- | --- |
| 総務部 | 財政課 | 常任 |
| 農林水産部 | 農林水産政策課 | ^ |
|  | 総合販売戦略課 | < |
| 教育庁 | 教育政策課 | 任意 |
"""


def test_pipe_table_is_a_word_table_with_merged_cells(tmp_path):
    from docx.oxml.ns import qn

    doc = Document(str(_with_liaison(tmp_path, LIAISON)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "部局名")
    rows = table._tbl.tr_lst
    texts = [[tc.xpath("string(.)") for tc in tr.tc_lst] for tr in rows]
    assert texts == [["部局名", "課名", "備考"], ["総務部", "財政課", "常任"], ["農林水産部", "農林水産政策課", ""],
                     ["", "総合販売戦略課"], ["教育庁", "教育政策課", "任意"]]
    merges = [[(tc.tcPr.find(qn("w:vMerge")).get(qn("w:val"), "continue") if tc.tcPr.find(qn("w:vMerge")) is not None
                else None, tc.grid_span) for tc in tr.tc_lst] for tr in rows]
    assert merges[1][2] == ("restart", 1) and merges[2][2] == ("continue", 1)  # ^ continues 常任
    assert merges[2][0] == ("restart", 1) and merges[3][0] == ("continue", 1)  # empty 部局名: 農林水産部
    assert merges[3][1] == (None, 2)  # < widens 総合販売戦略課 over 備考
    assert table.style.name == "Table Grid"
    assert [p.style.name for p in table.rows[0].cells[0].paragraphs] == ["表見出し"]
    assert [p.style.name for p in table.rows[1].cells[0].paragraphs] == ["表文字"]
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "| ---" not in body and "| 総務部" not in body


def test_numbered_items_keep_their_numbers(tmp_path):
    doc = Document(str(_with_liaison(tmp_path, LIAISON)))
    texts = [p.text for p in doc.paragraphs]
    assert "1. 情報収集、意見交換を促進する。" in texts and "2. 気運の醸成を図る。" in texts
    assert "（３）その他必要な事項を推進する。" in texts
    assert "・情報収集、意見交換を促進する。" not in texts


def _reference_with(tmp_path: Path, replace: tuple[str, str]) -> Path:
    """A copy of reference.docx with one edit to word/styles.xml, as Word would save it."""
    from reportkit.render.styles import REFERENCE_DOCX

    copy = tmp_path / "reference.docx"
    with zipfile.ZipFile(REFERENCE_DOCX) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                text = data.decode("utf-8")
                assert text.count(replace[0]) == 1
                data = text.replace(*replace).encode("utf-8")
            target.writestr(item, data)
    return copy


def test_the_page_plan_reads_font_sizes_from_reference_docx():
    from reportkit.render import estimate, list_table, tables
    from reportkit.render import styles as s

    assert (tables.table_pt(), tables.figures_pt()) == (s.style_size_pt(s.TABLE_TEXT), s.style_size_pt(s.FIGURES)) == (9.0, 8.0)
    assert (list_table.text_pt(), list_table.header_pt()) == (6.0, 6.0)
    assert [estimate.heading_font_pt(level) for level in (1, 2, 3)] == [14.0, 12.0, 11.0]
    body = s.style_figures(s.BODY)
    assert (body.size, body.spacing, body.exact_line) == (10.5, 0.0, 18.0)
    assert s.style_figures(s.CAPTION).spacing == 12.0


def test_a_style_edited_in_word_changes_what_the_plan_reads(tmp_path):
    import re

    from reportkit.render import styles as s

    with zipfile.ZipFile(s.REFERENCE_DOCX) as package:
        xml = package.read("word/styles.xml").decode("utf-8")
    style = re.search(r'<w:style [^>]*w:styleId="[^"]+"[^>]*>(?:(?!</w:style>).)*?<w:name w:val="表数値小"/>'
                      r'(?:(?!</w:style>).)*?</w:style>', xml).group(0)
    size = re.search(r'<w:sz w:val="\d+"/>', style).group(0)
    edited = _reference_with(tmp_path, (style, style.replace(size, '<w:sz w:val="19"/>')))
    assert s.style_size_pt(s.FIGURES, edited) == 9.5
    assert s.style_size_pt(s.FIGURES) == 8.0  # the project's reference.docx is untouched
    assert s.style_size_pt(s.TABLE_TEXT, edited) == 9.0  # other styles keep theirs


def test_the_report_carries_the_line_breaking_rules_that_keep_numbers_whole(rendered):
    """settings.xml: no line starts with a full-width digit or closing mark (ja-JP); the page pass hands
    the same characters to LibreOffice, whose import of a .docx leaves them out."""
    from reportkit.word.facts import kinsoku_settings

    before, after = kinsoku_settings(rendered)["ja-JP"]
    assert set("０１２３４５６７８９、。」）％") <= set(before)
    assert set("「（") <= set(after) and not set("０１２３４５６７８９") & set(after)
    xml = zipfile.ZipFile(rendered).read("word/settings.xml").decode("utf-8")
    assert xml.index("<w:noLineBreaksAfter") < xml.index("<w:noLineBreaksBefore") < xml.index("<w:savePreviewPicture")


def test_the_page_pass_gets_the_charts_descriptions_and_line_breaking_rules_as_data(rendered):
    """word.facts reads what Writer's .docx import drops, for the UNO helper (which reads no Word XML)."""
    import json

    from reportkit.word.facts import layout_facts

    facts = json.loads(json.dumps(layout_facts(rendered)))  # what the helper reads back
    xml = zipfile.ZipFile(rendered).read("word/document.xml").decode("utf-8")
    assert len(facts["charts"]) == xml.count('uri="http://schemas.openxmlformats.org/drawingml/2006/chart"') >= 1
    assert all(facts["charts"]) and "ja-JP" in facts["kinsoku"]


def _card_tables(rendered, first_header: str, second_header: str):
    """Tables (nested in a card's form too) whose first two head cells read as given."""
    from docx.table import Table

    doc = Document(str(rendered))
    tables = [Table(element, doc) for element in doc.element.body.iter(qn("w:tbl"))]
    return [t for t in tables if [c.text for c in t.rows[0].cells[:2]] == [first_header, second_header]]


def test_a_results_table_gives_its_items_the_room_its_figures_leave(rendered):
    """件数・金額など as wide as its widest value or head on one line, 項目名 the rest; figures right-aligned."""
    from reportkit.render.card import CONTENT_WIDTH, CELL_MARGIN, INNER_MARGIN, cell_pt
    from reportkit.render.estimate import figure_width_pt

    from reportkit.model import DEFAULT_HEADERS

    table = _card_tables(rendered, *DEFAULT_HEADERS)[0]
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == CONTENT_WIDTH - 2 * CELL_MARGIN
    need = (figure_width_pt(DEFAULT_HEADERS[1], cell_pt()) + 1) * 20 + 2 * INNER_MARGIN
    assert need - 20 <= grid[1] <= need + 20 and grid[0] > 2 * grid[1]
    values = {row.cells[1].text: row.cells[1].paragraphs[0].style.name for row in table.rows[1:]
              if row.cells[1]._tc is not row.cells[0]._tc}
    assert values["１２０件"] == values["４０件"] == "カード表数値"


def test_a_card_s_own_table_sets_its_columns_as_their_cells_need(rendered):
    """区分 / 団体数 / 経営指導員: every cell on one line, not three equal columns; figures right-aligned."""
    table = _card_tables(rendered, "区分", "団体数")[0]
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(set(grid)) == 3 and grid[0] > grid[1]  # 「商工会議所」 wider than 「団体数」
    row = table.rows[1]
    assert [p.style.name for c in row.cells for p in c.paragraphs] == ["カード表文字", "カード表数値", "カード表数値"]


def test_free_widths_keep_figures_whole_when_the_text_cannot_all_fit():
    from reportkit.render.card import _need, free_widths

    names = ["区分"] + ["商工会議所・商工会連合会・中小企業団体中央会の指導員"] * 3
    widths = free_widths([names, ["団体数", "7", "42", "115"], ["経営指導員", "42人", "73人", "1,150人"]], 5284)
    assert sum(widths) == 5284 and widths[1] < widths[0] and widths[2] < widths[0]
    assert widths[1] == _need(["団体数", "7", "42", "115"]) and widths[2] == _need(["経営指導員", "1,150人"])


def test_a_one_line_field_one_character_over_the_column_is_condensed_not_wrapped(tmp_path):
    """「…環境・エネルギー産業振興グループ」 (27 characters in the 26-character column) on one line, closer set."""
    import re

    from builders_report import card

    cfg = config()
    out = tmp_path / "r.docx"
    long_group = card("A01", 1, "人材育成", 10, department="エネルギー開発振興課", group="環境・エネルギー産業振興グループ")
    render_report(aggregate(cfg, [long_group], multi_year()), cfg, read_narratives(FIXTURES / "narratives"),
                  read_statistics(FIXTURES / "statistics"), out)
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    spacing = re.search(r'<w:spacing w:val="(-\d+)"/></w:rPr><w:t xml:space="preserve">エネルギー開発振興課　環境', xml)
    assert spacing and -20 < int(spacing.group(1)) < 0


def test_a_sub_heading_keeps_its_text_with_the_figure_it_introduces():
    """Blocks from a heading through its text to its table or figure are kept (keep-with-next); text after
    the figure, or a heading with no figure before the next heading, is not."""
    from reportkit.render.narratives import _kept_with_object

    blocks = [("heading", "（１）"), ("paragraph", "a"), ("table", "4-1"), ("paragraph", "after"),
              ("heading", "（２）"), ("paragraph", "b"), ("heading", "（３）"), ("paragraph", "c"),
              ("bullet", "d"), ("figure", "4-1")]
    assert _kept_with_object(blocks) == ({0, 1, 2, 6, 7, 8, 9}, {2, 9})


def test_a_whole_sub_heading_keeps_all_it_heads_on_one_page():
    """``whole`` (section 1's overview, a year a sub-heading): every block from a heading up to the next but
    the last keeps with the next, and the page plan moves each run whole from its last block."""
    from reportkit.render.narratives import _kept_with_object

    blocks = [("paragraph", "lead"), ("heading", "＜平成１９年度＞"), ("bullet", "a"), ("bullet", "b"),
              ("heading", "＜平成２０年度＞"), ("bullet", "c"), ("heading", "＜平成２１年度＞")]
    assert _kept_with_object(blocks, whole=True) == ({1, 2, 4}, {3, 5})
    assert _kept_with_object(blocks) == (set(), set())


def test_an_item_keeps_its_lines_together_and_the_plan_moves_it_whole():
    """箇条書き has w:keepLines in reference.docx; the page plan puts an item that would run over a page
    end on the next page, as Word and LibreOffice do."""
    from reportkit.render import styles as s

    assert s.style_figures(s.BULLET).keep_lines and not s.style_figures(s.BODY).keep_lines


def _ids():
    from reportkit.render import styles as s
    from reportkit.render.fast_table import StyleIds

    return StyleIds(Document(str(s.REFERENCE_DOCX)))


def test_a_narrative_table_centres_a_merged_cell_and_keeps_its_text_off_the_rules():
    """The rules' 別表: 部局 over several rows sits in their middle; every cell has air above and below."""
    from reportkit.render.estimate import CELL_AIR
    from reportkit.render.narratives import table_xml

    xml, _height = table_xml(_ids(), [["部局", "職名"], ["商工労働部", "部長"], ["", "次長"], ["農林水産部", "部長"]], 8500)
    assert xml.count('<w:vMerge w:val="restart"/><w:vAlign w:val="center"/>') == 1
    assert f'<w:top w:w="{CELL_AIR}" w:type="dxa"/>' in xml and CELL_AIR >= 30


def test_a_statistics_table_too_tight_for_its_heads_sets_them_in_the_smaller_type():
    """表４－１: nine columns in 37 em; at 9 pt 「（人）」 would wrap, so heads and figures take 8 pt."""
    from reportkit.render import styles as s
    from reportkit.render.tables import _statistics_table

    header = [["", "事業所数", "<", "<", "従業者数", "<", "<", "1事業所当たり従業者数", "<", "<"],
              ["^", "21", "24", "増減率\n（%）", "21\n（人）", "24\n（人）", "増減率\n（%）", "21\n（人）", "24\n（人）", "増減"]]
    rows = [["区分", "a", "b", "c", "d", "e", "f", "g", "h", "i"],
            ["全国", "6199222", "5768490", "-6.9", "58442129", "55838266", "-4.5", "9.9", "10.2", "0.3"]]
    ids = _ids()
    xml, _height = _statistics_table(ids, rows, int(37 * 10.5 * 20), header)
    assert f'w:val="{ids[s.TABLE_HEADER_SMALL]}"' in xml and f'w:val="{ids[s.TABLE_HEADER]}"' not in xml
    xml, _height = _statistics_table(ids, [["年", "人口"], ["平成18年", "1423412"]], int(37 * 10.5 * 20))
    assert f'w:val="{ids[s.TABLE_HEADER]}"' in xml  # room enough: the edition's 9 pt


def test_the_new_projects_list_names_the_regional_office_the_group_ends_with(tmp_path):
    """「地域産業支援グループ（三八地域県民局）」: the entry reads 「［地域産業課(三八地域県民局)］」, as the edition."""
    from builders_report import card

    cfg = config()
    out = tmp_path / "r.docx"
    regional = card("A01", 1, "人材育成", 10, department="地域産業課", group="地域産業支援グループ（三八地域県民局）",
                    new_listing="・")
    plain_group = card("A02", 1, "人材育成", 10, new_listing="・")
    render_report(aggregate(cfg, [regional, plain_group], multi_year()), cfg, read_narratives(FIXTURES / "narratives"),
                  read_statistics(FIXTURES / "statistics"), out)
    entries = [p.text for p in Document(str(out)).paragraphs if p.style.name == "新規事業"]
    assert any("事業A01［地域産業課(三八地域県民局)］（" in text for text in entries), entries
    assert any("事業A02［商工政策課］（" in text for text in entries), entries


def test_a_card_paragraph_that_opens_with_a_bracket_or_an_item_mark_starts_at_the_margin(tmp_path):
    """The edition sets 事業内容 one character in, but a paragraph that opens with 「, （１）, ①, ・ … from the
    margin (「（１）若手技術者等を対象とした…」); a history reason likewise."""
    from reportkit.model import HistoryEntry

    cfg = config()
    own = cards()
    own[1] = own[1].model_copy(update={
        "description": "県内企業を支援した。\n（１）研修の開催\n① 相談会\n「指針」の実現\n４．５％の増加を見込む。",
        "history": [HistoryEntry(year="平成２４年度", event="事業創設", reason="・就職力向上を図るため。\n人材育成のため。")]})
    out = tmp_path / "report.docx"
    render_report(aggregate(cfg, own, multi_year()), cfg, read_narratives(FIXTURES / "narratives"),
                  read_statistics(FIXTURES / "statistics"), out)
    styles_of = {}
    for table in Document(str(out)).tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    styles_of.setdefault(paragraph.text, paragraph.style.name)
    assert styles_of["県内企業を支援した。"] == "カード文章"  # one character in (firstLine 1 em)
    assert styles_of["（１）研修の開催"] == styles_of["① 相談会"] == styles_of["「指針」の実現"] == "カード本文"
    assert styles_of["４．５％の増加を見込む。"] == "カード文章"  # a figure, not an item 「４．」
    assert styles_of["・就職力向上を図るため。"] == "カード経緯" and styles_of["人材育成のため。"] == "カード経緯理由"
    hangs = {}
    for paragraph in Document(str(out)).element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        ind = paragraph.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        if text in ("① 相談会", "（１）研修の開催"):
            hangs[text] = None if ind is None else (ind.get(qn("w:left")), ind.get(qn("w:hanging")))
    assert hangs == {"① 相談会": ("315", "315"), "（１）研修の開催": None}  # 「① 」: 1½ em of 10.5 pt
