"""The SQLite file settings (orgwork/settings.py): a database created from now on gets 8 KiB pages and WAL; an existing
file keeps the page size it was made with and works as before."""

import sqlite3

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connections["default"].vendor != "sqlite", reason="SQLite's file settings")


def _open(path):
    return DatabaseWrapper({**connections["default"].settings_dict, "NAME": str(path)}, alias="probe")


def _pragmas(wrapper):
    with wrapper.cursor() as cur:
        cur.execute("PRAGMA page_size")
        page = cur.fetchone()[0]
        cur.execute("PRAGMA journal_mode")
        return page, cur.fetchone()[0]


@pytest.fixture(autouse=True)
def _files_of_our_own(django_db_blocker):
    with django_db_blocker.unblock():  # files of this test's own, not the test database
        yield


def test_a_new_database_file_has_8_kib_pages_in_wal_mode(tmp_path):
    wrapper = _open(tmp_path / "new.sqlite3")
    try:
        with wrapper.cursor() as cur:
            cur.execute("CREATE TABLE t (x)")
            cur.execute("INSERT INTO t VALUES (1)")
        assert _pragmas(wrapper) == (8192, "wal")
    finally:
        wrapper.close()


def test_an_existing_file_keeps_its_page_size(tmp_path):
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA page_size = 4096")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("CREATE TABLE t (x)")
    raw.execute("INSERT INTO t VALUES (1)")
    raw.commit()
    raw.close()
    wrapper = _open(path)
    try:
        assert _pragmas(wrapper) == (4096, "wal")
        with wrapper.cursor() as cur:
            cur.execute("INSERT INTO t VALUES (2)")
            cur.execute("SELECT count(*) FROM t")
            assert cur.fetchone()[0] == 2
    finally:
        wrapper.close()
