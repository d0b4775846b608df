"""The one root of the exceptions that mean "cannot continue"."""

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

    def __init__(self, message: str, issues: list | None = None, files: list[str] | None = None, report=None):
        super().__init__(message)
        self.report = report  # the ValidationReport, when the whole folder was checked
        self.issues = issues if issues is not None else (report.issues if report is not None else [])
        self.files = files if files is not None else (report.file_names if report is not None else [])


class OutputError(ReportkitError):
    """An output could not be written."""
