"""Year-over-year comparison of two reports, on the data (report.json shape), never on the .docx.

``compare(old, new)`` takes each side as a built ``report.json`` (the file, or the output folder
holding it, read as ``report_json.ReportJson``) or an input folder (read with ``validate_folder``
and turned into the same ``ReportJson`` by ``export.report_data``, without pages). Projects are matched

1. by ``project_id``;
2. else by name, ignoring whitespace;
3. else by a former name: an entry of the new side's 事業の経緯 whose event contains 事業名変更
   and whose former name is the old project's name.

The result lists one ``Change`` per difference a reviewer should see: 追加 (added), 廃止 (dropped: its
``new`` says why when it is known — 廃止（理由） recorded with ``reportkit abolish``, or 事業期間の終了),
名称変更 (renamed), 移動 (other policy or measure, or another place in its measure's order: ``order_moves``,
as the redline shows it), 事業費 (cost, with the difference in 千円 and %),
項目 (any other field: texts, flags, period, reprints, results rows, history entries), and the
policy counts and subtotals old → new. Pages and the fiscal year are not compared (they change
with every edition). ``outputs`` turns a Diff into the terminal summary, diff.xlsx and diff.html.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..inputs.config import CIRCLED
from ..inputs.input_folder import REPORT_JSON, InputFolder
from ..japanese import nendo_or_western
from ..errors import ReportkitError
from ..issues import FIELDS
from ..model import FreeRow, HistoryEntry, ResultRow, ResultsTable, former_names, name_key
from ..report.report_json import ReportPolicy, ReportProject, ReportTotal, ReprintPlace, read_report_json

ADDED, DROPPED, RENAMED, MOVED, COST, FIELD = "追加", "終了・廃止", "名称変更", "移動", "事業費", "項目"
KINDS = (ADDED, DROPPED, RENAMED, MOVED, COST, FIELD)
ORDER_LABEL = "施策内の並び順"  # the 項目 of a 移動 inside the measure

# Scalar fields compared as text, in card order, with the label a reviewer reads (issues.FIELDS).
TEXT_FIELDS = tuple((name, FIELDS[name].diff) for name in (
    "description", "cost_note", "department", "group", "priority", "key_result", "foundation", "emergency",
    "new_listing", "new_summary"))
TABLES = (("progress", FIELDS["progress_rows"].diff), ("outcome", FIELDS["outcome_rows"].diff))


@dataclass(frozen=True)
class Change:
    """One difference between the two sides, as one row of diff.xlsx."""

    kind: str  # one of KINDS
    project_id: str
    name: str  # the project's name on the new side (the old side for a dropped project)
    department: str
    field: str  # 項目: what changed, in words
    old: str | int | None = None
    new: str | int | None = None
    delta: int | None = None  # 事業費: new - old (千円)
    ratio: float | None = None  # 事業費: (new - old) / old, when old > 0


@dataclass(frozen=True)
class PolicyFigures:
    """A policy's count and subtotals on both sides (None where a side lacks the policy)."""

    no: int
    title: str
    old_count: int | None
    new_count: int | None
    old_subtotal: int | None
    new_subtotal: int | None
    old_with_reprints: int | None
    new_with_reprints: int | None

    @property
    def mark(self) -> str:
        return CIRCLED[self.no - 1] if 1 <= self.no <= len(CIRCLED) else str(self.no)

    @property
    def changed(self) -> bool:
        return (self.old_count, self.old_subtotal, self.old_with_reprints) != (
            self.new_count, self.new_subtotal, self.new_with_reprints)


@dataclass(frozen=True)
class Match:
    old_id: str
    new_id: str
    how: str  # "管理番号", "事業名", "旧事業名"


@dataclass
class Side:
    """One side of the comparison: report.json data and where it came from."""

    label: str
    fiscal_year: int | None
    policies: list[ReportPolicy]
    total: ReportTotal | None
    projects: list[ReportProject]
    warnings: list[str] = field(default_factory=list)
    abolished: dict[str, str] = field(default_factory=dict)  # 管理番号 → 廃止の理由 (recorded this year)


