"""Bad and hostile workbooks: a clear error at the right file and cell, nothing lost, nothing broken.

Each case of tests/hostile/corpus.py is validated through the CLI in-process; the test compares
(code, file, cell) triples and the exit code, never message wording, and checks that the inputs
are untouched, no traceback is printed, and bombs are refused without inflating them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from builders import DATA, put_stored_number, write_card
from command_helpers import run_reportkit
from hostile.corpus import CASES, Case, make_input
from reportkit.report import build as build_module
from reportkit.cli.main import main
from reportkit.errors import ValidationFailed
from reportkit.inputs.input_folder import EDITABLE_FOLDERS
from reportkit.workbook import reader

PEAK_LIMIT = 50 * 1024 * 1024
REFUSED_BEFORE_OPENPYXL = {"too-large", "unsafe-xml", "encrypted", "not-xlsx", "old-xls", "duplicate-card-sheet"}


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` with the SHA-256 of each regular file (links and folders by kind)."""
    entries = {}
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current) / name
            key = path.relative_to(folder).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entries[key] = "link:" + os.readlink(path)
            elif stat.S_ISDIR(info.st_mode):
                entries[key] = "dir"
            elif os.access(path, os.R_OK):
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                entries[key] = f"unreadable:{info.st_size}:{info.st_mtime_ns}:{stat.S_IMODE(info.st_mode):o}"
    return entries


def run_validate(folder: Path, capsys) -> tuple[int, list[dict], str]:
    """``reportkit validate DIR --format json`` in-process: exit code, issues, everything printed."""
    code = main(["validate", str(folder), "--format", "json"])
    captured = capsys.readouterr()
    issues = json.loads(captured.out) if captured.out.strip() else []
    return code, issues, captured.out + captured.err


def _param(case: Case):
    marks = [pytest.mark.skip(reason=case.skip_reason)] if case.skip_reason else []
    return pytest.param(case, id=case.name, marks=marks)


def test_corpus_has_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_input_gives_a_clear_issue_and_leaves_inputs_untouched(case: Case, tmp_path, capsys, monkeypatch):
    folder = make_input(case, tmp_path)
    before = tree(folder)
    refused_early = bool({code for code, _, _ in case.expected} & REFUSED_BEFORE_OPENPYXL) \
        and "counted-while-read" not in case.tags
    opened = []
    original = reader.load_workbook
    monkeypatch.setattr(reader, "load_workbook", lambda *a, **k: opened.append(a) or original(*a, **k))

    if case.bounded:
        tracemalloc.start()
    try:
        code, issues, printed = run_validate(folder, capsys)
    finally:
        if case.bounded:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()

    found = {(i["code"], i["file"], i["cell"]) for i in issues}
    assert code == case.exit_code, (code, sorted(found))
    assert set(case.expected) <= found, sorted(found)
    if case.clean:
        assert issues == []
    assert "Traceback" not in printed
    for issue in issues:
        assert issue["message"] and issue["file"], issue
        assert not issue["message"].isascii(), issue  # Japanese, for a clerk
    assert tree(folder) == before
    if refused_early:
        assert opened == []
    if case.bounded:
        assert peak < PEAK_LIMIT, f"peak {peak / 1024 / 1024:.1f} MB"
    if case.check is not None:
        case.check(folder)
    if case.exit_code != 2:  # the human-readable report survives the same file and names it
        assert main(["validate", str(folder)]) == case.exit_code
        text = capsys.readouterr().out
        assert "Traceback" not in text
        assert all(file in text for _, file, _ in case.expected)


# -- the reader's defences -----------------------------------------------------------------------

def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.DEFUSEDXML is True


def test_reader_never_runs_macros_or_follows_links(tmp_path, config, monkeypatch):
    seen = {}
    original = reader.load_workbook

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(reader, "load_workbook", spy)
    reader.read_workbook(write_card(tmp_path / "card.xlsx", config))
    assert seen["keep_vba"] is False and seen["keep_links"] is False and seen["data_only"] is True


def test_file_without_read_permission_is_reported_not_skipped(tmp_path, config, monkeypatch):
    """The chmod-000 case for runs as root (where permissions do not apply): the same OSError path."""
    path = write_card(tmp_path / "card.xlsx", config)
    original = Path.open

    def denied(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    issues = reader.read_workbook(path).issues
    assert [(i.code, i.file, i.cell) for i in issues] == [("unreadable-file", "card.xlsx", "")]
    assert "権限" in issues[0].message


def test_control_characters_never_reach_word_or_excel_text(tmp_path, config):
    from reportkit.checks.cards import build_card
    from reportkit.files.textsafe import has_illegal

    case = next(c for c in CASES if c.name == "control_characters_in_a_cell")
    folder = make_input(case, tmp_path)
    sourced, _ = build_card(reader.read_workbook(folder / "card.xlsx"), config)
    assert sourced is not None
    assert not has_illegal(sourced.card.project_name)


# -- builds: all or nothing, never into the input folder -------------------------------------------

OLD_DOCX = b"previous report.docx bytes"
OLD_JSON = b'{"previous": true}'


def _with_texts(folder: Path) -> Path:
    """The sample year's narratives and statistics beside the cards, as a real input folder has them."""
    root = Path(__file__).resolve().parents[1] / "inputs"
    for name in EDITABLE_FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, folder / name)
    return folder


