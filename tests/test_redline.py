"""redline: tracked changes between two .docx (needs the optional python-redlines[docxodus] engine)."""

from __future__ import annotations

import builtins
import json
import zipfile

import docx
import pytest

from reportkit import cli
from reportkit.yoy import redline as redline_module
from reportkit.yoy.redline import RedlineUnavailable, engine_available, redline

import os

# The engine comes with the test extra (pip install -e ".[test]"); on CI its absence is a failure.
needs_engine = pytest.mark.skipif(not engine_available() and os.environ.get("CI", "").lower() != "true",
                                  reason="python-redlines[docxodus] is not installed")


def _document(path, paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def _body(path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("redline")
    old = _document(base / "old.docx", ["事業費は１，２３７千円でした。", "変わらない段落", "なくなる段落"])
    new = _document(base / "new.docx", ["事業費は１，５００千円でした。", "変わらない段落", "新しい段落"])
    return base, old, new


@needs_engine
def test_redline_marks_insertions_and_deletions_by_author(pair):
    base, old, new = pair
    result = redline(old, new, base / "out.docx", author="審査担当")
    body = _body(result.path)
    assert 'w:author="審査担当"' in body
    assert "<w:ins " in body and "<w:del " in body
    assert "<w:delText>２３７</w:delText>" in body and "<w:t>５００</w:t>" in body  # character-level changes
    assert result.revisions and result.revisions >= 2


@needs_engine
def test_redline_is_byte_stable(pair):
    base, old, new = pair
    first = redline(old, new, base / "one.docx").path.read_bytes()
    assert redline(old, new, base / "two.docx").path.read_bytes() == first



def test_a_bookmark_name_the_engine_copied_into_deleted_text_is_kept_once(tmp_path):
    """render.package.drop_duplicate_bookmarks, which the redline runs on the engine's output."""
    from reportkit.render.package import drop_duplicate_bookmarks

    path = _document(tmp_path / "copied.docx", ["消えた古い本文", "新しい本文", "別の見出し"])
    body = _body(path)
    marks = [('<w:bookmarkStart w:id="7" w:name="rkp0001"/>', '<w:bookmarkEnd w:id="7"/>'),
             ('<w:bookmarkStart w:id="8" w:name="rkp0001"/>', '<w:bookmarkEnd w:id="8"/>'),
             ('<w:bookmarkStart w:id="9" w:name="rkh002"/>', '<w:bookmarkEnd w:id="9"/>')]
    parts = body.split("<w:p>")
    assert len(parts) == 4
    body = parts[0] + "".join(f"<w:p>{start}{rest.replace('</w:p>', end + '</w:p>', 1)}"
                              for (start, end), rest in zip(marks, parts[1:]))
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["word/document.xml"] = body.encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    assert drop_duplicate_bookmarks(path) == 1
    body = _body(path)
    assert body.count('w:name="rkp0001"') == 1 and 'w:id="7"' in body and 'w:id="8"' not in body
    assert 'w:name="rkh002"' in body and body.count("<w:bookmarkEnd ") == 2
    assert drop_duplicate_bookmarks(path) == 0
    assert [p.text for p in docx.Document(path).paragraphs] == ["消えた古い本文", "新しい本文", "別の見出し"]


def test_missing_engine_is_a_japanese_error(pair, monkeypatch):
    base, old, new = pair
    real_import = builtins.__import__

    def no_redlines(name, *args, **kwargs):
        if name.startswith("python_redlines"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_redlines)
    with pytest.raises(RedlineUnavailable, match="pip install"):
        redline(old, new, base / "never.docx")
    assert not (base / "never.docx").exists()


def test_missing_document_is_a_japanese_error(tmp_path):
    with pytest.raises(redline_module.ReportkitError, match="見つかりません"):
        redline(tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "c.docx")


@needs_engine
def test_cli_diff_with_redline_on_two_built_reports(pair, tmp_path, capsys):
    base, old, new = pair
    for name, source in (("old", old), ("new", new)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "report.docx").write_bytes(source.read_bytes())
        (folder / "report.json").write_text(json.dumps({
            "fiscal_year": 2013 if name == "old" else 2014, "policies": [], "total": {"count": 1, "amount": 1},
            "projects": [{"project_id": "P1", "name": "事業", "policy": 1, "measure": "m",
                          "cost": 1237 if name == "old" else 1500, "department": "課"}]}), encoding="utf-8")
    assert cli.main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "-o", str(tmp_path / "out"),
                     "--redline"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["diff.html", "diff.xlsx", "redline.docx"]
    assert "<w:ins " in _body(tmp_path / "out" / "redline.docx")
    assert "変更履歴付きの Word 文書を作りました" in capsys.readouterr().out
