"""report.json is a typed model: written by export, read back by yoy.compare, documented from the model."""

import json
from pathlib import Path

import pytest

from reportkit.report.aggregate import aggregate
from reportkit.errors import ReportkitError
from reportkit.report.export import report_data
from reportkit.model import Card
from reportkit.report.report_json import CARD_FIELDS, ReportJson, read_report_json, reference_markdown
from reportkit.checks.validate import validate_folder

ROOT = Path(__file__).resolve().parents[1]


def test_docs_report_json_md_is_current():
    """Regenerate: python -c "import reportkit.report.report_json as r; open('docs/report-json.md','w',encoding='utf-8').write(r.reference_markdown())" """
    assert (ROOT / "docs" / "report-json.md").read_text(encoding="utf-8") == reference_markdown()


def test_every_card_field_is_in_report_json():
    """A field added to the Card must be added to ReportProject too (reprints and the renamed ones aside)."""
    carried = set(CARD_FIELDS) | {"project_id", "policy", "measure", "cost", "department", "reprints"}
    assert set(Card.model_fields) - {"project_name"} == carried


def test_sample_report_json_reads_back_to_the_same_bytes(tmp_path):
    result = validate_folder(ROOT / "inputs")
    data = report_data(aggregate(result.config, [s.card for s in result.cards], []), {"P-1": 3})
    path = tmp_path / "report.json"
    path.write_bytes(data.to_bytes())
    again = read_report_json(path)
    assert isinstance(again, ReportJson) and len(again.projects) == 119
    assert again.to_bytes() == path.read_bytes()


def test_a_file_that_is_not_a_report_json_is_a_japanese_error(tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"fiscal_year": 2013, "policies": [], "total": {"count": 1, "amount": 1},
                                "projects": [{"project_id": "P1"}]}), encoding="utf-8")
    with pytest.raises(ReportkitError, match="report.json の形ではありません"):
        read_report_json(path)
