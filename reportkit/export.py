"""The machine-readable companions of the report: report.json and projects.xlsx (as plain data)."""

from __future__ import annotations

import json

from .aggregate import Report
from .japanese import nendo
from .workbook.tables import Sheet


def report_data(report: Report, pages: dict[str, int | None]) -> dict:
    """The ``report.json`` object (shape: shared/spec/report.md); ``pages`` maps bookmarks to printed pages."""
    projects = []
    reprint_pages: dict[str, list[dict]] = {}
    for row in report.rows:
        if row.is_reprint:
            reprint_pages.setdefault(row.card.project_id, []).append(
                {"policy": row.host_policy, "measure": row.host_measure, "page": pages.get(row.bookmark)})
    for row in report.rows:
        if row.is_reprint:
            continue
        card = row.card.model_dump(mode="json")
        card.pop("reprints")
        entry = {
            "project_id": card.pop("project_id"),
            "name": card.pop("project_name"),
            "policy": card.pop("policy"),
            "measure": card.pop("measure"),
            "cost": card.pop("cost"),
            "department": card.pop("department"),
            "page": pages.get(row.bookmark),
            "reprints": reprint_pages.get(row.card.project_id, []),
        }
        entry.update(card)
        projects.append(entry)
    return {
        "fiscal_year": report.fiscal_year,
        "policies": [
            {"no": p.no, "title": p.title, "count": p.count, "subtotal": p.subtotal,
             "subtotal_with_reprints": p.subtotal_with_reprints,
             "measures": [g.measure for g in p.measures]}
            for p in report.policies
        ],
        "total": {"count": report.total.count, "amount": report.total.amount},
        "years": [{"year": y.year, "count": y.count, "amount": y.amount} for y in report.years],
        "projects": projects,
    }


def report_json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


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
