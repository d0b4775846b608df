"""Tracked changes (w:ins / w:del) between two rendered reports: the Word XML of the reviewer's redline.

``redline_docx(old, new, out, pairing, marks)`` writes ``new`` with every difference from ``old``
as a tracked change by ``marks``' author and date. Which pieces of the two documents belong
together is the caller's: ``pairing`` names, per side, the project behind each card bookmark (the year-over-year diff's pairing, by
管理番号, a name or a former name), so a card is compared with its own card of last year, never with
the card that happens to stand at its place. Everything else pairs by its text in document order.

What a reviewer sees:

- a paragraph whose text changed: the common beginning and end kept, the old middle deleted and the
  new middle inserted — one change per paragraph (a figure is never split: 1,237 → 1,500 is the old
  figure deleted and the new inserted; a ruby, its base with its reading, is one piece: 拓 with ひら →
  拓 with たく is the old ruby deleted and the new inserted); texts with little in common are
  replaced whole;
- a card (or list-table row, or new-projects entry) of a project only this year: inserted whole
  (its runs in w:ins, its paragraph marks and table rows marked inserted); one only last year:
  deleted whole at its old place;
- a card paired with one at another place (moved): compared at its new place, and at the old place
  a note (``notes``) inserted-and-deleted, so that it shows in review and leaves no text either way;
- a table whose grid changed (the multi-year table gains a year): the old table deleted, the new inserted.

Cached field results (PAGEREF page numbers) do not count as differences: they change with every
edition, as the diff does not compare pages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..files.safexml import parse_xml
from ..files.zipnorm import normalise_zip
from .package import DOCUMENT_XML

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CLOSE_RATIO = 0.5  # below this, a changed paragraph is replaced whole rather than in its middle
REVISION_ID_START = 100000  # above the renderer's bookmark ids
BOOKMARK_ID_OFFSET = 60000  # a deleted card's own bookmark, renumbered above the new document's
_PAGEREF = re.compile(r"PAGEREF\s+(\S+)")
_FIGURE = re.compile(r"[0-9０-９,，.．]")  # the characters of a figure: never split between kept and changed


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, R, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
PPR, RPR, TRPR, TBLGRID = w("pPr"), w("rPr"), w("trPr"), w("tblGrid")
INS, DEL = w("ins"), w("del")
_BOOKMARK_START, _BOOKMARK_END = w("bookmarkStart"), w("bookmarkEnd")
_OLD_ONLY = (_BOOKMARK_START, _BOOKMARK_END, w("sectPr"), w("drawing"), w("object"), w("pict"),
             w("commentRangeStart"), w("commentRangeEnd"), w("proofErr"))


@dataclass
class Marks:
    """The author and date of every change, and the next revision id."""

    author: str
    date: str  # ISO 8601, e.g. 2014-05-20T09:00:00Z
    next_id: int = REVISION_ID_START
    count: int = 0  # changes written (one w:ins or w:del each)
    _texts: dict = field(default_factory=dict, repr=False)
    old_bookmarks: set = field(default_factory=set, repr=False)  # old bookmark names the new document lacks
    kept_ids: set = field(default_factory=set, repr=False)  # their ids in the old document

    def text(self, element) -> str:
        """``text_of(element)``, remembered: a block's text is asked for at each level of the merge, and
        always before the merge changes it."""
        found = self._texts.get(element)
        if found is None:
            found = _join_children(element, self.text) if element.tag in _CONTAINERS else _paragraph_text(element, False)
            self._texts[element] = found
        return found

    def mark(self, kind: str) -> etree._Element:
        """A new w:ins or w:del (kind "ins"/"del") carrying id, author and date."""
        element = etree.Element(w(kind), nsmap={"w": W})
        element.set(w("id"), str(self.next_id))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        self.next_id += 1
        return element


@dataclass
class Pairing:
    """What pairs the two documents beyond their text.

    ``old_keys`` / ``new_keys``: card bookmark name → project key, per side (a project paired by the
    diff has one key on both sides). ``notes``: project key → the note left where a moved card stood;
    those projects (the diff's moves) never anchor the order of the rest.
    """

    old_keys: dict[str, Hashable] = field(default_factory=dict)
    new_keys: dict[str, Hashable] = field(default_factory=dict)
    notes: dict[Hashable, str] = field(default_factory=dict)


# -- reading ---------------------------------------------------------------------------------------

def text_of(element, *, results: bool = False) -> str:
    """The text of a paragraph, row or table: tabs and breaks as characters; cached field results left out
    unless ``results``; a table's cells and rows separated by control characters so they never merge."""
    if element.tag in _CONTAINERS:
        return _join_children(element, lambda child: text_of(child, results=results))
    return _paragraph_text(element, results)


_CONTAINERS = {TBL: ("\x1e", (TR,)), TR: ("\x1f", (TC,)), TC: ("\x1d", (P, TBL))}


def _join_children(element, text: Callable) -> str:
    separator, tags = _CONTAINERS[element.tag]
    return separator.join(text(child) for child in element.iterchildren(*tags))


_FLDCHAR, _DELTEXT, _TAB = w("fldChar"), w("delText"), w("tab")
_TEXT_NODES = (_FLDCHAR, T, _DELTEXT, _TAB, w("br"), w("cr"))


def _paragraph_text(element, results: bool) -> str:
    parts: list[str] = []
    fields: list[bool] = []  # per open field: past its separator (in its cached result)
    for node in element.iter(*_TEXT_NODES):
        tag = node.tag
        if tag == _FLDCHAR:
            kind = node.get(w("fldCharType"))
            if kind == "begin":
                fields.append(False)
            elif kind == "separate" and fields:
                fields[-1] = True
            elif kind == "end" and fields:
                fields.pop()
        elif not results and True in fields:
            continue
        elif tag == T or tag == _DELTEXT:
            parts.append(node.text or "")
        else:
            parts.append("\t" if tag == _TAB else "\n")
    return "".join(parts)


def references(element) -> list[str]:
    """The bookmarks a paragraph or row refers to (PAGEREF) or holds (bookmarkStart)."""
    names = [b.get(w("name"), "") for b in element.iter(w("bookmarkStart"))]
    for instruction in element.iter(w("instrText")):
        match = _PAGEREF.search(instruction.text or "")
        if match:
            names.append(match.group(1))
    return names


# -- marking whole pieces --------------------------------------------------------------------------

def _mark_paragraph_mark(paragraph, mark) -> None:
    """The paragraph mark inserted or deleted: w:pPr/w:rPr/w:ins|w:del (first in the mark's rPr)."""
    ppr = paragraph.find(PPR)
    if ppr is None:
        ppr = etree.SubElement(paragraph, PPR)
        paragraph.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = etree.SubElement(ppr, RPR)
        later = [c for c in ppr if c.tag in (w("sectPr"), w("pPrChange"))]
        if later:
            later[0].addprevious(rpr)
    position = 1 if mark.tag == DEL and len(rpr) and rpr[0].tag == INS else 0
    rpr.insert(position, mark)


def _as_deleted_run(run) -> None:
    for node in run.iter(T, w("instrText")):
        node.tag = w("delText") if node.tag == T else w("delInstrText")


def _strip_old_only(element, marks: Marks) -> None:
    """What old content cannot carry into the new package: section properties, pictures and charts
    (their relationships are the old package's), and the bookmarks the new document has too (a
    deleted card keeps its own, renumbered, so that the PAGEREF of its deleted list row still finds it)."""
    for node in list(element.iter(*_OLD_ONLY)):
        tag = node.tag
        if tag == _BOOKMARK_START and node.get(w("name")) in marks.old_bookmarks:
            marks.kept_ids.add(node.get(w("id")))
            node.set(w("id"), str(BOOKMARK_ID_OFFSET + int(node.get(w("id")))))
        elif tag == _BOOKMARK_END and node.get(w("id")) in marks.kept_ids:
            node.set(w("id"), str(BOOKMARK_ID_OFFSET + int(node.get(w("id")))))
        else:
            node.getparent().remove(node)


def _wrap_runs(paragraph, marks: Marks, kind: str) -> None:
    """Wrap each stretch of consecutive runs of ``paragraph`` in one w:ins / w:del."""
    children = list(paragraph)
    wrapper = None
    for child in children:
        if child.tag != R:
            wrapper = None
            continue
        if kind == "del":
            _as_deleted_run(child)
        if wrapper is None:
            wrapper = marks.mark(kind)
            child.addprevious(wrapper)
            marks.count += 1
        wrapper.append(child)


def mark_whole(element, marks: Marks, kind: str) -> None:
    """A paragraph, table or table row inserted (kind "ins") or deleted ("del") whole, nested content included."""
    if kind == "del":
        _strip_old_only(element, marks)
    for paragraph in list(element.iter(P)):
        _wrap_runs(paragraph, marks, kind)
        _mark_paragraph_mark(paragraph, marks.mark(kind))
    for row in list(element.iter(TR)):
        _mark_row(row, marks.mark(kind))


def _mark_row(row, mark) -> None:
    trpr = row.find(TRPR)
    if trpr is None:
        trpr = etree.SubElement(row, TRPR)
        before = 1 if len(row) > 1 and row[0].tag == w("tblPrEx") else 0
        row.insert(before, trpr)
    trpr.append(mark)


def note_paragraph(text: str, marks: Marks):
    """A paragraph (the document's default style) holding ``text``, inserted and deleted both: it shows
    in review and leaves no text whether the changes are accepted or rejected."""
    paragraph = etree.Element(P, nsmap={"w": W})
    inserted = marks.mark("ins")
    deleted = marks.mark("del")
    inserted.append(deleted)
    run = etree.SubElement(deleted, R)
    etree.SubElement(run, w("delText")).text = text
    paragraph.append(inserted)
    marks.count += 2
    _mark_paragraph_mark(paragraph, marks.mark("ins"))
    _mark_paragraph_mark(paragraph, marks.mark("del"))
    return paragraph


# -- a changed paragraph ---------------------------------------------------------------------------

RUBY = w("ruby")
_SIMPLE_RUN = {RPR, T, w("tab"), w("br"), RUBY}
_SIMPLE_PARAGRAPH = {PPR, R, w("bookmarkStart"), w("bookmarkEnd")}
_RUBY_ATOMS = 0xF0000  # a ruby stands for one character of Supplementary Private Use Area-A in the comparison


def _atoms(paragraph, rubies: dict[bytes, str]) -> list[tuple[str, bytes]] | None:
    """The paragraph as (character, run properties) pairs; None when it holds more than plain runs. A
    ``w:ruby`` is one character of its own, the same for the same ruby (``rubies``: its XML → that character)."""
    atoms: list[tuple[str, bytes]] = []
    for child in paragraph:
        if child.tag not in _SIMPLE_PARAGRAPH:
            return None
        if child.tag != R:
            continue
        rpr = b""
        for node in child:
            if node.tag not in _SIMPLE_RUN:
                return None
            if node.tag == RPR:
                rpr = etree.tostring(node)
            elif node.tag == RUBY:
                xml = etree.tostring(node)
                atoms.append((rubies.setdefault(xml, chr(_RUBY_ATOMS + len(rubies))), rpr))
            elif node.tag == T:
                atoms.extend((character, rpr) for character in node.text or "")
            else:
                atoms.append(("\t" if node.tag == w("tab") else "\n", rpr))
    return atoms


def _runs(atoms: list[tuple[str, bytes]], rubies: dict[str, bytes], deleted: bool = False) -> list:
    """Runs for atoms: one run per stretch of equal properties; tabs and breaks as their elements, a
    ruby (``rubies``: its character → its XML) a run of its own."""
    runs = []
    text_tag = w("delText") if deleted else T
    for character, rpr in atoms:
        if character in rubies:
            run = etree.Element(R, nsmap={"w": W})
            if rpr:
                run.append(etree.fromstring(rpr))
            run.append(etree.fromstring(rubies[character]))
            if deleted:
                _as_deleted_run(run)
            runs.append((None, run))  # nothing joins it
            continue
        if not runs or runs[-1][0] != rpr:
            run = etree.Element(R, nsmap={"w": W})
            if rpr:
                run.append(etree.fromstring(rpr))
            runs.append((rpr, run))
        run = runs[-1][1]
        if character in "\t\n":
            etree.SubElement(run, w("tab") if character == "\t" else w("br"))
            continue
        last = run[-1] if len(run) else None
        if last is None or last.tag != text_tag:
            last = etree.SubElement(run, text_tag)
            last.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        last.text = (last.text or "") + character
    return [run for _, run in runs]


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common beginning and end, never ending inside a figure (１２ → １２３ is the whole
    figure replaced, not ３ added)."""
    def figure_at(text: str, index: int) -> bool:
        return 0 <= index < len(text) and _FIGURE.match(text[index]) is not None

    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    while start and figure_at(old, start - 1) and (figure_at(old, start) or figure_at(new, start)):
        start -= 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    while end and figure_at(old, len(old) - end) and (figure_at(old, len(old) - end - 1)
                                                        or figure_at(new, len(new) - end - 1)):
        end -= 1
    return start, end


def merge_paragraph(old, new, marks: Marks):
    """``new`` with its differences from ``old`` tracked (``new`` is changed in place and returned)."""
    if marks.text(old) == marks.text(new):
        return new
    rubies: dict[bytes, str] = {}
    old_atoms, new_atoms = _atoms(old, rubies), _atoms(new, rubies)
    ruby_xml = {character: xml for xml, character in rubies.items()}
    if old_atoms is None or new_atoms is None:  # fields, pictures: the old runs deleted, the new inserted
        _strip_old_only(old, marks)
        _wrap_runs(new, marks, "ins")
        _wrap_runs(old, marks, "del")
        first = next((child for child in new if child.tag not in (PPR, w("bookmarkStart"))), None)
        deleted = [child for child in old if child.tag in (DEL,)]
        for element in deleted:
            if first is not None:
                first.addprevious(element)
            else:
                new.append(element)
        return new
    old_text = "".join(a for a, _ in old_atoms)
    new_text = "".join(a for a, _ in new_atoms)
    if difflib.SequenceMatcher(None, old_text, new_text, autojunk=False).ratio() >= CLOSE_RATIO:
        start, end = _common_ends(old_text, new_text)
    else:
        start = end = 0
    content = _runs(new_atoms[:start], ruby_xml)
    if start < len(old_atoms) - end:
        deletion = marks.mark("del")
        deletion.extend(_runs(old_atoms[start:len(old_atoms) - end], ruby_xml, deleted=True))
        content.append(deletion)
        marks.count += 1
    if start < len(new_atoms) - end:
        insertion = marks.mark("ins")
        insertion.extend(_runs(new_atoms[start:len(new_atoms) - end], ruby_xml))
        content.append(insertion)
        marks.count += 1
    content.extend(_runs(new_atoms[len(new_atoms) - end:], ruby_xml))
    starts = [c for c in new if c.tag == w("bookmarkStart")]
    ends = [c for c in new if c.tag == w("bookmarkEnd")]
    for child in list(new):
        if child.tag != PPR:
            new.remove(child)
    new.extend(starts + content + ends)
    return new


# -- tables and sequences of blocks ----------------------------------------------------------------

def merge_table(old, new, marks: Marks, key: Callable) -> list:
    """The merged table (one element), or the old table deleted and the new inserted when the grids differ."""
    old_grid, new_grid = old.find(TBLGRID), new.find(TBLGRID)
    if old_grid is None or new_grid is None or len(old_grid) != len(new_grid):
        mark_whole(old, marks, "del")
        mark_whole(new, marks, "ins")
        return [old, _separator(marks), new]
    old_rows, new_rows = old.findall(TR), new.findall(TR)
    merged = merge_sequence([[r] for r in old_rows], [[r] for r in new_rows], marks, key)
    for row in new_rows:
        new.remove(row)
    new.extend(merged)
    return [new]


def _separator(marks: Marks):
    """An empty paragraph between a deleted and an inserted table (two tables touching become one),
    inserted and deleted both: gone whether the changes are accepted or rejected."""
    paragraph = etree.Element(P, nsmap={"w": W})
    _mark_paragraph_mark(paragraph, marks.mark("ins"))
    _mark_paragraph_mark(paragraph, marks.mark("del"))
    return paragraph


def _merge_row(old, new, marks: Marks, key: Callable) -> list:
    old_cells, new_cells = old.findall(TC), new.findall(TC)
    if len(old_cells) != len(new_cells):
        return _whole([old], marks, "del") + _whole([new], marks, "ins")
    for old_cell, new_cell in zip(old_cells, new_cells):
        blocks = [c for c in new_cell if c.tag in (P, TBL)]
        merged = merge_sequence([[c] for c in old_cell if c.tag in (P, TBL)], [[c] for c in blocks], marks, key)
        for block in blocks:
            new_cell.remove(block)
        new_cell.extend(merged)
    return [new]


def _merge_pair(old: list, new: list, marks: Marks, key: Callable) -> list:
    """Two paired units (lists of blocks or rows): merged block by block."""
    if len(old) == 1 and len(new) == 1:
        a, b = old[0], new[0]
        if a.tag == b.tag == P:
            return [merge_paragraph(a, b, marks)]
        if a.tag == b.tag == TBL:
            return merge_table(a, b, marks, key)
        if a.tag == b.tag == TR:
            if marks.text(a) == marks.text(b):
                return [b]
            return _merge_row(a, b, marks, key)
        return _whole(old, marks, "del") + _whole(new, marks, "ins")
    return merge_sequence([[e] for e in old], [[e] for e in new], marks, key)


def _whole(unit: list, marks: Marks, kind: str) -> list:
    for element in unit:
        mark_whole(element, marks, kind)
    return unit


def merge_sequence(old: list[list], new: list[list], marks: Marks, key: Callable,
                   note: Callable | None = None) -> list:
    """Two sequences of units (a unit: the blocks or rows that go together, e.g. a card's header and
    table) merged: units of one project key pair wherever they stand; other units pair by their text
    in order, and where texts differ, one by one in their runs of differences."""
    old_keys, new_keys = [key(u) for u in old], [key(u) for u in new]
    opcodes = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    unpaired_old = {}
    for tag, i1, i2, _j1, _j2 in opcodes:
        if tag in ("delete", "replace"):
            for i in range(i1, i2):
                if _is_project(old_keys[i]):
                    unpaired_old.setdefault(old_keys[i][1], i)
    moved_new = {k[1] for tag, _i1, _i2, j1, j2 in opcodes if tag in ("insert", "replace")
                 for k in new_keys[j1:j2] if _is_project(k) and k[1] in unpaired_old}
    out: list = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                out.extend(_merge_pair(old[i], new[j], marks, key))
            continue
        # inside a run of differences: units of the same shape pair in order (the k-th paragraph with
        # the k-th paragraph), a project's unit with nothing else
        shapes_old = [_shape(old[i], old_keys[i]) for i in range(i1, i2)]
        shapes_new = [_shape(new[j], new_keys[j]) for j in range(j1, j2)]
        inner = difflib.SequenceMatcher(None, shapes_old, shapes_new, autojunk=False).get_opcodes()
        for inner_tag, k1, k2, l1, l2 in inner:
            if inner_tag == "equal":
                for i, j in zip(range(i1 + k1, i1 + k2), range(j1 + l1, j1 + l2)):
                    out.extend(_merge_pair(old[i], new[j], marks, key))
                continue
            for i in range(i1 + k1, i1 + k2):
                if _is_project(old_keys[i]) and old_keys[i][1] in moved_new:  # moved: compared at its new place
                    text = note(old_keys[i][1]) if note is not None else ""
                    if text:
                        out.append(note_paragraph(text, marks))
                    continue
                out.extend(_whole(old[i], marks, "del"))
            for j in range(j1 + l1, j1 + l2):
                if _is_project(new_keys[j]) and new_keys[j][1] in moved_new:
                    out.extend(_merge_pair(old[unpaired_old[new_keys[j][1]]], new[j], marks, key))
                else:
                    out.extend(_whole(new[j], marks, "ins"))
    return out


def _shape(unit: list, key) -> tuple:
    return key if _is_project(key) else tuple(element.tag for element in unit)


def _is_project(key) -> bool:
    return key[0] == "project"


# -- the document ----------------------------------------------------------------------------------

def _body_units(body, bookmark_keys: dict[str, Hashable]) -> list[list]:
    """The body's blocks as units: a card (its header paragraph, holding the card's bookmark, and its
    table) is one unit; every other block is a unit of its own. The final sectPr is left out."""
    units: list[list] = []
    children = [c for c in body if c.tag != w("sectPr")]
    index = 0
    while index < len(children):
        child = children[index]
        if (child.tag == P and index + 1 < len(children) and children[index + 1].tag == TBL
                and any(name in bookmark_keys for name in (b.get(w("name")) for b in child.iter(w("bookmarkStart"))))):
            units.append([child, children[index + 1]])
            index += 2
            continue
        units.append([child])
        index += 1
    return units


def _keyer(bookmark_keys: dict[str, Hashable], moved: set, side: str, marks: Marks) -> Callable:
    """A unit's key: ("project", (kind, project key)) for a card, list row or entry (a paragraph) of a
    project (with the side added for a moved one, so that it anchors nothing), ("text", tag, text) for
    the rest (a whole table among them: its first reference is not what it is)."""
    def key(unit: list):
        first = unit[0]
        if len(unit) > 1 or first.tag in (P, TR):
            for name in references(first):
                if name in bookmark_keys:
                    kind = "card" if len(unit) > 1 else first.tag.rsplit("}", 1)[1]
                    project = bookmark_keys[name]
                    return ("project", (kind, project)) + ((side,) if project in moved else ())
        return ("text", first.tag, "\x1c".join(marks.text(e) for e in unit))
    return key


def merge_bodies(old_body, new_body, pairing: Pairing, marks: Marks) -> None:
    """``new_body`` (a w:body) with the tracked changes from ``old_body``, in place."""
    moved = set(pairing.notes)
    old_key = _keyer(pairing.old_keys, moved, "old", marks)
    new_key = _keyer(pairing.new_keys, moved, "new", marks)
    old_root = old_body.getroottree().getroot()

    def key(unit: list):  # keys are taken before anything of that level moves: the tree tells the side
        return (old_key if unit[0].getroottree().getroot() is old_root else new_key)(unit)

    def note(project) -> str:
        kind, name = project
        return pairing.notes.get(name, "") if kind == "card" else ""

    new_names = {b.get(w("name")) for b in new_body.iter(_BOOKMARK_START)}
    marks.old_bookmarks = {b.get(w("name")) for b in old_body.iter(_BOOKMARK_START)} - new_names
    sect = new_body.find(w("sectPr"))
    merged = merge_sequence(_body_units(old_body, pairing.old_keys), _body_units(new_body, pairing.new_keys),
                            marks, key, note)
    for child in list(new_body):
        new_body.remove(child)
    new_body.extend(merged)
    if sect is not None:
        new_body.append(sect)


def redline_docx(old_docx: Path, new_docx: Path, out_path: Path, pairing: Pairing, marks: Marks) -> None:
    """Write ``out_path``: ``new_docx`` (a file beside it, copied) with its differences from ``old_docx`` tracked."""
    import shutil
    import zipfile

    with zipfile.ZipFile(old_docx) as package:
        old_root = parse_xml(package.read(DOCUMENT_XML))

    def change(data: bytes) -> bytes:
        root = parse_xml(data)
        merge_bodies(old_root.find(w("body")), root.find(w("body")), pairing, marks)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    shutil.copyfile(new_docx, out_path)
    normalise_zip(Path(out_path), edit={DOCUMENT_XML: change})
