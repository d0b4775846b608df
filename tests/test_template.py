"""The blank card workbook honours the contract of shared/spec/workbook.md and guides the clerk."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from reportkit.workbook.layout import CARD_SHEET, HELP_SHEET
from reportkit.workbook.template import write_workbook

SINGLE_CELLS = ["rk_version", "project_id", "fiscal_year", "policy", "measure", "project_name", "description",
                "cost", "cost_note", "progress_caption", "outcome_caption", "department", "group", "priority",
                "key_result", "period_start", "period_end", "foundation", "emergency", "new_listing", "new_summary"]
PAIRS = ["progress_headers", "outcome_headers"]
BLOCKS = {  # name: (columns, rows at least)
    "progress_rows": (3, 15), "outcome_rows": (3, 15), "history_rows": (4, 10), "reprint_rows": (2, 5),
    "results_free": (7, 25),
}
DROPDOWNS = ["policy", "measure", "department", "priority", "key_result", "foundation", "emergency", "new_listing"]
DROPDOWN_COLUMNS = {"progress_rows": 2, "outcome_rows": 2, "results_free": 0, "reprint_rows": 0, "history_rows": 1}


@pytest.fixture(scope="module")
def blank(tmp_path_factory, config):
    path = write_workbook(config, tmp_path_factory.mktemp("template") / "blank.xlsx", department="商工政策課")
    workbook = load_workbook(path)
    yield workbook
    workbook.close()


def _bounds(workbook, name):
    sheet_name, ref = next(iter(workbook.defined_names[name].destinations))
    assert sheet_name == CARD_SHEET
    return range_boundaries(ref.replace("$", ""))  # min_col, min_row, max_col, max_row


def _input_cells(workbook) -> set[tuple[int, int]]:
    cells = set()
    for name in SINGLE_CELLS + PAIRS + list(BLOCKS):
        min_col, min_row, max_col, max_row = _bounds(workbook, name)
        cells |= {(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
    return cells


def _validations_covering(sheet, row, column):
    from openpyxl.utils import get_column_letter

    address = f"{get_column_letter(column)}{row}"
    return [dv for dv in sheet.data_validations.dataValidation if address in dv.sqref]


def test_every_single_cell_name_points_to_one_card_cell(blank):
    for name in SINGLE_CELLS:
        min_col, min_row, max_col, max_row = _bounds(blank, name)
        assert (min_col, min_row) == (max_col, max_row), name


def test_header_pairs_are_two_cells(blank):
    for name in PAIRS:
        min_col, min_row, max_col, max_row = _bounds(blank, name)
        assert (max_col - min_col + 1, max_row - min_row + 1) == (2, 1), name


@pytest.mark.parametrize("name", list(BLOCKS))
def test_blocks_have_the_contract_columns_and_at_least_the_rows(blank, name):
    columns, rows = BLOCKS[name]
    min_col, min_row, max_col, max_row = _bounds(blank, name)
    assert max_col - min_col + 1 == columns
    assert max_row - min_row + 1 >= rows


def test_defaults_are_filled(blank):
    sheet = blank[CARD_SHEET]

    def value(name):
        min_col, min_row, _, _ = _bounds(blank, name)
        return sheet.cell(min_row, min_col).value

    assert value("rk_version") == 1
    assert value("fiscal_year") == "平成25年度"
    assert value("progress_caption") == "申込、相談件数など事業実績（経過）"
    assert value("department") == "商工政策課"


def test_every_input_cell_has_an_input_message(blank):
    sheet = blank[CARD_SHEET]
    for row, column in _input_cells(blank):
        rules = _validations_covering(sheet, row, column)
        assert any(dv.showInputMessage and dv.prompt for dv in rules), (row, column)


def test_choice_fields_offer_a_dropdown(blank):
    sheet = blank[CARD_SHEET]
    for name in DROPDOWNS:
        min_col, min_row, _, _ = _bounds(blank, name)
        assert any(dv.type == "list" for dv in _validations_covering(sheet, min_row, min_col)), name
    for name, offset in DROPDOWN_COLUMNS.items():
        min_col, min_row, _, max_row = _bounds(blank, name)
        for row in (min_row, max_row):
            assert any(dv.type == "list" for dv in _validations_covering(sheet, row, min_col + offset)), name


def test_only_input_cells_are_unlocked_and_the_sheet_is_protected(blank):
    sheet = blank[CARD_SHEET]
    assert sheet.protection.sheet
    inputs = _input_cells(blank)
    merged_tails = {(r, c) for m in sheet.merged_cells.ranges if (m.min_row, m.min_col) in inputs
                    for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)}
    unlocked = {(r, c) for (r, c), cell in sheet._cells.items() if not cell.protection.locked}
    assert inputs <= unlocked
    assert unlocked <= inputs | merged_tails


def test_prints_legibly_on_a4_landscape_pages(blank):
    """Fitted to the page width only (fitted on one page, the text printed at about 5 pt)."""
    from reportkit.workbook.template import COLUMN_WIDTHS

    sheet = blank[CARD_SHEET]
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.print_area
    area = sheet.print_area[0] if isinstance(sheet.print_area, list) else sheet.print_area
    _, _, _, area_last_row = range_boundaries(area.split("!")[-1].replace("$", ""))
    assert area_last_row >= max(_bounds(blank, name)[3] for name in BLOCKS)
    # what fits the landscape width at ≥ 90 % (LibreOffice's column unit, the wider one, is ~7.1 pt)
    assert sum(COLUMN_WIDTHS.values()) * 7.1 * 0.9 <= 842 - 2 * 0.4 * 72
    sizes = {cell.font.sz for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert min(sizes) >= 10


def test_instructions_fit_the_page_width(blank):
    sheet = blank[HELP_SHEET]
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.column_dimensions["A"].width * 7.1 <= 595 - 2 * 0.75 * 72
    assert all(cell.alignment.wrap_text for cell in sheet["A"] if cell.value)


def _effective_font_sizes(pdf, page: int) -> list[float]:
    """Printed size of the all-full-width words of a page: IPA Gothic's full-width glyphs are 1 em wide."""
    import re
    import subprocess

    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    sizes = []
    for x_min, x_max, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', xml):
        if len(word) >= 3 and all("\u3040" <= ch <= "\u9fff" for ch in word):
            sizes.append((float(x_max) - float(x_min)) / len(word))
    return sizes


