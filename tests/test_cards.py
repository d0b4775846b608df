"""From what a workbook holds to a normalised Card, with an Issue for every cell that cannot be read."""

from __future__ import annotations

import shutil
from pathlib import Path

from builders import DATA, address, write_card
from reportkit.checks.cards import build_card
from reportkit.checks.validate import validate_card_file
from reportkit.workbook.reader import read_workbook


def test_clerk_values_are_normalised(clean_card, config):
    sourced, issues = build_card(read_workbook(clean_card), config)
    card = sourced.card
    assert issues == []
    assert (card.fiscal_year, card.policy, card.cost, card.period_start, card.period_end) == (2013, 3, 190824, 1969, None)
    assert card.priority is True and card.key_result is False and card.foundation == "△" and card.new_listing == "・"
    assert card.progress.rows[1].kind == "内訳" and card.progress.rows[0].value == "161件\n3,772,450千円"
    assert card.history[1].year == "平成２２年度（平成２３年３月１５日）"
    assert card.history[0].year == "昭和４４年度"
    assert [(r.policy, r.measure) for r in card.reprints] == [(2, "経営支援の強化")]
    assert sourced.source.cells["cost"] == address("cost")


def test_measure_and_division_typed_by_hand_take_the_config_spelling(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, department="ITER支援室",
                      measure=" ・中小企業の資金ニーズを的確に捉えた弾力的な運用、新たな資金の創設等の制度資金の充実 ",
                      reprint_rows=[("2", "経営支援の 強化")])
    sourced, issues = validate_card_file(path, config)
    assert issues == []
    assert sourced.card.department == "ＩＴＥＲ支援室"
    assert sourced.card.measure.startswith("中小企業の資金ニーズ")
    assert sourced.card.reprints[0].measure == "経営支援の強化"


def test_a_card_without_required_fields_is_not_built(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, project_name=None, department=None)
    sourced, issues = build_card(read_workbook(path), config)
    assert sourced is None
    assert {(i.code, i.cell, i.field) for i in issues} == {
        ("missing-value", address("project_name"), "project_name"),
        ("missing-value", address("department"), "department")}


def test_row_cells_follow_the_card_rows_after_a_skipped_row(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config,
                      results_free=[("注記", "x"), ("表", "商工会", "42")],
                      reprint_rows=[("⑨", "x"), ("③", "中小企業の資金ニーズを的確に捉えた弾力的な運用、新たな資金の創設等の制度資金の充実")])
    _, issues = validate_card_file(path, config)
    found = {(i.code, i.cell) for i in issues}
    assert ("bad-free-kind", address("results_free", 0)) in found
    assert ("free-row-order", address("results_free", 1)) in found
    assert ("unknown-reprint-policy", address("reprint_rows", 0)) in found
    assert ("reprint-to-home", address("reprint_rows", 1)) in found


def test_numbers_typed_as_numbers_keep_excel_grouping(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, cost=190824, period_start=2010,
                      outcome_rows=[("相談件数", 1234, None)], fiscal_year=2013)
    sourced, issues = validate_card_file(path, config)
    assert issues == []
    assert sourced.card.outcome.rows[0].value == "1,234" and sourced.card.period_start == 2010


def test_a_missing_cost_does_not_hide_the_other_problems(tmp_path, config):
    """One pass shows every problem: the card is still checked, but it is not a card to build from."""
    from reportkit.checks.validate import validate_folder

    shutil.copy(DATA / "config.toml", tmp_path / "config.toml")
    write_card(tmp_path / "card.xlsx", config, cost=None, measure="どこにもない施策")
    result = validate_folder(tmp_path, config)
    triples = {(i.code, i.cell, i.field) for i in result.issues}
    assert ("missing-value", address("cost"), "cost") in triples
    assert ("unknown-measure", address("measure"), "measure") in triples
    assert result.cards == []


# -- one pass names every problem (issue 19, item 4) -------------------------------------------------

def _found(folder: Path) -> set[tuple[str, str, str]]:
    from reportkit.checks.validate import validate_folder

    return {(i.code, i.cell, i.field) for i in validate_folder(folder).issues}


def test_an_unknown_policy_does_not_hide_the_other_problems(card_folder, config, capsys):
    """Policy ⑨ used to stop the checks: the division, the period and the breakdown are reported with it."""
    from reportkit.cli import main as cli

    write_card(card_folder / "card.xlsx", config, policy="9", department="観光企画課", period_start="平成26年度",
               cost="190,000")
    assert _found(card_folder) == {
        ("unknown-policy", address("policy"), "policy"),
        ("unknown-division", address("department"), "department"),
        ("period-in-future", address("period_start"), "period_start"),
        ("cost-note-mismatch", address("cost_note"), "cost_note")}
    assert cli.main(["validate", str(card_folder)]) == 1
    out = capsys.readouterr().out
    assert "基本方針「9」がありません" in out and "担当課「観光企画課」" in out and "エラー 4 件" in out


def test_a_blank_project_id_does_not_hide_the_division(card_folder, config):
    write_card(card_folder / "card.xlsx", config, project_id="", department="観光企画課")
    assert _found(card_folder) == {("missing-value", address("project_id"), "project_id"),
                                   ("unknown-division", address("department"), "department")}


def test_rules_leave_alone_the_fields_that_could_not_be_read(card_folder, config):
    """An unreadable year, policy or blank division is one error each, not a second one from a rule."""
    write_card(card_folder / "card.xlsx", config, fiscal_year="来年", policy="⑨", department=None,
               measure="どこにもない施策")
    from reportkit.checks.validate import validate_folder

    result = validate_folder(card_folder)
    assert {(i.code, i.field) for i in result.issues} == {
        ("bad-year", "fiscal_year"), ("unknown-policy", "policy"), ("missing-value", "department")}
    assert result.cards == [] and result.partial == [] and result.departments == {"card.xlsx": ""}


def test_a_cost_with_a_yen_sign_is_an_error_at_the_cost_cell_never_thousand_yen(tmp_path, config):
    """￥1,237,000 is 1,237 千円: read as 千円 it would be 1,237,000 千円 (12億円) in the report."""
    path = write_card(tmp_path / "card.xlsx", config, cost="￥1,237,000", cost_note=None)
    sourced, issues = build_card(read_workbook(path), config)
    assert [(i.code, i.cell, i.field) for i in issues] == [("amount-in-yen", address("cost"), "cost")]
    assert "1,237" in issues[0].params["expected"]
    assert sourced.card.cost is None and sourced.source.unread == ["cost"]
