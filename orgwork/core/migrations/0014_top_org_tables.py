"""The top-level org (the distribution column, core.distribution) on the rest of the member- and org-keyed tables
(issue 22); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_top_org'),
        ('core', '0013_partition_score_entries'),
        ('orgs', '0002_officer_console_role'),
    ]

    operations = [
        migrations.AddField(
            model_name='ballot',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='procedureinstance',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='scoreappeal',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='scoreperiod',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='scoretotal',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        # existing rows filled root by root in SQL (core.distribution.fill_table), members before what follows them
        migrations.RunPython(filler('core', [
            ('Ballot', 'org__path', None, None),
            ('ProcedureInstance', 'org__path', None, None),
            ('ScoreAppeal', 'org__path', None, None),
            ('ScorePeriod', 'org__path', None, None),
            ('ScoreTotal', 'org_path', 'subject_id', {'subject_type': 'members.member'}),
        ]), migrations.RunPython.noop),
    ]
