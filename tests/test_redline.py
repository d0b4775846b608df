"""redline: this year's report with last year's differences as tracked changes, paired as the diff pairs projects.

Two years built as a round builds them (rollover, clerks' edits): a renamed project, a changed cost,
a moved one, an ended one and a new one in the same measure, a new one elsewhere, a changed results
row, a changed narrative paragraph, a changed ruby reading. The tracked changes are checked field by field, and "accept all"
/ "reject all" (done here on the XML as Word does them) against the two reports' paragraphs.
"""

from __future__ import annotations

import builtins
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from lxml import etree

from reportkit.cli import main as cli
from reportkit.report.build import build_report
from reportkit.inputs.config import load_config
from reportkit.errors import ReportkitError
from reportkit.report.printed import zen
from reportkit.render.tracked import text_of
from reportkit.workbook.template import write_workbook
from reportkit.yoy.redline import build_date, redline

from yoy_helpers import make_two_years

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NEW_IN_ENDED_MEASURE = "NEW-901"
NARRATIVE_OLD, NARRATIVE_NEW = "本県が９．０％減", "本県が８．５％減"
RUBY_OLD, RUBY_NEW = "ひら", "たく"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    base = tmp_path_factory.mktemp("redline")
    year1, year2, edits = make_two_years(base)
    config = load_config(year2)
    dropped = edits["dropped"]
    write_workbook(config, year2 / "cards" / "901_同じ施策の新規事業.xlsx", {  # where the ended one stood
        "project_id": NEW_IN_ENDED_MEASURE, "policy": dropped.policy, "measure": dropped.measure,
        "project_name": "地域公共交通ネットワーク再編支援事業", "description": "地域公共交通の再編を支援した。",
        "cost": 238, "department": config.divisions[1], "period_start": "平成26年度"})
    narrative = year2 / "narratives" / "section3.docx"
    document = docx.Document(narrative)
    paragraph = next(p for p in document.paragraphs if NARRATIVE_OLD in p.text)
    assert len(paragraph.runs) == 1
    paragraph.runs[0].text = paragraph.runs[0].text.replace(NARRATIVE_OLD, NARRATIVE_NEW)
    document.save(narrative)
    ordinance = year2 / "narratives" / "section4_ordinance.docx"  # the ruby of 拓 read たく instead of ひら
    document = docx.Document(ordinance)
    (reading,) = [t for rt in document.element.body.iter(w("rt")) for t in rt.iter(w("t"))]
    assert reading.text == RUBY_OLD
    reading.text = RUBY_NEW
    document.save(ordinance)
    old, new = base / "out1", base / "out2"
    build_report(year1, old, page_numbers=False)
    build_report(year2, new, page_numbers=False)
    out = base / "diff"
    assert cli.main(["diff", str(old), str(new), "-o", str(out), "--redline"]) == 0
    return old, new, out / "redline.docx", edits


def _root(path: Path):
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))


def _resolve(root, keep: str):
    """Accept all (keep "ins") or reject all (keep "del") on the document's XML, as Word does."""
    drop = "del" if keep == "ins" else "ins"
    for row in list(root.iter(w("tr"))):
        if row.find(f"{w('trPr')}/{w(drop)}") is not None:
            row.getparent().remove(row)
    for paragraph in list(root.iter(w("p"))):
        if paragraph.find(f"{w('pPr')}/{w('rPr')}/{w(drop)}") is not None and paragraph.getparent() is not None:
            assert text_of(paragraph).strip() == "" or paragraph.find(f".//{w(drop)}") is not None
            paragraph.getparent().remove(paragraph)
    for element in list(root.iter(w(drop))):
        if element.getparent() is not None and element.getparent().tag not in (w("rPr"), w("trPr")):
            element.getparent().remove(element)
    for element in list(root.iter(w(keep))):
        parent = element.getparent()
        if parent.tag not in (w("rPr"), w("trPr")):
            for child in list(element):
                element.addprevious(child)
        parent.remove(element)
    for node in root.iter(w("delText")):
        node.tag = w("t")
    for node in root.iter(w("delInstrText")):
        node.tag = w("instrText")
    return root


