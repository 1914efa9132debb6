from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgwork.core import tokens
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (for scripts and tests; people issue theirs on the account page)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="GET/HEAD/OPTIONS only")
        parser.add_argument("--days", type=int, default=None, help=f"days until it expires (default settings.API_TOKEN_DAYS; 1–{tokens.MAX_DAYS})")
        parser.add_argument("--name", default="", help="what the token is for (shown on the account page)")

    def handle(self, username, read_only=False, days=None, name="", **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在") from None
        try:
            # An operator at the server stands in for the sign-in (and its second factor).
            _token, key = tokens.issue(
                actor=Actor.system_actor("issue_token"), user=user, name=name or "命令行生成", read_only=read_only, days=days, second_factor_verified=True
            )
        except ServiceError as exc:
            raise CommandError("；".join(e.message for e in exc.errors)) from None
        self.stdout.write(key)
