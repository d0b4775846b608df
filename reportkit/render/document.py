"""Assemble the whole report in document order and save it reproducibly."""

from __future__ import annotations

import io
import math
import re
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.shared import Mm

from ..files.zipnorm import normalise_zip
from ..report.aggregate import Report
from ..inputs.config import ReportConfig
from ..report.narrative_templates import narrative_context
from ..errors import OutputError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import charts, narratives, styles
from . import fast_table as fast
from .card import CardWriter
from .estimate import (BODY_PITCH, PICTURE_EXTRA_PT, PT_PER_MM, heading_height, paragraph_height, plan_flow, plan_pages,
                       text_height_pt)
from .fast_table import Emitter, StyleIds
from .fields import (Bookmarks, add_page_field, restart_page_numbers, set_no_expand_shift_return, set_update_fields,
                     text_width_twips)
from .list_table import list_table, list_table_height
from .package import set_cached_pagerefs
from .tables import block_gap_pt, multi_year_block_heights, multi_year_table, statistics_object
from ..report.printed import full_width, nendo
from ..inputs.statistics import StatisticsTables
from ..inputs.year_inputs import Narratives

REFERENCE_DOCX = styles.REFERENCE_DOCX
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TOC_PLACEHOLDER_TEXT = "目次"
INTRODUCTION_BOOKMARK = "rkh001"  # はじめに: printed page 1


@dataclass
class _Heading:
    level: int
    text: str
    bookmark: str


