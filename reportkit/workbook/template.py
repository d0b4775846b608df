"""Write the blank or prefilled card workbook (the only module that writes workbooks)."""

from __future__ import annotations

import math

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ..inputs.config import ReportConfig
from ..japanese import display_width, nendo
from ..model import DEFAULT_HEADERS, DEFAULT_OUTCOME_CAPTION, DEFAULT_PROGRESS_CAPTION
from ..files.textsafe import xml_safe
from ..files.atomic import atomic_path
from ..files.zipnorm import normalise_zip
from . import layout
from .fingerprint import WRITTEN_NAME, fingerprint, written_value
from .layout import (BLOCKS, CARD_SHEET, CELLS, DIVISIONS_LIST, HELP_SHEET, INPUT_COLUMNS, LISTS_SHEET,
                     MEASURES_OF_POLICY_LIST, NOTE_TEXT, PAIRS, POLICIES_LIST, SETTINGS_NAME, SETTINGS_NOTE,
                     SETTINGS_SHEET, title_text)

FIXED_TIME = datetime(2000, 1, 1)
FIXED_MODIFIED = "2000-01-01T00:00:00Z"
FONT = "ＭＳ ゴシック"
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COLUMN_WIDTHS = {"A": 22, "B": 24, "C": 20, "D": 14, "E": 24, "F": 6, "G": 6, "H": 6}
SETTINGS_CHUNK = 8_000  # characters of the settings' JSON a cell (Excel holds 32,767; the reader reads 20,000)
HELP_WIDTH = 66  # 記入要領: one wrapped column that fits A4 portrait's width at full size
# Printed on A4 landscape at (nearly) full size, as many pages as it takes: the 10 pt text stays
# ≥ 9 pt on paper (fitted on one page it was about 5 pt). The columns add up to what fits the width.

Value = str | int | None


def new_project_id() -> str:
    """A fresh project id (1–32 chars of A-Z 0-9 and -)."""
    return "RK-" + secrets.token_hex(5).upper()




def default_values(config: ReportConfig, department: str | None = None) -> dict[str, object]:
    """The values a blank template starts with."""
    values: dict[str, object] = {
        "rk_version": layout.CONTRACT_VERSION,
        "project_id": new_project_id(),
        "fiscal_year": nendo(config.fiscal_year, full_width=False),
        "progress_caption": DEFAULT_PROGRESS_CAPTION,
        "outcome_caption": DEFAULT_OUTCOME_CAPTION,
        "progress_headers": DEFAULT_HEADERS,
        "outcome_headers": DEFAULT_HEADERS,
    }
    if department:
        values["department"] = department
    return values


def build_workbook(config: ReportConfig, values: Mapping[str, object] | None = None,
                   department: str | None = None, mailed: bool = False) -> Workbook:
    """A card workbook in memory: the layout, its defined names, help and choices, then ``values``.

    ``mailed``: a card to send out (blank, or prefilled by rollover): the fingerprint of its values is
    written too (``fingerprint``), so that it is known when it comes back untouched.
    """
    wb = Workbook()
    sheet = wb.active
    sheet.title = CARD_SHEET
    choice_ranges = _write_lists_sheet(wb, config)
    _write_card_sheet(wb, sheet, choice_ranges)
    _write_help_sheet(wb, config)
    _write_settings_sheet(wb, config)
    merged = default_values(config, department)
    merged.update(values or {})
    fill_workbook(wb, merged)
    if mailed:
        wb.defined_names[WRITTEN_NAME] = DefinedName(WRITTEN_NAME, attr_text=written_value(_fingerprint(wb)),
                                                     hidden=True)
    wb.active = 0
    wb.properties.creator = "reportkit"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = "reportkit"
    return wb


def write_workbook(config: ReportConfig, path: Path, values: Mapping[str, object] | None = None,
                   department: str | None = None, mailed: bool = False) -> Path:
    """Write a card workbook to ``path`` atomically and return the path (``mailed``: as ``build_workbook``)."""
    if department is not None and department not in config.divisions:
        from ..errors import ReportkitError

        raise ReportkitError(f"担当課「{department}」は設定ファイルの divisions にありません。")
    wb = build_workbook(config, values, department, mailed)
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
        normalise_zip(tmp, modified=FIXED_MODIFIED)
    return path


