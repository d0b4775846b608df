"""Narratives are inputs: validate renders each with the year's figures and names file and line in Japanese."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reportkit.report.build import build_report
from reportkit.cli.main import main
from reportkit.errors import ValidationFailed
from reportkit.report.narrative_templates import narrative_files
from reportkit.checks.validate import validate_folder
from yoy_helpers import make_input_folder


@pytest.fixture()
def folder(tmp_path) -> Path:
    """The sample year with three of its cards, its narratives and statistics."""
    return make_input_folder(tmp_path / "inputs", ("001", "002", "003"), markdown=True)


# The sample's six charts of section ３ have no data (the edition prints them as images): each is a warning.
SAMPLE_FIGURES_WITHOUT_DATA = [("warning", "statistics-no-data", "narratives/section3.md.j2", line)
                               for line in (17, 23, 29, 35, 41, 47)]


def _narrative_issues(folder: Path, figures: bool = False) -> list[tuple[str, str, str, int | None]]:
    """(severity, code, file, line) of the narratives' issues; ``figures``: also the figures without data."""
    found = []
    for issue in validate_folder(folder).issues:
        if issue.file.startswith("narratives/") and (figures or issue.code != "statistics-no-data"):
            line = re.match(r"(\d+) 行目", issue.message)
            found.append((issue.severity, issue.code, issue.file, int(line.group(1)) if line else None))
            assert issue.cell == "" and issue.field == "narrative"
    return found


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_sample_narratives_validate_clean_but_for_the_figures_without_data(folder):
    assert _narrative_issues(folder, figures=True) == SAMPLE_FIGURES_WITHOUT_DATA
    assert sorted(p.name for p in (folder / "narratives").iterdir()) == sorted(narrative_files(validate_folder(folder).config))


def test_misspelt_placeholder_is_an_error_at_its_line(folder):
    intro = folder / "narratives" / "introduction.md.j2"
    _edit(intro, "{{ year | nendo }}", "{{ yaer | nendo }}")
    line = next(n for n, text in enumerate(intro.read_text("utf-8").splitlines(), 1) if "yaer" in text)
    assert _narrative_issues(folder) == [("error", "narrative-unknown-placeholder", "narratives/introduction.md.j2", line)]
    message = next(i.message for i in validate_folder(folder).issues if i.code == "narrative-unknown-placeholder")
    assert "「yaer」" in message and "undefined" not in message


def test_unknown_attribute_is_named_as_written(folder):
    (folder / "narratives" / "chapter_2.md.j2").write_text("前文\n\n合計{{ total.cont }}件\n", "utf-8")
    issues = [i for i in validate_folder(folder).issues if i.file == "narratives/chapter_2.md.j2"]
    assert [(i.code, i.message.split("の")[0]) for i in issues] == [("narrative-unknown-placeholder", "3 行目")]
    assert "「total.cont」" in issues[0].message and "SimpleNamespace" not in issues[0].message


def test_syntax_error_and_unknown_filter_name_file_and_line(folder):
    (folder / "narratives" / "section1_intro.md.j2").write_text("一\n\n{{ year | nendo }\n", "utf-8")
    (folder / "narratives" / "chapter_1.md.j2").write_text("一\n\n二\n\n{{ year | nendoo }}\n", "utf-8")
    assert sorted(_narrative_issues(folder)) == [
        ("error", "narrative-syntax", "narratives/section1_intro.md.j2", 3),
        ("error", "narrative-unknown-filter", "narratives/chapter_1.md.j2", 5),
    ]


def test_full_width_braces_are_a_warning(folder):
    _edit(folder / "narratives" / "section1_intro.md.j2", "\n", "\n\n｛｛ year | nendo ｝｝の概要\n")
    assert _narrative_issues(folder) == [("warning", "narrative-full-width-braces", "narratives/section1_intro.md.j2", 3)]


def test_placeholder_in_a_verbatim_md_is_a_warning_and_a_missing_file_an_error(folder):
    _edit(folder / "narratives" / "section4_liaison.md", "### 別表", "### 別表 {{ year }}")
    (folder / "narratives" / "section3.md.j2").unlink()
    found = _narrative_issues(folder)
    assert ("error", "narrative-missing", "narratives/section3.md.j2", None) in found
    assert [f[:3] for f in found if f[1] == "narrative-placeholder-in-md"] == [
        ("warning", "narrative-placeholder-in-md", "narratives/section4_liaison.md")]


