"""diff: year-over-year changes on a second year made by rollover plus scripted edits (real .xlsx)."""

from __future__ import annotations


import pytest
from openpyxl import load_workbook

from reportkit.cli import main as cli
from reportkit.report.aggregate import aggregate
from reportkit.yoy.compare import (ADDED, COST, DROPPED, FIELD, MOVED, ORDER_LABEL, RENAMED, Change, Diff,
                                   PolicyFigures, compare, match_projects)
from reportkit.yoy.outputs import diff_html, summary_text, write_diff_outputs
from reportkit.report.export import report_data, report_json_bytes
from reportkit.checks.validate import validate_folder

from yoy_helpers import make_two_years


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    base = tmp_path_factory.mktemp("diff")
    year1, year2, edits = make_two_years(base)
    return base, year1, year2, edits


@pytest.fixture(scope="module")
def diff(years):
    _, year1, year2, _ = years
    return compare(year1, year2)


def _expected(edits) -> set[tuple[str, str, str]]:
    return {
        (RENAMED, "NEW-001", "事業名"),
        (FIELD, "NEW-001", "事業の経緯（追加）"),
        (COST, edits["cost"].project_id, "事業費（千円）"),
        (MOVED, edits["moved"].project_id, "施策"),
        (FIELD, edits["results"].project_id, f"表１「{edits['results_item']}」"),
        (ADDED, "NEW-900", "事業"),
        (DROPPED, edits["dropped"].project_id, "事業"),
    }


def test_every_scripted_edit_is_found_and_nothing_else(diff, years):
    edits = years[3]
    assert sorted((c.kind, c.project_id, c.field) for c in diff.changes) == sorted(_expected(edits))
    assert diff.warnings == []


def test_rename_is_matched_through_the_former_name_in_the_history(diff, years):
    renamed = years[3]["renamed"]
    assert ("AOM-001", "NEW-001", "旧事業名") in [(m.old_id, m.new_id, m.how) for m in diff.matches]
    change = diff.of_kind(RENAMED)[0]
    assert (change.old, change.new) == (renamed.project_name, "訓練校指導員研修事業")
    history = next(c for c in diff.changes if c.field == "事業の経緯（追加）")
    assert "事業名変更" in history.new and f"「{renamed.project_name}」" in history.new


def test_cost_change_has_difference_and_percentage(diff, years):
    before = years[3]["cost"].cost
    (change,) = diff.of_kind(COST)
    assert (change.old, change.new, change.delta) == (before, before + 500, 500)
    assert change.ratio == pytest.approx(500 / before)


def test_move_and_results_row_show_old_and_new(diff, years):
    edits = years[3]
    (move,) = diff.of_kind(MOVED)
    assert move.old == edits["moved"].measure and move.new == "中高年齢者及び障害者の雇用促進"
    row = next(c for c in diff.changes if c.field.startswith("表１"))
    assert (row.old, row.new) == (edits["results_old"], "９９回")


def test_policy_counts_and_subtotals_old_to_new(diff, years):
    edits = years[3]
    figures = {p.no: p for p in diff.policies}
    one, two = figures[1], figures[2]
    assert (one.old_count, one.new_count) == (5, 4)  # ① lost the dropped project
    assert one.new_subtotal - one.old_subtotal == 500 - edits["dropped"].cost
    assert (two.old_count, two.new_count) == (1, 2)
    assert two.new_subtotal - two.old_subtotal == 12345
    assert [p.no for p in diff.policies if p.changed] == [1, 2]
    assert (diff.total.old_count, diff.total.new_count) == (6, 6)
    assert diff.total.new_subtotal - diff.total.old_subtotal == 500 - edits["dropped"].cost + 12345


def test_built_report_json_compares_like_the_input_folder(years, diff, tmp_path):
    """report.json (pages included) against an input folder gives the same changes."""
    _, year1, year2, _ = years
    result = validate_folder(year1)
    data = report_data(aggregate(result.config, [s.card for s in result.cards], []), {})
    for number, project in enumerate(data.projects, start=14):
        project.page = number
    (tmp_path / "report.json").write_bytes(report_json_bytes(data))
    from_json = compare(tmp_path, year2)
    assert [(c.kind, c.project_id, c.field, c.old, c.new) for c in from_json.changes] == [
        (c.kind, c.project_id, c.field, c.old, c.new) for c in diff.changes]
    assert from_json.policies == diff.policies


def test_same_side_twice_has_no_changes(years):
    same = compare(years[1], years[1])
    assert same.changes == [] and same.empty
    assert "違いはありません" in summary_text(same)