def fill_workbook(wb: Workbook, values: Mapping[str, object]) -> None:
    """Write values through the defined names: a scalar for a cell, a pair for headers, rows for a block."""
    for name, value in values.items():
        defined = wb.defined_names.get(name)
        if defined is None:
            raise KeyError(f"defined name {name!r} not in workbook")
        sheet_name, ref = next(iter(defined.destinations))
        sheet = wb[sheet_name]
        cells = sheet[ref.replace("$", "")]
        if not isinstance(cells, tuple):  # one cell
            _set(cells, value)
            continue
        rows = cells if isinstance(cells[0], tuple) else (cells,)
        if len(rows) == 1 and not _is_rows(value):  # a header pair
            for cell, item in zip(rows[0], value or ()):
                _set(cell, item)
            continue
        records = list(value or [])
        if len(records) > len(rows):
            raise ValueError(f"{name}: {len(records)} rows given, the block has {len(rows)}")
        for row_cells, record in zip(rows, records + [()] * (len(rows) - len(records))):
            record = list(record)
            for index, cell in enumerate(row_cells):
                _set(cell, record[index] if index < len(record) else None)


def _fingerprint(wb: Workbook) -> str:
    """The fingerprint of the values just filled in, read through the defined names as a reader will."""
    def cells(name: str) -> list[list[object]]:
        sheet_name, ref = next(iter(wb.defined_names[name].destinations))
        found = wb[sheet_name][ref.replace("$", "")]
        if not isinstance(found, tuple):
            return [[found.value]]
        rows = found if isinstance(found[0], tuple) else (found,)
        return [[cell.value for cell in row] for row in rows]

    return fingerprint({spec.name: cells(spec.name)[0][0] for spec in layout.CELLS},
                       {spec.name: cells(spec.name)[0] for spec in layout.PAIRS},
                       {spec.name: cells(spec.name) for spec in layout.BLOCKS})


def _set(cell, value: object) -> None:
    """Write a value; text that looks like a formula stays text (nothing from a card is ever run)."""
    cell.value = _cell_value(value)
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def _is_rows(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str) and any(
        isinstance(v, (list, tuple)) for v in value)


def _cell_value(value: object) -> Value:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "○" if value else None
    if isinstance(value, int):
        return value
    return xml_safe(str(value))


def _write_card_sheet(wb: Workbook, sheet, choice_ranges: dict[str, str]) -> None:
    for column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[column].width = width
    base = Font(name=FONT, size=10)
    sheet["A1"] = title_text()
    sheet["A1"].font = Font(name=FONT, size=14, bold=True)
    sheet["A2"] = NOTE_TEXT
    sheet["A2"].font = Font(name=FONT, size=10, color="404040")
    for row, text in layout.SECTION_LABELS.items():
        _label(sheet, f"A{row}", text, bold=True)

    policy_row = next(c.row for c in CELLS if c.name == "policy")

    def prompt(ref: str, title: str, text: str, choices: str | None, whole_number: bool = False) -> None:
        if choices == "measures":  # the measures of the policy on the same row (a block) or above
            row = int("".join(ch for ch in ref.split(":")[0] if ch.isdigit()))
            source = f"$B${policy_row}" if row == policy_row + 1 else f"B{row}"
            _prompt(sheet, ref, title, text, measure_choices(source), whole_number)
            return
        _prompt(sheet, ref, title, text, choice_ranges.get(choices) if choices else None, whole_number)

    for cell in CELLS:
        address = f"B{cell.row}"
        _label(sheet, f"A{cell.row}", cell.label, bold=cell.label[0] in "１２３４５６７")
        if cell.merge_to != "B":
            sheet.merge_cells(f"B{cell.row}:{cell.merge_to}{cell.row}")
        for column in INPUT_COLUMNS[: INPUT_COLUMNS.index(cell.merge_to) + 1]:
            _input(sheet[f"{column}{cell.row}"], base)
        if cell.height:
            sheet.row_dimensions[cell.row].height = cell.height
        _define(wb, cell.name, f"$B${cell.row}")
        prompt(address, cell.label, cell.help, cell.choices, cell.whole_number)

    pair_rows = {p.row for p in PAIRS}
    for pair in PAIRS:
        _label(sheet, f"A{pair.row}", pair.label)
        for column in "BC":
            _input(sheet[f"{column}{pair.row}"], Font(name=FONT, size=10, bold=True))
        _define(wb, pair.name, f"$B${pair.row}:$C${pair.row}")
        prompt(f"B{pair.row}:C{pair.row}", pair.label, pair.help, None)

    for block in BLOCKS:
        label_row = block.first_row if block.header_row in pair_rows else block.header_row
        _label(sheet, f"A{label_row}", block.label, bold=block.label[0] in "１２３４５６７")
        for index, header in enumerate(block.columns):
            column = INPUT_COLUMNS[index]
            if block.header_row in pair_rows and column in "BC":
                continue
            _label(sheet, f"{column}{block.header_row}", header, bold=True)
        for row in range(block.first_row, block.last_row + 1):
            for index in range(len(block.columns)):
                _input(sheet[f"{INPUT_COLUMNS[index]}{row}"], base)
        last = block.last_column
        _define(wb, block.name, f"$B${block.first_row}:${last}${block.last_row}")
        for index in range(len(block.columns)):
            column = INPUT_COLUMNS[index]
            prompt(f"{column}{block.first_row}:{column}{block.last_row}", block.label, block.help,
                   block.choices.get(index))

    last_row = max(b.last_row for b in BLOCKS)
    sheet.print_area = f"A1:H{last_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # width fitted; the rows go on to the next page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:2"  # the title and note on every page
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.freeze_panes = "B3"
    sheet.protection.sheet = True
    sheet.protection.insertRows = False
    sheet.protection.deleteRows = False
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    sheet.protection.formatCells = False


