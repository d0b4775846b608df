"""The order of the projects in the report: the list table's rows, report.json and the cards.

The order is part of the report, never an accident of file names or folders. Policies and
measures (施策) come in the order of config.toml; inside a measure the projects stand

1. as last year's report listed them, for the projects that stood in the same measure last year
   (``previous``: rollover's ``expected.json``, which lists last year's projects in report order),
   known by 管理番号 or, under a new 管理番号, by a former name in 事業の経緯 (事業名変更), as
   ``reportkit diff`` matches them;
2. after them, every other project (new this year, or moved here from another measure), by 管理番号;
3. where the secretariat puts one: ``[[placements]]`` of config.toml, applied in the order written,
   puts a project after another of its measure (``after = "AOM-003"``) or first (``after = ""``).

Without an ``expected.json`` (the sample, a first year) every project is ordered by 管理番号: the
sample's 管理番号 follow the edition's list table, so its order is the edition's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..inputs.config import ReportConfig
from ..model import Card, former_names, name_key


class Listed(Protocol):
    """A project as last year's report listed it (``collect.expected.ExpectedProject``)."""

    project_id: str
    name: str
    policy: int | None  # None in an expected.json written before places were recorded: any measure
    measure: str


def in_report_order(config: ReportConfig, cards: list[Card], previous: Sequence[Listed] = ()) -> tuple[list[Card], list[str]]:
    """``cards`` in list-table order (see the module docstring), and a Japanese note per placement not followed."""
    measures = {(p.no, m): i for p in config.policies for i, m in enumerate(p.measures)}
    present = {card.project_id for card in cards}
    last, renamed = {}, {}
    for index, project in enumerate(previous):
        last.setdefault(project.project_id, (index, project))
        if project.project_id not in present:  # perhaps under a new 管理番号 now
            renamed.setdefault(name_key(project.name), (index, project))

    def key(card: Card) -> tuple:
        rank = measures.get((card.policy, card.measure), len(measures))
        entry = last.get(card.project_id) or next(
            (renamed[name] for name in former_names(card.history) if name in renamed), None)
        kept = entry is not None and (entry[1].policy is None or
                                      (entry[1].policy, entry[1].measure) == (card.policy, card.measure))
        # An unknown measure (a validation error) sorts after the known ones, by name.
        return (card.policy, rank, card.measure if rank == len(measures) else "",
                entry[0] if kept else len(last), card.project_id)

    ordered = sorted(cards, key=key)
    return ordered, _apply_placements(ordered, config)


def _apply_placements(cards: list[Card], config: ReportConfig) -> list[str]:
    """Move the placed projects in ``cards`` (in place); notes for placements that name no card of the measure."""
    notes: list[str] = []
    last_after: dict[str, str] = {}  # several projects placed after one keep the order they are written in
    for placement in config.placements:
        index = next((i for i, c in enumerate(cards) if c.project_id == placement.project_id), None)
        if index is None:
            notes.append(f"config.toml の placements: 管理番号「{placement.project_id}」のカードがないため、"
                         "この指定は使いませんでした。")
            continue
        card = cards.pop(index)
        same = [i for i, c in enumerate(cards) if (c.policy, c.measure) == (card.policy, card.measure)]
        if placement.after == "":
            anchor = last_after.get("", "")
            targets = [i + 1 for i in same if cards[i].project_id == anchor] if anchor else [same[0] if same else index]
        else:
            anchor = last_after.get(placement.after, placement.after)
            targets = [i + 1 for i in same if cards[i].project_id == anchor]
        if not targets:
            cards.insert(index, card)
            notes.append(f"config.toml の placements: 「{placement.after}」は {card.project_id} と同じ施策"
                         f"（{card.measure}）の事業にないため、{card.project_id} の位置の指定は使いませんでした。")
            continue
        cards.insert(targets[0], card)
        last_after[placement.after] = card.project_id
    return notes
