"""How much of a page each piece of the report takes, estimated without a layout engine.

Heights are in points, measured on LibreOffice's PDF of the 平成25年度 sample with the IPAex
fonts: a single-spaced line is 7/6 of its font size; 本文 and 箇条書き have exact 18 pt lines;
a line holds as many full-width characters as its width in points over the font size (half-width
characters count half). The renderer sums these per run of pages to plan every heading's page
(``plan_flow``), and places chapters and cards (``plan_pages``).
"""

from __future__ import annotations

import math

from ..japanese import display_width
from . import styles

LINE = 1.0
BODY_PITCH = 18.0
PT_PER_MM = 72 / 25.4
HEADING_PT = 26.5  # one line of Heading 1–3 with its spacing
PICTURE_EXTRA_PT = 2.0
ROW_EXTRA_PT = 0.5  # a table row's border
# Twips above and below a table cell's text (section 1's and section 3's tables, a narrative's table such as
# the rules' 別表), so that no glyph touches the rule above or below it; what it adds to a row, in points:
CELL_AIR = 30
AIR_PT = 2 * CELL_AIR / 20
# style → (first-line offset in characters, left indent in characters); the font size, line pitch
# and spacing come from the style in reference.docx. Other styles are read as Normal.
_INDENTS = {
    styles.BODY: (1, 0),
    styles.INTRO: (1, 1.4),  # 本文 indented each side to 39 characters in the reference's 150 mm (40.5)
    styles.CHAPTER_BODY: (1, 1.4),  # 本文 ended 39 characters from the margin of the reference's 150 mm
    styles.SECTION1_SUBHEADING: (0, 0),
    styles.BULLET: (0.5, 0),  # 「・」 and a tab to 2 em: half an em more than display_width counts
    styles.ARTICLE: (-1, 1),  # the later lines one character in: the first line one character longer
    styles.ARTICLE_TEXT: (2, 1),
    styles.SUBHEADING: (0, 0),
    styles.CAPTION: (0, 0),
    styles.SOURCE: (0, 0),
    styles.NOTE: (0, 0),
    styles.NEW_ENTRY: (0, 0),
    styles.NEW_SUMMARY: (0, 1),
}


def _metrics(style: str) -> tuple[float, float, float, float, float]:
    """(font size, line pitch, space before + after, first-line offset, left indent) of ``style``, in the
    reference.docx in use (``styles.using``)."""
    if style not in _INDENTS:
        style = "Normal"
    figures = styles.style_figures(style)
    pitch = figures.exact_line if figures.exact_line is not None else figures.size * LINE
    return (figures.size, pitch, figures.spacing, *_INDENTS.get(style, (0, 0)))


def heading_font_pt(level: int) -> float:
    """The font size of Heading ``level`` in reference.docx."""
    return styles.style_size_pt(styles.HEADING[level])


def lines(text: str, chars_per_line: float, first_offset: float = 0) -> int:
    """Lines a text takes at ``chars_per_line`` full-width characters; every newline starts a line."""
    per_line = max(1, int(chars_per_line))
    return sum(max(1, math.ceil((display_width(line) / 2 + first_offset) / per_line)) for line in str(text).split("\n"))


def paragraph_height(style: str, text: str, width_pt: float) -> float:
    """Points a paragraph of ``style`` takes in a text area ``width_pt`` wide."""
    size, pitch, spacing, first, indent = _metrics(style)
    return lines(text, width_pt / size - indent, first) * pitch + spacing


def heading_height(level: int, text: str, width_pt: float) -> float:
    size = heading_font_pt(level)
    return HEADING_PT + (lines(text, width_pt / size) - 1) * size * LINE


