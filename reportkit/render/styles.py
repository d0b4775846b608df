"""Names of the styles of reference.docx that the render package uses, and the figures (font size,
spacing, exact line pitch) the page plan reads from them, so that a style edited in Word moves the
plan with it.

The shipped reference.docx is the repository's top-level ``templates/reference.docx`` (in a wheel,
``reportkit/templates/``, copied there by setup.py). An input folder's own ``templates/reference.docx``
(``year_inputs``) replaces it for one build: ``render_report`` makes its bytes the reference in use
(``using``) while it renders, and every figure below is read from the reference in use. ``check``
tells, before a build, what the layout needs that a reference edited in Word lacks.
"""

from __future__ import annotations

import contextlib
import functools
import io
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import InputFileError

_PACKAGE = Path(__file__).resolve().parents[1]


def shipped_reference() -> Path:
    """The shipped reference.docx: the package's copy (a wheel), else the source tree's top-level one."""
    for folder in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (folder / "reference.docx").is_file():
            return folder / "reference.docx"
    return _PACKAGE.parent / "templates" / "reference.docx"


REFERENCE_DOCX = shipped_reference()

HEADING = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
SUBHEADING = "Heading 4"  # narrative sub-headings; in the navigation pane, not in the TOC
TOC = {1: "TOC 1", 2: "TOC 2", 3: "TOC 3"}
TOC_TITLE = "目次見出し"
COVER_YEAR, COVER_TITLE, COVER_PUBLISHER = "表紙年度", "表紙題名", "表紙発行"
BODY = "本文"
INTRO = "導入文"  # section 1's introduction above its table: 本文 as wide as はじめに's lines, centred
CHAPTER_BODY = "章本文"  # a chapter's opening text: 本文 ended at the edition's width short of the cards' 150 mm
SECTION1_SUBHEADING = "Heading 5"  # section 1's ①–⑧ and ＜平成１９年度＞: Heading 4 after the edition's empty line
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

# every style the layout names (and Normal, which the page plan reads for any other paragraph)
LAYOUT_STYLES = (
    "Normal", *HEADING.values(), SUBHEADING, SECTION1_SUBHEADING, *TOC.values(), TOC_TITLE, COVER_YEAR, COVER_TITLE, COVER_PUBLISHER,
    BODY, INTRO, CHAPTER_BODY, BULLET, ARTICLE, ARTICLE_TEXT, CAPTION, SOURCE, NOTE, FIGURE, TABLE_TEXT, TABLE_NUMBER,
    TABLE_HEADER, TABLE_HEADER_SMALL, FIGURES, LIST_TEXT, LIST_NUMBER, LIST_CENTER, LIST_HEADER, LIST_POLICY,
    NEW_ENTRY, NEW_SUMMARY, CARD_HEADER, CARD_LABEL, CARD_TEXT, CARD_PARAGRAPH, CARD_AMOUNT, CARD_CAPTION,
    CARD_CELL, CARD_CELL_INNER, CARD_CELL_HEADER, CARD_CELL_NUMBER, CARD_HISTORY, CARD_HISTORY_REASON,
    SECTION_BREAK, FOOTER, HEADER, TABLE)
# how Word's Japanese menus name the built-in styles among them (the styles.xml names are English)
WORD_JAPANESE_NAMES = {"Normal": "標準", **{f"Heading {n}": f"見出し {n}" for n in range(1, 6)},
                       **{f"TOC {n}": f"目次 {n}" for n in range(1, 4)}, FOOTER: "フッター", HEADER: "ヘッダー",
                       TABLE: "表 (格子)"}
