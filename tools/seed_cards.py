#!/usr/bin/env python3
"""Parse the project cards of the 平成25年度 seed report into JSON.

Standalone, stdlib only.  Reads the text extraction of the published report
(/work/shared/seed/000_a42f7362741e37e4.txt, or the path given as the first
argument) and writes tools/sample/cards_from_seed.json: one object per card
occurrence (projects and reprinted cards) in seed order.

The PDF extraction wraps lines at the page width, inserts blank lines and stray
page numbers, and scrambles some tables.  The generic parser below handles the
common shapes; OVERRIDES at the bottom fixes the cards that are too scrambled.

Run:  python tools/seed_cards.py [seed.txt]
"""
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED = "/work/shared/seed/000_a42f7362741e37e4.txt"
OUT_PATH = os.path.join(HERE, "sample", "cards_from_seed.json")

CARD_HEADER = "平成２５年度に実施した中小企業振興施策"
REPRINT = "（再掲）"
FW_DIGITS = str.maketrans("０１２３４５６７８９，", "0123456789,")

# Units that end a value cell in the results tables.
UNITS = ("千円", "万円", "円", "件", "名", "人", "社", "回", "校", "部", "事業所",
         "事業者", "事業", "団体", "個人", "機関", "地区", "店舗", "店", "講座",
         "本", "両", "組合", "日", "施設", "者", "商品", "アイテム", "ｔ", "％",
         "大学", "企業", "セット", "講座")
UNIT_RE = "|".join(sorted(set(UNITS), key=len, reverse=True))
NUM = r"[0-9０-９][0-9０-９,，.．]*"
ONE_VALUE = (r"(?:延べ|約|商談|相談|うち)?" + NUM + r"(?:億" + NUM + r")?(?:万)?(?:"
             + UNIT_RE + r")?(?:・(?:団体|個人))?(?:[（(][^）)]*[）)])?")
VALUE_TOKEN_RE = re.compile(r"^(?:" + ONE_VALUE + r"(?:[・、]\s*" + ONE_VALUE
                            + r")*[・、]?|随時|[－―-]人?)$")


