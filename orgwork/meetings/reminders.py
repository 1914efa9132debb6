"""Turning what is late into messages for the people responsible for it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.models import Role, RoleAssignment
from orgwork.notifications.services import Outgoing, send_many
from orgwork.orgs.models import Org

from . import compliance


def responsible_users(org_ids: list[int]) -> dict[int, list]:
    """{org_id: [users]}: the org's secretaries (a group's: its branch's); without one, the parent org's admins."""
    info = {pk: (parent, kind) for pk, parent, kind in Org.objects.filter(pk__in=org_ids).values_list("pk", "parent_id", "kind")}
    target = {oid: (parent if kind == "group" and parent else oid) for oid, (parent, kind) in info.items()}
    missing = set(target.values()) - set(info)
    info.update({pk: (parent, kind) for pk, parent, kind in Org.objects.filter(pk__in=missing).values_list("pk", "parent_id", "kind")})
    parents = {info[t][0] for t in target.values() if info[t][0]}
    grants = defaultdict(list)
    rows = RoleAssignment.objects.filter(
        org_id__in=set(target.values()) | parents, role__in=[Role.SECRETARY, Role.ORG_ADMIN], revoked_at__isnull=True
    ).select_related("user")
    for ra in rows:
        if ra.user.is_active:
            grants[(ra.org_id, ra.role)].append(ra.user)
    out = {}
    for oid, t in target.items():
        users = grants.get((t, Role.SECRETARY)) or grants.get((info[t][0], Role.ORG_ADMIN), [])
        out[oid] = list(users)
    return out


def compliance_messages(as_of: dt.date, *, paths=None) -> list[Outgoing]:
    late = compliance.late_orgs(as_of=as_of, paths=paths)
    who = responsible_users([x.org.org_id for x in late])
    out = []
    for x in late:
        url = reverse("meetings:org_compliance", args=[x.org.org_id])
        for user in who.get(x.org.org_id, []):
            for item in x.overdue:
                out.append(
                    Outgoing(
                        user, "meetings.overdue", f"{x.org.name}{item.period.label}{item.label}逾期未开展",
                        f"按规定（{item.citation}），{item.period.label}应开展{item.label}，目前完成{item.held}/{item.required}。请尽快组织并在系统中记录。",
                        url, x.org.org_id, f"life:{x.org.org_id}:{item.code}:{item.period.key}:overdue",
                    )
                )
            for item in x.due_soon:
                out.append(
                    Outgoing(
                        user, "meetings.due", f"{x.org.name}{item.label}须在{item.period.end:%m月%d日}前完成",
                        f"{item.period.label}的{item.label}尚未开展（{item.held}/{item.required}），依据：{item.citation}。",
                        url, x.org.org_id, f"life:{x.org.org_id}:{item.code}:{item.period.key}:due",
                    )
                )
    return out


def send_compliance_reminders(*, as_of: dt.date | None = None, actor: Actor | None = None) -> int:
    as_of = as_of or dt.date.today()
    actor = actor or Actor.system_actor("meetings.daily")
    messages = compliance_messages(as_of)
    sent = 0
    for start in range(0, len(messages), 2000):
        sent += len(send_many(actor=actor, messages=messages[start : start + 2000]))
    return sent