WAY_OUT = ("Word で元の名前のスタイルを作り直すか、reportkit template --styles フォルダ で配布版の reference.docx を"
           "取り出して、それを編集し直してください（templates/ フォルダを消すと配布版の書式で作ります）。")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check(data: bytes, where: Path) -> None:
    """Refuse a reference.docx (``data``, read from ``where``) the layout cannot use: InputFileError naming
    the first style missing, or the page size and margins that cannot be read. Word keeps a style's name as
    written (「本文」, 「heading 1」); the layout looks styles up by name, case aside."""
    try:
        root = _styles_root(data)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            body = etree.fromstring(package.read("word/document.xml"),
                                    etree.XMLParser(resolve_entities=False, no_network=True)).find(f"{_W}body")
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise InputFileError(f"{where} を Word の書式（reference.docx）として読めません（{exc}）。{WAY_OUT}") from None
    names = {name.get(f"{_W}val", "").lower() for name in root.iter(f"{_W}name")}
    missing = [style for style in LAYOUT_STYLES if style.lower() not in names]
    if missing:
        listed = "、".join(f"「{WORD_JAPANESE_NAMES[style]}」（{style}）" if style in WORD_JAPANESE_NAMES else f"「{style}」"
                          for style in missing)
        raise InputFileError(f"{where} に報告書が使うスタイル {listed} がありません。{WAY_OUT}")
    section = None if body is None else body.find(f"{_W}sectPr")
    size = None if section is None else section.find(f"{_W}pgSz")
    margins = None if section is None else section.find(f"{_W}pgMar")
    try:
        width, height = (int(size.get(f"{_W}{key}")) for key in ("w", "h"))
        top, bottom, left, right = (abs(int(margins.get(f"{_W}{key}"))) for key in ("top", "bottom", "left", "right"))
    except (AttributeError, TypeError, ValueError):
        raise InputFileError(f"{where} の用紙の大きさと余白が読めません（ページ設定がありません）。"
                             "Word の［レイアウト］→［ページ設定］で用紙と余白を設定し直して保存してください。") from None
    if width - left - right <= 0 or height - top - bottom <= 0:
        raise InputFileError(f"{where} の余白が用紙より大きく、本文の入る所がありません。"
                             "Word の［レイアウト］→［余白］で設定し直してください。")


@dataclass(frozen=True)
class StyleFigures:
    """What the page plan reads from one paragraph style of reference.docx, in points."""

    size: float  # font size
    spacing: float  # space before + after
    exact_line: float | None  # an exact line pitch; None when the spacing is not exact
    keep_lines: bool = False  # w:keepLines: the paragraph is never split across pages


_IN_USE: ContextVar[bytes | None] = ContextVar("reference_in_use", default=None)


@functools.lru_cache(maxsize=1)
def _shipped_bytes() -> bytes:
    return REFERENCE_DOCX.read_bytes()


def in_use() -> bytes:
    """The bytes of the reference.docx in use: an input folder's own while ``using`` it, else the shipped one."""
    data = _IN_USE.get()
    return _shipped_bytes() if data is None else data


@contextlib.contextmanager
def using(data: bytes | None) -> Iterator[bytes]:
    """Read every figure from the reference.docx ``data`` (None: the shipped one) inside the block."""
    token = _IN_USE.set(data)
    try:
        yield in_use()
    finally:
        _IN_USE.reset(token)


def style_figures(name: str, reference: Path | bytes | None = None) -> StyleFigures:
    """The figures of the paragraph style ``name`` (as Word names it), through basedOn and docDefaults,
    in ``reference`` (a path or the bytes of a reference.docx; None: the one in use)."""
    data = in_use() if reference is None else reference if isinstance(reference, bytes) else Path(reference).read_bytes()
    try:
        return _read(data)[name.lower()]
    except KeyError:
        raise KeyError(f"reference.docx has no paragraph style named {name!r}") from None


def style_size_pt(name: str, reference: Path | bytes | None = None) -> float:
    """The font size in points of the paragraph style ``name``."""
    return style_figures(name, reference).size


def _styles_root(data: bytes):
    """styles.xml of a reference.docx's bytes (lxml, no entity, no network: a user's file may be edited)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/styles.xml"),
                                etree.XMLParser(resolve_entities=False, no_network=True))


@functools.lru_cache(maxsize=4)
def _read(data: bytes) -> dict[str, StyleFigures]:  # keyed by content (bytes keep their hash): read once
    root = _styles_root(data)
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
