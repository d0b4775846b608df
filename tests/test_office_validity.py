"""Word and Excel open every file reportkit writes: Microsoft's Open XML SDK validator, plus what Word
and Excel are strict about beyond the schema (bookmarks, fields, relationships, data validation …).

The validator runs at the Microsoft365 level (and Office2010 for the xlsx that clerks open on older
PCs) through tests/ooxml_validator.py; it skips on a laptop without it and fails on CI (CI=true).
The structure checks (tests/ooxml_checks.py) are plain Python and always run.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

import ooxml_checks as checks
from reportkit.cli import main as cli
from reportkit.report.build import build_report
from reportkit.files.textsafe import safe_file_name
from reportkit.collect.checklist import CHECKLIST_FILE
from reportkit.collect.packs import BLANK_FILE
from reportkit.render.package import write_cached_pagerefs
from yoy_helpers import make_two_years

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DOCX = ROOT / "templates" / "reference.docx"  # the one copy in the repository
SAMPLE_CARDS = sorted((ROOT / "inputs" / "cards").glob("*.xlsx"))


@dataclass(frozen=True)
class Allowed:
    """A validator finding we accept, with the reason beside it."""

    part: str
    xpath: str  # a regular expression over the finding's XPath
    id: str
    reason: str

    def covers(self, finding) -> bool:
        return finding.part == self.part and finding.id == self.id and re.fullmatch(self.xpath, finding.xpath)


ALLOWED = (
    Allowed("/xl/styles.xml", r"/x:styleSheet\[1\]/x:fonts\[1\]/x:font\[\d+\]",
            "Sch_UnexpectedElementContentExpectingComplex",
            "openpyxl writes the children of <font> (b, i, …, sz, color, name) in its own order; ECMA-376 "
            "declares CT_Font as <xsd:choice maxOccurs='unbounded'>, so any order is valid, and Excel "
            "accepts it. The SDK checks it as a sequence."),
)

# Every kind of Office file a command writes (the key is the test id).
DOCX_KINDS = ("report.docx", "report.docx with page numbers", "reference.docx", "rolled-over report.docx",
              "redline.docx", "build --draft", "build --draft with page numbers", "令和2年度 report.docx",
              "narratives --to-docx")
XLSX_KINDS = ("projects.xlsx", "template", "template --department", "sample cards", "rolled-over cards",
              "rolled-over projects.xlsx", "diff.xlsx", "packs checklist", "packs blank card",
              "packs prefilled cards", "status --format xlsx", "web desk downloads", "令和2年度 projects.xlsx")
# A pack's files for these divisions: the one with most projects, one with a returned and a broken card.
PACK_DIVISIONS = ("地域産業課", "労政・能力開発課")
# The sample rolled year by year to 令和２年度 (14 year columns, stacked multi-year blocks, era labels),
# at full size: the session build of test_later_years (later_years_helpers.py), not built again here.
LATER_KINDS = {"令和2年度 report.docx": "report.docx", "令和2年度 projects.xlsx": "projects.xlsx"}


@pytest.fixture(scope="module")
def written(sample_build, round_, rolled, tmp_path_factory) -> dict[str, list[Path]]:
    """Kind → the files of that kind, written the way the commands write them (but the LATER_KINDS)."""
    _, sample_out = sample_build
    base = tmp_path_factory.mktemp("office")
    files: dict[str, list[Path]] = {
        "report.docx": [sample_out / "report.docx"],
        "projects.xlsx": [sample_out / "projects.xlsx"],
        "reference.docx": [REFERENCE_DOCX],
        "sample cards": SAMPLE_CARDS,
    }
    # The LibreOffice pass writes measured pages into the PAGEREF results; any numbers will do here.
    numbered = base / "numbered" / "report.docx"
    numbered.parent.mkdir()
    shutil.copy(sample_out / "report.docx", numbered)
    with zipfile.ZipFile(numbered) as package:
        names = sorted(checks.bookmark_names(package))
    changed, _ = write_cached_pagerefs(numbered, {name: 100 + i for i, name in enumerate(names)})
    assert changed > 0
    files["report.docx with page numbers"] = [numbered]

    assert cli.main(["template", "-o", str(base / "blank.xlsx")]) == 0
    assert cli.main(["template", "--department", "商工政策課", "-o", str(base / "department.xlsx")]) == 0
    files["template"], files["template --department"] = [base / "blank.xlsx"], [base / "department.xlsx"]

    # A rolled-forward year (rollover to 2014, costs and results typed in through the defined names, a
    # renamed, a moved, a dropped and a new card), both years built, then diff --redline.
    year1, year2, _ = make_two_years(base / "years")
    out1, out2 = base / "out1", base / "out2"
    build_report(year1, out1, page_numbers=False)
    build_report(year2, out2, page_numbers=False)
    files["rolled-over cards"] = sorted((year2 / "cards").glob("*.xlsx"))
    files["rolled-over report.docx"] = [out2 / "report.docx"]
    files["rolled-over projects.xlsx"] = [out2 / "projects.xlsx"]
    diff_out = base / "diff"
    arguments = ["diff", str(out1 / "report.json"), str(out2 / "report.json"), "-o", str(diff_out), "--redline"]
    assert cli.main(arguments) == 0
    files["diff.xlsx"] = [diff_out / "diff.xlsx"]
    files["redline.docx"] = [diff_out / "redline.docx"]
    files.update(_collection_round(round_, rolled, base))
    # the sample's Markdown narratives (kept in narratives/markdown/) converted anew
    narratives = base / "converted" / "narratives"
    shutil.copytree(ROOT / "inputs" / "narratives" / "markdown", narratives)
    assert cli.main(["narratives", str(narratives.parent), "--to-docx"]) == 0
    files["narratives --to-docx"] = sorted(narratives.glob("*.docx"))
    assert len(files["narratives --to-docx"]) == 14
    assert set(files) | set(LATER_KINDS) == set(DOCX_KINDS) | set(XLSX_KINDS)
    return files


@pytest.fixture()
def paths_of(written, request):
    """kind → its files; the 令和2年度 kinds from test_later_years' session build (needs LibreOffice)."""
    def paths(kind: str) -> list[Path]:
        if kind in LATER_KINDS:
            return [request.getfixturevalue("later_years_built") / LATER_KINDS[kind]]
        return written[kind]
    return paths


