"""Shared pytest fixtures."""

from __future__ import annotations

import os
import pytest

# --- workbook/validation fixtures -------------------------------------------------------------
# config (session), clean_card (session, do not modify), card_folder: defined in builders.py.
from builders import card_folder, clean_card, config  # noqa: E402,F401


# --- LibreOffice ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice; skips when it is missing, except on CI (CI=true), where that is a failure."""
    from reportkit.pages import find_soffice

    path = find_soffice()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is required on CI but was not found")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path
