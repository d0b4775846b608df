"""Cell positions travel typed from the reader through cards into rules: no rule computes an address."""

from __future__ import annotations

from pathlib import Path

from builders import address
from reportkit.checks.cards import build_card
from reportkit.model import SourcedCard
from reportkit.workbook.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]


def test_every_column_of_a_block_row_is_recorded(clean_card, config):
    sourced, _ = build_card(read_workbook(clean_card), config)
    source = sourced.source
    assert source.cell("cost") == address("cost")
    assert source.cell("progress_headers", column=1) == address("progress_headers", column=1)
    assert source.cell("progress_rows", 1, 1) == address("progress_rows", 1, 1)
    assert source.cell("history_rows", 0, 2) == address("history_rows", 0, 2)
    assert source.cell("history_rows", 99) == ""
    # the flat view the web desk reads keeps its keys
    assert source.cells["progress_rows.1.value"] == address("progress_rows", 1, 1)
    assert source.cells["history_rows.0"] == address("history_rows", 0, 0)
    assert SourcedCard.model_validate_json(sourced.model_dump_json()) == sourced


def test_rules_do_no_column_arithmetic():
    source = (ROOT / "reportkit" / "checks" / "rules.py").read_text(encoding="utf-8")
    assert "column_letter" not in source and "column_index" not in source and "source.cells" not in source
