"""Create phone sign-in accounts for the members on the roster who have a mobile number and no account (audited).

    manage.py member_accounts [--org ID]
"""

from django.core.management.base import BaseCommand

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.selfservice import services


class Command(BaseCommand):
    help = "为名册中有手机号码、尚无账号的党员批量开通手机登录账号"

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, default=None, help="只处理该党组织（含下级）")

    def handle(self, *args, org=None, **opts):
        try:
            result = services.create_member_accounts(actor=Actor.system_actor("manage.py member_accounts"), org_id=org)
        except ServiceError as exc:
            self.stderr.write("; ".join(e.message for e in exc.errors))
            raise SystemExit(2) from None
        for name, why in result["skipped"]:
            self.stdout.write(f"跳过 {name}：{why}")
        self.stdout.write(f"已开通 {len(result['created'])} 个账号，跳过 {len(result['skipped'])} 名")
