"""Shared pytest fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

# The test session never reads or writes the user's own cache folder (validated cards, projects.xlsx):
# a fresh one per session, inherited by the subprocesses the tests start.
if os.environ.get("REPORTKIT_CACHE", "").lower() != "off":
    os.environ["REPORTKIT_CACHE"] = tempfile.mkdtemp(prefix="reportkit-test-cache-")

# --- workbook/validation fixtures -------------------------------------------------------------
# config (session), clean_card (session, do not modify), card_folder: defined in builders.py.
from builders import card_folder, clean_card, config  # noqa: E402,F401
# sample, rolled (session), round_ (session, copy before changing): the collection round, collect_helpers.py.
from collect_helpers import rolled, round_, sample  # noqa: E402,F401
# later_years (session): the sample rolled to 令和２年度; later_years_built (session, LibreOffice): its
# final year built. Defined in later_years_helpers.py, used by test_later_years and test_office_validity.
from later_years_helpers import later_years, later_years_built  # noqa: E402,F401


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


# --- LibreOffice ------------------------------------------------------------------------------

def required(found, missing: str):
    """``found`` when it is not None; else skip with ``missing`` — or fail, on CI (CI=true)."""
    if found is None:
        if _on_ci():
            pytest.fail(f"required on CI: {missing}")
        pytest.skip(missing)
    return found


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice; skips when it is missing, except on CI (CI=true), where that is a failure."""
    from reportkit.libreoffice.pages import find_soffice

    return required(find_soffice(), "LibreOffice (soffice) is not installed")


@pytest.fixture(scope="session")
def uno_interpreter(soffice) -> str:
    """An interpreter that imports LibreOffice's ``uno`` (Debian: python3-uno); skips, or fails on CI, without."""
    from reportkit.libreoffice.uno_helper import uno_python

    return required(uno_python(soffice), "no Python interpreter with LibreOffice's uno bridge (Debian: python3-uno)")


# --- Microsoft's Open XML SDK validator ---------------------------------------------------------

@pytest.fixture(scope="session")
def ooxml():
    """The Open XML SDK validator (tests/ooxml_validator.py), loaded once a session.

    Skips when the wheel with the .NET runtime or pythonnet is missing, except on CI (CI=true),
    where that is a failure: every file we write must be proven valid there.
    """
    from ooxml_validator import OoxmlValidator, ValidatorUnavailable

    try:
        return OoxmlValidator()
    except ValidatorUnavailable as exc:
        if _on_ci():
            pytest.fail(f"the Open XML SDK validator is required on CI: {exc}")
        pytest.skip(f"the Open XML SDK validator is not available: {exc}")


# --- the sample year, built once ----------------------------------------------------------------

@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """outputs of ``build_report(inputs, …, page_numbers=False)`` for the sample year (do not modify)."""
    from pathlib import Path

    from reportkit.report.build import build_report

    out = tmp_path_factory.mktemp("sample-build")
    result = build_report(Path(__file__).resolve().parents[1] / "inputs", out, page_numbers=False)
    return result, out


# --- the web desk (reportkit serve) --------------------------------------------------------------

@pytest.fixture(scope="session")
def serve_rolled(tmp_path_factory):
    """The sample rolled to 2014 once a session for the web tests (do not modify: copy it)."""
    from reportkit.yoy.rollover import rollover
    from yoy_helpers import INPUTS

    return rollover(INPUTS, 2014, tmp_path_factory.mktemp("serve") / "inputs2014").out_dir


@pytest.fixture(scope="session")
def chromedriver() -> str:
    """Debian's chromedriver; skips when chromium is missing, except on CI (CI=true), where that fails."""
    import shutil

    driver, browser = shutil.which("chromedriver") or "/usr/bin/chromedriver", shutil.which("chromium")
    try:
        import selenium  # noqa: F401
    except ImportError:
        browser = None
    if not (browser and os.path.exists(driver)):
        if _on_ci():
            pytest.fail("chromium, chromium-driver and selenium are required on CI for the browser test")
        pytest.skip("chromium / chromium-driver / selenium are not installed")
    return driver
