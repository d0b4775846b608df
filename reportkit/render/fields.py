"""The one place that writes raw WordprocessingML where python-docx has no API.

Fields (PAGE), bookmarks, section page numbering, the settings Word reads on
opening, and the text sanitiser. Tables and paragraphs go out as XML from
``fast_table``; the saved package is ``package``'s.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..files.textsafe import xml_safe


def clean(text: str) -> str:
    """Strip the characters XML 1.0 cannot hold (and normalise CRLF, CR and Excel's ``_x000D_`` to LF)."""
    text = str(text).replace("_x000D_\n", "\n").replace("_x000D_", "\n")  # an escaped CR, as Excel writes it
    return xml_safe(text.replace("\r\n", "\n").replace("\r", "\n"))


def _fld_char(kind: str, dirty: bool = False):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if dirty:
        element.set(qn("w:dirty"), "true")
    return element


def _run_with(child):
    run = OxmlElement("w:r")
    run.append(child)
    return run


def field_begin(paragraph, instruction: str) -> None:
    """Open a complex field in a paragraph: begin, instruction, separate."""
    p = paragraph._p
    p.append(_run_with(_fld_char("begin")))
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    p.append(_run_with(instr))
    p.append(_run_with(_fld_char("separate")))


def field_end(paragraph) -> None:
    """Close the complex field opened (possibly in an earlier paragraph) by ``field_begin``."""
    paragraph._p.append(_run_with(_fld_char("end")))


def add_field(paragraph, instruction: str, cached: str) -> None:
    """A whole field in one paragraph; ``cached`` is the result shown until the field is updated."""
    field_begin(paragraph, instruction)
    paragraph.add_run(clean(cached))
    field_end(paragraph)


def add_page_field(paragraph) -> None:
    add_field(paragraph, "PAGE", "1")


class Bookmarks:
    """Allocates unique bookmark ids for one document and wraps paragraphs in bookmarks."""

    def __init__(self) -> None:
        self._next_id = 0
        self._used: set[str] = set()
        self.names: list[str] = []

    def allocate(self, name: str) -> str:
        """Reserve ``name`` and return its id."""
        if name in self._used:
            raise ValueError(f"bookmark {name} used twice")
        self._used.add(name)
        self.names.append(name)
        bookmark_id = str(self._next_id)
        self._next_id += 1
        return bookmark_id

    def xml(self, name: str) -> tuple[str, str]:
        """The bookmarkStart/bookmarkEnd XML to put around a paragraph's runs."""
        bookmark_id = self.allocate(name)
        return (f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{name}"/>',
                f'<w:bookmarkEnd w:id="{bookmark_id}"/>')


def restart_page_numbers(section, start: int = 1) -> None:
    """Number the pages of a section from ``start`` (the cover and TOC stay outside)."""
    sect_pr = section._sectPr
    existing = sect_pr.find(qn("w:pgNumType"))
    if existing is not None:
        sect_pr.remove(existing)
    element = OxmlElement("w:pgNumType")
    element.set(qn("w:start"), str(start))
    # pgNumType must come before cols/docGrid etc.; place it after pgMar/pgSz if present.
    _insert_ordered(sect_pr, element, _SECT_PR_ORDER)


_SECT_PR_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
                  "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
                  "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")


def _insert_ordered(parent, element, order: tuple[str, ...]) -> None:
    """Insert (replacing a same-named child) where the schema's sequence wants it; Word rejects misordered XML."""
    local = element.tag.split("}")[1]
    for old in parent.findall(element.tag):
        parent.remove(old)
    rank = order.index(local)
    for position, child in enumerate(parent):
        name = child.tag.split("}")[1] if "}" in str(child.tag) else ""
        if name in order and order.index(name) > rank:
            parent.insert(position, element)
            return
    parent.append(element)


def text_width_twips(doc) -> int:
    """Width between the margins of the last section (from reference.docx), in twips."""
    section = doc.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


_SETTINGS_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                                 "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                                 "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                                 "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                                 "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def set_update_fields(settings) -> None:
    """``w:updateFields`` in settings.xml's root element: Word offers to update every field (PAGEREF, TOC) on opening."""
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    for child in settings:
        local = child.tag.split("}")[1] if "}" in str(child.tag) else ""
        if local in _SETTINGS_AFTER_UPDATE_FIELDS:
            child.addprevious(element)
            return
    settings.append(element)


def set_no_expand_shift_return(doc) -> None:
    """settings.xml ``w:doNotExpandShiftReturn``: a line ending in a line break is not stretched.

    Word (and LibreOffice, which reads the setting) would otherwise spread such a line of a
    justified paragraph across the whole width. The element goes first in ``w:compat``, where
    the schema puts it before every element the reference document has there.
    """
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
