"""Names of the styles of templates/reference.docx that the render package uses."""

HEADING = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
SUBHEADING = "Heading 4"  # narrative sub-headings; in the navigation pane, not in the TOC
TOC = {1: "TOC 1", 2: "TOC 2", 3: "TOC 3"}
TOC_TITLE = "目次見出し"
COVER_YEAR, COVER_TITLE, COVER_PUBLISHER = "表紙年度", "表紙題名", "表紙発行"
BODY = "本文"
BULLET = "箇条書き"
CAPTION = "図表題"
SOURCE = "資料"
NOTE = "注記"
FIGURE = "図"
TABLE_TEXT, TABLE_NUMBER, TABLE_HEADER = "表文字", "表数値", "表見出し"
FIGURES = "表数値小"  # the multi-year table (8 pt): eight-digit amounts in narrow columns
LIST_TEXT, LIST_NUMBER, LIST_CENTER, LIST_HEADER, LIST_POLICY = (
    "一覧表文字", "一覧表数値", "一覧表中央", "一覧表見出し", "一覧表基本方針")
NEW_ENTRY, NEW_SUMMARY = "新規事業", "新規事業概要"
CARD_HEADER, CARD_LABEL, CARD_TEXT, CARD_PARAGRAPH, CARD_AMOUNT = (
    "カード見出し", "カード項目", "カード本文", "カード文章", "カード金額")
CARD_CAPTION, CARD_CELL, CARD_CELL_INNER, CARD_CELL_HEADER = (
    "カード表題", "カード表文字", "カード表内訳", "カード表見出し")
CARD_HISTORY, CARD_HISTORY_REASON = "カード経緯", "カード経緯理由"
SECTION_BREAK = "区切り"
FOOTER = "Footer"
HEADER = "Header"
TABLE = "Table Grid"
LIST_TABLE = TABLE  # the list table: bordered grid; its look comes from the 一覧表* paragraph styles
