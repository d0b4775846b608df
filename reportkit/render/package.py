"""The saved .docx as a package: page numbers and settings set on the file, without rendering it again.

The renderer caches its page plan in every ``PAGEREF`` field's result; when LibreOffice has measured
the true pages (``libreoffice.pages``), ``write_cached_pagerefs`` writes them into the saved file —
the list table's ページ column, the new-projects list and the TOC entries (each a paragraph holding
a PAGEREF, inside a real TOC field). ``set_update_fields`` asks Word to update every field on
opening, for a file whose pages nobody measured. Each opens the package once and writes it back
through ``files.zipnorm``, so equal content gives equal bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..files.zipnorm import normalise_zip

DOCUMENT_XML = "word/document.xml"
SETTINGS_XML = "word/settings.xml"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PAGEREF = re.compile(r"PAGEREF\s+(\S+)")
_TOC = re.compile(r"^\s*TOC\b")


def write_cached_pagerefs(docx_path: Path, pages: dict[str, int]) -> tuple[int, int]:
    """Set the cached result of every ``PAGEREF name`` field of a saved .docx to ``pages[name]``.

    Returns (results changed, of which inside a TOC field).
    """
    return _edit_part(Path(docx_path), DOCUMENT_XML, lambda root: set_cached_pagerefs(root, pages))


def set_update_fields(docx_path: Path) -> None:
    """settings.xml ``w:updateFields`` on a saved .docx: Word offers to update every field when it opens it."""
    from .fields import set_update_fields as on_settings

    _edit_part(Path(docx_path), SETTINGS_XML, on_settings)


def set_cached_pagerefs(root, pages: dict[str, int]) -> tuple[int, int]:
    """Set the cached result of every ``PAGEREF name`` field under ``root`` (an lxml element) to ``pages[name]``.

    Walks all runs in document order as a field state machine (fields may span paragraphs, and
    nest). Returns (results changed, of which inside a TOC field). Names not in ``pages`` are left.
    """
    changed = in_toc = 0
    stack: list[dict] = []
    for run in root.iter(f"{{{_W}}}r"):
        for child in run:
            tag = child.tag
            if tag == f"{{{_W}}}fldChar":
                kind = child.get(f"{{{_W}}}fldCharType")
                if kind == "begin":
                    stack.append({"instr": "", "state": "instr", "done": False})
                elif kind == "separate" and stack:
                    stack[-1]["state"] = "result"
                elif kind == "end" and stack:
                    stack.pop()
            elif tag == f"{{{_W}}}instrText" and stack and stack[-1]["state"] == "instr":
                stack[-1]["instr"] += child.text or ""
            elif tag == f"{{{_W}}}t" and stack and stack[-1]["state"] == "result":
                field = stack[-1]
                match = _PAGEREF.search(field["instr"])
                if not match or match.group(1) not in pages:
                    continue
                if field["done"]:
                    child.text = ""
                    continue
                new = str(pages[match.group(1)])
                field["done"] = True
                if child.text != new:
                    child.text = new
                    changed += 1
                    if any(_TOC.match(outer["instr"]) for outer in stack[:-1]):
                        in_toc += 1
    return changed, in_toc


def _edit_part(docx_path: Path, part: str, edit: Callable):
    """Apply ``edit`` to the parsed XML of one part of the package and write it back; return what it returns."""
    from lxml import etree

    result = []

    def change(data: bytes) -> bytes:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                             huge_tree=True))
        result.append(edit(root))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    normalise_zip(docx_path, edit={part: change})
    return result[0] if result else None