# ---------------------------------------------------------------- helpers
def width(text):
    """Display width: full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clean(text):
    """Trim ASCII and full-width spaces at both ends."""
    return text.strip(" \t\u3000\r")


def is_indented(raw):
    return raw[:1] in (" ", "\u3000", "\t")


def squeeze_spaced(text):
    """'項 目 名' / '県 内 企 業 と …' -> remove the letter-spacing spaces."""
    parts = text.split()
    if len(parts) >= 3 and all(len(p) <= 2 for p in parts[:-1]):
        return "".join(parts)
    return text


def nospace(text):
    return re.sub(r"[ \u3000]+", "", text)


def is_page_number(line):
    return re.fullmatch(r"\d{1,3}", clean(line)) is not None


BULLET_START = tuple("・○●◎※①②③④⑤⑥⑦⑧⑨⑩（(【■")
STRONG_BULLET_RE = re.compile(r"^([①-⑳○]|[（(][0-9０-９]+[）)]|[0-9０-９]+[．.])")
SENTENCE_END = ("。", "）", "」", ")", "：", ":")


def join_paragraphs(raw_lines, threshold=46):
    """Join wrapped lines; start a new paragraph ("\n") where a line starts
    with an indent or a bullet-like character and the previous line ended a
    sentence (or was short, i.e. not wrapped at the page width), or where the
    previous raw line ended 。/） followed by a space (the extraction's mark of a
    paragraph end; a page-width wrap has no trailing space)."""
    paras = []
    prev = None
    prev_ended = False   # previous raw line: 。 or ） then a space, a paragraph end
    for raw in raw_lines:
        text = clean(raw)
        if not text:
            continue
        after_end, prev_ended = prev_ended, raw[-1:] in (" ", "\u3000") and text.endswith(("。", "）", ")"))
        strong = STRONG_BULLET_RE.match(text) is not None
        starts_block = is_indented(raw) or text.startswith(BULLET_START) or strong
        if prev is None:
            paras.append(text)
        elif strong or width(prev) < 30 or (text.startswith("・") and prev.startswith("・")):
            paras.append(text)             # numbered item, or previous line was short
        elif (text.startswith(("（", "(")) and not is_indented(raw) and width(prev) >= 50
              and not prev.endswith("。")):
            paras[-1] += text              # a parenthesis wrapped to the start of a line
        elif starts_block and STRONG_BULLET_RE.match(prev):
            paras.append(text)             # body under a numbered heading
        elif after_end:
            paras.append(text)             # the previous line ended a paragraph
        elif starts_block and (prev.endswith(SENTENCE_END) or width(prev) < threshold):
            paras.append(text)
        elif prev.endswith(("。", "）", ")")) and width(prev) < threshold - 2:
            paras.append(text)             # the previous line ended short
        else:
            paras[-1] += text
        prev = text
    return "\n".join(paras)


def fw_int(text):
    digits = clean(text).translate(FW_DIGITS).replace(",", "")
    return int(digits) if digits.isdigit() else None


# ---------------------------------------------------------------- splitting
def load_lines(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read().split("\n")


def split_cards(lines):
    starts = [i for i, l in enumerate(lines) if clean(l) == CARD_HEADER]
    cards = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(lines)
        cards.append((s, e))
    return cards


PART_RES = [
    ("policy", re.compile(r"^\s*１\s*基本方針\s*(.*)$")),
    ("name", re.compile(r"^\s*２\s*事業名\s*(.*)$")),
    ("desc", re.compile(r"^\s*３\s*事業内容\s*(.*)$")),
    ("cost", re.compile(r"^\s*４\s*事業費（千円）\s*(.*)$")),
    ("results", re.compile(r"^\s*５\s*事業実施結果\s*(.*)$")),
    ("history", re.compile(r"^\s*６\s*事業の経緯）?\s*(.*)$")),
    ("dept", re.compile(r"^\s*７?\s*担当課・グループ\s*(.*)$")),
]
NARRATIVE_RE = re.compile(r"^\s*([①-⑧]\s|３ 本県中小企業)")
CAPTION_RE = re.compile(r"事業実績")


def split_parts(lines, s, e):
    """Return {part: [raw lines]} for one card; blank and page-number lines
    are removed, the chapter narrative after part ７ is cut off."""
    parts = {}
    cur = None
    for i in range(s + 1, e):
        raw = lines[i].rstrip("\r\n")     # keep a trailing space: it marks a paragraph end
        if not clean(raw):
            continue
        if cur == "dept" and NARRATIVE_RE.match(raw):
            break
        matched = False
        for key, rx in PART_RES:
            if key in parts:
                continue
            m = rx.match(raw)
            if m:
                cur = key
                parts[key] = []
                if clean(m.group(1)):
                    parts[key].append(" " * 0 + m.group(1))
                matched = True
                break
        if matched:
            continue
        # part ５ heading missing (two cards): the first caption opens it
        if cur == "cost" and CAPTION_RE.search(raw) and "results" not in parts:
            cur = "results"
            parts[cur] = []
        if cur is None:
            continue
        if is_page_number(raw) and cur in ("dept", "history", "desc", "policy", "name"):
            continue
        parts[cur].append(raw)
    return parts


# ---------------------------------------------------------------- parts
def parse_name(raw_lines):
    texts = [clean(l) for l in raw_lines if clean(l)]
    name = ""
    for t in texts:
        if not name:
            name = t
        elif t.startswith(("（", "(")):
            name += t
        elif width(name.split("\n")[-1]) < 30:   # short line: a second name
            name += "\n" + t
        else:                                      # wrapped at the page width
            name += t
    reprint = REPRINT in name
    name = name.replace(REPRINT, "")
    return clean(name), reprint


def parse_cost(raw_lines):
    texts = [clean(l) for l in raw_lines if clean(l)]
    amount = None
    note_lines = []
    for t in texts:
        if amount is None and re.fullmatch(r"[0-9０-９,，]+|[－―-]", t):
            amount = t
        else:
            note_lines.append(t)
    cost = None
    if amount is not None and not re.fullmatch(r"[－―-]", amount):
        cost = fw_int(amount)
    note = "".join(note_lines)
    if note.startswith(("（", "(")) and note.endswith(("）", ")")):
        note = note[1:-1]
    return cost, amount, note


def parse_dept(raw_lines):
    texts = [clean(l) for l in raw_lines if clean(l) and not is_page_number(l)]
    if not texts:
        return "", ""
    first = texts[0].split(None, 1)
    if len(first) == 1:
        m = re.match(r"^(.+?(?:課|室))(.+グループ.*)$", first[0])
        if m:                              # department and group not separated
            first = [m.group(1), m.group(2)]
    dept = first[0]
    group_lines = []
    if len(first) > 1:
        group_lines.append(first[1])
    for t in texts[1:]:
        group_lines.append(t)
    group = ""
    for t in group_lines:
        if not group:
            group = t
        elif t.startswith(("（", "(")) and "平成" not in t:
            group += t                     # wrapped regional office
        else:
            group += "\n" + t
    return dept, group


_YEAR = r"(?:昭和|平成)(?:[０-９0-9]+|元)"
YEAR_RE = re.compile(r"^(" + _YEAR + r"(?:年度(?:（[^）]*）)?(?:以降)?(?:[ \u3000]*～[ \u3000]*"
                     + _YEAR + r"年度)?[ \u3000]*|年[ \u3000]+))(.*)$")
NOT_EVENT_START = tuple("にのはまからでを、")
EVENT_WORDS = ("事業名変更", "制度創設", "事業創設", "制度拡充", "事業統合", "事業拡充", "制度改正")


def parse_history(raw_lines):
    entries = []
    cur = None
    for raw in raw_lines:
        text = clean(raw)
        if not text or is_page_number(raw):
            continue
        m = YEAR_RE.match(text) if not is_indented(raw) else None
        if m and m.group(2).startswith(NOT_EVENT_START):
            m = None
        if m and cur is not None and cur["_reason"] and not clean(cur["_reason"][-1]).endswith(
                ("。", "）", ")", "め")) and not m.group(2).startswith(EVENT_WORDS):
            m = None                       # a reason sentence wrapped before 平成…年度
        if m:
            event = clean(m.group(2))
            former = ""
            fm = re.match(r"^(.*?)[ \u3000]*「(.*)」$", event)
            if fm and fm.group(1):
                event, former = clean(fm.group(1)), fm.group(2)
            cur = {"year": clean(m.group(1)), "event": event, "former_name": former,
                   "_reason": [], "_open": False,
                   "_event_open": paren_open(event) or width(text) >= 48}
            entries.append(cur)
            continue
        if cur is None:
            continue
        if cur["_event_open"] and not is_indented(raw) and not text.startswith(("「", "・")):
            cur["event"] += text           # event wrapped at the page width
            cur["_event_open"] = paren_open(cur["event"]) or not cur["event"].endswith("。")
            continue
        cur["_event_open"] = False
        if cur["_reason"] and text.startswith("「") and text.endswith("」") and not cur["_open"]:
            # another former project merged in the same year: a sub-entry
            cur = {"year": "", "event": "", "former_name": text[1:-1],
                   "_reason": [], "_open": False, "_event_open": False}
            entries.append(cur)
            continue
        if (not cur["_reason"] and not cur["_open"] and not cur["former_name"]
                and text.startswith("「") and "」" in text and not text.endswith("」")):
            # 「former」（note）: the note after the name goes to the event
            k = text.rindex("」")
            cur["former_name"] = text[1:k]
            cur["event"] += text[k + 1:]
            continue
        if not cur["_reason"] and (text.startswith("「") or cur["_open"]) and not cur["former_name"] or cur["_open"]:
            frag = text
            if not cur["_open"]:
                frag = frag[1:]
            if frag.endswith("」") and frag.count("「") < frag.count("」") + (0 if cur["_open"] else 1):
                cur["former_name"] += frag[:-1]
                cur["_open"] = False
            else:
                cur["former_name"] += frag
                cur["_open"] = True
            continue
        cur["_reason"].append(raw)
    out = []
    for en in entries:
        out.append({"year": en["year"], "event": en["event"],
                    "former_name": en["former_name"],
                    "reason": join_paragraphs(en["_reason"])})
    return out


# ---------------------------------------------------------------- results tables
def split_value(text):
    """Split 'item value' -> (item, value); value may be None."""
    toks = text.split()
    if toks and all(VALUE_TOKEN_RE.match(t) for t in toks):
        return None, " ".join(toks)
    k = len(toks)
    while k > 1 and VALUE_TOKEN_RE.match(toks[k - 1]):
        k -= 1
    if k < len(toks):
        item = text
        # cut the item at the position of the first value token
        head = " ".join(toks[:k])
        pos = text.find(toks[k], len(head) - 2 if len(head) > 2 else 0)
        item = clean(text[:pos])
        return item, " ".join(toks[k:])
    return text, None


def paren_open(text):
    return (text.count("（") + text.count("(")) > (text.count("）") + text.count(")"))


def join_item_lines(lines):
    item = ""
    for t in lines:
        if not item:
            item = t
        elif paren_open(item) or (width(item.split("\n")[-1]) >= 35
                                  and not item.endswith(("）", "」", ")", "、"))):
            item += t
        else:
            item += "\n" + t
    return item


def row_kind(item):
    first = item.split("\n")[0]
    if first.startswith("うち"):
        return "内訳"
    if nospace(first) in ("計", "合計"):
        return "計"
    return ""


def make_row(item, value):
    item = squeeze_spaced(item) if "\n" not in item else item
    if nospace(item) in ("計", "合計"):
        item = nospace(item)
    return {"item": item, "value": value, "kind": row_kind(item)}


def parse_table_body(raw_lines):
    """Turn the body lines of one two-column table into rows."""
    rows = []
    pend = []        # pending item lines without a value
    vals = []        # pending value lines
    last = None      # 'item' or 'value'

    def flush():
        nonlocal pend, vals
        if not pend and not vals:
            return
        if vals and len(pend) >= 2 and len(pend) == len(vals) and all(
                p.startswith("〃") for p in pend[1:]):
            for p, v in zip(pend, vals):
                rows.append(make_row(p, v))
        elif pend and not vals:
            for p in pend:
                rows.append(make_row(p, ""))
        else:
            rows.append(make_row(join_item_lines(pend), "\n".join(vals)))
        pend, vals = [], []

    for raw in raw_lines:
        text = clean(raw)
        if not text:
            continue
        if last == "value" and vals and paren_open(vals[-1]):
            vals[-1] += text
            continue
        if last == "value" and text.startswith(("（", "(")):
            vals.append(text)
            continue
        item, value = split_value(text)
        if item is None:                      # value-only line
            vals.append(value)
            last = "value"
            continue
        if last == "value":
            flush()
        if value is None:
            pend.append(item)
            last = "item"
        else:
            pend.append(item)
            vals.append(value)
            flush()
            last = None
    flush()
    return rows


def parse_header(text):
    toks = text.split()
    if len(toks) >= 2:
        return [nospace("".join(toks[:-1])), toks[-1]]
    return [nospace(text), ""]


def parse_results(raw_lines):
    """Return (progress, outcome) tables."""
    tables = []
    cur = None
    for raw in raw_lines:
        text = clean(raw)
        if not text:
            continue
        if CAPTION_RE.search(text) and not re.search(r"[0-9０-９]", text):
            cur = {"caption": nospace(text), "headers": None, "_body": []}
            tables.append(cur)
            continue
        if cur is None:
            continue
        if cur["headers"] is None:
            cur["headers"] = parse_header(text)
            continue
        cur["_body"].append(raw)
    out = []
    for t in tables:
        out.append({"caption": t["caption"], "headers": t["headers"] or ["", ""],
                    "rows": parse_table_body(t["_body"])})
    progress = outcome = None
    if len(out) >= 2:
        progress, outcome = out[0], out[1]
    elif len(out) == 1:
        cap = out[0]["caption"]
        if "（経過）" in cap or ("（結果）" not in cap and cap.startswith("申込")):
            progress = out[0]
        else:
            outcome = out[0]
    return progress, outcome


def parse_results_text(raw_lines):
    """Numbered text results (no tables): headings and paragraphs."""
    items = []
    para = []

    def flush():
        if para:
            items.append({"kind": "文", "cells": [join_paragraphs(para)]})
            para.clear()

    for raw in raw_lines:
        text = clean(raw)
        if not text:
            continue
        if re.match(r"^(（[０-９0-9]+）|[①-⑳]|○)", text):
            flush()
            items.append({"kind": "見出し", "cells": [text]})
        else:
            para.append(raw)
    flush()
    return items


# ---------------------------------------------------------------- card
def parse_card(seq, lines, s, e):
    parts = split_parts(lines, s, e)
    name, reprint = parse_name(parts.get("name", []))
    cost, amount_text, note = parse_cost(parts.get("cost", []))
    progress, outcome = parse_results(parts.get("results", []))
    dept, group = parse_dept(parts.get("dept", []))
    card = {
        "seq": seq,
        "reprint": reprint,
        "policy_title": "".join(clean(l) for l in parts.get("policy", [])),
        "project_name": name,
        "description": join_paragraphs(parts.get("desc", [])),
        "cost": cost,
        "cost_note": note,
        "progress": progress,
        "outcome": outcome,
        "results_free": [],
        "history": parse_history(parts.get("history", [])),
        "department": dept,
        "group": group,
    }
    card["_amount_text"] = amount_text
    card["_results_raw"] = parts.get("results", [])
    card["_line"] = s + 1
    return card


# ---------------------------------------------------------------- overrides
def T(caption, rows, headers=("項目名", "件数・金額など")):
    """Compact table builder for overrides: rows are (item, value[, kind])."""
    out = []
    for r in rows:
        item, value = r[0], r[1]
        kind = r[2] if len(r) > 2 else row_kind(item)
        out.append({"item": item, "value": value, "kind": kind})
    return {"caption": caption, "headers": list(headers), "rows": out}


PROG = "申込、相談件数など事業実績（経過）"
RES = "補助、開催件数など事業実績（結果）"


def F(kind, *cells):
    return {"kind": kind, "cells": list(cells)}


# Keyed by project name (without （再掲）) so that reprints share the fix.
OVERRIDES = {
    "就職ガイダンス開催費": {
        "progress": T("補助、開催件数など事業実績（経過）", [
            ("１月開催（東京・仙台・青森・八戸・弘前）", "", "見出し"),
            ("参加学生数", "４５０人"),
            ("３月開催（東京・仙台・青森・八戸・弘前）", "", "見出し"),
            ("参加学生数", "３１６人"),
        ]),
    },
    "あおもりエコアクション推進事業": {
        "progress": T(PROG, [
            ("「あおもりエコの環スマイルプロジェクト」登録状況（H26.3.31現在）", "", "見出し"),
            ("登録事業所数", "８３２事業所"),
            ("登録県民数", "１，３３９人"),
            ("登録団体数", "４９団体"),
            ("登録学校数", "１５校"),
        ]),
    },
    "三八地域次世代ものづくり地場産業育成事業": {
        "outcome": T(RES, [
            ("金属粉末関連", "", "見出し"),
            ("金属粉末研究会（組織会含む）開催回数", "４回"),
            ("研究会等参加者数", "延べ１１７名"),
            ("メンテナンス関連", "", "見出し"),
            ("金属補修・加工研究会開催回数", "２回"),
            ("講演会開催回数", "１回"),
            ("技術講習会開催回数", "２回"),
            ("講演会及び技術講習会参加者数", "１５４名"),
        ]),
    },
    "グリーン電力証書活用太陽光発電普及拡大支援事業": {
        "outcome": T(RES, [
            ("ＰＲ冊子作成", "企業向け、設置世帯向け各3,500部作成"),
            ("普及啓発行事開催・参加", "", "見出し"),
            ("・普及啓発行事開催", "県内１回"),
            ("・他団体主催行事出展", "県内３回、県外１回"),
            ("証書活用による県主催行事等の使用電力グリーン化", "２６の行事等で実施"),
        ]),
    },
    "青森県信用保証協会補助\n東北地方太平洋沖地震被災中小企業経営再建特別対策事業費補助": {
        "outcome": T(RES, [
            ("経営安定化サポート資金\n「災害復旧枠」\n※平成２２、２３年度の実績",
             "５５１件\n１６,９４６,４５５千円"),
        ], headers=("資金名", "件数・金額など")),
    },
    "あおもり食産業づくり加速化事業": {
        "outcome": T(RES, [
            ("農商工コラボマーケット 参加者数", "65事業者 175名"),
            ("〃      商談数", "商談36件"),
            ("食産業推進セミナー 参加者数", "93名"),
            ("補助事業者数", "9事業者"),
        ]),
    },
    "あおもり食産業連携拡大対策事業": {
        "outcome": T(RES, [
            ("食産業推進フェア\n参加者数、新商品展示数、\n相談コーナー対応数（1回）",
             "141事業者 274名\n212アイテム\n相談12件"),
            ("食産業連携共同プロジェクト採択数", "21件"),
        ]),
    },
    "知的財産事業展開力創出事業": {
        "outcome": T(RES, [
            ("知的財産事業展開力促進事業費補助金件数", "14件"),
            ("〃      交付決定金額", "1,814千円"),
            ("知財活用についてアドバイスした食産業企業数", "3件"),
            ("特許技術マッチングフェア開催参加者数", "326名"),
            ("〃     シーズ発表件数", "6件"),
        ]),
    },
    "商工会連合会指定事業費補助": {
        "progress": None, "outcome": None,
        "results_free": [
            F("見出し", "○商工会指導員等設置状況　(H26.3.31現在)"),
            F("表頭", "区分", "商工会指導員", "専門経営指導員", "補助員", "計"),
            F("表", "商工会連合会", "８人", "－人", "２人", "１０人"),
            F("表", "広域指導センター", "－", "１０", "５", "１５"),
            F("表", "計", "８", "１０", "７", "２５"),
            F("文", "各商工会の業務適正化に向けた指導のほか、地域資源の発掘や活用に向けた取組についても指導を行った。"),
        ],
    },
    "経営改善普及事業費補助": {
        "progress": None, "outcome": None,
        "results_free": [
            F("見出し", "○経営指導員等設置状況　(26.3.31現在)"),
            F("表頭", "区分", "団体数", "経営指導員", "補助員", "記帳専任職員"),
            F("表", "商工会議所", "7", "42人", "17人", "12人"),
            F("表", "商工会", "42", "73", "47", "61"),
            F("表", "計", "49", "115", "64", "73"),
            F("見出し", "○商工会、商工会議所の事業"),
            F("文", "経営指導員による金融、税務、経理、経営、労働、取引その他の巡回、"
                   "窓口相談指導及び専門家による講習会、講演会等集団指導並びに記帳"
                   "専任職員等による記帳継続指導及び事務代行を行った。"),
            F("見出し", "○指導件数"),
            F("表頭", "区分", "", "25年度"),
            F("表", "商工会議所", "巡回", "17,003件"),
            F("表", "", "窓口", "15,945"),
            F("表", "", "小計", "32,948"),
            F("表", "商工会", "巡回", "47,014"),
            F("表", "", "窓口", "20,189"),
            F("表", "", "小計", "67,203"),
            F("表", "計", "巡回", "64,017"),
            F("表", "", "窓口", "36,134"),
            F("表", "", "小計", "100,151"),
        ],
    },
    # p.45: the same artifact twice: 「省エネ ト|ータル」 and 「ビジネス マ|ッチング」 at justified
    # line ends (the card's own tables and p.44 print 省エネトータルサポート制度 and
    # 環境ビジネスマッチングフェア without the space).  「(上限 ２,０００千円)」 is mid-line
    # on a paragraph's last line: kept.
    "中小企業の省エネ型事業モデル創出・普及促進事業": {
        "description": "中小企業の省エネ対策を促進するため、青森県省エネトータルサポート制度"
                       "（Ｈ２４－２５）利用事業者の中で、二酸化炭素排出量削減効果の高い省エネ改修・"
                       "設備導入を行う事業者を支援することにより、省エネ対策モデル事例を創出した。"
                       "（補助率１／４(上限 ２,０００千円)）\n"
                       "中小企業への省エネ技術情報等の提供を目的として、地元５金融機関等との連携・"
                       "協働により、「環境ビジネスマッチングフェア」を開催した。",
    },
    # p.94: the extraction splits 「ネット ワーク」 at a justified line end (the reprint,
    # p.127, prints the same sentence without the space).
    "低炭素型ものづくり産業振興事業": {
        "description": "「低炭素型ものづくり産業振興指針」の目標達成に向け、産学官金連携体制を強化する"
                       "とともに、企業間ネットワーク研究会の開催や首都圏等の産学官金連携ネットワーク"
                       "組織と連携した技術マッチングなどを実施した。",
    },
}
TEXT_RESULTS = {"青森県中小企業団体中央会補助"}


def apply_overrides(card):
    name = card["project_name"]
    if name in TEXT_RESULTS:
        card["results_free"] = parse_results_text(card["_results_raw"])
        card["progress"] = card["outcome"] = None
    ov = OVERRIDES.get(name)
    if ov:
        for key, val in ov.items():
            card[key] = val


# ---------------------------------------------------------------- list table
def list_costs(lines):
    """Amounts from the list table （２）平成２５年度の中小企業振興施策一覧,
    keyed by printed page number."""
    start = next(i for i, l in enumerate(lines)
                 if "（２）平成２５年度の中小企業振興施策一覧" in l and "---" not in l)
    end = next(i for i in range(start, len(lines)) if "（３）平成２５年度の中小企業振興施策実施状況" in lines[i])
    text = " ".join(clean(l) for l in lines[start:end] if clean(l))
    by_page = {}
    rx = re.compile(r"(?:^|\s)(-|[0-9]{1,3}(?:,[0-9]{3})*)\s+(?:[0-9SＨH]+-[0-9Ｈ]*|[0-9]{1,2})\s"
                    r"(?:(?!\s[0-9]{1,3}(?:,[0-9]{3})*\s).)*?\s(1[0-5][0-9]|[1-9][0-9])(?=\s|$)")
    for m in rx.finditer(text):
        amount = None if m.group(1) == "-" else int(m.group(1).replace(",", ""))
        by_page.setdefault(int(m.group(2)), amount)
    return by_page


CARD_PAGES = (list(range(14, 38)) + list(range(40, 64)) + list(range(66, 76))
              + list(range(78, 101)) + list(range(102, 128)) + list(range(130, 147))
              + list(range(148, 154)))


# ---------------------------------------------------------------- main
def main():
    seed = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SEED
    lines = load_lines(seed)
    cards = []
    for seq, (s, e) in enumerate(split_cards(lines), 1):
        card = parse_card(seq, lines, s, e)
        apply_overrides(card)
        cards.append(card)

    # ---- verification
    problems = []
    print(f"{'seq':>3} {'line':>5} R {'cost':>10} prog outc free hist  name / department / group")
    for c in cards:
        np_ = len(c["progress"]["rows"]) if c["progress"] else "-"
        no_ = len(c["outcome"]["rows"]) if c["outcome"] else "-"
        print(f"{c['seq']:>3} {c['_line']:>5} {'R' if c['reprint'] else ' '} {str(c['cost']):>10} "
              f"{str(np_):>4} {str(no_):>4} {len(c['results_free']):>4} {len(c['history']):>4}  "
              f"{c['project_name']!r} / {c['department']} / {c['group']!r}")
        if not c["project_name"] or not c["department"] or not c["policy_title"]:
            problems.append(f"seq {c['seq']}: missing name/department/policy")
        if c["cost"] is None and not (c["_amount_text"] and re.fullmatch(r"[－―-]", c["_amount_text"])):
            problems.append(f"seq {c['seq']}: cost neither a number nor －")
        if not c["history"]:
            problems.append(f"seq {c['seq']}: no history")
    n_reprint = sum(c["reprint"] for c in cards)
    print(f"cards: {len(cards)}  reprints: {n_reprint}")
    if len(cards) != 130:
        problems.append(f"expected 130 cards, got {len(cards)}")
    if n_reprint != 11:
        problems.append(f"expected 11 reprints, got {n_reprint}")

    by_page = list_costs(lines)
    mismatches = 0
    for c, page in zip(cards, CARD_PAGES):
        if page not in by_page:
            print(f"  list table: no amount found for page {page} (seq {c['seq']})")
            mismatches += 1
        elif by_page[page] != c["cost"]:
            print(f"  cost mismatch seq {c['seq']} p.{page}: card {c['cost']} list {by_page[page]}")
            mismatches += 1
    print(f"cost mismatches against the list table: {mismatches}")
    for p in problems:
        print("PROBLEM:", p)

    for c in cards:
        for key in ("_amount_text", "_results_raw", "_line"):
            c.pop(key, None)
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w", encoding="utf-8") as fh:
        json.dump(cards, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print("wrote", OUT_PATH)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
