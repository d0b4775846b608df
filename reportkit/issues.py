"""Validation problems as records: a stable code, a severity, a position and a Japanese message."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning"]


class IssueCode(str, Enum):
    """The stable kebab-case code of a problem; it is its own JSON (``"missing-value"``)."""

    __str__ = str.__str__
    __format__ = str.__format__

    # files
    NOT_XLSX = "not-xlsx"
    OLD_XLS = "old-xls"
    ODS_WORKBOOK = "ods-workbook"
    NOT_A_CARD_FILE = "not-a-card-file"
    ENCRYPTED = "encrypted"
    CORRUPT_FILE = "corrupt-file"
    TOO_LARGE = "too-large"
    UNREADABLE_FILE = "unreadable-file"
    MACRO_WORKBOOK = "macro-workbook"
    MISSING_CARD_SHEET = "missing-card-sheet"
    MISSING_NAME = "missing-name"
    BROKEN_NAME = "broken-name"
    BAD_VERSION = "bad-version"
    FORMULA_WITHOUT_VALUE = "formula-without-value"
    EXTERNAL_LINK = "external-link"
    UNMAPPED_CONTENT = "unmapped-content"
    ROW_BELOW_TABLE = "row-below-table"
    MERGED_INPUT = "merged-input"
    HIDDEN_CONTENT = "hidden-content"
    TEXT_TOO_LONG = "text-too-long"
    UNUSABLE_NUMBER = "unusable-number"
    CONTROL_CHARACTERS = "control-characters"
    FORMULA_TEXT = "formula-text"
    UNSAFE_XML = "unsafe-xml"
    DUPLICATE_CARD_SHEET = "duplicate-card-sheet"
    DRAWING_IGNORED = "drawing-ignored"
    UNMAPPED_CONTENT_MORE = "unmapped-content-more"
    MORE_ISSUES = "more-issues"
    # a card checked alone (without the input folder): what its year's settings leave unchecked
    NO_YEAR_SETTINGS = "no-year-settings"
    BROKEN_YEAR_SETTINGS = "broken-year-settings"
    # values
    MISSING_VALUE = "missing-value"
    NOT_A_NUMBER = "not-a-number"
    NEGATIVE_AMOUNT = "negative-amount"
    FRACTIONAL_AMOUNT = "fractional-amount"
    AMOUNT_IN_YEN = "amount-in-yen"
    BAD_YEAR = "bad-year"
    DATE_FOR_YEAR = "date-for-year"
    YEAR_OUT_OF_RANGE = "year-out-of-range"
    BAD_MARK = "bad-mark"
    BAD_PROJECT_ID = "bad-project-id"
    UNKNOWN_POLICY = "unknown-policy"
    UNKNOWN_MEASURE = "unknown-measure"
    UNKNOWN_DIVISION = "unknown-division"
    BAD_ROW_KIND = "bad-row-kind"
    BAD_FREE_KIND = "bad-free-kind"
    # rules
    STALE_FISCAL_YEAR = "stale-fiscal-year"
    OTHER_FISCAL_YEAR = "other-fiscal-year"
    PERIOD_REVERSED = "period-reversed"
    PERIOD_IN_FUTURE = "period-in-future"
    COST_NOTE_MISMATCH = "cost-note-mismatch"
    TOTAL_ROW_MISMATCH = "total-row-mismatch"
    FREE_ROW_ORDER = "free-row-order"
    HEADING_ROW_HAS_VALUE = "heading-row-has-value"
    ROW_WITHOUT_ITEM = "row-without-item"
    ROW_WITHOUT_VALUE = "row-without-value"
    FREE_ROW_WITHOUT_VALUE = "free-row-without-value"
    HISTORY_INCOMPLETE = "history-incomplete"
    HISTORY_WITHOUT_EVENT = "history-without-event"
    HISTORY_AFTER_REPORT = "history-after-report"
    RENAME_WITHOUT_FORMER_NAME = "rename-without-former-name"
    UNKNOWN_REPRINT_POLICY = "unknown-reprint-policy"
    REPRINT_TO_HOME = "reprint-to-home"
    DUPLICATE_REPRINT = "duplicate-reprint"
    SUMMARY_REQUIRED = "summary-required"
    DUPLICATE_PROJECT_ID = "duplicate-project-id"
    DUPLICATE_PROJECT_NAME = "duplicate-project-name"
    PLACEMENT_UNUSED = "placement-unused"
    STALE_YEAR_TEXT = "stale-year-text"
    CARD_TOO_LONG = "card-too-long"
    COST_FAR_FROM_LAST_YEAR = "cost-far-from-last-year"
    NAME_DIFFERS_FROM_LAST_YEAR = "name-differs-from-last-year"
    # narratives (narratives/*.md.j2, *.md): {line} is "3 行目"
    NARRATIVE_MISSING = "narrative-missing"
    NARRATIVE_ENCODING = "narrative-encoding"
    NARRATIVE_SYNTAX = "narrative-syntax"
    NARRATIVE_UNKNOWN_PLACEHOLDER = "narrative-unknown-placeholder"
    NARRATIVE_UNKNOWN_FILTER = "narrative-unknown-filter"
    NARRATIVE_BAD_VALUE = "narrative-bad-value"
    NARRATIVE_FULL_WIDTH_BRACES = "narrative-full-width-braces"
    NARRATIVE_PLACEHOLDER_IN_MD = "narrative-placeholder-in-md"
    # narratives written in Word (narratives/*.docx): {line} is "段落 3（「…」）"
    NARRATIVE_BOTH_FORMS = "narrative-both-forms"
    NARRATIVE_DOCX_UNREADABLE = "narrative-docx-unreadable"
    NARRATIVE_DOCX_TRACKED_CHANGE = "narrative-docx-tracked-change"
    NARRATIVE_DOCX_BLOCK_SPAN = "narrative-docx-block-span"
    NARRATIVE_DOCX_DROPPED = "narrative-docx-dropped"
    STATISTICS_NO_DATA = "statistics-no-data"
    # the data files beside the cards (multi_year.csv, statistics/index.toml): {detail} names file and line
    INPUT_FILE_BROKEN = "input-file-broken"


class CodeEntry(NamedTuple):
    """A code's line of the catalogue: its severity, a short Japanese title, the message template."""

    severity: Severity
    title: str
    template: str


