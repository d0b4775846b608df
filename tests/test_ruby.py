"""Ruby (ふりがな) from the narratives to the report, as the edition prints the ordinance's 「拓（ひら）く」.

Markdown as Aozora Bunko writes ruby (``拓《ひら》``, ``｜確か《たしか》``), a Word file with Word's own
ruby, ``narratives --to-docx`` and its reading back, the placeholders of a paragraph with ruby, and the
redline of a changed reading: each read back from the real .docx with lxml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from lxml import etree

from reportkit.blocks import BOLD_OFF, BOLD_ON, plain, ruby, spans
from reportkit.checks.validate import validate_folder
from reportkit.errors import ValidationFailed
from reportkit.render import styles
from reportkit.render.narratives import inline_runs, parse
from reportkit.render.styles import REFERENCE_DOCX
from reportkit.render.tracked import Marks, merge_paragraph, text_of
from reportkit.render.word_narrative import write_word_narrative
from reportkit.report.build import build_report
from reportkit.report.narrative_convert import MARKDOWN_DIR, convert_to_docx
from reportkit.word.reader import read_narrative
from yoy_helpers import make_input_folder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _body(path: Path):
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t"), w("delText")))


def _rubies(element) -> list[tuple[str, str]]:
    """(base, reading) of every w:ruby under ``element``, in document order."""
    return [(_text(r.find(w("rubyBase"))), _text(r.find(w("rt")))) for r in element.iter(w("ruby"))]


MARKDOWN = """## 青森県の条例

未来を拓《ひら》く、｜確か《たしか》な**佐々木《ささき》さん**の県｜《重点》と確か《たし》

- 販路を拓《ひら》く

| 部局 | 課 |
| --- | --- |
| ｜商工《しょうこう》労働部 | 拓《ひら》 |
"""


def test_the_model_gives_the_bases_for_room_and_the_readings_to_writers():
    text = f"未来を{ruby('拓', 'ひら')}く{BOLD_ON}{ruby('佐々木', 'ささき')}さん{BOLD_OFF}"
    assert plain(text) == "未来を拓く佐々木さん"  # widths, line estimates, placeholder checks: the bases
    assert spans(text) == [("未来を", False, ""), ("拓", False, "ひら"), ("く", False, ""),
                           ("佐々木", True, "ささき"), ("さん", True, "")]
    assert ruby("拓", "") == "拓" and ruby("", "ひら") == ""


def test_markdown_ruby_in_either_aozora_form_is_read_into_the_blocks():
    blocks = parse(MARKDOWN)
    assert blocks[0] == ("heading2", "青森県の条例")
    assert blocks[1] == ("paragraph", f"未来を{ruby('拓', 'ひら')}く、{ruby('確か', 'たしか')}な"
                                      f"{BOLD_ON}{ruby('佐々木', 'ささき')}さん{BOLD_OFF}の県《重点》と確か《たし》")
    assert blocks[2] == ("bullet", f"販路を{ruby('拓', 'ひら')}く")
    assert blocks[3] == ("grid", [["部局", "課"], [f"{ruby('商工', 'しょうこう')}労働部", ruby("拓", "ひら")]])


def test_markdown_ruby_is_written_as_word_ruby_and_read_back(tmp_path, ooxml):
    path = tmp_path / "section4_liaison.docx"
    blocks = parse(MARKDOWN)
    write_word_narrative(blocks, path)
    root = _body(path)
    paragraphs = list(root.iter(w("p")))
    assert _rubies(paragraphs[1]) == [("拓", "ひら"), ("確か", "たしか"), ("佐々木", "ささき")]
    assert _rubies(paragraphs[2]) == [("拓", "ひら")]
    (table,) = root.iter(w("tbl"))
    assert _rubies(table) == [("商工", "しょうこう"), ("拓", "ひら")]
    body_hps = round(styles.style_size_pt(styles.BODY) * 2)
    first = next(paragraphs[1].iter(w("ruby")))
    properties = first.find(w("rubyPr"))
    assert [etree.QName(child).localname for child in first] == ["rubyPr", "rt", "rubyBase"]
    assert [etree.QName(child).localname for child in properties] == ["rubyAlign", "hps", "hpsRaise", "hpsBaseText", "lid"]
    values = {etree.QName(child).localname: child.get(w("val")) for child in properties}
    assert values["rubyAlign"] == "distributeSpace" and values["lid"] == "ja-JP"
    assert values["hpsBaseText"] == str(body_hps) and int(values["hps"]) == body_hps // 2
    assert 0 < int(values["hpsRaise"]) < body_hps
    assert first.find(f"{w('rt')}/{w('r')}/{w('rPr')}/{w('sz')}").get(w("val")) == values["hps"]
    bold = list(paragraphs[1].iter(w("ruby")))[2]  # 佐々木: its base and reading bold
    assert bold.find(f"{w('rubyBase')}/{w('r')}/{w('rPr')}/{w('b')}") is not None
    read = read_narrative(path)
    assert read.findings == []
    assert read.blocks[1] == ("paragraph", f"未来を{ruby('拓', 'ひら')}く、{ruby('確か', 'たしか')}な"
                                           f"{BOLD_ON}{ruby('佐々木', 'ささき')}{BOLD_OFF}{BOLD_ON}さん{BOLD_OFF}"
                                           "の県《重点》と確か《たし》")
    assert read.blocks[2:] == blocks[2:]
    assert [str(f) for f in ooxml.validate(path)] == []


# --- a Word file with Word's own ruby ------------------------------------------------------------

def _word_ruby(base: str, reading: str, base_rpr: str = "") -> str:
    """A ruby as Word writes it (ホーム → ルビ): the outer run's properties, 5 pt over 10.5 pt."""
    return ('<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:ruby><w:rubyPr><w:rubyAlign w:val="distributeSpace"/>'
            '<w:hps w:val="10"/><w:hpsRaise w:val="18"/><w:hpsBaseText w:val="21"/><w:lid w:val="ja-JP"/></w:rubyPr>'
            f'<w:rt><w:r><w:rPr><w:rFonts w:ascii="ＭＳ 明朝" w:hint="eastAsia"/><w:sz w:val="10"/></w:rPr><w:t>{reading}</w:t></w:r></w:rt>'
            f'<w:rubyBase><w:r><w:rPr><w:rFonts w:hint="eastAsia"/>{base_rpr}</w:rPr><w:t>{base}</w:t></w:r></w:rubyBase>'
            '</w:ruby></w:r>')


