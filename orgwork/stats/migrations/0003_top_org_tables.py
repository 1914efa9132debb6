"""The top-level org (the distribution column, core.distribution) on the rest of the member- and org-keyed tables
(issue 22); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_top_org'),
        ('orgs', '0002_officer_console_role'),
        ('stats', '0002_annual_filing'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualfiling',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='orgstats',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        # existing rows filled root by root in SQL (core.distribution.fill_table), members before what follows them
        migrations.RunPython(filler('stats', [
            ('AnnualFiling', 'org__path', None, None),
            ('OrgStats', 'org__path', None, None),
        ]), migrations.RunPython.noop),
    ]
