from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgwork.core.actor import Actor
from orgwork.core.services import create_token


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (replaces the previous one)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在") from None
        self.stdout.write(create_token(actor=Actor.system_actor("create_token"), user=user))
