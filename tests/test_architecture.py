"""docs/architecture.md is true: the imports of every module, read with ``ast``, keep to it."""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reportkit"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# third-party (or standard) module → where it may be imported: a package folder ends in "/".
HOMES = {
    "docx": ("render/",),
    "openpyxl": ("workbook/",),
    "subprocess": ("libreoffice/",),
    "pypdf": ("libreoffice/",),
    "python_redlines": (),  # nowhere: only tests/ooxml_validator.py uses its wheel (the .NET runtime)
}
# (module, module it may import outside its home, why) — each also named in docs/architecture.md.
HOME_EXCEPTIONS: dict[tuple[str, str], str] = {}
# Import loops between top-level modules that are known, with the reason (docs/architecture.md).
KNOWN_LOOPS: dict[frozenset, str] = {}


@functools.cache
def _modules() -> dict[str, Path]:
    """Every module as its path below reportkit/ (``yoy/compare.py``)."""
    return {p.relative_to(PACKAGE).as_posix(): p for p in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def _imports(relative: str, path: Path) -> frozenset[str]:
    """Absolute dotted names of everything the module imports, at any depth (lazy imports too)."""
    parts = ["reportkit", *relative[:-3].split("/")]
    package = parts[:-1]  # the package a relative import starts from (for __init__.py, its own)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                if node.module:
                    found.add(".".join([*base, node.module]))
                else:
                    found |= {".".join([*base, alias.name]) for alias in node.names}
            else:
                found.add(node.module or "")
    return frozenset(found)


# The stage packages: each of their modules is a unit of its own (``inputs.config``), as a top-level module was.
STAGES = ("inputs", "checks", "report", "cli")


def _dotted_unit(parts: list[str]) -> str:
    """The unit of a dotted name below reportkit: ``yoy.compare`` → ``yoy``, ``inputs.config.X`` → ``inputs.config``."""
    return ".".join(parts[:2]) if parts[0] in STAGES and len(parts) > 1 else parts[0]


def _unit(relative: str) -> str:
    """The unit a module belongs to: ``yoy/compare.py`` → ``yoy``, ``checks/cards.py`` → ``checks.cards``."""
    parts = relative[:-3].split("/")
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return _dotted_unit(parts)


def _reportkit_units(relative: str, path: Path) -> set[str]:
    return {_dotted_unit(name.split(".")[1:]) for name in _imports(relative, path)
            if name.startswith("reportkit.")} - {_unit(relative)}


@functools.cache
def _documented() -> dict[str, set[str]]:
    """The rows of docs/architecture.md's module table: module → the reportkit modules it may import."""
    rows = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\| `([\w/]+\.py)` \| [^|]+ \| ([^|]+) \|", line.strip())
        if match:
            rows[match.group(1)] = set(re.findall(r"`([\w.]+)`", match.group(2)))
    return rows


def test_every_module_is_in_docs_architecture_md_and_every_row_is_a_module():
    documented, modules = _documented(), _modules()
    assert sorted(set(modules) - set(documented)) == [], "add a row to docs/architecture.md"
    assert sorted(set(documented) - set(modules)) == [], "remove the row of a module that is gone"


@pytest.mark.parametrize("relative", sorted(_modules()))
def test_a_module_imports_only_what_its_row_allows(relative):
    allowed = _documented().get(relative, set())
    assert sorted(_reportkit_units(relative, _modules()[relative]) - allowed) == []


def _home_of(relative: str, library: str) -> bool:
    return any(relative.startswith(home) if home.endswith("/") else relative == home for home in HOMES[library])


def test_each_format_is_imported_only_in_its_home():
    outside = []
    for relative, path in _modules().items():
        for name in _imports(relative, path):
            library = name.split(".")[0]
            if library in HOMES and not _home_of(relative, library) and (relative, library) not in HOME_EXCEPTIONS:
                outside.append((relative, name))
    assert outside == []


def test_listed_exceptions_still_exist_and_are_documented():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for relative, library in HOME_EXCEPTIONS:
        assert any(name.split(".")[0] == library for name in _imports(relative, _modules()[relative])), \
            f"{relative} no longer imports {library}: remove the exception"
        assert f"`{relative}`" in text and library in text
    for loop in KNOWN_LOOPS:
        assert loop in _loops(), f"the loop {sorted(loop)} is gone: remove it from KNOWN_LOOPS and the doc"
        assert " ↔ ".join(f"`{unit}`" for unit in sorted(loop)) in text


def test_only_the_libreoffice_module_names_soffice():
    outside = []
    for relative, path in _modules().items():
        if relative.startswith("libreoffice/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "soffice" in node.value.lower() \
                    and "libreoffice" not in node.value.lower():
                outside.append(relative)
    assert outside == []


def test_the_uno_helper_runs_as_a_script_by_its_path_with_the_standard_library_only(tmp_path):
    """LibreOffice's own Python, which has no reportkit, runs libreoffice/uno_helper.py by its path:
    at its top level the file imports the standard library only, and it starts as a script."""
    from reportkit.libreoffice.uno_helper import _script_command

    path = PACKAGE / "libreoffice" / "uno_helper.py"
    top = [node for node in ast.parse(path.read_text(encoding="utf-8")).body
           if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = [alias.name for node in top if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module if not node.level else "." * node.level for node in top if isinstance(node, ast.ImportFrom)]
    assert [name for name in names if name.split(".")[0] not in sys.stdlib_module_names] == []
    command = _script_command(sys.executable, "--help")
    assert Path(command[2]) == path.resolve()
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0 and "layout" in done.stdout


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for relative, path in _modules().items():
        graph.setdefault(_unit(relative), set()).update(_reportkit_units(relative, path))
    return graph


def _loops() -> set[frozenset[str]]:
    """The strongly connected groups of two or more top-level modules (Tarjan)."""
    graph, index, low, stack, on_stack, groups = _graph(), {}, {}, [], set(), set()

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        on_stack.add(unit)
        for target in sorted(graph.get(unit, ())):
            if target not in index:
                visit(target)
                low[unit] = min(low[unit], low[target])
            elif target in on_stack:
                low[unit] = min(low[unit], index[target])
        if low[unit] == index[unit]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == unit:
                    break
            if len(group) > 1:
                groups.add(frozenset(group))

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return groups


def test_no_import_loops_between_top_level_modules():
    assert _loops() - set(KNOWN_LOOPS) == set()
