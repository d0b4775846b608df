"""XML parts of an Office file from outside (a card workbook, a Word narrative), parsed safely.

No DTD is ever loaded and no entity resolved, nothing is fetched from the network, and a part that
declares a DTD (never in a real Office file; the door to XXE and entity bombs) is refused before
the parser sees it. ``huge_tree`` only lifts libxml2's 10 MB text-node limit: sizes are bounded by
the callers' zip directory checks.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import DTDForbidden

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=True)
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")


def parse_xml(data: bytes) -> etree._Element:
    """Parse one part; a DTD in its prolog is refused (entities are never resolved either way)."""
    found = _ROOT_ELEMENT.search(data.replace(b"\x00", b"") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data)
    prolog = data[:found.start()] if found else data
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise DTDForbidden("DTD")
    return etree.fromstring(data, parser=_PARSER)