# code -> (severity, title, message template). Messages are for department clerks: say what is wrong
# and what to do. Templates take the Issue's ``params``.
CATALOGUE: dict[IssueCode, CodeEntry] = {
    # files
    IssueCode.NOT_XLSX: CodeEntry("error", "Excel ブックでない",
                                  "Excel ブック（.xlsx）ではありません。Excel で開き「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。"),
    IssueCode.OLD_XLS: CodeEntry("error", "古い形式（.xls）のブック",
                                  "古い形式（.xls）のブックは読めません。Excel で開き「Excel ブック (*.xlsx)」形式で保存し直してください。"),
    IssueCode.ODS_WORKBOOK: CodeEntry("error", "OpenDocument 形式のブック",
                                  "OpenDocument 形式（{detail}）のブックは読めません。Excel か LibreOffice Calc で開き「Excel ブック (*.xlsx)」形式で保存し直してください。"),
    IssueCode.NOT_A_CARD_FILE: CodeEntry("warning", "事業カードのブックでないファイル",
                                  "事業カードのブック（.xlsx）ではないため読みませんでした（{detail}）。カードなら Excel ブック（.xlsx）で保存し直し、不要なファイルならカードのフォルダから移してください。"),
    IssueCode.ENCRYPTED: CodeEntry("error", "パスワードで保護されたブック",
                                  "パスワードで保護（暗号化）されたブックは読めません。パスワードを解除して保存し直してください。"),
    IssueCode.CORRUPT_FILE: CodeEntry("error", "壊れたファイル",
                                  "ファイルが壊れているため読めません（{detail}）。元のファイルから作り直してください。"),
    IssueCode.TOO_LARGE: CodeEntry("error", "大きすぎるファイル",
                                  "ファイルが大きすぎるため読みません（{detail}）。様式に不要なデータが入っていないか確認してください。"),
    IssueCode.UNREADABLE_FILE: CodeEntry("error", "開けないファイル",
                                  "ファイルを開けません（{detail}）。ほかのプログラムで開いていないか、アクセス権を確認してください。"),
    IssueCode.MACRO_WORKBOOK: CodeEntry("warning", "マクロ付きブック",
                                  "マクロ付きブック（.xlsm）です。マクロは実行せずに内容だけを読みました。"),
    IssueCode.MISSING_CARD_SHEET: CodeEntry("error", "「事業カード」シートがない",
                                  "「事業カード」シートがありません。シート名を変更した場合は「事業カード」に戻してください。"),
    IssueCode.MISSING_NAME: CodeEntry("error", "名前付き範囲がない",
                                  "様式の名前付き範囲「{field}」がありません。様式を作り直すか、事務局配布の様式に入力し直してください。"),
    IssueCode.BROKEN_NAME: CodeEntry("error", "名前付き範囲の参照先が不正",
                                  "名前付き範囲「{field}」の参照先が「事業カード」シートにありません（{detail}）。事務局配布の様式に入力し直してください。"),
    IssueCode.BAD_VERSION: CodeEntry("error", "様式の版が違う",
                                  "様式の版が違います（{detail}）。事務局が配布した最新の様式を使ってください。"),
    IssueCode.FORMULA_WITHOUT_VALUE: CodeEntry("error", "数式の計算結果がない",
                                  "数式の計算結果が保存されていません。Excel で開いて再計算してから保存するか、数式を値に置き換えてください。"),
    IssueCode.EXTERNAL_LINK: CodeEntry("warning", "外部ファイルへのリンク",
                                  "外部ファイルへのリンクがあります。リンクはたどらず、保存されている値だけを読みました。"),
    IssueCode.UNMAPPED_CONTENT: CodeEntry("warning", "入力欄の外の入力",
                                  "入力欄の外に入力された内容は報告書に載りません（「{detail}」）。必要なら該当する入力欄に移してください。"),
    IssueCode.ROW_BELOW_TABLE: CodeEntry("error", "表の下の行",
                                  "表の下に入力された行は読み取られません（「{detail}」）。表の途中に行を挿入して、表の中に入力してください。"),
    IssueCode.MERGED_INPUT: CodeEntry("warning", "入力欄の結合セル",
                                  "入力欄に結合セルがあります。結合を解除して、１つのセルに入力してください。"),
    IssueCode.HIDDEN_CONTENT: CodeEntry("warning", "非表示の行・列の入力",
                                  "非表示の行または列に入力があります（「{detail}」）。表示して内容を確認してください。"),
    IssueCode.TEXT_TOO_LONG: CodeEntry("error", "文字数の超過",
                                  "文字数が多すぎます（{detail}文字）。内容を要約してください。"),
    IssueCode.UNUSABLE_NUMBER: CodeEntry("error", "数として扱えない値",
                                  "{label}のセルに数として扱えない値（{detail}）が保存されています。Excel で開いてこのセルに正しい値を入力し直してください。"),
    IssueCode.CONTROL_CHARACTERS: CodeEntry("warning", "制御文字",
                                  "表示できない制御文字が含まれていたため取り除きました。"),
    IssueCode.FORMULA_TEXT: CodeEntry("warning", "数式のような文字",
                                  "「=」などで始まる数式のような文字があります（「{detail}」）。報告書には文字として載ります。意図した内容か確認してください。"),
    IssueCode.UNSAFE_XML: CodeEntry("error", "安全でない XML の定義",
                                  "ブックの部品（{detail}）に安全でない XML の定義（DOCTYPE・エンティティ）があるため読みません。Excel で開いて「Excel ブック (*.xlsx)」形式で保存し直してください。"),
    IssueCode.DUPLICATE_CARD_SHEET: CodeEntry("error", "「事業カード」シートが複数",
                                  "「事業カード」という名前のシートが複数あります。１つにまとめ、不要なシートを削除してください。"),
    IssueCode.DRAWING_IGNORED: CodeEntry("warning", "図・画像・グラフ",
                                  "「事業カード」シートの図・画像・グラフは報告書に載りません。必要な内容は入力欄に文字で入力してください。"),
    IssueCode.UNMAPPED_CONTENT_MORE: CodeEntry("warning", "入力欄の外のほかの入力",
                                  "入力欄の外にほかにも {detail} 個のセルに入力があります（このセルから）。報告書には載りません。不要なら削除してください。"),
    IssueCode.MORE_ISSUES: CodeEntry("warning", "表示しきれない問題",
                                  "ほかにも {detail} 件の問題があります（表示は最初の分だけです）。表示された問題を直してから、もう一度確認してください。"),
    IssueCode.NO_YEAR_SETTINGS: CodeEntry("warning", "年度設定のない（以前の様式の）カード",
                                  "このブックには事務局の年度設定が入っていません（以前の様式です）。そのため{detail}は確認していません。{expected}"
                                  "すべてを確認するには、事務局の入力フォルダ（config.toml のあるフォルダ）を指定して "
                                  "reportkit validate ブック.xlsx --input フォルダ とするか、事務局から今年度の様式をもらって入力し直してください。"),
    IssueCode.BROKEN_YEAR_SETTINGS: CodeEntry("warning", "年度設定が壊れたカード",
                                  "このブックの年度設定（非表示のシート「年度設定」）が壊れているため使えません（{other}）。そのため{detail}は確認していません。{expected}"
                                  "すべてを確認するには、事務局の入力フォルダ（config.toml のあるフォルダ）を指定して "
                                  "reportkit validate ブック.xlsx --input フォルダ とするか、事務局から様式をもらい直してください。"),
    # values
    IssueCode.MISSING_VALUE: CodeEntry("error", "未入力",
                                  "{label}が入力されていません。"),
    IssueCode.NOT_A_NUMBER: CodeEntry("error", "数値でない",
                                  "{label}は数値で入力してください（入力値「{detail}」）。"),
    IssueCode.NEGATIVE_AMOUNT: CodeEntry("error", "マイナスの金額",
                                  "{label}にマイナスの値は入力できません（入力値「{detail}」）。"),
    IssueCode.FRACTIONAL_AMOUNT: CodeEntry("error", "千円未満の端数",
                                  "{label}は千円単位の整数で入力してください（入力値「{detail}」）。"),
    IssueCode.AMOUNT_IN_YEN: CodeEntry("error", "円単位の金額",
                                  "{label}が円単位で入力されています（入力値「{detail}」）。千円単位で入力してください（例: {detail} → {expected}）。"),
    IssueCode.BAD_YEAR: CodeEntry("error", "読み取れない年度",
                                  "{label}の年度が読み取れません（入力値「{detail}」）。「平成25年度」「H25」「2013」のように入力してください。"),
    IssueCode.DATE_FOR_YEAR: CodeEntry("error", "年度の欄の日付",
                                  "{label}に日付が入力されています（{detail}）。年度を「平成25年度」「H25」「2013」のように入力してください。"),
    IssueCode.YEAR_OUT_OF_RANGE: CodeEntry("error", "範囲外の年度",
                                  "{label}の年度が範囲外です（入力値「{detail}」）。"),
    IssueCode.BAD_MARK: CodeEntry("error", "使えない記号",
                                  "{label}には {detail} のいずれかを入力してください。"),
    IssueCode.BAD_PROJECT_ID: CodeEntry("error", "不正な管理番号",
                                  "管理番号「{detail}」が不正です。半角英数字・「-」「_」で32文字以内にしてください（通常は変更不要です）。"),
    IssueCode.UNKNOWN_POLICY: CodeEntry("error", "ない基本方針",
                                  "基本方針「{detail}」がありません。一覧から選んでください。"),
    IssueCode.UNKNOWN_MEASURE: CodeEntry("error", "基本方針にない施策",
                                  "施策「{detail}」は基本方針{policy}の施策にありません。一覧から選んでください。"),
    IssueCode.UNKNOWN_DIVISION: CodeEntry("error", "設定にない担当課",
                                  "担当課「{detail}」は設定ファイルの担当課一覧にありません。一覧から選んでください。"),
    IssueCode.BAD_ROW_KIND: CodeEntry("error", "使えない種別",
                                  "種別「{detail}」は使えません。空欄、「内訳」、「計」、「見出し」のいずれかにしてください。"),
    IssueCode.BAD_FREE_KIND: CodeEntry("error", "使えない自由形式の種別",
                                  "自由形式の種別「{detail}」は使えません。「見出し」「文」「表頭」「表」のいずれかにしてください。"),
    # rules
    IssueCode.STALE_FISCAL_YEAR: CodeEntry("error", "前年度の報告年度",
                                  "報告年度が前年度の{detail}になっていますが、この報告書は{expected}です。前年度のファイルを送っていませんか。{expected}の内容に更新して、報告年度を{expected}にしてください。"),
    IssueCode.OTHER_FISCAL_YEAR: CodeEntry("error", "報告書と違う報告年度",
                                  "報告年度が{detail}になっていますが、この報告書は{expected}です。報告年度を{expected}に直してください（{detail}の報告なら、{detail}の入力フォルダで確認してください）。"),
    IssueCode.PERIOD_REVERSED: CodeEntry("error", "開始と終了が逆の事業期間",
                                  "事業期間の開始年度（{detail}）が終了年度（{expected}）より後になっています。"),
    IssueCode.PERIOD_IN_FUTURE: CodeEntry("error", "報告年度より後の開始年度",
                                  "事業期間の開始年度（{detail}）が報告年度（{expected}）より後になっています。"),
    IssueCode.COST_NOTE_MISMATCH: CodeEntry("error", "内訳の合計と事業費の不一致",
                                  "内訳に書かれた金額の合計（{detail}千円）が事業費（{expected}）と一致しません。内訳か事業費を直してください。"),
    IssueCode.TOTAL_ROW_MISMATCH: CodeEntry("error", "「計」の行と合計の不一致",
                                  "「計」の行の値（{detail}）が、上の行の合計（{expected}）と一致しません。"),
    IssueCode.FREE_ROW_ORDER: CodeEntry("error", "「表頭」のない「表」の行",
                                  "「表」の行の前に「表頭」の行が必要です。"),
    IssueCode.HEADING_ROW_HAS_VALUE: CodeEntry("warning", "値のある見出し行",
                                  "種別「見出し」の行に値が入っています（「{detail}」）。見出し行は値なしで印刷されます。"),
    IssueCode.ROW_WITHOUT_ITEM: CodeEntry("error", "項目名のない行",
                                  "項目名がない行に値が入っています（「{detail}」）。項目名を入力してください。"),
    IssueCode.ROW_WITHOUT_VALUE: CodeEntry("error", "値のない行",
                                  "項目「{detail}」の値（件数・金額など）が入力されていません。値を入力してください（値のない見出しの行なら、種別を「見出し」にしてください）。"),
    IssueCode.FREE_ROW_WITHOUT_VALUE: CodeEntry("error", "内容のない自由形式の行",
                                  "自由形式の「{detail}」の行に内容が入力されていません。内容を入力するか、不要なら行を削除してください。"),
    IssueCode.HISTORY_INCOMPLETE: CodeEntry("error", "年度のない経緯の行",
                                  "事業の経緯の行に年度がありません。年度（例：平成22年度）を入力してください。"),
    IssueCode.HISTORY_WITHOUT_EVENT: CodeEntry("warning", "事項のない経緯の行",
                                  "事業の経緯の行に事項（制度創設、事業名変更など）がありません。必要なら入力してください。"),
    IssueCode.HISTORY_AFTER_REPORT: CodeEntry("error", "報告年度より後の経緯",
                                  "事業の経緯の年度（{detail}）が報告年度（{expected}）より後になっています。"),
    IssueCode.RENAME_WITHOUT_FORMER_NAME: CodeEntry("warning", "旧事業名のない事業名変更",
                                  "事業名変更の行に旧事業名がありません。旧事業名を入力してください。"),
    IssueCode.UNKNOWN_REPRINT_POLICY: CodeEntry("error", "ない再掲先の基本方針",
                                  "再掲先の基本方針「{detail}」がありません。"),
    IssueCode.REPRINT_TO_HOME: CodeEntry("error", "自分の基本方針への再掲",
                                  "再掲先に自分の基本方針（{detail}）は指定できません。この行を消すか、別の基本方針を選んでください。"),
    IssueCode.DUPLICATE_REPRINT: CodeEntry("warning", "重複した再掲先",
                                  "再掲先が重複しています（{detail}）。重複した行を消してください。"),
    IssueCode.SUMMARY_REQUIRED: CodeEntry("error", "新規事業の概要がない",
                                  "新規事業一覧に「◎」で掲載する場合は、新規事業の概要を入力してください。"),
    IssueCode.DUPLICATE_PROJECT_ID: CodeEntry("error", "重複した管理番号",
                                  "管理番号「{detail}」が別のファイル（{other}）と重複しています。同じ事業のファイルが２つないか確認してください。"),
    IssueCode.DUPLICATE_PROJECT_NAME: CodeEntry("error", "重複した事業名",
                                  "事業名「{detail}」が、{expected}別のファイル（{other}）の事業名と同じです。同じ事業のファイルなら、このファイルは取り下げてください。別の事業なら、事業名をほかと区別できるものに変えてください。"),
    IssueCode.STALE_YEAR_TEXT: CodeEntry("warning", "前年度を指す文言",
                                  "{line}前年度を指す「{detail}」が書かれています。{expected}の内容に更新したか確認してください（前年度と比べて書いている場合などは、そのままで構いません）。"),
    IssueCode.CARD_TOO_LONG: CodeEntry("warning", "１ページに収まらないカード",
                                  "カードが１ページ（約{limit}行）に収まらない見込みです（全体で約{expected}行、うち{detail}）。{field_label}を短くしてください。"),
    IssueCode.COST_FAR_FROM_LAST_YEAR: CodeEntry("warning", "前年度と桁違いの事業費",
                                  "事業費（{detail}千円）が前年度の事業費（{expected}）の{other}です。円単位で入力していないか、桁を間違えていないか確認してください（事業費は千円単位です）。正しい金額なら、そのままで構いません。"),
    IssueCode.NAME_DIFFERS_FROM_LAST_YEAR: CodeEntry("error", "前年度と違う事業名（事業名変更の記録なし）",
                                  "管理番号 {other} は前年度の報告書では「{expected}」の事業ですが、このカードの事業名は「{detail}」です。"
                                  "このままでは「{expected}」のカードが置き換わり、報告書から消えます。"
                                  "同じ事業の名前を変えたのなら、６ 事業の経緯に事業名変更の行（事項「事業名変更」、旧事業名「{expected}」）を入れてください。"
                                  "別の新しい事業なら、このブック（前年度のカードの流用）は使わず、reportkit template で作った新しい事業カード"
                                  "（受付ページの「白紙の事業カード」、配布フォルダの新規事業用_事業カード.xlsx）に入力し直してください。"),
    # narratives (narratives/*.md.j2, *.md): {line} is "3 行目"
    IssueCode.NARRATIVE_MISSING: CodeEntry("error", "説明文のファイルがない",
                                  "説明文のファイルがありません。前年度の narratives フォルダからコピーするか、作成してください。"),
    IssueCode.NARRATIVE_ENCODING: CodeEntry("error", "読めない文字コード",
                                  "{line}の文字が読めません。文字コードを UTF-8 にして保存し直してください。"),
    IssueCode.NARRATIVE_SYNTAX: CodeEntry("error", "差し込みの書き方の誤り",
                                  "{line}の差し込みの書き方に誤りがあります。二重の波括弧や if・for の指定が閉じているか、全角と半角が混ざっていないか確認してください。"),
    IssueCode.NARRATIVE_UNKNOWN_PLACEHOLDER: CodeEntry("error", "ない差し込み項目",
                                  "{line}の差し込み項目「{detail}」はありません。つづりを確認してください（使える項目：{expected}）。"),
    IssueCode.NARRATIVE_UNKNOWN_FILTER: CodeEntry("error", "ない書式指定",
                                  "{line}の書式指定「{detail}」はありません。つづりを確認してください（使える書式指定：{expected}）。"),
    IssueCode.NARRATIVE_BAD_VALUE: CodeEntry("error", "差し込み項目に使えない書式指定",
                                  "{line}の差し込み項目に、その書式指定は使えません（例：year には nendo）。"),
    IssueCode.NARRATIVE_FULL_WIDTH_BRACES: CodeEntry("warning", "全角の波括弧",
                                  "{line}の「{detail}」は全角の波括弧のため差し込まれず、そのまま印刷されます。差し込むには半角の波括弧にしてください。"),
    IssueCode.NARRATIVE_PLACEHOLDER_IN_MD: CodeEntry("warning", ".md の差し込み",
                                  "{line}の「{detail}」は差し込まれず、そのまま印刷されます。差し込みを使うには、ファイル名を .md.j2 にしてください。"),
    # narratives written in Word (narratives/*.docx): {line} is "段落 3（「…」）"
    IssueCode.NARRATIVE_BOTH_FORMS: CodeEntry("error", "Word と Markdown の両方にある説明文",
                                  "同じ説明文が {detail} と {other} の両方にあり、どちらを使うか決められません。どちらか一方だけを narratives フォルダに残してください（使わない方は narratives/markdown フォルダなどへ移してください）。"),
    IssueCode.NARRATIVE_DOCX_UNREADABLE: CodeEntry("error", "読めない Word の説明文",
                                  "Word 文書（.docx）として読めません（{detail}）。Word で開き「Word 文書 (*.docx)」形式で保存し直してください。"),
    IssueCode.NARRATIVE_DOCX_TRACKED_CHANGE: CodeEntry("error", "承諾されていない変更履歴",
                                  "{line}に、承諾されていない変更履歴（挿入・削除）があります。Word の［校閲］で変更を承諾するか元に戻し、変更の記録を止めてから保存してください。"),
    IssueCode.NARRATIVE_DOCX_BLOCK_SPAN: CodeEntry("error", "段落をまたぐ if・for の指定",
                                  "{line}の if・for の指定が、その段落の中で閉じていません（endif・endfor が別の段落にあるか、ありません）。Word の説明文では、if・for の指定を一つの段落（表ならひとつのセル）の中で閉じてください。"),
    IssueCode.NARRATIVE_DOCX_DROPPED: CodeEntry("warning", "報告書に入らない Word の要素",
                                  "{line}の{detail}は報告書に印刷されません。{expected}。"),
    IssueCode.STATISTICS_NO_DATA: CodeEntry("warning", "データのない図表",
                                  "{line}の{detail}にはデータがないため、報告書に「（データ未入力）」と印刷されます。statistics フォルダに CSV を置き、index.toml のその項目の file に指定してください。"),
    IssueCode.PLACEMENT_UNUSED: CodeEntry("warning", "使われない並び順の指定",
                                  "{detail}config.toml の [[placements]] の管理番号（project_id、after）を確認してください。"),
    IssueCode.INPUT_FILE_BROKEN: CodeEntry("error", "読めないデータファイル",
                                  "{detail}このファイルが直るまで報告書は作成できません。"),
}