def _collection_round(round_, rolled, base: Path) -> dict[str, list[Path]]:
    """The files of the collection round (packs, status --format xlsx, build --draft, the web desk's
    downloads), written from the session's sample round (collect_helpers.py): 001/002/012 and a new
    project returned clean, 003 broken, the others still prefilled (未提出)."""
    folder = round_[0]
    packs = base / "packs"
    assert cli.main(["packs", str(folder), "-o", str(packs)]) == 0
    chosen = [packs / safe_file_name(division) for division in PACK_DIVISIONS]
    files = {"packs checklist": [pack / CHECKLIST_FILE for pack in chosen],
             "packs blank card": [pack / BLANK_FILE for pack in chosen],
             "packs prefilled cards": sorted(p for pack in chosen for p in pack.glob("*.xlsx")
                                             if p.name not in (CHECKLIST_FILE, BLANK_FILE))}
    assert cli.main(["status", str(folder), "--format", "xlsx", "-o", str(base / "回収状況.xlsx")]) == 1
    files["status --format xlsx"] = [base / "回収状況.xlsx"]

    draft = build_report(folder, base / "draft-out", page_numbers=False, draft=True)
    assert {p.state for p in draft.placeholders.values()} == {"missing", "errors"}
    draft_docx = base / "draft-out" / "draft" / "report.docx"
    numbered = base / "draft-numbered" / "report.docx"
    numbered.parent.mkdir()
    shutil.copy(draft_docx, numbered)
    with zipfile.ZipFile(numbered) as package:
        names = sorted(checks.bookmark_names(package))
    assert write_cached_pagerefs(numbered, {name: 100 + i for i, name in enumerate(names)})[0] > 0
    files["build --draft"], files["build --draft with page numbers"] = [draft_docx], [numbered]
    files["web desk downloads"] = _desk_downloads(rolled, base / "desk")
    return files


def _desk_downloads(rolled: Path, base: Path) -> list[Path]:
    """What a clerk downloads from ``reportkit serve``: a blank card with the division, a prefilled one."""
    from reportkit.serve.access import new_code
    from reportkit.serve.app import create_app

    folder = base / "inputs"
    shutil.copytree(rolled, folder)
    division = PACK_DIVISIONS[1]
    code = new_code(folder, division=division)
    app = create_app(folder)
    app.config["TESTING"] = True
    client = app.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"division": division, "code": code, "csrf": token}).status_code == 302
    files = []
    for url, name in (("/download/blank", "blank.xlsx"), ("/download/project/AOM-001", "AOM-001.xlsx")):
        response = client.get(url)
        assert response.status_code == 200, url
        files.append(base / name)
        files[-1].write_bytes(response.data)
    return files


