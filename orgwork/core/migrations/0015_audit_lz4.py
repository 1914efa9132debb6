"""PostgreSQL: the audit events' JSON columns compressed with LZ4 instead of pglz, where the server has it.

A file import writes one event carrying every row's digest (100,000 rows: 4.6 MB of JSON). pglz spent 0.15 s on it
and gave up (hex digits do not compress far enough for it); LZ4 writes it in 0.05 s at 3.6 MB. The setting is
per column and applies to what is written from now on. Existing partitions are set one by one (ALTER on the
partitioned table reaches only partitions created afterwards). SQLite, a server before 14 or one built without
LZ4: nothing changes.
"""

from django.db import migrations

TABLE = "core_auditevent"
COLUMNS = ("data", "changes")


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql" or conn.pg_version < 140000:
        return
    qn = schema_editor.quote_name
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
        if cur.fetchone() is None:
            return
        cur.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [TABLE])
        tables = [TABLE, *(r[0].strip('"') for r in cur.fetchall())]
        for table in tables:
            cur.execute(f"ALTER TABLE {qn(table)} " + ", ".join(f"ALTER COLUMN {qn(c)} SET COMPRESSION lz4" for c in COLUMNS))


class Migration(migrations.Migration):
    dependencies = [("core", "0014_top_org_tables")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
