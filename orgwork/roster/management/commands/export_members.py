from django.core.management.base import BaseCommand, CommandError

from orgwork.orgs.selectors import OrgAmbiguous, OrgLookupError, resolve_org
from orgwork.roster.exporter import export_members

from ._common import system_actor


class Command(BaseCommand):
    help = "Export members in good standing to Excel (national template columns), optionally one org's subtree."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="code, unique name or path 上级/名称")

    def handle(self, *args, file, org=None, **options):
        target = None
        if org:
            try:
                target = resolve_org(org)
            except (OrgLookupError, OrgAmbiguous) as exc:
                raise CommandError(str(exc)) from None
        n = export_members(file, actor=system_actor("export_members"), org=target)
        self.stdout.write(f"导出 {n} 名党员到 {file}")
