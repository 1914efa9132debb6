"""The top-level org on member-level rows (the distribution column, core.distribution); existing rows filled."""

import django.db.models.deletion
from django.db import migrations, models

from orgwork.core.distribution import filler


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0007_top_org"),
        ('orgs', '0002_officer_console_role'),
        ('recruitment', '0002_applicant_user_thoughtreport'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicant',
            name='top_org',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org', verbose_name='顶层党组织'),
        ),
        migrations.RunPython(filler('recruitment', [('Applicant', 'org__path', None, None)]), migrations.RunPython.noop),
    ]
