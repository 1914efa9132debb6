"""PostgreSQL: score entries partitioned by year of `occurred_on` (orgwork.core.partitions; docs/scaling.md).

The links to an entry (evidence, appeals, corrections) lose their database constraint first: PostgreSQL refuses a foreign
key to a partitioned table unless it names the whole key (id, occurred_on). The scoring services write those links
from the entry they hold. SQLite: only the state changes."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    from orgwork.core.partitions import partition_table

    partition_table(schema_editor, "core_scoreentry", "occurred_on", interval="year")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_top_org'),
    ]

    operations = [
        migrations.AlterField(
            model_name='scoreappeal',
            name='entry',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appeals', to='core.scoreentry'),
        ),
        migrations.AlterField(
            model_name='scoreentry',
            name='corrects',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='core.scoreentry', verbose_name='更正的记录'),
        ),
        migrations.AlterField(
            model_name='scoreevidence',
            name='entry',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='core.scoreentry'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