def _paragraphs(root) -> list[str]:
    return [text_of(p) for p in root.iter(w("p"))]


def _card(root, project_id: str):
    """The header paragraph and table of a card, by its bookmark."""
    name = "rk" + project_id.replace("-", "")
    start = next(root.iter(w("bookmarkStart")), None)
    for start in root.iter(w("bookmarkStart")):
        if start.get(w("name")) == name:
            header = start.getparent()
            return header, header.getnext()
    raise AssertionError(f"no card {name}")


def _field(table, label: str):
    """The content cell of a card's row (``２　事業名`` …)."""
    for row in table.findall(w("tr")):
        cells = row.findall(w("tc"))
        if text_of(cells[0]) == label:
            return cells[1]
    raise AssertionError(label)


def _deleted(element) -> list[str]:
    return ["".join(t.text or "" for t in d.iter(w("delText"))) for d in element.iter(w("del"))
            if d.getparent().tag != w("rPr")]


def _inserted(element) -> list[str]:
    return ["".join(t.text or "" for t in i.iter(w("t"))) for i in element.iter(w("ins"))
            if i.getparent().tag not in (w("rPr"), w("trPr"))]


def test_accept_all_gives_this_years_report(round_):
    old, new, red, _ = round_
    assert _paragraphs(_resolve(_root(red), "ins")) == _paragraphs(_root(new / "report.docx"))


def test_reject_all_gives_last_years_report_the_moved_card_at_its_new_place(round_):
    old, new, red, edits = round_
    rejected = _paragraphs(_resolve(_root(red), "del"))
    last_year = _paragraphs(_root(old / "report.docx"))
    assert Counter(rejected) == Counter(last_year)
    last_root = _root(old / "report.docx")
    header, table = _card(last_root, edits["moved"].project_id)
    bookmark = "rk" + edits["moved"].project_id.replace("-", "")
    row = next(r for r in last_root.iter(w("tr")) if any(bookmark in (i.text or "") for i in r.iter(w("instrText"))))
    moved = set(_paragraphs(table)) | set(_paragraphs(row)) | {text_of(header)}

    def rest(paragraphs):
        return [p for p in paragraphs if p not in moved and edits["moved"].project_name not in p]

    assert rest(rejected) == rest(last_year)


def test_a_changed_cost_is_the_old_figure_deleted_and_the_new_inserted(round_):
    _, _, red, edits = round_
    _, table = _card(_root(red), edits["cost"].project_id)
    cost = _field(table, "４　事業費（千円）")
    assert _deleted(cost) == [zen(edits["cost"].cost)]
    assert _inserted(cost) == [zen(edits["cost"].cost + 500)]
    assert _deleted(_field(table, "３　事業内容")) == [] and _inserted(_field(table, "２　事業名")) == []


def test_a_renamed_project_is_one_card_with_its_name_changed(round_):
    _, _, red, edits = round_
    root = _root(red)
    _, table = _card(root, "NEW-001")
    name = _field(table, "２　事業名")
    assert len(_deleted(name)) == 1 and len(_inserted(name)) == 1
    accepted, rejected = (_resolve(etree.fromstring(etree.tostring(name)), keep) for keep in ("ins", "del"))
    assert text_of(accepted) == "訓練校指導員研修事業"
    assert text_of(rejected) == edits["renamed"].project_name
    assert table.find(f"{w('tr')}/{w('trPr')}/{w('ins')}") is None  # not a card inserted whole
    assert _inserted(_field(table, "６　事業の経緯"))  # the 事業名変更 entry of its history


