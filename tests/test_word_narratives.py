"""Narratives written in Word: files made as an editor makes them, read, validated and built.

The files are written with python-docx the way Word leaves them after editing: a placeholder split
over runs of different formatting, heading styles applied, bulleted and numbered lists with real
numbering definitions, a table with merged cells, a line break, bold; one opened and saved again by
LibreOffice Writer; and what the report cannot carry (an image, a comment, a text box, a tracked
change), each a warning or an error naming the file and the paragraph.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.shared import Mm

from reportkit.blocks import BOLD_OFF, BOLD_ON, plain
from reportkit.report.build import build_report
from reportkit.cli.main import main
from reportkit.errors import NarrativeError, ValidationFailed
from reportkit.report.narrative_convert import MARKDOWN_DIR, convert_to_docx
from reportkit.render.styles import REFERENCE_DOCX
from reportkit.checks.validate import validate_folder
from reportkit.word.reader import read_narrative
from command_helpers import run_reportkit
from yoy_helpers import INPUTS, make_input_folder

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _empty_document():
    """A new file in the report's styles (reference.docx), its body empty, as `--to-docx` starts one."""
    doc = Document(str(REFERENCE_DOCX))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    return doc


def _editor_document():
    """What a Word user types: styles applied, lists, bold, a line break, a placeholder split over runs."""
    doc = _empty_document()
    doc.add_paragraph("はじめに", style="Heading 2")
    p = doc.add_paragraph(style="本文")
    p.add_run("この報告は、")
    run = p.add_run("{{ ye")  # the placeholder's first half bold, its middle italic: three runs
    run.bold = True
    doc_run = p.add_run("ar | nen")
    doc_run.italic = True
    p.add_run("do }}に実施した施策をまとめたものである。")
    doc.add_paragraph("（経営支援の強化）", style="Heading 4")
    p = doc.add_paragraph(style="本文")
    p.add_run("一行目")
    p.add_run().add_break()  # Shift+Enter: a line break inside the paragraph
    p.add_run("二行目の")
    p.add_run("重要な語").bold = True
    p.add_run("を含む。")
    doc.add_paragraph("商談会の開催", style="List Bullet")
    doc.add_paragraph("販路開拓の支援", style="List Bullet")
    doc.add_paragraph("第一の項目", style="List Number")
    doc.add_paragraph("第二の項目", style="List Number")
    doc.add_paragraph("（見出し３の小見出し）", style="Heading 3")
    table = doc.add_table(rows=4, cols=3, style="Table Grid")
    for row, texts in enumerate([("部局名", "課名", "備考"), ("総務部", "財政課", "{{ year | nendo }}"),
                                 ("", "人事課", ""), ("農林水産部", "農林水産政策課", "")]):
        for column, text in enumerate(texts):
            table.cell(row, column).text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # 総務部 over two rows (vMerge)
    table.cell(3, 1).merge(table.cell(3, 2))  # 農林水産政策課 over two columns (gridSpan)
    table.cell(1, 0).text = "総務部"
    doc.add_paragraph("[表:4-1]", style="本文")
    return doc


def _save(doc, path: Path) -> Path:
    doc.save(str(path))
    return path


def test_the_reader_gives_the_blocks_a_word_user_made(tmp_path):
    narrative = read_narrative(_save(_editor_document(), tmp_path / "introduction.docx"))
    assert narrative.findings == []
    blocks = narrative.blocks
    assert blocks[0] == ("heading2", "はじめに")
    assert plain(blocks[1][1]) == "この報告は、{{ year | nendo }}に実施した施策をまとめたものである。"
    assert blocks[2] == ("heading", "（経営支援の強化）")
    assert blocks[3] == ("paragraph", f"一行目\n二行目の{BOLD_ON}重要な語{BOLD_OFF}を含む。")
    assert blocks[4:8] == [("bullet", "商談会の開催"), ("bullet", "販路開拓の支援"),
                           ("numbered", "1. 第一の項目"), ("numbered", "2. 第二の項目")]
    assert blocks[8] == ("heading", "（見出し３の小見出し）")
    assert blocks[9] == ("grid", [["部局名", "課名", "備考"], ["総務部", "財政課", "{{ year | nendo }}"],
                                  ["^", "人事課", ""], ["農林水産部", "農林水産政策課", "<"]])
    assert blocks[10] == ("paragraph", "[表:4-1]")
    assert narrative.numbers[:4] == [1, 2, 3, 4]  # paragraphs counted from 1, table cells included


