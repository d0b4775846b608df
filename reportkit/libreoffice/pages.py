"""True page numbers without Word: drive LibreOffice once and read the page of every bookmark back.

The UNO helper (``uno_helper``) reads the physical page of every Word bookmark from Writer's
layout (and exports the PDF from that same layout when one is wanted), in a LibreOffice kept
running by ``serve`` when there is one; without an interpreter that has ``uno``, LibreOffice
converts the .docx to PDF, every bookmark becomes a named destination and pypdf gives its page. Physical pages minus the unnumbered front
pages (cover, TOC) are the printed numbers. Writing them into the .docx is the render package's
(``render.package.write_cached_pagerefs``), passed in as ``write_pages``: this module never touches
Word XML.

LibreOffice recomputes PAGEREF fields itself when it exports, except inside the TOC field, whose
cached results it prints as they are. The renderer therefore caches its page plan in every
PAGEREF: when the plan is right, the PDF of the single pass is final; only when it was wrong
and a PDF is wanted does a second pass print the corrected TOC.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ..errors import PageNumberError
from .uno_helper import PDF_EXPORT_OPTIONS

FIRST_NUMBERED_BOOKMARK = "rkh001"  # はじめに, printed page 1
# Bookmarks become named destinations; the blank pages LibreOffice inserts before odd-page
# sections are kept, so physical PDF pages match the printed book.
PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {name: {"type": "boolean", "value": str(value).lower()} for name, value in PDF_EXPORT_OPTIONS.items()},
    separators=(",", ":"))
SOFFICE_SETTING = "REPORTKIT_SOFFICE"  # the soffice to use (also set by --soffice); searched for when unset
DEFAULT_TIMEOUT = 300


def _soffice(chosen: str | None) -> str:
    """``chosen``, else the installed LibreOffice; PageNumberError when there is none."""
    soffice = chosen or find_soffice()
    if soffice is None:
        raise PageNumberError(missing_soffice_message() + "ページ番号を確定できません。")
    return soffice


def add_soffice_option(parser) -> None:
    """``--soffice PATH`` on an argparse parser (build, serve): the LibreOffice to use."""
    parser.add_argument("--soffice", metavar="PATH", type=Path,
                        help=f"使う LibreOffice の soffice（Windows では soffice.exe）の場所（既定: 環境変数 {SOFFICE_SETTING}、"
                             "なければ PATH と既定のインストール先から探します）")


def use_soffice(path: Path | None) -> None:
    """Use ``path`` as LibreOffice from now on, in this process and the ones it starts (``--soffice``)."""
    if path is not None:
        os.environ[SOFFICE_SETTING] = str(Path(path).expanduser().absolute())


def chosen_soffice() -> str | None:
    """The soffice the user named (``REPORTKIT_SOFFICE`` / ``--soffice``), found or not; None when none was."""
    return os.environ.get(SOFFICE_SETTING) or None


def soffice_locations(platform: str | None = None, environ=None) -> list[Path]:
    """Where LibreOffice installs itself on ``platform`` (``sys.platform``), in the order looked at.

    Windows: both Program Files folders (a 32-bit LibreOffice on 64-bit Windows is in ``Program Files
    (x86)``) and the per-user install without administrator rights (``%LOCALAPPDATA%\\Programs``);
    macOS: the application in /Applications or ~/Applications.
    """
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform == "win32":
        roots = [environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        roots = [root for root in dict.fromkeys(roots) if root]
        if environ.get("LOCALAPPDATA"):
            roots.append(str(Path(environ["LOCALAPPDATA"]) / "Programs"))
        return [Path(root) / "LibreOffice" / "program" / "soffice.exe" for root in roots]
    if platform == "darwin":
        apps = [Path("/Applications"), Path(environ.get("HOME", "~")).expanduser() / "Applications"]
        return [app / "LibreOffice.app" / "Contents" / "MacOS" / "soffice" for app in apps]
    return []


def find_soffice() -> str | None:
    """The LibreOffice executable, or None: the one named (``REPORTKIT_SOFFICE``, when it exists), else
    soffice / libreoffice on PATH, else the platform's install folders (``soffice_locations``)."""
    chosen = chosen_soffice()
    if chosen is not None:
        return chosen if Path(chosen).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for location in soffice_locations():
        if location.is_file():
            return str(location)
    return None