def test_projects_match_by_id_then_name_ignoring_whitespace_then_former_name():
    old = [{"project_id": "A", "name": "甲事業"}, {"project_id": "B", "name": "乙 事業"},
           {"project_id": "C", "name": "丙事業"}, {"project_id": "D", "name": "丁事業"}]
    new = [{"project_id": "X", "name": "新丙事業",
            "history": [{"event": "事業名変更", "former_name": "丙　事業"}]},
           {"project_id": "A", "name": "甲事業（改）"}, {"project_id": "Y", "name": "乙事業"},
           {"project_id": "Z", "name": "戊事業", "history": [{"event": "制度創設", "former_name": "丁事業"}]}]
    assert match_projects(_projects(old), _projects(new)) == [(2, 0, "旧事業名"), (0, 1, "管理番号"), (1, 2, "事業名")]


def test_diff_xlsx_has_one_row_a_change_with_autofilter(diff, tmp_path):
    xlsx, _ = write_diff_outputs(diff, tmp_path)
    wb = load_workbook(xlsx)
    sheet = wb["変更一覧"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("担当課", "事業名", "管理番号", "区分", "項目", "旧", "新")
    assert len(rows) - 1 == len(diff.changes)
    assert sheet.auto_filter.ref == sheet.dimensions
    assert {r[3] for r in rows[1:]} == {ADDED, DROPPED, RENAMED, MOVED, COST, FIELD}
    cost = next(r for r in rows[1:] if r[3] == COST)
    assert isinstance(cost[5], int) and cost[7] == 500


def _tricky_diff() -> Diff:
    change = Change(FIELD, "P-1", "<b>事業</b>&", "課", "事業内容", "=SUM(A1:A3)", "@cmd <script>alert(1)</script>")
    same = PolicyFigures(1, "方針", 1, 1, 10, 10, None, None)
    return Diff("old", "new", 2013, 2014, [change], [same], PolicyFigures(0, "合計", 1, 1, 10, 10, None, None), [])


def test_formula_like_values_are_stored_as_text(tmp_path):
    xlsx, _ = write_diff_outputs(_tricky_diff(), tmp_path)
    sheet = load_workbook(xlsx)["変更一覧"]
    old, new = sheet.cell(2, 6), sheet.cell(2, 7)
    assert (old.value, old.data_type) == ("=SUM(A1:A3)", "s")
    assert (new.value, new.data_type) == ("@cmd <script>alert(1)</script>", "s")


def test_html_escapes_every_value():
    page = diff_html(_tricky_diff())
    assert "<script>" not in page and "<b>事業" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;事業&lt;/b&gt;&amp;" in page


def test_same_inputs_give_the_same_bytes(years, diff, tmp_path):
    _, year1, year2, _ = years
    first = write_diff_outputs(diff, tmp_path / "one")
    second = write_diff_outputs(compare(year1, year2), tmp_path / "two")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_summary_names_each_kind_in_japanese(diff):
    text = summary_text(diff)
    assert "追加 1、終了・廃止 1、名称変更 1、移動 1、事業費の変更 1、項目の変更 2 事業" in text
    assert "（+500、" in text


def test_input_folder_with_unreadable_cards_is_compared_with_a_warning(years, tmp_path):
    import shutil

    _, year1, _, _ = years
    broken = tmp_path / "broken"
    shutil.copytree(year1, broken)
    from yoy_helpers import edit

    victim = sorted((broken / "cards").iterdir())[0]
    edit(victim, {"cost": None})
    result = compare(year1, broken)
    assert len(result.warnings) == 1 and victim.name in result.warnings[0]


def test_cli_diff_writes_xlsx_and_html_and_prints_summary(years, tmp_path, capsys):
    _, year1, year2, _ = years
    code = _run(["diff", str(year1), str(year2), "-o", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["diff.html", "diff.xlsx"]
    assert "名称変更" in out and "diff.xlsx" in out


def test_cli_diff_of_a_missing_side_is_exit_2(tmp_path, capsys):
    code = _run(["diff", str(tmp_path / "nothing"), str(tmp_path / "either"), "-o", str(tmp_path / "out")])
    assert code == 2
    assert capsys.readouterr().err.startswith("エラー: 比較対象が見つかりません")


def test_cli_redline_needs_two_built_reports(years, tmp_path, capsys):
    _, year1, year2, _ = years
    code = _run(["diff", str(year1), str(year2), "-o", str(tmp_path / "out"), "--redline"])
    assert code == 2
    assert "report.docx" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_refuses_to_write_into_an_input_folder(years, capsys):
    _, year1, year2, _ = years
    code = _run(["diff", str(year1), str(year2), "-o", str(year1 / "diff")])
    assert code == 2 and not (year1 / "diff").exists()


def _run(argv: list[str]) -> int:
    return cli.main(argv)


def test_a_freshly_rolled_over_folder_keeps_every_project(tmp_path):
    """Cards whose cost is not filled in yet are the same projects, not dropped ones."""
    from yoy_helpers import make_input_folder

    from reportkit.yoy.rollover import rollover

    old = make_input_folder(tmp_path / "h25")
    new = tmp_path / "h26"
    rollover(old, 2014, new)
    result = compare(old, new)
    kinds = {change.kind for change in result.changes}
    assert "廃止" not in kinds and "追加" not in kinds
    assert any("事業費が読めない" in warning for warning in result.warnings)


def _projects(projects: list[dict]):
    """report.json projects from the fields a test names (policy 1, empty measure and department by default)."""
    from reportkit.report.report_json import ReportProject

    return [ReportProject(**{"policy": 1, "measure": "", "department": "", **project}) for project in projects]


def _side(year: int, projects: list[dict]):
    from reportkit.yoy.compare import Side

    return Side(label=f"{year}", fiscal_year=year, policies=[], total=None, projects=_projects(projects))


def test_a_project_moved_to_another_policy_and_measure_counts_once():
    old = _side(2013, [{"project_id": "P1", "name": "甲", "policy": 1, "measure": "施策ア"}])
    new = _side(2014, [{"project_id": "P1", "name": "甲", "policy": 2, "measure": "施策イ"}])
    result = compare(old, new)
    assert len(result.of_kind(MOVED)) == 2 and result.counts()[MOVED] == 1
    assert "移動 1、" in summary_text(result)


def _in_measure(*ids: str, measure: str = "施策ア") -> list[dict]:
    return [{"project_id": pid, "name": f"事業{pid}", "policy": 1, "measure": measure} for pid in ids]


def _moves(old: list[dict], new: list[dict]) -> list[tuple[str, str, str]]:
    return [(c.project_id, c.old, c.new) for c in compare(_side(2013, old), _side(2014, new)).of_kind(MOVED)]


def test_order_moves_are_the_projects_out_of_the_longest_run_kept_in_order():
    # the round as found: AOM-005 filed before AOM-001 — one project moved, four only shifted
    assert _moves(_in_measure("A1", "A2", "A3", "A4", "A5"), _in_measure("A5", "A1", "A2", "A3", "A4")) == \
        [("A5", "5番目（A4 の次）", "1番目（先頭）")]
    assert _moves(_in_measure("A1", "A2"), _in_measure("A2", "A1")) == [("A1", "1番目（先頭）", "2番目（A2 の次）")]
    # each measure on its own; an added, a dropped or a project moved to another measure moves nobody
    assert _moves(_in_measure("A1", "A2", "A3") + _in_measure("B1", "B2", measure="施策イ"),
                  _in_measure("N1", "A1", "A3") + _in_measure("B1", "A2", measure="施策イ")) == \
        [("A2", "施策ア", "施策イ")]
    result = compare(_side(2013, _in_measure("A1", "A2", "A3")), _side(2014, _in_measure("A3", "A2", "A1")))
    assert result.counts()[MOVED] == 2 and "移動 2、" in summary_text(result)
    assert {c.field for c in result.of_kind(MOVED)} == {ORDER_LABEL}


def test_old_side_of_a_later_year_is_a_warning(years, tmp_path, capsys):
    _, year1, year2, _ = years
    assert compare(year1, year2).warnings == []
    assert _run(["diff", str(year2), str(year1), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "注意：旧（平成２６年度" in out and "逆" in out
    assert "OLD と NEW の順が逆" in (tmp_path / "out" / "diff.html").read_text(encoding="utf-8")


def test_diff_into_a_closed_pipe_prints_no_error(years, tmp_path):
    """``reportkit diff OLD NEW | head``: the reader goes away before the output is written."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    _, year1, year2, _ = years
    root = Path(__file__).resolve().parents[1]
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the command writes anything
    try:
        done = subprocess.run([sys.executable, "-m", "reportkit", "diff", str(year1), str(year2),
                               "-o", str(tmp_path / "out")], stdout=write_end, stderr=subprocess.PIPE,
                              env=dict(os.environ, PYTHONPATH=str(root)), cwd=root, timeout=300)
    finally:
        os.close(write_end)
    assert done.stderr.decode("utf-8") == "" and done.returncode == 0