def _word_folder(tmp_path: Path, doc, part: str = "introduction") -> Path:
    """The sample year with three cards, the part ``part`` given as the Word file ``doc``."""
    folder = make_input_folder(tmp_path / "inputs", ("001", "002", "003"))
    narratives = folder / "narratives"
    for name in list(narratives.iterdir()):
        if name.name.startswith(part + "."):
            name.unlink()
    _save(doc, narratives / f"{part}.docx")
    return folder


def _report_paragraphs(docx: Path) -> list[str]:
    from docx import Document as Open

    return [p.text for p in Open(str(docx)).paragraphs]


def test_an_editor_s_word_file_validates_and_builds_in_the_report_s_styles(tmp_path):
    folder = _word_folder(tmp_path, _editor_document())
    issues = [i for i in validate_folder(folder).issues if i.file == "narratives/introduction.docx"]
    assert issues == []
    build_report(folder, tmp_path / "out", page_numbers=False)
    report = Document(str(tmp_path / "out" / "report.docx"))
    texts = [p.text for p in report.paragraphs]
    assert "この報告は、平成２５年度に実施した施策をまとめたものである。" in texts
    assert "一行目\n二行目の重要な語を含む。" in texts
    assert "・\t商談会の開催" in texts and "1. 第一の項目" in texts and "2. 第二の項目" in texts
    bold = next(p for p in report.paragraphs if p.text.startswith("一行目"))
    assert [r.text for r in bold.runs if r.bold] == ["重要な語"]
    styles = {p.text: p.style.name for p in report.paragraphs}
    assert styles["（経営支援の強化）"] == "Heading 4" and styles["・\t商談会の開催"] == "箇条書き"
    table = next(t for t in report.tables if t.cell(0, 0).text == "部局名")
    xml = table._tbl.xml
    assert 'w:gridSpan w:val="2"' in xml and "<w:vMerge/>" in xml and "平成２５年度" in xml


def _paragraph_xml(doc, xml: str) -> None:
    doc.element.body.insert(len(doc.element.body) - 1, parse_xml(f'<w:p xmlns:w="{W_NS}">{xml}</w:p>'))


def _issues(folder: Path, file: str = "narratives/introduction.docx"):
    return [(i.severity, i.code, i.params.get("line", "")) for i in validate_folder(folder).issues if i.file == file]


def test_placeholder_problems_name_the_paragraph_and_quote_it(tmp_path):
    doc = _empty_document()
    doc.add_paragraph("まえがきの段落。", style="本文")
    p = doc.add_paragraph(style="本文")
    p.add_run("本年度は{{ ya")
    p.add_run("er | nendo }}である。").bold = True  # misspelt, and split over runs
    doc.add_paragraph("{{ year | nendoo }}の事業", style="本文")
    doc.add_paragraph("全角の｛｛ year ｝｝は印刷される", style="本文")
    doc.add_paragraph("平成２５年度の県内中小企業は厳しかった。", style="本文")  # this year's: no warning
    doc.add_paragraph("{% if total.count %}事業がある{% endif %}", style="本文")  # closed inside: fine
    doc.add_paragraph("{% if total.count %}始まり", style="本文")
    doc.add_paragraph("終わり{% endif %}", style="本文")
    folder = _word_folder(tmp_path, doc)
    validate_folder(folder)
    found = _issues(folder)
    assert found == [
        ("error", "narrative-unknown-placeholder", "段落 2（「本年度は{{ yaer | nendo …」）"),  # quoted: 20 characters
        ("error", "narrative-unknown-filter", "段落 3（「{{ year | nendoo }}の…」）"),
        ("warning", "narrative-full-width-braces", "段落 4（「全角の｛｛ year ｝｝は印刷される」）"),
        ("error", "narrative-docx-block-span", "段落 7（「{% if total.count %}…」）"),
        ("error", "narrative-docx-block-span", "段落 8（「終わり{% endif %}」）"),
    ]  # and nothing on 段落 1 or 6
    message = next(i.message for i in validate_folder(folder).issues if i.code == "narrative-unknown-placeholder")
    assert "「yaer」" in message and "段落 2" in message
    with pytest.raises(ValidationFailed):
        build_report(folder, tmp_path / "out", page_numbers=False)


