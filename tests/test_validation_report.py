"""The validation report object on a real collection round: tasks, rows, summaries, its renderings."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from reportkit.cli import main as cli
from reportkit.checks.report_text import format_json, format_text
from reportkit.checks.validate import validate_folder
from reportkit.checks.validation_report import UNKNOWN_DIVISION

from collect_helpers import LABOUR, SCHOOL
from yoy_helpers import sample_card


@pytest.fixture(scope="module")
def report(round_):
    return validate_folder(round_[0])


def test_one_task_per_card_file_in_folder_order_with_its_card_and_division(report):
    assert [task.path for task in report.card_tasks] == report.files
    assert len(report.card_tasks) == 120  # 115 prefilled still waiting, 4 returned, 1 new
    by_file = {task.file: task for task in report.tasks}
    clean = by_file[f"cards/{LABOUR}/{sample_card('001').name}"]
    assert clean.ok and clean.buildable and clean.card.card.project_id == "AOM-001" and clean.division == LABOUR
    broken = by_file[f"cards/{LABOUR}/{sample_card('003').name}"]
    assert broken.errors and broken.partial and not broken.buildable and broken.card.card.project_id == "AOM-003"
    assert [(i.cell, i.field, i.code) for i in broken.issues if i.severity == "error"] == [
        (i.cell, i.field, i.code) for i in report.issues if i.file == broken.file and i.severity == "error"]
    new = by_file[f"cards/{SCHOOL}/900_新規テスト事業.xlsx"]
    assert new.buildable and new.division == SCHOOL
    waiting = by_file[f"cards/{sample_card('013').name}"]  # the prefilled workbook: its cost emptied
    assert ("cost", "missing-value") in {(i.field, i.code) for i in waiting.issues} and not waiting.buildable


def test_flatten_gives_one_row_per_issue_in_the_order_found(report):
    rows = report.flatten(("file", "cell", "field", "code", "division"))
    assert [row[:4] for row in rows] == [[i.file, i.cell, i.field, i.code] for i in report.issues]
    assert {row[4] for row in rows if row[0].startswith(f"cards/{LABOUR}/")} == {LABOUR}
    assert report.flatten(("code",))[0] == [report.issues[0].code]


def test_summaries_per_division_and_per_file_count_what_the_issues_say(report):
    division_of = report.departments
    errors = Counter(division_of.get(i.file) or UNKNOWN_DIVISION for i in report.issues
                     if i.severity == "error" and i.file in division_of)
    warnings = Counter(division_of.get(i.file) or UNKNOWN_DIVISION for i in report.issues
                       if i.severity == "warning" and i.file in division_of)
    files = Counter(d or UNKNOWN_DIVISION for d in division_of.values())
    summaries = {s.division: s for s in report.summary_by_division()}
    assert set(summaries) == set(files)
    for division, summary in summaries.items():
        assert (summary.files, summary.errors, summary.warnings) == (
            files[division], errors[division], warnings[division]), division
    assert summaries[SCHOOL].files_with_errors == 1  # the other school project is still the prefilled one
    per_file = {file: (e, w) for file, _, e, w in report.summary_by_file()}
    assert sum(e for e, _ in per_file.values()) == report.error_count
    assert per_file[f"cards/{SCHOOL}/900_新規テスト事業.xlsx"] == (0, 0)


def test_json_and_text_are_what_validate_prints(report, round_, capsys, tmp_path):
    assert cli.main(["validate", str(round_[0]), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert out == format_json(report) + "\n"
    assert json.loads(out) == [i.model_dump() for i in report.issues]
    outdir = tmp_path / "checks"
    assert cli.main(["validate", str(round_[0]), "--by-division", str(outdir)]) == 1
    assert capsys.readouterr().out == format_text(report)
    labour = (outdir / f"{LABOUR}.txt").read_text(encoding="utf-8")
    assert labour.endswith(format_text(report, LABOUR))
    assert f"対象ファイル: {summary_files(report, LABOUR)} 件" in labour


def summary_files(report, division):
    return next(s.files for s in report.summary_by_division() if s.division == division)


def test_a_refused_build_names_the_cards_not_returned_then_the_errors(round_, tmp_path, capsys):
    assert cli.main(["build", str(round_[0]), "-o", str(tmp_path / "out"), "--no-page-numbers"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "未提出のカード（rollover で作ったままのブック）: 115 件"
    named = [line.split("　")[0].strip() for line in lines[1:lines.index("")] if line.startswith("    ")]
    assert len(named) == 115 and "AOM-003" not in named and "AOM-001" not in named  # returned: not missing
    broken = [task for task in validate_folder(round_[0]).card_tasks if task.errors and task.card
              and task.card.card.project_id == "AOM-003"]
    assert [line for line in lines if line.startswith("cards/")] == [broken[0].file]
    assert not (tmp_path / "out" / "report.docx").exists()
