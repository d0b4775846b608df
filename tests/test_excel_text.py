"""CSV files as Excel saves them (files/excel_text.py): UTF-8 with or without a BOM, or cp932; anything
else named with the way out. validate and build read them alike and agree on them."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from reportkit.errors import InputFileError
from reportkit.files.excel_text import excel_text

from command_helpers import run_reportkit
from yoy_helpers import INPUTS

# Characters a Japanese office types that only cp932 (not plain Shift_JIS) has: circled digits, 髙, ㈱, ～
TEXT = "区分,事業所数\r\n①髙橋㈱,1,237\r\n平成２５年～,－\r\n"


@pytest.mark.parametrize("data", [TEXT.encode("utf-8"), "\ufeff".encode("utf-8") + TEXT.encode("utf-8"),
                                  TEXT.encode("cp932")], ids=["utf-8", "utf-8 with BOM", "cp932"])
def test_what_excel_saves_reads_as_the_same_text(data):
    assert excel_text(data, "statistics/表4-1.csv") == TEXT


@pytest.mark.parametrize("data", [TEXT.encode("utf-16"), TEXT.encode("utf-16-le"), b"\x80\x81\xff" * 10],
                         ids=["utf-16 (Unicode テキスト)", "utf-16 without BOM", "binary"])
def test_text_in_no_encoding_excel_writes_names_the_file_and_the_way_out(data):
    with pytest.raises(InputFileError) as failure:
        excel_text(data, "statistics/表4-1.csv")
    assert "statistics/表4-1.csv" in str(failure.value) and "CSV UTF-8（コンマ区切り）" in str(failure.value)


def _saved_by_excel(folder: Path, encoding: str) -> Path:
    """The sample year with its statistics CSV and multi_year.csv saved again as Excel saves them."""
    shutil.copytree(INPUTS, folder)
    for path in (folder / "statistics" / "表4-1.csv", folder / "multi_year.csv"):
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\n", "\r\n")
        path.write_bytes(text.encode(encoding))
    return folder


def _document_xml(docx: Path) -> bytes:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml")


def test_excels_own_csv_in_cp932_builds_the_same_report_as_utf8(sample_build, tmp_path):
    folder = _saved_by_excel(tmp_path / "inputs", "cp932")
    checked = run_reportkit("validate", folder, "--format", "json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not [i for i in json.loads(checked.stdout) if i["severity"] == "error"]
    built = run_reportkit("build", folder, "--output", tmp_path / "outputs", "--no-page-numbers")
    assert built.returncode == 0, built.stdout + built.stderr
    _, expected = sample_build
    assert _document_xml(tmp_path / "outputs" / "report.docx") == _document_xml(expected / "report.docx")
    # the past years of multi_year.csv, as figures
    assert (tmp_path / "outputs" / "report.json").read_bytes() == (expected / "report.json").read_bytes()


def test_validate_and_build_both_refuse_a_csv_in_neither_encoding_and_name_it(tmp_path):
    folder = _saved_by_excel(tmp_path / "inputs", "utf-16")
    checked = run_reportkit("validate", folder, "--format", "json")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    broken = {(i["code"], i["file"]) for i in json.loads(checked.stdout) if i["severity"] == "error"}
    assert broken == {("input-file-broken", "statistics/表4-1.csv"), ("input-file-broken", "multi_year.csv")}
    built = run_reportkit("build", folder, "--output", tmp_path / "outputs", "--no-page-numbers")
    said = built.stdout + built.stderr
    assert built.returncode != 0 and "内部エラー" not in said and "Traceback" not in said
    assert "statistics/表4-1.csv を読めません" in said and "multi_year.csv を読めません" in said
    assert not (tmp_path / "outputs" / "report.docx").exists()
