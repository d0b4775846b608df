"""Card workbooks: the layout contract, the template writer and the reader."""

from __future__ import annotations

import sys

_NOT_FOR_OPENPYXL = ("numpy", "PIL")  # optional for openpyxl; reportkit passes it no numpy values, no images


def import_openpyxl() -> None:
    """Import openpyxl (on first use) without numpy and PIL, which it would load when installed (≈0.1 s).

    While openpyxl's own modules are first imported, the two are marked missing in ``sys.modules``,
    so openpyxl takes the branch it takes where they are not installed; a process that has already
    imported them keeps them.
    """
    if "openpyxl" in sys.modules:
        return
    blocked = [name for name in _NOT_FOR_OPENPYXL if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
