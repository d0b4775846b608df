"""The collection round on the real sample, shared by the collect, validation-report and draft tests.

``rolled``: the sample rolled to 平成26年度 (once a session). ``round_``: a copy of it with some
workbooks returned through ``reportkit accept``: 001 and 012 clean (last year's figures typed
again), 003 broken (a cost nobody can read), a new project of 学校教育課, and 002 twice (first
broken, then clean). Everything else is still the prefilled workbook rollover wrote, i.e. missing.
Session fixtures: copy the folders before changing them.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from reportkit.cli import main as cli
from reportkit.inputs.config import load_config
from reportkit.yoy.rollover import rollover
from reportkit.checks.validate import validate_folder
from reportkit.workbook.template import write_workbook

from yoy_helpers import INPUTS, edit, sample_card, year_values

LABOUR = "労政・能力開発課"
SCHOOL = "学校教育課"


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def sample():
    """The sample year's cards by project id (last year's figures)."""
    return {s.card.project_id: s.card for s in validate_folder(INPUTS).cards}


@pytest.fixture(scope="session")
def rolled(tmp_path_factory) -> Path:
    """The sample rolled to 2014 once a session (do not modify: copy it)."""
    return rollover(INPUTS, 2014, tmp_path_factory.mktemp("collect") / "r14").out_dir


def returned(rolled: Path, returns: Path, prefix: str, values: dict, name: str | None = None) -> Path:
    """A division's return: the prefilled workbook of ``prefix``, filled in, saved outside the folder."""
    source = sample_card(prefix)
    target = returns / (name or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(rolled / "cards" / source.name, target)
    edit(target, values)
    return target


def accept(folder: Path, files: list[Path]) -> int:
    return cli.main(["accept", *map(str, files), "--into", str(folder)])


@pytest.fixture(scope="session")
def round_(rolled, sample, tmp_path_factory):
    """(collection folder, returns, returned files by key, digests of the returns before accept, accept exit codes)."""
    base = tmp_path_factory.mktemp("round")
    folder = base / "r14"
    shutil.copytree(rolled, folder)
    returns = base / "returns"
    config = load_config(folder)
    files = {
        "001": returned(rolled, returns, "001", year_values(sample["AOM-001"])),
        "012": returned(rolled, returns, "012", year_values(sample["AOM-012"])),
        "003": returned(rolled, returns, "003", {**year_values(sample["AOM-003"]), "cost": "未定"}),
        "002v1": returned(rolled, returns / "first", "002", {**year_values(sample["AOM-002"]), "cost": "未定"}),
        "002v2": returned(rolled, returns / "second", "002", year_values(sample["AOM-002"])),
    }
    files["new"] = returns / "900_新規テスト事業.xlsx"
    write_workbook(config, files["new"], {
        "project_id": "NEW-900", "policy": 1, "measure": config.policy(1).measures[0],
        "project_name": "若年者デジタル人材育成事業", "description": "若年者のデジタル技能の習得を支援した。",
        "cost": 12345, "department": SCHOOL, "period_start": "平成26年度", "new_listing": "・"})
    before = digest(returns)
    outputs = [accept(folder, batch) for batch in (
        [files["001"], files["012"], files["003"], files["002v1"], files["new"]], [files["002v2"]])]
    return folder, returns, files, before, outputs
