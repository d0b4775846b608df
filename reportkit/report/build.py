"""Build the report: validate the inputs, aggregate, render the .docx, fix page numbers, write companions.

The input folder is read once (``year_inputs.load_year_inputs``: config, past years, last year's
order, statistics, narratives; the cards by ``validate`` through the card cache) and its data handed
down to aggregate and render. Everything is written into a temporary folder inside the output folder
first and moved into place only when every step has succeeded, so a failed build leaves the last good
report untouched. The moves are journaled (``files.journal``): a build killed between two of them is
finished by the next start (``recovery.finish_builds``), so the output folder always holds one whole set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .aggregate import Placeholder, Report, aggregate
from ..usercache import cache_folder
from ..errors import OutputError, ValidationFailed
from .export import companion_sheets, report_data, report_json_bytes
from ..files.journal import move_all, pending
from ..inputs.input_folder import REPORT_JSON, InputFolder
from ..issues import Issue
from ..inputs.recovery import BUILD_STAGING_PREFIX, DRAFT_FOLDER, finish_builds
from ..checks.validate import validate_folder
from ..workbook.tables import write_tables
from ..inputs.year_inputs import YearInputs, load_year_inputs

REPORT_DOCX = "report.docx"
REPORT_PDF = "report.pdf"
PROJECTS_XLSX = "projects.xlsx"
OUTPUT_SET = (REPORT_DOCX, REPORT_JSON, PROJECTS_XLSX, REPORT_PDF)  # the files of one build, replaced as one set
PREVIOUS = "previous"  # in the staging folder: the earlier set, moved aside while the new one moves in


@dataclass
class BuildResult:
    report: Report
    files: list[Path]
    pages: dict[str, int | None]
    page_count: int | None
    warnings: list[Issue] = field(default_factory=list)
    page_numbers_checked: bool = False
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)
    placeholders: dict[str, Placeholder] = field(default_factory=dict)  # a draft's stand-ins by project id
    styles: Path | None = None  # the input folder's own reference.docx the report took its styles from (None: shipped)


def build_report(input_dir: Path, output_dir: Path, *, pdf: bool = False,
                 progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None,
                 page_numbers: bool = True, draft: bool = False, force: bool = False) -> BuildResult:
    """Build report.docx, report.json and projects.xlsx (and report.pdf) from ``input_dir`` into ``output_dir``.

    Raises ValidationFailed (with the issues) when the inputs have errors; nothing is written then.
    ``page_numbers`` runs the LibreOffice pass when LibreOffice is installed (True) or never (False).
    ``draft``: build 素案 from the clean cards into ``output_dir/draft/`` (report.docx, and report.pdf),
    a placeholder page where each card not in yet will stand (``collect.draft``); only errors outside
    the cards (narratives) refuse it.
    A report of another fiscal year where this one goes (``report.json``, else ``report.docx``'s title)
    is never replaced unless ``force``: OtherYearOutput, before anything is written.
    """
    from ..libreoffice.pages import office_started_early

    inputs = load_year_inputs(Path(input_dir))  # a missing or broken config.toml: the most basic problem, first
    if inputs.reference is not None:  # the folder's own styles, edited in Word: usable, or said before anything runs
        from ..render.styles import check

        check(inputs.reference, inputs.folder.reference)
    restored = finish_builds(Path(output_dir))  # a killed build's moves finished before its report is looked at
    if not force:  # before anything else is read or started
        _check_same_year(Path(output_dir) / DRAFT_FOLDER if draft else Path(output_dir),
                         inputs.config.fiscal_year, draft)
    # LibreOffice starts while the cards are read and the document is rendered (its start-up is
    # ≈ a fifth of the page pass); a refused build ends it at once.
    with office_started_early(page_numbers or pdf):
        return _build(inputs, Path(output_dir), pdf=pdf, progress=progress, page_numbers=page_numbers,
                      draft=draft, notices=restored)


def _build(inputs: YearInputs, output_dir: Path, *, pdf: bool, progress, page_numbers: bool,
           draft: bool, notices: list[str]) -> BuildResult:
    from ..libreoffice.pages import (PageNumberError, chosen_soffice, find_soffice, missing_soffice_message,
                                    update_page_numbers)
    from ..render import render_report
    from ..render.package import set_update_fields, write_cached_pagerefs

    started = time.perf_counter()
    input_dir = inputs.root
    result = validate_folder(input_dir, progress=progress, inputs=inputs)
    config = result.config
    placeholders: dict[str, Placeholder] = {}
    if draft:
        output_dir = output_dir / DRAFT_FOLDER
        report, placeholders, draft_notices = _draft_report(inputs, result)
        notices = [*notices, *draft_notices]
    elif not result.ok:
        raise _refused(inputs, result, draft=False)
    else:
        report = aggregate(config, [s.card for s in result.cards], inputs.multi_year(),
                           previous=inputs.expected.previous_order())
    notices = [*notices, *report.warnings]  # e.g. placements of config.toml that could not be followed

    soffice = find_soffice() if (page_numbers or pdf) else None
    if soffice is None and (pdf or (page_numbers and chosen_soffice())):  # asked for, and not there
        from ..errors import ReportkitError

        raise ReportkitError(("PDF を作るには LibreOffice が必要です。" if pdf else "") + missing_soffice_message()
                             + ("（PDF なしで作るには --pdf を外してください）" if pdf else ""))
    _check_not_inside(output_dir, input_dir)
    with pending(output_dir, BUILD_STAGING_PREFIX) as staging:  # removed after, unless a journal is left in it
        try:
            docx = staging / REPORT_DOCX
            estimated = render_report(report, config, inputs.narratives, inputs.statistics, docx, inputs.reference,
                                      update_fields_on_open=soffice is None)
            pages: dict[str, int | None] = dict(estimated or {})
            page_count = None
            checked = False
            if soffice is not None:
                pdf_path = staging / REPORT_PDF if pdf else None
                try:
                    measured = update_page_numbers(docx, pdf_path, write_pages=write_cached_pagerefs, planned=estimated)
                except PageNumberError as exc:
                    if pdf:
                        raise
                    # Keep the planned pages (the file is as rendered) and let Word update the fields on opening.
                    set_update_fields(docx)
                    notices.append(f"ページ番号を確定できませんでした（{exc}）。見込みのページ番号で作成しました。")
                else:
                    pages.update(measured)
                    page_count = measured.page_count or None
                    checked = True
            if not draft:  # a draft's figures are provisional: no data file to be taken for the year's
                data = report_data(report, pages, inputs.abolished)  # the projects abolished this year listed
                (staging / REPORT_JSON).write_bytes(report_json_bytes(data))
                write_tables(staging / PROJECTS_XLSX, companion_sheets(report, pages), cache=cache_folder("tables"))
            written = _move_into_place(staging, output_dir, [name for name in OUTPUT_SET if (staging / name).exists()])
            if not pdf and (staging / PREVIOUS / REPORT_PDF).exists():  # an earlier build's PDF would misread as this one's
                notices.append(f"前回の {REPORT_PDF} は今回の報告書と内容が合わないため、出力フォルダから取り除きました"
                               "（PDF も作るには --pdf を付けてください）。")
        except (OutputError, PageNumberError) as exc:  # raised with the staging path: name the real output
            exc.args = (_real_paths(str(exc), staging, output_dir), *exc.args[1:])
            raise
        except PermissionError as exc:
            where = _real_path(exc.filename2 or exc.filename, staging, output_dir)
            raise OutputError(f"{where} に書き込めません。Word や Excel で開いている場合は閉じてから"
                              "もう一度実行してください。") from exc
        except OSError as exc:
            where = _real_path(exc.filename2 or exc.filename, staging, output_dir)
            raise OutputError(f"{where} に書き込めません（{exc.strerror or exc}）。") from exc
    warnings = [i for i in result.issues if i.severity == "warning"]
    return BuildResult(report, written, pages, page_count, warnings, checked, time.perf_counter() - started,
                       notices, placeholders, inputs.reference_path)


def _draft_report(inputs: YearInputs, result) -> tuple[Report, dict[str, Placeholder], list[str]]:
    """The draft's figures and placeholders; ValidationFailed when an input other than a card has errors."""
    from ..collect.draft import draft_inputs

    if any(task.path is None and task.errors for task in result.tasks):
        raise _refused(inputs, result, draft=True)
    expected = inputs.expected.record() if inputs.expected.present else None
    chosen = draft_inputs(result, expected, inputs.abolished.ids())
    report = aggregate(result.config, chosen.cards, inputs.multi_year(), chosen.placeholders,
                       previous=inputs.expected.previous_order())
    return report, chosen.placeholders, chosen.notices


def _refused(inputs: YearInputs, result, *, draft: bool) -> ValidationFailed:
    """The ValidationFailed of a refused build, with what refuses it first (``collect.refusal``)."""
    from ..collect.refusal import refusal
    from ..errors import ReportkitError

    try:
        expected = inputs.expected.record() if inputs.expected.present else None
    except ReportkitError:  # a broken expected.json: every card's errors are listed as they are
        expected = None
    refused = refusal(result, expected, draft=draft)
    return ValidationFailed(refused.message(), report=result, refusal=refused)


def _move_into_place(staging: Path, output_dir: Path, names: list[str]) -> list[Path]:
    """Move the staged files into the output folder as one set; the paths written.

    The earlier files are first set aside into ``staging/previous/`` (a file Word or Excel holds
    open on Windows refuses that, before anything changed), then the new ones moved in, every move
    journaled in ``staging`` (``files.journal``): when any move fails, the earlier files are put
    back and the new ones taken out, so a failed build leaves the last good report whole; a build
    killed between two moves is finished by the next start (``recovery.finish_builds``), so the
    output folder never keeps a mix. An OSError raised names the output file that could not be replaced.
    """
    aside = staging / PREVIOUS  # the whole earlier set, also a file this build does not make (an older report.pdf)
    moves = [(output_dir / name, aside / name) for name in OUTPUT_SET if (output_dir / name).is_file()]
    moves += [(staging / name, output_dir / name) for name in names]
    try:
        move_all(staging, moves, "build")
    except OSError as exc:
        where = next((f for f in (exc.filename, exc.filename2) if f and Path(f).parent == output_dir), output_dir)
        raise type(exc)(exc.errno, exc.strerror, str(where)) from exc
    return [output_dir / name for name in names]


def _real_path(path, staging: Path, output_dir: Path) -> Path:
    """Where a file of the staging folder goes in the output folder (the output folder for anything else)."""
    if not path:
        return output_dir
    try:
        return output_dir / Path(path).relative_to(staging)
    except ValueError:
        return Path(path)


def _real_paths(text: str, staging: Path, output_dir: Path) -> str:
    """``text`` naming the output folder wherever it names the staging folder (a user never sees .build-…)."""
    return text.replace(str(staging), str(output_dir))


def report_year(folder: Path) -> int | None:
    """The fiscal year of the report in ``folder``: its report.json's, else report.docx's title; None if none tells."""
    import json
    import re
    import zipfile

    from ..japanese import parse_fiscal_year

    try:
        data = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
        return int(data["fiscal_year"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        with zipfile.ZipFile(folder / REPORT_DOCX) as docx:
            core = docx.read("docProps/core.xml").decode("utf-8")
        title = re.search(r"<dc:title>([^<]*)</dc:title>", core)
        return parse_fiscal_year(title.group(1).split()[0]) if title else None
    except (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile):
        return None


def _check_same_year(output_dir: Path, year: int, draft: bool) -> None:
    """Never replace the report of another fiscal year (OtherYearOutput); ``--force`` skips this."""
    from ..errors import OtherYearOutput
    from ..japanese import nendo

    found = report_year(output_dir)
    if found is not None and found != year:
        what = "素案" if draft else "報告書"
        raise OtherYearOutput(f"{output_dir} には{nendo(found)}の{what}があるため、{nendo(year)}の{what}で置き換えませんでした。",
                              output_dir, found, year)


def _check_not_inside(output_dir: Path, input_dir: Path) -> None:
    """Never write into the input folder."""
    if InputFolder(input_dir).contains(output_dir):
        raise OutputError(f"出力フォルダ {output_dir} が入力フォルダの中にあります。別のフォルダを指定してください。")