def test_a_stale_year_in_word_is_a_warning_at_its_paragraph(tmp_path):
    folder = make_input_folder(tmp_path / "inputs", ("001",))
    convert_to_docx(folder)
    rolled = tmp_path / "inputs2014"
    from reportkit.yoy.rollover import rollover

    rollover(folder, 2014, rolled)
    assert sorted(p.name for p in (rolled / "narratives").iterdir() if p.suffix == ".docx") == \
        sorted(p.name for p in (folder / "narratives").iterdir() if p.suffix == ".docx")
    assert (rolled / "narratives" / MARKDOWN_DIR / "introduction.md.j2").is_file()
    stale = [(i.file, i.params["line"]) for i in validate_folder(rolled).issues if i.code == "stale-year-text"
             and i.file.startswith("narratives/")]
    assert [(file, line.split("（")[0]) for file, line in stale] == [  # by file, then paragraph
        ("narratives/section1_points.docx", "段落 7"), ("narratives/section1_points.docx", "段落 15"),
        ("narratives/section1_points.docx", "段落 16"), ("narratives/chapter_3.docx", "段落 1"),
        ("narratives/chapter_3.docx", "段落 6"), ("narratives/chapter_3.docx", "段落 8"),
        ("narratives/section3.docx", "段落 23")]  # the seven lines of the Markdown (test_narrative_templates)
    assert ("narratives/chapter_3.docx", "段落 1（「平成２５年度の県内中小企業は、平成２３年…」）に") in stale


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_what_the_report_cannot_carry_is_named_never_dropped_in_silence(tmp_path):
    doc = _empty_document()
    doc.add_paragraph("最初の段落。", style="本文")
    doc.add_paragraph(style="本文").add_run().add_picture(io.BytesIO(_png()), width=Mm(10))
    commented = doc.add_paragraph("コメントの付いた段落。", style="本文")
    doc.add_comment(commented.runs, text="ここを直してください", author="課長")
    _paragraph_xml(doc, '<w:r><w:t>テキストボックスの前</w:t></w:r><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
                        '<v:textbox><w:txbxContent><w:p><w:r><w:t>箱の中</w:t></w:r></w:p></w:txbxContent></v:textbox>'
                        '</v:shape></w:pict></w:r>')
    folder = _word_folder(tmp_path, doc)
    found = _issues(folder)
    assert found == [("warning", "narrative-docx-dropped", "段落 2"),
                     ("warning", "narrative-docx-dropped", "段落 3（「コメントの付いた段落。」）"),
                     ("warning", "narrative-docx-dropped", "段落 4（「テキストボックスの前」）")]
    messages = [i.message for i in validate_folder(folder).issues if i.file == "narratives/introduction.docx"]
    assert "画像" in messages[0] and "コメント" in messages[1] and "テキストボックス" in messages[2]
    build_report(folder, tmp_path / "out", page_numbers=False)  # warnings: the report is built without them
    texts = _report_paragraphs(tmp_path / "out" / "report.docx")
    assert "コメントの付いた段落。" in texts and "箱の中" not in texts


def test_a_tracked_change_not_accepted_is_an_error_and_no_report(tmp_path):
    doc = _empty_document()
    doc.add_paragraph("最初の段落。", style="本文")
    _paragraph_xml(doc, '<w:r><w:t>県では、</w:t></w:r>'
                        '<w:ins w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>新たに</w:t></w:r></w:ins>'
                        '<w:del w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>従来の</w:delText></w:r></w:del>'
                        '<w:r><w:t>事業を実施した。</w:t></w:r>')
    folder = _word_folder(tmp_path, doc)
    assert _issues(folder) == [("error", "narrative-docx-tracked-change", "段落 2（「県では、新たに事業を実施した。」）")]
    with pytest.raises(ValidationFailed):
        build_report(folder, tmp_path / "out", page_numbers=False)


def test_a_hostile_or_broken_file_is_an_error_not_a_crash(tmp_path):
    folder = _word_folder(tmp_path, _empty_document())
    path = folder / "narratives" / "introduction.docx"
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                    + entries["word/document.xml"].split(b"?>", 1)[1])
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    assert _issues(folder) == [("error", "narrative-docx-unreadable", "ファイル内")]
    path.write_bytes(b"not a zip")
    assert _issues(folder) == [("error", "narrative-docx-unreadable", "ファイル内")]