def _editor_file(path: Path, *paragraphs: str) -> Path:
    """A Word narrative in the report's styles whose 本文 paragraphs hold ``paragraphs`` (run XML)."""
    doc = Document(str(REFERENCE_DOCX))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    for xml in paragraphs:
        p = doc.add_paragraph(style="本文")
        for run in list(parse_xml(f'<w:p xmlns:w="{W}">{xml}</w:p>')):
            p._p.append(run)
    doc.save(str(path))
    return path


def _folder(tmp_path: Path, path_of_word_file) -> Path:
    folder = make_input_folder(tmp_path / "inputs", ("001", "002", "003"))
    narratives = folder / "narratives"
    (narratives / "introduction.docx").unlink()
    path_of_word_file(narratives / "introduction.docx")
    return folder


def _issues(folder: Path):
    return [(i.severity, i.code, i.params.get("line", "")) for i in validate_folder(folder).issues
            if i.file == "narratives/introduction.docx"]


def test_word_ruby_is_carried_into_the_report_without_a_warning(tmp_path):
    folder = _folder(tmp_path, lambda path: _editor_file(
        path,
        '<w:r><w:t>確かな未来を</w:t></w:r>' + _word_ruby("拓", "ひら") + '<w:r><w:t>く{{ year | nendo }}の県</w:t></w:r>',
        '<w:r><w:t>太字の</w:t></w:r>' + _word_ruby("拓", "ひら", "<w:b/>") + '<w:r><w:t>く</w:t></w:r>'))
    read = read_narrative(folder / "narratives" / "introduction.docx")
    assert read.findings == []  # no 「ルビ（ふりがな）」 dropped any more
    assert read.blocks == [("paragraph", f"確かな未来を{ruby('拓', 'ひら')}く{{{{ year | nendo }}}}の県"),
                           ("paragraph", f"太字の{BOLD_ON}{ruby('拓', 'ひら')}{BOLD_OFF}く")]
    assert read.quotes[0] == "確かな未来を拓く{{ year | ne…"  # a message quotes the bases (20 characters)
    assert _issues(folder) == []
    build_report(folder, tmp_path / "out", page_numbers=False)
    root = _body(tmp_path / "out" / "report.docx")
    filled = next(p for p in root.iter(w("p")) if _text(p).endswith("く平成２５年度の県"))
    assert _rubies(filled) == [("拓", "ひら")]
    assert _text(filled) == "確かな未来をひら拓く平成２５年度の県"  # w:rt comes before w:rubyBase
    bold = next(p for p in root.iter(w("p")) if _text(p).startswith("太字の"))
    (group,) = bold.iter(w("ruby"))
    assert group.find(f"{w('rubyBase')}/{w('r')}/{w('rPr')}/{w('b')}") is not None