@dataclass
class Diff:
    old_label: str
    new_label: str
    old_year: int | None
    new_year: int | None
    changes: list[Change]
    policies: list[PolicyFigures]
    total: PolicyFigures  # no = 0, title 合計
    matches: list[Match]
    warnings: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        """Changes per kind; 移動 and 項目 count projects (a move of policy and measure is one project)."""
        counts = {kind: len(self.of_kind(kind)) for kind in KINDS}
        for kind in (MOVED, FIELD):
            counts[kind] = len({c.project_id or c.name for c in self.of_kind(kind)})
        return counts

    @property
    def empty(self) -> bool:
        return not self.changes and not any(p.changed for p in self.policies) and not self.total.changed


# -- loading -------------------------------------------------------------------------------------

def load_side(path: Path) -> Side:
    """A built report (report.json, or the folder holding it) or an input folder (config.toml + cards)."""
    path = Path(path)
    if path.is_file():
        return _side_from_json(path)
    if not path.is_dir():
        raise ReportkitError(f"比較対象が見つかりません: {path}")
    if InputFolder(path).is_input_folder:
        return _side_from_inputs(path)
    if (path / REPORT_JSON).is_file():
        return _side_from_json(path / REPORT_JSON)
    raise ReportkitError(
        f"{path} は報告書の出力フォルダ（report.json）でも入力フォルダ（config.toml とカード）でもありません。")


def _side_from_json(path: Path) -> Side:
    data = read_report_json(path)
    return Side(label=str(path), fiscal_year=data.fiscal_year, policies=data.policies, total=data.total,
                projects=data.projects, abolished={p.project_id: p.reason for p in data.abolished})


def _side_from_inputs(folder: Path) -> Side:
    from ..report.aggregate import aggregate
    from ..report.export import report_data
    from ..checks.validate import validate_folder
    from ..inputs.year_inputs import load_year_inputs

    inputs = load_year_inputs(folder)
    result = validate_folder(folder, inputs=inputs)
    cards = result.cards + result.partial  # a card whose cost is not filled in yet is still the same project
    report = aggregate(result.config, [s.card for s in cards], [], previous=inputs.expected.previous_order())
    data = report_data(report, {}, inputs.abolished)  # no pages
    built = {s.source.file for s in cards}
    unread = sorted({i.file for i in result.issues if i.severity == "error" and i.file not in built})
    warnings = []
    if result.partial:
        warnings.append(f"{folder}: 事業費が読めない（未記入などの）カードが {len(result.partial)} 件あります。"
                        "その事業費は「－」として比較しました: "
                        + "、".join(s.source.file for s in result.partial[:5]) + ("…" if len(result.partial) > 5 else ""))
    if unread:
        warnings.append(f"{folder}: エラーのため読めなかったカードが {len(unread)} 件あります（比較に含まれません）: "
                        + "、".join(unread[:5]) + ("…" if len(unread) > 5 else ""))
    return Side(label=str(folder), fiscal_year=data.fiscal_year, policies=data.policies, total=data.total,
                projects=data.projects, warnings=warnings, abolished={p.project_id: p.reason for p in data.abolished})


# -- matching ------------------------------------------------------------------------------------

def match_projects(old: list[ReportProject], new: list[ReportProject]) -> list[tuple[int, int, str]]:
    """(old index, new index, how) for every matched pair: id first, then name, then a recorded former name."""
    pairs: list[tuple[int, int, str]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))

    def take(key_old, key_new, how: str) -> None:
        index: dict[str, int] = {}
        for i in free_old:
            for key in key_old(old[i]):
                index.setdefault(key, i)
        for j in list(free_new):
            for key in key_new(new[j]):
                i = index.get(key)
                if i is not None and i in free_old:
                    pairs.append((i, j, how))
                    free_old.remove(i)
                    free_new.remove(j)
                    break

    take(_project_id, _project_id, "管理番号")
    take(_name, _name, "事業名")
    take(_name, lambda project: former_names(project.history), "旧事業名")
    return sorted(pairs, key=lambda pair: pair[1])


def _project_id(project: ReportProject) -> list[str]:
    return [project.project_id] if project.project_id else []


def _name(project: ReportProject) -> list[str]:
    return [name_key(project.name)] if name_key(project.name) else []


# -- comparing -----------------------------------------------------------------------------------

