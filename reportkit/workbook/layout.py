"""Where every defined name of the card sheet sits in the template: the card contract (CONTRACT_VERSION).

Only the template writes by these positions; every reader and filler goes through the
defined names, so a clerk may insert rows and the names move with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issues import FIELDS

CARD_SHEET = "事業カード"
HELP_SHEET = "記入要領"
LISTS_SHEET = "選択肢"
CONTRACT_VERSION = 1

# The year's settings every card carries, so that it can be checked alone (docs/layout.md): the
# report config as JSON, cut into cells of the column ``SETTINGS_NAME`` covers on a hidden,
# protected sheet; the cells' texts joined in order are the JSON. An addition to the contract:
# a card without it (made before) is still read as before.
SETTINGS_SHEET = "年度設定"
SETTINGS_NAME = "rk_config"
SETTINGS_NOTE = ("このシートは事務局の年度設定（報告年度、基本方針と施策、担当課）です。"
                 "カードだけで確認（reportkit validate）するときに使います。変更しないでください。")
# The drop-down lists of the hidden 選択肢 sheet, by the key in their first row: what an older card
# without the year's settings still tells about the year (the policies with their measures, the divisions).
POLICIES_LIST = "policies"
DIVISIONS_LIST = "divisions"
MEASURES_OF_POLICY_LIST = "measures_{}"  # .format(policy number)

INPUT_COLUMNS = "BCDEFGH"


@dataclass(frozen=True)
class Cell:
    """A single-cell field: its defined name, the label a clerk reads, and its input help."""

    name: str
    row: int
    help: str
    merge_to: str = "B"  # last column the input box spans
    height: float | None = None
    choices: str | None = None  # name of a choice list on the lists sheet
    whole_number: bool = False

    @property
    def label(self) -> str:
        """The label the template writes beside it (issues.FIELDS, the one table of field labels)."""
        return FIELDS[self.name].sheet


@dataclass(frozen=True)
class Block:
    """A rectangle of rows: one record a row."""

    name: str
    header_row: int
    columns: tuple[str, ...]  # header labels, one per column from B
    rows: int
    help: str
    choices: dict[int, str] = field(default_factory=dict)  # column index -> choice list

    @property
    def label(self) -> str:
        """The label the template writes beside it (issues.FIELDS, the one table of field labels)."""
        return FIELDS[self.name].sheet

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + self.rows

    @property
    def last_column(self) -> str:
        return INPUT_COLUMNS[len(self.columns) - 1]


@dataclass(frozen=True)
class Pair:
    """A two-cell header row (labels of a results table)."""

    name: str
    row: int
    help: str

    @property
    def label(self) -> str:
        """The label the template writes beside it (issues.FIELDS, the one table of field labels)."""
        return FIELDS[self.name].sheet


TITLE_ROW = 1
CELLS: tuple[Cell, ...] = (
    Cell("rk_version", 3, "様式の版です。変更しないでください。"),
    Cell("project_id", 4, "事業ごとの管理番号です。年度をまたいで同じ番号を使います。変更しないでください。", merge_to="C"),
    Cell("fiscal_year", 5, "報告する年度を入力します（例：平成25年度、2013、H25）。"),
    Cell("policy", 7, "一覧から基本方針を選んでください（①〜⑧）。", merge_to="H", choices="policies"),
    Cell("measure", 8, "一覧から、選んだ基本方針に属する施策を選んでください。", merge_to="H", choices="measures"),
    Cell("project_name", 9, "事業名を入力します。２つの事業をまとめた場合は Alt+Enter で改行して２行に書きます。", merge_to="H", height=30),
    Cell("description", 10, "実施した内容を文章で入力します。段落は Alt+Enter で改行します。", merge_to="H", height=150),
    Cell("cost", 11, "決算額を千円単位の整数で入力します（例：1,237）。事業費がない場合は「－」を入力します。空欄にはできません。", whole_number=True),
    Cell("cost_note", 12, "内訳を表示する場合に入力します（例：保証料補助86,524、利子補給104,300）。", merge_to="H"),
    Cell("progress_caption", 14, "表１の見出しです。通常は変更不要です。", merge_to="H"),
    Cell("outcome_caption", 32, "表２の見出しです。通常は変更不要です。", merge_to="H"),
    Cell("department", 90, "一覧から担当課を選んでください。", merge_to="C", choices="divisions"),
    Cell("group", 91, "担当グループ名を入力します（任意）。", merge_to="C"),
    Cell("priority", 95, "重点事業の場合は「○」を選びます。", choices="circle"),
    Cell("key_result", 96, "主要成果に該当する場合は「○」を選びます。", choices="circle"),
    Cell("period_start", 97, "事業を始めた年度（例：平成24年度、S44、24）。数字だけの場合は報告年度と同じ元号とみなします。"),
    Cell("period_end", 98, "終了予定の年度。終了年度が決まっていない場合は空欄にします。"),
    Cell("foundation", 99, "全部を補助・委託する場合は「○」、予算の一部の場合は「△」、該当しない場合は空欄。", choices="foundation"),
    Cell("emergency", 100, "緊急雇用創出事業の基金を使う場合は「○」を選びます。", choices="circle"),
    Cell("new_listing", 101, "新規事業で、概要付きで紹介する場合は「◎」、名称のみ掲載する場合は「・」、掲載しない場合は空欄。", choices="new_listing"),
    Cell("new_summary", 102, "「◎」の場合は必須。新規事業一覧に載せる１〜２行の概要です。", merge_to="H", height=45),
)

PAIRS: tuple[Pair, ...] = (
    Pair("progress_headers", 15, "表１の列の見出しです。通常は変更不要です。"),
    Pair("outcome_headers", 33, "表２の列の見出しです。通常は変更不要です。"),
)

ROW_KIND_HELP = "種別：空欄＝通常の行、「内訳」＝うち書きの行、「計」＝合計の行、「見出し」＝値のない見出し行。"
BLOCKS: tuple[Block, ...] = (
    Block("progress_rows", 15, ("項目名", "件数・金額など", "種別"), 15,
          "表１の行を１行に１件入力します。値は Alt+Enter で複数行にできます。" + ROW_KIND_HELP, {2: "row_kind"}),
    Block("outcome_rows", 33, ("項目名", "件数・金額など", "種別"), 15,
          "表２の行を１行に１件入力します。" + ROW_KIND_HELP, {2: "row_kind"}),
    Block("results_free", 50, ("種別", "１", "２", "３", "４", "５", "６"), 25,
          "表形式でない結果（番号付きの文章、列の多い表）に使います。種別：見出し／文／表頭（表の列名）／表（表の行）。", {0: "free_kind"}),
    Block("history_rows", 77, ("年度", "事項", "旧事業名", "理由・内容"), 10,
          "年度（例：平成22年度）、事項（制度創設、事業名変更など）、旧事業名（「」なし）、理由・内容を入力します。", {1: "events"}),
    Block("reprint_rows", 104, ("基本方針", "施策"), 5,
          "他の基本方針にも再掲する場合に、その基本方針と施策を選びます。", {0: "policies", 1: "measures"}),
)

SECTION_LABELS = {
    13: "５ 事業実施結果",
    94: "一覧表の項目",
}

COMMON_EVENTS = ("制度創設", "事業創設", "事業名変更", "制度拡充", "事業統合", "制度改正", "事業拡充", "事業廃止")
ROW_KINDS = ("内訳", "計", "見出し")
FREE_KINDS = ("見出し", "文", "表頭", "表")


# Labels earlier templates wrote (too wide for column A: printed, their closing ） went to a line of
# its own): still template text, not content, in the cards made with them.
EARLIER_LABELS = ("様式の版（変更しないでください）", "管理番号（変更しないでください）")

TITLE_TEXT = "事業カード（中小企業振興施策の年次報告）"
NOTE_TEXT = "黄色のセルに入力してください。各セルを選ぶと入力のヒントが表示されます。記入方法は「記入要領」シートを参照してください。"


def title_text() -> str:
    return TITLE_TEXT


def label_texts(config: object = None) -> set[str]:
    """Every text the template itself writes outside input cells (so the reader can tell labels from content)."""
    texts = {TITLE_TEXT, NOTE_TEXT}
    texts.update(c.label for c in CELLS)
    texts.update(p.label for p in PAIRS)
    texts.update(b.label for b in BLOCKS)
    for block in BLOCKS:
        texts.update(block.columns)
    texts.update(SECTION_LABELS.values())
    texts.update(EARLIER_LABELS)
    return texts


def all_names() -> list[str]:
    """Every defined name the template writes, in sheet order."""
    names = [c.name for c in CELLS] + [p.name for p in PAIRS] + [b.name for b in BLOCKS]
    return names
