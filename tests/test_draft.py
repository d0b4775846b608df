"""``reportkit build --draft`` on a real collection round: placeholder pages where the cards will stand.

The round (collect_helpers.py): 001, 002, 012 and a new project returned clean, 003 broken, the
other 115 of last year's projects still the prefilled workbooks (missing). ``filled`` is the
same folder once every project has come back clean, the final build's inputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from reportkit.cli import main as cli
from reportkit.report.build import build_report
from reportkit.collect.expected import load_expected

from collect_helpers import LABOUR, accept, digest, returned
from yoy_helpers import sample_card, year_values

BROKEN = "AOM-003"


def _placeholder_ids(result) -> dict[str, str]:
    return {pid: p.state for pid, p in result.placeholders.items()}


@pytest.fixture(scope="module")
def filled(round_, rolled, sample, tmp_path_factory) -> Path:
    """The round with every missing project returned clean and 003 fixed: what the final build reads."""
    base = tmp_path_factory.mktemp("filled")
    folder = base / "r14"
    shutil.copytree(round_[0], folder)
    record = load_expected(folder)
    waiting = [p for p in record.projects if p.project_id not in ("AOM-001", "AOM-002", "AOM-012")]
    # last year's figures typed again, but not listed as new: a continuing project is not new this year
    files = [returned(rolled, base / "returns", Path(p.file).name[:3],
                      {**year_values(sample[p.project_id]), "new_listing": "", "new_summary": ""})
             for p in waiting]  # 003 too: its fixed version replaces the broken one
    assert accept(folder, files) == 0
    return folder


@pytest.fixture(scope="module")
def draft(round_, tmp_path_factory):
    """(output folder, BuildResult) of a draft of the round, without LibreOffice, over a final report."""
    out = tmp_path_factory.mktemp("draft-out")
    (out / "report.docx").write_bytes(b"last final report")
    return out, build_report(round_[0], out, page_numbers=False, draft=True)


def test_draft_writes_into_draft_and_leaves_the_final_report(draft):
    out, result = draft
    assert result.files == [out / "draft" / "report.docx"]
    assert (out / "report.docx").read_bytes() == b"last final report"
    assert sorted(p.name for p in out.iterdir()) == ["draft", "report.docx"]  # no staging folder left


def test_placeholders_for_missing_and_broken_cards(draft, round_):
    _, result = draft
    states = _placeholder_ids(result)
    assert states.pop(BROKEN) == "errors"
    assert len(states) == 115 and set(states.values()) == {"missing"}
    assert not {"AOM-001", "AOM-002", "AOM-012", "NEW-900"} & set(states)
    rows = result.report.rows
    stand_ins = [row for row in rows if row.placeholder is not None]
    assert len(stand_ins) == sum(1 for row in rows if row.card.project_id in result.placeholders)
    broken = next(row.placeholder for row in stand_ins if row.card.project_id == BROKEN)
    assert broken.file == f"cards/{LABOUR}/{sample_card('003').name}"
    assert any("事業費" in line and "[エラー]" in line for line in broken.problems)


def test_draft_document_marks_every_page_and_each_placeholder(draft):
    out, result = draft
    doc = Document(str(out / "draft" / "report.docx"))
    assert doc.sections[0].header.paragraphs[0].text == "素案"
    assert all(section.header.is_linked_to_previous for section in doc.sections[1:])
    texts = [p.text for p in doc.paragraphs]
    unique = {cell._tc: cell for table in doc.tables for row in table.rows for cell in row.cells}  # a span once
    cells = [p.text for cell in unique.values() for p in cell.paragraphs]
    rows = result.report.rows
    missing = sum(1 for row in rows if row.placeholder and row.placeholder.state == "missing")
    errors = sum(1 for row in rows if row.placeholder and row.placeholder.state == "errors")
    assert (cells.count("【未提出】"), cells.count("【要修正】")) == (missing, errors)
    assert "合計（暫定）" in cells
    assert any(t.startswith("※素案のため") and "暫定値" in t for t in texts)
    assert result.report.total.count == 4  # 001, 002, 012 and the new one
    expected = sum(row.card.cost or 0 for row in rows if row.placeholder is None and not row.is_reprint)
    assert result.report.total.amount == expected


def test_placeholders_stand_where_the_final_cards_will(draft, filled, tmp_path):
    _, result = draft
    final = build_report(filled, tmp_path / "final", page_numbers=False)
    assert [(r.card.project_id, r.host_policy, r.is_reprint) for r in result.report.rows] == \
        [(r.card.project_id, r.host_policy, r.is_reprint) for r in final.report.rows]
    cards = {row.bookmark for row in final.report.rows}
    assert {b: result.pages[b] for b in cards} == {b: final.pages[b] for b in cards}


def test_the_cli_draft_prints_a_provisional_summary(round_, tmp_path, capsys):
    code = cli.main(["build", str(round_[0]), "-o", str(tmp_path), "--draft", "--no-page-numbers"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("素案を作成しました")
    assert "（暫定: 提出済みの正常なカードのみ）" in out and "未提出 115 件、要修正 1 件" in out
    assert (tmp_path / "draft" / "report.docx").is_file() and not (tmp_path / "report.docx").exists()


def test_a_final_build_of_the_round_is_still_refused(round_, tmp_path):
    before = digest(round_[0])
    assert cli.main(["build", str(round_[0]), "-o", str(tmp_path), "--no-page-numbers"]) == 1
    assert not (tmp_path / "report.docx").exists() and digest(round_[0]) == before


@pytest.mark.libreoffice
def test_draft_pdf_shows_the_placeholders_on_the_final_pages(soffice, round_, filled, tmp_path):
    from pypdf import PdfReader

    from reportkit.libreoffice.pages import bookmark_pages

    draft = build_report(round_[0], tmp_path / "out", pdf=True, draft=True)
    final = build_report(filled, tmp_path / "final", pdf=True)
    assert draft.page_numbers_checked and final.page_numbers_checked
    assert draft.page_count == final.page_count
    cards = {row.bookmark: row for row in final.report.rows}
    assert {b: draft.pages[b] for b in cards} == {b: final.pages[b] for b in cards}  # the list table's ページ
    pdf = tmp_path / "out" / "draft" / "report.pdf"
    reader = PdfReader(str(pdf))
    physical = bookmark_pages(pdf)
    for row in draft.report.rows:
        if row.placeholder is not None:
            text = reader.pages[physical[row.bookmark] - 1].extract_text()
            assert f"【{row.placeholder.label}】" in text and "素案" in text, row.card.project_id
    # every page but the blank ones LibreOffice leaves before a chapter that starts on an odd page
    texts = [page.extract_text() for page in reader.pages]
    assert all("素案" in text for text in texts if text.strip())
    assert sum(1 for text in texts if not text.strip()) < len(draft.report.chapters)


@pytest.fixture(scope="module")
def deleted(round_, tmp_path_factory):
    """(folder, draft BuildResult) of the round with 024's prefilled workbook deleted (it runs to 2015, 1 reprint).

    (A project whose 事業期間 ended, e.g. 023, is ended when its workbook is deleted: test_collect.)"""
    folder = tmp_path_factory.mktemp("deleted") / "r14"
    shutil.copytree(round_[0], folder)
    (folder / "cards" / sample_card("024").name).unlink()
    return folder, build_report(folder, tmp_path_factory.mktemp("deleted-out"), page_numbers=False, draft=True)


def test_rollover_records_where_each_card_stands(rolled, sample):
    record = load_expected(rolled)
    places = {p.project_id: (p.policy, p.measure, [(r.policy, r.measure) for r in p.reprints]) for p in record.projects}
    assert places == {pid: (c.policy, c.measure, [(r.policy, r.measure) for r in c.reprints]) for pid, c in sample.items()}
    assert len(places["AOM-023"][2]) == 2


def test_a_deleted_card_gets_its_placeholder_pages_where_the_final_has_its_card(deleted, draft, filled, sample, tmp_path):
    folder, result = deleted
    assert result.placeholders["AOM-024"].state == "missing" and result.placeholders["AOM-024"].file == ""
    assert any(n.startswith("AOM-024 ") and "未提出の仮のページ" in n for n in result.notices)
    stand_ins = [row for row in result.report.rows if row.card.project_id == "AOM-024"]
    card = sample["AOM-024"]
    assert [(r.host_policy, r.host_measure, r.is_reprint) for r in stand_ins] == \
        [(card.policy, card.measure, False)] + [(r.policy, r.measure, True) for r in card.reprints]
    assert all(row.placeholder is not None for row in stand_ins)
    # the same rows in the same order, every card and placeholder on the page the final report has
    final = build_report(filled, tmp_path / "final", page_numbers=False)
    assert [(r.card.project_id, r.host_policy, r.is_reprint) for r in result.report.rows] == \
        [(r.card.project_id, r.host_policy, r.is_reprint) for r in final.report.rows]
    cards = {row.bookmark for row in final.report.rows}
    assert {b: result.pages[b] for b in cards} == {b: final.pages[b] for b in cards}
    assert result.pages == draft[1].pages  # as if the prefilled workbook were still there
    doc = Document(str(result.files[0]))
    unique = {cell._tc: cell for table in doc.tables for row in table.rows for cell in row.cells}
    cells = [p.text for cell in unique.values() for p in cell.paragraphs]
    assert cells.count("【未提出】") == sum(1 for r in result.report.rows if r.placeholder and r.placeholder.state == "missing")


def test_an_older_expected_json_without_places_still_reads_and_gives_a_notice(deleted, tmp_path):
    import json

    folder = tmp_path / "r14"
    shutil.copytree(deleted[0], folder)
    path = folder / "expected.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for project in data["projects"]:
        for key in ("policy", "measure", "reprints"):
            del project[key]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_expected(folder).projects[0].policy is None
    result = build_report(folder, tmp_path / "out", page_numbers=False, draft=True)
    assert "AOM-024" not in result.placeholders
    assert "AOM-024" not in {row.card.project_id for row in result.report.rows}
    assert any(n.startswith("AOM-024 ") and "仮のページを置けません" in n for n in result.notices)
