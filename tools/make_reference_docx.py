"""Generate templates/reference.docx: the report's page setup and named styles.

Run ``python tools/make_reference_docx.py`` after changing a style here; people may
also edit the generated file in Word (fonts, sizes, margins) as long as the
style names stay. The render package uses only these named styles.
"""

from __future__ import annotations

import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

MINCHO = "ＭＳ 明朝"
GOTHIC = "ＭＳ ゴシック"
OUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"  # the one copy (the wheel's: setup.py)
TEXT_WIDTH = Mm(210 - 30 - 30)
LIST_AIR_PT = 0.5  # space above the list table's text in its cells
LIST_PT = 6  # the list table's type
BODY_PITCH_PT = 18
BULLET_TAB_EM = 2  # where a bullet's text starts, in characters of 10.5 pt  # the prose's exact line pitch: 39 lines on the 250 mm text height
# Legal text as the edition sets it (seed: the ordinance's and the rules' wrapped lines): an article's
# lines after the first stand ARTICLE_HANG_EM in (「第１条　…振興に」 44 em, then 「ついて、…施」 43 from 1 em);
# a further paragraph of an article starts where the text after 「第１　」 does, ARTICLE_TEXT_EM
# (「ついては、…全」, 「なお、…関係課等が、」: 32 characters to the rules' 35 em), its other lines at ARTICLE_HANG_EM.
ARTICLE_HANG_EM = 1
ARTICLE_TEXT_EM = 3
# Section 1's introduction, above its table on the reference's 150 mm, runs as はじめに does: INTRO_EM
# characters with the 1 em first-line indent (seed: 「県では、…事業活動の活」 38 after the indent, 「性化と…実施
# してき」 39), centred; PROSE_SLACK_PT as render/document.py adds to a prose section's width.
INTRO_EM = 39
PROSE_SLACK_PT = 1.0
# A chapter's opening text (２（３）, before its cards) on the reference's 150 mm, which the cards take: 本文
# ended CHAPTER_EM characters from the margin, as most of the edition's chapter pages run (seed: ②, ③ and ⑤
# 39 a line, 「活力ある企業として…多様な支援が必要」; ① and ④ 40, ⑧ 38, ⑥⑦ 36: each department's own).
CHAPTER_EM = 39
# Sub-headings stand after an empty line in the edition (seed: a blank paragraph before every ①–⑧ of section
# 1's points and every ＜平成１９年度＞ of its overview). Section 1's take Heading 5: Heading 4 with that line
# above it (EMPTY_LINE_PT, the body's pitch), so its pages end where the edition's do (p. 4 after ④'s first
# item, 「・これらの基金の活用により…」 starting p. 5). A built-in heading style, so that Word keeps it out of
# the 目次 whatever outline level the paragraph is given for the PDF's tags (render/document.py).
HEADING4_BEFORE_PT = 6
EMPTY_LINE_PT = BODY_PITCH_PT


def _fonts(style, face: str, size: float, bold: bool = False) -> None:
    style.font.name = face
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


# Japanese line-breaking (禁則): the characters no line may start with (LibreOffice's ja-JP list, which
# Word's standard level matches) and, beside them, the full-width digits: a line may not start with a
# digit, so that no number is split across lines (「平成２／５年」, 「公益財団法人２／１あおもり」), as the
# edition never splits one. Word and LibreOffice both read these settings (w:noLineBreaksBefore/After
# for ja-JP); a joiner character (U+2060) between digits does not hold in LibreOffice's PDF.
NO_BREAK_BEFORE = ("!%),.:;?]}¢°’”‰′″℃、。々〉》」』】〕゛゜ゝゞ・ヽヾ！％），．：；？］｝｡｣､･ﾞﾟ￠"
                   "０１２３４５６７８９")
NO_BREAK_AFTER = "$([\\{£¥‘“〈《「『【〔＄（［｛｢￡￥"


