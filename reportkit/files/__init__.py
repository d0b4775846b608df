"""Small file helpers with no knowledge of reports: atomic writes and staged folders (``atomic``),
reproducible zip packages (``zipnorm``), text that XML can hold (``textsafe``), the text of a CSV file
Excel may have written (``excel_text``: UTF-8 or cp932)."""
