"""A Diff for people: the terminal summary, diff.xlsx (one row a change) and diff.html (the reviewer's page).

Every output depends only on the Diff, so the same inputs give the same bytes (no dates, fixed
zip entries).
"""

from __future__ import annotations

import difflib
import html
from pathlib import Path


from ..files.atomic import atomic_path, write_text_atomic
from .compare import ADDED, COST, DROPPED, FIELD, KINDS, MOVED, RENAMED, Change, Diff, PolicyFigures
from ..japanese import nendo_or_western
from ..workbook.tables import Sheet, write_tables

DIFF_XLSX = "diff.xlsx"
DIFF_HTML = "diff.html"
CHANGE_HEADINGS = ("担当課", "事業名", "管理番号", "区分", "項目", "旧", "新", "増減（千円）", "増減率（％）")
KIND_TITLES = {ADDED: "追加された事業", DROPPED: "終了・廃止（なくなった）事業", RENAMED: "名称変更", MOVED: "基本方針・施策・並び順の移動",
               COST: "事業費の変更", FIELD: "項目の変更"}


# -- small formatting helpers ----------------------------------------------------------------------

def year_label(year: int | None) -> str:
    return "（年度不明）" if year is None else nendo_or_western(year, full_width=False, western_suffix="年度")


def amount(value: int | None) -> str:
    return "－" if value is None else f"{value:,}"


def signed(value: int | None) -> str:
    return "" if value is None else f"{value:+,}"


def percent(ratio: float | None) -> str:
    if ratio is None:
        return ""
    digits = 2 if 0 < abs(ratio) < 0.0005 else 1  # a small change of a large total is not ±0.0%
    return f"{ratio * 100:+.{digits}f}%"