def _validator_errors(ooxml, paths: list[Path]) -> list[str]:
    errors = []
    for path in paths:
        versions = ("Microsoft365", "Office2010") if path.suffix == ".xlsx" else ("Microsoft365",)
        for version in versions:
            errors += [f"{path.name} [{version}] {finding}" for finding in ooxml.validate(path, version)
                       if not any(allowed.covers(finding) for allowed in ALLOWED)]
    return errors


@pytest.mark.parametrize("kind", DOCX_KINDS + XLSX_KINDS)
def test_microsoft_validator_finds_no_errors(kind, paths_of, ooxml):
    paths = paths_of(kind)
    if not paths:
        pytest.skip(f"{kind}: not written here")
    assert _validator_errors(ooxml, paths) == []


def test_validator_reports_an_element_out_of_schema_order(ooxml, tmp_path):
    path = tmp_path / "broken.docx"
    document = docx.Document()
    paragraph_format = document.add_paragraph("本文").paragraph_format
    paragraph_format.alignment = 1
    ppr = document.paragraphs[0]._p.get_or_add_pPr()
    ppr.append(ppr.makeelement(checks.qn("w:ind"), {checks.qn("w:left"): "210"}))  # after w:jc
    document.save(path)
    findings = ooxml.validate(path)
    assert [(f.part, f.id) for f in findings] == [("/word/document.xml", "Sch_UnexpectedElementContentExpectingComplex")]
    assert "ind" in findings[0].description


def test_allow_list_is_still_needed(written, ooxml):
    """Each accepted finding still occurs; when openpyxl changes, drop it from ALLOWED."""
    findings = ooxml.validate(written["template"][0], "Microsoft365")
    for allowed in ALLOWED:
        assert any(allowed.covers(finding) for finding in findings), allowed.reason


# -- structure checks (plain Python) ---------------------------------------------------------------

def _each(paths_of, kinds):
    for kind in kinds:
        for path in paths_of(kind):
            with zipfile.ZipFile(path) as package:
                yield path, package


@pytest.mark.parametrize("kind", DOCX_KINDS)
def test_word_properties_are_in_schema_order(kind, paths_of):
    problems = []
    for path, package in _each(paths_of, [kind]):
        parts = [n for n in package.namelist() if re.fullmatch(r"word/[^/]+\.xml", n)]
        problems += [f"{path.name}: {p}" for p in checks.schema_order_problems(package, parts)]
    assert problems == []


@pytest.mark.parametrize("kind", DOCX_KINDS)
def test_word_bookmarks_fields_and_package_are_sound(kind, paths_of):
    problems = [f"{path.name}: {p}" for path, package in _each(paths_of, [kind]) for p in checks.word_problems(package)]
    assert problems == []


@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_excel_sheets_cells_validations_and_package_are_sound(kind, paths_of):
    problems = [f"{path.name}: {p}" for path, package in _each(paths_of, [kind]) for p in checks.excel_problems(package)]
    assert problems == []


def test_report_has_the_fields_and_bookmarks_the_checks_read(written):
    """The checks above have something to check: the report's PAGEREFs, TOC and bookmarks."""
    with zipfile.ZipFile(written["report.docx"][0]) as package:
        instructions, nesting = checks.field_instructions(checks._xml(package, "word/document.xml"))
        assert nesting == []
        assert sum(i.strip().startswith("PAGEREF") for i in instructions) > 100
        assert any(i.strip().startswith("TOC") for i in instructions)
        assert len(checks.bookmark_names(package)) > 100


def test_templates_have_the_validations_the_checks_read(written):
    with zipfile.ZipFile(written["template"][0]) as package:
        sheet = dict(checks._worksheets(package))["事業カード"]
        formulas = [f.text for f in checks._xml(package, sheet).iter(f"{{{checks.S}}}formula1")]
    assert any("INDIRECT" in f for f in formulas) and len(formulas) > 10


@pytest.mark.parametrize("kind", ["build --draft", "build --draft with page numbers"])
def test_draft_header_parts_are_referenced_typed_and_marked(kind, written):
    """素案 on every page: each section's header reference resolves to a header part of the right
    relationship and content type, and that part says 素案."""
    header_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
    with zipfile.ZipFile(written[kind][0]) as package:
        document = checks._xml(package, "word/document.xml")
        relationships = {r.get("Id"): r for r in checks._relationships(package, "word/document.xml")}
        overrides = {o.get("PartName"): o.get("ContentType")
                     for o in checks._xml(package, "[Content_Types].xml").iter(f"{{{checks.CT}}}Override")}
        sections = list(document.iter(f"{{{checks.W}}}sectPr"))
        references = [ref for section in sections[:1] for ref in section.iter(f"{{{checks.W}}}headerReference")]
        assert {ref.get(checks.qn("w:type")) for ref in references} >= {"default"}
        for ref in references:
            relationship = relationships[ref.get(checks.qn("r:id"))]
            assert relationship.get("Type") == header_type
            part = "word/" + relationship.get("Target")
            assert overrides["/" + part].endswith("wordprocessingml.header+xml")
            texts = "".join(t.text or "" for t in checks._xml(package, part).iter(f"{{{checks.W}}}t"))
            assert "素案" in texts, part
        # the later sections inherit it (no reference of their own that would drop the mark)
        assert not [s for s in sections[1:] if s.find(f"{{{checks.W}}}headerReference") is not None]
        assert checks.schema_order_problems(package, [n for n in package.namelist()
                                                      if re.fullmatch(r"word/header\d*\.xml", n)]) == []


