"""A prefecture's own styles: an input folder's templates/reference.docx, edited in Word, used by the build,
the draft and the page plan; checked first; copied out by ``template --styles``; carried by rollover."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from command_helpers import run_reportkit
from reportkit.report.build import build_report
from reportkit.errors import InputFileError
from reportkit.render.styles import REFERENCE_DOCX
from yoy_helpers import INPUTS, make_input_folder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MM = 1440 / 25.4  # twips


def _style(styles_xml: str, name: str) -> str:
    """The whole <w:style> element of the style named ``name``."""
    return re.search(rf'<w:style [^>]*>(?:(?!</w:style>).)*?<w:name w:val="{name}"/>(?:(?!</w:style>).)*?</w:style>',
                     styles_xml, re.S).group(0)


def edited_reference(target: Path, *, body_half_points: int | None = 22, margins_mm: float | None = 25,
                     delete_style: str | None = None, drop_page_setup: bool = False) -> Path:
    """The shipped reference.docx as a user saves it from Word: 本文 at ``body_half_points`` / 2 pt (Word
    writes w:sz and w:szCs), every page margin ``margins_mm`` (Word stores whole twips), a style deleted,
    or the page setup gone. Written to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(REFERENCE_DOCX) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                text = data.decode("utf-8")
                if body_half_points is not None:
                    body = _style(text, "本文")
                    assert body.count('<w:sz w:val="21"/>') == 1
                    text = text.replace(body, body.replace(
                        '<w:sz w:val="21"/>', f'<w:sz w:val="{body_half_points}"/><w:szCs w:val="{body_half_points}"/>'))
                if delete_style is not None:
                    text = text.replace(_style(text, delete_style), "")
                data = text.encode("utf-8")
            elif item.filename == "word/document.xml":
                text = data.decode("utf-8")
                if margins_mm is not None:
                    twips = round(margins_mm * MM)
                    text = re.sub(r"<w:pgMar [^>]*/>", lambda m: re.sub(
                        r'w:(top|right|bottom|left)="\d+"', rf'w:\1="{twips}"', m.group(0)), text)
                if drop_page_setup:
                    text = re.sub(r"<w:pgMar[^>]*/>", "", text)
                data = text.encode("utf-8")
            out.writestr(item, data)
    return target


def _margins(docx: Path) -> list[tuple[int, int, int, int]]:
    """(top, bottom, left, right) of every section of a built report, in twips."""
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    return [tuple(int(re.search(rf'w:{side}="(-?\d+)"', tag).group(1)) for side in ("top", "bottom", "left", "right"))
            for tag in re.findall(r"<w:pgMar [^>]*/>", xml)]


def _body_size(docx: Path) -> str:
    styles_xml = zipfile.ZipFile(docx).read("word/styles.xml").decode("utf-8")
    return re.search(r'<w:sz w:val="(\d+)"/>', _style(styles_xml, "本文")).group(1)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """The whole sample year (every card) in a folder of its own, to give it styles."""
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


def test_the_repository_keeps_one_reference_docx_at_the_top():
    root = Path(__file__).resolve().parents[1]
    assert REFERENCE_DOCX == root / "templates" / "reference.docx"  # a source checkout reads the original
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert [name for name in tracked.splitlines() if name.endswith("reference.docx")] == ["templates/reference.docx"]


def test_template_styles_puts_the_shipped_styles_into_an_input_folders_templates(tmp_path):
    folder = make_input_folder(tmp_path / "inputs", ("001",))
    done = run_reportkit("template", "--styles", folder)
    target = folder / "templates" / "reference.docx"
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(target)
    assert target.read_bytes() == REFERENCE_DOCX.read_bytes()
    target.write_bytes(b"edited in Word")
    again = run_reportkit("template", "--styles", folder)
    assert again.returncode == 2 and "すでにあります" in again.stderr and "--force" in again.stderr
    assert target.read_bytes() == b"edited in Word"  # an edited file is never replaced unasked
    assert run_reportkit("template", "--styles", folder, "--force").returncode == 0
    assert target.read_bytes() == REFERENCE_DOCX.read_bytes()
    elsewhere = run_reportkit("template", "--styles", tmp_path / "styles")  # not an input folder: into DIR itself
    assert elsewhere.returncode == 0 and (tmp_path / "styles" / "reference.docx").is_file()


def test_the_shipped_styles_copied_into_the_folder_build_the_same_bytes(sample_copy, sample_build, tmp_path):
    from reportkit.cli.main import format_build_summary

    shutil.copy(REFERENCE_DOCX, (sample_copy / "templates").mkdir() or sample_copy / "templates" / "reference.docx")
    result = build_report(sample_copy, tmp_path / "out", page_numbers=False)
    shipped_result, shipped = sample_build
    for name in ("report.docx", "report.json", "projects.xlsx"):
        assert (tmp_path / "out" / name).read_bytes() == (shipped / name).read_bytes(), name
    assert result.styles == sample_copy / "templates" / "reference.docx"
    assert f"書式　　　: 入力フォルダの {sample_copy / 'templates' / 'reference.docx'}" in format_build_summary(result)
    assert shipped_result.styles is None
    assert "書式　　　: 配布版" in format_build_summary(shipped_result)


def test_a_reference_edited_in_word_sets_the_reports_styles_and_margins(sample_copy, tmp_path):
    edited_reference(sample_copy / "templates" / "reference.docx", body_half_points=22, margins_mm=25)
    build_report(sample_copy, tmp_path / "out", page_numbers=False)
    report = tmp_path / "out" / "report.docx"
    assert _body_size(report) == "22"
    margins = _margins(report)
    # the cover, the table pages and the chapters take the reference's margins (the prose parts their own
    # widths, the list table the edition's narrow ones): 25 mm, where the shipped styles have 25/22/30/30
    assert margins[0] == (1417, 1417, 1417, 1417)
    assert sum(1 for m in margins if m == (1417, 1417, 1417, 1417)) >= len(margins) // 2
    draft = build_report(sample_copy, tmp_path / "out", page_numbers=False, draft=True)  # 素案 too
    assert _body_size(draft.files[0]) == "22" and _margins(draft.files[0])[0] == (1417, 1417, 1417, 1417)


