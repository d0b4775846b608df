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
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code)
    used = {name for _, name, _, _ in string.Formatter().parse(CATALOGUE[code][1]) if name}
    assert used <= PARAMS
    issue = make_issue(code, "card.xlsx", cell="B11", field="cost", limit=58)
    assert issue.message and "{" not in issue.message


def test_rules_use_only_catalogued_codes():
    source = (ROOT / "reportkit" / "rules.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source))
    assert used - set(CATALOGUE) == set()


def test_every_field_has_a_label():
    from reportkit.workbook.layout import all_names

    assert set(all_names()) <= set(issues.FIELD_LABELS)
