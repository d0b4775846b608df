"""Narrative templates: which files the build renders, with which placeholders, and their checks.

The narratives (``narratives/*.md.j2``, jinja2 with ``StrictUndefined``; ``*.md`` taken verbatim;
``*.docx`` written in Word, each paragraph's and cell's text a template of its own) are inputs like
the card workbooks: ``validate`` renders every one of them with the year's figures
— the same context the build uses — and reports an unknown placeholder, a template syntax error or
an unreadable file as an Issue naming the file and line, in Japanese. The build renders through the
same function, so it can never show jinja's English text.

The files are data here: the narratives' texts (``year_inputs.Narratives``), the past years and the
statistics come from the year's inputs, read once (``year_inputs``); nothing here opens a file of
the input folder. A Word narrative is read from the bytes the year's inputs hold
(``word.reader.read_narrative_data``), once per reading of the folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace, TracebackType

import jinja2

from .aggregate import Report, aggregate
from ..blocks import BOLD_ON
from ..blocks import plain as _plain
from ..inputs.config import ReportConfig
from ..errors import InputFileError, NarrativeError
from ..inputs.input_folder import NARRATIVES_DIR
from ..issues import Issue, make_issue
from ..japanese import nendo
from ..checks.rules import stale_year_phrase
from ..inputs.statistics import INDEX_ERRORS, INDEX_FILE, StatisticsItem, StatisticsTables, marker_key
from ..word.reader import WordNarrative, quote_of, read_narrative_data, where
from ..inputs.year_inputs import WORD_SUFFIX, Narratives, NarrativeSource, YearInputs, part_name


# Full-width braces (or a mix) around a word: meant as a placeholder, but printed literally.
_FULL_WIDTH_PLACEHOLDER = re.compile(r"[{｛]\s*[{｛][^{}｛｝\n]*[}｝]\s*[}｝]")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_UNDEFINED_NAME = re.compile(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')")


def narrative_files(config: ReportConfig) -> list[str]:
    """The narratives the build renders, in document order."""
    return ["introduction.md.j2", "section1_intro.md.j2", "section1_points.md.j2", "section1_overview.md.j2",
            *(f"chapter_{index + 1}.md.j2" for index in range(len(config.chapters))),
            "section3.md.j2", "section4_ordinance.md", "section4_liaison.md"]


def word_source(narratives: Narratives, name: str) -> NarrativeSource | None:
    """The Word file of the part ``name`` is of (``introduction.md.j2`` → ``introduction.docx``), None without one."""
    return narratives.word(name)


def _both_forms(narratives: Narratives, name: str) -> Issue | None:
    """An error when the part is given both in Word and in Markdown (which one is meant is not ours to guess)."""
    forms = narratives.forms(name)
    markdown = [source.name for source in forms if not source.is_word]
    if not markdown or len(markdown) == len(forms):
        return None
    word = f"{NARRATIVES_DIR}/{part_name(name)}{WORD_SUFFIX}"
    return make_issue("narrative-both-forms", word, field="narrative", line="ファイル内",
                      detail=word, other="、".join(f"{NARRATIVES_DIR}/{m}" for m in markdown))


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
    from ..usercache import cache_folder

    compiled = cache_folder("jinja")
    environment = jinja2.Environment(
        loader=_SourcesLoader(narratives),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(compiled) if compiled is not None else None,
    )
    from ..japanese import era_short
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
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, jinja2.TemplateSyntaxError):
            line = exc.lineno
        else:
            line = _template_line(exc.__traceback__, source) if not isinstance(exc, jinja2.TemplateError) or \
                isinstance(exc, jinja2.UndefinedError) else 0
        issue = _template_issue(exc, shown, line, _source_line(source, line), context)
    raise NarrativeError(f"{shown}: {issue.message}", issue)


def _template_issue(exc: Exception, shown: str, line: int | str | None, source: str, context: dict) -> Issue:
    """The Issue of a template that does not render: its syntax, an unknown filter or name, a bad value."""
    if isinstance(exc, jinja2.TemplateSyntaxError):  # also an unknown filter (TemplateAssertionError)
        filter_name = re.match(r"No filter named '([^']+)'", exc.message or "")
        if filter_name:
            return _issue("narrative-unknown-filter", shown, line, detail=filter_name.group(1),
                          expected="nendo, zen, full_width")
        return _issue("narrative-syntax", shown, line)
    if isinstance(exc, jinja2.UndefinedError):
        return _issue("narrative-unknown-placeholder", shown, line,
                      detail=_undefined_name(exc.message or "", source), expected=", ".join(context))
    if isinstance(exc, jinja2.TemplateError):
        return _issue("narrative-syntax", shown, line)
    return _issue("narrative-bad-value", shown, line)  # e.g. a filter applied to the wrong kind of value


# --- narratives written in Word --------------------------------------------------------------

_TAG = re.compile("\\{[\x02\x03]*[{%#].*?[}%#][\x02\x03]*\\}", re.S)  # bold markers may split a tag's braces
_MARKER = re.compile("[\x02\x03]")


def _whole_tags(text: str) -> str:
    """The text with its tags free of bold markers (Word's runs split a placeholder where its formatting
    changes): the value takes the formatting of the tag's first character, the text after it its own."""
    out, position, bold = [], 0, False
    for match in _TAG.finditer(text):
        before = text[position:match.start()]
        marks = _MARKER.findall(before)
        bold = marks[-1] == BOLD_ON if marks else bold
        inside = _MARKER.findall(match.group())
        out += [before, _plain(match.group())]
        if inside and (inside[-1] == BOLD_ON) != bold:
            out.append(inside[-1])  # the text after the tag as its runs are
            bold = inside[-1] == BOLD_ON
        position = match.end()
    out.append(text[position:])
    return "".join(out)
