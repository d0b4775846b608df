"""Narrative templates: which files the build renders, with which placeholders, and their checks.

The narratives (``narratives/*.md.j2``, jinja2 with ``StrictUndefined``; ``*.md`` taken verbatim)
are inputs like the card workbooks: ``validate`` renders every one of them with the year's figures
— the same context the build uses — and reports an unknown placeholder, a template syntax error or
an unreadable file as an Issue naming the file and line, in Japanese. The build renders through the
same function, so it can never show jinja's English text.

The files are data here: the narratives' texts (``year_inputs.Narratives``), the past years and the
statistics come from the year's inputs, read once (``year_inputs``); nothing here opens a file of
the input folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace, TracebackType

import jinja2

from .aggregate import Report, aggregate
from .config import ReportConfig
from .errors import NarrativeError
from .input_folder import NARRATIVES_DIR
from .issues import Issue, make_issue
from .japanese import nendo
from .rules import stale_year_phrase
from .statistics import INDEX_ERRORS, StatisticsItem, StatisticsTables, marker_key
from .year_inputs import Narratives, NarrativeSource, YearInputs


# Full-width braces (or a mix) around a word: meant as a placeholder, but printed literally.
_FULL_WIDTH_PLACEHOLDER = re.compile(r"[{｛]\s*[{｛][^{}｛｝\n]*[}｝]\s*[}｝]")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_UNDEFINED_NAME = re.compile(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')")


def narrative_files(config: ReportConfig) -> list[str]:
    """The narratives the build renders, in document order."""
    return ["introduction.md.j2", "section1_intro.md.j2", "section1_points.md.j2", "section1_overview.md.j2",
            *(f"chapter_{index + 1}.md.j2" for index in range(len(config.chapters))),
            "section3.md.j2", "section4_ordinance.md", "section4_liaison.md"]


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


def make_environment(narratives: Narratives) -> jinja2.Environment:
    """The jinja2 environment of the narratives as read, one per ``Narratives`` (read-only: do not change it).

    Its templates are the texts read (never the files again), so a build that reads the folder anew
    renders what the folder holds then. The compiled code is kept in the user's cache folder
    (``jinja``, checked against the template's text), so a new process or build does not compile
    what an earlier one did.
    """
    environment = narratives.kept.get("jinja")
    if environment is None:
        environment = narratives.kept["jinja"] = _environment(narratives)
    return environment


def _environment(narratives: Narratives) -> jinja2.Environment:
    from .usercache import cache_folder

    compiled = cache_folder("jinja")
    environment = jinja2.Environment(
        loader=_SourcesLoader(narratives),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(compiled) if compiled is not None else None,
    )
    from .japanese import era_short
    from .printed import full_width, nendo, short_nendo, zen  # the printed forms of years and amounts

    environment.filters["nendo"] = nendo  # {{ year | nendo }} → 令和２年度; {{ 2019 | nendo }} → 令和元年度
    environment.filters["short_nendo"] = short_nendo  # the column heads' ２年度, 元年度
    environment.filters["era_short"] = era_short  # H30, R元, R2
    environment.filters["zen"] = zen
    environment.filters["full_width"] = full_width
    return environment


class _SourcesLoader(jinja2.BaseLoader):
    """The narratives' texts as read (a BOM from Notepad is fine); unchanged while the environment lives."""

    def __init__(self, narratives: Narratives) -> None:
        self.narratives = narratives

    def get_source(self, environment, template):
        source = self.narratives.get(template)
        if source is None:
            raise jinja2.TemplateNotFound(template)
        return source.text(), source.template_name, lambda: True


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only cache folder: compile every time
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def render_narrative(narratives: Narratives, name: str, context: dict, *, shown_as: str | None = None,
                     environment: jinja2.Environment | None = None) -> str:
    """The template's text with placeholders filled (``.md`` files are taken verbatim).

    Raises NarrativeError with the Japanese message of the Issue (``.issue``); ``shown_as`` is the
    file name the message gives (default: ``narratives/NAME``).
    """
    shown = shown_as or f"{NARRATIVES_DIR}/{name}"
    source = narratives.get(name)
    if source is None:
        issue = _issue("narrative-missing", shown, None)
        raise NarrativeError(f"{shown}: {issue.message}", issue)
    try:
        if not name.endswith(".j2"):
            return source.text()
        return (environment or make_environment(narratives)).get_template(name).render(**context)
    except UnicodeDecodeError as exc:
        issue = _issue("narrative-encoding", shown, _byte_line(source.data, exc.start))
    except jinja2.TemplateSyntaxError as exc:  # also an unknown filter (TemplateAssertionError)
        filter_name = re.match(r"No filter named '([^']+)'", exc.message or "")
        if filter_name:
            issue = _issue("narrative-unknown-filter", shown, exc.lineno, detail=filter_name.group(1),
                           expected="nendo, zen, full_width")
        else:
            issue = _issue("narrative-syntax", shown, exc.lineno)
    except jinja2.UndefinedError as exc:
        line = _template_line(exc.__traceback__, source)
        issue = _issue("narrative-unknown-placeholder", shown, line,
                       detail=_undefined_name(exc.message or "", _source_line(source, line)), expected=", ".join(context))
    except jinja2.TemplateError:
        issue = _issue("narrative-syntax", shown, 0)
    except (TypeError, ValueError, AttributeError) as exc:  # e.g. a filter applied to the wrong kind of value
        issue = _issue("narrative-bad-value", shown, _template_line(exc.__traceback__, source))
    raise NarrativeError(f"{shown}: {issue.message}", issue)


def check_narratives(inputs: YearInputs, cards: list) -> list[Issue]:
    """Render every narrative of the year's inputs with the year's figures; the problems found.

    A folder without ``narratives/`` (a clerk checking one workbook) has nothing to check.
    """
    narratives, config = inputs.narratives, inputs.config
    if not narratives.present:
        return []
    try:
        report = aggregate(config, [s.card for s in cards], inputs.multi_year())
    except (ValueError, KeyError):  # figures the card rules report; the placeholders are what matters here
        report = aggregate(config, [], [])
    context = narrative_context(report, config)
    environment = make_environment(narratives)
    required = narrative_files(config)
    extra = sorted(name for name in narratives.sources
                   if name.endswith((".md", ".md.j2")) and name not in required)
    try:
        statistics = inputs.statistics.index()
    except INDEX_ERRORS:  # a broken index.toml: the build says so
        statistics = {}
    issues: list[Issue] = []
    for name in [*required, *extra]:
        shown = f"{NARRATIVES_DIR}/{name}"
        text = ""
        try:
            text = render_narrative(narratives, name, context, environment=environment)
        except NarrativeError as exc:
            issues.append(exc.issue)
            if exc.issue.code in ("narrative-missing", "narrative-encoding"):
                continue
        lines = narratives.sources[name].text().splitlines()
        found = [*_literal_placeholders(lines, shown, name.endswith(".j2")),
                 *_stale_years(lines, shown, config.fiscal_year),
                 *_figures_without_data(text, lines, shown, statistics, inputs.statistics)]
        issues.extend(sorted(found, key=_line_number))  # a narrative's issues have no cell: by line
    return issues


def _line_number(issue: Issue) -> int:
    match = re.match(r"\d+", issue.params.get("line", ""))
    return int(match.group()) if match else 0


# A placeholder of the report year (``{{ year | nendo }}``): the line names this year, as a comparison does.
_YEAR_PLACEHOLDER = re.compile(r"\{\{[^}]*\byear\b")


def _stale_years(lines: list[str], shown: str, report_year: int) -> list[Issue]:
    """``stale-year-text`` for a narrative: a line naming last year as this year's, as on cards.

    After a rollover, 「平成２５年度の県内中小企業は…」 would print unchanged in the 平成26年度 report. As on
    cards, a line that names the report year too (literally or by a ``year`` placeholder) compares the
    two years, and a span (``平成25年度から``) tells a course. Headings are not checked: they title a
    chronology (section １'s ``### ＜平成２４年度＞``).
    """
    issues = []
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#") or _YEAR_PLACEHOLDER.search(line):
            continue
        phrase = stale_year_phrase(line, report_year)
        if phrase:
            issues.append(make_issue("stale-year-text", shown, field="narrative", line=f"{number} 行目に",
                                     detail=phrase, expected=nendo(report_year)))
    return issues


def _figures_without_data(text: str, lines: list[str], shown: str, statistics: dict[str, StatisticsItem],
                          tables: StatisticsTables) -> list[Issue]:
    """A warning for each statistics table or chart the narrative places that would print 「（データ未入力）」.

    (A marker without an index entry, or a CSV named but missing, stops the build with its own message.)
    """
    issues = []
    for key in dict.fromkeys(marker_key(line) for line in text.splitlines()):
        item = statistics.get(key) if key else None
        try:
            if item is None or not tables.without_data(item):
                continue
        except (OSError, ValueError):  # a CSV that cannot be read: the build says so
            continue
        number = next((n for n, line in enumerate(lines, start=1) if marker_key(line) == key), None)
        named = f"{item.label}「{item.caption}」" if item.caption else item.label
        issues.append(_issue("statistics-no-data", shown, number, detail=named))
    return issues


def _literal_placeholders(lines: list[str], shown: str, template: bool) -> list[Issue]:
    """Warnings for text meant as a placeholder that would print literally."""
    issues = []
    for number, line in enumerate(lines, start=1):
        for match in _FULL_WIDTH_PLACEHOLDER.finditer(line):
            if any(ch in match.group() for ch in "｛｝"):
                issues.append(_issue("narrative-full-width-braces", shown, number, detail=match.group()))
        if not template:
            issues.extend(_issue("narrative-placeholder-in-md", shown, number, detail=match.group())
                          for match in _PLACEHOLDER.finditer(line))
    return issues


def _issue(code: str, shown: str, line: int | None, **params: object) -> Issue:
    return make_issue(code, shown, field="narrative", line=f"{line} 行目" if line else "ファイル内", **params)


def _undefined_name(message: str, line: str) -> str:
    """The name as the template writes it: ``yaer``, ``total.cont`` (jinja names the object's type)."""
    match = _UNDEFINED_NAME.search(message)
    if not match:
        return message
    if not match.group(2):
        return match.group(1)
    written = re.search(rf"[A-Za-z_][\w.]*\.{re.escape(match.group(2))}\b", line)
    return written.group() if written else match.group(2)


def _source_line(source: NarrativeSource, line: int | None) -> str:
    if not line:
        return ""
    lines = source.text().splitlines()
    return lines[line - 1] if line <= len(lines) else ""


def _template_line(traceback: TracebackType | None, source: NarrativeSource) -> int | None:
    """The template line jinja maps the failing frame to (its rewritten traceback names the file)."""
    line = None
    target = source.template_name
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == target:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _byte_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


__all__ = ["NarrativeError", "check_narratives", "make_environment", "narrative_context", "narrative_files",
           "render_narrative"]
