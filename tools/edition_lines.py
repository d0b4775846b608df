"""How closely a built PDF is laid out as the published 平成25年度 edition (not part of the package).

    python tools/edition_lines.py [report.pdf] [--seed SEED.txt] [--build INPUTS]

Without a PDF it builds the sample (``reportkit build inputs --pdf`` into a temporary folder) and
measures that. It prints three things against the seed (the edition's text, its line breaks kept):

1. **Line identity per part** (two readings: all of the below, and the issue's first one, pdftotext's
   lines and -layout's columns only): of the edition's lines of 12 characters or more (NFKC, whitespace
   removed), the share that stand as a whole line in our PDF — a line of ``pdftotext``'s text, a
   line of ``pdftotext -layout`` (the whole baseline, as the seed's extraction joins a card's label
   and its content) or one of its columns (a run of text between gaps of two spaces or more), or the words
   of one baseline (``pdftotext -bbox-layout``) between gaps wider than 1½ em — among the pages of
   the same part of our PDF (the whole PDF for the whole document).
2. **Cards**: how many cards' ３ 事業内容 take the edition's number of lines (cards paired in
   document order; ``pdftotext -bbox-layout`` gives our lines).
3. **Pages**: the printed page on which every part starts, ours against the edition's.
4. **Breaks**: numbers split across lines (a line of 10 characters or more ending in a full-width
   digit, the next starting with one) in the whole text, and wrap fragments on the card pages (whole
   baselines of one or two characters, letters only: no digit or mark), ours against the edition's.
5. **Widths**: the characters of every wrapped line (not a paragraph's first or last) of the ◎
   summaries of the new-projects list and of each chapter's opening page, ours against the edition's.
   The seed ends a paragraph's last line with a space and never a line the layout wrapped; a shorter
   line that ends so is a break the edition's authors typed, listed apart (``typed``).
6. **Pages 4–7**: the lines of each page of section 1's (1) and (2), and the line each page starts with.

Needs poppler's ``pdftotext`` on the PATH. Exit status 0 (it measures; it does not judge).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = Path("/work/shared/seed/000_a42f7362741e37e4.txt")
MIN_CHARS = 12
GAP_EM = 1.5  # a gap between words of one baseline wider than this splits it into columns

# The parts, in document order: (key, label, anchor as NFKC without whitespace). A part starts at the
# first line (seed) or page (ours) at or after the previous part's start that holds its anchor.
PARTS = [
    ("front", "はじめに", "はじめに"),
    ("section1", "１ これまでの中小企業振興施策", "1これまでの中小企業振興施策"),
    ("points", "（１）基本方針別の主なポイント", "(1)8つの基本方針別の主なポイント"),
    ("years", "（２）年度別の概況", "(2)年度別の概況"),
    # Section 2's heading stands on the page of its (1), in the edition (p8) as in ours: its line is section 2's.
    ("section2", "２ 平成25年度に実施した中小企業振興施策", "2平成25年度に実施した中小企業振興施策"),
    ("new", "２（１）新規事業 ①–④", "(1)平成25年度の新規事業"),
    ("new5", "新規事業 ⑤–⑧", "5中小企業が行う技術開発"),  # NFKC: ⑤ → 5
    ("list", "２（２）施策一覧", "(2)平成25年度の中小企業振興施策一覧"),
    ("chapters", "２（３）章とカード", "(3)平成25年度の中小企業振興施策実施状況"),
    ("section3", "３ 本県中小企業を取り巻く環境", "3本県中小企業を取り巻く環境"),
    ("section4", "４ 参考資料（条例）", "4参考資料"),
    ("rules", "設置要綱", "中小企業振興庁内連絡会議設置要綱"),
    ("annex", "別表", "別表"),
]
# The edition's printed pages (the 目次, the seven surviving page numbers and the list table's ページ).
EDITION_PAGES = {"front": 1, "section1": 2, "points": 4, "years": 6, "section2": 8, "new": 8, "new5": 9, "list": 10,
                 "chapters": 13, "section3": 154, "section4": 159, "rules": 161, "annex": 162}
EDITION_LAST_PAGE = 162
# Parts whose line identity is reported (a part runs to the next one listed here).
IDENTITY_PARTS = [
    ("front", "はじめに"),
    ("section1", "１ これまでの中小企業振興施策"),
    ("section2", "２（１）新規事業"),
    ("list", "２（２）施策一覧"),
    ("chapters", "２（３）章とカード"),
    ("section3", "３ 本県中小企業を取り巻く環境"),
    ("section4", "４ 参考資料"),
]
CARD_HEADER = "平成25年度に実施した中小企業振興施策"
SAMPLE_LINES = ROOT / "tools" / "sample" / "edition_lines.json"  # for the tests: no seed in a clone


def norm(text: str) -> str:
    """NFKC with every whitespace character removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# -- the edition ------------------------------------------------------------------------------------