class Issue(BaseModel):
    """One problem found in an input, at a position a clerk can find.

    ``params`` are the values the message was rendered from (``detail``, ``expected``, ...). They stay
    on the record but out of ``model_dump()`` and its JSON: the seven other keys are the promised
    shape of ``validate --format json`` and the web API. The card cache stores them explicitly.
    """

    model_config = ConfigDict(frozen=True)

    severity: Severity
    code: IssueCode
    file: str
    sheet: str = ""
    cell: str = ""
    field: str = ""
    message: str
    params: dict[str, str] = Field(default_factory=dict, exclude=True)

    def __hash__(self) -> int:  # params (a dict) left out: equal issues still hash alike
        return hash((self.severity, self.code, self.file, self.sheet, self.cell, self.field, self.message))

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    def as_row(self) -> dict[str, str]:
        return self.model_dump()


def make_issue(code: IssueCode | str, file: str, *, sheet: str = "", cell: str = "", field: str = "",
               severity: Severity | None = None, **params: object) -> Issue:
    """An Issue with its message rendered from the catalogue, and the values it was rendered from."""
    code = IssueCode(code)
    default_severity, _, template = CATALOGUE[code]
    values = {"detail": "", "expected": "", "label": FIELD_LABELS.get(field, field), "field": field,
              "field_label": FIELD_LABELS.get(field, field), "policy": "", "other": "", "line": ""}
    values.update({k: v for k, v in params.items()})
    return Issue(severity=severity or default_severity, code=code, file=file, sheet=sheet, cell=cell,
                 field=field, message=template.format(**values), params={k: str(v) for k, v in params.items()})


