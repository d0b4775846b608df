"""A narrative written in Word (.docx) → the blocks of ``reportkit.blocks``, with what the report cannot carry.

What a Word user does reaches the blocks: a heading style (Heading 1/2 → a document heading,
Heading 3 and below → a sub-heading; by the style's name, 見出し too, or its outline level), a
bulleted list (→ ・ items) or a numbered list (→ its number as Word shows it, counted from
numbering.xml), a line break inside a paragraph, bold, ruby (ふりがな: Word's phonetic guide, its base
and reading as ``blocks.ruby``), a table with merged cells (``gridSpan`` →
``<`` cells, ``vMerge`` → ``^`` cells, the first row its header). A paragraph's text is the
concatenation of its runs, so a placeholder typed over runs of different formatting stays whole;
the texts are template text, filled later by ``narrative_templates``.

What the report cannot carry is a Finding naming the paragraph (1-based, every paragraph of the
body in order, table cells included): an image, a chart, a text box, a comment, a footnote, an
equation, a page break (warnings: left out of the report), a tracked change not yet accepted
(an error: which text is meant is the author's decision). The file is untrusted input: the zip
directory's sizes are checked before anything is inflated, and every part is parsed by
``files.safexml`` (no DTD, no entity, no network).
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..blocks import BOLD_OFF, BOLD_ON, MERGE_LEFT, MERGE_UP, Block, plain, ruby
from ..errors import DTDForbidden, ParseError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
QUOTE_CHARACTERS = 20
UNREADABLE = "narrative-docx-unreadable"


@dataclass(frozen=True)
class Finding:
    """Something of the file the report cannot carry (an issue code of ``issues.py``), at a paragraph (0: the file)."""

    code: str
    number: int
    quote: str = ""
    detail: str = ""
    expected: str = ""


@dataclass
class WordNarrative:
    """The blocks of a Word narrative, each with its paragraph's number and a quote of its text, and the findings."""

    blocks: list[Block] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables: dict[int, int] = field(default_factory=dict)  # a table block's number → which table it is (1, 2 …)
    cells: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # a cell's paragraph → (table, row, column)

    def place(self, number: int, quote: str) -> str:
        """Where paragraph ``number`` is, as a message names it: in a table its cell, else ``where``."""
        if number in self.cells:
            return cell_place(*self.cells[number], quote)
        return where(number, quote)

    def cell_of(self, number: int, row: int, column: int, quote: str) -> str:
        """The place of cell (``row``, ``column``; 0-based) of the table block ``number``."""
        return cell_place(self.tables.get(number, 0), row + 1, column + 1, quote)


def where(number: int, quote: str) -> str:
    """How a message names a paragraph: 「段落 12（「この報告は、…」）」, or 「ファイル内」."""
    if not number:
        return "ファイル内"
    return f"段落 {number}（「{quote}」）" if quote else f"段落 {number}"


def cell_place(table: int, row: int, column: int, quote: str) -> str:
    """How a message names a table cell: 「表 2 の 3 行 1 列（「平成２５年度」）」 (1-based, as Word shows it)."""
    place = f"表 {table} の {row} 行 {column} 列"
    return f"{place}（「{quote}」）" if quote else place


def quote_of(text: str) -> str:
    text = plain(text).replace("\n", " ").strip()
    return text if len(text) <= QUOTE_CHARACTERS else text[:QUOTE_CHARACTERS] + "…"


# What a part of a run or paragraph is, when the report leaves it out: (detail, advice).
DROPPED = {
    "image": ("画像", "図は statistics フォルダの CSV と [図:4-1] のような印の段落で入れてください"),
    "chart": ("グラフ", "図は statistics フォルダの CSV と [図:4-1] のような印の段落で入れてください"),
    "text box": ("テキストボックス", "文章は本文の段落に書いてください"),
    "object": ("埋め込まれたオブジェクト", "文章は本文の段落に、表は Word の表にしてください"),
    "comment": ("コメント", "コメントは報告書には出ません。対応が済んだら削除してください"),
    "footnote": ("脚注・文末脚注", "注は本文の段落に書いてください"),
    "equation": ("数式", "数式は文字で書いてください"),
    "page break": ("改ページ・段区切り", "改ページの位置は報告書の体裁で決まります"),
    "nested table": ("表の中の表", "表は一段の表にしてください"),
    "header": ("ヘッダー・フッター", "ページの上下の文字は報告書の体裁で決まります"),
}