@dataclass
class Edition:
    lines: list[str]  # normalized, blank lines dropped
    starts: dict[str, int]  # part key → index in lines
    card_lines: list[tuple[str, int]] = field(default_factory=list)  # (project name, 事業内容 lines)


def read_edition(seed: Path) -> Edition:
    lines = [n for n in (norm(raw) for raw in seed.read_text(encoding="utf-8").splitlines()) if n]
    starts: dict[str, int] = {}
    position = next(i for i, line in enumerate(lines) if line == "はじめに")  # after the 目次
    for key, _label, anchor in PARTS:
        found = next((i for i in range(position, len(lines))
                      if lines[i] == anchor or (key == "new5" and lines[i].startswith(anchor))), None)
        if found is None:
            continue
        starts[key] = position = found
    cards = []
    for i, line in enumerate(lines):
        if line.startswith("3事業内容"):  # its first line may share the label's line
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("4事業費"))
            name = next((lines[j] for j in range(i - 1, max(0, i - 6), -1) if lines[j].startswith("2事業名")), "")
            cards.append((name.removeprefix("2事業名"), end - i - (line == "3事業内容")))
    return Edition(lines, starts, cards)


# -- our PDF ----------------------------------------------------------------------------------------

FULL_DIGIT = "[０-９]"


def split_numbers(lines: list[str]) -> list[str]:
    """Where a number of full-width digits is split across two lines of prose: 「…平成２／５年…」."""
    found = []
    for above, below in zip(lines, lines[1:]):
        above, below = above.strip(), below.strip()
        if len(above) >= 10 and re.search(f"{FULL_DIGIT}[．，]?$", above) and re.match(f"{FULL_DIGIT}\\S", below):
            found.append(f"{above[-8:]}／{below[:8]}")
    return found


def is_fragment(line: str) -> bool:
    """A wrap fragment: one or two characters, every one a letter (「数」, 「所」; not 「○」, 「14」, 「在）」)."""
    text = norm(line)
    return 1 <= len(text) <= 2 and all(unicodedata.category(ch).startswith("L") for ch in text)


@dataclass
class Ours:
    pages: list[list[str]]  # per physical page: every line of every reading below, normalized
    texts: list[str]  # per physical page: all its text, normalized
    printed: list[int | None]  # per physical page: the printed page number, None when unnumbered
    words: list[list[tuple[float, float, float, str]]]  # per physical page: (xMin, yMin, xMax, text)
    strict: list[list[str]]  # per physical page: pdftotext's lines and -layout's columns only (issue 20)
    raw: list[list[str]] = field(default_factory=list)  # per physical page: pdftotext's lines as printed
    layout: list[list[str]] = field(default_factory=list)  # per physical page: -layout's lines (whole baselines)


def _pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True, capture_output=True,
                          encoding="utf-8").stdout