def _label(sheet, address: str, text: str, bold: bool = False) -> None:
    cell = sheet[address]
    cell.value = text
    cell.font = Font(name=FONT, size=10, bold=bold)
    cell.fill = LABEL_FILL
    cell.border = BOX
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _input(cell, font: Font) -> None:
    cell.font = font
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.protection = Protection(locked=False)
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _define(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{CARD_SHEET}'!{ref}")


def _prompt(sheet, ref: str, title: str, text: str, choice_range: str | None, whole_number: bool) -> None:
    """Attach input help (and a choice list from ``choice_range``, or the cost rule) to input cells."""
    title = title.strip()[:32]
    choices = choice_range
    if choices:
        formula = choice_range  # OOXML stores the formula without a leading "="
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                              errorStyle="warning", error="一覧にない値です。一覧から選んでください。",
                              errorTitle="入力値の確認")
    elif whole_number:
        first = ref.split(":")[0]
        formula = (f'OR({first}="－",{first}="-",{first}="ー",'
                   f'AND(ISNUMBER({first}),{first}>=0,{first}=INT({first})))')
        rule = DataValidation(type="custom", formula1=formula, allow_blank=True, errorStyle="warning",
                              error="千円単位の0以上の整数、または事業費がない場合は「－」を入力してください。",
                              errorTitle="事業費の入力")
    else:
        rule = DataValidation(allow_blank=True)
    rule.showInputMessage = True
    rule.showErrorMessage = bool(choices or whole_number)
    rule.promptTitle = title
    rule.prompt = text[:255]
    rule.add(ref)
    sheet.add_data_validation(rule)


POLICY_LIST = "rk_list_policies"
MEASURE_LIST = "rk_list_measures_"  # + policy number; 0 = every measure


def measure_choices(policy_cell: str) -> str:
    """The drop-down of measures of the policy chosen in ``policy_cell`` (every measure until one is)."""
    return f'INDIRECT("{MEASURE_LIST}"&IFERROR(MATCH({policy_cell},{POLICY_LIST},0),0))'


