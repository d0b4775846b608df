"""The one model of a narrative that every reader feeds (Markdown, Word), as pandoc's readers feed one tree.

A narrative is a list of blocks ``(kind, data)``: kind is heading2 | heading | paragraph | bullet |
numbered (data: its text) | table | figure (a statistics key, e.g. ``表4-1``) | grid (a table: its
rows of cell texts, the header first; ``^`` continues the cell above, ``<`` widens the cell to its
left). A numbered item's text starts with its number as the reader saw it (``1. ``).

Inline bold travels inside a text between ``BOLD_ON`` and ``BOLD_OFF`` (two control characters XML
cannot hold, so a marker that slipped through is dropped by the writer rather than printed).
"""

from __future__ import annotations

from typing import Any

Block = tuple[str, Any]

TEXT_KINDS = frozenset({"heading2", "heading", "paragraph", "bullet", "numbered"})
MERGE_UP, MERGE_LEFT = "^", "<"
BOLD_ON, BOLD_OFF = "\x02", "\x03"


def plain(text: str) -> str:
    """The text without its bold markers."""
    return text.replace(BOLD_ON, "").replace(BOLD_OFF, "")


def spans(text: str) -> list[tuple[str, bool]]:
    """The text as (piece, bold) pieces, empty pieces left out."""
    found: list[tuple[str, bool]] = []
    bold = False
    piece = []
    for char in text:
        if char in (BOLD_ON, BOLD_OFF):
            if piece:
                found.append(("".join(piece), bold))
                piece = []
            bold = char == BOLD_ON
        else:
            piece.append(char)
    if piece:
        found.append(("".join(piece), bold))
    return found


def bold(text: str) -> str:
    """``text`` marked bold."""
    return f"{BOLD_ON}{text}{BOLD_OFF}" if text else ""


def marker_text(key: str) -> str:
    """The paragraph that places a statistics table or figure: ``表4-1`` → ``[表:4-1]``."""
    return f"[{key[0]}:{key[1:]}]"
