"""A wheel install works as the editable one: it carries its templates and builds the same report."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_wheel_carries_its_data_and_builds_the_same_bytes(tmp_path, sample_build):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("reportkit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reportkit/templates/reference.docx" in names  # from the top-level templates/ (setup.py)
    with zipfile.ZipFile(wheel) as package:
        assert package.read("reportkit/templates/reference.docx") == (ROOT / "templates" / "reference.docx").read_bytes()
    assert {"reportkit/py.typed", "reportkit/serve/templates/base.html"} <= names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # run from the installed copy only: not from the source tree (the cwd, PYTHONPATH) nor the editable finder
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(site), REPORTKIT_CACHE="off")
    where = subprocess.run([sys.executable, "-c", "import reportkit, sys; print(reportkit.__file__)"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    done = subprocess.run([sys.executable, "-m", "reportkit", "build", str(ROOT / "inputs"), "-o", str(tmp_path / "out"),
                           "--no-page-numbers"], env=env, cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    _, editable = sample_build
    for name in ("report.docx", "report.json", "projects.xlsx"):
        assert (tmp_path / "out" / name).read_bytes() == (editable / name).read_bytes(), name


def test_an_editable_install_reads_the_top_level_templates(tmp_path):
    """``pip install -e .``: the styles are the repository's templates/reference.docx, no copy in the package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", "-e", str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(python), "-m", "reportkit", "template", "--styles", str(tmp_path / "styles")], env=env,
                          cwd=tmp_path, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    where = subprocess.run([str(python), "-c", "import reportkit.render.styles as s; print(s.shipped_reference())"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()) == ROOT / "templates" / "reference.docx"
    assert (tmp_path / "styles" / "reference.docx").read_bytes() == (ROOT / "templates" / "reference.docx").read_bytes()
    assert not (ROOT / "reportkit" / "templates" / "reference.docx").exists()  # one copy: the top-level one