def test_an_ended_project_is_deleted_whole_and_a_new_one_in_its_measure_inserted_whole(round_):
    _, _, red, edits = round_
    root = _root(red)
    tables = {text_of(t): t for t in root.findall(f"{w('body')}/{w('tbl')}") if text_of(t).startswith("１　基本方針")}
    ended = next(t for text, t in tables.items() if edits["dropped"].project_name in text)
    added = next(t for text, t in tables.items() if "地域公共交通ネットワーク再編支援事業" in text)
    for table, kind, other in ((ended, "del", "ins"), (added, "ins", "del")):
        rows = table.findall(w("tr"))
        assert all(row.find(f"{w('trPr')}/{w(kind)}") is not None for row in rows)
        assert not list(table.iter(w(other)))  # nothing of the other card mixed in
        texts = [t for t in table.iter(w("t"), w("delText")) if t.text]
        assert all(t.getparent().getparent().tag == w(kind) for t in texts)
    assert "".join(_deleted(ended)).count(zen(edits["dropped"].cost)) == 1
    assert zen(238) in _inserted(added)
    body = list(root.find(w("body")))
    assert body.index(ended) < body.index(added)  # the ended card at its old place, before the new one


def test_a_moved_card_is_compared_at_its_new_place_with_a_note_where_it_stood(round_):
    _, new, red, edits = round_
    root = _root(red)
    header, table = _card(root, edits["moved"].project_id)
    assert table.find(f"{w('tr')}/{w('trPr')}/{w('ins')}") is None
    notes = [p for p in root.iter(w("p")) if "【移動】" in text_of(p)]
    assert len(notes) == 1 and edits["moved"].project_name in text_of(notes[0])
    note = notes[0]
    assert note.find(f"{w('ins')}/{w('del')}") is not None  # gone whether accepted or rejected
    body = list(root.find(w("body")))
    assert body.index(note) < body.index(header)  # it stood before (the other measure comes later)


def test_a_changed_results_row_shows_the_old_and_new_value(round_):
    _, _, red, edits = round_
    _, table = _card(_root(red), edits["results"].project_id)
    results = _field(table, "５　事業実施結果")
    assert _deleted(results) == [edits["results_old"]] and _inserted(results) == ["９９回"]


def test_a_changed_narrative_paragraph_shows_only_the_changed_words(round_):
    _, _, red, _ = round_
    paragraph = next(p for p in _root(red).iter(w("p")) if "８．５" in _inserted(p))
    assert _deleted(paragraph) == ["９．０"] and _inserted(paragraph) == ["８．５"]


def test_a_changed_reading_is_the_old_ruby_deleted_and_the_new_inserted(round_):
    _, _, red, _ = round_
    paragraph = next(p for p in _root(red).iter(w("p")) if "２１世紀の中で確かな未来を" in text_of(p))  # the ordinance
    assert _deleted(paragraph) == [RUBY_OLD + "拓"] and _inserted(paragraph) == [RUBY_NEW + "拓"]  # w:rt, then its base
    for keep, reading in (("ins", RUBY_NEW), ("del", RUBY_OLD)):
        resolved = _resolve(etree.fromstring(etree.tostring(paragraph)), keep)
        assert [text_of(rt) for rt in resolved.iter(w("rt"))] == [reading]


def test_the_list_table_subtotal_and_the_multi_year_table_change(round_):
    old, new, red, edits = round_
    root = _root(red)
    subtotals = [row for row in root.iter(w("tr")) if "小計" in text_of(row) and _deleted(row)]
    assert subtotals, "a changed 小計 row"
    rows = [row for row in root.iter(w("tr")) if edits["dropped"].project_name in text_of(row)
            and row.find(f"{w('trPr')}/{w('del')}") is not None and list(row.iter(w("delInstrText")))]
    assert len(rows) == 1  # the ended project's list row, deleted
    target = next(i.text for i in rows[0].iter(w("delInstrText")) if "PAGEREF" in i.text).split()[1]
    starts = [b for b in root.iter(w("bookmarkStart")) if b.get(w("name")) == target]
    assert len(starts) == 1  # its page still refers to the ended card, deleted too, not to nothing
    assert starts[0].getparent().find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None
    names = [b.get(w("name")) for b in root.iter(w("bookmarkStart"))]
    ids = [b.get(w("id")) for b in root.iter(w("bookmarkStart"))]
    assert len(names) == len(set(names)) and len(ids) == len(set(ids))


