"""The PostgreSQL backend's health check (orgwork/core/postgresql): no `SELECT 1` round trip while the socket is quiet
and the connection was used lately; the full check — and a reconnect — when the server has ended the session.
Runs on PostgreSQL only, against the real server (a session is ended with pg_terminate_backend)."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


class CountChecks:
    """Counts the full health checks (the real `is_usable`, a `SELECT 1` on the server) — it still runs."""

    def __init__(self, conn):
        self.conn, self.n = conn, 0
        self.real = conn.is_usable

    def __enter__(self):
        def counted():
            self.n += 1
            return self.real()

        self.conn.is_usable = counted
        return self

    def __exit__(self, *exc):
        del self.conn.is_usable


def _pid():
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _new_request():
    """What Django does between two requests on a persistent connection (request_finished / request_started)."""
    connection.close_if_unusable_or_obsolete()


def _terminate(pid):
    sd = connection.settings_dict
    with psycopg.connect(host=sd["HOST"] or None, port=sd["PORT"] or None, user=sd["USER"], password=sd["PASSWORD"] or None, dbname=sd["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # the server process is gone once it is no longer listed
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.02)


@pytest.fixture
def health_checks(settings):
    assert connection.settings_dict["ENGINE"] == "orgwork.core.postgresql"
    old = connection.health_check_enabled
    connection.health_check_enabled = True
    yield
    connection.health_check_enabled = old


def test_a_connection_used_lately_is_not_pinged(health_checks):
    pid = _pid()
    with CountChecks(connection) as checks:
        for _ in range(3):
            _new_request()
            assert _pid() == pid
    assert checks.n == 0


def test_a_session_ended_by_the_server_is_noticed_and_replaced(health_checks):
    pid = _pid()
    _terminate(pid)
    _new_request()
    with CountChecks(connection) as checks:
        new_pid = _pid()  # no error: the dead connection was found and a new one opened
    assert checks.n == 1
    assert new_pid != pid


def test_an_idle_connection_gets_the_full_check(health_checks, monkeypatch):
    pid = _pid()
    monkeypatch.setenv("HEALTH_CHECK_IDLE_SECONDS", "0")
    _new_request()
    with CountChecks(connection) as checks:
        assert _pid() == pid
    assert checks.n == 1


def test_after_a_database_error_the_full_check_runs(health_checks):
    from django.db import DatabaseError

    _pid()
    with pytest.raises(DatabaseError):
        with connection.cursor() as cur:
            cur.execute("SELECT * FROM no_such_table_here")
    assert connection.errors_occurred
    connection.rollback() if not connection.get_autocommit() else None
    with CountChecks(connection) as checks:
        _new_request()  # Django itself pings a connection that had an error (and clears the flag)
        _pid()
    assert checks.n == 1
