"""Validation problems as records: a stable code, a severity, a position and a Japanese message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning"]

# code -> (severity, message template). Messages are for department clerks: say what is wrong
# and what to do. Templates take the Issue's ``params``.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # files
    "not-xlsx": ("error", "Excel ブック（.xlsx）ではありません。Excel で開き「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。"),
    "old-xls": ("error", "古い形式（.xls）のブックは読めません。Excel で開き「Excel ブック (*.xlsx)」形式で保存し直してください。"),
    "ods-workbook": ("error", "OpenDocument 形式（{detail}）のブックは読めません。Excel か LibreOffice Calc で開き「Excel ブック (*.xlsx)」形式で保存し直してください。"),
    "not-a-card-file": ("warning", "事業カードのブック（.xlsx）ではないため読みませんでした（{detail}）。カードなら Excel ブック（.xlsx）で保存し直し、不要なファイルならカードのフォルダから移してください。"),
    "encrypted": ("error", "パスワードで保護（暗号化）されたブックは読めません。パスワードを解除して保存し直してください。"),
    "corrupt-file": ("error", "ファイルが壊れているため読めません（{detail}）。元のファイルから作り直してください。"),
    "too-large": ("error", "ファイルが大きすぎるため読みません（{detail}）。様式に不要なデータが入っていないか確認してください。"),
    "unreadable-file": ("error", "ファイルを開けません（{detail}）。ほかのプログラムで開いていないか、アクセス権を確認してください。"),
    "macro-workbook": ("warning", "マクロ付きブック（.xlsm）です。マクロは実行せずに内容だけを読みました。"),
    "missing-card-sheet": ("error", "「事業カード」シートがありません。シート名を変更した場合は「事業カード」に戻してください。"),
    "missing-name": ("error", "様式の名前付き範囲「{field}」がありません。様式を作り直すか、事務局配布の様式に入力し直してください。"),
    "broken-name": ("error", "名前付き範囲「{field}」の参照先が「事業カード」シートにありません（{detail}）。事務局配布の様式に入力し直してください。"),
    "bad-version": ("error", "様式の版が違います（{detail}）。事務局が配布した最新の様式を使ってください。"),
    "formula-without-value": ("error", "数式の計算結果が保存されていません。Excel で開いて再計算してから保存するか、数式を値に置き換えてください。"),
    "external-link": ("warning", "外部ファイルへのリンクがあります。リンクはたどらず、保存されている値だけを読みました。"),
    "unmapped-content": ("warning", "入力欄の外に入力された内容は報告書に載りません（「{detail}」）。必要なら該当する入力欄に移してください。"),
    "row-below-table": ("error", "表の下に入力された行は読み取られません（「{detail}」）。表の途中に行を挿入して、表の中に入力してください。"),
    "merged-input": ("warning", "入力欄に結合セルがあります。結合を解除して、１つのセルに入力してください。"),
    "hidden-content": ("warning", "非表示の行または列に入力があります（「{detail}」）。表示して内容を確認してください。"),
    "text-too-long": ("error", "文字数が多すぎます（{detail}文字）。内容を要約してください。"),
    "control-characters": ("warning", "表示できない制御文字が含まれていたため取り除きました。"),
    "formula-text": ("warning", "「=」などで始まる数式のような文字があります（「{detail}」）。報告書には文字として載ります。意図した内容か確認してください。"),
    "unsafe-xml": ("error", "ブックの部品（{detail}）に安全でない XML の定義（DOCTYPE・エンティティ）があるため読みません。Excel で開いて「Excel ブック (*.xlsx)」形式で保存し直してください。"),
    "duplicate-card-sheet": ("error", "「事業カード」という名前のシートが複数あります。１つにまとめ、不要なシートを削除してください。"),
    "drawing-ignored": ("warning", "「事業カード」シートの図・画像・グラフは報告書に載りません。必要な内容は入力欄に文字で入力してください。"),
    "unmapped-content-more": ("warning", "入力欄の外にほかにも {detail} 個のセルに入力があります（このセルから）。報告書には載りません。不要なら削除してください。"),
    # values
    "missing-value": ("error", "{label}が入力されていません。"),
    "not-a-number": ("error", "{label}は数値で入力してください（入力値「{detail}」）。"),
    "negative-amount": ("error", "{label}にマイナスの値は入力できません（入力値「{detail}」）。"),
    "fractional-amount": ("error", "{label}は千円単位の整数で入力してください（入力値「{detail}」）。"),
    "amount-in-yen": ("error", "{label}が円単位で入力されています（入力値「{detail}」）。千円単位で入力してください（例: {detail} → {expected}）。"),
    "bad-year": ("error", "{label}の年度が読み取れません（入力値「{detail}」）。「平成25年度」「H25」「2013」のように入力してください。"),
    "date-for-year": ("error", "{label}に日付が入力されています（{detail}）。年度を「平成25年度」「H25」「2013」のように入力してください。"),
    "year-out-of-range": ("error", "{label}の年度が範囲外です（入力値「{detail}」）。"),
    "bad-mark": ("error", "{label}には {detail} のいずれかを入力してください。"),
    "bad-project-id": ("error", "管理番号「{detail}」が不正です。半角英数字・「-」「_」で32文字以内にしてください（通常は変更不要です）。"),
    "unknown-policy": ("error", "基本方針「{detail}」がありません。一覧から選んでください。"),
    "unknown-measure": ("error", "施策「{detail}」は基本方針{policy}の施策にありません。一覧から選んでください。"),
    "unknown-division": ("error", "担当課「{detail}」は設定ファイルの担当課一覧にありません。一覧から選んでください。"),
    "bad-row-kind": ("error", "種別「{detail}」は使えません。空欄、「内訳」、「計」、「見出し」のいずれかにしてください。"),
    "bad-free-kind": ("error", "自由形式の種別「{detail}」は使えません。「見出し」「文」「表頭」「表」のいずれかにしてください。"),
    # rules
    "stale-fiscal-year": ("error", "報告年度が{detail}になっています。今年度（{expected}）の内容に更新して、報告年度を{expected}にしてください（前年度のファイルを送っていませんか）。"),
    "period-reversed": ("error", "事業期間の開始年度（{detail}）が終了年度（{expected}）より後になっています。"),
    "period-in-future": ("error", "事業期間の開始年度（{detail}）が報告年度（{expected}）より後になっています。"),
    "cost-note-mismatch": ("error", "内訳に書かれた金額の合計（{detail}千円）が事業費（{expected}）と一致しません。内訳か事業費を直してください。"),
    "total-row-mismatch": ("error", "「計」の行の値（{detail}）が、上の行の合計（{expected}）と一致しません。"),
    "free-row-order": ("error", "「表」の行の前に「表頭」の行が必要です。"),
    "heading-row-has-value": ("warning", "種別「見出し」の行に値が入っています（「{detail}」）。見出し行は値なしで印刷されます。"),
    "row-without-item": ("error", "項目名がない行に値が入っています（「{detail}」）。項目名を入力してください。"),
    "row-without-value": ("error", "項目「{detail}」の値（件数・金額など）が入力されていません。値を入力してください（値のない見出しの行なら、種別を「見出し」にしてください）。"),
    "free-row-without-value": ("error", "自由形式の「{detail}」の行に内容が入力されていません。内容を入力するか、不要なら行を削除してください。"),
    "history-incomplete": ("error", "事業の経緯の行に年度がありません。年度（例：平成22年度）を入力してください。"),
    "history-without-event": ("warning", "事業の経緯の行に事項（制度創設、事業名変更など）がありません。必要なら入力してください。"),
    "history-after-report": ("error", "事業の経緯の年度（{detail}）が報告年度（{expected}）より後になっています。"),
    "rename-without-former-name": ("warning", "事業名変更の行に旧事業名がありません。旧事業名を入力してください。"),
    "unknown-reprint-policy": ("error", "再掲先の基本方針「{detail}」がありません。"),
    "reprint-to-home": ("error", "再掲先に自分の基本方針（{detail}）は指定できません。この行を消すか、別の基本方針を選んでください。"),
    "duplicate-reprint": ("warning", "再掲先が重複しています（{detail}）。重複した行を消してください。"),
    "summary-required": ("error", "新規事業一覧に「◎」で掲載する場合は、新規事業の概要を入力してください。"),
    "duplicate-project-id": ("error", "管理番号「{detail}」が別のファイル（{other}）と重複しています。同じ事業のファイルが２つないか確認してください。"),
    "duplicate-project-name": ("error", "事業名「{detail}」が別のファイル（{other}）と重複しています。同じ事業のファイルが２つないか確認してください。"),
    "stale-year-text": ("warning", "前年度を指す「{detail}」が書かれています。{expected}の内容に更新したか確認してください（前年度と比べて書いている場合などは、そのままで構いません）。"),
    "card-too-long": ("warning", "カードが１ページ（約{limit}行）に収まらない見込みです（全体で約{expected}行、うち{detail}）。{field_label}を短くしてください。"),
    # narratives (narratives/*.md.j2, *.md): {line} is "3 行目"
    "narrative-missing": ("error", "説明文のファイルがありません。前年度の narratives フォルダからコピーするか、作成してください。"),
    "narrative-encoding": ("error", "{line}の文字が読めません。文字コードを UTF-8 にして保存し直してください。"),
    "narrative-syntax": ("error", "{line}の差し込みの書き方に誤りがあります。二重の波括弧や if・for の指定が閉じているか、全角と半角が混ざっていないか確認してください。"),
    "narrative-unknown-placeholder": ("error", "{line}の差し込み項目「{detail}」はありません。つづりを確認してください（使える項目：{expected}）。"),
    "narrative-unknown-filter": ("error", "{line}の書式指定「{detail}」はありません。つづりを確認してください（使える書式指定：{expected}）。"),
    "narrative-bad-value": ("error", "{line}の差し込み項目に、その書式指定は使えません（例：year には nendo）。"),
    "narrative-full-width-braces": ("warning", "{line}の「{detail}」は全角の波括弧のため差し込まれず、そのまま印刷されます。差し込むには半角の波括弧にしてください。"),
    "narrative-placeholder-in-md": ("warning", "{line}の「{detail}」は差し込まれず、そのまま印刷されます。差し込みを使うには、ファイル名を .md.j2 にしてください。"),
}


class Issue(BaseModel):
    """One problem found in an input, at a position a clerk can find."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    code: str
    file: str
    sheet: str = ""
    cell: str = ""
    field: str = ""
    message: str

    def as_row(self) -> dict[str, str]:
        return self.model_dump()