def first_issues(issues: list[Issue], limit: int, file: str) -> list[Issue]:
    """At most ``limit`` issues: the first ones, then one ``more-issues`` counting the rest (an error when
    an error is among them), so that what one workbook answers stays bounded."""
    if len(issues) <= limit:
        return issues
    rest = issues[limit - 1:]
    severity = "error" if has_errors(rest) else "warning"
    return issues[:limit - 1] + [make_issue("more-issues", file, severity=severity, detail=f"{len(rest):,}")]


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


class FieldLabel(NamedTuple):
    """What a field is called: in problems (messages, lists), on the card sheet, in a year-over-year diff."""

    problem: str
    sheet: str = ""  # the label the template writes beside the input (workbook.layout)
    diff: str = ""  # the 項目 of diff.xlsx and the summary (yoy.compare)


# The one table of field labels, by defined name.
FIELDS: dict[str, FieldLabel] = {
    "rk_version": FieldLabel("様式の版", sheet="様式の版（変更不可）"),
    "project_id": FieldLabel("管理番号", sheet="管理番号（変更不可）"),
    "fiscal_year": FieldLabel("報告年度", sheet="報告年度"),
    "policy": FieldLabel("１ 基本方針", sheet="１ 基本方針", diff="基本方針"),
    "measure": FieldLabel("施策", sheet="　施策（一覧表の区分）", diff="施策"),
    "project_name": FieldLabel("２ 事業名", sheet="２ 事業名", diff="事業名"),
    "description": FieldLabel("３ 事業内容", sheet="３ 事業内容", diff="事業内容"),
    "cost": FieldLabel("４ 事業費（千円）", sheet="４ 事業費（千円）", diff="事業費（千円）"),
    "cost_note": FieldLabel("４ 事業費の内訳", sheet="　内訳（金額の下に表示）", diff="事業費の内訳"),
    "progress_caption": FieldLabel("表１の見出し", sheet="５ 事業実施結果　表１の見出し"),
    "outcome_caption": FieldLabel("表２の見出し", sheet="　表２の見出し"),
    "progress_headers": FieldLabel("表１の列名", sheet="　表１の列名"),
    "outcome_headers": FieldLabel("表２の列名", sheet="　表２の列名"),
    "progress_rows": FieldLabel("５ 事業実施結果（表１）", sheet="　表１の行", diff="表１"),
    "outcome_rows": FieldLabel("５ 事業実施結果（表２）", sheet="　表２の行", diff="表２"),
    "results_free": FieldLabel("５ 事業実施結果（自由形式）", sheet="　自由形式の結果", diff="自由形式の結果"),
    "history_rows": FieldLabel("６ 事業の経緯", sheet="６ 事業の経緯", diff="事業の経緯"),
    "department": FieldLabel("７ 担当課", sheet="７ 担当課", diff="担当課"),
    "group": FieldLabel("７ グループ", sheet="　グループ", diff="グループ"),
    "priority": FieldLabel("重点", sheet="重点", diff="重点"),
    "key_result": FieldLabel("主要成果", sheet="主要成果", diff="主要成果"),
    "period_start": FieldLabel("事業期間（開始年度）", sheet="事業期間（開始年度）"),
    "period_end": FieldLabel("事業期間（終了年度）", sheet="事業期間（終了年度）"),
    "foundation": FieldLabel("21財団への補助・委託", sheet="21財団への補助・委託", diff="21財団への補助・委託"),
    "emergency": FieldLabel("緊急雇用", sheet="緊急雇用", diff="緊急雇用"),
    "new_listing": FieldLabel("新規事業一覧への掲載", sheet="新規事業一覧への掲載", diff="新規事業一覧への掲載"),
    "new_summary": FieldLabel("新規事業の概要", sheet="新規事業の概要", diff="新規事業の概要"),
    "reprint_rows": FieldLabel("再掲先", sheet="再掲先", diff="再掲先"),
    "narrative": FieldLabel("説明文"),
}
FIELD_LABELS: dict[str, str] = {name: label.problem for name, label in FIELDS.items()}


