"""Each year's outputs are its own: one default home for a folder's outputs (build, build --draft, serve),
and a build never replaces the report of another fiscal year unless --force. Real commands in subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from reportkit.report.build import report_year
from reportkit.inputs.input_folder import default_outputs

from command_helpers import ROOT, run_reportkit
from yoy_helpers import make_two_years



@pytest.mark.parametrize("folder, outputs", [
    ("inputs", "outputs"),
    ("inputs2014", "outputs2014"),
    ("inputs_令和7年度", "outputs_令和7年度"),
    ("平成26年度", "平成26年度_outputs"),
    ("work/inputs2014", "work/outputs2014"),
])
def test_one_rule_for_where_a_folders_outputs_go(folder, outputs):
    assert default_outputs(Path(folder)) == Path(outputs)


def test_the_current_folder_is_named_by_its_real_name(tmp_path, monkeypatch):
    (tmp_path / "inputs2014").mkdir()
    monkeypatch.chdir(tmp_path / "inputs2014")
    assert default_outputs(Path(".")) == tmp_path / "outputs2014"


def test_serve_uses_the_same_rule(tmp_path):
    from reportkit.serve.app import create_app

    year1, _, _ = make_two_years(tmp_path / "made")
    folder = shutil.copytree(year1, tmp_path / "inputs2013")
    assert create_app(folder).extensions["reportkit"].outputs == tmp_path / "outputs2013"


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> Path:
    """``inputs`` (平成25年度) and ``inputs2014`` (平成26年度, every card filled in) side by side."""
    base = tmp_path_factory.mktemp("years")
    year1, year2, _ = make_two_years(base / "made")
    year1.rename(base / "inputs")
    year2.rename(base / "inputs2014")
    return base


def digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_year_builds_into_its_own_folder_and_never_over_another(two_years, tmp_path):
    base = shutil.copytree(two_years, tmp_path / "work")
    done = run_reportkit("build", "--no-page-numbers", cwd=base)
    assert done.returncode == 0, done.stderr
    assert report_year(base / "outputs") == 2013
    last_year = digest(base / "outputs")

    done = run_reportkit("build", "inputs2014", "--no-page-numbers", cwd=base)
    assert done.returncode == 0, done.stderr
    assert "outputs2014/report.docx" in done.stdout.replace("\\", "/")
    assert report_year(base / "outputs2014") == 2014
    done = run_reportkit("build", "inputs2014", "--draft", "--no-page-numbers", cwd=base)
    assert done.returncode == 0, done.stderr
    assert report_year(base / "outputs2014" / "draft") == 2014  # read from report.docx: a draft has no report.json
    assert digest(base / "outputs") == last_year

    # Told to write into last year's folder: refused in one line, exit 2, nothing touched.
    done = run_reportkit("build", "inputs2014", "-o", "outputs", "--no-page-numbers", cwd=base)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "エラー: outputs には平成２５年度の報告書があるため、平成２６年度の報告書で置き換えませんでした。"
        "別の出力フォルダを -o で指定するか、置き換えてよい場合は --force を付けてください。")
    assert done.stdout == ""
    assert digest(base / "outputs") == last_year
    assert not [p for p in (base / "outputs").iterdir() if p.name.startswith(".build-")]

    # A draft of another year is not replaced either.
    this_year_draft = (base / "outputs2014" / "draft" / "report.docx").read_bytes()
    done = run_reportkit("build", "inputs", "--draft", "-o", "outputs2014", "--no-page-numbers", cwd=base)
    assert done.returncode == 2 and "平成２６年度の素案があるため" in done.stderr
    assert (base / "outputs2014" / "draft" / "report.docx").read_bytes() == this_year_draft

    # --force: replaced, as asked.
    done = run_reportkit("build", "inputs2014", "-o", "outputs", "--force", "--no-page-numbers", cwd=base)
    assert done.returncode == 0, done.stderr
    assert json.loads((base / "outputs" / "report.json").read_text(encoding="utf-8"))["fiscal_year"] == 2014


def test_the_same_year_is_rebuilt_in_place(two_years, tmp_path):
    base = shutil.copytree(two_years, tmp_path / "work")
    for _ in range(2):
        done = run_reportkit("build", "inputs2014", "--no-page-numbers", cwd=base)
        assert done.returncode == 0, done.stderr
    assert report_year(base / "outputs2014") == 2014


# -- the README's round, as written, in order, on a fresh copy of the project -------------------------

README_ROUND = (
    "reportkit build",
    "reportkit rollover inputs --to-year 2014 -o inputs2014",
    "reportkit packs inputs2014 -o packs --zip",
    "reportkit accept 返信/*.xlsx --into inputs2014",
    "reportkit status inputs2014",
    "reportkit build inputs2014 --draft",
    "reportkit build inputs2014",
    "reportkit diff outputs/report.json outputs2014/report.json -o outputs/diff --redline",
)


def _clerks_return(base: Path, ended: set[str]) -> None:
    """What the divisions do between packs and accept: fill their prefilled cards in again (last year's
    figures) and send them back into 返信/; the secretariat deletes the workbooks of ended projects."""
    from reportkit.checks.validate import validate_folder
    from yoy_helpers import edit, year_values

    last_year = {s.card.project_id: s.card for s in validate_folder(base / "inputs").cards}
    rolled = {Path(s.source.file).name: s.card.project_id for s in validate_folder(base / "inputs2014").partial}
    (base / "返信").mkdir()
    for card in sorted((base / "packs").glob("*/*.xlsx")):
        project = rolled.get(card.name)
        if project is None:  # the checklist and the blank card
            continue
        if project in ended:
            (base / "inputs2014" / "cards" / card.name).unlink()
            continue
        target = base / "返信" / card.name
        shutil.copy(card, target)
        edit(target, year_values(last_year[project]))


def test_every_command_of_the_readme_round_works_as_written_on_a_fresh_copy(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in README_ROUND:
        assert command in readme, command
    base = tmp_path / "clone"
    shutil.copytree(ROOT / "inputs", base / "inputs")
    (base / "outputs").mkdir()
    ran = {}
    for command in README_ROUND:
        words = command.split()[1:]
        if words[0] == "accept":
            _clerks_return(base, _ended(base))
            words = ["accept", *sorted(str(p.relative_to(base)) for p in (base / "返信").glob("*.xlsx")), *words[2:]]
        done = ran[command] = run_reportkit(*words, cwd=base)
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert report_year(base / "outputs") == 2013 and report_year(base / "outputs2014") == 2014
    assert (base / "outputs2014" / "draft" / "report.docx").is_file()
    assert (base / "outputs" / "diff" / "redline.docx").is_file()
    assert "予定の事業はすべて提出され、エラーはありません。" in ran["reportkit status inputs2014"].stdout


def _ended(base: Path) -> set[str]:
    """The projects whose 事業期間 ended with 平成25年度 (rollover asks to delete them if not continued)."""
    record = json.loads((base / "inputs2014" / "expected.json").read_text(encoding="utf-8"))
    return {p["project_id"] for p in record["projects"] if p.get("period_end") and p["period_end"] <= 2013}


# -- a failed write names the real output, never the staging folder -----------------------------------

def _last_good_report(out: Path) -> dict[str, bytes]:
    """Stand-ins for last time's files, written into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = {"report.docx": b"last good report", "projects.xlsx": b"last good projects"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def test_a_failed_write_names_the_real_output_and_keeps_the_last_report_whole(two_years, tmp_path):
    base = shutil.copytree(two_years, tmp_path / "work")
    out = base / "outputs"
    before = _last_good_report(out)
    (out / "report.json").mkdir()  # something in the way of the second file
    done = run_reportkit("build", "--no-page-numbers", cwd=base)
    assert done.returncode == 2
    assert done.stderr.replace("\\", "/").startswith("エラー: outputs/report.json に書き込めません（")  # （Is a directory）
    assert ".build-" not in done.stderr and ".previous-" not in done.stderr
    assert {name: (out / name).read_bytes() for name in before} == before  # report.docx put back
    assert sorted(p.name for p in out.iterdir()) == ["projects.xlsx", "report.docx", "report.json"]  # nothing left over


