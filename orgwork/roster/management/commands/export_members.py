from django.core.management.base import BaseCommand, CommandError

from orgwork.orgs.selectors import OrgAmbiguous, OrgLookupError, resolve_org
from orgwork.roster.exporter import export_members

from ._common import system_actor


class Command(BaseCommand):
    help = "Export members in good standing to Excel (national template columns), optionally one org's subtree."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="code, unique name or path 上级/名称")
        parser.add_argument(
            "--full-values",
            action="store_true",
            help="write ID numbers and phones in full (needed to import the file back); audited like every export",
        )

    def handle(self, *args, file, org=None, full_values=False, **options):
        target = None
        if org:
            try:
                target = resolve_org(org)
            except (OrgLookupError, OrgAmbiguous) as exc:
                raise CommandError(str(exc)) from None
        n = export_members(file, actor=system_actor("export_members"), org=target, full=full_values)
        masked = "" if full_values else "（公民身份号码、联系电话已脱敏）"
        self.stdout.write(f"导出 {n} 名党员到 {file}{masked}")
