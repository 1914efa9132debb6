from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import PathField


class HardDeleteForbidden(Exception):
    pass


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteForbidden(f"{self.model.__name__} records are never deleted")


class NoDeleteModel(models.Model):
    """Registries and records: nothing is hard-deleted (abolish, end or mark instead)."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden(f"{type(self).__name__} records are never deleted")


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("系统管理员")
    DEPT_ADMIN = "dept_admin", _("组织部管理员")
    ORG_ADMIN = "org_admin", _("党组织管理员")
    SECRETARY = "secretary", _("支部书记/组织委员")
    MEMBER = "member", _("党员")


# Roles that may change records in their subtree; the member role sees only its own record.
WRITE_ROLES = frozenset({Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN, Role.SECRETARY})


class RoleAssignment(NoDeleteModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org", "role"], condition=models.Q(revoked_at__isnull=True), name="uniq_active_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org_id}"


class AuditHead(models.Model):
    """One row: the chain's last sequence number and hash. Updating it first serializes appends."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"audit head #{self.seq}"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    org_path = PathField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = NoDeleteQuerySet.as_manager()
    SCOPE_PATH = "org_path"

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden("audit events are never deleted")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
