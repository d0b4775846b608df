"""WordprocessingML built as text, parsed once per block: the render package's fast path.

python-docx's proxies are slow for a 160-page report: every ``paragraph.style =``
looks the style up by name, and ``table.cell(r, c)`` / ``cell.merge`` walk the
whole table. So the body content (paragraphs, tables, merged cells, fields and
bookmarks) is written here as XML strings with style *ids* resolved once by
``StyleIds``, and ``Emitter`` parses each finished block with python-docx's own
parser and appends it before the body's final ``w:sectPr``. Only this module
and ``fields.py`` write raw WordprocessingML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml import parse_xml
from docx.styles import BabelFish

from .fields import clean

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = (f'xmlns:w="{W_NS}" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (``&``, ``<``, ``>``) without importing it: saxutils pulls in urllib."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class StyleIds:
    """Style name → style id of a document, looked up once (python-docx resolves names on every use)."""

    def __init__(self, doc) -> None:
        self._ids: dict[str, str] = {}
        for style in doc.styles.element.findall(f"{{{W_NS}}}style"):
            name = style.find(f"{{{W_NS}}}name")
            style_id = style.get(f"{{{W_NS}}}styleId")
            if name is not None and style_id:
                # built-in names are stored lower-case ("heading 1"); python-docx shows "Heading 1"
                self._ids[BabelFish.internal2ui(name.get(f"{{{W_NS}}}val"))] = style_id

    def __getitem__(self, name: str) -> str:
        try:
            return self._ids[name]
        except KeyError:
            raise KeyError(f"reference.docx has no style named {name!r}") from None


# --- runs and paragraphs -------------------------------------------------------------------------

def runs(text: str) -> str:
    """Text as runs: a newline becomes ``w:br``, a tab ``w:tab`` (XML-invalid characters dropped)."""
    parts = []
    for index, line in enumerate(clean(text).split("\n")):
        if index:
            parts.append("<w:r><w:br/></w:r>")
        for position, chunk in enumerate(line.split("\t")):
            if position:
                parts.append("<w:r><w:tab/></w:r>")
            if chunk:
                parts.append(f'<w:r><w:t xml:space="preserve">{escape(chunk)}</w:t></w:r>')
    return "".join(parts)


# Ruby (ふりがな) as Word's phonetic guide: the reading at half the base's size (Word's 5 pt over 10.5 pt),
# its baseline raised 6/7 of the base's size above the base's (Word's 18 half-points over 10.5 pt), spread
# over the base's width (distributeSpace, Word's default for Japanese).
RUBY_SCALE = 0.5
RUBY_RAISE = 6 / 7
RUBY_ALIGN = "distributeSpace"
BOLD = "<w:b/><w:bCs/>"
BOLD_RPR = f"<w:rPr>{BOLD}</w:rPr>"


def ruby_run(base: str, reading: str, base_pt: float, bold: bool = False) -> str:
    """One run holding ``base`` with ``reading`` over it (``w:ruby``), for text of ``base_pt`` points.

    The children keep the schema's order: rubyPr (rubyAlign, hps, hpsRaise, hpsBaseText, lid), rt, rubyBase.
    """
    base_hps = round(base_pt * 2)
    hps = max(1, int(base_hps * RUBY_SCALE))
    bold_xml = BOLD if bold else ""

    def text(value: str) -> str:
        return escape(clean(value).replace("\n", "").replace("\t", ""))

    return ('<w:r><w:ruby><w:rubyPr>'
            f'<w:rubyAlign w:val="{RUBY_ALIGN}"/><w:hps w:val="{hps}"/>'
            f'<w:hpsRaise w:val="{round(base_hps * RUBY_RAISE)}"/><w:hpsBaseText w:val="{base_hps}"/>'
            '<w:lid w:val="ja-JP"/></w:rubyPr>'
            f'<w:rt><w:r><w:rPr>{bold_xml}<w:sz w:val="{hps}"/><w:szCs w:val="{hps}"/></w:rPr>'
            f'<w:t xml:space="preserve">{text(reading)}</w:t></w:r></w:rt>'
            f'<w:rubyBase><w:r><w:rPr>{bold_xml}<w:sz w:val="{base_hps}"/><w:szCs w:val="{base_hps}"/></w:rPr>'
            f'<w:t xml:space="preserve">{text(base)}</w:t></w:r></w:rubyBase>'
            '</w:ruby></w:r>')


def condensed_runs(text: str, spacing: int) -> str:
    """Text as one run set ``spacing`` twentieths of a point closer per character (``w:spacing``)."""
    return (f'<w:r><w:rPr><w:spacing w:val="{spacing}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(clean(text))}</w:t></w:r>')


def field_runs(instruction: str, cached: str) -> str:
    """A complex field (begin, instruction, separate, cached result, end)."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{escape(cached)}</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def field_begin_runs(instruction: str) -> str:
    """The opening half of a field whose result spans several paragraphs (closed by ``FIELD_END``)."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')


FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def pageref_runs(bookmark: str, cached: str = "0") -> str:
    return field_runs(f"PAGEREF {bookmark} \\h", cached)


def paragraph(style_id: str, content: str = "", *, text: str | None = None, ppr: str = "") -> str:
    """One paragraph of a named style; ``text`` is escaped, ``content`` is ready-made run XML."""
    body = runs(text) if text is not None else content
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{ppr}</w:pPr>{body}</w:p>'


def paragraphs(style_id: str, text: str, ppr: str = "") -> str:
    """One paragraph per line of ``text`` (blank lines dropped; at least one paragraph).

    For text in a justified style: there a line break (``w:br``) would stretch the line before it
    across the whole width, character by character, so each line of a cell becomes a paragraph.
    """
    lines = [line.strip().lstrip("\u3000") for line in clean(text).split("\n") if line.strip()] or [""]
    return "".join(paragraph(style_id, text=line, ppr=ppr) for line in lines)


def keep_with_next(content: str) -> str:
    """Add ``w:keepNext`` to every paragraph of ready-made paragraph XML (from ``paragraph``)."""
    return content.replace("/></w:pPr>", "/><w:keepNext/></w:pPr>")


# --- tables --------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One grid cell: ready-made paragraph XML, a column span, a vertical merge ("restart"/"continue")."""

    content: str = ""
    span: int = 1
    vmerge: str | None = None
    shade: str | None = None
    valign: str | None = None


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    header: bool = False
    cant_split: bool = False
    height: int | None = None  # a row height in twips (a figure's box); None = as its text needs
    height_rule: str = "exact"  # or "atLeast": the row grows with its text


