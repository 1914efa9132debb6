from django.core.management.base import BaseCommand, CommandError

from orgwork.core import calendar as workcal
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.normalize import BadDate, parse_date


class Command(BaseCommand):
    help = (
        "Enter a year's published holiday arrangement for working-day arithmetic (years chinesecalendar does not know): "
        "calendar_year 2027 --holidays 2027-01-01 2027-02-06..2027-02-13 --workdays 2027-02-14 --source 国办发明电〔2026〕N号"
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--holidays", nargs="*", default=[], help="dates or ranges A..B off work")
        parser.add_argument("--workdays", nargs="*", default=[], help="weekend dates worked in exchange (调休上班)")
        parser.add_argument("--source", required=True, help="the notice the arrangement comes from")

    def _dates(self, items):
        import datetime as dt

        out = []
        for item in items:
            try:
                if ".." in item:
                    a, b = (parse_date(x) for x in item.split("..", 1))
                    out.extend(a + dt.timedelta(days=i) for i in range((b - a).days + 1))
                else:
                    out.append(parse_date(item))
            except BadDate:
                raise CommandError(f"日期“{item}”无效") from None
        return out

    def handle(self, year, holidays, workdays, source, **options):
        try:
            workcal.set_year(actor=Actor.system_actor("manage.py calendar_year"), year=year, holidays=self._dates(holidays), workdays=self._dates(workdays), source=source)
        except ServiceError as exc:
            raise CommandError("；".join(e.message for e in exc.errors)) from None
        self.stdout.write(f"{year}年：{len(self._dates(holidays))}天假日，{len(self._dates(workdays))}天调休上班，已保存")