def read_pdf(pdf: Path) -> Ours:
    raw_pages = _pdftotext(pdf).split("\f")
    layout_pages = _pdftotext(pdf, "-layout").split("\f")
    count = len(raw_pages) - 1 if raw_pages and not raw_pages[-1].strip() else len(raw_pages)
    pages, strict, texts, printed = [], [], [], []
    for number in range(count):
        raw = raw_pages[number].splitlines()
        layout = layout_pages[number].splitlines() if number < len(layout_pages) else []
        segments = [part for line in layout for part in re.split(r"\s{2,}", line)]
        strict.append([n for n in (norm(x) for x in raw + segments) if n])
        pages.append([n for n in (norm(x) for x in layout) if n] + strict[-1])
        texts.append(norm(raw_pages[number]))
    words, heights = _words(pdf, count)
    for number, page_words in enumerate(words):
        pages[number].extend(_physical_lines(page_words))
    for page_words, height in zip(words, heights):  # the page number: digits alone in the footer
        footer = [norm(text) for _x0, y0, _x1, text in page_words if y0 > 0.9 * height and norm(text).isdigit()]
        printed.append(int(footer[-1]) if footer else None)
    return Ours(pages, texts, printed, words, strict, [page.splitlines() for page in raw_pages[:count]],
                [page.splitlines() for page in layout_pages[:count]])


def _physical_lines(words: list[tuple[float, float, float, str]]) -> list[str]:
    """The words of one baseline joined in reading order, split where a gap is wider than GAP_EM of the
    text: pdftotext's own lines break a line at a tab (「・」 and its text), these do not."""
    rows: list[list[tuple[float, float, float, str]]] = []
    for word in sorted(words, key=lambda w: (w[1], w[0])):
        if rows and abs(rows[-1][0][1] - word[1]) < 1.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort()
        size = max((x1 - x0) / max(1, len(text)) for x0, _y, x1, text in row)  # about one em
        parts = [row[0][3]]
        for previous, word in zip(row, row[1:]):
            if word[0] - previous[2] > GAP_EM * size:
                lines.append(norm("".join(parts)))
                parts = []
            parts.append(word[3])
        lines.append(norm("".join(parts)))
    return [line for line in lines if line]


def _words(pdf: Path, count: int) -> tuple[list[list[tuple[float, float, float, str]]], list[float]]:
    xhtml = _pdftotext(pdf, "-bbox-layout")
    xhtml = re.sub(r"<!DOCTYPE[^>]*>", "", xhtml)
    root = ElementTree.fromstring(xhtml)
    ns = "{http://www.w3.org/1999/xhtml}"
    pages, heights = [], []
    for page in root.iter(f"{ns}page"):
        heights.append(float(page.get("height")))
        pages.append([(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), w.text or "")
                      for w in page.iter(f"{ns}word")])
    return (pages + [[] for _ in range(count)])[:count], (heights + [842.0] * count)[:count]


def part_pages(ours: Ours) -> dict[str, int]:
    """Physical page index (0-based) where each part starts in our PDF."""
    first = next((i for i, text in enumerate(ours.texts) if ours.printed[i] is not None), 0)
    starts: dict[str, int] = {}
    page = first
    for key, _label, anchor in PARTS:
        found = None
        for i in range(page, len(ours.pages)):
            if key in ("new5", "section1"):
                hit = any(line.startswith(anchor) for line in ours.pages[i]) or anchor in ours.texts[i]
            elif key == "annex":
                hit = anchor in ours.pages[i]
            else:
                hit = anchor in ours.texts[i]
            if hit:
                found = i
                break
        if found is not None:
            starts[key] = page = found
    return starts


def printed_page(ours: Ours, index: int) -> int | None:
    if ours.printed[index] is not None:
        return ours.printed[index]
    for i, number in enumerate(ours.printed):  # an unnumbered page: count from a numbered one
        if number is not None:
            return number + index - i
    return None


def card_description_lines(ours: Ours) -> list[tuple[int, str, int]]:
    """(physical page, project name, lines of ３ 事業内容) of every card page of our PDF."""
    cards = []
    for index, words in enumerate(ours.words):
        if not words or CARD_HEADER not in ours.texts[index][:40] or "3事業内容" not in ours.texts[index]:
            continue
        label = next(((x0, y0) for x0, y0, _x1, text in words if norm(text) in ("事業内容", "3事業内容")), None)
        end = next((y0 for _x0, y0, _x1, text in words if norm(text).startswith(("事業費", "4事業費"))), None)
        name_label = next((y0 for _x0, y0, _x1, text in words if norm(text) in ("事業名", "2事業名")), None)
        if label is None or end is None:
            continue
        rows: list[float] = []
        for x0, y0, _x1, text in words:
            if label[1] - 1 <= y0 < end - 1 and norm(text) not in ("3", "事業内容", "3事業内容"):
                if not any(abs(y0 - row) < 2 for row in rows):
                    rows.append(y0)
        name = ""
        if name_label is not None:
            parts = [(x0, text) for x0, y0, _x1, text in words
                     if abs(y0 - name_label) < 2 and norm(text) not in ("2", "事業名", "2事業名")]
            name = norm("".join(text for _x, text in sorted(parts)))
        cards.append((index, name, len(rows)))
    return cards