@pytest.mark.parametrize("broken, named", [
    ({"delete_style": "カード本文"}, "「カード本文」"),
    ({"delete_style": "heading 2"}, "「見出し 2」（Heading 2）"),  # as Word's Japanese menus name it
    ({"drop_page_setup": True}, "余白"),
])
def test_a_broken_reference_stops_the_build_before_anything_is_written(sample_copy, tmp_path, broken, named):
    reference = edited_reference(sample_copy / "templates" / "reference.docx", **broken)
    with pytest.raises(InputFileError) as raised:
        build_report(sample_copy, tmp_path / "out", page_numbers=False)
    assert named in str(raised.value) and str(reference) in str(raised.value)
    assert not (tmp_path / "out" / "report.docx").exists()
    done = run_reportkit("build", sample_copy, "-o", tmp_path / "cli", "--no-page-numbers")
    assert done.returncode == 2 and named in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "cli" / "report.docx").exists()


def test_a_file_that_is_no_word_document_is_refused_with_the_way_out(sample_copy, tmp_path):
    (sample_copy / "templates").mkdir()
    (sample_copy / "templates" / "reference.docx").write_bytes(b"not a zip")
    with pytest.raises(InputFileError, match="reference.docx.*として読めません.*template --styles"):
        build_report(sample_copy, tmp_path / "out", page_numbers=False)


def test_rollover_carries_the_folders_styles_to_the_next_year(tmp_path):
    from reportkit.yoy.rollover import rollover

    folder = make_input_folder(tmp_path / "inputs", ("001", "002"))
    plain = rollover(folder, 2014, tmp_path / "plain")
    assert not (tmp_path / "plain" / "templates").exists()
    assert not any("templates" in notice for notice in plain.notices)  # the shipped styles serve: nothing missed
    edited = edited_reference(folder / "templates" / "reference.docx")
    rollover(folder, 2014, tmp_path / "inputs2014")
    assert (tmp_path / "inputs2014" / "templates" / "reference.docx").read_bytes() == edited.read_bytes()


@pytest.mark.libreoffice
@pytest.mark.parametrize("body, margins", [(22, 25), (22, 35)])
def test_the_plan_follows_an_edited_reference_to_the_pages_libreoffice_measures(sample_copy, soffice, body, margins):
    """Body 11 pt and margins 25 mm (as a user changes them in Word): the plan made without LibreOffice equals
    the pages LibreOffice lays out. Margins of 35 mm move the plan (every page shorter): equal up to section 3,
    whose subsections then end within a few points of a page's end, closer than the estimate can tell (it
    pushes （４） with its figure to the next page, LibreOffice keeps it): section 4 starts two pages later in
    the plan than on paper. The measured pages replace the plan whenever LibreOffice runs."""
    from reportkit.report.aggregate import aggregate
    from reportkit.libreoffice.pages import update_page_numbers
    from reportkit.render import render_report
    from reportkit.render.package import write_cached_pagerefs
    from reportkit.checks.validate import validate_folder
    from reportkit.inputs.year_inputs import load_year_inputs

    edited_reference(sample_copy / "templates" / "reference.docx", body_half_points=body, margins_mm=margins)
    inputs = load_year_inputs(sample_copy)
    result = validate_folder(sample_copy, inputs=inputs)
    report = aggregate(result.config, [s.card for s in result.cards], inputs.multi_year(),
                       previous=inputs.expected.previous_order())
    docx = sample_copy.parent / "report.docx"
    shipped_plan = render_report(report, result.config, inputs.narratives, inputs.statistics, docx)
    plan = render_report(report, result.config, inputs.narratives, inputs.statistics, docx, inputs.reference)
    pages = update_page_numbers(docx, soffice=soffice, write_pages=write_cached_pagerefs)
    if margins == 25:
        assert plan == dict(pages)
    else:
        assert plan != shipped_plan  # the plan moved with the margins
        wrong = {name for name in plan if plan[name] != pages.get(name)}
        assert len(wrong) <= 3, sorted(wrong)
        if wrong:  # only the headings after section 3: every card and every earlier heading where LibreOffice puts it
            assert min(pages[name] for name in wrong) > max(pages[name] for name in plan if name not in wrong)


def test_the_folders_reference_is_read_once_per_build_and_never_by_render(tmp_path, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from input_walk import trace_build

    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "cache"))
    folder = make_input_folder(tmp_path / "inputs", ("001", "002"))
    edited_reference(folder / "templates" / "reference.docx")
    opens = trace_build(folder, tmp_path / "out")
    reads = [modules for file, modules in opens.elements() if file == "templates/reference.docx"]
    assert len(reads) == 1 and reads[0][0] == "inputs.year_inputs"


def test_narratives_to_docx_writes_in_the_folders_own_styles(tmp_path):
    from reportkit.report.narrative_convert import convert_to_docx
    from yoy_helpers import markdown_narratives

    folder = markdown_narratives(make_input_folder(tmp_path / "inputs", ("001",)))
    edited_reference(folder / "templates" / "reference.docx", body_half_points=24, margins_mm=25)
    convert_to_docx(folder)
    written = folder / "narratives" / "introduction.docx"
    assert _body_size(written) == "24" and _margins(written) == [(1417, 1417, 1417, 1417)]
