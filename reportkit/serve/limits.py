"""How often codes may be tried: per address, per (address, division), across all addresses, per principal.

Every limiter keeps its counts in memory only (a restart forgets them) and for a bounded number
of keys: the keys idle longest are forgotten first, so addresses that tried once cannot grow the
server's memory. Across addresses, a budget of wrong codes a minute stops a guesser who spreads
over many addresses; while it is spent, only addresses where a right code was given before (the
owners at their own PCs) still have their codes checked.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

LOGIN_ATTEMPTS = 5  # failed logins allowed per (address, division) in LOGIN_WINDOW
ADDRESS_ATTEMPTS = 20  # wrong codes allowed per address in LOGIN_WINDOW, login form and bearer codes together
LOGIN_WINDOW = 10 * 60
GLOBAL_ATTEMPTS = 100  # wrong codes allowed from all addresses together in GLOBAL_WINDOW
GLOBAL_WINDOW = 60
PRINCIPAL_LOGINS = 30  # logins (right codes) allowed per principal in LOGIN_WINDOW
MOST_KEYS = 10_000  # keys a limiter remembers at the most (the longest idle forgotten first)
MOST_KNOWN = 1_000  # addresses remembered for having given a right code


class RateLimiter:
    """Events per key in a sliding window; ``blocked`` once a key has ``limit`` of them."""

    def __init__(self, limit: int, window: float, most_keys: int = MOST_KEYS) -> None:
        self.limit, self.window, self.most_keys = limit, window, most_keys
        self._events: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> int:
        times = self._events.get(key)
        if times is None:
            return 0
        while times and now - times[0] > self.window:
            times.popleft()
        if not times:
            del self._events[key]
        return len(times)

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(self._count(k, now) >= self.limit for k in keys)

    def fail(self, *keys: str) -> None:
        """Count one event for each of ``keys``."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._count(key, now)
                times = self._events.setdefault(key, deque(maxlen=self.limit))
                times.append(now)
                self._events.move_to_end(key)
            while len(self._events) > self.most_keys:
                self._events.popitem(last=False)

    def __len__(self) -> int:
        return len(self._events)


class CodeGuard:
    """Wrong codes per address and across all addresses; addresses that gave a right code are known."""

    def __init__(self) -> None:
        self.addresses = RateLimiter(ADDRESS_ATTEMPTS, LOGIN_WINDOW)
        self.everyone = RateLimiter(GLOBAL_ATTEMPTS, GLOBAL_WINDOW, most_keys=1)
        self._known: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        """Whether a code from ``address`` is refused unchecked."""
        if self.addresses.blocked(address):
            return True
        if not self.everyone.blocked("*"):
            return False
        with self._lock:
            return address not in self._known

    def fail(self, address: str) -> None:
        self.addresses.fail(address)
        self.everyone.fail("*")

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._known[address] = None
            self._known.move_to_end(address)
            while len(self._known) > MOST_KNOWN:
                self._known.popitem(last=False)
