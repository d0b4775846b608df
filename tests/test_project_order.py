"""The report's order follows last year's report, never where the files lie.

Found as a user would: the sample rolled to 平成26年度, every card returned and filed by
``reportkit accept`` under ``cards/<担当課>/``, built. Before, the cards were listed in path order
(AOM-005 before AOM-001 in ①, 64 of 119 projects elsewhere) and ``diff`` said 「移動 0」.
Checked on the real files: report.json, the list table and the cards read back from report.docx.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from reportkit.cli import main as cli
from reportkit.report.build import build_report
from reportkit.collect.expected import load_expected
from reportkit.inputs.config import load_config
from reportkit.checks.validate import validate_folder
from reportkit.workbook.reader import read_workbook
from reportkit.workbook.template import write_workbook
from reportkit.yoy.compare import ADDED, DROPPED, MOVED, ORDER_LABEL, compare
from reportkit.yoy.outputs import summary_text
from reportkit.yoy.redline import redline
from reportkit.yoy.rollover import rollover

from collect_helpers import SCHOOL, accept
from yoy_helpers import INPUTS, edit, year_values

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NEW_ID = "AAA-001"  # sorts before every AOM-: the end of its measure is not 管理番号 order


def _ids(folder: Path) -> list[str]:
    return [p["project_id"] for p in json.loads((folder / "report.json").read_text(encoding="utf-8"))["projects"]]


def _list_names(folder: Path) -> list[str]:
    """事業名 of every row of the list table, as printed in report.docx."""
    table = next(t for t in Document(str(folder / "report.docx")).tables if len(t.columns) == 10)
    return [row.cells[1].text for row in table.rows[1:] if row.cells[9].text.isdigit()]  # the rows with a page


def _card_order(folder: Path) -> list[str]:
    """The cards of section 2(3) in document order: their bookmarks (own and reprint copies)."""
    with zipfile.ZipFile(folder / "report.docx") as package:
        root = etree.fromstring(package.read("word/document.xml"))
    names = [b.get(W + "name", "") for b in root.iter(W + "bookmarkStart")]
    return [name for name in names if re.fullmatch(r"rk[A-Z]+\d+(r\d)?", name)]  # not the headings' rkh…


def _summary_line(capsys, old: Path, new: Path, out: Path) -> str:
    assert cli.main(["diff", str(old), str(new), "-o", str(out)]) == 0
    return capsys.readouterr().out.splitlines()[1]


@pytest.fixture(scope="module")
def last_year(tmp_path_factory) -> Path:
    """The sample built (平成25年度): the order to keep."""
    out = tmp_path_factory.mktemp("order") / "o13"
    build_report(INPUTS, out, page_numbers=False)
    return out


@pytest.fixture(scope="module")
def accepted(rolled, sample, tmp_path_factory) -> Path:
    """The rolled sample with every card returned (last year's figures typed again) and accepted (do not modify)."""
    base = tmp_path_factory.mktemp("order-round")
    folder = base / "r14"
    shutil.copytree(rolled, folder)
    returns = []
    for prefilled in sorted((folder / "cards").glob("*.xlsx")):
        target = base / "returns" / prefilled.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(prefilled, target)
        edit(target, year_values(sample[_project_of(prefilled)]))
        returns.append(target)
    assert accept(folder, returns) == 0
    return folder


def _project_of(workbook: Path) -> str:
    return str(read_workbook(workbook).values["project_id"].value)


@pytest.fixture(scope="module")
def built(accepted, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("order-built") / "o14"
    build_report(accepted, out, page_numbers=False)
    return out


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def _new_card(folder: Path, returns: Path) -> Path:
    config = load_config(folder)
    path = returns / "新規_デジタル人材.xlsx"
    write_workbook(config, path, {
        "project_id": NEW_ID, "policy": 1, "measure": config.policy(1).measures[0],
        "project_name": "若年者デジタル人材育成事業", "description": "若年者のデジタル技能の習得を支援した。",
        "cost": 12345, "department": SCHOOL, "period_start": "平成26年度", "new_listing": "・"})
    return path


def _own_ids(folder: Path, policy: int, measure: str) -> list[str]:
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return [p["project_id"] for p in data["projects"] if (p["policy"], p["measure"]) == (policy, measure)]


# -- the round as it was found ----------------------------------------------------------------------

def test_accepted_cards_lie_in_division_folders_and_the_report_keeps_last_years_order(accepted, built, last_year):
    divisions = {p.parent.name for p in (accepted / "cards").rglob("*.xlsx")}
    assert len(divisions) > 10 and "cards" not in divisions  # every card under cards/<担当課>/
    assert _ids(built) == _ids(last_year)  # report.json
    assert _ids(built)[:6] == ["AOM-001", "AOM-002", "AOM-003", "AOM-004", "AOM-005", "AOM-006"]
    assert _list_names(built) == _list_names(last_year)  # the list table, read back from the .docx
    assert len(_list_names(built)) >= 119
    assert _card_order(built) == _card_order(last_year)  # the cards, own and reprinted
    assert len(_card_order(built)) == 130


def test_diff_says_no_move_when_the_order_is_kept(built, last_year, tmp_path, capsys):
    line = _summary_line(capsys, last_year, built, tmp_path / "diff")
    assert "移動 0、" in line and "追加 0、終了・廃止 0" in line


def test_rollover_records_last_years_report_order(rolled, last_year):
    assert [p.project_id for p in load_expected(rolled).projects] == _ids(last_year)


# -- a new project, and the secretariat's placements ---------------------------------------------------

@pytest.fixture(scope="module")
def with_new(accepted, tmp_path_factory):
    """The accepted round plus a new project of ①'s first measure, filed by accept, built."""
    base = tmp_path_factory.mktemp("order-new")
    folder = _copy(accepted, base)
    assert accept(folder, [_new_card(folder, base / "returns")]) == 0
    out = base / "o14"
    build_report(folder, out, page_numbers=False)
    return folder, out


def test_a_new_project_goes_to_the_end_of_its_measure(with_new, last_year, tmp_path, capsys):
    folder, out = with_new
    measure = load_config(folder).policy(1).measures[0]
    assert _own_ids(out, 1, measure) == _own_ids(last_year, 1, measure) + [NEW_ID]
    assert [i for i in _ids(out) if i != NEW_ID] == _ids(last_year)  # nobody else moves
    line = _summary_line(capsys, last_year, out, tmp_path / "diff")
    assert "追加 1、" in line and "移動 0、" in line


@pytest.fixture(scope="module")
def placed(with_new, tmp_path_factory):
    """The round with a new project, and three placements in config.toml (the third cannot be followed)."""
    base = tmp_path_factory.mktemp("order-placed")
    folder = _copy(with_new[0], base)
    with (folder / "config.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[[placements]]\nproject_id = "{NEW_ID}"\nafter = "AOM-001"\n'
                     '\n[[placements]]\nproject_id = "AOM-005"\nafter = ""\n'
                     '\n[[placements]]\nproject_id = "AOM-010"\nafter = "AOM-001"\n')
    result = build_report(folder, base / "o14", page_numbers=False)
    return folder, base / "o14", result


def test_the_secretariat_places_a_new_project_and_moves_a_continuing_one(placed, last_year, tmp_path, capsys):
    folder, out, result = placed
    measure = load_config(folder).policy(1).measures[0]
    rest = [i for i in _own_ids(last_year, 1, measure) if i not in ("AOM-001", "AOM-005")]
    assert _own_ids(out, 1, measure) == ["AOM-005", "AOM-001", NEW_ID] + rest
    assert _card_order(out).index("rkAAA001") == _card_order(out).index("rkAOM001") + 1
    # AOM-010 is not in that measure: the placement is not followed, and the build says so
    assert any("AOM-010" in n and "AOM-001" in n and "使いませんでした" in n for n in result.notices)
    # diff: AOM-005 moved inside its measure (AOM-001 only shifted), the new project added
    diff = compare(last_year, out)
    assert [(c.project_id, c.field, c.old, c.new) for c in diff.of_kind(MOVED)] == \
        [("AOM-005", ORDER_LABEL, "5番目（AOM-004 の次）", "1番目（先頭）")]
    line = _summary_line(capsys, last_year, out, tmp_path / "diff")
    assert "追加 1、" in line and "移動 1、" in line
    assert "あおもりツーリズム創発事業（AOM-005、" in summary_text(diff)
    # next year keeps this year's order, placements and all, wherever the files lie
    record = load_expected(rollover(folder, 2015, tmp_path / "r15").out_dir)
    assert [p.project_id for p in record.projects] == _ids(out)
    config = tmp_path / "r15" / "config.toml"  # the placements done their work: taken out, the order stays
    config.write_text(config.read_text(encoding="utf-8").split("\n[[placements]]")[0], encoding="utf-8")
    rolled_on = compare(out, tmp_path / "r15")  # the 2015 folder as it stands (nothing returned yet)
    assert rolled_on.of_kind(MOVED) == [] and rolled_on.of_kind(ADDED) == rolled_on.of_kind(DROPPED) == []


def test_the_redline_shows_moved_the_projects_diff_reports_moved(placed, last_year, tmp_path):
    out = placed[1]
    redline(last_year / "report.docx", out / "report.docx", tmp_path / "redline.docx")
    with zipfile.ZipFile(tmp_path / "redline.docx") as package:
        root = etree.fromstring(package.read("word/document.xml"))
    # a moved card: a 【移動】 note (inserted and deleted: gone either way) where it stood, naming it
    notes = ["".join(t.text or "" for t in p.iter(W + "t", W + "delText")) for p in root.iter(W + "p")]
    notes = [text for text in notes if "【移動】" in text]
    names = {p["project_id"]: p["name"] for p in json.loads((out / "report.json").read_text(encoding="utf-8"))["projects"]}
    moved = [c.project_id for c in compare(last_year, out).of_kind(MOVED)]
    assert moved == ["AOM-005"]
    assert len(notes) == len(moved) and all(names[i] in note for i, note in zip(moved, notes))


# -- the sample ------------------------------------------------------------------------------------

def test_the_sample_keeps_the_editions_order_wherever_its_files_lie(last_year, tmp_path):
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)
    for sourced in validate_folder(folder).cards:
        path = folder / sourced.source.file
        target = folder / "cards" / sourced.card.department / f"{999 - int(path.name[:3])}_{path.name[4:]}"
        target.parent.mkdir(exist_ok=True)
        path.rename(target)  # numbered backwards, one folder per 担当課
    build_report(folder, tmp_path / "out", page_numbers=False)
    assert (tmp_path / "out" / "report.json").read_bytes() == (last_year / "report.json").read_bytes()
    ids = _ids(last_year)
    assert ids == [f"AOM-{n:03d}" for n in range(1, 120)]  # the edition's list order: its 管理番号


def test_validate_names_a_placement_it_cannot_follow_while_the_returns_come_in(placed, tmp_path):
    """Before the build: the placement of AOM-010 after a project of another measure, and one naming no
    card, are warnings of config.toml; the two placements that work say nothing."""
    from reportkit.checks.validate import validate_folder

    folder = _copy(placed[0], tmp_path)
    with (folder / "config.toml").open("a", encoding="utf-8") as config:
        config.write('\n[[placements]]\nproject_id = "AOM-999"\nafter = ""\n')
    issues = [i for i in validate_folder(folder).issues if i.code == "placement-unused"]
    assert [(i.file, i.severity) for i in issues] == [("config.toml", "warning")] * 2
    assert "AOM-010" in issues[0].message and "AOM-001" in issues[0].message
    assert "「AOM-999」のカードがない" in issues[1].message
