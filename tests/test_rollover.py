"""rollover: next year's input folder from this year's, on real .xlsx workbooks of the sample."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from reportkit.cli import main as cli
from reportkit.report.aggregate import aggregate
from reportkit.collect.expected import load_expected
from reportkit.inputs.config import load_config
from reportkit.errors import ReportkitError, ValidationFailed
from reportkit.yoy.rollover import advance_wareki_month, rollover
from reportkit.checks.validate import validate_folder

from yoy_helpers import edit, make_input_folder, year_values


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    """(this year's folder, its validation, the RolloverResult, the input digest before rollover)."""
    base = tmp_path_factory.mktemp("rollover")
    year1 = make_input_folder(base / "h25")
    before = _tree_digest(year1)
    old = validate_folder(year1)
    result = rollover(year1, 2014, base / "h26")
    return year1, old, result, before


def _emptied_fields(sourced) -> Counter:
    """(file, field, code) of every value rollover empties on this card: what validation must report."""
    card, file = sourced.card, sourced.source.file
    found = Counter({(file, "cost", "missing-value"): 1})
    for field, table in (("progress_rows", card.progress), ("outcome_rows", card.outcome)):
        for row in table.rows:
            if row.item and row.kind != "見出し":
                found[(file, field, "row-without-value")] += 1
    columns = 0
    for row in card.results_free:
        columns = len(row.cells) if row.kind == "表頭" else columns
        if row.kind == "文" or (row.kind == "表" and columns >= 2 and len(row.cells) >= columns):
            found[(file, "results_free", "free-row-without-value")] += 1
    return found


def test_rollover_then_validate_reports_every_emptied_value(rolled):
    """The cost and every results value rollover empties is an error at its cell; nothing else is."""
    year1, old, result, _ = rolled
    issues = validate_folder(result.out_dir).issues
    errors = Counter((i.file, i.field, i.code) for i in issues if i.severity == "error")
    assert errors == sum((_emptied_fields(s) for s in old.cards), Counter())
    assert sum(errors.values()) > 2 * len(old.cards)  # values as well as costs
    # last year's 「25年度」 column head of 035's free table is still there: a warning, not an error
    card_warnings = [i for i in issues if i.severity == "warning" and i.file.startswith("cards/")]
    assert {(Path(i.file).name[:3], i.field, i.code, i.cell) for i in card_warnings} == {
        ("035", "results_free", "stale-year-text", "E59")}
    # the narratives' own warnings (last year's 年度, figures without data): tests/test_narrative_templates.py
    assert {i.code for i in issues if not i.file.startswith("cards/")} == {"stale-year-text", "statistics-no-data"}


def test_rollover_writes_one_workbook_per_project_with_same_file_names(rolled):
    year1, old, result, _ = rolled
    names = sorted(p.name for p in (year1 / "cards").iterdir())
    assert sorted(p.name for p in (result.out_dir / "cards").iterdir()) == names
    assert [p.name for p in result.cards] == names


def test_rollover_keeps_everything_but_the_year_fields(rolled, tmp_path):
    """Filling in last year's figures again gives back last year's cards, in the new year."""
    year1, old, result, _ = rolled
    copy = tmp_path / "filled"
    import shutil

    shutil.copytree(result.out_dir, copy)
    for sourced in old.cards:
        edit(copy / sourced.source.file, year_values(sourced.card))
    new = {s.card.project_id: s.card for s in validate_folder(copy).cards}
    assert set(new) == {s.card.project_id for s in old.cards}
    for sourced in old.cards:
        expected = sourced.card.model_copy(update={"fiscal_year": 2014})
        assert new[sourced.card.project_id] == expected


def test_rollover_empties_cost_results_values_flags_and_new_listing(rolled, tmp_path):
    year1, old, result, _ = rolled
    import shutil

    copy = tmp_path / "cost-only"
    shutil.copytree(result.out_dir, copy)
    for sourced in old.cards:
        edit(copy / sourced.source.file, {"cost": 1})
    cards = {s.card.project_id: s.card for s in validate_folder(copy).cards}
    for sourced in old.cards:
        before, after = sourced.card, cards[sourced.card.project_id]
        assert after.fiscal_year == 2014
        assert (after.cost, after.cost_note, after.priority, after.key_result, after.emergency,
                after.new_listing, after.new_summary) == (1, "", False, False, False, "", "")
        for table_before, table_after in ((before.progress, after.progress), (before.outcome, after.outcome)):
            assert [(r.item, r.kind) for r in table_after.rows] == [(r.item, r.kind) for r in table_before.rows]
            assert all(r.value == "" for r in table_after.rows)
            assert (table_after.caption, table_after.headers) == (table_before.caption, table_before.headers)
        assert (after.project_name, after.description, after.history, after.reprints, after.policy, after.measure,
                after.department, after.group, after.period_start, after.period_end, after.foundation) == (
            before.project_name, before.description, before.history, before.reprints, before.policy, before.measure,
            before.department, before.group, before.period_start, before.period_end, before.foundation)
    free = next(c for c in cards.values() if c.results_free)
    assert [(r.kind, r.cells) for r in free.results_free if r.kind == "表"][:2] == [
        ("表", ["商工会議所"]), ("表", ["商工会"])]
    assert all(r.cells == [] for r in free.results_free if r.kind == "文")


def test_rollover_empties_the_year_flags_that_were_set(tmp_path):
    """主要成果, 緊急雇用 and 重点 describe one year: set on last year's card, blank on the prefilled one."""
    year1 = make_input_folder(tmp_path / "h25", prefixes=("001",))
    (card_file,) = (year1 / "cards").glob("*.xlsx")
    edit(card_file, {"key_result": "○", "emergency": "○", "priority": "○"})
    (before,) = validate_folder(year1).cards
    assert (before.card.key_result, before.card.emergency, before.card.priority) == (True, True, True)
    result = rollover(year1, 2014, tmp_path / "h26")
    (after,) = [task.card.card for task in validate_folder(result.out_dir).card_tasks]
    assert after.project_id == before.card.project_id
    assert (after.key_result, after.emergency, after.priority) == (False, False, False)


def test_a_cost_far_from_last_years_is_a_warning_at_its_cell_naming_last_years_figure(rolled, tmp_path):
    """A cost typed as a bare number in 円 (1,000 times last year's 千円) or a hundredth of it: checked against expected.json."""
    import shutil

    from builders import address

    year1, old, result, _ = rolled
    copy = tmp_path / "filled"
    shutil.copytree(result.out_dir, copy)
    costs = [s for s in old.cards if s.card.cost and s.card.cost >= 1000]
    in_yen, tenfold, tiny = costs[0], costs[1], costs[2]
    edit(copy / in_yen.source.file, {"cost": in_yen.card.cost * 1000})
    edit(copy / tenfold.source.file, {"cost": tenfold.card.cost * 10})  # a big change, but not a slip of unit
    edit(copy / tiny.source.file, {"cost": tiny.card.cost // 100})
    far = [i for i in validate_folder(copy).issues if i.code == "cost-far-from-last-year"]
    assert [(i.file, i.cell, i.field, i.severity) for i in far] == [
        (in_yen.source.file, address("cost"), "cost", "warning"), (tiny.source.file, address("cost"), "cost", "warning")]
    last = in_yen.card.cost
    assert far[0].message == (
        f"事業費（{last * 1000:,}千円）が前年度の事業費（平成２５年度 {last:,}千円）の1,000倍です。"
        "円単位で入力していないか、桁を間違えていないか確認してください（事業費は千円単位です）。"
        "正しい金額なら、そのままで構いません。")
    assert f"（平成２５年度 {tiny.card.cost:,}千円）の" in far[1].message and "分の１です。" in far[1].message


def test_rollover_advances_config_and_appends_this_years_figures(rolled):
    year1, old, result, _ = rolled
    config = load_config(result.out_dir)
    assert config.fiscal_year == 2014
    assert config.cover.publication == "平成２７年９月"
    old_text = (year1 / "config.toml").read_text(encoding="utf-8")
    new_text = (result.out_dir / "config.toml").read_text(encoding="utf-8")
    assert new_text == old_text.replace("fiscal_year = 2013", "fiscal_year = 2014").replace(
        "平成２６年９月", "平成２７年９月")  # comments and layout kept
    rows = list(csv.DictReader((result.out_dir / "multi_year.csv").open(encoding="utf-8")))
    old_rows = list(csv.DictReader((year1 / "multi_year.csv").open(encoding="utf-8")))
    assert rows[: len(old_rows)] == old_rows
    report = aggregate(old.config, [s.card for s in old.cards], [])
    assert [(int(r["year"]), int(r["policy"]), int(r["count"]), int(r["amount"])) for r in rows[len(old_rows):]] == [
        (2013, p.no, p.count, p.subtotal) for p in report.policies]
    assert sum(int(r["count"]) for r in rows if r["year"] == "2013") == len(old.cards)


def test_rollover_copies_narratives_and_statistics(rolled):
    year1, _, result, _ = rolled
    for name in ("narratives", "statistics"):
        assert _tree_digest(result.out_dir / name) == _tree_digest(year1 / name)


def test_rollover_never_writes_into_the_input_folder(rolled):
    year1, _, _, before = rolled
    assert _tree_digest(year1) == before
    assert not [p for p in year1.parent.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_rollover_notes_projects_whose_period_has_ended(tmp_path):
    year1 = make_input_folder(tmp_path / "h25", prefixes=("001", "002"))
    ended = next((year1 / "cards").glob("002_*"))
    edit(ended, {"period_end": "平成25年度"})
    result = rollover(year1, 2014, tmp_path / "h26")
    assert [(c.file, c.period_end) for c in result.ended] == [(f"cards/{ended.name}", 2013)]
    assert not [n for n in result.notices if "事業期間" in n]  # named once, in the grouped list


@pytest.fixture(scope="module")
def sample_rolled_by_cli(tmp_path_factory):
    """(the folder, the finished process) of ``reportkit rollover`` run on the whole sample."""
    from command_helpers import run_reportkit
    from yoy_helpers import INPUTS

    folder = tmp_path_factory.mktemp("cli") / "h26"
    run = run_reportkit("rollover", INPUTS, "--to-year", "2014", "-o", folder)
    assert run.returncode == 0, run.stderr
    return folder, run


def test_rollover_groups_its_notices_by_kind_and_division(sample_rolled_by_cli):
    """The sample rolled: 56 cards whose 事業期間 is over are one 注意 and one line per division, not 56 lines."""
    folder, run = sample_rolled_by_cli
    lines = run.stdout.splitlines()
    record = load_expected(folder)
    ended = [p for p in record.projects if p.period_end is not None and p.period_end < 2014]
    assert len(ended) == 56  # the sample's projects whose period ends with 平成25年度 or before
    assert len(lines) < 25
    (heading,) = [i for i, line in enumerate(lines) if "事業期間" in line and line.startswith("  注意:")]
    assert "56 件" in lines[heading] and "平成２５年度まで" in lines[heading]
    listed = lines[heading + 1:]
    divisions = [line.split("（")[0].strip() for line in listed]
    config = load_config(folder)
    assert divisions == [d for d in config.divisions if any(p.division == d for p in ended)]  # config order
    for project in ended:  # each named once, on its division's line, by its file name in cards/
        stem = Path(project.file).stem
        (line,) = [line for line in listed if stem in line]
        assert line.strip().startswith(f"{project.division}（")
        if project.period_end != 2013:
            assert f"{stem}（平成２４年度まで）" in line
    assert sum(1 for line in lines if line.startswith("  注意:")) <= 3


def test_rollover_records_the_year_s_flags_and_says_how_many_there_were(sample_rolled_by_cli):
    """重点, 主要成果 and 緊急雇用 are emptied on the cards but kept in expected.json and counted in the summary."""
    from yoy_helpers import INPUTS

    folder, run = sample_rolled_by_cli
    cards = {s.card.project_id: s.card for s in validate_folder(INPUTS).cards}
    record = load_expected(folder)
    assert {p.project_id: (p.priority, p.key_result, p.emergency) for p in record.projects} == {
        i: (c.priority, c.key_result, c.emergency) for i, c in cards.items()}
    counts = [sum(getattr(c, flag) for c in cards.values()) for flag in ("priority", "key_result", "emergency")]
    assert counts[0] > 50 and all(counts)
    assert (f"  平成２５年度の指定: 重点 {counts[0]} 件、主要成果 {counts[1]} 件、緊急雇用 {counts[2]} 件"
            "（次年度のカードでは空欄です）") in run.stdout.splitlines()


def test_rollover_refuses_a_non_empty_output_folder(rolled, tmp_path):
    year1 = rolled[0]
    target = tmp_path / "next"
    target.mkdir()
    (target / "memo.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ReportkitError, match="空ではありません"):
        rollover(year1, 2014, target)
    assert [p.name for p in target.iterdir()] == ["memo.txt"]


def test_rollover_accepts_an_empty_output_folder(tmp_path):
    year1 = make_input_folder(tmp_path / "h25", prefixes=("001",))
    (tmp_path / "next").mkdir()
    result = rollover(year1, 2014, tmp_path / "next")
    assert [p.name for p in (tmp_path / "next" / "cards").iterdir()] == [p.name for p in result.cards]


def test_rollover_refuses_an_output_folder_inside_the_input(rolled):
    year1 = rolled[0]
    with pytest.raises(ReportkitError, match="入力フォルダ"):
        rollover(year1, 2014, year1 / "next")
    assert not (year1 / "next").exists()


def test_rollover_refuses_a_year_not_after_the_input_year(rolled, tmp_path):
    with pytest.raises(ReportkitError, match="より後"):
        rollover(rolled[0], 2013, tmp_path / "same")
    assert not (tmp_path / "same").exists()


def test_rollover_refuses_inputs_with_errors_and_leaves_nothing(tmp_path):
    year1 = make_input_folder(tmp_path / "h25", prefixes=("001", "002"))
    edit(next((year1 / "cards").glob("002_*")), {"cost": None})
    with pytest.raises(ValidationFailed):
        rollover(year1, 2014, tmp_path / "h26")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h25"]


@pytest.mark.parametrize("text, years, expected", [
    ("平成２６年９月", 1, "平成２７年９月"),
    ("平成30年9月", 1, "令和元年9月"),
    ("平成30年4月", 1, "平成31年4月"),
    ("令和元年９月", 1, "令和２年９月"),
    ("令和6年10月", 2, "令和8年10月"),
    ("2014年9月", 1, None),
])
def test_publication_month_advances_in_wareki(text, years, expected):
    assert advance_wareki_month(text, years) == expected


def test_cli_rollover_writes_the_folder_and_prints_japanese(rolled, tmp_path, capsys):
    year1 = make_input_folder(tmp_path / "h25", prefixes=("001",))
    code = _run(["rollover", str(year1), "--to-year", "平成26年度", "-o", str(tmp_path / "h26")])
    out = capsys.readouterr().out
    assert code == 0
    assert "平成２６年度の入力フォルダを作りました" in out
    assert (tmp_path / "h26" / "cards").is_dir()


def test_cli_rollover_refusal_is_exit_2_without_traceback(rolled, capsys):
    year1 = rolled[0]
    code = _run(["rollover", str(year1), "--to-year", "2014", "-o", str(year1 / "inside")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("エラー: ") and "Traceback" not in err


def _run(argv: list[str]) -> int:
    return cli.main(argv)


def test_same_input_folder_rolls_over_to_the_same_bytes(rolled, tmp_path):
    year1, _, result, _ = rolled
    again = rollover(year1, 2014, tmp_path / "again")
    assert _tree_digest(again.out_dir) == _tree_digest(result.out_dir)


def test_rollover_keeps_the_division_subfolders_and_same_names_in_two_of_them(tmp_path):
    year1 = make_input_folder(tmp_path / "h25")
    cards = sorted((year1 / "cards").glob("*.xlsx"))
    (year1 / "cards" / "商工政策課").mkdir()
    (year1 / "cards" / "地域産業課").mkdir()
    cards[0].rename(year1 / "cards" / "商工政策課" / "カード.xlsx")
    cards[1].rename(year1 / "cards" / "地域産業課" / "カード.xlsx")
    before = sorted(p.relative_to(year1 / "cards").as_posix() for p in (year1 / "cards").rglob("*.xlsx"))
    result = rollover(year1, 2014, tmp_path / "h26")
    after = sorted(p.relative_to(result.out_dir / "cards").as_posix()
                   for p in (result.out_dir / "cards").rglob("*.xlsx"))
    assert after == before and "商工政策課/カード.xlsx" in after and "地域産業課/カード.xlsx" in after
    assert sorted(p.relative_to(result.out_dir / "cards").as_posix() for p in result.cards) == before
    issues = validate_folder(result.out_dir).issues
    # each card is reported under its own path (its emptied cost among its emptied values)
    assert {(i.code, i.file, i.cell) for i in issues if i.field == "cost"} >= {
        ("missing-value", "cards/商工政策課/カード.xlsx", "B11"), ("missing-value", "cards/地域産業課/カード.xlsx", "B11")}
