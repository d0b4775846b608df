"""The projects the secretariat recorded as abolished (事業廃止) this year: ``abolished.json`` of an input folder.

A project abolished before its 事業期間 ends sends no card. ``reportkit abolish`` and the desk record it
(``collect.abolish``, which keeps every earlier version of the file); here the record is modelled and
read, below ``validate`` (which leaves an abolished project's workbook out of the report and of its
checks), ``collect`` (status shows it as 廃止, a draft has no page for it) and ``yoy`` (diff names it).
The file belongs to its year: rollover does not carry it, and the abolished project's card is not rolled.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import InputFileError




class AbolishedProject(BaseModel):
    project_id: str
    name: str
    division: str
    reason: str
    recorded: datetime  # when it was recorded (local time, to the second)
    by: str = ""  # who recorded it: 事務局 (the desk) or the command line


class AbolishedRecord(BaseModel):
    projects: list[AbolishedProject] = []

    def ids(self) -> set[str]:
        return {p.project_id for p in self.projects}

    def get(self, project_id: str) -> AbolishedProject | None:
        return next((p for p in self.projects if p.project_id == project_id), None)


def read_abolished(path: Path) -> AbolishedRecord:
    """The record in ``path`` (an input folder's abolished.json); empty without the file, InputFileError when broken."""
    path = Path(path)
    if not path.is_file():
        return AbolishedRecord()
    try:
        return AbolishedRecord.model_validate(json.loads(path.read_bytes().decode("utf-8-sig")))
    except (UnicodeDecodeError, ValueError, ValidationError) as exc:
        raise InputFileError(f"廃止した事業の記録 {path} を読めません。archive/abolished/ にある前の版に戻すか、"
                             "ファイルを削除してから reportkit abolish で記録し直してください。") from exc
