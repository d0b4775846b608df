"""The one model of a narrative that every reader feeds (Markdown, Word), as pandoc's readers feed one tree.

A narrative is a list of blocks ``(kind, data)``: kind is heading2 | heading | paragraph | bullet |
numbered (data: its text) | table | figure (a statistics key, e.g. ``表4-1``) | grid (a table: its
rows of cell texts, the header first; ``^`` continues the cell above, ``<`` widens the cell to its
left). A numbered item's text starts with its number as the reader saw it (``1. ``).

Inline bold travels inside a text between ``BOLD_ON`` and ``BOLD_OFF``, and ruby (ふりがな) as
``RUBY_ON`` base ``RUBY_SEP`` reading ``RUBY_OFF`` (``ruby``): control characters XML cannot hold, so a
marker that slipped through is dropped by the writer rather than printed. A ruby group is whole: no
bold marker inside it (bold around it makes its base and reading bold). ``plain`` is the text as it
takes room on a line (its bases, no reading); ``spans`` its pieces for a writer, each ruby group a
piece of its own with its reading.
"""

from __future__ import annotations

import re
from typing import Any

Block = tuple[str, Any]

TEXT_KINDS = frozenset({"heading2", "heading", "paragraph", "bullet", "numbered"})
MERGE_UP, MERGE_LEFT = "^", "<"
BOLD_ON, BOLD_OFF = "\x02", "\x03"
RUBY_ON, RUBY_SEP, RUBY_OFF = "\x04", "\x05", "\x06"  # none of them whitespace: str.strip keeps them
_MARKERS = BOLD_ON + BOLD_OFF + RUBY_ON + RUBY_SEP + RUBY_OFF
_RUBY = re.compile(f"{RUBY_ON}([^{_MARKERS}]*){RUBY_SEP}([^{_MARKERS}]*){RUBY_OFF}")
_READING = re.compile(f"{RUBY_SEP}[^{_MARKERS}]*{RUBY_OFF}")
_ANY_MARKER = re.compile(f"[{_MARKERS}]")


def plain(text: str) -> str:
    """The text as it takes room on a line: without its markers, a ruby group as its base (no reading)."""
    return _ANY_MARKER.sub("", _READING.sub("", text))


def ruby(base: str, reading: str) -> str:
    """``base`` with ``reading`` over it (just ``base`` without a reading; nothing without a base)."""
    return f"{RUBY_ON}{base}{RUBY_SEP}{reading}{RUBY_OFF}" if base and reading else base


def spans(text: str) -> list[tuple[str, bool, str]]:
    """The text as (piece, bold, reading) pieces, empty pieces left out: a ruby group is a piece of its
    own, its base with its reading; any other piece's reading is ``""``."""
    found: list[tuple[str, bool, str]] = []
    bold = False
    position = 0
    for match in [*_RUBY.finditer(text), None]:
        end = match.start() if match else len(text)
        piece: list[str] = []
        for char in text[position:end]:
            if char in (BOLD_ON, BOLD_OFF):
                if piece:
                    found.append(("".join(piece), bold, ""))
                    piece = []
                bold = char == BOLD_ON
            elif char not in _MARKERS:  # a stray ruby marker (no whole group): dropped
                piece.append(char)
        if piece:
            found.append(("".join(piece), bold, ""))
        if match:
            if match.group(1):
                found.append((match.group(1), bold, match.group(2)))
            position = match.end()
    return found


def has_inline(text: str) -> bool:
    """Whether the text holds a bold or ruby marker (its runs are more than the plain text's)."""
    return _ANY_MARKER.search(text) is not None


def bold(text: str) -> str:
    """``text`` marked bold."""
    return f"{BOLD_ON}{text}{BOLD_OFF}" if text else ""


def marker_text(key: str) -> str:
    """The paragraph that places a statistics table or figure: ``表4-1`` → ``[表:4-1]``."""
    return f"[{key[0]}:{key[1:]}]"
