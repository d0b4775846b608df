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
    assert "reportkit/templates/reference.docx" in names
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
