"""Who is acting: a user with role grants at organizations, or the system itself (CLI, jobs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps

from .models import WRITE_ROLES, Role, RoleAssignment


@dataclass(frozen=True)
class Grant:
    id: int
    org_id: int
    org_name: str
    path: str
    role: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES


@dataclass
class Actor:
    user: object | None
    grants: list[Grant] = field(default_factory=list)
    system: bool = False
    active_grant_id: int | None = None

    @classmethod
    def system_actor(cls, label: str = "system") -> Actor:
        actor = cls(user=None, system=True)
        actor._label = label
        return actor

    @classmethod
    def for_user(cls, user, *, active_grant_id: int | None = None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(user=None)
        rows = (
            RoleAssignment.objects.filter(user=user, revoked_at__isnull=True, org__abolished_on__isnull=True)
            .select_related("org")
            .order_by("org__path", "role")
        )
        grants = [Grant(r.id, r.org_id, r.org.name, r.org.path, r.role) for r in rows]
        return cls.from_grants(user, grants, active_grant_id=active_grant_id)

    @classmethod
    def from_grants(cls, user, grants: list[Grant], *, active_grant_id: int | None = None) -> Actor:
        """The actor of a user whose grants were read just now (`for_user`, or with an API token in one query)."""
        if active_grant_id is not None and not any(g.id == active_grant_id for g in grants):
            active_grant_id = None
        return cls(user=user, grants=grants, active_grant_id=active_grant_id)

    # --- identity ---------------------------------------------------------------------------
    @property
    def user_id(self):
        return getattr(self.user, "pk", None)

    @property
    def label(self) -> str:
        if self.system:
            return getattr(self, "_label", "system")
        if self.user is None:
            return "anonymous"
        return self.user.get_username()

    @property
    def is_authenticated(self) -> bool:
        return self.system or self.user is not None

    # --- scope ------------------------------------------------------------------------------
    @property
    def unrestricted(self) -> bool:
        """System jobs and Django superusers (with no narrower scope chosen) see everything."""
        if self.system:
            return True
        return bool(getattr(self.user, "is_superuser", False)) and self.active_grant_id is None

    @property
    def effective_grants(self) -> list[Grant]:
        if self.active_grant_id is not None:
            return [g for g in self.grants if g.id == self.active_grant_id]
        return self.grants

    @property
    def active_grant(self) -> Grant | None:
        for g in self.grants:
            if g.id == self.active_grant_id:
                return g
        return None

    def subtree_paths(self, *, write: bool = False) -> list[str]:
        """Roots of the subtrees in scope, with nested ones collapsed into their ancestor."""
        paths = sorted({g.path for g in self.effective_grants if g.role != Role.MEMBER and (g.can_write or not write)})
        roots: list[str] = []
        for p in paths:
            if not any(p.startswith(r) for r in roots):
                roots.append(p)
        return roots

    @cached_property
    def self_member_ids(self) -> list[int]:
        if self.user is None or not any(g.role == Role.MEMBER for g in self.effective_grants):
            return []
        Member = apps.get_model("members", "Member")
        return list(Member.objects.filter(user_id=self.user.pk).values_list("pk", flat=True))

    def self_org_paths(self) -> list[str]:
        return [g.path for g in self.effective_grants if g.role == Role.MEMBER]

    def has_role(self, *roles: str) -> bool:
        if self.unrestricted:
            return True
        return any(g.role in roles for g in self.effective_grants)

    @property
    def can_write_anything(self) -> bool:
        return self.unrestricted or any(g.can_write for g in self.effective_grants)
