"""The top-level org (the distribution column, core.distribution) on the rest of the member- and org-keyed tables
(issue 22); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_top_org'),
        ('orgs', '0002_officer_console_role'),
        ('villages', '0002_cadre_rules_pay_reserves_pairing'),
    ]

    operations = [
        migrations.AddField(
            model_name='cadre',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='formercadre',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='leavingallowance',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='reservecadre',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='secondment',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='unit',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        # existing rows filled root by root in SQL (core.distribution.fill_table), members before what follows them
        migrations.RunPython(filler('villages', [
            ('Cadre', 'org__path', None, None),
            ('FormerCadre', 'org__path', None, None),
            ('LeavingAllowance', 'org__path', None, None),
            ('Pairing', 'org__path', None, None),
            ('ReserveCadre', 'org__path', None, None),
            ('Secondment', 'org__path', None, None),
            ('Unit', 'org__path', None, None),
        ]), migrations.RunPython.noop),
    ]