_SPANNING_BLOCK = re.compile(r"Unexpected end of template|unknown tag 'end|Encountered unknown tag 'el")


def render_word_narrative(narratives: Narratives, name: str, context: dict, *,
                          environment: jinja2.Environment | None = None) -> list:
    """The blocks of the part's Word file (``word_source``), each paragraph's and cell's placeholders filled.

    Raises NarrativeError (the Japanese message of its Issue) for the part given both ways, a file that
    cannot be read, a tracked change not yet accepted, or a placeholder that does not render.
    """
    both = _both_forms(narratives, name)
    if both is not None:
        raise NarrativeError(f"{both.file}: {both.message}", both)
    source = word_source(narratives, name)
    shown = f"{NARRATIVES_DIR}/{source.name}"
    narrative = word_narrative(narratives, source)
    issues = [issue for issue in _finding_issues(narrative, shown) if issue.severity == "error"]
    blocks, failures = _render_word_blocks(narrative, shown, context, environment or make_environment(narratives))
    issues.extend(failures)
    if issues:
        raise NarrativeError(f"{shown}: {issues[0].message}", issues[0])
    return blocks


def word_narrative(narratives: Narratives, source: NarrativeSource) -> WordNarrative:
    """What the reader makes of a Word file's bytes, read once per ``Narratives`` (validate's checks and
    the build's rendering share it; do not change it)."""
    key = ("word", source.name)
    narrative = narratives.kept.get(key)
    if narrative is None:
        narrative = narratives.kept[key] = read_narrative_data(source.data)
    return narrative


def _render_word_blocks(narrative: WordNarrative, shown: str, context: dict,
                        environment: jinja2.Environment) -> tuple[list, list[Issue]]:
    """The blocks with every text rendered (a paragraph exactly ``[表:4-1]`` → that table), and the failures."""
    blocks, issues = [], []
    for (kind, data), number, quote in zip(narrative.blocks, narrative.numbers, narrative.quotes):
        place = where(number, quote)

        def fill(text: str, place: str = place) -> str:
            if "{" not in text:
                return text
            try:
                return environment.from_string(_whole_tags(text)).render(**context)
            except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
                if isinstance(exc, jinja2.TemplateSyntaxError) and _SPANNING_BLOCK.search(exc.message or ""):
                    issues.append(_issue("narrative-docx-block-span", shown, place, detail=quote))
                else:
                    issues.append(_template_issue(exc, shown, place, _plain(text), context))
                return text

        if kind == "grid":
            blocks.append((kind, [[fill(cell, narrative.cell_of(number, r, c, quote_of(cell))) for c, cell in enumerate(row)]
                                  for r, row in enumerate(data)]))
            continue
        text = fill(data)
        key = marker_key(_plain(text)) if kind == "paragraph" else None
        blocks.append(("table" if key.startswith("表") else "figure", key) if key else (kind, text))
    return blocks, issues


