"""What the page pass hands LibreOffice from a .docx reportkit wrote: the facts Writer's import drops.

Writer's .docx import (7.x) leaves out the charts' alternative text (``wp:docPr descr``) and the
Japanese line-breaking characters of settings.xml (``w:noLineBreaksBefore`` / ``w:noLineBreaksAfter``).
They are read here, where Word XML is read, and handed to the UNO helper as data (``layout_facts``),
so the helper — run by LibreOffice's own Python — reads no Word XML itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _part(docx: Path, name: str):
    with zipfile.ZipFile(docx) as package:
        try:
            return etree.fromstring(package.read(name), _PARSER)
        except KeyError:
            return None


def chart_descriptions(docx: Path) -> list[str]:
    """The alternative text (``wp:docPr descr``) of every chart of a .docx's body, in document order."""
    root = _part(Path(docx), "word/document.xml")
    found = []
    for frame in root.iter(f"{WP}inline", f"{WP}anchor") if root is not None else ():
        data = frame.find(f"{A}graphic/{A}graphicData")
        properties = frame.find(f"{WP}docPr")
        if data is not None and data.get("uri") == CHART_URI and properties is not None:
            found.append(properties.get("descr", ""))
    return found


def kinsoku_settings(docx: Path) -> dict[str, tuple[str, str]]:
    """Language → (characters no line starts with, characters no line ends with) from settings.xml."""
    root = _part(Path(docx), "word/settings.xml")
    found: dict[str, list[str]] = {}
    for index, tag in enumerate(("noLineBreaksBefore", "noLineBreaksAfter")):
        for element in root.findall(f"{W}{tag}") if root is not None else ():
            language = element.get(f"{W}lang", "")
            found.setdefault(language, ["", ""])[index] = element.get(f"{W}val", "")
    return {language: (before, after) for language, (before, after) in found.items() if language}


def layout_facts(docx: Path) -> dict:
    """The facts the UNO helper gives Writer (JSON-ready): ``charts`` (descriptions), ``kinsoku``."""
    return {"charts": chart_descriptions(docx),
            "kinsoku": {language: list(pair) for language, pair in kinsoku_settings(docx).items()}}
