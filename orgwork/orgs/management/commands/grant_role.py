from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.orgs.selectors import OrgAmbiguous, resolve_org

ROLE_WORDS = {str(label): value for value, label in Role.choices}


class Command(BaseCommand):
    help = "Grant a role at an organization: grant_role USERNAME ORG ROLE (ORG as code, unique name or path 上级/名称)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("org")
        parser.add_argument("role", help=f"one of {', '.join(Role.values)} (or its Chinese name)")

    def handle(self, username, org, role, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在") from None
        try:
            target = resolve_org(org)
        except OrgAmbiguous as exc:
            raise CommandError(str(exc)) from None
        except NotFound as exc:
            raise CommandError(str(exc) or f"找不到党组织“{org}”") from None
        role = ROLE_WORDS.get(role, role)
        try:
            ra = grant_role(actor=Actor.system_actor("grant_role"), user=user, org=target, role=role)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已授予 {username} 在“{target.name}”（{target.code}）的角色：{ra.get_role_display()}")
