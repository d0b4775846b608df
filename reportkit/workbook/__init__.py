"""Card workbooks: the layout contract, the template writer and the reader."""
