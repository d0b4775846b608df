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
    card in document order, and the lines (MIN_CHARS or more, NFKC, no whitespace) of the prose parts."""
    edition = read_edition(seed)
    cards = [{"seq": seq, "name": name, "description_lines": count}
             for seq, (name, count) in enumerate(edition.card_lines, start=1)]
    parts = {key: lines for key, lines in edition_parts(edition).items() if key in SAMPLE_PARTS}
    SAMPLE_LINES.write_text(json.dumps({"cards": cards, "parts": parts}, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")


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