def _short(value: object, width: int = 40) -> str:
    text = " ".join(str(value if value is not None else "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- terminal --------------------------------------------------------------------------------------

def summary_text(diff: Diff, limit: int = 30) -> str:
    """The Japanese summary printed by ``reportkit diff``; long lists are cut after ``limit`` lines."""
    counts = diff.counts()
    lines = [f"比較：{year_label(diff.old_year)}（{diff.old_label}） → {year_label(diff.new_year)}（{diff.new_label}）"]
    lines.append(
        f"事業数 {amount(diff.total.old_count)} → {amount(diff.total.new_count)}　"
        f"追加 {counts[ADDED]}、終了・廃止 {counts[DROPPED]}、名称変更 {counts[RENAMED]}、移動 {counts[MOVED]}、"
        f"事業費の変更 {counts[COST]}、項目の変更 {counts[FIELD]} 事業")
    lines.append(f"合計 {_figure(diff.total.old_count, diff.total.old_subtotal)} → "
                 f"{_figure(diff.total.new_count, diff.total.new_subtotal)}{_delta_text(diff.total)}")
    changed = [p for p in diff.policies if p.changed]
    if changed:
        lines.append("基本方針別（変わったもの）：")
        for p in changed:
            line = f"  {p.mark} {_figure(p.old_count, p.old_subtotal)} → {_figure(p.new_count, p.new_subtotal)}{_delta_text(p)}"
            if p.old_with_reprints != p.new_with_reprints:
                line += f"　再掲含む {amount(p.old_with_reprints)} → {amount(p.new_with_reprints)}"
            lines.append(line)
    for kind in (ADDED, DROPPED, RENAMED, MOVED, COST):
        items = diff.of_kind(kind)
        if not items:
            continue
        lines.append(f"{KIND_TITLES[kind]}：")
        for change in items[:limit]:
            lines.append("  " + _change_line(change))
        if len(items) > limit:
            lines.append(f"  …ほか {len(items) - limit} 件（diff.xlsx を参照）")
    by_project: dict[str, list[Change]] = {}
    for change in diff.of_kind(FIELD):
        by_project.setdefault(change.project_id or change.name, []).append(change)
    if by_project:
        lines.append("項目の変更：")
        for number, group in enumerate(by_project.values()):
            if number == limit:
                lines.append(f"  …ほか {len(by_project) - limit} 事業（diff.xlsx を参照）")
                break
            fields = []
            for change in group:
                if change.field not in fields:
                    fields.append(change.field)
            lines.append(f"  {group[0].name}（{group[0].project_id}）：" + "、".join(_short(f, 30) for f in fields))
    for warning in diff.warnings:
        lines.append(f"注意：{warning}")
    if diff.empty:
        lines.append("違いはありません。")
    return "\n".join(lines) + "\n"


def _figure(count: int | None, total: int | None) -> str:
    return f"{amount(count)}件 {amount(total)}千円"


def _delta_text(p: PolicyFigures) -> str:
    if p.old_subtotal is None or p.new_subtotal is None or p.old_subtotal == p.new_subtotal:
        return ""
    delta = p.new_subtotal - p.old_subtotal
    ratio = delta / p.old_subtotal if p.old_subtotal else None
    return f"（{signed(delta)}千円{'、' + percent(ratio) if ratio is not None else ''}）"


def _change_line(change: Change) -> str:
    who = f"{change.name}（{change.project_id}、{change.department}）"
    if change.kind == ADDED:
        return f"{who}　{change.new}"
    if change.kind == DROPPED:
        return f"{who}　{change.old}" + (f"　{change.new}" if change.new else "")
    if change.kind == RENAMED:
        return f"「{change.old}」→「{change.new}」（{change.project_id}）"
    if change.kind == MOVED:
        return f"{who}　{change.field}：{change.old} → {change.new}"
    extra = "、".join(t for t in (signed(change.delta), percent(change.ratio)) if t)
    return f"{who}　{amount(change.old)} → {amount(change.new)}千円" + (f"（{extra}）" if extra else "")  # type: ignore[arg-type]


# -- diff.xlsx -------------------------------------------------------------------------------------

def change_rows(diff: Diff) -> list[list[object]]:
    rows = []
    for change in diff.changes:
        old, new = change.old, change.new
        if change.kind == COST:
            old = "－" if old is None else old
            new = "－" if new is None else new
        rows.append([change.department, change.name, change.project_id, change.kind, change.field,
                     "" if old is None else old, "" if new is None else new, change.delta,
                     None if change.ratio is None else round(change.ratio * 100, 1)])
    return rows


def diff_sheets(diff: Diff) -> list[Sheet]:
    changes = Sheet("変更一覧", list(CHANGE_HEADINGS), change_rows(diff), widths=[20, 40, 14, 10, 30, 50, 50, 14, 12])
    policy_rows = []
    for p in diff.policies + [diff.total]:
        delta = None if p.old_subtotal is None or p.new_subtotal is None else p.new_subtotal - p.old_subtotal
        policy_rows.append([p.no or None, p.title, p.old_count, p.new_count, p.old_subtotal, p.new_subtotal, delta,
                            p.old_with_reprints, p.new_with_reprints])
    policies = Sheet("基本方針別",
                     ["基本方針番号", "基本方針", f"事業数（{year_label(diff.old_year)}）", f"事業数（{year_label(diff.new_year)}）",
                      f"小計（{year_label(diff.old_year)}、千円）", f"小計（{year_label(diff.new_year)}、千円）", "増減（千円）",
                      f"再掲含む計（{year_label(diff.old_year)}、千円）", f"再掲含む計（{year_label(diff.new_year)}、千円）"],
                     policy_rows, widths=[8, 50, 10, 10, 16, 16, 14, 16, 16])
    return [changes, policies]


def write_diff_xlsx(diff: Diff, path: Path) -> Path:
    with atomic_path(Path(path)) as tmp:
        write_tables(tmp, diff_sheets(diff))
    return Path(path)


# -- diff.html -------------------------------------------------------------------------------------

CSS = """
body{font-family:"Yu Gothic","Hiragino Sans","IPAexGothic",sans-serif;margin:2em;line-height:1.6;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:2px solid #36c;margin-top:2em}h3{font-size:1em;margin:1.4em 0 .3em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#eef3fb}td.num{text-align:right;white-space:nowrap}.small{color:#555;font-size:.9em}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.warn{background:#fff4d6;border:1px solid #e0b000;padding:.5em}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True).replace("\n", "<br>")


def inline_diff(old: str, new: str) -> tuple[str, str]:
    """Both texts as escaped HTML, characters removed in <del> and added in <ins>."""
    if not old or not new:
        return _e(old), _e(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        a, b = _e(old[i1:i2]), _e(new[j1:j2])
        if tag == "equal":
            left.append(a)
            right.append(b)
            continue
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return "".join(left), "".join(right)


def diff_html(diff: Diff) -> str:
    """The reviewer's page: figures per policy, then every change grouped by kind and project."""
    old_year, new_year = year_label(diff.old_year), year_label(diff.new_year)
    out = ["<!DOCTYPE html>", '<html lang="ja"><head><meta charset="utf-8">',
           f"<title>{_e(f'年度比較 {old_year} → {new_year}')}</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>{_e(f'年度比較　{old_year} → {new_year}')}</h1>",
           f'<p class="small">旧：{_e(diff.old_label)}<br>新：{_e(diff.new_label)}</p>']
    for warning in diff.warnings:
        out.append(f'<p class="warn">注意：{_e(warning)}</p>')
    counts = diff.counts()
    out.append("<ul>" + "".join(
        f"<li>{_e(KIND_TITLES[kind])}：{counts[kind]}{' 事業' if kind == FIELD else ' 件'}</li>" for kind in KINDS) + "</ul>")
    if diff.empty:
        out.append("<p>違いはありません。</p>")

    out.append("<h2>基本方針別の事業数と事業費</h2><table><tr><th>基本方針</th>"
               f"<th>事業数<br>{_e(old_year)}</th><th>事業数<br>{_e(new_year)}</th>"
               f"<th>小計（千円）<br>{_e(old_year)}</th><th>小計（千円）<br>{_e(new_year)}</th><th>増減</th>"
               f"<th>再掲含む（千円）<br>{_e(old_year)}</th><th>再掲含む（千円）<br>{_e(new_year)}</th></tr>")
    for p in diff.policies + [diff.total]:
        delta = None if p.old_subtotal is None or p.new_subtotal is None else p.new_subtotal - p.old_subtotal
        title = f"{p.mark} {p.title}" if p.no else p.title
        cells = [amount(p.old_count), amount(p.new_count), amount(p.old_subtotal), amount(p.new_subtotal),
                 signed(delta) if delta else "", amount(p.old_with_reprints) if p.no else "",
                 amount(p.new_with_reprints) if p.no else ""]
        out.append(f"<tr><td>{_e(title)}</td>" + "".join(f'<td class="num">{_e(c)}</td>' for c in cells) + "</tr>")
    out.append("</table>")

    for kind in (ADDED, DROPPED, RENAMED, MOVED):
        items = diff.of_kind(kind)
        if not items:
            continue
        out.append(f"<h2>{_e(KIND_TITLES[kind])}（{len(items)} 件）</h2><table>"
                   "<tr><th>担当課</th><th>事業名</th><th>管理番号</th><th>項目</th><th>旧</th><th>新</th></tr>")
        for c in items:
            old, new = inline_diff(str(c.old or ""), str(c.new or "")) if kind == RENAMED else (_e(c.old), _e(c.new))
            out.append(f"<tr><td>{_e(c.department)}</td><td>{_e(c.name)}</td><td>{_e(c.project_id)}</td>"
                       f"<td>{_e(c.field)}</td><td>{old}</td><td>{new}</td></tr>")
        out.append("</table>")

    costs = diff.of_kind(COST)
    if costs:
        out.append(f"<h2>{_e(KIND_TITLES[COST])}（{len(costs)} 件）</h2><table><tr><th>担当課</th><th>事業名</th>"
                   "<th>管理番号</th><th>旧（千円）</th><th>新（千円）</th><th>増減（千円）</th><th>増減率</th></tr>")
        for c in costs:
            cells = [amount(c.old), amount(c.new), signed(c.delta), percent(c.ratio)]  # type: ignore[arg-type]
            out.append(f"<tr><td>{_e(c.department)}</td><td>{_e(c.name)}</td><td>{_e(c.project_id)}</td>"
                       + "".join(f'<td class="num">{_e(v)}</td>' for v in cells) + "</tr>")
        out.append("</table>")

    fields = diff.of_kind(FIELD)
    if fields:
        out.append(f"<h2>{_e(KIND_TITLES[FIELD])}（{counts[FIELD]} 事業）</h2>")
        by_project: dict[str, list[Change]] = {}
        for change in fields:
            by_project.setdefault(change.project_id or change.name, []).append(change)
        for group in by_project.values():
            first = group[0]
            out.append(f"<h3>{_e(first.name)} <span class=\"small\">（{_e(first.project_id)}、{_e(first.department)}）</span></h3>"
                       "<table><tr><th>項目</th><th>旧</th><th>新</th></tr>")
            for c in group:
                old, new = inline_diff(str(c.old or ""), str(c.new or ""))
                out.append(f"<tr><td>{_e(c.field)}</td><td>{old}</td><td>{new}</td></tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_diff_outputs(diff: Diff, out_dir: Path) -> list[Path]:
    """Write diff.xlsx and diff.html into ``out_dir`` (created if needed); returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = write_diff_xlsx(diff, out_dir / DIFF_XLSX)
    page = out_dir / DIFF_HTML
    write_text_atomic(page, diff_html(diff))
    return [xlsx, page]