def table(style_id: str, widths: list[int], rows: list[Row], *, cell_margin: int | None = None,
          empty_style: str | None = None, cell_margin_top: int = 0) -> str:
    """A fixed-layout table (widths in twips) of the given rows; an empty cell gets one empty paragraph.

    ``cell_margin``: every cell's left and right margin (twips); ``cell_margin_top``: its top and bottom.
    """
    margins = ""
    if cell_margin is not None:
        margins = ("<w:tblCellMar>"
                   f'<w:top w:w="{cell_margin_top}" w:type="dxa"/><w:left w:w="{cell_margin}" w:type="dxa"/>'
                   f'<w:bottom w:w="{cell_margin_top}" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/>'
                   "</w:tblCellMar>")
    empty = f'<w:p><w:pPr><w:pStyle w:val="{empty_style}"/></w:pPr></w:p>' if empty_style else "<w:p/>"
    parts = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{style_id}"/>'
             f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>{margins}'
             '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
             'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    parts.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts.append("</w:tblGrid>")
    for row in rows:
        tr_pr = ""
        if row.cant_split or row.header or row.height:
            tr_pr = ("<w:trPr>" + ("<w:cantSplit/>" if row.cant_split else "")
                     + (f'<w:trHeight w:val="{row.height}" w:hRule="{row.height_rule}"/>' if row.height else "")
                     + ('<w:tblHeader/>' if row.header else "") + "</w:trPr>")
        parts.append(f"<w:tr>{tr_pr}")
        column = 0
        for cell in row.cells:
            width = sum(widths[column:column + cell.span])
            column += cell.span
            tc_pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if cell.span > 1:
                tc_pr += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.vmerge == "restart":
                tc_pr += '<w:vMerge w:val="restart"/>'
            elif cell.vmerge == "continue":
                tc_pr += "<w:vMerge/>"
            if cell.shade:
                tc_pr += f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.shade}"/>'
            if cell.valign:
                tc_pr += f'<w:vAlign w:val="{cell.valign}"/>'
            parts.append(f"<w:tc><w:tcPr>{tc_pr}</w:tcPr>{cell.content or empty}</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


# --- appending to the document -------------------------------------------------------------------

def parse_block(xml: str) -> list:
    """Parse body-level XML (paragraphs, tables) into python-docx elements."""
    return list(parse_xml(f"<w:body {_NSDECL}>{xml}</w:body>"))


def insert_before(anchor, xml: str) -> None:
    for child in parse_block(xml):
        anchor.addprevious(child)


class Emitter:
    """Collects XML blocks and appends them to the document body in one parse per flush."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self._pending: list[str] = []

    def add(self, xml: str) -> None:
        self._pending.append(xml)

    def flush(self) -> None:
        """Append what was collected (call before any python-docx call that appends to the body)."""
        if not self._pending:
            return
        children = parse_block("".join(self._pending))
        self._pending = []
        body = self.doc.element.body
        anchor = body.find(f"{{{W_NS}}}sectPr")
        for child in children:
            target = _adoptable(body, child)
            if anchor is not None:
                anchor.addprevious(target)
            else:
                body.append(target)
            if target is not child:
                for grandchild in list(child):
                    target.append(grandchild)


def _adoptable(body, element):
    """What to move into the document for ``element``: a table is rebuilt row by row.

    lxml moves a subtree between documents in time that grows much faster than its size (a list
    table of 1,300 rows took 5.6 s as one element, 0.02 s row by row), so a table gets an empty
    shell made in the document and its children are moved into it one at a time.
    """
    if element.tag != f"{{{W_NS}}}tbl":
        return element
    return body.makeelement(element.tag, dict(element.attrib))
