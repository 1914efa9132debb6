"""How the counter documents are stored (docs/scaling.md, the import's third pass)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_counter_documents_are_compressed_with_lz4_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL column setting")
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
        if cur.fetchone() is None:
            pytest.skip("this PostgreSQL is built without lz4: the migration leaves the columns as they are")
        cur.execute("SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'stats_orgstats'::regclass AND attname IN ('own', 'total') ORDER BY attname")
        assert cur.fetchall() == [("own", "l"), ("total", "l")]
