"""Every exception class of reportkit is defined in reportkit/errors.py, under one root or listed as internal."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from reportkit import errors

PACKAGE = Path(__file__).resolve().parents[1] / "reportkit"
# module → exception classes it still defines, with the reason.
NOT_YET_MOVED: dict[str, set[str]] = {}
INTERNAL = {"ParseError", "DTDForbidden", "TooMuchText"}  # caught inside reportkit and turned into Issues


def _exception_classes(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
            if any(name.endswith(("Error", "Exception", "Failed", "Unavailable", "Forbidden")) for name in bases):
                found.add(node.name)
    return found


def test_no_module_but_errors_defines_an_exception():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "errors.py":
            continue
        assert _exception_classes(path) <= NOT_YET_MOVED.get(relative, set()), relative


def test_every_exception_is_under_the_root_or_listed_internal():
    for name, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, BaseException) and cls.__module__ == errors.__name__:
            assert issubclass(cls, errors.ReportkitError) or name in INTERNAL, name