def test_a_part_given_both_ways_is_an_error_naming_both_files(tmp_path):
    folder = _word_folder(tmp_path, _editor_document())
    shutil.copy(INPUTS / "narratives" / MARKDOWN_DIR / "introduction.md.j2", folder / "narratives")
    issues = [i for i in validate_folder(folder).issues if i.code == "narrative-both-forms"]
    assert len(issues) == 1
    assert "narratives/introduction.docx" in issues[0].message and "narratives/introduction.md.j2" in issues[0].message
    with pytest.raises(ValidationFailed):
        build_report(folder, tmp_path / "out", page_numbers=False)


# --- narratives --to-docx ------------------------------------------------------------------------

def _markdown_folder(tmp_path: Path) -> Path:
    """The sample year with three cards and its narratives in Markdown (as they were before the Word files)."""
    folder = make_input_folder(tmp_path / "md", ("001", "002", "003"))
    narratives = folder / "narratives"
    for path in list(narratives.iterdir()):
        if path.suffix == ".docx":
            path.unlink()
    kept = narratives / MARKDOWN_DIR
    if kept.is_dir():
        for path in kept.iterdir():
            shutil.move(str(path), narratives / path.name)
        kept.rmdir()
    return folder


def test_to_docx_converts_every_markdown_part_keeps_the_markdown_and_says_the_same(tmp_path, capsys):
    markdown = _markdown_folder(tmp_path)
    word = tmp_path / "word"
    shutil.copytree(markdown, word)
    (word / "narratives" / "section4_liaison.md").write_text(
        (word / "narratives" / "section4_liaison.md").read_text("utf-8") + "\n波括弧 {{ はそのまま、**太字**も。\n", "utf-8")
    (markdown / "narratives" / "section4_liaison.md").write_text(
        (word / "narratives" / "section4_liaison.md").read_text("utf-8"), "utf-8")
    assert main(["narratives", str(word), "--to-docx"]) == 0
    names = sorted(p.name for p in (word / "narratives").iterdir() if p.is_file())
    assert all(name.endswith(".docx") for name in names) and len(names) == 14
    assert sorted(p.name for p in (word / "narratives" / MARKDOWN_DIR).iterdir()) == \
        sorted(p.name for p in (markdown / "narratives").iterdir() if p.is_file())
    assert "14 件" in capsys.readouterr().out
    build_report(markdown, tmp_path / "out-md", page_numbers=False)
    build_report(word, tmp_path / "out-word", page_numbers=False)
    md_texts = _report_paragraphs(tmp_path / "out-md" / "report.docx")
    word_texts = _report_paragraphs(tmp_path / "out-word" / "report.docx")
    assert word_texts == md_texts  # paragraph for paragraph
    assert "波括弧 {{ はそのまま、太字も。" in word_texts
    assert (tmp_path / "out-md" / "report.docx").read_bytes() == (tmp_path / "out-word" / "report.docx").read_bytes()
    assert main(["narratives", str(word), "--to-docx"]) == 0  # nothing left to convert
    assert "ありません" in capsys.readouterr().out


def test_to_docx_is_reproducible(tmp_path):
    first, second = _markdown_folder(tmp_path / "a"), _markdown_folder(tmp_path / "b")
    convert_to_docx(first)
    convert_to_docx(second)
    for path in (first / "narratives").glob("*.docx"):
        assert path.read_bytes() == (second / "narratives" / path.name).read_bytes(), path.name


def test_to_docx_changes_nothing_when_a_part_cannot_be_converted(tmp_path):
    folder = _markdown_folder(tmp_path)
    narratives = folder / "narratives"
    (narratives / "chapter_1.docx").write_bytes(b"")  # already there: both ways
    (narratives / "section3.md.j2").write_text("{% if true %}\n\n前の段落\n\n{% endif %}\n", "utf-8")  # spans paragraphs
    before = sorted(p.name for p in narratives.iterdir())
    with pytest.raises(NarrativeError) as raised:
        convert_to_docx(folder)
    assert "chapter_1.docx" in str(raised.value) and "section3.md.j2" in str(raised.value)
    assert sorted(p.name for p in narratives.iterdir()) == before


