from django.core.management.base import BaseCommand

from orgwork.roster.importer import import_members

from ._common import emit, system_actor


class Command(BaseCommand):
    help = "Import members from an Excel roster (national template). All-or-nothing unless --partial."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--partial", action="store_true", help="import the valid rows even if some are rejected")
        parser.add_argument("--update", action="store_true", help="update members already registered (by ID number)")
        parser.add_argument("--report", help="write the JSON report here")

    def handle(self, *args, file, partial, update, report, **options):
        result = import_members(file, actor=system_actor("import_members"), partial=partial, update=update)
        emit(self, result, report)