@pytest.fixture(scope="module")
def printed_card(soffice, tmp_path_factory, config):
    """A blank card printed to PDF by LibreOffice Calc (needs pdftotext to read it back)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    folder = tmp_path_factory.mktemp("printed")
    path = write_workbook(config, folder / "card.xlsx", department="商工政策課")
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(folder), str(path)], capture_output=True, timeout=180)
    pdf = folder / "card.pdf"
    assert pdf.is_file(), "LibreOffice could not convert the workbook (is Calc installed?)"
    return pdf


@pytest.mark.libreoffice
def test_printed_card_text_is_at_least_9_pt(printed_card):
    import subprocess

    from pypdf import PdfReader

    pdf = printed_card
    pages = PdfReader(str(pdf)).pages
    widths = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    card_pages = [i + 1 for i, size in enumerate(widths) if size == (842, 595)]  # A4 landscape
    assert 2 <= len(card_pages) <= 4 and widths[-1] == (595, 842)  # the card, then 記入要領 in portrait
    for page in card_pages:
        sizes = _effective_font_sizes(pdf, page)
        assert sizes and min(sizes) >= 9.0, (page, min(sizes, default=None))
    help_sizes = _effective_font_sizes(pdf, len(pages))
    assert min(help_sizes) >= 9.0
    import re

    xml = subprocess.run(["pdftotext", "-f", str(len(pages)), "-l", str(len(pages)), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', xml))
    assert right <= 595 - 20  # 記入要領's lines end inside the page


@pytest.mark.libreoffice
def test_every_label_prints_whole_on_one_line(printed_card):
    """Issue 19: 「様式の版（変更しないでください」 and 「管理番号（変更しないでください」 printed without their ）."""
    import re
    import subprocess

    from reportkit.workbook.layout import BLOCKS, CELLS, PAIRS

    text = subprocess.run(["pdftotext", str(printed_card), "-"], capture_output=True, text=True, check=True).stdout
    lines = {re.sub(r"\s", "", line) for line in text.splitlines()}
    labels = [spec.label for spec in (*CELLS, *PAIRS, *BLOCKS)]
    assert "様式の版（変更不可）" in labels and "管理番号（変更不可）" in labels
    assert [label for label in labels if re.sub(r"\s", "", label) not in lines] == []
    assert "年度設定" not in text  # the year's settings stay on their hidden sheet, never printed


def test_has_an_instructions_sheet(blank):
    assert HELP_SHEET in blank.sheetnames
    text = "\n".join(str(c.value) for c in blank[HELP_SHEET]["A"] if c.value)
    assert "事業カード" in text and "計" in text and "①" in text


def test_each_template_gets_a_fresh_project_id(tmp_path, config):
    ids = set()
    for index in range(3):
        path = write_workbook(config, tmp_path / f"{index}.xlsx")
        workbook = load_workbook(path)
        min_col, min_row, _, _ = _bounds(workbook, "project_id")
        ids.add(workbook[CARD_SHEET].cell(min_row, min_col).value)
    assert len(ids) == 3 and all(isinstance(i, str) and 1 <= len(i) <= 32 for i in ids)


def test_measure_dropdown_offers_the_measures_of_the_chosen_policy(blank, config):
    """施策 lists only the chosen policy's measures (every measure while no policy is chosen)."""
    sheet = blank[CARD_SHEET]
    min_col, min_row, _, _ = _bounds(blank, "measure")
    policy_col, policy_row, _, _ = _bounds(blank, "policy")
    (rule,) = [dv for dv in _validations_covering(sheet, min_row, min_col) if dv.type == "list"]
    assert rule.formula1.startswith("INDIRECT(") and "$B$%d" % policy_row in rule.formula1
    lists = blank.defined_names
    for policy in config.policies:
        sheet_name, ref = next(iter(lists[f"rk_list_measures_{policy.no}"].destinations))
        cells = blank[sheet_name][ref.replace("$", "")]
        cells = cells if isinstance(cells, tuple) else ((cells,),)
        assert [row[0].value for row in cells] == list(policy.measures)
    sheet_name, ref = next(iter(lists["rk_list_policies"].destinations))
    assert [row[0].value for row in blank[sheet_name][ref.replace("$", "")]] == \
        [f"{p.mark}{p.title}" for p in config.policies]


def test_list_formulas_are_stored_without_a_leading_equals_sign(blank):
    """OOXML keeps data-validation formulas without "=" (Excel's own files do; a "=" risks a repair prompt)."""
    for rule in blank[CARD_SHEET].data_validations.dataValidation:
        assert rule.formula1 is None or not rule.formula1.startswith("="), rule.sqref
