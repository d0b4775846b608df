"""A narrative's blocks written as a Word file in reference.docx's styles, for the secretariat to edit in Word.

The report's own styles and a Word user's tools: a document heading in Heading 2, a sub-heading in
the sub-heading style (Heading 4), a paragraph in 本文, ・ items and numbered items in 箇条書き as real
Word lists (numbering definitions of their own: a bulleted list 「・」, a numbered list whose numbers
Word counts, each run of items restarting at its first number), a pipe table as a Word table in the
report's table style with real merged cells, bold as bold runs, ruby as Word's ruby (``w:ruby``, its
figures from its paragraph's style), a line break as a line break, a statistics marker
(``[表:4-1]``) as a paragraph of its own. ``word.reader`` reads such a file back into
the same blocks. The file is reproducible: fixed dates and properties, a normalised zip.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml

from ..blocks import Block, marker_text
from ..files.zipnorm import normalise_zip
from . import fast_table as fast
from . import styles
from .fields import text_width_twips
from .narratives import BULLET_MARK, inline_runs, table_xml

FIXED_DATE = datetime(2000, 1, 1)
_NUMBERED = re.compile(r"(\d+)([.)]) (.*)", re.S)
_W = f"{{{fast.W_NS}}}"


def write_word_narrative(blocks: list[Block], out_path: Path, reference: bytes | None = None) -> None:
    """Write ``blocks`` (``reportkit.blocks``, their texts as templates) as a .docx at ``out_path``, in the
    styles of ``reference`` (an input folder's own reference.docx, its bytes; None: the shipped one)."""
    with styles.using(reference) as data:
        _write(blocks, out_path, Document(io.BytesIO(data)))


def _write(blocks: list[Block], out_path: Path, doc) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != f"{_W}sectPr":
            body.remove(child)
    ids = fast.StyleIds(doc)
    lists = _Lists(doc)
    out = fast.Emitter(doc)
    text_width = text_width_twips(doc)
    size = styles.style_size_pt  # a ruby's figures follow its paragraph's style (in the reference in use)
    previous: tuple[str, int] | None = None  # the numbered item before: (its delimiter, its number)
    for kind, data in blocks:
        if kind == "numbered":
            match = _NUMBERED.fullmatch(data)
            if match is None:  # no number to count: an item of the text as typed
                out.add(fast.paragraph(ids[styles.BULLET], inline_runs(data, size(styles.BULLET))))
                previous = None
                continue
            number, delimiter, text = int(match.group(1)), match.group(2), match.group(3)
            if previous != (delimiter, number - 1):
                lists.start(delimiter, number)
            out.add(fast.paragraph(ids[styles.BULLET], inline_runs(text, size(styles.BULLET)), ppr=lists.numbered()))
            previous = (delimiter, number)
            continue
        previous = None
        if kind == "heading2":
            out.add(fast.paragraph(ids[styles.HEADING[2]], inline_runs(data, size(styles.HEADING[2]))))
        elif kind == "heading":
            out.add(fast.paragraph(ids[styles.SUBHEADING], inline_runs(data, size(styles.SUBHEADING))))
        elif kind == "bullet":
            text = data.lstrip("・").lstrip("\u3000 ")  # as the report's writer: the list prints the ・
            out.add(fast.paragraph(ids[styles.BULLET], inline_runs(text, size(styles.BULLET)), ppr=lists.bullet()))
        elif kind == "grid":
            out.add(table_xml(ids, data, text_width)[0])
            out.add(fast.paragraph(ids[styles.BODY]))  # Word needs a paragraph between two tables
        elif kind in ("table", "figure"):
            out.add(fast.paragraph(ids[styles.BODY], text=marker_text(data)))
        else:
            out.add(fast.paragraph(ids[styles.BODY], inline_runs(data, size(styles.BODY))))
    out.flush()
    properties = doc.core_properties
    properties.created = properties.modified = properties.last_printed = FIXED_DATE
    properties.author = properties.last_modified_by = properties.title = properties.comments = ""
    properties.revision = 1
    properties.language = "ja-JP"
    out_path = Path(out_path)
    doc.save(str(out_path))
    normalise_zip(out_path)


class _Lists:
    """The narrative's list definitions in numbering.xml: one bulleted list, numbered lists by delimiter."""

    def __init__(self, doc) -> None:
        self.numbering = doc.part.numbering_part.element
        self._abstract_ids = [int(a.get(f"{_W}abstractNumId")) for a in self.numbering.iter(f"{_W}abstractNum")]
        self._num_ids = [int(n.get(f"{_W}numId")) for n in self.numbering.iter(f"{_W}num")]
        self._abstract: dict[str, int] = {}
        self._bullet: int | None = None
        self._current: int | None = None

    def _define(self, fmt: str, text: str) -> int:
        abstract_id = max(self._abstract_ids, default=-1) + 1
        self._abstract_ids.append(abstract_id)
        xml = (f'<w:abstractNum xmlns:w="{fast.W_NS}" w:abstractNumId="{abstract_id}">'
               '<w:multiLevelType w:val="singleLevel"/>'
               f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
               '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl></w:abstractNum>')
        first_num = self.numbering.find(f"{_W}num")
        element = parse_xml(xml)
        if first_num is not None:  # abstractNum elements come before the num elements
            first_num.addprevious(element)
        else:
            self.numbering.append(element)
        return abstract_id

    def _instance(self, abstract_id: int, start: int | None = None) -> int:
        num_id = max(self._num_ids, default=0) + 1
        self._num_ids.append(num_id)
        override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                    if start is not None else "")
        self.numbering.append(parse_xml(f'<w:num xmlns:w="{fast.W_NS}" w:numId="{num_id}">'
                                        f'<w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'))
        return num_id

    def bullet(self) -> str:
        if self._bullet is None:
            self._bullet = self._instance(self._define("bullet", BULLET_MARK[0]))
        return _numpr(self._bullet)

    def start(self, delimiter: str, number: int) -> None:
        """A new numbered list from ``number`` (its items counted by Word from there)."""
        if delimiter not in self._abstract:
            self._abstract[delimiter] = self._define("decimal", f"%1{delimiter}")
        self._current = self._instance(self._abstract[delimiter], number)

    def numbered(self) -> str:
        return _numpr(self._current)


def _numpr(num_id: int | None) -> str:
    return f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