def make_issue(code: str, file: str, *, sheet: str = "", cell: str = "", field: str = "",
               severity: Severity | None = None, **params: object) -> Issue:
    """An Issue with its message rendered from the catalogue."""
    default_severity, template = CATALOGUE[code]
    values = {"detail": "", "expected": "", "label": FIELD_LABELS.get(field, field), "field": field,
              "field_label": FIELD_LABELS.get(field, field), "policy": "", "other": "", "line": ""}
    values.update({k: v for k, v in params.items()})
    return Issue(severity=severity or default_severity, code=code, file=file, sheet=sheet, cell=cell,
                 field=field, message=template.format(**values))


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


FIELD_LABELS: dict[str, str] = {
    "rk_version": "様式の版",
    "project_id": "管理番号",
    "fiscal_year": "報告年度",
    "policy": "１ 基本方針",
    "measure": "施策",
    "project_name": "２ 事業名",
    "description": "３ 事業内容",
    "cost": "４ 事業費（千円）",
    "cost_note": "４ 事業費の内訳",
    "progress_caption": "表１の見出し",
    "outcome_caption": "表２の見出し",
    "progress_headers": "表１の列名",
    "outcome_headers": "表２の列名",
    "progress_rows": "５ 事業実施結果（表１）",
    "outcome_rows": "５ 事業実施結果（表２）",
    "results_free": "５ 事業実施結果（自由形式）",
    "history_rows": "６ 事業の経緯",
    "department": "７ 担当課",
    "group": "７ グループ",
    "priority": "重点",
    "key_result": "主要成果",
    "period_start": "事業期間（開始年度）",
    "period_end": "事業期間（終了年度）",
    "foundation": "21財団への補助・委託",
    "emergency": "緊急雇用",
    "new_listing": "新規事業一覧への掲載",
    "new_summary": "新規事業の概要",
    "reprint_rows": "再掲先",
    "narrative": "説明文",
}


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
        "| code | 種別 | メッセージ |",
        "|---|---|---|",
    ]
    for code, (severity, template) in CATALOGUE.items():
        lines.append(f"| `{code}` | {SEVERITY_LABELS[severity]} | {template.replace('|', '&#124;')} |")
    lines += ["", "## 欄の名前（field）", "", "| field | 表示名 |", "|---|---|"]
    lines += [f"| `{name}` | {label} |" for name, label in FIELD_LABELS.items()]
    return "\n".join(lines) + "\n"