def _write_lists_sheet(wb: Workbook, config: ReportConfig) -> dict[str, str]:
    """The hidden sheet of choice lists; returns each list's range for the drop-downs."""
    sheet = wb.create_sheet(LISTS_SHEET)
    lists = {
        POLICIES_LIST: [f"{p.mark}{p.title}" for p in config.policies],
        "measures": config.all_measures(),
        DIVISIONS_LIST: list(config.divisions),
        "circle": ["○"],
        "foundation": ["○", "△"],
        "new_listing": ["◎", "・"],
        "row_kind": list(layout.ROW_KINDS),
        "free_kind": list(layout.FREE_KINDS),
        "events": list(layout.COMMON_EVENTS),
    }
    for policy in config.policies:  # the measures of each policy, for the dependent drop-down
        lists[MEASURES_OF_POLICY_LIST.format(policy.no)] = list(policy.measures)
    ranges: dict[str, str] = {}
    for index, (key, items) in enumerate(lists.items(), start=1):
        column = _column_letter(index)
        sheet[f"{column}1"] = key
        for row, item in enumerate(items, start=2):
            sheet[f"{column}{row}"] = item
        ranges[key] = f"'{LISTS_SHEET}'!${column}$2:${column}${len(items) + 1}"
        sheet.column_dimensions[column].width = 40 if key in ("policies", "measures", "divisions") else 10
    wb.defined_names[POLICY_LIST] = DefinedName(POLICY_LIST, attr_text=ranges[POLICIES_LIST])
    wb.defined_names[f"{MEASURE_LIST}0"] = DefinedName(f"{MEASURE_LIST}0", attr_text=ranges["measures"])
    for policy in config.policies:
        name = f"{MEASURE_LIST}{policy.no}"
        wb.defined_names[name] = DefinedName(name, attr_text=ranges[MEASURES_OF_POLICY_LIST.format(policy.no)])
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return ranges


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _write_help_sheet(wb: Workbook, config: ReportConfig) -> None:
    sheet = wb.create_sheet(HELP_SHEET)
    sheet.column_dimensions["A"].width = HELP_WIDTH
    lines = [
        f"記入要領（{nendo(config.fiscal_year, full_width=False)} {config.cover.title}）",
        "",
        "1. このブックは１つの事業につき１つ作成します。「事業カード」シートの黄色のセルだけに入力してください。",
        "2. 各セルを選ぶと、入力のヒントが表示されます。▼のあるセルは一覧から選んでください。",
        "3. 管理番号と様式の版は変更しないでください。前年度のカードを引き継ぐ場合も同じ管理番号を使います。",
        "4. 事業費は千円単位の整数で入力します（全角・半角、桁区切りのカンマは可）。事業費がない場合は「－」を入力します。",
        "   内訳の金額を書く場合は、内訳の合計が事業費と一致するようにしてください。",
        "5. 事業実施結果の表は１行に１項目です。うち書きは種別「内訳」、合計行は種別「計」にします。",
        "   計の行の値は、その上の行（前の計の次から、内訳を除く）の合計と一致している必要があります。",
        "   文章や列の多い表で報告する場合は「自由形式の結果」を使います（種別：見出し／文／表頭／表）。",
        "6. 事業の経緯は、年度・事項・旧事業名・理由を１行に１件入力します。事業名を変えた場合は旧事業名を必ず書きます。",
        "7. 年度は「平成25年度」「H25」「2013」「令和7年度」などの書き方ができます。",
        "8. 行が足りない場合は、表の途中に行を挿入してください（表の下の空白に書いた内容は読み取られず、エラーになります）。",
        "9. 記入したら、事務局（" + config.secretariat + "）に提出してください。チェック結果はセル番地付きで返送されます。",
        "",
        "基本方針と施策の一覧：",
    ]
    for policy in config.policies:
        lines.append(f"  {policy.mark} {policy.title}")
        lines.extend(f"      ・{m}" for m in policy.measures)
    for row, text in enumerate(lines, start=1):
        cell = sheet[f"A{row}"]
        cell.value = text
        cell.font = Font(name=FONT, size=11 if row > 1 else 13, bold=row == 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # row heights for the wrapped lines (Excel's narrower column unit: about 30 characters a line)
        sheet.row_dimensions[row].height = 16 * max(1, math.ceil(display_width(text) / 2 / 30))
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_area = f"A1:A{len(lines)}"


def settings_json(config: ReportConfig) -> str:
    """The year's settings as a card carries them: the config as JSON (Japanese as is, not escaped)."""
    return config.model_dump_json()


def _write_settings_sheet(wb: Workbook, config: ReportConfig) -> None:
    """The hidden, protected sheet with the year's settings, so the card can be checked alone."""
    sheet = wb.create_sheet(SETTINGS_SHEET)
    sheet["A1"] = SETTINGS_NOTE
    text = settings_json(config)
    chunks = [text[i:i + SETTINGS_CHUNK] for i in range(0, len(text), SETTINGS_CHUNK)]
    for row, chunk in enumerate(chunks, start=2):
        cell = sheet.cell(row=row, column=1)
        cell.value = xml_safe(chunk)
        cell.data_type = "s"  # a piece of JSON, never a formula
    sheet.column_dimensions["A"].width = 100
    wb.defined_names[SETTINGS_NAME] = DefinedName(
        SETTINGS_NAME, attr_text=f"'{SETTINGS_SHEET}'!$A$2:$A${len(chunks) + 1}")
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