# Advance widths (in em) of half-width digits and signs in each font a figure may be drawn in: Word's
# ＭＳ 明朝 and its substitute IPA明朝 (every half-width glyph ½ em), IPAex明朝, and DejaVu Serif,
# LibreOffice's fallback for the Latin text of a missing ＭＳ 明朝 (read from the fonts' hmtx tables).
# A figure's width is its width in the widest of them, so a figure that fits fits in every one.
_FIGURE_FONTS_EM = (
    {**{digit: 0.5 for digit in "0123456789"}, ",": 0.5, ".": 0.5, "-": 0.5, " ": 0.5},  # ＭＳ 明朝, IPA明朝
    {**{digit: 0.618 for digit in "0123456789"}, ",": 0.238, ".": 0.238, "-": 0.295, " ": 0.29},  # IPAex明朝
    {**{digit: 0.636 for digit in "0123456789"}, ",": 0.318, ".": 0.318, "-": 0.338, " ": 0.318},  # DejaVu Serif
)
_FULL_SIGNS = {"▲": 1.0, "△": 1.0, "○": 1.0}  # full width in the Japanese fonts (DejaVu's are narrower)


AUTOSPACE_EM = 0.25  # the space Word and LibreOffice put between Japanese and Latin text or digits


def figure_width_pt(text: str, font_pt: float) -> float:
    """The printed width of a figure (``57,305,003``) in points; other characters by their width, with
    the space between Japanese and half-width letters or digits (``平成18年``: two)."""
    widest = max(sum(em.get(ch) or _FULL_SIGNS.get(ch) or display_width(ch) / 2 for ch in text)
                 for em in _FIGURE_FONTS_EM)
    changes = sum(1 for a, b in zip(text, text[1:])
                  if (display_width(a) == 2 and b.isascii() and b.isalnum())
                  or (display_width(b) == 2 and a.isascii() and a.isalnum()))
    return (widest + changes * AUTOSPACE_EM) * font_pt


def cell_height(text: str, width_pt: float, font_pt: float, margin_pt: float = 0.0) -> float:
    """The height of a table cell's text (``margin_pt`` each side of the cell)."""
    return lines(text, (width_pt - 2 * margin_pt) / font_pt) * font_pt * LINE


def row_height(cells: list[float]) -> float:
    """A table row: its tallest cell and the border."""
    return max(cells, default=0.0) + ROW_EXTRA_PT


def text_height_pt(section) -> float:
    """The height of a section's text area in points."""
    return (section.page_height - section.top_margin - section.bottom_margin) / 12700


def plan_flow(runs: list[tuple[float, float]], marks: dict[str, tuple[int, float]],
              first_page: int, odd_runs: frozenset[int] = frozenset()) -> tuple[dict[str, int], int]:
    """The printed page of headings in flowing text, and the first page after it.

    ``runs``: per run of pages (each starts on a new page: a level-1 heading, a heading the edition
    starts on a new page, a new section) its estimated height and the height of its pages' text
    area, in the same unit; ``marks``: heading bookmark → (index in ``runs``, height before the
    heading in its run). The first run starts on ``first_page`` and a run takes
    ``ceil(height / page height)`` pages; a heading is on the page its preceding content fills. A run
    whose index is in ``odd_runs`` starts on an odd page (a blank page before it when needed).
    """
    starts = []
    page = first_page
    for index, (used, capacity) in enumerate(runs):
        if index in odd_runs and page % 2 == 0:
            page += 1
        starts.append(page)
        page += math.ceil(used / capacity) if used > 0 else 0
    plan = {}
    for name, (run, before) in marks.items():
        if 0 <= run < len(runs):
            plan[name] = starts[run] + int(before // runs[run][1])
    return plan, page


def plan_pages(chapters: list[tuple[list[str], list[str]]], first_free_page: int) -> dict[str, int]:
    """The printed page of every chapter heading and card when the front matter ends before ``first_free_page``.

    ``chapters``: per chapter (its heading bookmarks, its card bookmarks in order). Each chapter
    starts on an odd page with its narrative on that page, and every card takes exactly one page,
    so this is exact once the page the first chapter may start on is known (the renderer's
    estimate without LibreOffice; the measured pages replace it when LibreOffice runs).
    """
    plan: dict[str, int] = {}
    page = first_free_page
    for headings, cards in chapters:
        if page % 2 == 0:
            page += 1  # the blank left page before a chapter
        for name in headings:
            plan[name] = page
        for offset, name in enumerate(cards, start=1):
            plan[name] = page + offset
        page += len(cards) + 1
    return plan
