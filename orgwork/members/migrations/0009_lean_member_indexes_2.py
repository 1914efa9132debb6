"""The member table keeps only the indexes a query reads through (index audit, docs/scaling.md).

Dropped: the name (searched with LIKE '%…%', which no B-tree answers), the birth and joining dates (age and 党龄
ranges cover a whole scope; a sort by them reads the scope's rows), (standing, name_pinyin, id) (the name_pinyin index
answers the same prefix searches and its order, with or without a standing filter), and on PostgreSQL the
varchar_pattern_ops twins Django adds to indexed text columns (`…_like`): the search columns use the "C" collation,
so their plain index answers prefixes already, and nothing searches the ID number with LIKE.

The state changes are Django's own; the database side is plain DROP INDEX, because Django's SQLite backend would
rebuild the whole member table to drop a field's index.
"""

from django.db import migrations, models

DROPPED = ["members_member_name_df037d13", "members_member_birth_date_6bfaa4c3", "members_member_joined_on_5daad8ad", "members_mem_standin_8f881c_idx"]
DROPPED_PG = [
    "members_member_name_df037d13_like",
    "members_member_id_number_67abc8ba_like",
    "members_member_id_tail_e46a5952_like",
    "members_member_name_initials_2236b57f_like",
    "members_member_name_pinyin_15ec5dca_like",
    "members_member_phone_tail_9ed5c9e9_like",
]
RESTORED = [
    ("members_member_name_df037d13", '"name"'),
    ("members_member_birth_date_6bfaa4c3", '"birth_date"'),
    ("members_member_joined_on_5daad8ad", '"joined_on"'),
    ("members_mem_standin_8f881c_idx", '"standing", "name_pinyin", "id"'),
]
RESTORED_PG = [
    ("members_member_name_df037d13_like", '"name" varchar_pattern_ops'),
    ("members_member_id_number_67abc8ba_like", '"id_number" varchar_pattern_ops'),
    ("members_member_id_tail_e46a5952_like", '"id_tail" varchar_pattern_ops'),
    ("members_member_name_initials_2236b57f_like", '"name_initials" varchar_pattern_ops'),
    ("members_member_name_pinyin_15ec5dca_like", '"name_pinyin" varchar_pattern_ops'),
    ("members_member_phone_tail_9ed5c9e9_like", '"phone_tail" varchar_pattern_ops'),
]


def drop(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for name in DROPPED + (DROPPED_PG if pg else []):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for name, columns in RESTORED + (RESTORED_PG if pg else []):
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "members_member" ({columns})')


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0008_lean_member_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name='member',
                    name='members_mem_standin_8f881c_idx',
                ),
                migrations.AlterField(
                    model_name='member',
                    name='birth_date',
                    field=models.DateField(verbose_name='出生日期'),
                ),
                migrations.AlterField(
                    model_name='member',
                    name='joined_on',
                    field=models.DateField(verbose_name='入党日期'),
                ),
                migrations.AlterField(
                    model_name='member',
                    name='name',
                    field=models.CharField(max_length=60, verbose_name='姓名'),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
    ]
