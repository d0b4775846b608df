"""An InputFolder names the files of an input folder and knows what lies inside it."""

import pytest

from reportkit.errors import ReportkitError
from reportkit.inputs.input_folder import InputFolder


def test_names_the_files_of_the_folder(tmp_path):
    folder = InputFolder(tmp_path)
    assert (folder.config, folder.multi_year, folder.cards, folder.expected) == (
        tmp_path / "config.toml", tmp_path / "multi_year.csv", tmp_path / "cards", tmp_path / "expected.json")
    assert not folder.is_input_folder
    folder.config.write_text("", encoding="utf-8")
    assert folder.is_input_folder


def test_an_output_in_or_equal_to_the_folder_is_inside_it_and_a_sibling_is_not(tmp_path):
    folder = InputFolder(tmp_path / "inputs")
    folder.root.mkdir()
    assert folder.contains(tmp_path / "inputs") and folder.contains(tmp_path / "inputs" / "out" / "diff")
    assert folder.contains(tmp_path / "inputs" / ".." / "inputs" / "x")
    assert not folder.contains(tmp_path / "inputs2") and not folder.contains(tmp_path)


def test_a_new_output_must_be_outside_and_empty(tmp_path):
    folder = InputFolder(tmp_path / "inputs")
    folder.root.mkdir()
    with pytest.raises(ReportkitError, match="入力フォルダ .* の中にあります"):
        folder.check_new_output(folder.root / "next")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ReportkitError, match="空ではありません"):
        folder.check_new_output(tmp_path / "full")
    folder.check_new_output(tmp_path / "new")  # absent: fine