def test_checklist_prints_on_one_page(written):
    """The division's checklist: fit to one page (fitToPage and fitToWidth/Height 1), the heading row
    repeated, the projects of the biggest pack all listed."""
    biggest = written["packs checklist"][0]
    with zipfile.ZipFile(biggest) as package:
        ((title, sheet),) = checks._worksheets(package)
        root = checks._xml(package, sheet)
        names = checks.defined_names(package)
    (setup_pr,) = root.iter(f"{{{checks.S}}}pageSetUpPr")
    (setup,) = root.iter(f"{{{checks.S}}}pageSetup")
    assert setup_pr.get("fitToPage") == "1"
    assert (setup.get("fitToWidth"), setup.get("fitToHeight"), setup.get("paperSize")) == ("1", "1", "9")
    assert "_xlnm.Print_Titles" in names
    assert len(list(root.iter(f"{{{checks.S}}}row"))) == 1 + 26  # 地域産業課: 26 projects expected


def test_reference_docx_is_japanese_and_has_no_styles_with_effects():
    with zipfile.ZipFile(REFERENCE_DOCX) as package:
        assert "word/stylesWithEffects.xml" not in package.namelist()
        assert b"stylesWithEffects" not in package.read("word/_rels/document.xml.rels")
        assert b"stylesWithEffects" not in package.read("[Content_Types].xml")
        styles = checks._xml(package, "word/styles.xml")
    (lang,) = styles.iterfind(f"{{{checks.W}}}docDefaults/{{{checks.W}}}rPrDefault/{{{checks.W}}}rPr/{{{checks.W}}}lang")
    assert lang.get(checks.qn("w:eastAsia")) == "ja-JP"


def test_reference_docx_is_what_the_generator_writes(tmp_path):
    import runpy

    tool = runpy.run_path(str(ROOT / "tools" / "make_reference_docx.py"))
    assert tool["build"](tmp_path / "reference.docx").read_bytes() == REFERENCE_DOCX.read_bytes()


# -- the checks catch what they claim to catch -----------------------------------------------------

def _rewrite(path: Path, edit) -> Path:
    """Rewrite the parts of a package: ``edit(entries)`` changes the dict name → bytes in place."""
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    edit(entries)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)
    return path


def _problems_after(path: Path, edit, check) -> list[str]:
    with zipfile.ZipFile(_rewrite(path, edit)) as package:
        return check(package)


def _replace(part: str, old: str, new: str):
    def edit(entries):
        assert old.encode() in entries[part], old
        entries[part] = entries[part].replace(old.encode(), new.encode(), 1)
    return edit


