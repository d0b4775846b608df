"""``reportkit status --format xlsx``: the sheet to send round prints as a report — A4 landscape, one page
wide, the round's year and date as the title of every page, the heading row on every page, numbers
right-aligned under their headings. Written by the real command, read back with openpyxl."""

from __future__ import annotations

import re
import shutil
from datetime import datetime

from openpyxl import load_workbook

from command_helpers import run_reportkit


def test_the_status_workbook_prints_one_page_wide_with_a_title(rolled, tmp_path):
    folder = shutil.copytree(rolled, tmp_path / "inputs2014")
    target = tmp_path / "回収状況.xlsx"
    before = datetime.now().replace(second=0, microsecond=0)
    done = run_reportkit("status", folder, "--format", "xlsx", "-o", target)
    assert done.returncode == 1, done.stderr  # nothing is in yet
    assert f"回収状況を書き出しました: {target}" in done.stdout
    wb = load_workbook(target)
    assert wb.sheetnames == ["担当課別", "事業別", "年度ごとの指定"]
    for sheet in wb:
        setup = sheet.page_setup
        assert (int(setup.paperSize), setup.orientation) == (int(sheet.PAPERSIZE_A4), "landscape"), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one page wide, as many down as needed
        assert sheet.print_title_rows == "$1:$1"  # the heading row on every printed page
        title = sheet.oddHeader.center.text
        match = re.fullmatch(r"平成２６年度 事業カードの回収状況（(\d+)年(\d+)月(\d+)日 (\d\d):(\d\d) 現在）", title)
        assert match, title
        assert datetime(*map(int, match.groups())) >= before
        assert sheet.oddFooter.center.text == "&P / &N"
        headings = [cell.value for cell in sheet[1]]
        for column, heading in enumerate(headings, start=1):
            values = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
            numbers = [c for c in values if c.value is not None]
            if numbers and all(isinstance(c.value, int) for c in numbers):
                assert sheet.cell(1, column).alignment.horizontal == "right", heading
                assert {c.alignment.horizontal for c in values} == {"right"}, heading
            else:
                assert sheet.cell(1, column).alignment.horizontal != "right", heading
    counts = wb["担当課別"]
    assert [c.value for c in counts[1]] == ["担当課", "予定", "受付", "正常", "要修正", "警告あり", "未提出", "新規", "終了", "廃止"]
    projects = wb["事業別"]
    assert projects.cell(1, 5).value == "エラー" and projects.cell(1, 5).alignment.horizontal == "right"
    assert projects.max_row == 1 + 119
