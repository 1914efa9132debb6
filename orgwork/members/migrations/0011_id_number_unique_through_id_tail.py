"""A member's ID number is unique through id_tail, its reversal (core.fields.ReversedLookupCharField): one index for
the uniqueness, the look-up by number and the search by the last digits, instead of two."""

from django.db import migrations

import orgwork.core.fields


def reversal_kept(apps, schema_editor):
    """Every id_tail is its ID number reversed (the services and the bulk writer always wrote it so), checked before
    it becomes the unique index: a row that differs is set right."""
    conn = schema_editor.connection
    if conn.vendor == "sqlite":  # SQLite has no reverse(): the same function, for this statement
        conn.ensure_connection()
        conn.connection.create_function("reverse", 1, lambda s: s[::-1] if s is not None else None, deterministic=True)
    with conn.cursor() as cur:
        cur.execute("UPDATE members_member SET id_tail = reverse(id_number) WHERE id_tail <> reverse(id_number)")


def no_pattern_twin(apps, schema_editor):
    """PostgreSQL: Django adds a varchar_pattern_ops twin (`…_like`) to a column made unique; id_tail uses the "C"
    collation, so its unique index answers prefixes already (as migration 0009 found for every search column)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "members_member_id_tail_e46a5952_like"')


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0010_member_user_unique_where_set"),
    ]

    operations = [
        migrations.RunPython(reversal_kept, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="id_tail",
            field=orgwork.core.fields.ReversedCopyField(editable=False, max_length=18, source="id_number", unique=True),
        ),
        migrations.RunPython(no_pattern_twin, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=orgwork.core.fields.ReversedLookupCharField(max_length=18, reversed_in="id_tail", verbose_name="公民身份号码"),
        ),
    ]
