"""The validation rules, on real workbooks written by the template: each broken card gives its (code, cell, field)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import seed_sample
from builders import (address, card_values, delete_defined_name, put_formula_without_value, rename_card_sheet,
                      type_into, write_card, write_not_zip, write_old_xls)
from reportkit.checks import rules
from reportkit.inputs.config import load_config
from reportkit.model import Card, HistoryEntry, ResultRow, SourceInfo, SourcedCard
from reportkit.checks.validate import validate_card_file, validate_folder
from reportkit.workbook.template import write_workbook

ROOT = Path(__file__).resolve().parents[1]


def triples(path: Path, config) -> set[tuple[str, str, str]]:
    _, issues = validate_card_file(path, config)
    return {(i.code, i.cell, i.field) for i in issues}


def test_card_filled_as_a_clerk_does_is_clean(clean_card, config):
    sourced, issues = validate_card_file(clean_card, config)
    assert issues == []
    card = sourced.card
    assert card.cost == 190824
    assert card.project_name == "中小企業経営安定化資金\n（県特別保証融資制度）"
    assert card.period_start == 1969
    assert card.policy == 3
    assert [r.kind for r in card.progress.rows] == ["", "内訳", "", "内訳", "", "計"]


FULL_PROGRESS = [(f"項目{i}", f"{i}件", None) for i in range(15)]
FULL_FREE = [("文", f"段落{i}") for i in range(25)]
LONG_TEXT = "中小企業の経営基盤の強化を図るため、専門家派遣と相談対応を行った。" * 70

# (test id, changes to the clerk's card, expected (code, cell, field))
BROKEN_CARDS = [
    ("stale fiscal year", {"fiscal_year": "平成24年度"}, ("stale-fiscal-year", address("fiscal_year"), "fiscal_year")),
    ("measure of another policy", {"measure": "経営支援の強化"}, ("unknown-measure", address("measure"), "measure")),
    ("unknown division", {"department": "観光企画課"}, ("unknown-division", address("department"), "department")),
    ("period reversed", {"period_start": "H25", "period_end": "H24"},
     ("period-reversed", address("period_start"), "period_start")),
    ("period in the future", {"period_start": "令和元年度"}, ("period-in-future", address("period_start"), "period_start")),
    ("period starting the year after the report year", {"period_start": "平成26年度"},
     ("period-in-future", address("period_start"), "period_start")),
    ("breakdown does not add up", {"cost": "190,000"}, ("cost-note-mismatch", address("cost_note"), "cost_note")),
    ("breakdown without cost", {"cost": "－"}, ("cost-note-mismatch", address("cost_note"), "cost_note")),
    ("table row before its header", {"results_free": [("表", "商工会", "42")]},
     ("free-row-order", address("results_free", 0), "results_free")),
    ("total that does not add up",
     {"progress_rows": [("A資金", "10件\n100千円", None), ("B資金", "5件\n50千円", None), ("計", "15件\n140千円", "計")]},
     ("total-row-mismatch", address("progress_rows", 2, 1), "progress_rows")),
    ("total counting a sub-row", {"outcome_rows": [("相談", "10件", None), ("うち来所", "4件", "内訳"), ("計", "14件", "計")]},
     ("total-row-mismatch", address("outcome_rows", 2, 1), "outcome_rows")),
    ("heading with a value", {"outcome_rows": [("金属粉末関連", "4回", "見出し")]},
     ("heading-row-has-value", address("outcome_rows", 0, 1), "outcome_rows")),
    ("value without item", {"progress_rows": [(None, "22名", None)]},
     ("row-without-item", address("progress_rows", 0), "progress_rows")),
    ("history without year", {"history_rows": [(None, "制度創設", None, "理由")]},
     ("history-incomplete", address("history_rows", 0), "history_rows")),
    ("history without event", {"history_rows": [("平成22年度", None, None, "理由")]},
     ("history-without-event", address("history_rows", 0, 1), "history_rows")),
    ("history after the report year", {"history_rows": [("平成２６年度（平成２６年４月１日）", "制度創設", None, "理由")]},
     ("history-after-report", address("history_rows", 0), "history_rows")),
    ("rename without former name", {"history_rows": [("平成22年度", "事業名変更", None, "統合したため。")]},
     ("rename-without-former-name", address("history_rows", 0, 2), "history_rows")),
    ("reprint to the home policy", {"reprint_rows": [("③", "中小企業の資金ニーズを的確に捉えた弾力的な運用、新たな資金の創設等の制度資金の充実")]},
     ("reprint-to-home", address("reprint_rows", 0), "reprint_rows")),
    ("reprint to a measure of another policy", {"reprint_rows": [("②", "若年者の就業支援の強化")]},
     ("unknown-measure", address("reprint_rows", 0, 1), "reprint_rows")),
    ("reprint twice", {"reprint_rows": [("②", "経営支援の強化"), ("2", "経営支援の強化")]},
     ("duplicate-reprint", address("reprint_rows", 1), "reprint_rows")),
    ("reprint to a missing policy", {"reprint_rows": [("⑨", "経営支援の強化")]},
     ("unknown-reprint-policy", address("reprint_rows", 0), "reprint_rows")),
    ("featured without summary", {"new_listing": "◎"}, ("summary-required", address("new_summary"), "new_summary")),
    ("card longer than a page", {"description": LONG_TEXT}, ("card-too-long", address("description"), "description")),
    ("cost left blank", {"cost": None}, ("missing-value", address("cost"), "cost")),
    ("cost as text", {"cost": "約200"}, ("not-a-number", address("cost"), "cost")),
    ("bad mark", {"priority": "×"}, ("bad-mark", address("priority"), "priority")),
    ("date typed as a year", {"period_start": "2013/4/1"}, ("date-for-year", address("period_start"), "period_start")),
    ("unknown policy", {"policy": "⑨"}, ("unknown-policy", address("policy"), "policy")),
    ("bad row kind", {"progress_rows": [("相談", "3件", "合算")]},
     ("bad-row-kind", address("progress_rows", 0, 2), "progress_rows")),
    ("bad free kind", {"results_free": [("注", "本文")]}, ("bad-free-kind", address("results_free", 0), "results_free")),
    ("project id edited", {"project_id": "事業1"}, ("bad-project-id", address("project_id"), "project_id")),
]


@pytest.mark.parametrize("changes, expected", [case[1:] for case in BROKEN_CARDS], ids=[c[0] for c in BROKEN_CARDS])
def test_broken_card_reports_code_cell_and_field(tmp_path, config, changes, expected):
    path = write_card(tmp_path / "card.xlsx", config, **changes)
    found = triples(path, config)
    assert expected in found


def test_missing_card_sheet(tmp_path, config):
    path = rename_card_sheet(write_card(tmp_path / "card.xlsx", config), "Sheet1")
    assert ("missing-card-sheet", "", "") in triples(path, config)


def test_deleted_defined_name(tmp_path, config):
    path = delete_defined_name(write_card(tmp_path / "card.xlsx", config), "cost")
    assert ("missing-name", "", "cost") in triples(path, config)


def test_old_xls(tmp_path, config):
    assert triples(write_old_xls(tmp_path / "card.xls"), config) == {("old-xls", "", "")}


def test_non_zip_named_xlsx(tmp_path, config):
    assert triples(write_not_zip(tmp_path / "card.xlsx"), config) == {("not-xlsx", "", "")}


def test_formula_without_cached_value_is_an_error_not_a_blank(tmp_path, config):
    path = put_formula_without_value(write_card(tmp_path / "card.xlsx", config), address("cost"))
    found = triples(path, config)
    assert ("formula-without-value", address("cost"), "cost") in found


def test_text_typed_below_a_full_results_table(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, progress_rows=FULL_PROGRESS)
    below = address("progress_rows", len(FULL_PROGRESS))
    type_into(path, below, "項目16")
    assert ("row-below-table", below, "progress_rows") in triples(path, config)


def test_text_typed_below_a_full_free_results_block(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, results_free=FULL_FREE)
    below = address("results_free", len(FULL_FREE))
    type_into(path, below, "文")
    assert ("row-below-table", below, "results_free") in triples(path, config)


def test_duplicate_project_id_names_the_other_file(card_folder, config):
    write_card(card_folder / "a.xlsx", config, project_id="RK-SAME")
    write_card(card_folder / "b.xlsx", config, project_id="RK-SAME", project_name="別の事業")
    result = validate_folder(card_folder)
    found = [(i.file, i.code, i.cell, i.field) for i in result.issues]
    assert ("a.xlsx", "duplicate-project-id", address("project_id"), "project_id") in found
    assert ("b.xlsx", "duplicate-project-id", address("project_id"), "project_id") in found
    message = next(i.message for i in result.issues if i.file == "a.xlsx" and i.code == "duplicate-project-id")
    assert "b.xlsx" in message


def _filed_at(path: Path, when: float) -> Path:
    os.utime(path, (when, when))
    return path


@pytest.mark.parametrize("later", ["a.xlsx", "b.xlsx"])
def test_a_shared_project_name_is_the_later_filers_error_only(card_folder, config, later):
    """Issue 27, item 4: the card filed later (its file's time, as accept keeps it) carries the error, naming
    the other file; the earlier card stays clean, whichever sorts first by name (whitespace ignored)."""
    a = write_card(card_folder / "a.xlsx", config, project_id="RK-A", project_name="創業支援事業")
    b = write_card(card_folder / "b.xlsx", config, project_id="RK-B", project_name="創業支援\n事業　")
    _filed_at(a, 1_700_000_000 + (100 if later == "a.xlsx" else 0))
    _filed_at(b, 1_700_000_000 + (100 if later == "b.xlsx" else 0))
    result = validate_folder(card_folder)
    found = [(i.file, i.code, i.cell, i.field) for i in result.issues if i.code == "duplicate-project-name"]
    assert found == [(later, "duplicate-project-name", address("project_name"), "project_name")]
    earlier = ({"a.xlsx", "b.xlsx"} - {later}).pop()
    (issue,) = [i for i in result.issues if i.code == "duplicate-project-name"]
    assert earlier in issue.message and "先に出された" in issue.message


def test_a_shared_project_name_filed_at_the_same_time_is_the_higher_project_ids_error(card_folder, config):
    """Ties of time are broken by 管理番号, not by file name: RK-B's card carries the error though it is a.xlsx."""
    a = _filed_at(write_card(card_folder / "a.xlsx", config, project_id="RK-B", project_name="創業支援事業"), 1_700_000_000)
    _filed_at(write_card(card_folder / "b.xlsx", config, project_id="RK-A", project_name="創業支援事業"), 1_700_000_000)
    result = validate_folder(card_folder)
    assert [i.file for i in result.issues if i.code == "duplicate-project-name"] == [a.name]


def test_a_project_that_had_the_name_last_year_keeps_it_even_filed_later(card_folder, config):
    """The project whose 管理番号 had the name in last year's record (expected.json) keeps it, even when its
    card was filed after the new project's: the new project carries the error, saying why."""
    record = {"fiscal_year": config.fiscal_year - 1, "projects": [
        {"project_id": "RK-OLD", "name": "創業支援事業", "division": config.divisions[0], "cost": 190824}]}
    (card_folder / "expected.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    old = _filed_at(write_card(card_folder / "z_old.xlsx", config, project_id="RK-OLD", project_name="創業支援事業"),
                    1_700_000_100)
    new = _filed_at(write_card(card_folder / "a_new.xlsx", config, project_id="RK-NEW", project_name="創業支援事業"),
                    1_700_000_000)
    result = validate_folder(card_folder)
    (issue,) = [i for i in result.issues if i.code == "duplicate-project-name"]
    assert issue.file == new.name and old.name in issue.message and "前年度から同じ事業名で続く" in issue.message
    assert not [i for i in result.issues if i.file == old.name and i.severity == "error"]


# -- rules on cards built in memory ---------------------------------------------------------------

def _sourced(config, **changes) -> SourcedCard:
    data = dict(project_id="RK-1", fiscal_year=config.fiscal_year, policy=1,
                measure=config.policy(1).measures[0], project_name="事業", department=config.divisions[0])
    data.update(changes)
    return SourcedCard(card=Card(**data), source=SourceInfo(file="x.xlsx"))


def _codes(config, **changes) -> list[str]:
    return [i.code for i in rules.check_card(_sourced(config, **changes), config)]


@pytest.mark.parametrize("note, amounts", [
    ("保証料補助８６，５２４、利子補給１０４，３００", [86524, 104300]),
    ("86,524、104,300", [86524, 104300]),
    ("補助金 1,000千円、委託料 500千円", [1000, 500]),
    ("国庫補助1/2", None),
    ("平成25年度分 3件", None),
    ("補助対象経費の一部", None),
])
def test_cost_note_amounts(note, amounts):
    assert rules.note_amounts(note) == amounts


def test_cost_note_that_is_prose_is_not_checked(config):
    assert _codes(config, cost=100, cost_note="うち国庫補助1/2") == []


def test_total_row_is_checked_line_by_line_and_unit_by_unit():
    rows = [ResultRow(item="A", value="161件\n3,772,450千円"), ResultRow(item="うち", value="8件\n287,000千円", kind="内訳"),
            ResultRow(item="B", value="１４６件\n２，９３６，５００千円"), ResultRow(item="計", value="307件\n6,708,950千円", kind="計")]
    assert rules.total_mismatch(rows, 3) is None
    rows[3] = ResultRow(item="計", value="307件\n6,708,951千円", kind="計")
    assert rules.total_mismatch(rows, 3) == ("307件、6,708,951千円", "307件、6,708,950千円")


def test_total_row_sums_back_to_the_previous_total_only():
    rows = [ResultRow(item="A", value="1件"), ResultRow(item="計", value="1件", kind="計"),
            ResultRow(item="B", value="2件"), ResultRow(item="C", value="3件"), ResultRow(item="計", value="5件", kind="計")]
    assert rules.total_mismatch(rows, 4) is None


def test_total_row_with_text_or_mixed_units_is_not_checked():
    rows = [ResultRow(item="A", value="1件"), ResultRow(item="B", value="県内１回"), ResultRow(item="計", value="9件", kind="計")]
    assert rules.total_mismatch(rows, 2) is None
    rows = [ResultRow(item="A", value="1件"), ResultRow(item="B", value="2人"), ResultRow(item="計", value="9件", kind="計")]
    assert rules.total_mismatch(rows, 2) is None


@pytest.mark.parametrize("phrase, year", [
    ("平成２２年度（平成２３年３月１５日）", 2010), ("平成24年度以降", 2012), ("昭和４４年度", 1969),
    ("令和元年度", 2019), ("平成２３年度 ～ 平成２４年度", 2011), ("上記事業の後継", None),
])
def test_history_year_reads_the_leading_era_year(phrase, year):
    assert rules.history_year(phrase) == year


def test_history_row_continuing_the_entry_above_is_complete(config):
    history = [HistoryEntry(year="平成22年度", event="事業創設", former_name="甲事業"),
               HistoryEntry(former_name="乙事業", reason="理由")]
    assert _codes(config, history=history) == []


def test_rename_with_the_name_given_at_creation_is_fine(config):
    history = [HistoryEntry(year="昭和44年度", event="制度創設", former_name="旧事業"),
               HistoryEntry(year="平成23年度", event="事業名変更", reason="統合したため。")]
    assert _codes(config, history=history) == []


def test_stale_fiscal_year_message_shows_both_years_in_wareki(config):
    issue = rules.check_card(_sourced(config, fiscal_year=2012), config)[0]
    assert "平成２４年度" in issue.message and "平成２５年度" in issue.message


@pytest.mark.parametrize("typed, code, shown", [
    ("平成24年度", "stale-fiscal-year", "平成２４年度"),  # exactly the year before: last year's file sent again?
    ("令和元年度", "other-fiscal-year", "令和元年度"),
    ("平成23年度", "other-fiscal-year", "平成２３年度"),
    ("平成26年度", "other-fiscal-year", "平成２６年度"),
], ids=["the year before", "reiwa 1", "two years before", "the year after"])
def test_a_card_of_another_year_is_told_what_is_wrong(tmp_path, config, typed, code, shown):
    """Both years named; 「前年度のファイル」 suggested only when the card is of exactly the year before."""
    path = write_card(tmp_path / "card.xlsx", config, fiscal_year=typed)
    _, issues = validate_card_file(path, config)
    assert [(i.code, i.cell, i.severity) for i in issues] == [(code, address("fiscal_year"), "error")]
    message = issues[0].message
    assert f"報告年度が{'前年度の' if code == 'stale-fiscal-year' else ''}{shown}になっていますが、この報告書は平成２５年度です。" in message
    assert ("前年度のファイルを送っていませんか" in message) == (code == "stale-fiscal-year")


def test_unknown_measure_message_names_the_policy(config):
    issue = rules.check_card(_sourced(config, measure="経営支援の強化"), config)[0]
    assert "①" in issue.message


def test_no_published_card_is_too_long_and_the_edition_passes_the_rules():
    if not seed_sample.available():
        pytest.skip("tools/sample/*.json not generated")
    config, cards, _ = seed_sample.build(load_config(ROOT / "inputs"))
    sourced = [SourcedCard(card=c, source=SourceInfo(file=c.project_id)) for c in cards]
    codes = [i.code for s in sourced for i in rules.check_card(s, config)]
    assert "card-too-long" not in codes
    # the sample's list table annotates two divisions (…（…との連携）); the edition has four
    # history notes without an event. Nothing else fires on the published report.
    assert set(codes) <= {"history-without-event", "unknown-division"}
    assert rules.check_folder(sourced, config) == []
    longest = max(sum(rules.card_lines(c, config).values()) for c in cards)
    assert longest <= rules.PAGE_LINES


def test_rules_never_report_a_cell_outside_the_card(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, fiscal_year="H24", measure="経営支援の強化",
                      history_rows=[("平成30年度", "事業名変更", None, None)], new_listing="◎",
                      reprint_rows=[("③", "x"), ("②", "y")])
    _, issues = validate_card_file(path, config)
    assert len(issues) >= 5
    assert all(i.cell and i.field and i.sheet == "事業カード" for i in issues)


# -- no silent numbers: each trap is an Issue at its cell (issue 10) ----------------------------

import datetime as _datetime

SILENT_NUMBERS = [
    ("cost typed in yen", {"cost": "1,237,000円"}, {("amount-in-yen", "cost")}),
    ("cost in full-width yen", {"cost": "１２３７０００円", "cost_note": None}, {("amount-in-yen", "cost")}),
    ("cost with a yen sign", {"cost": "￥1,237,000", "cost_note": None}, {("amount-in-yen", "cost")}),
    ("breakdown in yen", {"cost_note": "保証料補助86,524,000円、利子補給104,300,000円"}, {("amount-in-yen", "cost_note")}),
    ("history year typed as an Excel date",
     {"history_rows": [(_datetime.datetime(2010, 4, 1), "制度創設", None, "理由")]}, {("date-for-year", "history_rows.0")}),
    ("history year typed as a date text", {"history_rows": [("2010/4/1", "制度創設", None, "理由")]},
     {("date-for-year", "history_rows.0")}),
    ("empty description", {"description": None}, {("missing-value", "description")}),
    ("results item without value", {"outcome_rows": [("金属粉末関連", None, "見出し"), ("研究会等参加者数", None, None)]},
     {("row-without-value", "outcome_rows.1.value")}),
    ("empty free paragraph", {"results_free": [("文",)]}, {("free-row-without-value", "results_free.0+1")}),
    ("free table row without its values", {"results_free": [("表頭", "区分", "団体数"), ("表", "商工会")]},
     {("free-row-without-value", "results_free.1+2")}),
    ("caption naming last year", {"progress_caption": "平成２４年度の融資実績"}, {("stale-year-text", "progress_caption")}),
    ("description naming last year", {"description": "Ｈ２４は融資を行った。"}, {("stale-year-text", "description")}),
    ("column head naming last year", {"outcome_headers": ("項目名", "2012年度実績")}, {("stale-year-text", "outcome_headers+1")}),
    ("item naming last year", {"outcome_rows": [("24年度参加者数", "延べ１１７名", None)]}, {("stale-year-text", "outcome_rows.0")}),
]


def _cell_of(where: str) -> str:
    """The template cell of ``field[.row][.value][+column]`` (the notation of SILENT_NUMBERS)."""
    base, _, column = where.partition("+")
    name, _, rest = base.partition(".")
    row, _, value = rest.partition(".")
    return address(name, int(row or 0), int(column or 0) + (1 if value else 0))


@pytest.mark.parametrize("changes, expected", [case[1:] for case in SILENT_NUMBERS], ids=[c[0] for c in SILENT_NUMBERS])
def test_no_silent_numbers_each_trap_is_reported_at_its_cell(tmp_path, config, changes, expected):
    path = write_card(tmp_path / "card.xlsx", config, **changes)
    _, issues = validate_card_file(path, config)
    assert {(i.code, i.file, i.cell) for i in issues} == {(code, "card.xlsx", _cell_of(where)) for code, where in expected}


def test_cost_in_yen_message_gives_the_thousand_yen_figure(tmp_path, config):
    path = write_card(tmp_path / "card.xlsx", config, cost="1,237,000円", cost_note=None)
    _, issues = validate_card_file(path, config)
    assert "1,237,000円 → 1,237" in issues[0].message and issues[0].severity == "error"


@pytest.mark.parametrize("changes", [
    {"description": "震災経営安定枠を平成２４年度から継続実施した。"},  # a span: the project's course
    {"progress_rows": [("平成２４年度交付額", "10件", None), ("平成２５年度交付額", "12件", None)]},  # a comparison
    {"cost": "190,824千円"},
    {"history_rows": [("平成２４年度", "制度創設", None, "平成２４年度に創設した。")]},  # history names past years
    {"period_start": "平成24年度"},
    {"period_start": "平成25年度"},  # starting in the report year itself is not in the future
], ids=["span", "comparison", "thousand yen", "history", "period", "period starting in the report year"])
def test_what_is_not_a_silent_number_stays_clean(tmp_path, config, changes):
    path = write_card(tmp_path / "card.xlsx", config, **changes)
    assert triples(path, config) == set()


@pytest.mark.parametrize("text, years", [
    ("平成２５年度", [2013]), ("H25、JETRO調べ", [2013]), ("2013年度", [2013]), ("２５年度上期", [2013]),
    ("令和元年度", [2019]), ("平成25年3月", []), ("H25.9～H26.6", []), ("奥入瀬サミット２０１３", []),
])
def test_year_phrases_read_only_fiscal_years(text, years):
    assert [year for year, _, _ in rules.year_phrases(text, 2013)] == years
