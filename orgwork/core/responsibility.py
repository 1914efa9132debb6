"""Who answers for an organization's work, by role (RoleAssignment), with a fallback up the tree.

Three levels, the same words the procedure kernel uses for a step's role:

    "branch"      the organization's own people: its secretaries (a party group's: its branch's), else its
                  organization admins; an organization with nobody falls back to the nearest higher organization's
                  admins, and finally to the organization department.
    "committee"   the level above (上级党委): the admins of the nearest higher organization that has any, else the
                  department.
    "department"  the organization department (组织部门): department admins on the organization's path.

    responsible_users(org_ids, level="branch") -> {org_id: [users]}
    level_above(level) -> the next level, or None above the department

The answer is read fresh each time (a role revoked today no longer receives tomorrow's reminders). Inactive
users never answer. The kernel imports no app: organizations are read through the app registry.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps

from .models import Role, RoleAssignment

LEVELS = ("branch", "committee", "department")
LEVEL_LABELS = {"branch": "本级党组织", "committee": "上级党委", "department": "组织部门"}
_STEP = 4  # characters per tree level (orgs.models.STEP): the kernel reads paths, not the orgs app
_GROUP = "group"


def level_above(level: str) -> str | None:
    try:
        i = LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown level {level!r}") from None
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def _ancestors(path: str) -> list[str]:
    """Ancestor paths, nearest first (the organization itself excluded)."""
    return [path[: i * _STEP] for i in range(len(path) // _STEP - 1, 0, -1)]


def responsible_users(org_ids, *, level: str = "branch") -> dict[int, list]:
    """{org_id: [active users]} answering for each organization's work at `level` (see the module docstring)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    org_ids = sorted({int(o) for o in org_ids if o})
    if not org_ids:
        return {}
    Org = apps.get_model("orgs", "Org")
    info = {pk: (path, kind) for pk, path, kind in Org.objects.filter(pk__in=org_ids).values_list("pk", "path", "kind")}
    wanted_paths = set()
    for path, _kind in info.values():
        wanted_paths.add(path)
        wanted_paths.update(_ancestors(path))
    by_path = {path: (pk, kind) for pk, path, kind in Org.objects.filter(path__in=wanted_paths).values_list("pk", "path", "kind")}
    grants: dict[tuple[int, str], list] = defaultdict(list)
    rows = (
        RoleAssignment.objects.filter(org_id__in=[pk for pk, _k in by_path.values()], revoked_at__isnull=True, user__is_active=True)
        .exclude(role=Role.MEMBER)
        .select_related("user")
        .order_by("id")
    )
    for ra in rows:
        grants[(ra.org_id, ra.role)].append(ra.user)

    def at(path: str, *roles) -> list:
        pk = by_path.get(path, (None, None))[0]
        found = []
        for role in roles:
            for user in grants.get((pk, role), []):
                if user not in found:
                    found.append(user)
        return found

    def department(path: str) -> list:
        for p in [path, *_ancestors(path)]:
            users = at(p, Role.DEPT_ADMIN)
            if users:
                return users
        return []

    def committee(path: str) -> list:
        for p in _ancestors(path):
            users = at(p, Role.ORG_ADMIN, Role.DEPT_ADMIN)
            if users:
                return users
        return department(path)

    out: dict[int, list] = {}
    for oid in org_ids:
        if oid not in info:
            out[oid] = []
            continue
        path, kind = info[oid]
        if kind == _GROUP and _ancestors(path):
            path = _ancestors(path)[0]  # a party group's work is its branch's
        if level == "branch":
            out[oid] = at(path, Role.SECRETARY) or at(path, Role.ORG_ADMIN) or committee(path)
        elif level == "committee":
            out[oid] = committee(path)
        else:
            out[oid] = department(path)
    return out
