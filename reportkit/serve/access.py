"""Access codes: printed once, stored only as salted PBKDF2 hashes in ``DIR/.reportkit/access.json``.

A code reads ``<id>-<secret>``: the id finds its record (one hash to compute per check, also for an
id that has no record, so that the time taken does not tell which ids exist), the secret (about 80
random bits) is what proves it. A new code for a division replaces its earlier one (and ends the
sessions opened with it). ``DIR/.reportkit`` is never served; the file is owner-only (0600).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..inputs.config import load_config
from ..inputs.input_folder import InputFolder
from ..errors import AccessError
from .private import write_private

ACCESS_FILE = "access.json"
ITERATIONS = 120_000
SECRETARIAT = "事務局"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read aloud and typed


@dataclass(frozen=True)
class Principal:
    """Who a valid code belongs to: the secretariat (division "") or one division."""

    role: str  # "secretariat" | "division"
    division: str = ""
    code_id: str = field(default="", compare=False)  # the id of the code that proved it ("" when not by a code)

    @property
    def secretariat(self) -> bool:
        return self.role == "secretariat"

    @property
    def label(self) -> str:
        return SECRETARIAT if self.secretariat else self.division

    def may_see(self, division: str) -> bool:
        return self.secretariat or division == self.division


def state_folder(folder: Path) -> Path:
    return InputFolder(folder).state


def _hash(secret: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, ITERATIONS).hex()


def _load(folder: Path) -> dict:
    path = state_folder(folder) / ACCESS_FILE
    if not path.exists():
        return {"codes": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AccessError(f"アクセスコードのファイルを読めません: {path}（{exc}）") from exc
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise AccessError(f"アクセスコードのファイルの形式が正しくありません: {path}")
    return data


def new_code(folder: Path, *, division: str | None = None, secretariat: bool = False) -> str:
    """Make a code for ``division`` (or the secretariat), store its hash, return the code (shown once)."""
    folder = Path(folder)
    if secretariat == (division is not None):
        raise AccessError("--division か --secretariat のどちらか一方を指定してください。")
    if division is not None:
        config = load_config(folder)
        if division not in config.divisions:
            raise AccessError(f"担当課「{division}」は設定ファイル（config.toml）の担当課にありません。"
                              f"使える担当課: {'、'.join(config.divisions)}")
    return _new_codes(folder, [("secretariat", "")] if secretariat else [("division", division)])[0]


def new_division_codes(folder: Path) -> dict[str, str]:
    """A new code for every division of config.toml at once (each replacing its earlier one), in one
    write of the access file; division → code (shown once)."""
    divisions = load_config(Path(folder)).divisions
    return dict(zip(divisions, _new_codes(Path(folder), [("division", d) for d in divisions])))


def _new_codes(folder: Path, whose: list[tuple[str, str]]) -> list[str]:
    """Store a new code for each (role, division), replacing that principal's earlier one; the codes."""
    data = _load(folder)
    replaced = set(whose)
    codes = [c for c in data["codes"] if (c.get("role"), c.get("division", "")) not in replaced]
    used = {c.get("id") for c in codes}
    made = []
    for role, division in whose:
        code_id = _random(4)
        while code_id in used:
            code_id = _random(4)
        used.add(code_id)
        secret = _random(16)
        salt = secrets.token_bytes(16)
        codes.append({"id": code_id, "role": role, "division": division, "salt": salt.hex(),
                      "hash": _hash(secret, salt), "created": datetime.now().replace(microsecond=0).isoformat()})
        made.append(f"{code_id}-{secret}")
    data["codes"] = codes
    write_private(state_folder(folder) / ACCESS_FILE, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return made


_NO_SALT = secrets.token_bytes(16)  # hashed with for an id that has no record: the same work either way


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


class AccessCodes:
    """Checks codes against the access file (re-read when it changes, so new codes work at once)."""

    def __init__(self, folder: Path) -> None:
        self.path = state_folder(folder) / ACCESS_FILE
        self.folder = Path(folder)
        self._stamp: tuple[float, int] | None = None
        self._codes: dict[str, dict] = {}
        self._verified: dict[str, Principal] = {}  # sha256 of a code checked already -> principal

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)  # a replaced file is a new inode
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._codes = {c["id"]: c for c in _load(self.folder)["codes"] if isinstance(c, dict) and "id" in c}
            self._verified = {}
            self._stamp = stamp

    def check(self, code: str, division: str | None = None) -> Principal | None:
        """The principal of ``code`` (None when wrong); ``division`` given: the code must be that one's."""
        self._refresh()
        code = (code or "").strip()
        key = hashlib.sha256(code.encode("utf-8")).hexdigest()
        principal = self._verified.get(key)
        if principal is None:
            code_id, _, secret = code.partition("-")
            record = self._codes.get(code_id) or {}
            try:
                salt = bytes.fromhex(record["salt"])
            except (KeyError, TypeError, ValueError):
                record, salt = {}, _NO_SALT
            actual = _hash(secret, salt)  # known id or not, right or wrong: one hash
            if not record or not secret or not hmac.compare_digest(str(record.get("hash", "")), actual):
                return None
            principal = Principal(role=record.get("role", "division"), division=record.get("division", ""),
                                  code_id=code_id)
            self._verified[key] = principal
        if division is not None and not (principal.secretariat and division == SECRETARIAT) \
                and principal.division != division:
            return None
        return principal

    def current(self, code_id: str) -> bool:
        """Whether ``code_id`` is still a code (not replaced by a newer one for its division)."""
        self._refresh()
        return bool(code_id) and code_id in self._codes
