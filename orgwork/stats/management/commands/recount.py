from django.core.management.base import BaseCommand

from orgwork.stats.services import recount_counters


class Command(BaseCommand):
    help = "Rebuild the per-org member counters from the member table and report any drift (--check: report only)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift without changing the counters")

    def handle(self, *args, check=False, **options):
        result = recount_counters(fix=not check)
        for d in result.drift[:50]:
            self.stdout.write(f"drift org={d.org_id} {d.field}[{d.key}] stored={d.stored} actual={d.actual}")
        if result.drifted > 50:
            self.stdout.write(f"… and {result.drifted - 50} more")
        verb = "found" if check else "fixed"
        self.stdout.write(f"recount: {result.orgs} orgs, {result.members} members, {result.drifted} drifted counters {verb}")
        if check and result.drift:
            raise SystemExit(1)