def _finding_issues(narrative: WordNarrative, shown: str) -> list[Issue]:
    return [_issue(f.code, shown, narrative.place(f.number, f.quote), detail=f.detail, expected=f.expected)
            for f in narrative.findings]


def _check_word(narratives: Narratives, name: str, context: dict, environment: jinja2.Environment,
                report_year: int, statistics: dict[str, StatisticsItem], tables: StatisticsTables) -> list[Issue]:
    """The checks of a Word narrative, as of a Markdown one, each naming the paragraph and quoting it."""
    both = _both_forms(narratives, name)
    if both is not None:
        return [both]
    source = word_source(narratives, name)
    shown = f"{NARRATIVES_DIR}/{source.name}"
    narrative = word_narrative(narratives, source)
    issues = _finding_issues(narrative, shown)
    blocks, failures = _render_word_blocks(narrative, shown, context, environment)
    issues.extend(failures)
    texts: list[tuple[str, str]] = []  # (where, text) of every paragraph and cell, headings apart
    headings: list[tuple[str, str]] = []
    for (kind, data), number, quote in zip(narrative.blocks, narrative.numbers, narrative.quotes):
        if kind == "grid":  # each cell named by its table, row and column
            texts.extend((narrative.cell_of(number, r, c, quote_of(cell)), _plain(cell))
                         for r, row in enumerate(data) for c, cell in enumerate(row))
            continue
        (headings if kind in ("heading", "heading2") else texts).append((where(number, quote), _plain(data)))
    placed = [(data, where(number, quote)) for (kind, data), number, quote
              in zip(blocks, narrative.numbers, narrative.quotes) if kind in ("table", "figure")]
    issues.extend([*_literal_placeholders([*headings, *texts], shown, True),
                   *_stale_years(texts, shown, report_year),
                   *_figures_without_data(placed, shown, statistics, tables)])
    return sorted(issues, key=lambda issue: _word_order(issue, narrative))  # by paragraph, as Markdown's by line


_CELL = re.compile(r"表 (\d+) の (\d+) 行 (\d+) 列")


def _word_order(issue: Issue, narrative: WordNarrative) -> tuple[int, int, int]:
    """Where a Word narrative's issue stands: its paragraph, or its table's first paragraph, row, column."""
    cell = _CELL.match(issue.params.get("line", ""))
    if cell is None:
        return _line_number(issue), 0, 0
    first = next((n for n, t in narrative.tables.items() if t == int(cell.group(1))), 0)
    return first, int(cell.group(2)), int(cell.group(3))


def check_narratives(inputs: YearInputs, cards: list) -> list[Issue]:
    """Render every narrative of the year's inputs with the year's figures; the problems found.

    A part given in Word is checked paragraph by paragraph (and given in Markdown too, it is an error).
    A folder without ``narratives/`` (a clerk checking one workbook) has nothing to check.
    """
    narratives, config = inputs.narratives, inputs.config
    if not narratives.present:
        return []
    issues: list[Issue] = []
    try:
        report = aggregate(config, [s.card for s in cards], inputs.multi_year())
    except InputFileError as exc:  # a broken multi_year.csv: an error of its own, the narratives still checked
        issues.append(make_issue("input-file-broken", inputs.folder.multi_year.name, detail=str(exc)))
        report = aggregate(config, [], [])
    except (ValueError, KeyError):  # figures the card rules report; the placeholders are what matters here
        report = aggregate(config, [], [])
    context = narrative_context(report, config)
    environment = make_environment(narratives)
    required = narrative_files(config)
    parts = {part_name(name) for name in required}
    extra = sorted(name for name, source in narratives.sources.items()  # a part given both ways once, as Word
                   if name not in required and not (source.is_word and source.part in parts)
                   and (source.is_word or word_source(narratives, name) is None))
    try:
        statistics = inputs.statistics.index()
    except INDEX_ERRORS as exc:  # a broken index.toml: an error here, and the build stops on it
        issues.append(make_issue("input-file-broken", f"{inputs.statistics.folder.name}/{INDEX_FILE}", detail=str(exc)))
        statistics = {}
    for name in [*required, *extra]:
        if word_source(narratives, name) is not None:
            issues.extend(_check_word(narratives, name, context, environment, config.fiscal_year, statistics,
                                      inputs.statistics))
            continue
        shown = f"{NARRATIVES_DIR}/{name}"
        text = ""
        try:
            text = render_narrative(narratives, name, context, environment=environment)
        except NarrativeError as exc:
            issues.append(exc.issue)
            if exc.issue.code in ("narrative-missing", "narrative-encoding"):
                continue
        lines = narratives.sources[name].text().splitlines()
        numbered = list(enumerate(lines, start=1))
        placed = [(key, next((n for n, line in numbered if marker_key(line) == key), None))
                  for key in dict.fromkeys(marker_key(line) for line in text.splitlines()) if key]
        found = [*_literal_placeholders(numbered, shown, name.endswith(".j2")),
                 *_stale_years([(n, line) for n, line in numbered if not line.lstrip().startswith("#")], shown,
                               config.fiscal_year),
                 *_figures_without_data(placed, shown, statistics, inputs.statistics)]
        issues.extend(sorted(found, key=_line_number))  # a narrative's issues have no cell: by line
    return list(dict.fromkeys(issues))  # a broken CSV placed by two narratives: said once


