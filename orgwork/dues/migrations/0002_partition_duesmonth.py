"""PostgreSQL: the dues ledger (one row per member and month) partitioned by year of `month`
(orgwork.core.partitions; docs/scaling.md). The unique (member, month) guard includes the partition column and stays a
constraint. SQLite: nothing changes."""

from django.db import migrations


def forwards(apps, schema_editor):
    from orgwork.core.partitions import partition_table

    partition_table(schema_editor, "dues_duesmonth", "month", interval="year")


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
