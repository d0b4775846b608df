"""Sessions the server can end: one record per login in ``DIR/.reportkit/sessions.json`` (owner-only).

The browser's signed cookie carries only a random session id; the record, filed under the id's
SHA-256, says who logged in, with which code and when. Each request looks its record up: a session
ends for good at logout, when its code is replaced (``reportkit access`` again) and ``LIFETIME``
after the login however much it is used. The records outlive a restart of the server. Each
principal (the secretariat, a division) keeps at most ``PER_PRINCIPAL`` records, its own oldest
dropped first: one principal's logins, however many, never end another's session (and the app
limits the logins per principal).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from pathlib import Path

from .access import AccessCodes, Principal, state_folder
from .private import write_private

SESSIONS_FILE = "sessions.json"
LIFETIME = 10 * 3600  # a working day: a login in the morning lasts into the evening, not to the next day
PER_PRINCIPAL = 50  # records kept per principal (its own oldest dropped first): a division's clerks on a few PCs each


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class Sessions:
    """The session records (re-read when the file changes, written whole on each change)."""

    def __init__(self, folder: Path, codes: AccessCodes) -> None:
        self.path = state_folder(folder) / SESSIONS_FILE
        self.codes = codes
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._records: dict[str, dict] = {}

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8")) if stamp else {}
        except (OSError, ValueError):
            data = {}  # unreadable: every session ends, nobody gets in by it
        records = data.get("sessions") if isinstance(data, dict) else None
        self._records = {k: v for k, v in records.items() if isinstance(v, dict)} if isinstance(records, dict) else {}
        self._stamp = stamp

    def _save(self, now: float) -> None:
        alive = sorted(((k, v) for k, v in self._records.items() if self._alive(v, now)), key=lambda kv: kv[1]["started"])
        by_principal: dict[tuple, list] = {}
        for key, record in alive:
            by_principal.setdefault((record.get("role"), record.get("division")), []).append((key, record))
        kept = [item for items in by_principal.values() for item in items[-PER_PRINCIPAL:]]
        self._records = dict(sorted(kept, key=lambda kv: kv[1]["started"]))
        write_private(self.path, json.dumps({"sessions": self._records}, ensure_ascii=False, indent=1) + "\n")
        self._stamp = None  # re-read our own write once: its stamp is then known

    @staticmethod
    def _alive(record: dict, now: float) -> bool:
        started = record.get("started")
        return isinstance(started, (int, float)) and started <= now < started + LIFETIME

    def open(self, principal: Principal) -> str:
        """A new session for ``principal`` (proved by a code just now); returns its id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._refresh()
            self._records[_key(session_id)] = {"role": principal.role, "division": principal.division,
                                               "code": principal.code_id, "started": int(now)}
            self._save(now)
        return session_id

    def principal(self, session_id: str) -> Principal | None:
        """Who the session is (None when it has ended or never was)."""
        if not session_id or not isinstance(session_id, str):
            return None
        now = time.time()
        with self._lock:
            self._refresh()
            key = _key(session_id)
            record = self._records.get(key)
            if record is None:
                return None
            if not self._alive(record, now) or not self.codes.current(str(record.get("code", ""))):
                del self._records[key]
                self._save(now)
                return None
        return Principal(role=str(record.get("role", "division")), division=str(record.get("division", "")),
                         code_id=str(record.get("code", "")))

    def end(self, session_id: str) -> None:
        """Logout: the session's record is removed."""
        if not session_id or not isinstance(session_id, str):
            return
        with self._lock:
            self._refresh()
            if self._records.pop(_key(session_id), None) is not None:
                self._save(time.time())
