#!/usr/bin/env python3
"""Extract the list table and the new-projects list from the seed report text.

Reads the text extraction of the 平成25年度 report (shared/seed/...txt) and writes
tools/sample/list_from_seed.json with:

* rows         - every row of the list table (（２）平成２５年度の中小企業振興施策一覧)
* lumps        - whole-policy reprint lines (e.g. ⑦の各事業(再掲）)
* subtotals    - printed 小計 / 〃 (再掲含む。) per policy
* total        - printed 合計
* new_projects - the list （１）平成２５年度の新規事業
* policies     - policy titles and their measures in list order

Stdlib only.  Usage:
    python tools/seed_list.py [SEED_TXT] [OUT_JSON]
Verification results are printed to stderr; exit status 1 if any check fails.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED = "/work/shared/seed/000_a42f7362741e37e4.txt"
DEFAULT_OUT = os.path.join(HERE, "sample", "list_from_seed.json")

CIRCLED = "①②③④⑤⑥⑦⑧"
BULLETS = "・･"
MARKS = "○〇"
HEADER_WORDS = {
    "ページ", "事業", "期間", "H25決算", "（千円）", "21財団への", "補助・委託",
    "(△は予算の一部", "を補助委託）", "緊急", "雇用", "事業名", "重点 主要",
    "重点", "主要", "成果", "担当課等", "基本方針", "担当課等 ページ基本方針 事業名",
}

# Measures whose heading is not glued to a row in the extraction (it wraps over
# several lines in its cell and is printed elsewhere, scrambled).  Each entry:
# (policy, first words of the measure, page of its first row).  The policy and the
# first row were decided by hand from the column text, the department order of
# the rows and the section 2(3) narratives; the texts themselves are taken from
# the seed and every entry is checked against it below.
SCRAMBLED_MEASURES = [
    (1, "社会経済の変化等に即応した", 14),
    (1, "中小企業の技術力強化・経営革新", 31),
    (3, "中小企業の資金ニーズを的確に", 66),
    (5, "新製品・新技術の開発", 102),
    # Uncertain boundary: 123 (再生可能エネルギー…(再掲), エネルギー開発振興課)
    # is kept with the エネルギー開発振興課 rows 118-122 of the first measure;
    # 124-127 (地域産業課, 新産業創造課 reprints) restart the department order.
    (5, "公設試験研究機関等における", 124),
    (6, "商談会・セミナーの開催等", 130),
    (7, "県内中小企業の製品・技術", 140),
    (8, "アジア地域・ロシア地域等", 148),
]

# Rows printed with a single ○ in the 重点/主要成果 columns: the extraction loses
# the column.  Section 1 says policy ② had 12 「未来への挑戦重点枠事業」 in H25;
# ② has 8 rows with ○○ and 5 with one ○, so at least 4 of those 5 single marks
# must be 重点.  A single ○ is therefore read as 重点, except for the rows below
# (近代化診断事業, running since S43, is the ② row least likely to be a 重点枠
# project and brings ② to exactly 12).  All single-○ rows carry "marks_note".
SINGLE_MARK_KEY_RESULT = {"近代化診断事業"}

PAGE_RANGES = [(14, 37), (40, 63), (66, 75), (78, 100), (102, 127),
               (130, 146), (148, 153)]


def clean(s):
    return s.replace("\u3000", " ").strip()


def strip_measure(m):
    m = m.strip()
    if m and m[0] in BULLETS:
        m = m[1:]
    m = re.sub(r"[（(]再掲含む。[）)]$", "", m.strip())
    return m.strip()


def strip_reprint(name):
    n = re.sub(r"[（(]再掲[）)]$", "", name)
    return n, n != name


def nospace(s):
    return re.sub(r"\s+", "", s)


def era_year(tok, default_era):
    """'S44' -> 1969, '29' -> 2017 (平成), 'Ｈ35' -> 2023."""
    tok = tok.strip()
    era = default_era
    if tok[:1] in ("S", "Ｓ"):
        era, tok = "S", tok[1:]
    elif tok[:1] in ("H", "Ｈ"):
        era, tok = "H", tok[1:]
    tok = tok.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    n = int(tok)
    return 1925 + n if era == "S" else 1988 + n


def parse_period(p):
    if "-" not in p:
        y = era_year(p, "H")
        return y, y
    a, b = p.split("-", 1)
    start = era_year(a, "H")
    end = era_year(b, "H") if b.strip() else None
    return start, end


def to_int(s):
    s = s.strip()
    if s in ("-", "－", "―"):
        return None
    return int(s.replace(",", ""))


COST_RE = re.compile(r"^(\d{1,3}(,\d{3})*|\d+|-)$")
PERIOD_RE = re.compile(r"^[SＳHＨ]?\d+(-([SＳHＨ]?\d+)?)?$")


def parse_row(lines):
    """Parse the accumulated lines of one table row."""
    toks = []
    for ln in lines:
        toks.extend(clean(ln).split())
    page = int(toks[-1])
    toks = toks[:-1]
    ci = next(i for i, t in enumerate(toks) if COST_RE.match(t)
              and i + 1 < len(toks) and PERIOD_RE.match(toks[i + 1]))
    cost_tok, period = toks[ci], toks[ci + 1]
    head, tail = toks[:ci], toks[ci + 2:]
    marks = 0
    while head and head[-1] in MARKS:
        marks += 1
        head.pop()
    measure = None
    if head[0][0] in BULLETS:
        measure = head.pop(0)
    name = "".join(head)
    foundation, emergency, dept = "", False, []
    for t in tail:
        if t in MARKS:
            foundation = "○"
        elif t == "△":
            foundation = "△"
        elif t == "緊":
            emergency = True
        else:
            dept.append(t)
    return {
        "glued_measure": measure, "raw_name": name, "marks": marks,
        "cost": to_int(cost_tok), "period": period, "foundation": foundation,
        "emergency": emergency, "department": "".join(dept), "page": page,
    }


def parse_list_table(lines):
    start = find_heading(lines, "（２）平成２５年度の中小企業振興施策一覧")
    end = find_heading(lines, "（３）平成２５年度の中小企業振興施策実施状況", start)
    rows, lumps, subtotals = [], [], []
    total = None
    policy_titles = {}
    scrambled = []          # measure texts printed away from their rows
    buf = []
    garbage = False
    cur_measure = None      # scrambled measure being joined
    done = False
    for i in range(start + 1, end):
        raw = lines[i].rstrip("\n")
        s = clean(raw)
        if not s:
            continue
        if garbage and raw.startswith(" "):
            garbage = False
        if garbage or done:
            if s[0] in CIRCLED:
                policy_titles[CIRCLED.index(s[0]) + 1] = s[1:].strip()
                cur_measure = None
            elif s[0] in BULLETS:
                cur_measure = [s]
                scrambled.append(cur_measure)
            elif s in HEADER_WORDS or s.startswith("担当課等"):
                cur_measure = None
            elif cur_measure is not None:
                cur_measure.append(s)
            continue
        m = re.match(r"^小計\s+([\d,]+)$", s)
        if m:
            subtotals.append({"subtotal": to_int(m.group(1)), "with_reprints": None,
                              "after_row": len(rows)})
            continue
        m = re.match(r"^〃\s*\(再掲含む。\)\s+([\d,]+)$", s)
        if m:
            subtotals[-1]["with_reprints"] = to_int(m.group(1))
            continue
        m = re.match(r"^([①-⑧])の各事業\(再掲）\s+([\d,]+)$", s)
        if m:
            lumps.append({"policy": CIRCLED.index(m.group(1)) + 1,
                          "label": s.rsplit(None, 1)[0],
                          "amount": to_int(m.group(2)), "after_row": len(rows)})
            continue
        m = re.match(r"^合計\s+([\d,]+)$", s)
        if m:
            total = to_int(m.group(1))
            done = True
            continue
        if s in HEADER_WORDS or s.startswith("担当課等"):
            garbage = True
            continue
        buf.append(s)
        toks = s.split()
        if re.fullmatch(r"\d{2,3}", toks[-1]) and any(
                COST_RE.match(t) for t in " ".join(buf).split()[:-1]):
            rows.append(parse_row(buf))
            buf = []
    assert not buf, buf
    scrambled = ["".join(parts) for parts in scrambled]
    return rows, lumps, subtotals, total, policy_titles, scrambled


def find_heading(lines, text, after=0):
    """Index of the heading line containing text (skipping the TOC lines)."""
    return next(i for i in range(after, len(lines))
                if text in lines[i] and "---" not in lines[i])


def parse_cards(lines):
    cards = []
    for i, l in enumerate(lines):
        if not clean(l).startswith("２ 事業名"):
            continue
        name = [clean(l)[len("２ 事業名"):].strip()]
        j = i + 1
        while not clean(lines[j]).startswith("３ 事業内容"):
            name.append(clean(lines[j]))
            j += 1
        k = i - 1
        while not clean(lines[k]).startswith("１ 基本方針"):
            k -= 1
        title = [clean(lines[k])[len("１ 基本方針"):].strip()]
        title += [clean(x) for x in lines[k + 1:i]]
        cards.append({"line": i + 1, "name": "".join(nospace(x) for x in name),
                      "policy_title": "".join(nospace(x) for x in title)})
    return cards


def parse_narrative_headings(lines, cards):
    """（measure） sub-headings of section 2(3), each with the line of the next card."""
    start = find_heading(lines, "（３）平成２５年度の中小企業振興施策実施状況")
    out = []
    i = start + 1
    while i < len(lines):
        l = lines[i]
        if re.match(r"^ （(?!平成|[０-９0-9])", l):
            text = clean(l)
            j = i + 1
            while not text.endswith("）"):
                if clean(lines[j]):
                    text += clean(lines[j])
                j += 1
            nxt = next((c for c in cards if c["line"] > i + 1), None)
            out.append({"text": text[1:-1], "next_card_line": nxt and nxt["line"]})
        if "本県中小企業を取り巻く環境" in l and i > start + 100:
            break
        i += 1
    return out


def parse_new_projects(lines):
    start = find_heading(lines, "（１）平成２５年度の新規事業")
    end = find_heading(lines, "（２）平成２５年度の中小企業振興施策一覧", start)
    items = []
    cur = None
    pend = None   # an entry still waiting for the rest of its wrapped line
    for i in range(start + 1, end):
        s = clean(lines[i])
        if not s:
            continue
        if s[0] in CIRCLED:
            cur = None
            continue
        if s[0] in "◎・":
            pend = s
        elif pend is not None:
            pend += s
        elif cur is not None and cur["listing"] == "◎":
            cur["_summary"].append(s)
            continue
        else:
            continue   # wrapped policy heading (図ること)
        m = re.match(r"^([◎・])\s*(.+?)\s*［(.+?)］\s*[（(]\s*(\d+)p[）)]$", pend)
        if m:
            cur = {"listing": m.group(1), "name": m.group(2),
                   "department": nospace(m.group(3)), "page": int(m.group(4)),
                   "_summary": []}
            items.append(cur)
            pend = None
    for it in items:
        if it["listing"] == "◎":
            it["summary"] = "".join(it["_summary"])
        del it["_summary"]
    return items


def main():
    seed = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SEED
    out = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    with open(seed, encoding="utf-8") as f:
        lines = f.read().split("\n")

    raw_rows, lumps, subtotals, total, titles, scrambled = parse_list_table(lines)
    cards = parse_cards(lines)
    problems = []

    # --- policy of each row: the row groups end at the 小計 lines
    bounds = [s["after_row"] for s in subtotals]
    for idx, r in enumerate(raw_rows):
        r["policy"] = next(p for p, b in enumerate(bounds, 1) if idx < b)

    # --- measures
    scr_full = {}
    for pol, prefix, page in SCRAMBLED_MEASURES:
        hits = [t for t in scrambled if strip_measure(t).startswith(prefix)]
        if len(hits) != 1:
            problems.append("scrambled measure %r found %d times" % (prefix, len(hits)))
            continue
        scr_full[page] = (pol, hits[0])
    used = {t for _, t in scr_full.values()}
    for t in scrambled:
        if t not in used:
            problems.append("unassigned scrambled measure text %r" % t)
    measure_text = {}   # page -> full printed heading (with bullet)
    for r in raw_rows:
        if r["glued_measure"]:
            measure_text[r["page"]] = r["glued_measure"]
    for page, (pol, t) in scr_full.items():
        if page in measure_text:
            problems.append("page %d has a glued and a scrambled measure" % page)
        measure_text[page] = t
        row = next((r for r in raw_rows if r["page"] == page), None)
        if row is None or row["policy"] != pol:
            problems.append("scrambled measure %r: first row p.%d not in policy %d" % (t, page, pol))
    cur = None
    policies_measures = {p: [] for p in range(1, 9)}
    for r in raw_rows:
        if r["page"] in measure_text:
            cur = (r["policy"], measure_text[r["page"]])
            policies_measures[r["policy"]].append(strip_measure(cur[1]))
        if cur is None or cur[0] != r["policy"]:
            problems.append("row p.%d has no measure of its policy" % r["page"])
        r["measure_printed"] = cur[1]
        r["measure"] = strip_measure(cur[1])

    # --- build output rows
    rows = []
    for idx, r in enumerate(raw_rows):
        name, reprint = strip_reprint(r["raw_name"])
        ps, pe = parse_period(r["period"])
        row = {
            "policy": r["policy"], "measure": r["measure"], "name": name,
            "reprint": reprint,
            "priority": r["marks"] == 2 or (r["marks"] == 1 and name not in SINGLE_MARK_KEY_RESULT),
            "key_result": r["marks"] == 2 or (r["marks"] == 1 and name in SINGLE_MARK_KEY_RESULT),
            "cost": r["cost"], "period": r["period"],
            "period_start": ps, "period_end": pe,
            "foundation": r["foundation"], "emergency": r["emergency"],
            "department": r["department"], "page": r["page"],
        }
        if r["marks"] == 1:
            row["marks_note"] = ("one ○ printed; its column is not recoverable from the text; "
                                 "taken as %s" % ("主要成果" if row["key_result"] else "重点"))
        if idx < len(cards):
            c = cards[idx]
            cname, creprint = strip_reprint(c["name"])
            if creprint != reprint:
                problems.append("reprint mismatch p.%d %s / card %s" % (row["page"], name, c["name"]))
            if nospace(cname) != nospace(name):
                row["card_name"] = cname
            ctitle = c["policy_title"]
            cpol = next((p for p, t in titles.items() if nospace(t) == ctitle), None)
            if cpol != row["policy"]:
                row["card_policy_title"] = ctitle
        rows.append(row)

    # --- subtotals, lumps
    sub_out = {}
    for p, s in enumerate(subtotals, 1):
        cnt = sum(1 for r in rows if r["policy"] == p and not r["reprint"])
        sub_out[str(p)] = {"count": cnt, "subtotal": s["subtotal"],
                           "with_reprints": s["with_reprints"]}
    lumps_out = []
    for lp in lumps:
        into = next(p for p, b in enumerate(bounds, 1) if lp["after_row"] <= b)
        lumps_out.append({"policy": lp["policy"], "into_policy": into,
                          "label": lp["label"], "amount": lp["amount"]})

    # --- new projects: policy from the list row with the same page
    newp = parse_new_projects(lines)
    by_page = {r["page"]: r for r in rows}
    new_out = []
    for it in newp:
        r = by_page.get(it["page"])
        if r is None:
            problems.append("new project %s: no list row on p.%d" % (it["name"], it["page"]))
            continue
        d = {"policy": r["policy"], "listing": it["listing"], "name": it["name"],
             "department": it["department"], "page": it["page"]}
        if it["listing"] == "◎":
            d["summary"] = it["summary"]
        if nospace(r["name"]) != nospace(it["name"]):
            d["list_name"] = r["name"]
        new_out.append(d)

    policies = [{"no": p, "title": titles[p], "measures": policies_measures[p]}
                for p in range(1, 9)]
    result = {"rows": rows, "lumps": lumps_out, "subtotals": sub_out,
              "total": total, "new_projects": new_out, "policies": policies}

    # ------------------------------------------------------------ verification
    log = []
    expected = {1: (24, 1251579, None), 2: (23, 1957276, 1961524),
                3: (10, 37851207, None), 4: (22, 205753, 212544),
                5: (20, 227499, 339863), 6: (7, 40831, 98720),
                7: (7, 26158, None), 8: (6, 49422, None)}
    for p in range(1, 9):
        own = [r for r in rows if r["policy"] == p and not r["reprint"]]
        rep = [r for r in rows if r["policy"] == p and r["reprint"]]
        cnt, ssum = len(own), sum(r["cost"] or 0 for r in own)
        wsum = ssum + sum(r["cost"] or 0 for r in rep) + sum(
            l["amount"] for l in lumps_out if l["into_policy"] == p)
        st = sub_out[str(p)]
        ok = (cnt, st["subtotal"]) == expected[p][:2] and ssum == st["subtotal"]
        ok_w = (st["with_reprints"] == expected[p][2]) and (
            st["with_reprints"] is None and wsum == ssum or wsum == st["with_reprints"])
        log.append("policy %d: %d rows (+%d reprints) sum %s printed 小計 %s | with reprints %s printed %s  %s"
                   % (p, cnt, len(rep), format(ssum, ","), format(st["subtotal"], ","),
                      format(wsum, ","), st["with_reprints"] and format(st["with_reprints"], ","),
                      "OK" if ok and ok_w else "MISMATCH"))
        if not (ok and ok_w):
            problems.append("policy %d totals mismatch" % p)
    own = [r for r in rows if not r["reprint"]]
    tsum = sum(r["cost"] or 0 for r in own)
    log.append("total: %d rows, %d reprints, sum %s printed 合計 %s"
               % (len(own), len(rows) - len(own), format(tsum, ","), format(total, ",")))
    if len(own) != 119 or len(rows) != 130 or tsum != total or total != 41609725:
        problems.append("total mismatch")
    if sum(s["subtotal"] for s in sub_out.values()) != total:
        problems.append("sum of 小計 != 合計")
    pages = [r["page"] for r in rows]
    expected_pages = [p for a, b in PAGE_RANGES for p in range(a, b + 1)]
    if pages != expected_pages:
        problems.append("pages are not the expected sequence")
    if any(b <= a for a, b in zip(pages, pages[1:])):
        problems.append("pages not strictly increasing")
    p2 = sum(1 for r in rows if r["policy"] == 2 and not r["reprint"] and r["priority"])
    log.append("policy 2 rows marked 重点: %d (section 1: 重点枠事業 12件)" % p2)
    log.append("single-○ rows: %d" % sum(1 for r in rows if "marks_note" in r))
    log.append("cards found: %d (rows %d)" % (len(cards), len(rows)))
    if len(cards) != len(rows):
        problems.append("card count differs from row count")
    for r in rows:
        if "card_name" in r:
            log.append("name differs p.%d: list %s / card %s" % (r["page"], r["name"], r["card_name"]))
        if "card_policy_title" in r:
            log.append("policy differs p.%d %s: card %s" % (r["page"], r["name"], r["card_policy_title"]))
    # narrative sub-headings vs list measures
    heads = parse_narrative_headings(lines, cards)
    all_measures = [m for p in policies for m in p["measures"]]
    for h in heads:
        if h["text"] not in all_measures:
            log.append("narrative heading not a list measure: （%s）" % h["text"])
    for m in all_measures:
        if m not in [h["text"] for h in heads]:
            log.append("list measure without narrative heading: %s" % m)
    log.append("new projects: %d (%d featured)" % (len(new_out), sum(d["listing"] == "◎" for d in new_out)))

    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for l in log:
        print(l, file=sys.stderr)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    print("wrote %s (%d rows)" % (out, len(rows)), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