@contextmanager
def unmovable(path: Path):
    """``path`` made immutable (chattr +i: not even root may rename it) while the block runs; skips without it."""
    locked = shutil.which("chattr") and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    if not locked:
        pytest.skip("chattr +i is not available here (a file cannot be made unmovable)")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_to_docx_stopped_part_way_says_what_it_converted_and_what_it_left(tmp_path):
    folder = _markdown_folder(tmp_path)
    narratives = folder / "narratives"
    markdown = sorted(p.name for p in narratives.iterdir() if p.is_file())  # converted in this order
    third = narratives / markdown[2]
    with unmovable(third):
        done = run_reportkit("narratives", folder, "--to-docx")
    said = done.stdout + done.stderr
    assert done.returncode == 2 and "Traceback" not in said, said
    first_two = [name.split(".")[0] + ".docx" for name in markdown[:2]]
    assert f"次の 2 件です" in said and all(f"narratives/{name}" in said for name in first_two)
    assert f"narratives/{third.name.split('.')[0]}.docx は書き出しましたが、narratives/{third.name} を" in said
    assert f"次の {len(markdown) - 3} 件は変換していません" in said
    assert all(f"narratives/{name}" in said for name in markdown[3:])
    # on disk, exactly what it said
    assert sorted(p.name for p in (narratives / MARKDOWN_DIR).iterdir()) == markdown[:2]
    assert sorted(p.name for p in narratives.glob("*.docx")) == sorted([*first_two, third.name.split(".")[0] + ".docx"])
    assert all((narratives / name).is_file() for name in markdown[2:])


# --- LibreOffice Writer opens and saves a file again ---------------------------------------------

def _resave_with_writer(soffice: str, path: Path, tmp_path: Path) -> Path:
    """``path`` opened and saved as .docx by LibreOffice Writer (its own profile, headless)."""
    out = tmp_path / "resaved"
    out.mkdir()
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    return out / path.name


@pytest.mark.libreoffice
def test_a_file_saved_again_by_libreoffice_writer_reads_the_same(soffice, tmp_path):
    original = _save(_editor_document(), tmp_path / "introduction.docx")
    resaved = _resave_with_writer(soffice, original, tmp_path)
    assert zipfile.ZipFile(resaved).read("word/document.xml") != zipfile.ZipFile(original).read("word/document.xml")
    before, after = read_narrative(original), read_narrative(resaved)
    assert after.findings == []
    assert [(kind, plain(data) if isinstance(data, str) else data) for kind, data in after.blocks] == \
        [(kind, plain(data) if isinstance(data, str) else data) for kind, data in before.blocks]
    folder = _word_folder(tmp_path, Document(str(resaved)))
    assert _issues(folder) == []
    build_report(folder, tmp_path / "out", page_numbers=False)
    assert "この報告は、平成２５年度に実施した施策をまとめたものである。" in _report_paragraphs(tmp_path / "out" / "report.docx")


@pytest.mark.libreoffice
def test_converted_narratives_put_every_heading_on_the_same_page(soffice, tmp_path):
    """The sample (its narratives in Word) and the same year from its kept Markdown: the page of every heading."""
    markdown = tmp_path / "md"
    shutil.copytree(INPUTS, markdown)
    narratives = markdown / "narratives"
    for path in list(narratives.glob("*.docx")):
        path.unlink()
    for path in list((narratives / MARKDOWN_DIR).iterdir()):
        shutil.move(str(path), narratives / path.name)
    word = build_report(INPUTS, tmp_path / "out-word", page_numbers=True)
    md = build_report(markdown, tmp_path / "out-md", page_numbers=True)
    assert word.page_numbers_checked and md.page_numbers_checked
    assert word.pages == md.pages and word.page_count == md.page_count
    assert _report_paragraphs(tmp_path / "out-word" / "report.docx") == _report_paragraphs(tmp_path / "out-md" / "report.docx")


def test_a_problem_in_a_table_cell_is_named_by_its_table_row_and_column(tmp_path):
    """「表 2 の 2 行 3 列」, not the paragraph number a Word user cannot see in a table."""
    doc = _empty_document()
    doc.add_paragraph("{{ yaer }}の前書き", style="本文")
    for misspelt in ((0, 0), (1, 2)):  # the first table: a header cell; the second: row 2, column 3
        table = doc.add_table(rows=2, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = "{{ yaer }}年" if (r, c) == misspelt else f"{r}-{c}"
    folder = _word_folder(tmp_path, doc)
    found = _issues(folder)
    assert [(code, place) for _, code, place in found] == [  # in the document's order
        ("narrative-unknown-placeholder", "段落 1（「{{ yaer }}の前書き」）"),
        ("narrative-unknown-placeholder", "表 1 の 1 行 1 列（「{{ yaer }}年」）"),
        ("narrative-unknown-placeholder", "表 2 の 2 行 3 列（「{{ yaer }}年」）")]
