"""The year's inputs are read once per build and handed down: render opens no file of the input folder.

The opens are traced as ``tools/input_walk.py`` traces them (an audit hook on ``open``), each charged
to the reportkit modules on the stack.
"""

from __future__ import annotations

import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document

from reportkit.report.build import build_report
from reportkit.errors import NarrativeError
from reportkit.checks.validate import validate_folder
from yoy_helpers import make_input_folder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from input_walk import trace_build, trace_opens  # noqa: E402

# The modules that may open a file of the input folder: the loading of the year's inputs, and the cards'.
LOADERS = {"inputs.year_inputs", "inputs.config", "inputs.statistics", "inputs.expected_record", "checks.card_cache",
           "workbook.reader"}


@pytest.fixture()
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))  # a first build: every workbook read
    return make_input_folder(tmp_path / "inputs", ("001", "002", "003"))


def _per_file(opens: Counter) -> Counter:
    files: Counter = Counter()
    for (file, _modules), count in opens.items():
        files[file] += count
    return files


def _text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_render_opens_no_file_of_the_input_folder(folder, tmp_path):
    opens = trace_build(folder, tmp_path / "out")
    assert opens, "the trace saw the build read its inputs"
    on_stack = {module for _file, modules in opens for module in modules}
    assert not {module for module in on_stack if module.startswith("render")}
    assert {modules[0] for _file, modules in opens} <= LOADERS


def test_every_input_file_is_opened_once_per_build(folder, tmp_path):
    """The narratives in Word (the sample's) too: each .docx is read once, by year_inputs, as bytes."""
    # narratives/markdown/ keeps the Markdown a conversion to Word moved aside: no input of the build
    every = {path.relative_to(folder).as_posix() for path in folder.rglob("*")
             if path.is_file() and not path.relative_to(folder).as_posix().startswith("narratives/markdown/")}
    words = {file for file in every if file.startswith("narratives/") and file.endswith(".docx")}
    assert len(words) == 14
    for run in ("first", "again"):  # the card cache empty, then filled: a workbook is read once either way
        opens = trace_build(folder, tmp_path / run)
        files = _per_file(opens)
        assert set(files) == every
        assert {file: count for file, count in files.items() if count != 1} == {}
        assert {file: modules[0] for file, modules in opens if file in words} == dict.fromkeys(words, "inputs.year_inputs")


def test_lock_files_and_kept_markdown_are_not_read_as_narratives(folder, tmp_path):
    """Word's lock file beside an open narrative, LibreOffice's, and the Markdown kept in narratives/markdown/."""
    from reportkit.inputs.year_inputs import load_year_inputs

    narratives = folder / "narratives"
    (narratives / "~$troduction.docx").write_bytes(b"\x00" * 162)  # Word's owner file: not a zip
    (narratives / ".~lock.introduction.docx#").write_text("user,host,2024", "utf-8")
    sources = load_year_inputs(folder).narratives.sources
    assert sorted(sources) == sorted(p.name for p in narratives.glob("*.docx") if not p.name.startswith("~$"))
    assert not any(source.name.startswith(("~$", ".~lock")) for source in sources.values())
    assert [i for i in validate_folder(folder).issues if i.file.startswith("narratives/") and i.severity == "error"] == []
    build_report(folder, tmp_path / "out", page_numbers=False)


def test_a_narrative_named_in_other_letter_case_is_found_as_on_windows(folder, tmp_path):
    """「Introduction.DOCX」 saved by hand: Windows opens it as introduction.docx; so do validate and build."""
    narratives = folder / "narratives"
    (narratives / "introduction.docx").rename(narratives / "Introduction.DOCX")
    assert [i for i in validate_folder(folder).issues if i.severity == "error"] == []
    build_report(folder, tmp_path / "out", page_numbers=False)
    assert "青森県の中小企業は、これまで" in _text(tmp_path / "out" / "report.docx")


