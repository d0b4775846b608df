"""A card as reportkit wrote it: the fingerprint of its values, so that an untouched card is known.

``template`` writes into every card it makes (blank, prefilled by rollover, the pack's blank card) a
hidden defined name ``WRITTEN_NAME`` holding the fingerprint of the values it filled in; Excel and
LibreOffice keep a defined name when they save. A card read back (``reader``'s RawCard) whose values
give the same fingerprint is untouched: opened and saved again, or just mailed back, but nothing typed.
Values are compared as text, stripped, whole floats as integers, blank block rows left out, so a
save by Excel does not count as a change; a change the fingerprint cannot tell from a save errs on
the safe side (the card counts as touched and is filed).

A card without the name (made before it was written, or by hand) is untouched only when it is
blank: nothing in it but what a blank template sets (``TEMPLATE_FIELDS``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence

from .layout import BLOCKS, CELLS, PAIRS

WRITTEN_NAME = "rk_written"
# What the blank template fills in by itself (template.default_values): a card with nothing else is blank.
TEMPLATE_FIELDS = frozenset({"rk_version", "project_id", "fiscal_year", "department", "progress_caption",
                             "outcome_caption", "progress_headers", "outcome_headers"})


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(" \u3000\t\r\n")


def fingerprint(cells: Mapping[str, object], pairs: Mapping[str, Sequence[object]],
                blocks: Mapping[str, Iterable[Sequence[object]]]) -> str:
    """The fingerprint of a card's values: by defined name, single cells, header pairs, block rows."""
    data = {
        "cells": {spec.name: _text(cells.get(spec.name)) for spec in CELLS},
        "pairs": {spec.name: [_text(v) for v in list(pairs.get(spec.name) or [])[:2]] for spec in PAIRS},
        "blocks": {spec.name: [row for row in ([_text(v) for v in values] for values in blocks.get(spec.name) or [])
                               if any(row)] for spec in BLOCKS},
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def written_value(digest: str) -> str:
    """The defined name's text: a string constant."""
    return f'"{digest}"'


def raw_fingerprint(raw) -> str:
    """The fingerprint of a RawCard (``reader.read_workbook``) as read back."""
    return fingerprint({name: value.value for name, value in raw.values.items()},
                       {name: [v.value for v in values] for name, values in raw.pairs.items()},
                       {name: [[v.value for v in row.cells] for row in rows] for name, rows in raw.blocks.items()})


def untouched(raw) -> str:
    """Why the card read back is untouched: "prefilled" (values as written), "blank", or "" (touched)."""
    written = (raw.written or "").strip().strip('"')
    if written and written == raw_fingerprint(raw):
        return "blank" if _blank(raw) else "prefilled"
    return "blank" if not written and _blank(raw) else ""


def _blank(raw) -> bool:
    if any(_text(v.value) for name, v in raw.values.items() if name not in TEMPLATE_FIELDS):
        return False
    if any(_text(v.value) for name, values in raw.pairs.items() if name not in TEMPLATE_FIELDS for v in values):
        return False
    return not any(raw.blocks.values())
