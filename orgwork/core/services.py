"""Kernel writes: role grants and users, audited like every other write (API tokens: orgwork.core.tokens)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .actor import Actor
from .errors import ServiceError
from .models import Role, RoleAssignment


@transaction.atomic
def grant_role(*, actor: Actor, user, org, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise ServiceError.single("role", "bad_value", _("角色“%(role)s”无效，可选：%(join)s") % {"role": role, "join": ', '.join(Role.values)})
    existing = RoleAssignment.objects.filter(user=user, org=org, role=role, revoked_at__isnull=True).first()
    if existing:
        return existing
    ra = RoleAssignment.objects.create(user=user, org=org, role=role)
    audit.record(actor, "role.grant", ra, org_path=org.path, changes={"user": [None, user.pk], "org": [None, org.pk], "role": [None, role]})
    return ra


@transaction.atomic
def revoke_role(*, actor: Actor, assignment_id: int) -> RoleAssignment:
    ra = RoleAssignment.objects.select_related("org").get(pk=assignment_id)
    if ra.revoked_at is None:
        ra.revoked_at = timezone.now()
        ra.save(update_fields=["revoked_at"])
        audit.record(actor, "role.revoke", ra, org_path=ra.org.path, data={"role": ra.role})
    return ra


@transaction.atomic
def create_user(*, actor: Actor, username: str, password: str, full_name: str = "", is_staff: bool = False):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ServiceError.single("username", "duplicate_existing", _("用户名“%(username)s”已存在") % {"username": username})
    user = User.objects.create_user(username=username, password=password, first_name=full_name, is_staff=is_staff)
    audit.record(actor, "user.create", user, data={"username": username})
    return user
