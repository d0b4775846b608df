"""Rewrite an Office zip package with a fixed entry order and timestamps, so equal inputs give equal bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .atomic import atomic_path

FIXED_DATE = (2000, 1, 1, 0, 0, 0)
FIRST = ("[Content_Types].xml", "_rels/.rels")


CORE = "docProps/core.xml"
DCTERMS = "{http://purl.org/dc/terms/}"


def normalise_zip(path: Path, modified: str | None = None, *,
                  edit: Mapping[str, Callable[[bytes], bytes]] | None = None) -> None:
    """Rewrite ``path`` in place: [Content_Types].xml first, then entries by name, fixed dates, deflated.

    ``modified`` (W3CDTF, e.g. ``2000-01-01T00:00:00Z``) replaces the package's last-modified date,
    which openpyxl sets to the time of saving. ``edit``: entry name → function of its bytes giving
    the new bytes (an entry not in the package is left out).
    """
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    for name, change in (edit or {}).items():
        if name in entries:
            entries[name] = change(entries[name])
    if modified and CORE in entries:
        entries[CORE] = _set_modified(entries[CORE], modified)
    order = [n for n in FIRST if n in entries] + sorted(n for n in entries if n not in FIRST)
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                target.writestr(info, entries[name], compresslevel=6)


def _set_modified(core_xml: bytes, modified: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(core_xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter(f"{DCTERMS}modified"):
        element.text = modified
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
