"""Reads of the 12380 register, scoped; nothing here opens sealed content (services.read_report does, audited)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.scope import get_in_scope, scope

from .models import Category, Channel, IdentityRequest, KeyGrant, Office, Outcome, Report, RequestStatus, Status

READ_ROLES = frozenset({Role.SYSADMIN, Role.DEPT_ADMIN})


def restricted_actor(actor: Actor) -> Actor:
    """Only the organization department's grants reach the register (branch secretaries see nothing)."""
    if actor is None or actor.unrestricted or actor.system:
        return actor
    allowed = [g for g in actor.effective_grants if g.role in READ_ROLES]
    active = actor.active_grant_id
    if active is not None and not any(g.id == active for g in allowed):
        active = -1
    return Actor(user=actor.user, grants=allowed, active_grant_id=active)


def may_read(actor: Actor) -> bool:
    a = restricted_actor(actor)
    return a is not None and (a.unrestricted or bool(a.subtree_paths()))


def offices(actor: Actor) -> QuerySet:
    return scope(Office.objects.select_related("org"), restricted_actor(actor)).order_by("org__path")


def get_office(actor: Actor, pk) -> Office:
    return get_in_scope(Office.objects.select_related("org"), restricted_actor(actor), pk=pk)


def reports(actor: Actor) -> QuerySet:
    return scope(Report.objects.select_related("office", "office__org", "procedure"), restricted_actor(actor))


def get_report(actor: Actor, pk) -> Report:
    return get_in_scope(Report.objects.select_related("office", "office__org", "procedure"), restricted_actor(actor), pk=pk)


def grants(actor: Actor, office: Office) -> QuerySet:
    return scope(KeyGrant.objects.filter(office=office, revoked_at__isnull=True).select_related("user", "office", "office__org"), restricted_actor(actor)).order_by("role", "id")


def identity_requests(actor: Actor, *, status: str | None = RequestStatus.PENDING) -> QuerySet:
    qs = scope(IdentityRequest.objects.select_related("report", "requested_by", "decided_by", "report__office", "report__office__org"), restricted_actor(actor))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def statistics(actor: Actor, *, year: int | None = None) -> dict:
    """Counts by category, handling office, channel, status and outcome — never content."""
    qs = reports(actor)
    if year:
        qs = qs.filter(received_on__year=year)

    def by(field, labels):
        rows = dict(qs.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
        return [(labels.get(k, k), rows.get(k, 0)) for k in labels]

    offices_rows = qs.values("office__name", "office__org__path").annotate(n=Count("id")).order_by("office__org__path")
    return {
        "total": qs.count(),
        "by_category": by("category", dict(Category.choices)),
        "by_channel": by("channel", dict(Channel.choices)),
        "by_status": by("status", dict(Status.choices)),
        "by_outcome": by("outcome", dict(Outcome.choices)),
        "by_office": [(r["office__name"], r["n"]) for r in offices_rows],
        "anonymous": qs.filter(anonymous=True).count(),
        "out_of_scope": qs.filter(in_scope=False).count(),
    }