def test_build_refuses_with_the_same_japanese_message(folder, tmp_path, capsys):
    _edit(folder / "narratives" / "introduction.md.j2", "{{ year | nendo }}", "{{ yaer | nendo }}")
    with pytest.raises(ValidationFailed) as raised:
        build_report(folder, tmp_path / "out", page_numbers=False)
    assert [i.code for i in raised.value.issues if i.severity == "error"] == ["narrative-unknown-placeholder"]
    assert main(["build", str(folder), "-o", str(tmp_path / "out2"), "--no-page-numbers"]) == 1
    shown = capsys.readouterr()
    assert "narratives/introduction.md.j2" in shown.out and "行目の差し込み項目「yaer」" in shown.out
    assert "undefined" not in shown.out + shown.err and "jinja" not in shown.out + shown.err


def test_a_folder_without_narratives_checks_only_the_cards(folder):
    shutil.rmtree(folder / "narratives")
    assert _narrative_issues(folder) == []


def test_a_template_rewritten_within_one_clock_tick_is_rendered_anew(tmp_path, monkeypatch):
    """Each reading of the folder renders what it read (no environment outlives it); the compiled code
    kept in the user cache is reused only for the same text."""
    import os
    import subprocess
    import sys

    from reportkit.report.narrative_templates import render_narrative
    from reportkit.inputs.year_inputs import read_narratives

    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    (tmp_path / "n").mkdir()
    template = tmp_path / "n" / "a.md.j2"
    template.write_text("{{ year }}年度の一", encoding="utf-8")
    stamp = template.stat().st_mtime_ns
    assert render_narrative(read_narratives(tmp_path / "n"), "a.md.j2", {"year": 2013}) == "2013年度の一"
    template.write_text("{{ year }}年度の二", encoding="utf-8")
    os.utime(template, ns=(stamp, stamp))  # the same modification time as the first text
    assert render_narrative(read_narratives(tmp_path / "n"), "a.md.j2", {"year": 2013}) == "2013年度の二"
    # the compiled code is kept in the user cache; another process renders the same from it
    kept = sorted((tmp_path / "cache" / "jinja").iterdir())
    assert kept
    code = ("import sys; from pathlib import Path; from reportkit.report.narrative_templates import render_narrative; "
            "from reportkit.inputs.year_inputs import read_narratives; "
            "print(render_narrative(read_narratives(Path(sys.argv[1])), 'a.md.j2', {'year': 2014}))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "n")], capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8"), check=True)
    assert done.stdout.strip() == "2014年度の二"
    assert sorted((tmp_path / "cache" / "jinja").iterdir()) == kept


# -- nothing plausible-but-wrong in silence (issue 19, item 7) ----------------------------------------

def test_a_rolled_narrative_still_naming_last_year_is_a_warning_at_its_line(folder, tmp_path):
    """「平成２５年度の県内中小企業は…」 in the 平成26年度 folder: stale-year-text, as on cards, with file and line."""
    from reportkit.yoy.rollover import rollover

    rolled = rollover(folder, 2014, tmp_path / "inputs2014").out_dir
    stale = [i for i in validate_folder(rolled).issues if i.file.startswith("narratives/") and i.code == "stale-year-text"]
    assert [(i.severity, i.file, i.params["line"], i.params["detail"]) for i in stale] == [  # by file, then line
        ("warning", "narratives/section1_points.md.j2", "13 行目に", "平成２５年度"),  # （平成１９年度２件 → 平成２５年度１２件）
        ("warning", "narratives/section1_points.md.j2", "29 行目に", "平成２５年度"),  # 平成２５年度までに
        ("warning", "narratives/section1_points.md.j2", "31 行目に", "平成２５年度"),
        ("warning", "narratives/chapter_3.md.j2", "1 行目に", "平成２５年度"),
        ("warning", "narratives/chapter_3.md.j2", "11 行目に", "平成２５年度"),
        ("warning", "narratives/chapter_3.md.j2", "15 行目に", "平成２５年度"),
        ("warning", "narratives/section3.md.j2", "45 行目に", "平成２５年度"),
    ]
    assert stale[3].message.startswith("1 行目に前年度を指す「平成２５年度」が書かれています。平成２６年度の内容に")
    # the 平成25年度 sample itself names 平成２４年度 only in a heading of section １'s chronology and beside
    # 平成２５年度 (a comparison): no warning there
    assert not [i for i in validate_folder(folder).issues if i.code == "stale-year-text"]