SAMPLE_PARTS = ("front", "section1", "list", "section3", "section4")  # the parts whose lines the tests check


def write_sample_lines(seed: Path) -> None:
    """For tests/test_sample_year.py (a clone has no seed): the edition's 事業内容 line count of every
    card in document order, the lines (MIN_CHARS or more, NFKC, no whitespace) of the prose parts, the
    characters of the wrapped lines of the ◎ summaries and of each chapter's opening text, and the lines
    of pp. 4–7 (their number and the first, normalized)."""
    edition = read_edition(seed)
    cards = [{"seq": seq, "name": name, "description_lines": count}
             for seq, (name, count) in enumerate(edition.card_lines, start=1)]
    parts = {key: lines for key, lines in edition_parts(edition).items() if key in SAMPLE_PARTS}
    wrapped, typed = edition_summaries(seed)
    widths = {"summaries": {"wrapped": wrapped, "typed": typed},
              "chapters": [{"marks": marks, "wrapped": lines} for marks, lines, _typed in edition_chapter_pages(seed)]}
    pages = [{"page": page.number, "lines": len(page.lines), "first": norm(page.lines[0])} for page in seed_pages(seed)]
    SAMPLE_LINES.write_text(json.dumps({"cards": cards, "parts": parts, "widths": widths, "pages": pages},
                                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# -- widths and pages: the seed's own lines (its line ends and page breaks kept) -----------------------

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
WIDTH_PAGES = (4, 5, 6, 7)  # section 1's (1) and (2)


def chars(line: str) -> int:
    """Characters of a line, whitespace not counted (the extraction writes an indent as a space)."""
    return len(re.sub(r"\s+", "", line))


@dataclass
class SeedPage:
    number: int  # printed page
    lines: list[str]  # its text lines as extracted (blank paragraphs dropped)


def seed_raw(seed: Path) -> list[str]:
    """The seed's lines without the empty separators: a blank paragraph stays as a line of spaces."""
    return [line for line in seed.read_text(encoding="utf-8").splitlines() if line != ""]


def seed_pages(seed: Path, first: int = WIDTH_PAGES[0], last: int = WIDTH_PAGES[-1]) -> list[SeedPage]:
    """The edition's printed pages ``first``–``last`` of section 1 ((1) starts ``first``): a page break is a
    line with no blank line before it (../shared/notes/edition-geometry.md)."""
    text = seed.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(text) if norm(line) == "(1)8つの基本方針別の主なポイント"
                 and i > 0 and text[i - 1] != "")  # the page's first line, not the 目次's
    pages = [SeedPage(first, [])]
    for i in range(start, len(text)):
        line = text[i]
        if line == "":
            continue
        if i > start and text[i - 1] != "":
            if pages[-1].number == last:
                break
            pages.append(SeedPage(pages[-1].number + 1, []))
        if line.strip():
            pages[-1].lines.append(line)
    return pages


def _wrapped(lines: list[str]) -> tuple[list[int], list[int]]:
    """Characters of a text's lines that its paragraph goes on after, its first lines (indented: a leading
    space) left out: (the lines the layout wrapped, the lines the authors broke: a trailing space, as at a
    paragraph's end, with no new paragraph after it)."""
    wrapped, typed = [], []
    for line, below in zip(lines, lines[1:]):
        if line[:1].isspace():
            continue
        if not line.endswith(" "):
            wrapped.append(chars(line))
        elif not below[:1].isspace():
            typed.append(chars(line))
    return wrapped, typed


_CHAPTER = re.compile(r"^\s*[①-⑧]\s")  # a chapter's heading, after (3)'s heading or a card's last part


def edition_summaries(seed: Path) -> tuple[list[int], list[int]]:
    """The ◎ summaries of the new-projects list: (wrapped lines' characters, typed lines' characters)."""
    raw = seed_raw(seed)
    begin = next(i for i, line in enumerate(raw) if norm(line) == "(1)平成25年度の新規事業" and i > 200)
    end = next(i for i in range(begin, len(raw)) if norm(raw[i]).startswith("(2)平成25年度の中小企業振興施策一覧"))
    wrapped, typed = [], []
    for i in range(begin, end):
        if raw[i].lstrip().startswith("◎"):
            body = []
            for line in raw[i + 1:end]:
                if not line.strip() or line.strip()[0] in "・◎" + CIRCLED:
                    break
                body.append(line)
            found = _wrapped(body)
            wrapped += found[0]
            typed += found[1]
    return wrapped, typed


def edition_chapter_pages(seed: Path) -> list[tuple[str, list[int], list[int]]]:
    """Each chapter's opening text (its heading to the first card): (marks, wrapped lines' characters,
    typed lines' characters); its sub-headings 「（…）」 left out."""
    raw = seed_raw(seed)
    begin = next(i for i, line in enumerate(raw) if norm(line) == "(3)平成25年度の中小企業振興施策実施状況" and i > 200)
    chapters = []
    i = begin
    while i < len(raw):
        above = next((line.strip() for line in reversed(raw[:i]) if line.strip()), "")
        if _CHAPTER.match(raw[i]) and (i == begin + 1 or above.startswith("７")):
            marks = raw[i].strip()[0]
            j = i + 1
            while _CHAPTER.match(raw[j]):  # ⑥ and ⑦ share a chapter
                marks += raw[j].strip()[0]
                j += 1
            while not raw[j][:1].isspace():  # the rest of a wrapped heading (「と」), up to the first paragraph
                j += 1
            body = []
            while j < len(raw) and norm(raw[j]) != norm(CARD_HEADER):
                if raw[j].strip() and raw[j].strip()[0] not in "（" + CIRCLED:
                    body.append(raw[j])
                j += 1
            chapters.append((marks, *_wrapped(body)))
            i = j
        i += 1
    return chapters


def our_summaries(ours: Ours, starts: dict[str, int]) -> list[int]:
    """Characters of the wrapped lines of our ◎ summaries (their lines but the last; -layout's lines)."""
    found = []
    for index in range(starts["new"], starts.get("list", starts["new"] + 2)):
        lines = [line for line in ours.layout[index] if line.strip()]
        for i, line in enumerate(lines):
            if line.strip().startswith("◎"):
                body = []
                for below in lines[i + 1:]:
                    if below.strip()[:1] in "・◎" + CIRCLED or below.strip().isdigit():
                        break
                    body.append(below)
                found += [chars(below) for below in body[:-1]]
    return found


def our_chapter_pages(ours: Ours, starts: dict[str, int]) -> list[tuple[str, list[int]]]:
    """Each chapter's opening page(s) in our PDF: (marks, characters of its wrapped lines), read from
    -layout's lines: a paragraph's first line is indented, a sub-heading starts with 「（」."""
    chapters: list[tuple[str, list[int]]] = []
    for index in range(starts["chapters"], starts.get("section3", len(ours.pages))):
        if CARD_HEADER in ours.texts[index][:40] or not ours.texts[index].strip() or ours.printed[index] is None:
            continue
        lines = [line.rstrip() for line in ours.layout[index] if line.strip() and not line.strip().isdigit()]
        marks = "".join(line.strip()[0] for line in lines if line.strip()[:1] in CIRCLED)
        widths = []
        for line, below in zip(lines, lines[1:]):
            first = line.lstrip()[:1]
            if line[:1].isspace() or first in CIRCLED or first == "（" or below[:1].isspace() \
                    or below.lstrip()[:1] in ("（", *CIRCLED):
                continue
            widths.append(chars(line))
        if marks:
            chapters.append((marks, widths))
        elif chapters:
            chapters[-1][1].extend(widths)
    return chapters


def our_pages(ours: Ours, starts: dict[str, int]) -> dict[int, list[str]]:
    """Section 1's (1) and (2) in our PDF: printed page → its text lines (-layout's, the page number left out)."""
    pages = {}
    for index in range(starts["points"], starts["section2"]):
        pages[printed_page(ours, index)] = [line.strip() for line in ours.layout[index]
                                            if line.strip() and not line.strip().isdigit()]
    return pages


def _spread(widths: list[int]) -> str:
    """「39×3, 40×1」: how many lines hold each number of characters."""
    if not widths:
        return "–"
    return ", ".join(f"{width}×{widths.count(width)}" for width in sorted(set(widths), reverse=True))


# -- the report -------------------------------------------------------------------------------------

def edition_parts(edition: Edition) -> dict[str, list[str]]:
    """The edition's lines of MIN_CHARS characters or more, per part of IDENTITY_PARTS."""
    keys = [key for key, _label in IDENTITY_PARTS]
    parts = {}
    for position, key in enumerate(keys):
        if key not in edition.starts:
            continue
        later = [edition.starts[k] for k in keys[position + 1:] if k in edition.starts]
        end = later[0] if later else len(edition.lines)
        parts[key] = [line for line in edition.lines[edition.starts[key]:end] if len(line) >= MIN_CHARS]
    return parts


def part_identity(wanted: dict[str, list[str]], ours: Ours, starts: dict[str, int],
                  strict: bool = False) -> dict[str, tuple[int, int]]:
    """Per part: (edition's lines that stand as a line among the pages of that part of our PDF, lines).
    ``strict``: our lines are pdftotext's lines and -layout's columns only (the issue's first reading)."""
    keys = [key for key, _label in IDENTITY_PARTS]
    lines_of = ours.strict if strict else ours.pages
    everything = {line for page in lines_of for line in page}
    result = {}
    for position, key in enumerate(keys):
        if key not in wanted:
            continue
        if key in starts:
            ours_later = [starts[k] for k in keys[position + 1:] if k in starts]
            ours_end = ours_later[0] if ours_later else len(ours.pages)
            have = {line for page in lines_of[starts[key]:ours_end] for line in page}
        else:
            have = everything
        result[key] = (sum(1 for line in wanted[key] if line in have), len(wanted[key]))
    return result


def identity(edition: Edition, ours: Ours, starts: dict[str, int],
             strict: bool = False) -> list[tuple[str, int, int]]:
    labels = dict(IDENTITY_PARTS)
    rows = [(labels[key], hits, total) for key, (hits, total) in
            part_identity(edition_parts(edition), ours, starts, strict).items()]
    everything = {line for page in (ours.strict if strict else ours.pages) for line in page}
    wanted = [line for line in edition.lines[edition.starts["front"]:] if len(line) >= MIN_CHARS]
    rows.append(("文書全体", sum(1 for line in wanted if line in everything), len(wanted)))
    return rows


def _percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f} %" if total else "    – "