def compare(old: Path | Side, new: Path | Side) -> Diff:
    """Every difference between two reports or input folders (see the module docstring)."""
    old_side = old if isinstance(old, Side) else load_side(old)
    new_side = new if isinstance(new, Side) else load_side(new)
    titles = _policy_titles(old_side, new_side)
    pairs = match_projects(old_side.projects, new_side.projects)
    matched_old = {i for i, _, _ in pairs}
    matched_new = {j: (i, how) for i, j, how in pairs}
    moves = order_moves(old_side.projects, new_side.projects, pairs)

    changes: list[Change] = []
    for j, project in enumerate(new_side.projects):
        if j in matched_new:
            i, _ = matched_new[j]
            changes.extend(project_changes(old_side.projects[i], project, titles))
            if j in moves:
                changes.append(_change(MOVED, project, ORDER_LABEL, *moves[j]))
        else:
            changes.append(_change(ADDED, project, "事業", None, _place(project, titles)))
    for i, project in enumerate(old_side.projects):
        if i not in matched_old:
            changes.append(_change(DROPPED, project, "事業", _place(project, titles), _why_dropped(project, old_side, new_side)))

    matches = [Match(old_side.projects[i].project_id, new_side.projects[j].project_id, how)
               for i, j, how in pairs]
    return Diff(old_label=old_side.label, new_label=new_side.label, old_year=old_side.fiscal_year,
                new_year=new_side.fiscal_year, changes=changes, policies=_policy_figures(old_side, new_side),
                total=PolicyFigures(0, "合計", _figure(old_side.total, "count"), _figure(new_side.total, "count"),
                                    _figure(old_side.total, "amount"), _figure(new_side.total, "amount"), None, None),
                matches=matches, warnings=_order_warnings(old_side, new_side) + old_side.warnings + new_side.warnings)


def _why_dropped(project: ReportProject, old: Side, new: Side) -> str | None:
    """Why a project of the old side is not on the new: 廃止 (recorded, with its reason), its 事業期間 over, or unknown."""
    if project.project_id in new.abolished:
        return f"廃止（{new.abolished[project.project_id]}）"
    if project.period_end is not None and old.fiscal_year is not None and project.period_end <= old.fiscal_year:
        return f"事業期間の終了（{nendo_or_western(project.period_end, western_suffix='年度')}まで）"
    return None


def order_moves(old: list[ReportProject], new: list[ReportProject],
                pairs: list[tuple[int, int, str]]) -> dict[int, tuple[str, str]]:
    """The matched projects that changed place inside their measure: new index → (old, new) place.

    Per measure, of the projects listed in it on both sides, the longest run that keeps its order
    stays; every other one has moved — the cards a redline shows deleted at one place and inserted
    at another. Projects added or dropped around them move nobody.
    """
    old_of = {j: i for i, j, _ in pairs}
    old_place, new_place = _places_in_measure(old), _places_in_measure(new)
    stayed: dict[tuple[int, str], list[int]] = {}
    for j, project in enumerate(new):
        i = old_of.get(j)
        if i is not None and (old[i].policy, old[i].measure) == (project.policy, project.measure):
            stayed.setdefault((project.policy, project.measure), []).append(j)
    moves = {}
    for group in stayed.values():
        kept = _longest_increasing([old_of[j] for j in group])
        moves.update({j: (old_place[old_of[j]], new_place[j]) for k, j in enumerate(group) if k not in kept})
    return moves


def _places_in_measure(projects: list[ReportProject]) -> list[str]:
    """Each project's place in its measure (report.json is in document order): ``5番目（AOM-004 の次）``, ``1番目（先頭）``."""
    last: dict[tuple[int, str], tuple[int, str]] = {}
    places = []
    for project in projects:
        key = (project.policy, project.measure)
        count, before = last.get(key, (0, ""))
        places.append(f"{count + 1}番目（{before} の次）" if count else "1番目（先頭）")
        last[key] = (count + 1, project.project_id)
    return places


def _longest_increasing(values: list[int]) -> set[int]:
    """The positions of one longest strictly increasing subsequence of ``values`` (the earliest such)."""
    length = [1] * len(values)
    before = [-1] * len(values)
    for k, value in enumerate(values):
        for m in range(k):
            if values[m] < value and length[m] + 1 > length[k]:
                length[k], before[k] = length[m] + 1, m
    k = max(range(len(values)), key=lambda n: (length[n], -n), default=-1)
    kept = set()
    while k >= 0:
        kept.add(k)
        k = before[k]
    return kept