def missing_soffice_message() -> str:
    """Why no LibreOffice was found, in Japanese, and the way out: the file named, or where it was looked for."""
    chosen = chosen_soffice()
    if chosen is not None:
        return (f"{SOFFICE_SETTING}（または --soffice）で指定された LibreOffice がありません: {chosen}。"
                "soffice の場所（Windows では …\\LibreOffice\\program\\soffice.exe）を確かめてください。")
    places = "、".join(["PATH", *map(str, soffice_locations())])
    return (f"LibreOffice（soffice）が見つかりません（探した場所: {places}）。LibreOffice をインストールするか、"
            f"soffice の場所を環境変数 {SOFFICE_SETTING} か --soffice で指定してください。")


def convert_to_pdf(docx_path: Path, out_dir: Path, soffice: str | None = None,
                   timeout: int = DEFAULT_TIMEOUT) -> Path:
    """One headless conversion with a private profile; bookmarks become PDF named destinations."""
    from .uno_helper import prepare_profile

    soffice = _soffice(soffice)
    docx_path = Path(docx_path).resolve()
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="reportkit-lo-") as profile:
        prepare_profile(Path(profile))
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


PDF_LANGUAGE = "ja-JP"
# Paragraph styles of header cells (render.styles: CARD_LABEL, CARD_CELL_HEADER, TABLE_HEADER, LIST_HEADER),
# as LibreOffice names their structure types. Writer tags only a table's repeated header rows /TH; a cell
# of one of these styles elsewhere (the card's labels, 合計) becomes a header cell too.
HEADER_CELL_STYLES = ("カード項目", "カード表見出し", "表見出し", "一覧表見出し")


def finish_pdf(pdf_path: Path, docx_path: Path | None = None, language: str = PDF_LANGUAGE) -> None:
    """What LibreOffice's tagged export leaves out of PDF/UA-1, added as an incremental update.

    The document's language (``/Lang``: LibreOffice writes the .docx's Latin default, en-US, which
    stays so because as ja-JP it moves Writer's line breaks), on every page ``/Tabs /S`` (the tab
    order of its links follows the structure tree), header cells (``_header_cells``) and, when the PDF
    was converted without UNO (which sets them), the charts' alternative text from ``docx_path``.
    Nothing on any page changes.
    """
    from pypdf import PdfReader
    from pypdf.generic import NameObject, TextStringObject

    data = Path(pdf_path).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"].get_object()
    root[NameObject("/Lang")] = TextStringObject(language)
    changed = [root]
    for page in reader.pages:
        page[NameObject("/Tabs")] = NameObject("/S")
        changed.append(page)
    tree = root.get("/StructTreeRoot")
    if tree is not None:
        tables, figures = _tables_and_figures(tree.get_object())
        changed += _header_cells(tables)
        if docx_path is not None:
            changed += _chart_alternatives(figures, docx_path)
    Path(pdf_path).write_bytes(_incremental_update(data, reader, changed))


def _incremental_update(data: bytes, reader, changed: list) -> bytes:
    """``data`` with the ``changed`` objects (read by ``reader``) appended as a new revision: the objects,
    and a cross-reference stream (as LibreOffice writes them) that points back to the file's last one (``/Prev``).

    Appending leaves every byte of the file as it was, and costs only the objects written (pypdf's own
    incremental writer reads and hashes every object of the file first).
    """
    import re
    import struct

    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    out = io.BytesIO()
    out.write(data if data.endswith(b"\n") else data + b"\n")
    offsets: dict[tuple[int, int], int] = {}
    for obj in changed:
        reference = obj.indirect_reference
        key = (reference.idnum, reference.generation)
        if key in offsets:
            continue
        offsets[key] = out.tell()
        out.write(f"{key[0]} {key[1]} obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    previous = int(re.findall(rb"startxref\s+(\d+)", data[-1024:])[-1])
    number = max(int(reader.trailer["/Size"]), *(n + 1 for n, _ in offsets))  # the xref stream's own
    xref = offsets[(number, 0)] = out.tell()
    rows = b"".join(struct.pack(">BIH", 1, offset, generation) for (_, generation), offset in sorted(offsets.items()))
    stream = DictionaryObject({NameObject(key): value for key, value in reader.trailer.items()
                               if key in ("/Root", "/Info", "/ID")})
    stream.update({NameObject("/Type"): NameObject("/XRef"), NameObject("/Size"): NumberObject(number + 1),
                   NameObject("/Prev"): NumberObject(previous), NameObject("/Length"): NumberObject(len(rows)),
                   NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)]),
                   NameObject("/Index"): ArrayObject([NumberObject(v) for n, _ in sorted(offsets) for v in (n, 1)])})
    out.write(f"{number} 0 obj\n".encode())
    stream.write_to_stream(out)
    out.write(b"\nstream\n" + rows + b"\nendstream\nendobj\n")
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _kids(element) -> list:
    from pypdf.generic import ArrayObject, DictionaryObject

    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else None
    items = list(kids) if isinstance(kids, ArrayObject) else [] if kids is None else [kids]
    resolved = (kid.get_object() for kid in items)
    return [kid for kid in resolved if isinstance(kid, DictionaryObject) and "/S" in kid]


