"""waitress with a total deadline per request: a client that trickles its request is cut off.

waitress closes a connection only after ``channel_timeout`` seconds without any bytes, so a client
sending one byte every few seconds could hold a connection (and its buffer) for ever. Here each
connection notes when the request it is reading began, and the server's periodic maintenance
closes the connection once that request is older than the deadline (pure Python, any platform).
"""

from __future__ import annotations

import time
import types

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

REQUEST_DEADLINE = 120  # seconds to send a whole request (20 MB at about 1.5 Mbit/s)
CLEANUP_INTERVAL = 1  # how often the server looks for connections past the deadline


class DeadlineChannel(HTTPChannel):
    """An HTTPChannel that notes since when it has been reading the current request."""

    reading_since: float | None = None
    _timed = None

    def received(self, data):
        result = super().received(data)
        if self.request is None:  # nothing half-read
            self.reading_since, self._timed = None, None
        elif self.request is not self._timed:  # a new request began in this data
            self.reading_since, self._timed = time.time(), self.request
        return result


def _maintenance(self, now):
    BaseWSGIServer.maintenance(self, now)
    cutoff = now - self.request_deadline
    for channel in list(self.active_channels.values()):
        since = getattr(channel, "reading_since", None)
        if since is not None and since < cutoff:
            channel.will_close = True  # the main loop closes it


def deadline_server(request_deadline: float = REQUEST_DEADLINE):
    """A ``_server`` factory for ``waitress.serve`` whose servers enforce ``request_deadline``."""

    def make(application, **kw):
        kw.setdefault("cleanup_interval", CLEANUP_INTERVAL)
        server = create_server(application, **kw)
        for each in [server, *getattr(server, "map", {}).values()]:
            if isinstance(each, BaseWSGIServer):
                each.channel_class = DeadlineChannel
                each.request_deadline = request_deadline
                each.maintenance = types.MethodType(_maintenance, each)
        return server

    return make
