"""PostgreSQL: the audit chain's events partitioned by month of created_at (orgwork.core.partitions; docs/scaling.md).

The unique constraint on `seq` becomes an index: PostgreSQL allows unique constraints on a partitioned table only when
they include the partition column. `seq` stays unique by construction (assigned under the head row's lock) and
`audit_verify` fails on any duplicate or gap. SQLite: nothing changes.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from orgwork.core.partitions import partition_table

    partition_table(schema_editor, "core_auditevent", "created_at", interval="month", relax_unique=("seq",))


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("core", "0010_scoring_engine")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
