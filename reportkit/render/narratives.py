"""Narrative texts: jinja2 templates in a small Markdown dialect, written as named-style paragraphs.

The dialect: ``## `` a document heading (section ４'s texts, listed in the TOC),
``### `` a sub-heading, ``- `` items printed with ・, ``1. `` items printed with their number as
typed, blank-line separated paragraphs (line breaks inside a paragraph are joined without a space,
as Japanese text wants), a pipe table (a real Word table; an empty first cell or a ``^`` cell
continues the cell above, a ``<`` cell widens the cell to its left), and a paragraph that is exactly
``[表:4-1]`` or ``[図:4-1]`` is replaced by that statistics table or chart; ``**bold**`` is bold
(a single ``*`` or ``_`` prints as typed); ruby (ふりがな) as Aozora Bunko writes it: ``｜確か《たしか》``
(the base after a bar, ``｜`` or ``|``) or ``拓《ひら》`` (the run of kanji just before ``《``), and
``｜《`` prints ``《`` as typed. A narrative written in Word (``.docx``) is read into the
same blocks (``reportkit.blocks``) by ``reportkit.word.reader``, its placeholders filled paragraph by
paragraph. The templates themselves (placeholders, checks) are ``reportkit.report.narrative_templates``'.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

from ..blocks import BOLD_OFF, BOLD_ON, MERGE_LEFT, MERGE_UP, Block, has_inline, plain, ruby, spans
from ..japanese import display_width
from ..report.narrative_templates import NarrativeError, make_environment, render_narrative, render_word_narrative, word_source
from ..inputs.statistics import marker_key
from ..inputs.year_inputs import Narratives
from . import fast_table as fast
from . import styles
from .estimate import AIR_PT, CELL_AIR, cell_height, row_height

CELL_MARGIN = 40  # twips each side, as the statistics tables

__all__ = ["Block", "NarrativeError", "load", "make_environment", "parse", "render_source", "table_xml", "write"]


def render_source(narratives: Narratives, name: str, context: dict) -> str:
    """The template's text with placeholders filled (``.md`` files are taken verbatim)."""
    return render_narrative(narratives, name, context)


def load(narratives: Narratives, name: str, context: dict) -> list[Block]:
    """The blocks of the part ``name`` (``introduction.md.j2``): its Word file when there is one, else its Markdown."""
    if word_source(narratives, name) is not None:
        return render_word_narrative(narratives, name, context)
    return parse(render_source(narratives, name, context))


def parse(text: str) -> list[Block]:
    """Parse the dialect into blocks (``reportkit.blocks``)."""
    parser = MarkdownIt("zero").enable(["heading", "list", "table", "emphasis"])
    tokens = parser.parse(text)
    blocks: list[Block] = []
    pending_kind: str | None = None
    items: list[str | None] = []  # per open list item: its number as typed ("1.") or None for a bullet
    grid: list[list[str]] | None = None
    for token in tokens:
        if token.type == "heading_open":
            pending_kind = "heading2" if token.tag in ("h1", "h2") else "heading"
        elif token.type == "list_item_open":
            items.append(f"{token.info}{token.markup}" if token.info else None)
        elif token.type == "list_item_close":
            items.pop()
        elif token.type == "paragraph_open":
            pending_kind = ("bullet" if items[-1] is None else "numbered") if items else "paragraph"
        elif token.type == "table_open":
            grid = []
        elif token.type == "table_close":
            blocks.append(("grid", grid))
            grid = None
        elif token.type == "tr_open" and grid is not None:
            grid.append([])
        elif token.type == "inline" and grid is not None:
            grid[-1].append(_inline_text(token))
        elif token.type == "inline":
            content = _inline_text(token)
            kind = pending_kind or "paragraph"
            key = marker_key(content)
            if kind == "paragraph" and key:
                blocks.append(("table" if key.startswith("表") else "figure", key))
            elif kind == "numbered":
                blocks.append((kind, f"{items[-1]} {content}"))
            else:
                blocks.append((kind, content))
            pending_kind = None
    return blocks


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type == "softbreak":
            continue  # Japanese: a wrapped line joins without a space
        if child.type == "hardbreak":
            parts.append("\n")
        elif child.type in ("strong_open", "strong_close"):
            parts.append(BOLD_ON if child.type == "strong_open" else BOLD_OFF)
        elif child.type in ("em_open", "em_close"):
            parts.append(child.markup)  # italic is not the edition's: the asterisk prints as typed
        else:
            parts.append(child.content)
    return aozora_ruby("".join(parts)).strip().lstrip("\u3000")