def test_a_placeholder_problem_in_a_paragraph_with_ruby_is_named_by_its_bases(tmp_path):
    folder = _folder(tmp_path, lambda path: _editor_file(
        path, '<w:r><w:t>全角の</w:t></w:r>' + _word_ruby("拓", "ひら") + '<w:r><w:t>く｛｛ year ｝｝</w:t></w:r>',
        _word_ruby("拓", "ひら") + '<w:r><w:t>く{{ yaer }}</w:t></w:r>'))
    assert _issues(folder) == [
        ("warning", "narrative-full-width-braces", "段落 1（「全角の拓く｛｛ year ｝｝」）"),
        ("error", "narrative-unknown-placeholder", "段落 2（「拓く{{ yaer }}」）")]
    with pytest.raises(ValidationFailed):
        build_report(folder, tmp_path / "out", page_numbers=False)


# --- narratives --to-docx ------------------------------------------------------------------------

def test_to_docx_carries_the_ruby_of_either_form_and_reads_it_back(tmp_path):
    folder = make_input_folder(tmp_path / "md", ("001",), markdown=True)
    narratives = folder / "narratives"
    (narratives / "section4_liaison.md").write_text(MARKDOWN, "utf-8")
    source = (narratives / "section4_ordinance.md").read_text("utf-8")
    assert "確かな未来を拓《ひら》く" in source  # the sample's ordinance, as the edition prints it
    result = convert_to_docx(folder)  # stops, writing nothing, when the blocks read back differ
    assert len(result.converted) == 14
    assert (narratives / MARKDOWN_DIR / "section4_liaison.md").read_text("utf-8") == MARKDOWN
    liaison = _body(narratives / "section4_liaison.docx")
    assert _rubies(liaison) == [("拓", "ひら"), ("確か", "たしか"), ("佐々木", "ささき"), ("拓", "ひら"),
                                ("商工", "しょうこう"), ("拓", "ひら")]
    assert _rubies(_body(narratives / "section4_ordinance.docx")) == [("拓", "ひら")]
    ordinance = read_narrative(narratives / "section4_ordinance.docx")
    assert ordinance.findings == []
    assert any(f"確かな未来を{ruby('拓', 'ひら')}く自主自立" in data for kind, data in ordinance.blocks if kind == "paragraph")


# --- the redline ---------------------------------------------------------------------------------

def _paragraph(markdown: str):
    ((_kind, text),) = parse(markdown)
    return etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="a"/></w:pPr>{inline_runs(text, 10.5)}</w:p>')


def _changes(paragraph, kind: str) -> list[str]:
    return [_text(change) for change in paragraph.iter(w(kind)) if change.getparent().tag != w("rPr")]


@pytest.mark.parametrize("old, new, deleted, inserted", [
    ("未来を拓《ひら》く自主自立の", "未来を拓《たく》く自主自立の", ["ひら拓"], ["たく拓"]),  # a reading: the ruby whole
    ("未来を拓く自主自立の", "未来を拓《ひら》く自主自立の", ["拓"], ["ひら拓"]),  # a ruby added
    ("未来を拓《ひら》く１２名の県", "未来を拓《ひら》く１３名の県", ["１２"], ["１３"]),  # the ruby kept as it is
])
def test_a_changed_ruby_is_tracked_as_one_piece(old, new, deleted, inserted):
    merged = merge_paragraph(_paragraph(old), _paragraph(new), Marks("事務局", "2015-04-01T00:00:00Z"))
    assert _changes(merged, "del") == deleted and _changes(merged, "ins") == inserted
    kept = [r for r in merged.iter(w("ruby")) if not any(a.tag in (w("ins"), w("del")) for a in r.iterancestors())]
    assert len(kept) == (1 if deleted == ["１２"] else 0)
    unchanged = merge_paragraph(_paragraph(new), _paragraph(new), Marks("事務局", "2015-04-01T00:00:00Z"))
    assert not list(unchanged.iter(w("ins"), w("del"))) and text_of(unchanged) == text_of(_paragraph(new))