class _Writer:
    """The document, its style ids, bookmarks and TOC headings; body content goes out as XML blocks.

    It also estimates, without a layout engine, how much of the page each piece takes (in points),
    per run of pages (a new page starts a new run), and where each heading lands: ``flow_plan``.
    """

    def __init__(self, reference: bytes):
        self.doc = Document(io.BytesIO(reference))
        self.ids = StyleIds(self.doc)
        self.out = Emitter(self.doc)
        self.bookmarks = Bookmarks()
        self.headings: list[_Heading] = []
        section = self.doc.sections[-1]
        self.margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        self.text_width = text_width_twips(self.doc)
        self.text_height = text_height_pt(section)
        self._runs: list[list[float]] = [[0.0, self.text_height]]  # per run of pages: [used, page's text height] (pt)
        self.marks: dict[str, tuple[int, float]] = {}  # heading bookmark → (its run, points before it in the run)
        self.odd_runs: set[int] = set()  # runs that start on an odd page (a section that starts there)

    def add(self, xml: str, height: float = 0.0) -> None:
        """Body XML that takes ``height`` points of the page."""
        self.out.add(xml)
        self._runs[-1][0] += height

    @property
    def used(self) -> float:
        """Points taken so far in the current run of pages."""
        return self._runs[-1][0]

    def estimated_pages(self) -> int:
        """Pages of the runs so far, estimated (LibreOffice measures the truth)."""
        return sum(math.ceil(used / height) for used, height in self._runs)

    def run_index(self) -> int:
        """The index of the current run of pages (``plan_flow``'s ``runs``)."""
        return len(self._runs) - 1

    def flow_plan(self, first_run: int, first_page: int) -> tuple[dict[str, int], int]:
        """Pages of the headings from run ``first_run`` on when it starts on ``first_page``; the next free page."""
        runs = [(used, height) for used, height in self._runs[first_run:]]
        marks = {name: (run - first_run, before) for name, (run, before) in self.marks.items() if run >= first_run}
        odd = frozenset(run - first_run for run in self.odd_runs if run >= first_run)
        return plan_flow(runs, marks, first_page, odd)

    def paragraph(self, style: str, text: str = "", content: str | None = None, keep_next: bool = False,
                  new_page: bool = False) -> None:
        if new_page:
            self._new_run()
        height = paragraph_height(style, text, self.text_width / 20)
        if styles.style_figures(style).keep_lines:
            self.keep_together(height)
        self._runs[-1][0] += height
        ppr = "<w:pageBreakBefore/>" if new_page else ""
        if content is None:
            xml = fast.paragraph(self.ids[style], text=text, ppr=ppr)
        else:
            xml = fast.paragraph(self.ids[style], content, ppr=ppr)
        self.out.add(fast.keep_with_next(xml) if keep_next else xml)

    def keep_together(self, height: float) -> None:
        """The estimate for content of ``height`` points kept on one page: on the next page when the rest
        of this one cannot hold it (and a page can)."""
        used, page = self._runs[-1]
        if used % page and used % page + height > page >= height:
            self._runs[-1][0] = math.ceil(used / page) * page

    def kept_since(self, start: float) -> None:
        """The estimate for what was written since ``start`` (points in this run), kept on one page by
        keep-with-next: on the next page when it runs over a page end (and a page can hold it)."""
        used, page = self._runs[-1]
        height = used - start
        if start % page and start // page != (used - 0.01) // page and height <= page:
            shift = math.ceil(start / page) * page - start
            self._runs[-1][0] += shift
            run = self.run_index()
            self.marks.update({name: (r, before + shift) for name, (r, before) in self.marks.items()
                               if r == run and before >= start})

    def page_break(self) -> None:
        self.out.add('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def heading(self, level: int, text: str, *, new_page: bool = False) -> None:
        """A TOC heading with its bookmark; ``new_page`` where the edition starts the heading on a new page."""
        name = f"rkh{len(self.headings) + 1:03d}"
        if new_page or level == 1:  # Heading 1 has pageBreakBefore in reference.docx
            self._new_run()
        height = heading_height(level, text, self.text_width / 20)
        used, page = self._runs[-1]
        if used and (used + height + BODY_PITCH) // page > used // page:  # kept with the next line: a new page
            self._runs[-1][0] = math.ceil(used / page) * page
        self.marks[name] = (self.run_index(), self._runs[-1][0])
        self._runs[-1][0] += height
        start, end = self.bookmarks.xml(name)
        self.out.add(fast.paragraph(self.ids[styles.HEADING[level]], start + fast.runs(text) + end,
                                    ppr="<w:pageBreakBefore/>" if new_page else ""))
        self.headings.append(_Heading(level, text, name))

    def picture(self, png: bytes, width_mm: float) -> None:
        self.out.flush()
        self.doc.add_paragraph(style=styles.FIGURE).add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
        self._runs[-1][0] += width_mm * height / width * PT_PER_MM + PICTURE_EXTRA_PT

    def section(self, start: WD_SECTION, margins_mm: tuple[float, float, float, float] | None = None) -> None:
        """End the current section here; the new one starts on a new (or odd) page.

        ``margins_mm`` (top, bottom, left, right) for the new section; None = the reference's margins.
        """
        self.out.flush()
        section = self.doc.add_section(start)
        # python-docx leaves the section break in an empty paragraph: keep it tiny so it never spills a page.
        body = self.doc.element.body
        holder = body[-2] if len(body) > 1 else None
        if holder is not None and holder.tag == qn("w:p"):
            ppr = holder.get_or_add_pPr()
            ppr.get_or_add_pStyle().val = self.ids[styles.SECTION_BREAK]
        top, bottom, left, right = (self.margins if margins_mm is None else tuple(Mm(v) for v in margins_mm))
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = top, bottom, left, right
        self.text_width = text_width_twips(self.doc)
        self.text_height = text_height_pt(section)
        self._new_run()
        if start == WD_SECTION.ODD_PAGE:
            self.odd_runs.add(self.run_index())

    def prose_section(self, characters: float | None, start: WD_SECTION = WD_SECTION.NEW_PAGE) -> None:
        """A new section (from a new page, or ``start``) whose text is ``characters`` full-width characters
        of the body text wide, centred on the page; None: the reference's margins."""
        if characters is None:
            self.section(start)
            return
        top, bottom = (margin / 36000 for margin in self.margins[:2])  # EMU → mm
        page_mm = self.doc.sections[-1].page_width / 36000
        width_mm = (characters * styles.style_size_pt(styles.BODY) + PROSE_SLACK_PT) / PT_PER_MM
        side = max(round((page_mm - width_mm) / 2, 2), MIN_SIDE_MM)  # a body too large for the width: fewer characters
        self.section(start, (top, bottom, side, side))

    def restart_estimate(self) -> None:
        """Forget the pages so far: the estimate starts again with the current section."""
        self._runs = [[0.0, self.text_height]]
        self.odd_runs.clear()

    def _new_run(self) -> None:
        if self._runs[-1][0]:
            self._runs.append([0.0, self.text_height])
        else:
            self._runs[-1][1] = self.text_height


DRAFT_MARK = "素案"  # the header of every page of a draft
DRAFT_HEADER_DISTANCE_MM = 5.0
DRAFT_FIGURES_NOTE = "※素案のため、{year}の数値は提出済みのカードだけによる暫定値です（未提出・要修正の事業を含みません）。"

# The list table's section: the edition prints the table in portrait A4 with narrow margins.
LIST_MARGINS_MM = (14.0, 14.0, 9.0, 9.0)

# The width of each prose part's text in full-width characters of the body text (本文, 10.5 pt), as
# the edition's wrapped lines run (the seed keeps its line breaks; ../shared/notes/edition-geometry.md):
# はじめに 39 (its first lines: 1 em indent and 38), section 1's points and overview 38, section 3's
# commentary 37, the ordinance 44 and the liaison rules 35 (their articles' later lines, one character in, hold
# 34: 「興について…中小企業」; 「第１　」 and 32 characters, 「（１）本県の…関係機関の」 after its 1 em indent). Each part is a section of its own whose
# side margins leave that width (plus PROSE_SLACK_PT, so that rounding never wraps a full line); the
# page of section 1's table, the new-projects list and the chapters keep the reference's 150 mm (a chapter's
# opening text ends 39 characters in by its style, 章本文, so that its cards keep the full width).
PROSE_CHARACTERS: dict[str, float] = {"introduction": 39, "section1": 38, "section3": 37, "ordinance": 44, "liaison": 35}
PROSE_SLACK_PT = 1.0
MIN_SIDE_MM = 10.0  # the narrowest side margin of a prose section (a reference.docx's 本文 set very large)


def render_report(report: Report, config: ReportConfig, sources: Narratives, statistics: StatisticsTables,
                  out_path: Path, reference: bytes | None = None, *,
                  update_fields_on_open: bool = False) -> dict[str, int]:
    """Write the report as .docx; return the page plan it assumed (bookmark → printed page).

    The narratives and statistics come as read with the year's inputs (``year_inputs``): nothing
    here opens a file of the input folder.

    Page references are cached from that plan until ``libreoffice.pages.update_page_numbers`` measures them
    (``package.write_cached_pagerefs``). ``update_fields_on_open``: ask Word to update the fields when
    it opens the file (settings.xml ``w:updateFields``), for a file whose pages nobody will measure;
    ``package.set_update_fields`` sets it on a saved file.

    ``reference``: the bytes of an input folder's own reference.docx (``YearInputs.reference``), checked
    (``styles.check``); None: the shipped one. Its styles, page size and margins, and the figures the
    page plan reads from them, are that file's.
    """
    with styles.using(reference) as data:
        return _render(report, config, sources, statistics, out_path, data, update_fields_on_open)


def _render(report: Report, config: ReportConfig, sources: Narratives, statistics: StatisticsTables,
            out_path: Path, reference: bytes, update_fields_on_open: bool) -> dict[str, int]:
    writer = _Writer(reference)
    doc = writer.doc
    context = narrative_context(report, config)
    statistics.index()  # a broken index.toml stops the build before anything is written

    def narrative(name: str, **extra) -> None:
        blocks = narratives.load(sources, name, context)
        narratives.write(writer, blocks, lambda kind, key: statistics_object(writer, statistics, key), **extra)

    year = nendo(report.fiscal_year)

    # Cover and TOC: one unnumbered section.
    writer.paragraph(styles.COVER_YEAR, year)
    writer.paragraph(styles.COVER_TITLE, config.cover.title)
    writer.paragraph(styles.COVER_PUBLISHER, config.cover.publication)
    writer.paragraph(styles.COVER_PUBLISHER, _spaced(config.cover.prefecture))
    writer.page_break()
    writer.paragraph(styles.TOC_TITLE, "目　　次")
    writer.out.flush()
    toc_anchor = doc.add_paragraph(style=styles.TOC[1])
    writer.prose_section(PROSE_CHARACTERS["introduction"])
    writer.restart_estimate()  # the estimate counts the numbered pages only

    # はじめに (p.1), with the trend figure
    writer.heading(1, "はじめに")
    narrative("introduction.md.j2")
    ordinance = _ordinance_name(config)
    writer.paragraph(styles.CAPTION, f"図　{ordinance}に係る主要事業の事業数及び事業費の推移")
    charts.add_chart(writer, charts.trend_chart(report))

    # 1 これまでの中小企業振興施策: the table page, then (1) and (2) each from a new page as in the edition
    count_word = full_width(len(config.policies))
    writer.prose_section(None)  # the table's page: the reference's width, which the table's columns assume
    writer.heading(1, "１　これまでの中小企業振興施策")
    narrative("section1_intro.md.j2", body=styles.INTRO)
    writer.paragraph(styles.CAPTION, f"表　{ordinance}に係る{count_word}つの基本方針別・年度別事業数及び事業費")
    notes = ["※重複する再掲事業を除く。", "上段：事業数　下段：決算額（単位　千円）"]
    if report.draft:
        notes.append(DRAFT_FIGURES_NOTE.format(year=year))
    notes_height = sum(paragraph_height(styles.NOTE, note, writer.text_width / 20) for note in notes)
    # the edition's spread: the 基本方針 column with the first years and the notes on this page, the
    # other years after it, each block from a page of its own
    blocks = multi_year_table(writer.ids, report, config, writer.text_width)
    heights = multi_year_block_heights(report, config, writer.text_width)
    if len(blocks) > 1:
        writer.keep_together(heights[0] + notes_height)
    writer.add(blocks[0], heights[0])
    for index, note in enumerate(notes):  # the notes stay with the table's first block
        writer.paragraph(styles.NOTE, note, keep_next=index < len(notes) - 1)
    for xml, height in zip(blocks[1:], heights[1:]):
        room = -writer.used % writer.text_height  # the page break before the block's paragraph
        writer.add(xml, room + block_gap_pt() + height)
    writer.prose_section(PROSE_CHARACTERS["section1"])
    writer.heading(2, f"（１）{count_word}つの基本方針別の主なポイント", new_page=True)
    # its sub-headings after the edition's empty line; a year of the overview whole on a page, as the edition's
    narrative("section1_points.md.j2", subheading=styles.SECTION1_SUBHEADING)
    writer.heading(2, "（２）年度別の概況", new_page=True)
    narrative("section1_overview.md.j2", subheading=styles.SECTION1_SUBHEADING, whole=True)

    # 2 その年度に実施した施策: (1) new projects from a new page, (2) the list in its own narrow-margin section
    writer.prose_section(None)
    writer.heading(1, f"２　{year}に実施した中小企業振興施策")
    writer.heading(2, f"（１）{year}の新規事業")
    _new_projects(writer, report)
    writer.section(WD_SECTION.NEW_PAGE, LIST_MARGINS_MM)
    writer.heading(2, f"（２）{year}の中小企業振興施策一覧")
    writer.add(list_table(writer.ids, report, writer.text_width),
               list_table_height(report, writer.text_width, writer.text_height, writer.used % writer.text_height))
    front_plan, first_free = writer.flow_plan(0, 1)  # はじめに … (2): estimated (no layout engine)
    cards = CardWriter(writer.ids, 0, report.fiscal_year)
    chapter_bookmarks: list[tuple[list[str], list[str]]] = []
    for chapter_index, chapter in enumerate(report.chapters):
        writer.section(WD_SECTION.ODD_PAGE)
        first_heading = len(writer.headings)
        cards.width = writer.text_width
        if chapter_index == 0:
            writer.heading(2, f"（３）{year}の中小企業振興施策実施状況")
        for no in chapter.policies:
            policy = report.policy(no)
            writer.heading(3, f"{policy.mark}　{policy.title}")
        chapter_bookmarks.append(([h.bookmark for h in writer.headings[first_heading:]],
                                  [row.bookmark for row in chapter.rows]))
        narrative(f"chapter_{chapter_index + 1}.md.j2", body=styles.CHAPTER_BODY)
        for row in chapter.rows:
            write = cards.placeholder if row.placeholder is not None else cards.card
            writer.add(write(row, report.policy(row.host_policy).title, writer.bookmarks.xml(row.bookmark)))

    # 3 and 4: they follow the last card, each document of section 4 on a new page but the first
    chapter_plan = plan_pages(chapter_bookmarks, first_free)
    back_page = max([first_free - 1, *chapter_plan.values()]) + 1
    writer.prose_section(PROSE_CHARACTERS["section3"])
    writer.heading(1, "３　本県中小企業を取り巻く環境")
    back_runs = writer.run_index()
    narrative("section3.md.j2")
    writer.prose_section(PROSE_CHARACTERS["ordinance"], WD_SECTION.ODD_PAGE)  # the edition leaves 158 blank
    writer.heading(1, "４　参考資料")
    first_document = True

    def reference_heading(text: str) -> None:
        nonlocal first_document
        if not first_document:
            writer.prose_section(PROSE_CHARACTERS["liaison"])
        writer.heading(2, text, new_page=not first_document)
        first_document = False

    narrative("section4_ordinance.md", add_heading2=reference_heading, articles=True)
    narrative("section4_liaison.md", add_heading2=reference_heading, articles=True)
    writer.out.flush()

    _nest_subheadings(writer)
    back_plan, _ = writer.flow_plan(back_runs, back_page)
    plan = {**front_plan, **chapter_plan, **back_plan, INTRODUCTION_BOOKMARK: 1}
    _table_of_contents(writer, toc_anchor)
    # the planned pages as every PAGEREF's cached result (list table, new projects, TOC): right when the
    # plan is, so LibreOffice's one export (which leaves the TOC's results as they are) is already right
    set_cached_pagerefs(doc.element.body, plan)
    _page_numbers(doc)
    if report.draft:
        _draft_header(doc)
    if update_fields_on_open:
        set_update_fields(doc.settings.element)
    set_no_expand_shift_return(doc)
    _save(doc, out_path, report.fiscal_year, f"{year} {config.cover.title}" + ("（素案）" if report.draft else ""))
    return plan


def _nest_subheadings(writer: _Writer) -> None:
    """A sub-heading right under a Heading 2 (the 基本方針 of （１） lists) one level below it: ``w:outlineLvl``.

    So the outline skips no level (a PDF/UA rule; LibreOffice tags it H3, and makes it a bookmark there).
    It keeps its look; Word, which ignores an outline level set on a heading style's paragraph, keeps it
    out of the TOC.
    """
    level_of = {writer.ids[styles.HEADING[level]]: level for level in styles.HEADING}
    subheadings = {writer.ids[styles.SUBHEADING], writer.ids[styles.SECTION1_SUBHEADING]}
    last = 0
    for paragraph in writer.doc.element.body.iterchildren(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None:
            continue
        style_id = style.get(qn("w:val"))
        if style_id in level_of:
            last = level_of[style_id]
        elif style_id in subheadings and last < 3:
            properties = style.getparent()
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(last))  # 0-based: one below the heading before it
            later = [child for child in properties if child.tag in (qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange"))]
            if later:
                later[0].addprevious(outline)
            else:
                properties.append(outline)


def _spaced(text: str) -> str:
    """青森県 → 青 森 県 as the cover prints it."""
    return " ".join(text) if len(text) <= 4 else text


def _ordinance_name(config: ReportConfig) -> str:
    title = config.cover.title
    return title.split("に基づく")[0] if "に基づく" in title else f"{config.cover.prefecture}中小企業振興基本条例"


def _new_projects(writer: _Writer, report: Report) -> None:
    """Per policy (⑥⑦ together), its heading and entries, kept together on one page as the edition prints
    them (①–④ on one page, ⑤–⑧ on the next): every paragraph of a group but its last keeps with the next."""
    entry_style, summary_style = writer.ids[styles.NEW_ENTRY], writer.ids[styles.NEW_SUMMARY]
    width = writer.text_width / 20
    for group in report.new_projects:
        blocks: list[tuple[str, float]] = []
        for no in group.policies:
            policy = report.policy(no)
            title = f"{policy.mark}　{policy.title}"
            blocks.append((fast.paragraph(writer.ids[styles.SUBHEADING], text=title),
                           paragraph_height(styles.SUBHEADING, title, width)))
        for entry in group.projects:
            row = entry.row
            mark = "◎" if entry.featured else "・"
            head = f"{mark}　{row.name}［{row.card.department}{_office(row.card.group)}］（"
            blocks.append((fast.paragraph(entry_style, fast.runs(head) + fast.pageref_runs(row.bookmark) + fast.runs("p）")),
                           paragraph_height(styles.NEW_ENTRY, head + "100p）", width)))
            if entry.featured and row.card.new_summary.strip():
                # a line break typed in the cell (Alt+Enter) starts a paragraph: in this justified
                # style a w:br would spread the line before it over the whole width
                for line in (line for line in fast.clean(row.card.new_summary).split("\n") if line.strip()):
                    blocks.append((fast.paragraphs(summary_style, line),
                                   paragraph_height(styles.NEW_SUMMARY, line.strip(), width)))
        writer.keep_together(sum(height for _xml, height in blocks))
        for index, (xml, height) in enumerate(blocks):
            writer.add(fast.keep_with_next(xml) if index < len(blocks) - 1 else xml, height)


def _office(group: str) -> str:
    """The regional office a group names at its end (「地域産業支援グループ（三八地域県民局）」 → 「(三八地域県民局)」),
    which the new-projects list prints after the division as the edition: 「［地域産業課(三八地域県民局)］」."""
    found = re.search(r"[（(]([^（）()]*(?:県民局|事務所|センター))[）)]\s*$", group.strip())
    return f"({found.group(1)})" if found else ""


def _table_of_contents(writer: _Writer, anchor) -> None:
    """A real TOC field whose cached entries are paragraphs, each with a PAGEREF (updated by LibreOffice too)."""
    if not writer.headings:
        return
    entries = []
    for index, heading in enumerate(writer.headings):
        content = fast.field_begin_runs(TOC_INSTRUCTION) if index == 0 else ""
        content += fast.runs(heading.text.replace("\n", "") + "\t") + fast.pageref_runs(heading.bookmark)
        if index == len(writer.headings) - 1:
            content += fast.FIELD_END
        entries.append(fast.paragraph(writer.ids[styles.TOC[heading.level]], content))
    fast.insert_before(anchor._p, "".join(entries))
    anchor._p.getparent().remove(anchor._p)


def _draft_header(doc) -> None:
    """「素案」 at the top of every page: one header, every later section linked to it.

    Close to the page edge, so that the one line fits above the body in every section (the list
    table's margins are narrow) and moves no text.
    """
    for index, section in enumerate(doc.sections):
        section.header.is_linked_to_previous = index > 0
        section.header_distance = Mm(DRAFT_HEADER_DISTANCE_MM)
    header = doc.sections[0].header.paragraphs[0]
    header.style = styles.HEADER
    header.text = DRAFT_MARK


def _page_numbers(doc) -> None:
    """Cover and TOC unnumbered; はじめに is page 1; later sections continue the numbering."""
    sections = doc.sections
    for index, section in enumerate(sections):
        section.footer.is_linked_to_previous = True
    numbered = sections[1]
    numbered.footer.is_linked_to_previous = False
    footer = numbered.footer.paragraphs[0]
    footer.style = styles.FOOTER
    add_page_field(footer)
    restart_page_numbers(numbered, 1)


def _save(doc, out_path: Path, fiscal_year: int, title: str) -> None:
    props = doc.core_properties
    fixed = datetime(fiscal_year + 1, 4, 1)
    props.created = props.modified = props.last_printed = fixed
    props.author = props.last_modified_by = ""
    props.revision = 1
    props.title = title  # the PDF's title too (dc:title), shown by readers instead of the file name
    # Japanese text is ja-JP already (styles.xml's w:eastAsia); the Latin default (w:val) stays en-US, since
    # as ja-JP it moves Writer's line breaks (two pages fewer); the PDF gets /Lang from pages.finish_pdf
    props.language = "ja-JP"
    try:
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out_path))
        normalise_zip(Path(out_path))  # fixed entry order and dates: equal content, equal bytes
    except OSError as exc:
        raise OutputError(f"報告書を書き込めません: {out_path}（{exc}）") from exc
