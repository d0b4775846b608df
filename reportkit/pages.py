"""True page numbers without Word: one LibreOffice pass, then write them into the .docx.

LibreOffice converts the .docx to PDF and exports every Word bookmark as a PDF
named destination; pypdf gives the physical page of each. Physical pages minus
the unnumbered front pages (cover, TOC) are the printed numbers, which are
written as the cached results of every PAGEREF field in the .docx — the list
table's ページ column, the new-projects list and the TOC entries (each TOC
entry is a paragraph holding a PAGEREF, inside a real TOC field) — so the file
shows the right numbers when Word opens it, and Word can still update them.

LibreOffice recomputes PAGEREF fields itself when it exports, except inside the
TOC field, whose cached results it prints as they are. The renderer therefore
caches its page plan (``plan_flow`` for the flowing text, ``plan_pages`` for the
chapters) in every PAGEREF: when the plan is right, the PDF of the single
conversion is final; only when it was wrong and a PDF is wanted does a second
conversion print the corrected TOC.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .errors import ReportkitError

FIRST_NUMBERED_BOOKMARK = "rkh001"  # はじめに, printed page 1
# Bookmarks become named destinations; the blank pages LibreOffice inserts before odd-page
# sections are kept, so physical PDF pages match the printed book.
PDF_FILTER = ('pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"},'
              '"IsSkipEmptyPages":{"type":"boolean","value":"false"}}')
WINDOWS_SOFFICE = r"C:\Program Files\LibreOffice\program\soffice.exe"
DEFAULT_TIMEOUT = 300

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class PageNumberError(ReportkitError):
    """LibreOffice is missing or the conversion failed."""


def find_soffice() -> str | None:
    """The LibreOffice executable (soffice / libreoffice on PATH, or the Windows default path), or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if os.name == "nt" and Path(WINDOWS_SOFFICE).is_file():
        return WINDOWS_SOFFICE
    return None


def convert_to_pdf(docx_path: Path, out_dir: Path, soffice: str | None = None,
                   timeout: int = DEFAULT_TIMEOUT) -> Path:
    """One headless conversion with a private profile; bookmarks become PDF named destinations."""
    soffice = soffice or find_soffice()
    if soffice is None:
        raise PageNumberError("LibreOffice（soffice）が見つかりません。ページ番号を確定できません。")
    docx_path = Path(docx_path).resolve()
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="reportkit-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", PDF_FILTER, "--outdir", str(out_dir), str(docx_path)]
        try:
            completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PageNumberError(f"LibreOffice の変換が {timeout} 秒で終わりませんでした") from exc
    pdf = out_dir / (docx_path.stem + ".pdf")
    if completed.returncode != 0 or not pdf.is_file():
        message = completed.stderr.decode("utf-8", "replace").strip()
        raise PageNumberError(f"LibreOffice で PDF に変換できませんでした: {message}")
    return pdf


