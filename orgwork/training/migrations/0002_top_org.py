"""The top-level org on member-level rows (the distribution column, core.distribution); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0007_top_org"),
        ('orgs', '0002_officer_console_role'),
        ('training', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='credit',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='enrolment',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='examscore',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.AddField(
            model_name='trainee',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.RunPython(filler('training', [('Trainee', 'org__path', 'member_id', None), ('Enrolment', 'trainee__org__path', 'trainee__member_id', None), ('Credit', 'trainee__org__path', 'trainee__member_id', None), ('ExamScore', 'trainee__org__path', 'trainee__member_id', None)]), migrations.RunPython.noop),
    ]