def report(pdf: Path, seed: Path, details: bool = False) -> None:
    edition = read_edition(seed)
    ours = read_pdf(pdf)
    starts = part_pages(ours)

    print(f"PDF: {pdf}")
    print("\n行の一致（版の 12 字以上の行のうち、こちらの PDF で 1 行として立つもの）")
    print(f"  {'':<24}{'すべての読み方':>16}   {'pdftotext の行と -layout の列だけ':>12}")
    for (label, hits, total), (_label, strict_hits, _total) in zip(identity(edition, ours, starts),
                                                                   identity(edition, ours, starts, strict=True)):
        print(f"  {label:<24}{hits:5d} / {total:<5d}{_percent(hits, total)}"
              f"   {strict_hits:5d} / {total:<5d}{_percent(strict_hits, total)}")

    cards = card_description_lines(ours)
    pairs = list(zip(edition.card_lines, cards))
    same = sum(1 for (_name, theirs), (_page, _our_name, mine) in pairs if theirs == mine)
    within = sum(1 for (_name, theirs), (_page, _our_name, mine) in pairs if abs(theirs - mine) <= 1)
    print(f"\nカード（３ 事業内容の行数が版と同じ）: {same} / {len(edition.card_lines)}"
          f"（±1 行以内 {within}; こちらのカード {len(cards)} 枚）")
    named = sum(1 for (name, _t), (_p, our_name, _m) in pairs if norm(name)[:8] == our_name[:8])
    if named != len(pairs):
        print(f"  注意: 事業名の先頭 8 字が揃うのは {named} / {len(pairs)} 組")
    if details:
        for (name, theirs), (page, _our_name, mine) in pairs:
            if theirs != mine:
                print(f"    p{printed_page(ours, page)} {name[:24]}: 版 {theirs} 行, こちら {mine} 行")

    seed_lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    ours_splits = [split for page in ours.raw for split in split_numbers(page)]
    print(f"\n数字の分割（行をまたいで割れた数）: こちら {len(ours_splits)} / 版 {len(split_numbers(seed_lines))}")
    for split in ours_splits:
        print(f"    {split}")
    card_pages = [i for i, text in enumerate(ours.texts) if CARD_HEADER in text[:40]]
    ours_fragments = sum(1 for i in card_pages for line in ours.layout[i] if is_fragment(line))
    edition_cards = edition.lines[edition.starts["chapters"]:edition.starts.get("section3", len(edition.lines))]
    print(f"カードのページの泣き別れ（1–2 字だけの行）: こちら {ours_fragments} / 版 "
          f"{sum(1 for line in edition_cards if is_fragment(line))}")

    print("\n折り返した行の字数（段落の最初と最後の行を除く。字数×行数; 版の「打った改行」は行末に空白のある短い行）")
    wrapped, typed = edition_summaries(seed)
    print(f"  新規事業の ◎ の概要      版 {_spread(wrapped)}（打った改行 {_spread(typed)}）"
          f" / こちら {_spread(our_summaries(ours, starts))}")
    mine = dict(our_chapter_pages(ours, starts))
    for marks, wrapped, _typed in edition_chapter_pages(seed):
        print(f"  章 {marks:<4} の扉のページ    版 {_spread(wrapped)} / こちら {_spread(mine.get(marks, []))}")

    print("\nページ 4–7（（１）主なポイント、（２）年度別の概況）の行数と最初の行: こちら / 版")
    our_lines = our_pages(ours, starts)
    for page in seed_pages(seed):
        have = our_lines.get(page.number, [])
        same = "" if have and norm(have[0]) == norm(page.lines[0]) and len(have) == len(page.lines) else "  ≠"
        print(f"  p{page.number}  {len(have):3d} 行 「{norm(have[0])[:16] if have else ''}」"
              f" / {len(page.lines):3d} 行 「{norm(page.lines[0])[:16]}」{same}")

    print("\nページ（各部の始まり: こちら / 版）")
    for key, label, _anchor in PARTS:
        mine = printed_page(ours, starts[key]) if key in starts else None
        mark = "" if mine == EDITION_PAGES[key] else "  ≠"
        print(f"  {label:<28}{'–' if mine is None else mine:>5} / {EDITION_PAGES[key]:<5}{mark}")
    last = printed_page(ours, len(ours.pages) - 1)
    print(f"  {'ページ数（最終ページ）':<28}{last:>5} / {EDITION_LAST_PAGE:<5}"
          f"{'' if last == EDITION_LAST_PAGE else '  ≠'}")
    blank = [printed_page(ours, i) for i, text in enumerate(ours.texts)
             if ours.printed[i] is None and i > starts.get("front", 0)]
    if blank:
        print(f"  番号のないページ（白紙）: {', '.join(str(p) for p in blank)}（版: 38, 64, 76, 128, 158）")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, help="a built report.pdf (default: build the sample)")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--build", type=Path, default=ROOT / "inputs", help="input folder to build without a PDF")
    parser.add_argument("--details", action="store_true", help="list every card whose line count differs")
    parser.add_argument("--write-sample", action="store_true",
                        help=f"write the edition's 事業内容 line count per card to {SAMPLE_LINES.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if args.write_sample:
        write_sample_lines(args.seed)
        return 0
    if args.pdf is not None:
        report(args.pdf, args.seed, args.details)
        return 0
    with tempfile.TemporaryDirectory(prefix="edition-lines-") as out:
        subprocess.run([sys.executable, "-m", "reportkit", "build", str(args.build), "-o", out, "--pdf"],
                       check=True, stdout=subprocess.DEVNULL)
        report(Path(out) / "report.pdf", args.seed, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