def _kinsoku(settings) -> None:
    """``w:noLineBreaksAfter`` / ``w:noLineBreaksBefore`` (in schema order: after characterSpacingControl)."""
    anchor = settings.find(qn("w:characterSpacingControl"))
    for tag, chars in (("w:noLineBreaksBefore", NO_BREAK_BEFORE), ("w:noLineBreaksAfter", NO_BREAK_AFTER)):
        element = OxmlElement(tag)
        element.set(qn("w:lang"), "ja-JP")
        element.set(qn("w:val"), chars)
        anchor.addnext(element)  # added second, After ends up first: the schema's order


def _outline(style, level: int | None) -> None:
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    if level is not None:
        element = OxmlElement("w:outlineLvl")
        element.set(qn("w:val"), str(level))
        # ECMA-376 CT_PPr order: outlineLvl comes after jc/textAlignment, before these.
        ppr.insert_element_before(element, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _indent_chars(style, first: int = 0, left: int = 0, hanging: int = 0) -> None:
    """Indents in hundredths of a character (Word's 字下げ), so they follow the font size."""
    ind = style.element.get_or_add_pPr().get_or_add_ind()  # inserted in schema order (before w:jc)
    if left:
        ind.set(qn("w:leftChars"), str(left))
        ind.set(qn("w:left"), str(left * 210 // 100))
    if first:
        ind.set(qn("w:firstLineChars"), str(first))
        ind.set(qn("w:firstLine"), str(first * 210 // 100))
    if hanging:
        ind.set(qn("w:hangingChars"), str(hanging))
        ind.set(qn("w:hanging"), str(hanging * 210 // 100))


def _paragraph_style(doc, name: str, base: str | None, face: str, size: float, *, bold=False,
                     align=None, before=0.0, after=0.0, page_break=False, keep_next=False,
                     outline: int | None = None, line: float | None = None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.quick_style = True
    _fonts(style, face, size, bold)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if align is not None:
        fmt.alignment = align
    fmt.page_break_before = page_break
    fmt.keep_with_next = keep_next
    style.font.color.rgb = None
    _outline(style, outline)
    return style


def _japanese_defaults(doc) -> None:
    """East Asian text of the document defaults is Japanese (line breaking, proofing, font choice)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "ja-JP")


def _drop_styles_with_effects(doc) -> None:
    """python-docx's default template carries word/stylesWithEffects.xml, a Word 2010 copy of the styles
    that no longer matches styles.xml once we change them (Word may rewrite the file over it). Dropping
    the relationship drops the part and its content type on save."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)


def build(out: Path = OUT) -> Path:
    doc = Document()
    _japanese_defaults(doc)
    _drop_styles_with_effects(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(30), Mm(30)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)

    normal = _paragraph_style(doc, "Normal", None, MINCHO, 10.5, line=1.0)
    normal.paragraph_format.widow_control = False
    # Japanese documents: no extra space between paragraphs, text justified.
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    _paragraph_style(doc, "Heading 1", "Normal", GOTHIC, 14, before=0, after=10, page_break=True,
                     keep_next=True, outline=0)
    _paragraph_style(doc, "Heading 2", "Normal", GOTHIC, 12, before=6, after=6, keep_next=True, outline=1)
    _paragraph_style(doc, "Heading 3", "Normal", GOTHIC, 11, before=6, after=6, keep_next=True, outline=2)
    heading4 = _paragraph_style(doc, "Heading 4", "Normal", GOTHIC, 10.5, before=HEADING4_BEFORE_PT, after=0,
                                keep_next=True, outline=3)
    heading4.font.italic = False
    heading5 = _paragraph_style(doc, "Heading 5", "Heading 4", GOTHIC, 10.5, before=HEADING4_BEFORE_PT + EMPTY_LINE_PT,
                                after=0, keep_next=True, outline=4)
    heading5.font.italic = False
    for level, indent in ((1, 0), (2, 100), (3, 200)):
        toc = _paragraph_style(doc, f"TOC {level}", "Normal", MINCHO, 10.5, before=3, after=3)
        toc.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if indent:
            _indent_chars(toc, left=indent)

    _paragraph_style(doc, "目次見出し", "Normal", GOTHIC, 16, align=WD_ALIGN_PARAGRAPH.CENTER, after=18)
    _paragraph_style(doc, "表紙年度", "Normal", GOTHIC, 22, align=WD_ALIGN_PARAGRAPH.CENTER, before=150, after=60)
    _paragraph_style(doc, "表紙題名", "Normal", GOTHIC, 20, align=WD_ALIGN_PARAGRAPH.CENTER, after=250)
    _paragraph_style(doc, "表紙発行", "Normal", MINCHO, 16, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)

    body = _paragraph_style(doc, "本文", "Normal", MINCHO, 10.5)
    body.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    _indent_chars(body, first=100)
    intro = _paragraph_style(doc, "導入文", "本文", MINCHO, 10.5)
    intro.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    _indent_chars(intro, first=100)
    side = (TEXT_WIDTH // 635 - round((INTRO_EM * 10.5 + PROSE_SLACK_PT) * 20)) // 2  # twips each side
    ind = intro.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:left"), str(side))
    ind.set(qn("w:right"), str(side))
    chapter = _paragraph_style(doc, "章本文", "本文", MINCHO, 10.5)
    chapter.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    _indent_chars(chapter, first=100)
    right = TEXT_WIDTH // 635 - round((CHAPTER_EM * 10.5 + PROSE_SLACK_PT) * 20)  # twips
    chapter.element.get_or_add_pPr().get_or_add_ind().set(qn("w:right"), str(right))
    # The edition's bullets: 「・」, the text from BULLET_TAB_EM (a tab: a space would take the line's
    # justification), the lines after the first at the margin.
    bullet = _paragraph_style(doc, "箇条書き", "Normal", MINCHO, 10.5)
    bullet.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    # An item is never split across pages: the edition's pp. 4–7 break between items (「・これらの基金の活用
    # により…」 starts p. 5, ＜平成２３年度＞ p. 7), never inside one (「…取り組んだ結／果、」).
    bullet.paragraph_format.keep_together = True
    bullet.paragraph_format.tab_stops.add_tab_stop(Pt(BULLET_TAB_EM * 10.5), WD_TAB_ALIGNMENT.LEFT)
    # An article of the ordinance or the rules (「第１条　…」「２　…」): its number at the margin, the
    # lines after the first ARTICLE_HANG_EM in; a further paragraph of the article (「ついては、…」) from
    # ARTICLE_TEXT_EM, its later lines as the article's.
    article = _paragraph_style(doc, "条文", "Normal", MINCHO, 10.5)
    article.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    _indent_chars(article, left=ARTICLE_HANG_EM * 100, hanging=ARTICLE_HANG_EM * 100)
    article_text = _paragraph_style(doc, "条文続き", "Normal", MINCHO, 10.5)
    article_text.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    _indent_chars(article_text, left=ARTICLE_HANG_EM * 100, first=(ARTICLE_TEXT_EM - ARTICLE_HANG_EM) * 100)
    _paragraph_style(doc, "図表題", "Normal", GOTHIC, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER, before=8, after=4,
                     keep_next=True)
    _paragraph_style(doc, "資料", "Normal", MINCHO, 9, after=6)
    _paragraph_style(doc, "注記", "Normal", MINCHO, 9, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "図", "Normal", MINCHO, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)

    _paragraph_style(doc, "表文字", "Normal", MINCHO, 9, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "表数値", "Normal", MINCHO, 9, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(doc, "表数値小", "Normal", MINCHO, 8, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(doc, "表見出し", "Normal", GOTHIC, 9, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, "表見出し小", "Normal", GOTHIC, 8, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The list table: three pages of ~60 single-line rows, as in the edition (narrow-margin section), at
    # LIST_PT: the edition's columns (施策 20 characters a line, 事業名 28, 担当課等 12, the figures and
    # the header's 「(△は予算の一部」) only fit its 192 mm at that size.
    # Each cell's text clears the rule above it by LIST_AIR_PT (the row's ROW_EXTRA_PT in the page plan).
    _paragraph_style(doc, "一覧表文字", "Normal", MINCHO, LIST_PT, align=WD_ALIGN_PARAGRAPH.LEFT, before=LIST_AIR_PT)
    _paragraph_style(doc, "一覧表数値", "Normal", MINCHO, LIST_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, before=LIST_AIR_PT)
    _paragraph_style(doc, "一覧表中央", "Normal", MINCHO, LIST_PT, align=WD_ALIGN_PARAGRAPH.CENTER, before=LIST_AIR_PT)
    _paragraph_style(doc, "一覧表見出し", "Normal", GOTHIC, LIST_PT, align=WD_ALIGN_PARAGRAPH.CENTER, before=LIST_AIR_PT)
    _paragraph_style(doc, "一覧表基本方針", "Normal", GOTHIC, LIST_PT, align=WD_ALIGN_PARAGRAPH.LEFT, before=LIST_AIR_PT)

    # The new-projects list on the body's 18 pt lines: ①–④ fill the edition's page 8, ⑤–⑧ page 9.
    # An entry is a list item, not prose: left-aligned, so a line broken before its page reference
    # is never spread over the width (full justification stretched 「…エネルギー開発振興課］」).
    entry = _paragraph_style(doc, "新規事業", "Normal", MINCHO, 10.5, before=2, align=WD_ALIGN_PARAGRAPH.LEFT)
    entry.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    summary = _paragraph_style(doc, "新規事業概要", "Normal", MINCHO, 10.5)
    summary.paragraph_format.line_spacing = Pt(BODY_PITCH_PT)
    _indent_chars(summary, left=100)  # the edition's summaries: 39 characters a line under ◎

    _paragraph_style(doc, "カード見出し", "Normal", GOTHIC, 10.5, page_break=True, after=4)
    _paragraph_style(doc, "カード項目", "Normal", GOTHIC, 10.5, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "カード本文", "Normal", MINCHO, 10.5)
    text = _paragraph_style(doc, "カード文章", "Normal", MINCHO, 10.5)
    _indent_chars(text, first=100)
    _paragraph_style(doc, "カード金額", "Normal", MINCHO, 10.5, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "カード表題", "Normal", MINCHO, 10.5, before=4, after=2, keep_next=True)
    _paragraph_style(doc, "カード表文字", "Normal", MINCHO, 9.5, align=WD_ALIGN_PARAGRAPH.LEFT)
    inner = _paragraph_style(doc, "カード表内訳", "Normal", MINCHO, 9.5, align=WD_ALIGN_PARAGRAPH.LEFT)
    _indent_chars(inner, left=100)
    _paragraph_style(doc, "カード表見出し", "Normal", MINCHO, 9.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, "カード表数値", "Normal", MINCHO, 9.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(doc, "カード経緯", "Normal", MINCHO, 10.5)
    reason = _paragraph_style(doc, "カード経緯理由", "Normal", MINCHO, 10.5)
    _indent_chars(reason, first=100)  # the edition: the reason's first line indented 1 em, then full width
    _paragraph_style(doc, "区切り", "Normal", MINCHO, 1, line=1.0)

    footer = _paragraph_style(doc, "Footer", "Normal", MINCHO, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    footer.paragraph_format.tab_stops.clear_all() if hasattr(footer.paragraph_format.tab_stops, "clear_all") else None

    # The default document holds one empty paragraph; keep the body empty.
    body_element = doc.element.body
    for paragraph in list(body_element.findall(qn("w:p"))):
        body_element.remove(paragraph)

    _kinsoku(doc.settings.element)

    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = "中小企業振興施策 年次報告 書式"
    props.revision = 1
    props.created = props.modified = datetime(2000, 1, 1)
    props.last_printed = datetime(2000, 1, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    _fix_zip(out)
    return out


def _fix_zip(path: Path) -> None:
    """Rewrite the zip with fixed timestamps so the file is byte-for-byte reproducible."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
