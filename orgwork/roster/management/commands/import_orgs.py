from django.core.management.base import BaseCommand

from orgwork.roster.importer import import_orgs

from ._common import emit, system_actor


class Command(BaseCommand):
    help = "Import organizations from Excel (党组织名称, 党组织类别, 上级党组织, 单位所属领域, 成立日期). All-or-nothing unless --partial."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--partial", action="store_true")
        parser.add_argument("--update", action="store_true", help="update orgs already present under the same parent")
        parser.add_argument("--report", help="write the JSON report here")

    def handle(self, *args, file, partial, update, report, **options):
        result = import_orgs(file, actor=system_actor("import_orgs"), partial=partial, update=update)
        emit(self, result, report)