def _tables_and_figures(tree) -> tuple[list, list]:
    """The /Table and /Figure structure elements, in document order (text-level elements not entered)."""
    tables, figures = [], []

    def visit(element) -> None:
        for kid in _kids(element):
            kind = kid["/S"]
            if kind == "/Table":
                tables.append(kid)
            elif kind == "/Figure":
                figures.append(kid)
            if kind not in ("/Span", "/Link", "/Figure"):
                visit(kid)

    visit(tree)
    return tables, figures


def _chart_alternatives(figures: list, docx_path: Path) -> list:
    """The charts' descriptions (wp:docPr descr) as /Alt of the Figures that have none, in document
    order — only when there are as many such Figures as charts (a picture has its own)."""
    from pypdf.generic import NameObject, TextStringObject

    from ..word.facts import chart_descriptions

    figures = [figure for figure in figures if not figure.get("/Alt") and not figure.get("/ActualText")]
    descriptions = chart_descriptions(Path(docx_path))
    if not figures or len(figures) != len(descriptions):
        return []
    changed = []
    for figure, description in zip(figures, descriptions):
        if description and figure.indirect_reference is not None:
            figure[NameObject("/Alt")] = TextStringObject(description)
            changed.append(figure)
    return changed


def _header_cells(tables: list) -> list:
    """Every /TD whose paragraphs are all of a header style becomes a /TH: of its column (/Scope /Column) in
    a row of header cells only (a results table's head, a card's full-width label), else of its row (a
    card's label beside its value, 合計)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    header_roles = {f"/{name}" for name in HEADER_CELL_STYLES}

    def is_header(cell) -> bool:
        paragraphs = _kids(cell)
        return cell["/S"] == "/TH" or bool(paragraphs) and all(p["/S"] in header_roles for p in paragraphs)

    changed = []
    for table in tables:
        for row in (row for row in _kids(table) if row["/S"] == "/TR"):
            cells = _kids(row)
            styled = [is_header(cell) for cell in cells]
            scope = NameObject("/Column" if all(styled) else "/Row")
            for cell, header in zip(cells, styled):
                if not header or cell["/S"] != "/TD" or cell.indirect_reference is None:
                    continue
                cell[NameObject("/S")] = NameObject("/TH")
                changed.append(cell)
                existing = cell.get("/A")
                existing = existing.get_object() if existing is not None else None
                items = list(existing) if isinstance(existing, ArrayObject) else [existing] * bool(existing)
                owned = [item.get_object() for item in items if item.get_object().get("/O") == "/Table"]
                if owned:  # Writer's own (a spanned cell's /ColSpan): the scope joins it
                    owned[0][NameObject("/Scope")] = scope
                    if owned[0].indirect_reference is not None:
                        changed.append(owned[0])
                    continue
                attributes = DictionaryObject({NameObject("/O"): NameObject("/Table"), NameObject("/Scope"): scope})
                cell[NameObject("/A")] = ArrayObject([*items, attributes]) if items else attributes
    return changed


WritePages = Callable[[Path, dict[str, int]], tuple[int, int]]


def update_page_numbers(docx_path: Path, pdf_path: Path | None = None, *, write_pages: WritePages,
                        soffice: str | None = None, timeout: int = DEFAULT_TIMEOUT,
                        planned: dict[str, int] | None = None) -> PageNumbers:
    """Measure once, have ``write_pages`` put the printed page of every bookmark into the .docx; return them.

    ``write_pages(docx_path, pages)`` returns (results changed, of which inside the TOC field)
    (``render.package.write_cached_pagerefs``). ``pdf_path``: where to keep the PDF (None = none).
    LibreOffice updates every PAGEREF on export except those inside the TOC field, so a second
    pass happens only when a PDF is wanted and the TOC's cached numbers (the renderer's plan) changed.
    ``planned``: the pages the .docx already carries (the renderer's plan, every PAGEREF's target);
    when the measure agrees with it, the .docx is left as it is (nothing to write).
    """
    docx_path = Path(docx_path)
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as work:
        pdf = Path(work) / (docx_path.stem + ".pdf") if pdf_path is not None else None
        pages = measure_pages(docx_path, pdf, soffice=soffice, timeout=timeout)
        if planned and all(pages.get(name) == page for name, page in planned.items()):
            toc_changed = False  # the plan was right: the cached numbers are the true ones
        else:
            _, toc_changed = write_pages(docx_path, pages)
        if pdf is not None and toc_changed:
            again = measure_pages(docx_path, pdf, soffice=soffice, timeout=timeout)
            if again != pages:  # the TOC grew a page: numbers moved, write them once more
                write_pages(docx_path, again)
                again = measure_pages(docx_path, pdf, soffice=soffice, timeout=timeout)
            pages = again
        if pdf_path is not None:
            finish_pdf(pdf, docx_path)
            Path(pdf_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, pdf_path)
    return pages


def start_kept_office(*, register: bool = True):
    """Start a LibreOffice that every page pass uses while it runs (``uno_helper.KeptOffice``).

    ``register``: also for other processes, in the user cache (serve); False for one build's own.
    None when LibreOffice or an interpreter with ``uno`` is missing (then each pass starts its own).
    """
    from .uno_helper import KeptOffice, kept_registry, uno_python

    soffice = find_soffice()
    python = uno_python(soffice) if soffice else None
    if python is None:
        return None
    return KeptOffice(soffice, python, kept_registry() if register else None).start()


@contextmanager
def office_started_early(wanted: bool):
    """A LibreOffice for one build's page pass, started now so that its start-up (≈1.5–2 s) runs while
    the build validates and renders; ended when the build is. Nothing when ``wanted`` is False or a
    LibreOffice is kept running already (serve's). Yields the KeptOffice or None.
    """
    from .uno_helper import kept_office

    office = start_kept_office(register=False) if wanted and kept_office() is None else None
    try:
        yield office
    except BaseException:  # a refused or failed build: nothing to wait for
        if office is not None:
            office.close(ask=False)
        raise
    if office is not None:
        office.close()


def measure_pages(docx_path: Path, pdf: Path | None = None, *, soffice: str | None = None,
                  timeout: int = DEFAULT_TIMEOUT) -> PageNumbers:
    """One LibreOffice pass: the printed page of every bookmark and the page count (and the PDF at ``pdf``).

    Over UNO when an interpreter with ``uno`` exists (in a kept LibreOffice when one runs), else by
    converting to PDF and reading its named destinations.
    """
    from .uno_helper import uno_python

    soffice = _soffice(soffice)
    python = uno_python(soffice)
    if python is not None:
        return read_layout_pages(docx_path, soffice=soffice, python=python, timeout=timeout, pdf=pdf)
    with tempfile.TemporaryDirectory(prefix="reportkit-lo-out-") as work:
        converted = convert_to_pdf(docx_path, Path(work), soffice=soffice, timeout=timeout)
        result = PageNumbers(printed_pages(bookmark_pages(converted)))
        result.page_count = pdf_page_count(converted)
        if pdf is not None:
            shutil.move(str(converted), pdf)
    return result


def read_layout_pages(docx_path: Path, *, soffice: str | None = None, python: str,
                      timeout: int = DEFAULT_TIMEOUT, pdf: Path | None = None) -> PageNumbers:
    """The printed page of every bookmark as Writer lays ``docx_path`` out, over UNO (and the PDF at ``pdf``).

    In the LibreOffice kept running (``uno_helper.KeptOffice``) when there is one; when it does
    not answer or fails, in a LibreOffice of its own (and a kept one of this process is restarted).
    """
    from .uno_helper import kept_office, layout_pages

    soffice = _soffice(soffice)
    docx_path = Path(docx_path)
    try:
        measured = None
        kept = kept_office()
        if kept is not None:
            pipe, wait, own = kept
            try:
                measured = layout_pages(docx_path, soffice, python, timeout, pdf=pdf, pipe=pipe, wait=wait)
            except (RuntimeError, OSError, ValueError, KeyError):
                if own is not None:
                    own.restart()
        if measured is None:
            measured = layout_pages(docx_path, soffice, python, timeout, pdf=pdf)
    except (RuntimeError, OSError, ValueError, KeyError) as exc:
        raise PageNumberError(f"LibreOffice でページを読み取れませんでした: {exc}") from exc
    physical, count = measured
    result = PageNumbers(printed_pages(physical))
    result.page_count = count
    return result
