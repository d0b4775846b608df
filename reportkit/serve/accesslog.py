"""The access log, ``DIR/.reportkit/access.log``: one line per request, bounded.

Each field is escaped (no field can start a line or forge another) and cut to ``MAX_FIELD_CHARS``;
past ``MAX_LOG_BYTES`` the file is renamed ``access.log.1`` (the one before it dropped) and a new
one begun, so requests from anyone, logged in or not, keep at most twice that on disk. The log
lies in the state folder, owner-only, which card scans, rollover and the pages never touch.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from .private import append_private

LOG_FILE = "access.log"
OLD_LOG_FILE = "access.log.1"
MAX_FIELD_CHARS = 300  # a path, a division's name: a request line of 200 KB is not kept whole
MAX_LOG_BYTES = 5 * 1024 * 1024  # the current log; with the one before it at most 10 MB

_LOG_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_LOG_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\\\u2028\u2029]")


def log_field(value: str) -> str:
    """``value`` cut to MAX_FIELD_CHARS (``…`` and the length left out), backslashes, tabs, line breaks
    and other control characters written as escapes."""
    if len(value) > MAX_FIELD_CHARS:
        value = f"{value[:MAX_FIELD_CHARS]}…(+{len(value) - MAX_FIELD_CHARS})"
    return _LOG_UNSAFE.sub(_escape, value)


def _escape(match: re.Match) -> str:
    char = match.group()
    return _LOG_ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


class AccessLog:
    """Appends lines to the log, turning it over when it passes ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int = MAX_LOG_BYTES) -> None:
        self.path = Path(folder) / LOG_FILE
        self.old = Path(folder) / OLD_LOG_FILE
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def write(self, fields: list[str]) -> None:
        """One line: the fields tab-separated, each escaped and cut."""
        line = "\t".join(log_field(field) for field in fields) + "\n"
        with self._lock:
            try:
                size = self.path.stat().st_size
            except OSError:
                size = 0
            if size and size + len(line.encode("utf-8")) > self.max_bytes:
                os.replace(self.path, self.old)
            append_private(self.path, line)
