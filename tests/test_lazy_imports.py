"""No build imports matplotlib or numpy (the charts are native Word charts); a warm build (cards and
projects.xlsx from the cache) imports no openpyxl or network code either; the caches never change an output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_ON_ANY_BUILD = ("numpy", "matplotlib", "PIL")
NOT_ON_A_WARM_BUILD = NOT_ON_ANY_BUILD + ("openpyxl", "http", "urllib.request", "xml.sax", "pypdf", "asyncio", "ssl")

_BUILD = """
import json, sys
from reportkit.cli.main import main
code = main(["build", sys.argv[1], "-o", sys.argv[2], "--no-page-numbers"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _build(out: Path, cache: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), REPORTKIT_CACHE=str(cache))
    done = subprocess.run([sys.executable, "-c", _BUILD, str(ROOT / "inputs"), str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_warm_build_imports_only_what_it_uses(tmp_path):
    cache = tmp_path / "cache"
    first = _build(tmp_path / "first", cache)
    assert first["code"] == 0
    for name in NOT_ON_ANY_BUILD:  # the first build, with an empty cache, draws the chart too
        assert name not in first["modules"], name
    warm = _build(tmp_path / "warm", cache)
    assert warm["code"] == 0
    loaded = set(warm["modules"])
    for name in NOT_ON_A_WARM_BUILD:
        assert name not in loaded, name
    for name in ("report.docx", "report.json", "projects.xlsx"):
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "first" / name).read_bytes(), name


def test_the_escape_is_saxutils_escape():
    from xml.sax.saxutils import escape as reference

    from reportkit.render.fast_table import escape

    for text in ["a & b < c > d", "\"'&amp;", "", "全角＆"]:
        assert escape(text) == reference(text)
