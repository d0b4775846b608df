"""Names of the styles of reportkit/templates/reference.docx that the render package uses, and the
figures (font size, spacing, exact line pitch) the page plan reads from them, so that a style edited
in Word moves the plan with it."""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

REFERENCE_DOCX = Path(__file__).resolve().parents[1] / "templates" / "reference.docx"  # package data

HEADING = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
SUBHEADING = "Heading 4"  # narrative sub-headings; in the navigation pane, not in the TOC
TOC = {1: "TOC 1", 2: "TOC 2", 3: "TOC 3"}
TOC_TITLE = "目次見出し"
COVER_YEAR, COVER_TITLE, COVER_PUBLISHER = "表紙年度", "表紙題名", "表紙発行"
BODY = "本文"
INTRO = "導入文"  # section 1's introduction above its table: 本文 as wide as はじめに's lines, centred
BULLET = "箇条書き"
ARTICLE = "条文"  # a paragraph of the ordinance or the rules that starts with its article's number
ARTICLE_TEXT = "条文続き"  # a further paragraph of an article (「ついては、…」「なお、…」)
CAPTION = "図表題"
SOURCE = "資料"
NOTE = "注記"
FIGURE = "図"
TABLE_TEXT, TABLE_NUMBER, TABLE_HEADER = "表文字", "表数値", "表見出し"
TABLE_HEADER_SMALL = "表見出し小"  # the head of a table set in 表数値小
FIGURES = "表数値小"  # the multi-year table (8 pt): eight-digit amounts in narrow columns
LIST_TEXT, LIST_NUMBER, LIST_CENTER, LIST_HEADER, LIST_POLICY = (
    "一覧表文字", "一覧表数値", "一覧表中央", "一覧表見出し", "一覧表基本方針")
NEW_ENTRY, NEW_SUMMARY = "新規事業", "新規事業概要"
CARD_HEADER, CARD_LABEL, CARD_TEXT, CARD_PARAGRAPH, CARD_AMOUNT = (
    "カード見出し", "カード項目", "カード本文", "カード文章", "カード金額")
CARD_CAPTION, CARD_CELL, CARD_CELL_INNER, CARD_CELL_HEADER = (
    "カード表題", "カード表文字", "カード表内訳", "カード表見出し")
CARD_CELL_NUMBER = "カード表数値"  # a figure in a card's table, right-aligned
CARD_HISTORY, CARD_HISTORY_REASON = "カード経緯", "カード経緯理由"
SECTION_BREAK = "区切り"
FOOTER = "Footer"
HEADER = "Header"
TABLE = "Table Grid"
LIST_TABLE = TABLE  # the list table: bordered grid; its look comes from the 一覧表* paragraph styles


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class StyleFigures:
    """What the page plan reads from one paragraph style of reference.docx, in points."""

    size: float  # font size
    spacing: float  # space before + after
    exact_line: float | None  # an exact line pitch; None when the spacing is not exact
    keep_lines: bool = False  # w:keepLines: the paragraph is never split across pages


def style_figures(name: str, reference: Path = REFERENCE_DOCX) -> StyleFigures:
    """The figures of the paragraph style ``name`` (as Word names it), through basedOn and docDefaults."""
    try:
        return _read(Path(reference))[name.lower()]
    except KeyError:
        raise KeyError(f"reference.docx has no paragraph style named {name!r}") from None


def style_size_pt(name: str, reference: Path = REFERENCE_DOCX) -> float:
    """The font size in points of the paragraph style ``name``."""
    return style_figures(name, reference).size


@functools.lru_cache(maxsize=8)
def _read(reference: Path) -> dict[str, StyleFigures]:
    with zipfile.ZipFile(reference) as package:  # our own template (lxml: 4x defusedxml's speed on its 360 kB)
        root = etree.fromstring(package.read("word/styles.xml"),
                                etree.XMLParser(resolve_entities=False, no_network=True))
    defaults = root.find(f"{_W}docDefaults")

    def own(element, key: str) -> str | None:
        """The value ``key`` set directly on a style (or docDefaults' rPr/pPr), None when not set."""
        if element is None:
            return None
        if key == "sz":
            found = element.find(f"{_W}rPr/{_W}sz")
            if found is None:
                found = element.find(f"{_W}rPrDefault/{_W}rPr/{_W}sz")
            return None if found is None else found.get(f"{_W}val")
        found = element.find(f"{_W}pPr/{_W}spacing")
        if found is None:
            found = element.find(f"{_W}pPrDefault/{_W}pPr/{_W}spacing")
        return None if found is None else found.get(f"{_W}{key}")

    styles_by_id, names = {}, {}
    for style in root.iter(f"{_W}style"):
        if style.get(f"{_W}type") == "paragraph":
            sid = style.get(f"{_W}styleId")
            name = style.find(f"{_W}name")
            styles_by_id[sid] = style
            names[sid] = (sid if name is None else name.get(f"{_W}val")).lower()

    def inherited(sid: str, key: str) -> str | None:
        seen = set()
        while sid in styles_by_id and sid not in seen:
            seen.add(sid)
            value = own(styles_by_id[sid], key)
            if value is not None:
                return value
            based = styles_by_id[sid].find(f"{_W}basedOn")
            sid = None if based is None else based.get(f"{_W}val")
        return own(defaults, key)

    def keeps_lines(sid: str) -> bool:
        seen = set()
        while sid in styles_by_id and sid not in seen:
            seen.add(sid)
            found = styles_by_id[sid].find(f"{_W}pPr/{_W}keepLines")
            if found is not None:
                return found.get(f"{_W}val", "1") not in ("0", "false")
            based = styles_by_id[sid].find(f"{_W}basedOn")
            sid = None if based is None else based.get(f"{_W}val")
        return False

    def figures(sid: str) -> StyleFigures:
        size = inherited(sid, "sz")
        line, rule = inherited(sid, "line"), inherited(sid, "lineRule")
        return StyleFigures(int(size) / 2 if size is not None else 10.0,  # Word's default: 10 pt
                            (int(inherited(sid, "before") or 0) + int(inherited(sid, "after") or 0)) / 20,
                            int(line) / 20 if line is not None and rule == "exact" else None, keeps_lines(sid))

    return {names[sid]: figures(sid) for sid in styles_by_id}