def _figure(source: ReportTotal | ReportPolicy | None, name: str) -> int | None:
    return getattr(source, name) if source is not None else None


def _order_warnings(old: Side, new: Side) -> list[str]:
    """A warning when OLD is a later year than NEW: the two were most likely given the wrong way round."""
    if isinstance(old.fiscal_year, int) and isinstance(new.fiscal_year, int) and old.fiscal_year > new.fiscal_year:
        return [f"旧（{_year_text(old.fiscal_year)}、{old.label}）が新（{_year_text(new.fiscal_year)}、{new.label}）より"
                "後の年度です。OLD と NEW の順が逆ではありませんか（追加と廃止が入れ替わって表示されます）。"]
    return []


def _policy_titles(*sides: Side) -> dict[int, str]:
    titles: dict[int, str] = {}
    for side in sides:  # the new side's titles win
        for policy in side.policies:
            titles[policy.no] = policy.title
    return titles


def _policy_label(no: int | None, titles: dict[int, str]) -> str:
    if no is None:
        return ""
    mark = CIRCLED[no - 1] if 1 <= no <= len(CIRCLED) else str(no)
    return f"{mark}{titles.get(no, '')}"


def _place(project: ReportProject | ReprintPlace, titles: dict[int, str]) -> str:
    """Where a project (or one of its reprints) is listed: ``①… ／ measure``."""
    return f"{_policy_label(project.policy, titles)}／{project.measure}"


def _change(kind: str, project: ReportProject, field_label: str, old, new, **extra) -> Change:
    return Change(kind=kind, project_id=project.project_id, name=_one_line(project.name),
                  department=project.department, field=field_label, old=old, new=new, **extra)


def _one_line(text: str) -> str:
    return "".join((text or "").splitlines())


def project_changes(old: ReportProject, new: ReportProject, titles: dict[int, str]) -> list[Change]:
    """The changes of one matched project, in card order."""
    changes: list[Change] = []
    add = lambda kind, label, a, b, **extra: changes.append(_change(kind, new, label, a, b, **extra))  # noqa: E731

    if old.name != new.name:
        add(RENAMED, FIELDS["project_name"].diff, _one_line(old.name), _one_line(new.name))
    if old.policy != new.policy:
        add(MOVED, FIELDS["policy"].diff, _policy_label(old.policy, titles), _policy_label(new.policy, titles))
    if old.measure != new.measure:
        add(MOVED, FIELDS["measure"].diff, old.measure, new.measure)
    if old.cost != new.cost:
        a, b = old.cost, new.cost
        delta = b - a if isinstance(a, int) and isinstance(b, int) else None
        ratio = delta / a if delta is not None and a else None
        add(COST, FIELDS["cost"].diff, a, b, delta=delta, ratio=ratio)

    for key, label in TEXT_FIELDS:
        a, b = _text(getattr(old, key)), _text(getattr(new, key))
        if a != b:
            add(FIELD, label, a, b)
    a, b = _period(old), _period(new)
    if a != b:
        add(FIELD, "事業期間", a, b)
    removed, added = _list_delta([_place(r, titles) for r in old.reprints], [_place(r, titles) for r in new.reprints])
    for item in removed:
        add(FIELD, f"{FIELDS['reprint_rows'].diff}（削除）", item, "")
    for item in added:
        add(FIELD, f"{FIELDS['reprint_rows'].diff}（追加）", "", item)

    for key, label in TABLES:
        changes.extend(_change(FIELD, new, f, a, b) for f, a, b in table_changes(getattr(old, key), getattr(new, key), label))
    changes.extend(_change(FIELD, new, f, a, b) for f, a, b in free_changes(old.results_free, new.results_free))
    removed, added = _list_delta([_history_text(e) for e in old.history], [_history_text(e) for e in new.history])
    for item in removed:
        add(FIELD, f"{FIELDS['history_rows'].diff}（削除）", item, "")
    for item in added:
        add(FIELD, f"{FIELDS['history_rows'].diff}（追加）", "", item)
    return changes


def _text(value) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "○"
    return str(value)


def _period(project: ReportProject) -> str:
    start, end = project.period_start, project.period_end
    if start is None and end is None:
        return ""
    return f"{_year_text(start)}〜{_year_text(end)}"


