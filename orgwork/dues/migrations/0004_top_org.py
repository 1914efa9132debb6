"""The top-level org on member-level rows (the distribution column, core.distribution); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0007_top_org"),
        ('dues', '0003_memberpayment_paymentnotice'),
        ('orgs', '0002_officer_console_role'),
    ]

    operations = [
        migrations.AddField(
            model_name='duesbase',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='duesmonth',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='duespayment',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='duesrelief',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='memberpayment',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.RunPython(filler('dues', [('DuesBase', 'member__org__path', 'member_id', None), ('DuesRelief', 'member__org__path', 'member_id', None), ('DuesPayment', 'member__org__path', 'member_id', None), ('DuesMonth', 'member__org__path', 'member_id', None), ('MemberPayment', 'member__org__path', 'member_id', None)]), migrations.RunPython.noop),
    ]