def test_a_file_open_in_excel_on_windows_is_named_and_nothing_is_replaced(two_years, tmp_path, monkeypatch, capsys):
    """Windows refuses to rename or replace a file Word or Excel holds open (PermissionError naming both
    paths). The message names the output file, with what to do; the set stays last time's."""
    import errno

    import reportkit.files.journal as journal  # where the build's set is moved in
    from reportkit.cli.main import main

    base = shutil.copytree(two_years, tmp_path / "work")
    out = base / "outputs"
    before = _last_good_report(out)
    real_replace = os.replace

    def locked(source, target):
        if out / "projects.xlsx" in (Path(source), Path(target)):  # Excel has projects.xlsx open
            raise PermissionError(errno.EACCES, "アクセスが拒否されました。", str(source), None, str(target))
        return real_replace(source, target)

    monkeypatch.setattr(journal.os, "replace", locked)
    assert main(["build", str(base / "inputs"), "-o", str(out), "--no-page-numbers"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"エラー: {out / 'projects.xlsx'} に書き込めません。Word や Excel で開いている場合は閉じてから"
                           "もう一度実行してください。")
    assert {name: (out / name).read_bytes() for name in before} == before
    assert sorted(p.name for p in out.iterdir()) == ["projects.xlsx", "report.docx"]
