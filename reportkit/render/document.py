"""Assemble the whole report in document order and save it reproducibly."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from docx import Document
from docx.enum.section import WD_SECTION
from docx.shared import Mm

from ..aggregate import Report
from ..config import ReportConfig
from ..errors import OutputError
from . import charts, narratives, styles
from .card import add_card
from .fields import (Bookmarks, add_page_field, add_pageref, add_text, field_begin, field_end,
                     restart_page_numbers)
from .list_table import add_list_table
from .tables import add_multi_year_table, add_statistics_object, load_statistics
from .text import full_width, nendo

REFERENCE_DOCX = Path(__file__).resolve().parents[2] / "templates" / "reference.docx"
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TOC_PLACEHOLDER_TEXT = "目次"
INTRODUCTION_BOOKMARK = "rkh001"  # はじめに: printed page 1


@dataclass
class _Heading:
    level: int
    text: str
    bookmark: str


class _Writer:
    """Keeps the document, its bookmarks and the headings collected for the TOC."""

    def __init__(self, reference: Path):
        self.doc = Document(str(reference))
        self.bookmarks = Bookmarks()
        self.headings: list[_Heading] = []

    def heading(self, level: int, text: str) -> None:
        paragraph = self.doc.add_paragraph(style=styles.HEADING[level])
        add_text(paragraph, text)
        name = f"rkh{len(self.headings) + 1:03d}"
        self.bookmarks.wrap(paragraph, name)
        self.headings.append(_Heading(level, text, name))

    def section(self, start: WD_SECTION) -> None:
        """End the current section here; the new one starts on a new (or odd) page."""
        self.doc.add_section(start)
        # python-docx leaves the section break in an empty paragraph: keep it tiny so it never spills a page.
        self.doc.paragraphs[-1].style = styles.SECTION_BREAK


def render_report(report: Report, config: ReportConfig, narratives_dir: Path, statistics_dir: Path,
                  out_path: Path, reference: Path = REFERENCE_DOCX) -> None:
    """Write the report as .docx (page references are cached as 0 until ``update_page_numbers``)."""
    writer = _Writer(reference)
    doc = writer.doc
    context = narrative_context(report, config)
    statistics = load_statistics(Path(statistics_dir))

    def narrative(name: str, **extra) -> None:
        source = narratives.render_source(Path(narratives_dir), name, context)
        blocks = narratives.parse(source)
        narratives.write(doc, blocks,
                         lambda kind, key: add_statistics_object(doc, statistics, Path(statistics_dir), key),
                         **extra)

    year = nendo(report.fiscal_year)

    # Cover and TOC: one unnumbered section.
    add_text(doc.add_paragraph(style=styles.COVER_YEAR), year)
    add_text(doc.add_paragraph(style=styles.COVER_TITLE), config.cover.title)
    add_text(doc.add_paragraph(style=styles.COVER_PUBLISHER), config.cover.publication)
    add_text(doc.add_paragraph(style=styles.COVER_PUBLISHER), _spaced(config.cover.prefecture))
    doc.add_page_break()
    add_text(doc.add_paragraph(style=styles.TOC_TITLE), "目　　次")
    toc_anchor = doc.add_paragraph(style=styles.TOC[1])
    writer.section(WD_SECTION.NEW_PAGE)

    # はじめに
    writer.heading(1, "はじめに")
    narrative("introduction.md.j2")
    ordinance = _ordinance_name(config)
    add_text(doc.add_paragraph(style=styles.CAPTION), f"図　{ordinance}に係る主要事業の事業数及び事業費の推移")
    doc.add_paragraph(style=styles.FIGURE).add_run().add_picture(io.BytesIO(charts.trend_chart(report)),
                                                                   width=Mm(150))

    # 1 これまでの中小企業振興施策
    count_word = full_width(len(config.policies))
    writer.heading(1, "１　これまでの中小企業振興施策")
    narrative("section1_intro.md.j2")
    add_text(doc.add_paragraph(style=styles.CAPTION),
             f"表　{ordinance}に係る{count_word}つの基本方針別・年度別事業数及び事業費")
    add_multi_year_table(doc, report, config)
    add_text(doc.add_paragraph(style=styles.NOTE), "※重複する再掲事業を除く。")
    add_text(doc.add_paragraph(style=styles.NOTE), "上段：事業数　下段：決算額（単位　千円）")
    writer.heading(2, f"（１）{count_word}つの基本方針別の主なポイント")
    narrative("section1_points.md.j2")
    writer.heading(2, "（２）年度別の概況")
    narrative("section1_overview.md.j2")

    # 2 その年度に実施した施策
    writer.heading(1, f"２　{year}に実施した中小企業振興施策")
    writer.heading(2, f"（１）{year}の新規事業")
    _new_projects(doc, report)
    doc.add_page_break()
    writer.heading(2, f"（２）{year}の中小企業振興施策一覧")
    add_list_table(doc, report)
    for chapter_index, chapter in enumerate(report.chapters):
        writer.section(WD_SECTION.ODD_PAGE)
        if chapter_index == 0:
            writer.heading(2, f"（３）{year}の中小企業振興施策実施状況")
        for no in chapter.policies:
            policy = report.policy(no)
            writer.heading(3, f"{policy.mark}　{policy.title}")
        narrative(f"chapter_{chapter_index + 1}.md.j2")
        for row in chapter.rows:
            add_card(doc, row, report.policy(row.host_policy).title, report.fiscal_year, writer.bookmarks)

    # 3 and 4
    writer.heading(1, "３　本県中小企業を取り巻く環境")
    narrative("section3.md.j2")
    writer.heading(1, "４　参考資料")
    first_document = True

    def reference_heading(text: str) -> None:
        nonlocal first_document
        if not first_document:
            doc.add_page_break()
        first_document = False
        writer.heading(2, text)

    narrative("section4_ordinance.md", add_heading2=reference_heading)
    narrative("section4_liaison.md", add_heading2=reference_heading)

    _table_of_contents(writer, toc_anchor)
    _page_numbers(doc)
    _save(doc, out_path, report.fiscal_year)


def narrative_context(report: Report, config: ReportConfig) -> dict:
    """The placeholders narrative templates may use."""
    return {
        "year": report.fiscal_year,
        "first_year": report.first_year,
        "total": SimpleNamespace(count=report.total.count, amount=report.total.amount),
        "policies": [SimpleNamespace(no=p.no, title=p.title, count=p.count, subtotal=p.subtotal)
                     for p in report.policies],
        "years": [SimpleNamespace(year=c.year, count=c.count, amount=c.amount) for c in report.years],
    }


def _spaced(text: str) -> str:
    """青森県 → 青 森 県 as the cover prints it."""
    return " ".join(text) if len(text) <= 4 else text


def _ordinance_name(config: ReportConfig) -> str:
    title = config.cover.title
    return title.split("に基づく")[0] if "に基づく" in title else f"{config.cover.prefecture}中小企業振興基本条例"


def _new_projects(doc, report: Report) -> None:
    for group in report.new_projects:
        for no in group.policies:
            policy = report.policy(no)
            add_text(doc.add_paragraph(style=styles.SUBHEADING), f"{policy.mark}　{policy.title}")
        for entry in group.projects:
            row = entry.row
            paragraph = doc.add_paragraph(style=styles.NEW_ENTRY)
            mark = "◎" if entry.featured else "・"
            add_text(paragraph, f"{mark}　{row.name}［{row.card.department}］（")
            add_pageref(paragraph, row.bookmark)
            add_text(paragraph, "p）")
            if entry.featured and row.card.new_summary.strip():
                add_text(doc.add_paragraph(style=styles.NEW_SUMMARY), row.card.new_summary.strip())


def _table_of_contents(writer: _Writer, anchor) -> None:
    """A real TOC field whose cached entries are paragraphs, each with a PAGEREF (updated by LibreOffice too)."""
    doc = writer.doc
    entries = []
    for heading in writer.headings:
        paragraph = doc.add_paragraph(style=styles.TOC[heading.level])
        if not entries:
            field_begin(paragraph, TOC_INSTRUCTION)
        add_text(paragraph, heading.text.replace("\n", "") + "\t")
        add_pageref(paragraph, heading.bookmark)
        entries.append(paragraph)
    if not entries:
        return
    field_end(entries[-1])
    for paragraph in entries:
        anchor._p.addprevious(paragraph._p)
    anchor._p.getparent().remove(anchor._p)


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


def _save(doc, out_path: Path, fiscal_year: int) -> None:
    props = doc.core_properties
    fixed = datetime(fiscal_year + 1, 4, 1)
    props.created = props.modified = props.last_printed = fixed
    props.author = props.last_modified_by = ""
    props.revision = 1
    props.title = f"{nendo(fiscal_year)} 年次報告"
    buffer = io.BytesIO()
    doc.save(buffer)
    try:
        write_reproducible_zip(buffer.getvalue(), Path(out_path))
    except OSError as exc:
        raise OutputError(f"報告書を書き込めません: {out_path}（{exc}）") from exc


def write_reproducible_zip(data: bytes, out_path: Path) -> None:
    """Re-pack a .docx with fixed entry order and timestamps, so equal content gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        entries = {name: source.read(name) for name in names}
    order = ["[Content_Types].xml"] + sorted(name for name in names if name != "[Content_Types].xml")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name])
