"""The top-level org (the distribution column, core.distribution) on the rest of the member- and org-keyed tables
(issue 22); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_top_org'),
        ('delegates', '0001_initial'),
        ('orgs', '0002_officer_console_role'),
    ]

    operations = [
        migrations.AddField(
            model_name='congress',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='delegate',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='office',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='opinion',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='question',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        # existing rows filled root by root in SQL (core.distribution.fill_table), members before what follows them
        migrations.RunPython(filler('delegates', [
            ('Congress', 'org__path', None, None),
            ('Delegate', 'org__path', None, None),
            ('Office', 'org__path', None, None),
            ('Opinion', 'org__path', None, None),
            ('Question', 'org__path', None, None),
        ]), migrations.RunPython.noop),
    ]
