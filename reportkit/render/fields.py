"""The one place that writes raw WordprocessingML where python-docx has no API.

Fields (PAGE, PAGEREF, TOC), bookmarks, section page numbering, table cell
spans/borders, and the text sanitiser. Everything else in the render package
goes through python-docx proxies.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..files.textsafe import xml_safe


def clean(text: str) -> str:
    """Strip the characters XML 1.0 cannot hold (and normalise CRLF, CR and Excel's ``_x000D_`` to LF)."""
    text = str(text).replace("_x000D_\n", "\n").replace("_x000D_", "\n")  # an escaped CR, as Excel writes it
    return xml_safe(text.replace("\r\n", "\n").replace("\r", "\n"))


def add_text(paragraph, text: str, style: str | None = None):
    """Append text as runs; a newline becomes a line break inside the paragraph."""
    run = None
    for index, line in enumerate(clean(text).split("\n")):
        if index:
            run = paragraph.add_run()
            run.add_break()
        run = paragraph.add_run(line, style)
    return run


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


def add_pageref(paragraph, bookmark: str, cached: str = "0") -> None:
    add_field(paragraph, f"PAGEREF {bookmark} \\h", cached)


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

    def wrap(self, paragraph, name: str) -> None:
        """Put a bookmark around the whole content of a paragraph."""
        bookmark_id = self.allocate(name)
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), bookmark_id)
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), bookmark_id)
        p = paragraph._p
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)


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


def continue_page_numbers(section) -> None:
    existing = section._sectPr.find(qn("w:pgNumType"))
    if existing is not None:
        section._sectPr.remove(existing)


_SECT_PR_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
                  "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
                  "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")
_TC_PR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
                "textDirection", "tcFitText", "vAlign", "hideMark")
_TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                 "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                 "tblLook", "tblCaption", "tblDescription")


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


def set_column_span(cell, span: int) -> None:
    """Declare a horizontal span on a cell whose neighbours were merged by python-docx."""
    grid = OxmlElement("w:gridSpan")
    grid.set(qn("w:val"), str(span))
    _insert_ordered(cell._tc.get_or_add_tcPr(), grid, _TC_PR_ORDER)


def repeat_header(row) -> None:
    """Repeat a table row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def cant_split(row) -> None:
    """Keep a table row on one page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def set_table_borders(table, size: int = 4) -> None:
    """Single borders on every edge and inner line (size in eighths of a point)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    _insert_ordered(table._tbl.tblPr, borders, _TBL_PR_ORDER)


def set_fixed_layout(table, widths_twips: list[int]) -> None:
    """Fixed column widths (twips), so Word and LibreOffice lay the table out alike."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _insert_ordered(tbl_pr, layout, _TBL_PR_ORDER)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths_twips)))
    width.set(qn("w:type"), "dxa")
    _insert_ordered(tbl_pr, width, _TBL_PR_ORDER)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_twips):
        col.set(qn("w:w"), str(w))
    for row in table.rows:
        for tc, w in zip(row._tr.findall(qn("w:tc")), widths_twips):
            tc_pr = tc.get_or_add_tcPr()
            tc_w = OxmlElement("w:tcW")
            tc_w.set(qn("w:w"), str(w))
            tc_w.set(qn("w:type"), "dxa")
            _insert_ordered(tc_pr, tc_w, _TC_PR_ORDER)


def set_cell_width(cell, twips: int) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_w = OxmlElement("w:tcW")
    tc_w.set(qn("w:w"), str(twips))
    tc_w.set(qn("w:type"), "dxa")
    _insert_ordered(tc_pr, tc_w, _TC_PR_ORDER)


def set_cell_shading(cell, fill: str = "D9D9D9") -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    _insert_ordered(tc_pr, shading, _TC_PR_ORDER)


def set_cell_no_borders(cell, edges=("top", "left", "bottom", "right")) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge in edges:
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _insert_ordered(tc_pr, borders, _TC_PR_ORDER)


def set_cell_margins(table, left_right: int = 40, top_bottom: int = 0) -> None:
    """Inner cell margins of a whole table (twips): narrow columns of figures need them small."""
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top_bottom), ("left", left_right), ("bottom", top_bottom), ("right", left_right)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _insert_ordered(table._tbl.tblPr, margins, _TBL_PR_ORDER)


def text_width_twips(doc) -> int:
    """Width between the margins of the last section (from reference.docx), in twips."""
    section = doc.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


_SETTINGS_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                                 "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                                 "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                                 "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                                 "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def set_update_fields(doc) -> None:
    """settings.xml ``w:updateFields``: Word offers to update every field (PAGEREF, TOC) when it opens the file."""
    settings = doc.settings.element
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
