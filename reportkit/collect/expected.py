"""The projects a collection round expects: ``expected.json`` in a rolled folder, or a ``report.json``.

``expected.json`` is written by ``reportkit rollover``: last year's projects (管理番号, 事業名,
担当課, 事業費, 基本方針, 施策, 再掲, the prefilled workbook's file name and digest) in last year's
report order, as the new year's checklist and the order the new report keeps (``project_order``).
A workbook still byte for byte as rollover wrote it has not come back yet: it counts as missing.
A project whose 事業期間 ended with last year (``period_end``) and whose workbook the secretariat
deleted, as rollover's notice says, has ended: it is no longer expected. Files written before
policy, measure and reprints were recorded still read (those fields empty); a draft then cannot
place a project whose workbook is gone.

The record itself (ExpectedProject, ExpectedRecord, its reading) is ``expected_record``'s, below
``validate``; a build reads the folder's file once with the year's inputs (``year_inputs``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import ExpectedError
from ..inputs.expected_record import YEAR_FLAGS, ExpectedProject, ExpectedRecord, missing_message, parse_record
from ..files.atomic import write_text_atomic
from ..inputs.input_folder import InputFolder
from ..workbook.fingerprint import untouched
from ..workbook.reader import read_workbook

__all__ = ["YEAR_FLAGS", "ExpectedProject", "ExpectedRecord", "Prefilled", "file_digest", "load_expected",
           "write_expected"]


def write_expected(path: Path, record: ExpectedRecord) -> None:
    data = record.model_dump(mode="json", exclude={"source"})
    write_text_atomic(Path(path), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def load_expected(folder: Path, expected_file: Path | None = None) -> ExpectedRecord:
    """The record ``expected_file`` (an expected.json, a report.json or the secretariat's list .csv), else
    ``folder/expected.json``, else ``folder/expected.csv``."""
    path = Path(expected_file) if expected_file is not None else InputFolder(folder).expected_source
    if not path.is_file():
        if expected_file is None:
            raise ExpectedError(missing_message(path))
        raise ExpectedError(f"提出予定の事業の一覧 {path} が見つかりません。")
    return parse_record(path, path.read_bytes())


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Prefilled:
    """The workbooks rollover prefilled, by 管理番号 (``record``: expected.json, or None): one still so is not returned."""

    def __init__(self, record: ExpectedRecord | None) -> None:
        self._digests = {p.project_id: p.sha256 for p in record.projects if p.sha256} if record else {}
        self._expected = {p.project_id for p in record.projects} if record else set()

    def as_written(self, project_id: str, path: Path) -> bool:
        """``path`` is byte for byte the workbook rollover wrote for ``project_id``."""
        digest = self._digests.get(project_id)
        return digest is not None and file_digest(path) == digest

    def untouched(self, project_id: str, path: Path) -> bool:
        """``path`` is the workbook rollover prefilled for ``project_id``, nothing typed in it: byte for byte the
        file it wrote, or a copy Excel saved again or a mail carried back that holds the values it wrote (its
        fingerprint, ``workbook.fingerprint``: accept skips such a card, and status and drafts count it 未提出)."""
        if self.as_written(project_id, path):
            return True
        if project_id not in self._expected:
            return False
        raw = read_workbook(path)
        held = raw.values.get("project_id")
        return untouched(raw) == "prefilled" and held is not None and str(held.value).strip() == project_id
