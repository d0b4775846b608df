"""Every exception class of reportkit: one root for "cannot continue", and the internal ones.

The modules that raise them import them from here; ``tests/test_errors_home.py`` checks no
other module defines an exception class.
"""

from __future__ import annotations


class ReportkitError(Exception):
    """A fatal problem, with a Japanese message meant for the user."""

    exit_code = 2


class ConfigError(ReportkitError):
    """The year's configuration is missing or broken."""


class InputFolderError(ReportkitError):
    """The input folder cannot be used (missing, not a folder, no workbooks)."""


class ValidationFailed(ReportkitError):
    """Inputs have validation errors, so nothing is built."""

    exit_code = 1

    def __init__(self, message: str, issues: list | None = None, files: list[str] | None = None, report=None,
                 refusal=None):
        super().__init__(message)
        self.report = report  # the ValidationReport, when the whole folder was checked
        self.refusal = refusal  # a refused build's collect.refusal.Refusal: what blocks it, first
        self.issues = issues if issues is not None else (report.issues if report is not None else [])
        self.files = files if files is not None else (report.file_names if report is not None else [])


class OutputError(ReportkitError):
    """An output could not be written."""


class OtherYearOutput(OutputError):
    """The output folder holds the report of another fiscal year: not replaced unless forced (exit 2).

    ``folder`` is the output folder, ``found`` the fiscal year of the report there, ``year`` the
    year being built (西暦).
    """

    def __init__(self, message: str, folder, found: int, year: int):
        super().__init__(message)
        self.folder, self.found, self.year = folder, found, year


class InputFileError(ReportkitError):
    """A data file of the input folder beside the cards (multi_year.csv, statistics/index.toml) cannot be
    read: the message names the file and, where it can, the line."""


class AccessError(ReportkitError):
    """The access file cannot be read or written, or a division is unknown (serve.access)."""


class NarrativeError(ReportkitError):
    """A narrative template is missing, malformed or uses an unknown placeholder.

    ``issue`` is the :class:`reportkit.issues.Issue` the message comes from, when there is one.
    """

    def __init__(self, message: str, issue=None):
        super().__init__(message)
        self.issue = issue


class AcceptError(ReportkitError):
    """A returned workbook cannot be filed (nothing was moved or copied)."""


class FolderBusy(ReportkitError):
    """Another process is changing the input folder (filing returns, recording an abolition): nothing was done."""


class FolderExists(ReportkitError):
    """Next year's input folder is there already: the desk's rollover writes nothing (409)."""


class NarrativeRefused(ReportkitError):
    """A narrative sent to the desk is no Word document the report can read: nothing replaced."""


class ExpectedError(ReportkitError):
    """No usable record of the expected projects."""


class PageNumberError(ReportkitError):
    """LibreOffice is missing or the conversion failed."""


# Internal: raised and caught inside reportkit, each turned into an Issue; never shown as such.

class ParseError(ValueError):
    """A value that cannot be read; ``code`` names the problem for the issue catalogue."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


class DTDForbidden(ValueError):
    """A part of an .xlsx declares a DTD (Office never writes one): refused before parsing."""


class TooMuchText(ValueError):
    """A sheet whose cells hold more text than the reader's bound (``chars``: the bound): refused as too-large."""

    def __init__(self, chars: int) -> None:
        super().__init__(f"more than {chars:,} characters of text in the cells of one sheet")
        self.chars = chars