def test_every_change_is_by_the_author_on_the_build_date(round_):
    _, new, red, _ = round_
    marks = [e for e in _root(red).iter(w("ins"), w("del"))]
    assert marks
    assert {m.get(w("author")) for m in marks} == {"事務局"}
    assert {m.get(w("date")) for m in marks} == {build_date(new / "report.docx")}
    ids = [m.get(w("id")) for m in marks]
    assert len(ids) == len(set(ids))


def test_the_author_option_and_the_same_bytes_twice(round_, tmp_path, capsys):
    old, new, red, _ = round_
    args = ["diff", str(old), str(new), "--redline", "--author", "審査担当"]
    assert cli.main(args + ["-o", str(tmp_path / "a")]) == 0
    assert cli.main(args + ["-o", str(tmp_path / "b")]) == 0
    first = (tmp_path / "a" / "redline.docx").read_bytes()
    assert first == (tmp_path / "b" / "redline.docx").read_bytes()
    assert 'w:author="審査担当"' in zipfile.ZipFile(tmp_path / "a" / "redline.docx").read("word/document.xml").decode()
    assert "変更履歴付きの Word 文書を作りました" in capsys.readouterr().out


def test_the_redline_opens_in_word_without_repair(round_, ooxml):
    _, _, red, _ = round_
    assert [str(f) for f in ooxml.validate(red)] == []


def test_no_external_engine_is_needed(round_, tmp_path, monkeypatch):
    old, new, _, _ = round_
    real_import = builtins.__import__

    def no_redlines(name, *args, **kwargs):
        if name.startswith("python_redlines"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_redlines)
    result = redline(old / "report.docx", new / "report.docx", tmp_path / "r.docx")
    assert result.path.is_file() and result.revisions > 0


def test_missing_report_is_a_japanese_error(tmp_path):
    with pytest.raises(ReportkitError, match="見つかりません"):
        redline(tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "c.docx")
    assert not (tmp_path / "c.docx").exists()


def _paragraph(text: str):
    return etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="a"/></w:pPr>'
                            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')


@pytest.mark.parametrize("old, new, deleted, inserted", [
    ("事業費は１，２３７千円でした。", "事業費は１，５００千円でした。", ["１，２３７"], ["１，５００"]),  # a figure whole
    ("参加者１２名", "参加者１２３名", ["１２"], ["１２３"]),  # never ３ added to １２
    ("研修を実施した。", "研修を拡充して実施した。", [], ["拡充して"]),  # only the words that changed
    ("地域公共交通ネットワーク", "建設産業再編支援", ["地域公共交通ネットワーク"], ["建設産業再編支援"]),  # little in common: whole
])
def test_a_changed_paragraph_is_one_deletion_and_one_insertion_inside_it(old, new, deleted, inserted):
    from reportkit.render.tracked import Marks, merge_paragraph

    merged = merge_paragraph(_paragraph(old), _paragraph(new), Marks("事務局", "2015-04-01T00:00:00Z"))
    assert _deleted(merged) == deleted and _inserted(merged) == inserted
    assert text_of(_resolve(etree.fromstring(etree.tostring(merged)), "ins")) == new
    assert text_of(_resolve(etree.fromstring(etree.tostring(merged)), "del")) == old
    assert merged.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) == "a"


def test_a_report_against_itself_has_no_tracked_change(round_, tmp_path):
    _, new, _, _ = round_
    result = redline(new / "report.docx", new / "report.docx", tmp_path / "same.docx")
    root = _root(result.path)
    assert result.revisions == 0 and not list(root.iter(w("ins"), w("del")))
    assert _paragraphs(root) == _paragraphs(_root(new / "report.docx"))
