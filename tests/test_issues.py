"""The issue catalogue: every code renders, and docs/errors.md is generated from it."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from reportkit import issues
from reportkit.issues import CATALOGUE, catalogue_markdown, make_issue

ROOT = Path(__file__).resolve().parents[1]
PARAMS = {"detail", "expected", "label", "field", "field_label", "policy", "other", "limit", "line"}


def test_docs_errors_md_is_current():
    """Regenerate with: python -c "import reportkit.issues as i; open('docs/errors.md','w',encoding='utf-8').write(i.catalogue_markdown())" """
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == catalogue_markdown()


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_code_is_kebab_case_and_renders(code):
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code.value)
    assert CATALOGUE[code].title and CATALOGUE[code].severity in ("error", "warning")
    used = {name for _, name, _, _ in string.Formatter().parse(CATALOGUE[code].template) if name}
    assert used <= PARAMS
    issue = make_issue(code, "card.xlsx", cell="B11", field="cost", limit=58)
    assert issue.message and "{" not in issue.message
    assert issue.code is code and issue.params == {"limit": "58"}


def test_issue_json_keeps_its_seven_keys_and_the_params_stay_on_the_record():
    issue = make_issue("not-a-number", "card.xlsx", sheet="事業カード", cell="B11", field="cost", detail="abc")
    assert list(issue.model_dump()) == ["severity", "code", "file", "sheet", "cell", "field", "message"]
    assert issue.model_dump_json().startswith('{"severity":"error","code":"not-a-number",')
    assert issue.params == {"detail": "abc"} and issue.title == "数値でない"
    assert issue.code == "not-a-number" and f"{issue.code}" == "not-a-number" and hash(issue) == hash(issue.model_copy())


def test_card_cache_entry_round_trips_the_params():
    from reportkit.checks.card_cache import _Entry

    issue = make_issue("bad-year", "card.xlsx", cell="C5", field="period_start", detail="H99")
    entry = _Entry(format=1, key="k", sourced=None, issues=[issue], department="")
    assert _Entry.model_validate_json(entry.model_dump_json()).issues[0].params == {"detail": "H99"}


def test_rules_use_only_catalogued_codes():
    source = (ROOT / "reportkit" / "checks" / "rules.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source))
    assert used - set(CATALOGUE) == set()


def test_every_field_has_a_label():
    from reportkit.workbook.layout import all_names

    assert set(all_names()) <= set(issues.FIELD_LABELS)