def bookmark_pages(pdf_path: Path) -> dict[str, int]:
    """Physical page (1-based) of every named destination of a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_path))
    pages = {}
    for name, destination in reader.named_destinations.items():
        try:
            pages[str(name).lstrip("/")] = reader.get_destination_page_number(destination) + 1
        except Exception:  # a destination without a page: not ours to number
            continue
    return pages


def printed_pages(physical: dict[str, int], first_numbered: str = FIRST_NUMBERED_BOOKMARK) -> dict[str, int]:
    """Physical pages → printed numbers (the page of ``first_numbered`` is page 1)."""
    if first_numbered not in physical:
        raise PageNumberError(f"PDF にしおり {first_numbered} がありません（はじめにの位置が不明）")
    offset = physical[first_numbered] - 1
    return {name: page - offset for name, page in physical.items()}


class PageNumbers(dict):
    """Bookmark → printed page, and the number of pages of the document (``page_count``)."""

    page_count: int = 0


def pdf_page_count(pdf_path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf_path)).pages)


def update_page_numbers(docx_path: Path, pdf_path: Path | None = None, *, soffice: str | None = None,
                        timeout: int = DEFAULT_TIMEOUT) -> PageNumbers:
    """Convert once, write the printed page of every bookmark into the PAGEREF results; return them.

    ``pdf_path``: where to keep the PDF (None = none). LibreOffice updates every PAGEREF on export
    except those inside the TOC field, so a second conversion happens only when a PDF is wanted and
    the TOC's cached numbers (the renderer's plan) changed.
    """
    docx_path = Path(docx_path)
    if pdf_path is None:
        from .libreoffice_uno import uno_python

        python = uno_python(soffice or find_soffice())
        if python is not None:  # no PDF wanted: read the pages from Writer's layout (no export)
            pages = read_layout_pages(docx_path, soffice=soffice, python=python, timeout=timeout)
            write_cached_pagerefs(docx_path, pages)
            return pages
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as work:
        pdf = convert_to_pdf(docx_path, Path(work), soffice=soffice, timeout=timeout)
        pages = printed_pages(bookmark_pages(pdf))
        _, toc_changed = write_cached_pagerefs(docx_path, pages)
        if pdf_path is not None and toc_changed:
            pdf.unlink()
            pdf = convert_to_pdf(docx_path, Path(work), soffice=soffice, timeout=timeout)
            again = printed_pages(bookmark_pages(pdf))
            if again != pages:  # the TOC grew a page: numbers moved, write them once more
                pages = again
                write_cached_pagerefs(docx_path, pages)
                pdf.unlink()
                pdf = convert_to_pdf(docx_path, Path(work), soffice=soffice, timeout=timeout)
        result = PageNumbers(pages)
        result.page_count = pdf_page_count(pdf)
        if pdf_path is not None:
            Path(pdf_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, pdf_path)
    return result


def read_layout_pages(docx_path: Path, *, soffice: str | None = None, python: str,
                      timeout: int = DEFAULT_TIMEOUT) -> PageNumbers:
    """The printed page of every bookmark as Writer lays ``docx_path`` out, over UNO in one LibreOffice session."""
    from .libreoffice_uno import layout_pages

    soffice = soffice or find_soffice()
    if soffice is None:
        raise PageNumberError("LibreOffice（soffice）が見つかりません。ページ番号を確定できません。")
    try:
        physical, count = layout_pages(Path(docx_path), soffice, python, timeout)
    except (RuntimeError, OSError, ValueError, KeyError) as exc:
        raise PageNumberError(f"LibreOffice でページを読み取れませんでした: {exc}") from exc
    result = PageNumbers(printed_pages(physical))
    result.page_count = count
    return result


_PAGEREF = re.compile(r"PAGEREF\s+(\S+)")
_TOC = re.compile(r"^\s*TOC\b")


def write_cached_pagerefs(docx_path: Path, pages: dict[str, int]) -> tuple[int, int]:
    """Set the cached result of every ``PAGEREF name`` field in document.xml.

    Returns (results changed, of which inside a TOC field). The zip is rewritten with the same
    entry order and timestamps, so the output stays reproducible.
    """
    from lxml import etree

    docx_path = Path(docx_path)
    with zipfile.ZipFile(docx_path) as source:
        infos = source.infolist()
        entries = {info.filename: source.read(info.filename) for info in infos}
    root = etree.fromstring(entries["word/document.xml"])
    changed, in_toc = set_cached_pagerefs(root, pages)
    entries["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(copy, entries[info.filename])
    docx_path.write_bytes(buffer.getvalue())
    return changed, in_toc


def set_cached_pagerefs(root, pages: dict[str, int]) -> tuple[int, int]:
    """Set the cached result of every ``PAGEREF name`` field under ``root`` (an lxml element) to ``pages[name]``.

    Walks all runs in document order as a field state machine (fields may span paragraphs, and
    nest). Returns (results changed, of which inside a TOC field). Names not in ``pages`` are left.
    """
    changed = in_toc = 0
    stack: list[dict] = []
    for run in root.iter(f"{{{_W}}}r"):
        for child in run:
            tag = child.tag
            if tag == f"{{{_W}}}fldChar":
                kind = child.get(f"{{{_W}}}fldCharType")
                if kind == "begin":
                    stack.append({"instr": "", "state": "instr", "done": False})
                elif kind == "separate" and stack:
                    stack[-1]["state"] = "result"
                elif kind == "end" and stack:
                    stack.pop()
            elif tag == f"{{{_W}}}instrText" and stack and stack[-1]["state"] == "instr":
                stack[-1]["instr"] += child.text or ""
            elif tag == f"{{{_W}}}t" and stack and stack[-1]["state"] == "result":
                field = stack[-1]
                match = _PAGEREF.search(field["instr"])
                if not match or match.group(1) not in pages:
                    continue
                if field["done"]:
                    child.text = ""
                    continue
                new = str(pages[match.group(1)])
                field["done"] = True
                if child.text != new:
                    child.text = new
                    changed += 1
                    if any(_TOC.match(outer["instr"]) for outer in stack[:-1]):
                        in_toc += 1
    return changed, in_toc


def plan_flow(runs: list[tuple[float, float]], marks: dict[str, tuple[int, float]],
              first_page: int) -> tuple[dict[str, int], int]:
    """The printed page of headings in flowing text, and the first page after it.

    ``runs``: per run of pages (each starts on a new page: a level-1 heading, a heading the edition
    starts on a new page, a new section) its estimated height and the height of its pages' text
    area, in the same unit; ``marks``: heading bookmark → (index in ``runs``, height before the
    heading in its run). The first run starts on ``first_page`` and a run takes
    ``ceil(height / page height)`` pages; a heading is on the page its preceding content fills.
    """
    starts = []
    page = first_page
    for used, capacity in runs:
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
