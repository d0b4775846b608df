"""Validation rules: small functions over normalised cards that yield Issues."""

from __future__ import annotations

from collections.abc import Iterator

from .config import ReportConfig
from .issues import Issue
from .model import SourcedCard


def check_card(sourced: SourcedCard, config: ReportConfig) -> list[Issue]:
    """Every rule that looks at one card."""
    return []


def check_folder(cards: list[SourcedCard], config: ReportConfig) -> list[Issue]:
    """Rules across the folder (unique ids and names)."""
    return []