def _year_text(year: int | None) -> str:
    return "" if year is None else nendo_or_western(year)


def _list_delta(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Items only in ``old`` and only in ``new`` (as multisets, each in its side's order)."""
    unmatched_new, unmatched_old = Counter(new), Counter(old)
    removed, added = [], []
    for item in old:
        if unmatched_new[item]:
            unmatched_new[item] -= 1
        else:
            removed.append(item)
    for item in new:
        if unmatched_old[item]:
            unmatched_old[item] -= 1
        else:
            added.append(item)
    return removed, added


def _history_text(entry: HistoryEntry) -> str:
    parts = [f"{entry.year}　{entry.event}".strip("　")]
    if entry.former_name:
        parts.append(f"「{entry.former_name}」")
    if entry.reason:
        parts.append(entry.reason)
    return "\n".join(parts)


def _row_text(row: ResultRow) -> str:
    kind, value = row.kind, row.value
    return f"{value}（{kind}）" if kind in ("計", "内訳") and value else value


def table_changes(old: ResultsTable, new: ResultsTable, label: str) -> list[tuple[str, str, str]]:
    """(項目, old, new) for a results table: caption, headers, and rows matched by item label."""
    out: list[tuple[str, str, str]] = []
    if old.caption != new.caption and (old.rows or new.rows):
        out.append((f"{label}の見出し", old.caption, new.caption))
    old_headers, new_headers = list(old.headers), list(new.headers)
    if old_headers != new_headers and (old.rows or new.rows):
        out.append((f"{label}の列名", "｜".join(old_headers), "｜".join(new_headers)))
    old_rows, new_rows = _keyed_rows(old.rows), _keyed_rows(new.rows)
    new_keys = {key for key, _ in new_rows}
    old_by_key = dict(old_rows)
    for key, row in new_rows:
        item = key[0] or "（項目名なし）"
        if key not in old_by_key:
            out.append((f"{label}「{item}」（行の追加）", "", _row_text(row)))
        elif (_row_text(old_by_key[key]), old_by_key[key].kind) != (_row_text(row), row.kind):
            out.append((f"{label}「{item}」", _row_text(old_by_key[key]), _row_text(row)))
    for key, row in old_rows:
        if key not in new_keys:
            out.append((f"{label}「{key[0] or '（項目名なし）'}」（行の削除）", _row_text(row), ""))
    return out


def _keyed_rows(rows: list[ResultRow]) -> list[tuple[tuple[str, int], ResultRow]]:
    """Rows keyed by (item, occurrence) so repeated labels (several うち rows) stay apart."""
    seen: Counter = Counter()
    keyed = []
    for row in rows:
        item = row.item
        keyed.append(((item, seen[item]), row))
        seen[item] += 1
    return keyed


def _free_text(row: FreeRow) -> str:
    return f"［{row.kind}］" + "｜".join(row.cells)


def free_changes(old: list[FreeRow], new: list[FreeRow]) -> list[tuple[str, str, str]]:
    """(項目, old, new) for the free-form results, line by line (difflib over the lines)."""
    a, b = [_free_text(r) for r in old], [_free_text(r) for r in new]
    out: list[tuple[str, str, str]] = []
    label = FIELDS["results_free"].diff
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                out.append((f"{label}（{j1 + k + 1}行目）", a[i1 + k], b[j1 + k]))
            continue
        for k in range(i1, i2):
            out.append((f"{label}（行の削除）", a[k], ""))
        for k in range(j1, j2):
            out.append((f"{label}（{k + 1}行目の追加）", "", b[k]))
    return out


def _policy_figures(old: Side, new: Side) -> list[PolicyFigures]:
    old_by_no = {p.no: p for p in old.policies}
    new_by_no = {p.no: p for p in new.policies}
    figures = []
    for no in sorted(set(old_by_no) | set(new_by_no)):
        a, b = old_by_no.get(no), new_by_no.get(no)
        figures.append(PolicyFigures(no, (b.title if b else "") or (a.title if a else ""),
                                     _figure(a, "count"), _figure(b, "count"), _figure(a, "subtotal"),
                                     _figure(b, "subtotal"), _figure(a, "subtotal_with_reprints"),
                                     _figure(b, "subtotal_with_reprints")))
    return figures
