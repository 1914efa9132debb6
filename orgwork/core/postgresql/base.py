"""Django's PostgreSQL backend with a health check that costs no round trip while the connection is known alive.

Django's `CONN_HEALTH_CHECKS` sends `SELECT 1` before the first query of every request on a persistent connection:
a whole round trip (on a busy 2-core machine a wake-up of the server process, most of a small request's time) to
learn that a connection used a moment ago still works.

This backend looks at the socket first. When PostgreSQL ends a session — a server restart or shutdown, an
administrator's `pg_terminate_backend`, an idle-session timeout — it sends a FATAL message and closes the socket, so
an idle connection whose socket has something to read (or has been closed) is suspect: then the full check runs
(`SELECT 1`, closed and reconnected on failure) exactly as Django does it. A socket with nothing to read, on a
connection that had no database error since it was last checked and was used within `HEALTH_CHECK_IDLE_SECONDS`
(default 30), is taken as alive without a round trip. Past that idle time the full check runs again, for the faults
that send nothing (a firewall or NAT dropping an idle flow, the server's host lost).

What this does not catch that `SELECT 1` would: a connection broken within the idle window without a word from the
server (host power loss, a cable) — where `SELECT 1` itself would wait for the TCP timeout before failing.
"""

from __future__ import annotations

import os
import select
import time

from django.db.backends.postgresql.base import DatabaseWrapper as _Base


def idle_limit() -> float:
    return float(os.environ.get("HEALTH_CHECK_IDLE_SECONDS", "30"))


class DatabaseWrapper(_Base):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._used_at = 0.0  # monotonic time a cursor was last opened on this connection (0: never)

    def connect(self):
        super().connect()
        self._used_at = time.monotonic()

    def _socket_quiet(self) -> bool:
        """Nothing to read on the connection's socket: the server has not spoken nor hung up since the last reply."""
        try:
            fd = self.connection.pgconn.socket
        except Exception:  # closed or broken at the driver
            return False
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN | select.POLLPRI)
            return not poller.poll(0)  # POLLIN: a message or end of stream; POLLERR/POLLHUP/POLLNVAL are reported too
        except (OSError, ValueError):
            return False

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if (
            not self.errors_occurred
            and self._used_at
            and time.monotonic() - self._used_at < idle_limit()
            and not self.connection.closed
            and self._socket_quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name=None):
        cursor = super()._cursor(name)  # runs the health check first (close_if_health_check_failed)
        self._used_at = time.monotonic()  # a query follows; if it fails, errors_occurred forces the full check
        return cursor
