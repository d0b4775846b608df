"""The ``reportkit`` command: the COMMANDS table and its entry point (``main.py``), the collection round's and the
web desk's commands, the Windows console window."""


def __getattr__(name: str):
    """``reportkit.cli:console``, the entry point an install made before the move names, imported when asked for."""
    if name == "console":
        from .main import console

        return console
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
