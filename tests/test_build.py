"""build_report: what happens around the document — LibreOffice trouble, the summary, the CLI."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from reportkit.libreoffice import pages
from reportkit.report.build import build_report
from reportkit.cli.main import main
from yoy_helpers import markdown_narratives

INPUTS = Path(__file__).resolve().parents[1] / "inputs"


@pytest.fixture(scope="module")
def small_inputs(tmp_path_factory) -> Path:
    """The sample year with a dozen of its cards (a real input folder, fast to build)."""
    folder = tmp_path_factory.mktemp("inputs")
    for name in ("config.toml", "multi_year.csv"):
        shutil.copy(INPUTS / name, folder / name)
    for name in ("narratives", "statistics"):
        shutil.copytree(INPUTS / name, folder / name)
    (folder / "cards").mkdir()
    for card in sorted((INPUTS / "cards").glob("*.xlsx"))[:12]:
        shutil.copy(card, folder / "cards" / card.name)
    return folder


def _fail(*args, **kwargs):
    raise pages.PageNumberError("LibreOffice で PDF に変換できませんでした: テスト")


def test_a_failed_libreoffice_pass_keeps_the_planned_pages(small_inputs, tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pages, "convert_to_pdf", _fail)
    monkeypatch.setattr(pages, "read_layout_pages", _fail)
    result = build_report(small_inputs, tmp_path)
    assert not result.page_numbers_checked
    assert result.notices and "ページ番号を確定できませんでした" in result.notices[0]
    settings = zipfile.ZipFile(tmp_path / "report.docx").read("word/settings.xml")
    assert b"updateFields" in settings  # Word offers to update the page numbers on opening
    assert all(isinstance(page, int) for page in result.pages.values())


def test_a_failed_libreoffice_pass_fails_a_pdf_build_and_keeps_old_outputs(small_inputs, tmp_path,
                                                                           monkeypatch, capsys):
    monkeypatch.setattr(pages, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pages, "convert_to_pdf", _fail)
    monkeypatch.setattr(pages, "read_layout_pages", _fail)
    (tmp_path / "report.docx").write_bytes(b"old")
    assert main(["build", str(small_inputs), "-o", str(tmp_path), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "PDF に変換できませんでした" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]
    assert (tmp_path / "report.docx").read_bytes() == b"old"


def test_pdf_without_libreoffice_is_a_clear_error(small_inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pages, "find_soffice", lambda: None)
    assert main(["build", str(small_inputs), "-o", str(tmp_path), "--pdf"]) == 2
    assert "LibreOffice が必要です" in capsys.readouterr().err


def test_build_summary_names_the_figures_and_files(small_inputs, tmp_path, capsys):
    assert main(["build", str(small_inputs), "-o", str(tmp_path), "--no-page-numbers"]) == 0
    out = capsys.readouterr().out
    assert "報告書を作成しました" in out and "事業数" in out and "合計" in out
    for name in ("report.docx", "report.json", "projects.xlsx"):
        assert name in out and (tmp_path / name).is_file()


def test_a_build_without_pdf_takes_an_earlier_builds_pdf_away_and_says_so(small_inputs, tmp_path, capsys):
    """An older report.pdf beside a new report.docx would be read as this build's: the set is replaced whole."""
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7 an earlier build's")
    (tmp_path / "notes.txt").write_text("the user's own file", encoding="utf-8")
    assert main(["build", str(small_inputs), "-o", str(tmp_path), "--no-page-numbers"]) == 0
    assert "前回の report.pdf は今回の報告書と内容が合わない" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "projects.xlsx", "report.docx", "report.json"]


def test_output_inside_the_input_folder_is_refused(small_inputs, capsys):
    assert main(["build", str(small_inputs), "-o", str(small_inputs / "out")]) == 2
    assert "入力フォルダの中" in capsys.readouterr().err
    assert not (small_inputs / "out").exists()


def test_texts_saved_by_windows_editors_are_read(small_inputs, tmp_path, capsys):
    """A UTF-8 BOM (Notepad) in config, narratives and statistics changes nothing; Shift_JIS is a clear error."""
    folder = tmp_path / "in"
    shutil.copytree(small_inputs, folder)
    markdown_narratives(folder)  # text files, as Notepad saves them (the Word narratives say the same)
    for path in [folder / "config.toml", folder / "narratives" / "introduction.md.j2",
                 folder / "narratives" / "section4_ordinance.md", folder / "statistics" / "index.toml"]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    plain = build_report(small_inputs, tmp_path / "plain", page_numbers=False)
    bom = build_report(folder, tmp_path / "bom", page_numbers=False)
    assert (tmp_path / "bom" / "report.json").read_bytes() == (tmp_path / "plain" / "report.json").read_bytes()
    assert bom.report.total == plain.report.total
    from docx import Document

    def texts(path):
        return [p.text for p in Document(str(path)).paragraphs]

    assert texts(tmp_path / "bom" / "report.docx") == texts(tmp_path / "plain" / "report.docx")
    intro = folder / "narratives" / "introduction.md.j2"
    intro.write_bytes(intro.read_bytes().decode("utf-8-sig").encode("shift_jis"))
    # an unreadable narrative is an input problem, reported like a workbook's (exit 1), with its file
    assert main(["build", str(folder), "-o", str(tmp_path / "sjis"), "--no-page-numbers"]) == 1
    shown = capsys.readouterr().out
    assert "narratives/introduction.md.j2" in shown and "UTF-8 にして保存し直してください" in shown


def test_workbooks_filed_in_division_subfolders_are_all_built(small_inputs, tmp_path):
    """Filing cards one folder a 担当課 loses none of them (it used to drop them in silence, exit 0)."""
    import json

    folder = tmp_path / "inputs"
    shutil.copytree(small_inputs, folder)
    cards = sorted((folder / "cards").glob("*.xlsx"))
    for index, card in enumerate(cards[:8]):
        division = folder / "cards" / ("商工政策課" if index % 2 else "地域産業課")
        division.mkdir(exist_ok=True)
        card.rename(division / card.name)
    assert main(["build", str(folder), "-o", str(tmp_path / "out"), "--no-page-numbers"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert len(report["projects"]) == len(cards) == 12