class _Numbering:
    """numbering.xml: each list's levels, and Word's counters (one set per abstract list, restarted by a startOverride)."""

    def __init__(self, root) -> None:
        self.abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, tuple[int, str, str]]]] = {}
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            self.abstract[abstract.get(f"{W}abstractNumId", "")] = {
                int(lvl.get(f"{W}ilvl", "0")): _level(lvl) for lvl in abstract.iter(f"{W}lvl")}
        for num in root.iter(f"{W}num"):
            abstract_id = _val(num.find(f"{W}abstractNumId")) or ""
            starts, levels = {}, {}
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = _val(override.find(f"{W}startOverride"))
                if start is not None and start.lstrip("-").isdigit():
                    starts[ilvl] = int(start)
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self.nums[num.get(f"{W}numId", "")] = (abstract_id, starts, levels)
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()

    def level(self, num_id: str, ilvl: int) -> tuple[int, str, str] | None:
        """(start, numFmt, lvlText) of a list's level, None for no list (numId 0 or unknown)."""
        if num_id not in self.nums:
            return None
        abstract_id, _, levels = self.nums[num_id]
        return levels.get(ilvl) or self.abstract.get(abstract_id, {}).get(ilvl)

    def next_label(self, num_id: str, ilvl: int) -> str:
        """The number Word shows for the next paragraph of the list at that level (``1.``, ``(2)``, ``③``)."""
        abstract_id, starts, _ = self.nums[num_id]
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for level, start in starts.items():
                counters[level] = start - 1
        start, _, _ = self.level(num_id, ilvl) or (1, "decimal", "%1.")
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]  # a deeper level starts again under the next item of this one
        _, _, text = self.level(num_id, ilvl) or (1, "decimal", "%1.")

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            found = self.level(num_id, level) or (1, "decimal", "")
            value = counters.get(level, found[0])
            return format_number(value, found[1])

        return re.sub(r"%([1-9])", number, text)


def _level(lvl) -> tuple[int, str, str]:
    start = _val(lvl.find(f"{W}start"))
    fmt = _val(lvl.find(f"{W}numFmt")) or "decimal"
    text = lvl.find(f"{W}lvlText")
    return (int(start) if start and start.lstrip("-").isdigit() else 1, fmt,
            text.get(f"{W}val", "") if text is not None else f"%{int(lvl.get(f'{W}ilvl', '0')) + 1}.")


_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_KANJI = "〇一二三四五六七八九"
_AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"