def test_a_rolled_folders_expected_json_is_read_once_by_a_draft(folder, tmp_path):
    """Last year's order and costs (validate, aggregate, the draft's placeholders) come from one reading."""
    from reportkit.yoy.rollover import rollover

    rolled = rollover(folder, 2014, tmp_path / "rolled").out_dir
    files = _per_file(trace_opens(rolled, lambda: build_report(rolled, tmp_path / "out", page_numbers=False,
                                                              draft=True)))
    assert files["expected.json"] == 1
    # the draft's one exception: a workbook's digest (is it still as rollover wrote it?) reads it again
    assert {file: count for file, count in files.items() if count != 1 and not file.startswith("cards/")} == {}


def test_each_build_reads_the_folder_anew(folder, tmp_path):
    """The web desk builds again and again in one process: nothing of an earlier build's inputs is kept."""
    first = tmp_path / "first"
    build_report(folder, first, page_numbers=False)
    assert "書き直した一文" not in _text(first / "report.docx")
    intro = folder / "narratives" / "introduction.docx"  # edited in Word: a paragraph added
    document = Document(str(intro))
    document.add_paragraph("書き直した一文です。", style="本文")
    document.save(str(intro))
    csv = folder / "statistics" / "表4-1.csv"
    csv.write_text(csv.read_text("utf-8").replace("青森県,67664,", "青森県,67999,"), "utf-8")
    second = tmp_path / "second"
    build_report(folder, second, page_numbers=False)
    text = _text(second / "report.docx")
    assert "書き直した一文です。" in text and "67,999" in text and "67,664" not in text


def test_a_missing_statistics_csv_stops_the_build_with_its_name_but_not_validate(folder, tmp_path):
    (folder / "statistics" / "表4-1.csv").unlink()
    assert [i for i in validate_folder(folder).issues if i.severity == "error"] == []
    with pytest.raises(NarrativeError) as raised:
        build_report(folder, tmp_path / "out", page_numbers=False)
    assert str(raised.value) == f"統計のファイルが見つかりません: {folder / 'statistics' / '表4-1.csv'}"


@pytest.mark.parametrize("name, text, expected", [
    ("multi_year.csv", "year,policy\n2007,1\n",
     "multi_year.csv の 1 行目（見出し）に count, amount の列がありません。"),
    ("multi_year.csv", "year,policy,count,amount\n2007,1,32,\"291,625\"\n2008,1,x,1\n",
     "multi_year.csv の 3 行目: count の値「x」が整数ではありません。"),
    ("statistics/index.toml", "[[items]\nid = \"表4-1\"\n",
     "statistics/index.toml の書き方に誤りがあるため読めません（1 行目 8 文字目）。"),
    ("statistics/index.toml", "[[items]]\nkind = \"table\"\n",
     "statistics/index.toml の 1 番目の [[items]] に id（例: id = \"表4-1\"）がありません。"),
    ("statistics/index.toml", "[[items]]\nid = \"表4-1\"\nnotes = \"注\"\n",
     "statistics/index.toml の 1 番目の [[items]]（表4-1）: notes は"),
])
def test_a_broken_data_file_is_an_error_naming_it_and_its_line(folder, tmp_path, name, text, expected):
    """validate reports it as an error of that file, and the build stops on that error (before: validate
    passed it and the build ended in 「予期しない内部エラー」)."""
    from reportkit.errors import ValidationFailed

    (folder / name).write_text(text, encoding="utf-8")
    errors = [i for i in validate_folder(folder).issues if i.severity == "error"]
    assert [(i.file, i.code) for i in errors] == [(name, "input-file-broken")]
    assert errors[0].message.startswith(expected)
    with pytest.raises(ValidationFailed) as raised:
        build_report(folder, tmp_path / "out", page_numbers=False)
    assert [i.message for i in raised.value.issues if i.severity == "error"] == [errors[0].message]
    assert not (tmp_path / "out").exists()


def test_a_broken_data_file_met_past_validation_is_an_input_file_error(folder):
    """Where the data is used without validate (rollover reads last year's figures), the same message."""
    from reportkit.errors import InputFileError
    from reportkit.inputs.year_inputs import load_year_inputs

    (folder / "multi_year.csv").write_text("year,policy,count,amount\n2007,1,32,291625\n2008,1,x,1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="multi_year.csv の 3 行目: count の値「x」が整数ではありません。"):
        load_year_inputs(folder).multi_year()