SEVERITY_LABELS = {"error": "エラー", "warning": "警告"}


def catalogue_markdown() -> str:
    """docs/errors.md: every issue code with its severity and message template (generated; do not edit)."""
    lines = [
        "# エラー・警告の一覧（reportkit validate）",
        "",
        "<!-- Generated by reportkit.issues.catalogue_markdown(); do not edit by hand. -->",
        "<!-- Regenerate: python -c \"import reportkit.issues as i; open('docs/errors.md','w',encoding='utf-8').write(i.catalogue_markdown())\" -->",
        "",
        "`{label}` は欄の名前、`{detail}` は入力値など、`{expected}` は正しい値などに置き換わります。",
        "エラーがあるカードは報告書を作れません。警告は確認を促すもので、報告書は作れます。",
        "",
        "| code | 種別 | 内容 | メッセージ |",
        "|---|---|---|---|",
    ]
    for code, (severity, title, template) in CATALOGUE.items():
        lines.append(f"| `{code.value}` | {SEVERITY_LABELS[severity]} | {title} | {template.replace('|', '&#124;')} |")
    lines += ["", "## 欄の名前（field）", "", "| field | 表示名 |", "|---|---|"]
    lines += [f"| `{name}` | {label} |" for name, label in FIELD_LABELS.items()]
    return "\n".join(lines) + "\n"