def _previous_outputs(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.docx").write_bytes(OLD_DOCX)
    (out / "report.json").write_bytes(OLD_JSON)


def _assert_previous_outputs_intact(out: Path) -> None:
    assert (out / "report.docx").read_bytes() == OLD_DOCX
    assert (out / "report.json").read_bytes() == OLD_JSON
    assert sorted(p.name for p in out.iterdir()) == ["report.docx", "report.json"]  # no staging or temp left


def _fail(*args, **kwargs):
    raise RuntimeError("simulated failure")


@pytest.mark.parametrize("step", ["render", "json", "companion_tables"])
def test_build_failing_at_a_step_leaves_previous_outputs(step, card_folder, config, tmp_path, monkeypatch):
    import reportkit.render as render

    write_card(_with_texts(card_folder) / "card.xlsx", config)
    out = tmp_path / "outputs"
    _previous_outputs(out)
    if step == "render":
        monkeypatch.setattr(render, "render_report", _fail)
    elif step == "json":
        monkeypatch.setattr(build_module, "report_json_bytes", _fail)
    else:
        monkeypatch.setattr(build_module, "write_tables", _fail)
    before = tree(card_folder)
    with pytest.raises(RuntimeError):
        build_module.build_report(card_folder, out, page_numbers=False)
    _assert_previous_outputs_intact(out)
    assert tree(card_folder) == before


def test_build_with_invalid_inputs_leaves_previous_outputs(card_folder, config, tmp_path):
    write_card(card_folder / "card.xlsx", config, cost=-1)
    (card_folder / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    out = tmp_path / "outputs"
    _previous_outputs(out)
    before = tree(card_folder)
    with pytest.raises(ValidationFailed) as failure:
        build_module.build_report(card_folder, out, page_numbers=False)
    assert {(i.code, i.file) for i in failure.value.issues} >= {("negative-amount", "card.xlsx"),
                                                                 ("corrupt-file", "broken.xlsx")}
    _assert_previous_outputs_intact(out)
    assert tree(card_folder) == before


def test_build_refuses_an_infinite_number_at_its_cell_not_with_an_internal_error(card_folder, config, tmp_path):
    put_stored_number(write_card(card_folder / "card.xlsx", config), "B11", "1e999")
    before = tree(card_folder)
    done = run_reportkit("build", card_folder, "--out", tmp_path / "outputs")
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "B11" in said and "数として扱えない値" in said and "内部エラー" not in said and "Traceback" not in said
    assert tree(card_folder) == before


def test_an_infinite_year_in_expected_json_is_no_internal_error(serve_rolled, tmp_path):
    folder = tmp_path / "inputs2014"
    shutil.copytree(serve_rolled, folder)
    expected = folder / "expected.json"
    expected.write_text(re.sub(r'"fiscal_year": \d+', '"fiscal_year": 1e999', expected.read_text("utf-8"), count=1),
                        encoding="utf-8")
    for command in ("validate", "status"):
        done = run_reportkit(command, folder)
        said = done.stdout + done.stderr
        assert done.returncode in (1, 2) and "内部エラー" not in said and "Traceback" not in said, (command, said[-500:])


def test_validate_and_build_write_nothing_into_the_input_folder(card_folder, config, tmp_path, capsys):
    write_card(_with_texts(card_folder) / "card.xlsx", config)
    (card_folder / "~$card.xlsx").write_bytes(b"\x0bclerk".ljust(165, b"\x00"))
    before = tree(card_folder)
    assert main(["validate", str(card_folder), "--format", "json"]) == 0
    capsys.readouterr()
    result = build_module.build_report(card_folder, tmp_path / "outputs", page_numbers=False)
    assert {p.name for p in result.files} >= {"report.docx", "report.json"}
    assert tree(card_folder) == before


# -- docs/limits.md stays in step with the corpus and the reader -----------------------------------

LIMITS_DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


def test_limits_doc_lists_every_case_and_its_codes():
    text = LIMITS_DOC.read_text(encoding="utf-8")
    for case in CASES:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{case.name}` |")), None)
        assert row is not None, f"{case.name} missing from docs/limits.md"
        for code, _, cell in case.expected:
            assert f"`{code}`" in row, (case.name, code)
            assert not cell or cell in row, (case.name, cell)
        assert row.rstrip(" |").endswith(str(case.exit_code)), case.name


def test_limits_doc_states_the_reader_constants():
    text = LIMITS_DOC.read_text(encoding="utf-8")
    mb = 1024 * 1024
    for name, shown in (("MAX_FILE_BYTES", f"{reader.MAX_FILE_BYTES // mb} MB"),
                        ("MAX_MEMBER_BYTES", f"{reader.MAX_MEMBER_BYTES // mb} MB"),
                        ("MAX_TOTAL_BYTES", f"{reader.MAX_TOTAL_BYTES // mb} MB"),
                        ("MAX_RATIO", f"{reader.MAX_RATIO} : 1"),
                        ("MAX_PROLOG_BYTES", f"{reader.MAX_PROLOG_BYTES // 1024} KB"),
                        ("MAX_CELL_CHARS", f"{reader.MAX_CELL_CHARS:,} characters"),
                        ("MAX_NUMBER", f"below 10^{len(str(reader.MAX_NUMBER)) - 1} in size"),
                        ("MAX_NAME_CELLS", f"{reader.MAX_NAME_CELLS:,}"),
                        ("MAX_UNMAPPED_ISSUES", f"{reader.MAX_UNMAPPED_ISSUES} per file"),
                        ("MAX_SETTINGS_CELLS", f"| {reader.MAX_SETTINGS_CELLS:,} |"),
                        ("MAX_SETTINGS_CHARS", f"{reader.MAX_SETTINGS_CHARS:,} characters"),
                        ("MAX_LIST_CELLS", f"| {reader.MAX_LIST_CELLS:,} |")):
        row = next(line for line in text.splitlines() if f"`{name}`" in line)
        assert shown in row, (name, shown)
