"""Small file helpers with no knowledge of reports: atomic writes and staged folders (``atomic``),
reproducible zip packages (``zipnorm``), text that XML can hold (``textsafe``), text files as Excel saves them (``excel_text``)."""