def _small_docx(path: Path) -> Path:
    document = docx.Document()
    paragraph = document.add_paragraph("本文")
    paragraph.paragraph_format.alignment = 1
    document.save(path)
    body = ('<w:bookmarkStart w:id="1" w:name="card_001"/><w:r><w:t>x</w:t></w:r><w:bookmarkEnd w:id="1"/>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGEREF card_001 \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return _rewrite(path, _replace("word/document.xml", "<w:r><w:t>本文</w:t></w:r>", body))


def test_small_docx_passes_the_word_checks(tmp_path):
    with zipfile.ZipFile(_small_docx(tmp_path / "ok.docx")) as package:
        assert checks.word_problems(package) == []
        assert checks.schema_order_problems(package) == []


@pytest.mark.parametrize("edit, expected", [
    (_replace("word/document.xml", 'w:name="card_001"', f'w:name="{"b" * 41}"'), "41 characters"),
    (_replace("word/document.xml", '<w:bookmarkEnd w:id="1"/>', ""), "has no bookmarkEnd"),
    (_replace("word/document.xml", '<w:bookmarkEnd w:id="1"/>', '<w:bookmarkEnd w:id="2"/>'), "has no bookmarkStart"),
    (_replace("word/document.xml", '<w:r><w:t>x</w:t></w:r>',
              '<w:bookmarkStart w:id="2" w:name="card_001"/><w:bookmarkEnd w:id="2"/>'), "used 2 times"),
    (_replace("word/document.xml", '<w:r><w:fldChar w:fldCharType="end"/></w:r>', ""), "never ends"),
    (_replace("word/document.xml", '<w:r><w:fldChar w:fldCharType="begin"/></w:r>', ""), "outside a field"),
    (_replace("word/document.xml", "PAGEREF card_001", "PAGEREF card_002"), "'card_002', which is not a bookmark"),
    (_replace("word/_rels/document.xml.rels", 'Target="styles.xml"', 'Target="styles2.xml"'), "not in the package"),
    (_replace("word/document.xml", "<w:body>",
              '<w:body><w:p><w:hyperlink r:id="rId99"><w:r><w:t>l</w:t></w:r></w:hyperlink></w:p>'), "rId99"),
    (_replace("[Content_Types].xml", 'Extension="xml"', 'Extension="xmlx"'), "no content type"),
    (_replace("docProps/core.xml", "</cp:coreProperties>",
              '<dcterms:created xsi:type="dcterms:W3CDTF">2013-02-30T00:00:00Z</dcterms:created></cp:coreProperties>'),
     "no such date"),
    (_replace("docProps/core.xml", "</cp:coreProperties>",
              '<dcterms:modified xsi:type="dcterms:W3CDTF">2013/04/01</dcterms:modified></cp:coreProperties>'),
     "not a W3CDTF date"),
])
def test_word_checks_catch_what_word_refuses(tmp_path, edit, expected):
    problems = _problems_after(_small_docx(tmp_path / "broken.docx"), edit, checks.word_problems)
    assert any(expected in problem for problem in problems), problems


def test_schema_order_check_catches_indent_after_alignment(tmp_path):
    path = _rewrite(_small_docx(tmp_path / "order.docx"),
                    _replace("word/document.xml", '<w:jc w:val="center"/>', '<w:jc w:val="center"/><w:ind w:left="210"/>'))
    with zipfile.ZipFile(path) as package:
        assert [p.split(": ", 1)[1] for p in checks.schema_order_problems(package)] == [
            "w:ind after w:jc (schema order: ind first)"]


def _small_xlsx(path: Path) -> Path:
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "事業カード"
    lists = workbook.create_sheet("選択肢")
    lists.append(["基本方針"])
    lists.append(["①"])
    lists.append(["②"])
    workbook.defined_names["rk_list_policies"] = DefinedName("rk_list_policies", attr_text="'選択肢'!$A$2:$A$3")
    for i in range(3):
        workbook.defined_names[f"rk_list_measures_{i}"] = DefinedName(f"rk_list_measures_{i}", attr_text="'選択肢'!$A$2")
    validation = DataValidation(type="list", formula1='INDIRECT("rk_list_measures_"&IFERROR(MATCH($B$7,rk_list_policies,0),0))')
    validation.add("B8")
    sheet.add_data_validation(validation)
    sheet["A1"] = "x"
    workbook.save(path)
    return path


def test_small_xlsx_passes_the_excel_checks(tmp_path):
    with zipfile.ZipFile(_small_xlsx(tmp_path / "ok.xlsx")) as package:
        assert checks.excel_problems(package) == []


@pytest.mark.parametrize("edit, expected", [
    (_replace("xl/workbook.xml", 'name="事業カード"', 'name="事業カード[1]"'), "is not valid in Excel"),
    (_replace("xl/workbook.xml", 'name="事業カード"', f'name="{"長" * 32}"'), "is not valid in Excel"),
    (_replace("xl/worksheets/sheet1.xml", "rk_list_policies,0", "rk_list_policy,0"), "'rk_list_policy', which is not"),
    (_replace("xl/worksheets/sheet1.xml", "IFERROR(", "IFERROR(" + "1*" * 120), "(Excel allows 255)"),
    (_replace("xl/workbook.xml", '<definedName name="rk_list_measures_2">', '<definedName name="rk_list_measures_9">'),
     "INDIRECT needs rk_list_measures_2"),
    (_replace("xl/worksheets/sheet1.xml", "</sheetData>",
              '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "字" * 32768 + "</t></is></c></row></sheetData>"),
     "(Excel allows 32,767)"),
])
def test_excel_checks_catch_what_excel_refuses(tmp_path, edit, expected):
    problems = _problems_after(_small_xlsx(tmp_path / "broken.xlsx"), edit, checks.excel_problems)
    assert any(expected in problem for problem in problems), problems