def format_number(value: int, fmt: str) -> str:
    """A list counter as Word prints it in the level's numFmt (the common ones; any other as a decimal)."""
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(value).translate(_FULL_DIGITS)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalEnclosedParen" and 1 <= value <= 20:
        return chr(0x2474 + value - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= value <= 20:
        return chr(0x2488 + value - 1)
    if fmt in ("upperLetter", "lowerLetter") and value >= 1:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("aiueo", "aiueoFullWidth") and 1 <= value <= len(_AIUEO):
        return _AIUEO[value - 1]
    if fmt in ("iroha", "irohaFullWidth") and 1 <= value <= len(_IROHA):
        return _IROHA[value - 1]
    if fmt in ("japaneseCounting", "ideographTraditional", "chineseCounting") and 1 <= value <= 99:
        tens, ones = divmod(value, 10)
        return (("" if tens == 1 else _KANJI[tens]) + "十" if tens else "") + (_KANJI[ones] if ones else "")
    if fmt == "ideographDigital":
        return "".join(_KANJI[int(d)] for d in str(value))
    if fmt == "none":
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = []
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def _val(element) -> str | None:
    return element.get(f"{W}val") if element is not None else None


def _on(element) -> bool:
    """A toggle property (``w:b``) set on: present, without ``w:val`` or with a true one."""
    return element is not None and element.get(f"{W}val", "true").lower() not in ("0", "false", "off")


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    num: tuple[str, int] | None = None
    bold: bool | None = None


class _Styles:
    def __init__(self, root) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId", "")
            found = _Style(name=(_val(style.find(f"{W}name")) or "").lower(),
                           based_on=_val(style.find(f"{W}basedOn")))
            ppr = style.find(f"{W}pPr")
            if ppr is not None:
                outline = _val(ppr.find(f"{W}outlineLvl"))
                found.outline = int(outline) if outline and outline.isdigit() else None
                num = ppr.find(f"{W}numPr")
                if num is not None:
                    found.num = (_val(num.find(f"{W}numId")) or "0", int(_val(num.find(f"{W}ilvl")) or 0))
            rpr = style.find(f"{W}rPr")
            if rpr is not None and rpr.find(f"{W}b") is not None:
                found.bold = _on(rpr.find(f"{W}b"))
            self.styles[style_id] = found
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                self.default_paragraph = style_id

    def chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def heading_level(self, style_id: str | None) -> int | None:
        """1-based heading level of a paragraph style: by its name (heading N, 見出し N) or outline level."""
        for style in self.chain(style_id):
            match = re.fullmatch(r"(?:heading|見出し)\s*([1-9])", style.name)
            if match:
                return int(match.group(1))
            if style.outline is not None and style.outline < 9:
                return style.outline + 1
        return None

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        return next((style.num for style in self.chain(style_id) if style.num is not None), None)

    def named(self, style_id: str | None, *names: str) -> bool:
        return any(style.name in names for style in self.chain(style_id))

    def bold(self, style_id: str | None) -> bool:
        return next((style.bold for style in self.chain(style_id) if style.bold is not None), False)


@functools.lru_cache(maxsize=8)
def _styles_of(data: bytes) -> _Styles:
    """The styles of a styles.xml (read-only once made): every narrative written from reference.docx
    carries the same 370 kB part, parsed once per process rather than once per file."""
    from ..files.safexml import parse_xml

    return _Styles(parse_xml(data) if data else None)


# A run's parts the report leaves out, by tag → what they are (DROPPED, or "tracked").
_RUN_FINDINGS = {f"{W}object": "object", f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "footnote",
                 f"{W}commentReference": "comment", f"{W}delText": "tracked"}


def read_narrative(path: Path) -> WordNarrative:
    """Read the Word narrative at ``path`` (``read_narrative_data`` of its bytes)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return WordNarrative(findings=[Finding(UNREADABLE, 0, detail="ファイルを開けません")])
    return read_narrative_data(data)


def read_narrative_data(data: bytes) -> WordNarrative:
    """Read a Word narrative from its bytes, as the year's inputs hold them (``year_inputs``); an unreadable
    file is one finding (``narrative-docx-unreadable``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _Reader(archive).read()
    except ParseError as exc:  # no Word document: its reason
        reason = exc.detail
    except DTDForbidden:
        reason = "安全でない XML（外部エンティティ等）を含みます"
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:  # lxml's XMLSyntaxError too
        reason = "zip の構造が壊れています" if isinstance(exc, (zipfile.BadZipFile, EOFError)) else (
            "Word 文書に必要な部品がありません" if isinstance(exc, KeyError) else "XML が壊れています")
    return WordNarrative(findings=[Finding(UNREADABLE, 0, detail=reason)])


class _Reader:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        from ..files.safexml import parse_xml

        self.archive = archive
        self.parse = parse_xml
        total = 0
        for info in archive.infolist():
            if info.flag_bits & 0x1:
                raise ParseError(UNREADABLE, "暗号化されています")
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or (
                    info.compress_size and info.file_size > 1024 * 1024
                    and info.file_size / info.compress_size > MAX_RATIO):
                raise ParseError(UNREADABLE, "展開後の大きさが異常です")
        self.names = set(archive.namelist())
        main = next((target for _, kind, target in self._relationships("") if kind.endswith(_OFFICE_DOCUMENT)), None)
        if main is None or main not in self.names:
            raise ParseError(UNREADABLE, "Word 文書ではありません")
        self.main = main
        self.parts = {kind.rsplit("/", 1)[-1]: target for _, kind, target in self._relationships(main)
                      if target in self.names}
        self.all_parts = [(kind.rsplit("/", 1)[-1], target) for _, kind, target in self._relationships(main)
                          if target in self.names]
        styles = self.parts.get("styles")
        self.styles = _styles_of(self.archive.read(styles) if styles else b"")
        self.numbering = _Numbering(self._part("numbering"))
        self.out = WordNarrative()
        self.number = 0  # the current paragraph's number
        self.table_count = 0  # tables of the body so far (a nested one is not counted: it is left out)

    def _relationships(self, part: str) -> list[tuple[str, str, str]]:
        folder, _, file_name = part.rpartition("/")
        rels = f"{folder}/_rels/{file_name}.rels" if folder else "_rels/.rels"
        if rels not in self.names:
            return []
        found = []
        for rel in self.parse(self.archive.read(rels)).iter(_REL):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((rel.get("Id", ""), rel.get("Type", ""), target))
        return found

    def _part(self, kind: str):
        name = self.parts.get(kind)
        return self.parse(self.archive.read(name)) if name else None

    def read(self) -> WordNarrative:
        root = self.parse(self.archive.read(self.main))
        body = root.find(f"{W}body")
        if body is None:
            raise ParseError(UNREADABLE, "本文がありません")
        self._container(body)
        for kind, name in self.all_parts:
            if kind in ("header", "footer") and "".join(self.parse(self.archive.read(name)).itertext()).strip():
                self._find("header", 0)
                break
        return self.out

    # --- the body ----------------------------------------------------------------------------

    def _container(self, element) -> None:
        for child in element:
            if child.tag == f"{W}p":
                self._paragraph(child)
            elif child.tag == f"{W}tbl":
                self._table(child)
            elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent"):
                self._container(child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child)
            elif child.tag in (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"):
                self._find("tracked", self.number + 1)
                if child.tag in (f"{W}ins", f"{W}moveTo"):
                    self._container(child)
            elif child.tag == f"{MC}AlternateContent":
                choice = child.find(f"{MC}Choice")
                self._container(choice if choice is not None else child)

    def _find(self, what: str, number: int, quote: str = "") -> None:
        if what == "tracked":
            finding = Finding("narrative-docx-tracked-change", number, quote)
        else:
            detail, advice = DROPPED[what]
            finding = Finding("narrative-docx-dropped", number, quote, detail=detail, expected=advice)
        if finding not in self.out.findings:
            self.out.findings.append(finding)

    def _paragraph(self, p) -> None:
        self.number += 1
        number = self.number
        ppr = p.find(f"{W}pPr")
        style_id = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        style_id = style_id or self.styles.default_paragraph
        pending: list[str] = []
        text = self._text(p, pending, self.styles.bold(style_id))
        quote = quote_of(text)
        for what in pending:
            self._find(what, number, quote)
        if ppr is not None and (ppr.find(f"{W}rPr/{W}ins") is not None or ppr.find(f"{W}rPr/{W}del") is not None):
            self._find("tracked", number, quote)
        if not plain(text).strip():
            return
        num = None
        if ppr is not None and ppr.find(f"{W}numPr") is not None:
            numpr = ppr.find(f"{W}numPr")
            num = (_val(numpr.find(f"{W}numId")) or "0", int(_val(numpr.find(f"{W}ilvl")) or 0))
        else:
            num = self.styles.numbering(style_id)
        level = self.styles.heading_level(style_id)
        if ppr is not None and level is None:
            outline = _val(ppr.find(f"{W}outlineLvl"))
            level = int(outline) + 1 if outline and outline.isdigit() and int(outline) < 9 else None
        definition = self.numbering.level(*num) if num is not None else None
        text = _trim(text)
        if level is not None:
            block: Block = ("heading2" if level <= 2 else "heading", text)
        elif definition is not None and definition[1] == "bullet":
            block = ("bullet", text)
        elif definition is not None and definition[1] != "none":
            block = ("numbered", f"{self.numbering.next_label(*num)} {text}")
        elif self.styles.named(style_id, "箇条書き", "list bullet", "list bullet 2", "list bullet 3"):
            block = ("bullet", text)
        else:
            block = ("paragraph", text)
        self._add(block, number, quote)

    def _add(self, block: Block, number: int, quote: str) -> None:
        self.out.blocks.append(block)
        self.out.numbers.append(number)
        self.out.quotes.append(quote)

    def _text(self, element, pending: list[str], style_bold: bool) -> str:
        """The text of a paragraph (or part of one), runs concatenated; bold runs between markers."""
        parts: list[str] = []
        for child in element:
            tag = child.tag
            if tag == f"{W}r":
                parts.append(self._run(child, pending, style_bold))
            elif tag in (f"{W}del", f"{W}moveFrom"):
                pending.append("tracked")
            elif tag in (f"{W}ins", f"{W}moveTo"):
                pending.append("tracked")
                parts.append(self._text(child, pending, style_bold))
            elif tag in (f"{W}commentRangeStart",):
                pending.append("comment")
            elif tag in (f"{MATH}oMath", f"{MATH}oMathPara"):
                pending.append("equation")
            elif tag == f"{W}pPr":
                continue
            elif tag in (f"{W}hyperlink", f"{W}smartTag", f"{W}customXml", f"{W}sdt", f"{W}sdtContent",
                         f"{W}fldSimple", f"{W}dir", f"{W}bdo"):
                parts.append(self._text(child, pending, style_bold))
            elif tag == f"{MC}AlternateContent":
                choice = child.find(f"{MC}Choice")
                parts.append(self._text(choice if choice is not None else child, pending, style_bold))
        return "".join(parts)

    def _run(self, run, pending: list[str], style_bold: bool) -> str:
        rpr = run.find(f"{W}rPr")
        bold = style_bold
        if rpr is not None:
            run_style = _val(rpr.find(f"{W}rStyle"))
            if run_style and self.styles.bold(run_style):
                bold = True
            if rpr.find(f"{W}b") is not None:
                bold = _on(rpr.find(f"{W}b"))
        parts: list[str] = []
        rubies: list[tuple[str, str]] = []  # (the text before, a ruby group: bold as its base, not as the run)
        for child in run:
            tag = child.tag
            if tag == f"{W}t":
                parts.append(child.text or "")
            elif tag == f"{W}tab" or tag == f"{W}ptab":
                parts.append("\t")
            elif tag == f"{W}br":
                if child.get(f"{W}type") in ("page", "column"):
                    pending.append("page break")
                else:
                    parts.append("\n")
            elif tag == f"{W}cr":
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}sym":
                parts.append(chr(int(child.get(f"{W}char", "0"), 16)) if child.get(f"{W}char") else "")
            elif tag in (f"{W}drawing", f"{W}pict", f"{MC}AlternateContent"):
                pending.append(_drawing_kind(child))
            elif tag in _RUN_FINDINGS:
                pending.append(_RUN_FINDINGS[tag])
            elif tag == f"{W}ruby":
                rubies.append(("".join(parts), self._ruby(child, pending, style_bold)))
                parts = []
        pieces = [piece for before, group in rubies for piece in (_bold(before, bold), group)]
        return "".join([*pieces, _bold("".join(parts), bold)])

    def _ruby(self, element, pending: list[str], style_bold: bool) -> str:
        """A ``w:ruby``: its base with its reading over it, bold when the base's runs are (``blocks.ruby``)."""
        base_element, reading_element = element.find(f"{W}rubyBase"), element.find(f"{W}rt")
        base = self._text(base_element, pending, style_bold) if base_element is not None else ""
        reading = plain(self._text(reading_element, pending, False)) if reading_element is not None else ""
        group = ruby(plain(base).replace("\n", ""), reading.replace("\n", "").strip())
        return f"{BOLD_ON}{group}{BOLD_OFF}" if BOLD_ON in base and group.strip() else group

    def _table(self, table) -> None:
        rows: list[list[str]] = []
        first_number = self.number + 1
        self.table_count += 1
        for tr in table.iter(f"{W}tr"):
            if _enclosing_table(tr) is not table:
                continue
            row: list[str] = []
            trpr = tr.find(f"{W}trPr")
            before = _val(trpr.find(f"{W}gridBefore")) if trpr is not None else None
            row.extend([""] * int(before or 0) if before and before.isdigit() else [])
            for tc in _cells(tr):
                tcpr = tc.find(f"{W}tcPr")
                span_value = _val(tcpr.find(f"{W}gridSpan")) if tcpr is not None else None
                span = int(span_value) if span_value and span_value.isdigit() else 1
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                texts = []
                for p in tc.iter(f"{W}p"):
                    if _enclosing_table(p) is not table:
                        continue
                    self.number += 1
                    self.out.cells[self.number] = (self.table_count, len(rows) + 1, len(row) + 1)
                    pending: list[str] = []
                    ppr = p.find(f"{W}pPr")
                    style_id = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
                    text = self._text(p, pending, self.styles.bold(style_id))
                    for what in pending:
                        self._find(what, self.number, quote_of(text))
                    if text.strip():
                        texts.append(_trim(text))
                if tc.find(f".//{W}tbl") is not None:
                    self._find("nested table", self.number)
                if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue" and rows:
                    row.append(MERGE_UP)
                else:
                    row.append("\n".join(texts))
                row.extend([MERGE_LEFT] * (span - 1))
            rows.append(row)
        if rows:
            self.out.tables[first_number] = self.table_count
            self._add(("grid", rows), first_number, quote_of(next((c for c in rows[0] if c), "")))


def _cells(tr):
    for child in tr:
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from _cells(content)


def _enclosing_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != f"{W}tbl":
        parent = parent.getparent()
    return parent


def _drawing_kind(element) -> str:
    tags = {node.tag.rsplit("}", 1)[-1] for node in element.iter() if isinstance(node.tag, str)}
    if "txbx" in tags or "textbox" in tags or "txbxContent" in tags:
        return "text box"
    if "chart" in tags:
        return "chart"
    return "image"


def _bold(text: str, bold: bool) -> str:
    return f"{BOLD_ON}{text}{BOLD_OFF}" if bold and text.strip() else text


def _trim(text: str) -> str:
    """As the Markdown reader: outer spaces and a leading full-width space (the style indents) dropped."""
    return text.strip().lstrip("\u3000")
