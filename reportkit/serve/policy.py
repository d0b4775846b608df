"""What every answer of the desk carries, and which host names it answers to.

Headers: ``Cache-Control: no-store`` on everything (after ログアウト the browser keeps no copy of a
page or a download), a Content-Security-Policy that allows scripts only from the desk's own
``/static/`` files (no inline script; inline styles are allowed, they run nothing) and the
usual anti-framing and no-sniffing headers.

Host names: a page of another site that makes its own name resolve to this PC (DNS rebinding)
would be same-origin with the desk. The desk answers only to the names it was started for — the
``--host`` given, this PC's names, ``localhost`` — to any address written as an address (a
rebinding page cannot make the browser send one), and to names added with ``--allow-host``;
anything else gets 421.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARDS = ("", "0.0.0.0", "::")


def set_headers(headers) -> None:
    """Put HEADERS on a response's headers (Cache-Control replaced: a download's no-cache is not enough)."""
    for name, value in HEADERS.items():
        headers[name] = value


def host_name(host: str) -> str:
    """The name of a Host header, without its port, lower case, without a final dot (``[::1]:80`` → ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Hosts:
    """The host names the desk answers to."""

    def __init__(self, bound: str = "127.0.0.1", extra: Iterable[str] = ()) -> None:
        names = {*LOCAL_NAMES, *(host_name(name) for name in extra if name.strip())}
        if host_name(bound) not in _WILDCARDS:
            names.add(host_name(bound))
        for name in _this_pc():
            names.add(host_name(name))
        self.names = frozenset(names)

    def allows(self, host: str) -> bool:
        name = host_name(host)
        return bool(name) and (name in self.names or _is_address(name))


def _this_pc() -> list[str]:
    """This PC's names (its host name, short and fully qualified)."""
    names = []
    try:
        name = socket.gethostname()
        names += [name, name.split(".")[0], socket.getfqdn(name)]
    except OSError:
        pass
    return [n for n in names if n]