def _line_number(issue: Issue) -> int:
    match = re.match(r"(?:段落 )?(\d+)", issue.params.get("line", ""))
    return int(match.group(1)) if match else 0


# A placeholder of the report year (``{{ year | nendo }}``): the line names this year, as a comparison does.
_YEAR_PLACEHOLDER = re.compile(r"\{\{[^}]*\byear\b")


def _stale_years(lines: list[tuple[int | str, str]], shown: str, report_year: int) -> list[Issue]:
    """``stale-year-text`` for a narrative: a line naming last year as this year's, as on cards.

    After a rollover, 「平成２５年度の県内中小企業は…」 would print unchanged in the 平成26年度 report. As on
    cards, a line that names the report year too (literally or by a ``year`` placeholder) compares the
    two years, and a span (``平成25年度から``) tells a course. ``lines``: (line number or paragraph, text);
    headings are left out by the caller: they title a chronology (section １'s ``### ＜平成２４年度＞``).
    """
    issues = []
    for number, line in lines:
        if _YEAR_PLACEHOLDER.search(line):
            continue
        phrase = stale_year_phrase(line, report_year)
        if phrase:
            issues.append(make_issue("stale-year-text", shown, field="narrative", line=f"{_place(number)}に",
                                     detail=phrase, expected=nendo(report_year)))
    return issues


def _figures_without_data(placed: list[tuple[str, int | str | None]], shown: str,
                          statistics: dict[str, StatisticsItem], tables: StatisticsTables) -> list[Issue]:
    """A warning for each statistics table or chart the narrative places (key, where) that would print
    「（データ未入力）」.

    (A marker without an index entry, or a CSV named but missing, stops the build with its own message.)
    """
    issues = []
    for key, number in placed:
        item = statistics.get(key)
        try:
            if item is None or not tables.without_data(item):
                continue
        except InputFileError as exc:  # a CSV in no encoding Excel writes: the build stops on it too
            issues.append(make_issue("input-file-broken", f"{tables.folder.name}/{item.file}", detail=str(exc)))
            continue
        except (OSError, ValueError):  # a CSV that cannot be read: the build says so
            continue
        named = f"{item.label}「{item.caption}」" if item.caption else item.label
        issues.append(_issue("statistics-no-data", shown, number, detail=named))
    return issues


def _literal_placeholders(lines: list[tuple[int | str, str]], shown: str, template: bool) -> list[Issue]:
    """Warnings for text meant as a placeholder that would print literally; ``lines``: (where, text)."""
    issues = []
    for number, line in lines:
        for match in _FULL_WIDTH_PLACEHOLDER.finditer(line):
            if any(ch in match.group() for ch in "｛｝"):
                issues.append(_issue("narrative-full-width-braces", shown, number, detail=match.group()))
        if not template:
            issues.extend(_issue("narrative-placeholder-in-md", shown, number, detail=match.group())
                          for match in _PLACEHOLDER.finditer(line))
    return issues


def _issue(code: str, shown: str, line: int | str | None, **params: object) -> Issue:
    return make_issue(code, shown, field="narrative", line=_place(line), **params)


def _place(line: int | str | None) -> str:
    """A Markdown line (``3 行目``) or a Word paragraph (``段落 3（「…」）``, given as text)."""
    if isinstance(line, str):
        return line
    return f"{line} 行目" if line else "ファイル内"


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
           "part_name", "render_narrative", "render_word_narrative", "word_narrative", "word_source"]
