"""The machine-readable companions of the report: report.json and projects.xlsx (as plain data)."""

from __future__ import annotations

from ..inputs.abolished_record import AbolishedRecord
from .aggregate import Report
from ..japanese import nendo
from .report_json import CARD_FIELDS, ReportAbolished, ReportJson, ReportPolicy, ReportProject, ReportTotal, ReportYear, ReprintPlace
from ..workbook.tables import Sheet


def report_data(report: Report, pages: dict[str, int | None], abolished: AbolishedRecord | None = None) -> ReportJson:
    """The ``report.json`` object (see ``report_json.ReportJson``); ``pages`` maps bookmarks to printed pages,
    ``abolished`` the projects recorded as abolished this year."""
    reprint_pages: dict[str, list[ReprintPlace]] = {}
    for row in report.rows:
        if row.is_reprint:
            reprint_pages.setdefault(row.card.project_id, []).append(
                ReprintPlace(policy=row.host_policy, measure=row.host_measure, page=pages.get(row.bookmark)))
    projects = [
        ReportProject(project_id=row.card.project_id, name=row.card.project_name, policy=row.card.policy,
                      measure=row.card.measure, cost=row.card.cost, department=row.card.department,
                      page=pages.get(row.bookmark), reprints=reprint_pages.get(row.card.project_id, []),
                      **{name: getattr(row.card, name) for name in CARD_FIELDS})
        for row in report.rows if not row.is_reprint
    ]
    return ReportJson(
        fiscal_year=report.fiscal_year,
        policies=[ReportPolicy(no=p.no, title=p.title, count=p.count, subtotal=p.subtotal,
                               subtotal_with_reprints=p.subtotal_with_reprints,
                               measures=[g.measure for g in p.measures])
                  for p in report.policies],
        total=ReportTotal(count=report.total.count, amount=report.total.amount),
        years=[ReportYear(year=y.year, count=y.count, amount=y.amount) for y in report.years],
        projects=projects,
        abolished=[ReportAbolished(project_id=p.project_id, name=p.name, department=p.division, reason=p.reason)
                   for p in (abolished.projects if abolished is not None else [])],
    )


def report_json_bytes(data: ReportJson) -> bytes:
    return data.to_bytes()


def companion_sheets(report: Report, pages: dict[str, int | None]) -> list[Sheet]:
    """projects.xlsx following the machine-readable statistics rules: one value a cell, units in headings."""
    year = report.fiscal_year
    rows = []
    for policy in report.policies:
        for group in policy.measures:
            for row in group.rows:
                card = row.card
                rows.append([
                    year, nendo(year, full_width=False), policy.no, policy.title, group.measure,
                    card.project_id, card.one_line_name, "再掲" if row.is_reprint else "本掲",
                    "○" if card.priority else "", "○" if card.key_result else "",
                    card.cost, card.period_start, card.period_end, card.foundation,
                    "○" if card.emergency else "", card.department, card.group, pages.get(row.bookmark),
                ])
    projects = Sheet(
        "事業一覧",
        ["年度（西暦）", "年度（和暦）", "基本方針番号", "基本方針", "施策", "管理番号", "事業名", "掲載区分",
         "重点", "主要成果", "決算額（千円）", "事業期間開始年度（西暦）", "事業期間終了年度（西暦）",
         "21財団への補助・委託（○全部・△一部）", "緊急雇用", "担当課", "グループ", "ページ"],
        rows, widths=[10, 12, 8, 40, 40, 12, 40, 8, 6, 6, 14, 10, 10, 10, 6, 20, 24, 6])
    subtotal_rows = [
        [year, nendo(year, full_width=False), p.no, p.title, p.count, p.subtotal, p.subtotal_with_reprints]
        for p in report.policies
    ]
    subtotal_rows.append([year, nendo(year, full_width=False), None, "合計", report.total.count,
                          report.total.amount, None])
    subtotals = Sheet(
        "基本方針別小計",
        ["年度（西暦）", "年度（和暦）", "基本方針番号", "基本方針", "事業数（件）", "小計（千円）",
         "再掲含む計（千円）"],
        subtotal_rows, widths=[10, 12, 8, 50, 10, 14, 14])
    history_rows = []
    for column in report.years:
        for no, cell in column.cells.items():
            history_rows.append([column.year, nendo(column.year, full_width=False), no, cell.count, cell.amount])
    years = Sheet("年度別推移", ["年度（西暦）", "年度（和暦）", "基本方針番号", "事業数（件）", "決算額（千円）"],
                  history_rows, widths=[10, 12, 8, 10, 14])
    return [projects, subtotals, years]
