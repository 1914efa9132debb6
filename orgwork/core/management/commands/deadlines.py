"""manage.py deadlines [--dry-run] [--date YYYY-MM-DD] [--only PROVIDER ...]: the daily deadline job, by hand."""

from django.core.management.base import BaseCommand, CommandError

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.calendar import UnknownCalendarYear
from orgwork.core.normalize import BadDate, parse_date
from orgwork.core.rules import UnknownRule


class Command(BaseCommand):
    help = "Ask every deadline provider what is due or overdue and remind the responsible people (deduplicated)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be sent; send nothing")
        parser.add_argument("--date", default="", help="run as of this day (YYYY-MM-DD), default today")
        parser.add_argument("--only", nargs="*", default=None, help=f"only these providers: {', '.join(deadlines.providers())}")

    def handle(self, *, dry_run, date, only, **options):
        try:
            today = parse_date(date) if date else None
        except BadDate:
            raise CommandError(f"日期“{date}”无效，应为YYYY-MM-DD") from None
        unknown = set(only or []) - set(deadlines.providers())
        if unknown:
            raise CommandError(f"没有这些提醒来源：{', '.join(sorted(unknown))}（可选：{', '.join(deadlines.providers())}）")
        try:
            report = deadlines.run(today=today, dry_run=dry_run, only=only, actor=Actor.system_actor("manage.py deadlines"))
        except UnknownRule:
            raise CommandError(f"{date or '今天'}没有生效的到期提醒规则（no_rule_in_force）") from None
        except UnknownCalendarYear as exc:
            raise CommandError(exc.errors[0].message) from None
        for name in deadlines.providers():
            if only is None or name in only:
                line = f"{name}: {report.by_provider.get(name, 0)} items"
                if name in report.failures:
                    line += f"  FAILED {report.failures[name]}"
                self.stdout.write(line)
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{report.today:%Y-%m-%d}: {report.items} items, {report.reminders} reminders ({report.escalations} escalations), "
            f"{verb} {report.new} new, {report.no_recipient} items with nobody responsible"
        )
        if report.failures:
            raise CommandError(f"{len(report.failures)} provider(s) failed: {', '.join(sorted(report.failures))}")