# Ruby in the Aozora Bunko manner. The base: after a bar (｜ or |) up to 《, or else the run of kanji (CJK
# ideographs and 々〆ヶ) just before 《; the reading: up to 》, on the line. A bar just before 《 prints
# the 《 as typed (no ruby); 《 after anything else than kanji is text.
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f々〆ヶ"
_NOT_RUBY = "｜|《》\n\x02-\x06"  # what neither base nor reading holds: bars, brackets, breaks, markers
_AOZORA_RUBY = re.compile(f"[｜|](?P<literal>《)|[｜|](?P<base>[^{_NOT_RUBY}]+)《(?P<reading>[^{_NOT_RUBY}]+)》"
                          f"|(?P<kanji>[{_KANJI}]+)《(?P<kanji_reading>[^{_NOT_RUBY}]+)》")


def aozora_ruby(text: str) -> str:
    """The text with its Aozora ruby (``｜確か《たしか》``, ``拓《ひら》``) as ruby markers (``blocks.ruby``)."""
    if "《" not in text:
        return text

    def replace(match: re.Match) -> str:
        if match.group("literal"):
            return "《"
        if match.group("base"):
            return ruby(match.group("base"), match.group("reading"))
        return ruby(match.group("kanji"), match.group("kanji_reading"))

    return _AOZORA_RUBY.sub(replace, text)


# An article's paragraph: 「第１条　」「第１　」 or a paragraph number 「２　」 (full-width space after it).
_ARTICLE = re.compile(r"^(第[0-9０-９]+条?|[0-9０-９]+)\u3000")
# An item of an article (「（１）…」「(1)　…」): a paragraph of its own, not a further paragraph of the article.
_ITEM = re.compile(r"^[（(][0-9０-９]+[）)]")
ANNEX = "別表"
BULLET_MARK = "・\t"  # the edition's bullet: 「・」, its text from the 箇条書き style's tab stop (2 em)


def write(writer, blocks: list[Block], insert_object: Callable[[str, str], None],
          add_heading2: Callable[[str], None] | None = None, articles: bool = False,
          body: str = styles.BODY, subheading: str = styles.SUBHEADING, whole: bool = False) -> None:
    """Write blocks as named-style paragraphs (``writer.paragraph(style, text)``) and pipe tables
    (``writer.add(xml, height)``); statistics tables and figures via the callback. ``articles``: legal
    text, whose paragraphs that start with their article's number take the 条文 style (the number at the
    margin, the later lines one character in) and an unnumbered paragraph after them, up to the next
    heading, the 条文続き style (a further paragraph of the article); an item 「（１）…」 stays 本文.
    ``body``: the style of a plain paragraph (本文, or 導入文 for section 1's introduction); ``subheading``:
    of a sub-heading. ``whole``: each sub-heading and what follows it up to the next are kept on one page."""
    in_article = False
    kept, ends = _kept_with_object(blocks, whole)
    start = None  # where the block kept with its table or figure starts (writer.used)
    for index, (kind, data) in enumerate(blocks):
        keep = index in kept
        if keep and start is None:
            start = writer.used
        if kind != "paragraph" or not articles:
            in_article = False
        if kind == "heading2" and add_heading2 is not None:
            add_heading2(plain(data))
        elif kind in ("heading", "heading2"):  # an annex (別表) of legal text starts a page of its own
            writer.paragraph(subheading, plain(data), new_page=articles and plain(data).startswith(ANNEX))
        elif kind == "bullet":
            _paragraph(writer, styles.BULLET, BULLET_MARK + data.lstrip("・").lstrip("\u3000 "), keep)
        elif kind == "numbered":
            _paragraph(writer, styles.BULLET, data, keep)
        elif kind == "grid":
            writer.add(*table_xml(writer.ids, data, writer.text_width))
        elif kind in ("table", "figure"):
            insert_object(kind, data)
        elif articles and _ARTICLE.match(plain(data)):
            _paragraph(writer, styles.ARTICLE, data)
            in_article = True
        elif in_article and not _ITEM.match(plain(data)):
            _paragraph(writer, styles.ARTICLE_TEXT, data)
        else:
            _paragraph(writer, body, data, keep)
        if index in ends and start is not None:
            writer.kept_since(start)
            start = None


