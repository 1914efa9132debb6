"""Count, per member-level table, the rows whose top-level org (the distribution column) is not the one they would get
now; `--fix` sets them (core.distribution.fill_table, members first). Also names the tables keyed by a member or an
org that neither carry the column nor are listed as reference/coordinator tables (core.distribution). Exit status 1
when any row was wrong or any table is unclassified."""

from django.core.management.base import BaseCommand
from django.db import transaction

from orgwork.core import distribution


class Command(BaseCommand):
    help = "检查（并可修复）各党员级数据表的顶层党组织列"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true")

    def handle(self, *args, fix=False, **opts):
        entries = sorted(distribution.registered(), key=lambda e: e.model._meta.label_lower != "members.member")
        wrong = 0
        for e in entries:
            n = distribution.mismatches(e.model)
            wrong += n
            self.stdout.write(f"{e.model._meta.db_table}: {n}")
            if n and fix:
                with transaction.atomic():
                    distribution.fill_table(e.model, path=e.path, member=e.member, where=dict(e.where))
        missing = distribution.unclassified()
        for label in missing:
            self.stdout.write(f"{label}: 以党员或党组织为键，但没有顶层党组织列，也未列为参照表/协调节点表 (keyed by a member or an org without top_org_id)")
        if (wrong and not fix) or missing:
            raise SystemExit(1)
