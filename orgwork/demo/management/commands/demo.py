import time

from django.core.management.base import BaseCommand

from orgwork.core import deadlines
from orgwork.demo.generator import DEMO_PASSWORD, build_county
from orgwork.orgs.models import Org


class Command(BaseCommand):
    help = "Load a realistic demo county (orgs, members, users) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--if-empty", action="store_true", help="do nothing (and succeed) when data exists")

    def handle(self, members, seed, if_empty, **options):
        if Org.objects.exists():
            msg = "数据库中已有数据，未加载演示数据 (database not empty; demo skipped)"
            if if_empty:
                self.stdout.write(msg)
                return
            self.stderr.write(msg)
            raise SystemExit(1)
        started = time.monotonic()
        result = build_county(members=members, seed=seed, activity=True)
        took = time.monotonic() - started
        self.stdout.write(f"演示数据已加载：{result.orgs} 个党组织，{result.members} 名党员，用时 {took:.1f} 秒")
        if result.activity:
            labels = {"applicants": "发展对象/申请人", "transfers": "转接", "mobile": "流动党员", "dues_months": "党费台账月份", "elections_due": "即将换届的组织"}
            self.stdout.write("演示业务数据：" + "，".join(f"{labels.get(k, k)} {v}" for k, v in result.activity.items()))
        for username, label, roles in result.users:
            self.stdout.write(f"  {username:<10} {DEMO_PASSWORD}  {label}（{roles}）")
        report = deadlines.run()  # what waits becomes reminders in the demo accounts' inboxes now, not tomorrow morning
        self.stdout.write(f"到期提醒：{report.items} 项待办，{report.new} 条提醒")