@pytest.mark.parametrize("line, warned", [
    ("平成２５年度の県内中小企業は、厳しい経営環境におかれた。", True),
    ("平成２５年度から継続して実施している。", False),  # a span: the course of a project
    ("平成２５年度の１２件から{{ year | nendo }}は１５件に増えた。", False),  # compares with the report year
    ("平成２５年度と平成２６年度を比べると", False),
    ("### ＜平成２５年度＞", False),  # a chronology's heading
    ("平成２５年３月に策定した。", False),  # a date, not a fiscal year
], ids=["last year as this year's", "span", "placeholder comparison", "comparison", "heading", "date"])
def test_which_narrative_lines_name_last_year_as_this_years(tmp_path, line, warned):
    folder = make_input_folder(tmp_path / "inputs", ("001",), markdown=True)
    config_file = folder / "config.toml"
    _edit(config_file, "fiscal_year = 2013", "fiscal_year = 2014")
    (folder / "narratives" / "chapter_1.md.j2").write_text(f"前文\n\n{line}\n", "utf-8")
    found = [i.params["line"] for i in validate_folder(folder).issues
             if i.code == "stale-year-text" and i.file == "narratives/chapter_1.md.j2"]
    assert found == (["3 行目に"] if warned else [])


def test_figures_without_data_are_named_by_validate_and_by_the_build_summary(folder, tmp_path, capsys):
    """Section ３'s charts without data print 「（データ未入力）」: a warning each, in validate and in the build's summary."""
    statistics = folder / "statistics"
    # give 図4-1 its data, and empty 表4-2's CSV: 表4-2 joins the figures without data, 図4-1 leaves them
    (statistics / "図4-1.csv").write_text("年,全国,青森県\n平成２４年,6555,660\n平成２５年,6577,662\n", "utf-8")
    _edit(statistics / "index.toml", 'file = ""\nmissing = "The chart is an image in the published report; the text '
          'extraction prints only its caption and source, no data series."', 'file = "図4-1.csv"')
    (statistics / "表4-2.csv").write_text("\n", "utf-8")
    _edit(statistics / "index.toml", 'caption = "資金繰り判断 DI の推移"', 'caption = ""')  # 図4-5 without a caption
    expected = [("warning", "statistics-no-data", "narratives/section3.md.j2", line) for line in (11, 23, 29, 35, 41, 47)]
    assert _narrative_issues(folder, figures=True) == expected

    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "[警告] 説明文: 11 行目の表４－２「年齢別推計人口の推移」にはデータがないため、報告書に「（データ未入力）」と印刷されます。" in out
    assert "41 行目の図４－５にはデータがないため" in out  # an item without a caption is named by its label
    assert "図４－１" not in out

    assert main(["build", str(folder), "-o", str(tmp_path / "out"), "--no-page-numbers"]) == 0
    summary = capsys.readouterr().out
    assert "  データのない図表: 6 件（報告書に「（データ未入力）」と印刷されています）" in summary
    assert "    表４－２「年齢別推計人口の推移」（narratives/section3.md.j2 11 行目）" in summary
    assert "    図４－６「企業倒産件数及び負債総額の推移」（narratives/section3.md.j2 47 行目）" in summary
    assert "図４－１" not in summary


def test_a_broken_statistics_index_does_not_stop_validate(folder):
    """The build names a broken index.toml; validate still checks everything else."""
    (folder / "statistics" / "index.toml").write_text("[[items]]\nid = \n", "utf-8")
    assert _narrative_issues(folder, figures=True) == []