def _kept_with_object(blocks: list[Block], whole: bool = False) -> tuple[set[int], set[int]]:
    """The blocks a sub-heading keeps on one page with the table or figure it introduces: from the heading
    through its text up to the object, when the object comes before the next heading (section 3: （３）
    労働力人口, its text and 図４－１ on one page, as the edition pairs them); ``whole``: with all that follows
    it up to the next heading (section 1's overview: a year whole, as the edition moves ＜平成２３年度＞ whole to
    p. 7 where its heading and first item would fit on p. 6). Returns (the blocks that keep with the next,
    the last block of each run: where the page plan moves the run whole)."""
    kept: set[int] = set()
    ends: set[int] = set()
    heading = None

    def whole_run(last: int) -> None:  # ``whole``: the heading's run kept, from the heading up to ``last``
        if whole and heading is not None and last > heading:
            kept.update(range(heading, last))
            ends.add(last)

    for index, (kind, _data) in enumerate(blocks):
        if kind in ("heading", "heading2"):
            whole_run(index - 1)
            heading = index
        elif kind in ("table", "figure") and heading is not None:
            kept.update(range(heading, index + 1))
            ends.add(index)
            heading = None
        elif kind == "grid":
            heading = None
    whole_run(len(blocks) - 1)
    return kept, ends


def _paragraph(writer, style: str, text: str, keep_next: bool = False) -> None:
    """A paragraph of ``style``; its bold pieces in bold runs, its ruby as Word's ruby. Its height is
    estimated from its bases: in the narrative styles' exact line pitch a reading takes no room."""
    if has_inline(text):
        writer.paragraph(style, plain(text), content=inline_runs(text, styles.style_size_pt(style)),
                         keep_next=keep_next)
    else:
        writer.paragraph(style, text, keep_next=keep_next)


def inline_runs(text: str, size_pt: float) -> str:
    """Run XML of a text with bold and ruby markers (``reportkit.blocks``), in a paragraph of ``size_pt``
    points: a bold piece's runs carry ``w:b``, a ruby group is a ``w:ruby`` run."""
    parts = []
    for piece, bold, reading in spans(text):
        if reading:
            parts.append(fast.ruby_run(piece, reading, size_pt, bold))
            continue
        runs = fast.runs(piece)
        parts.append(runs.replace("<w:r>", f"<w:r>{fast.BOLD_RPR}") if bold else runs)
    return "".join(parts)


def table_xml(ids, rows: list[list[str]], text_width: int) -> tuple[str, float]:
    """A pipe table as a Word table (Table Grid, 表見出し header, 表文字 cells) and the points it takes.

    Merges: in the body, an empty first cell or a ``^`` cell continues the cell above (vMerge);
    a ``<`` cell widens the cell to its left (gridSpan). Columns share the text width in proportion
    to their longest text.
    """
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    natural = [max(max(display_width(plain(row[i])) for row in rows), 4) for i in range(columns)]
    widths = [int(text_width * n / sum(natural)) for n in natural]
    header_id, text_id = ids[styles.TABLE_HEADER], ids[styles.TABLE_TEXT]
    table_pt = styles.style_size_pt(styles.TABLE_TEXT)  # 表文字 / 表見出し, in the reference.docx in use
    table_rows: list[fast.Row] = []
    height = 0.0
    above: list[fast.Cell | None] = [None] * columns  # the cell a ^ continues, per column
    for index, row in enumerate(rows):
        header = index == 0
        cells: list[fast.Cell] = []
        heights: list[float] = []
        for column, text in enumerate(row):
            text = text.strip()
            if plain(text) == MERGE_LEFT and cells:
                cells[-1].span += 1
                above[column] = None
                continue
            merge_up = not header and above[column] is not None and (plain(text) == MERGE_UP or (column == 0 and not plain(text)))
            if merge_up:  # the merged cell's text centred in its rows (別表's 部局, as the edition)
                above[column].vmerge, above[column].valign = above[column].vmerge or "restart", "center"
                cell = fast.Cell(vmerge="continue")
            else:
                cell = fast.Cell(fast.paragraph(header_id if header else text_id, inline_runs(text, table_pt)),
                                 valign="center" if header else None)
                heights.append(cell_height(plain(text), widths[column] / 20, table_pt, CELL_MARGIN / 20))
                above[column] = None if header else cell
            cells.append(cell)
        table_rows.append(fast.Row(cells, header=header, cant_split=True))
        height += row_height(heights or [table_pt * 7 / 6]) + AIR_PT
    return fast.table(ids[styles.TABLE], widths, table_rows, cell_margin=CELL_MARGIN, cell_margin_top=CELL_AIR), height
