"""Every read of the member registry, scoped to the actor and ready for what the caller shows."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from orgwork.core import rows
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound
from orgwork.core.fields import prefix_q, subtree_q
from orgwork.core.idcard import normalize as normalize_id
from orgwork.core.normalize import add_months, clean_name, to_halfwidth
from orgwork.core.scope import covers, get_in_scope, scope
from orgwork.orgs.models import Org
from orgwork.orgs.selectors import STATUS_LABELS  # noqa: F401 — the labels of the status counts, kept by orgs

from .bands import AGE_BANDS, PARTY_AGE_BANDS, band, date_range_for_years
from .models import Category, Member, MemberStatusChange, Standing
from .rules import membership_rules

STATUS_FILTERS = {
    "normal": Q(standing=Standing.NORMAL),
    "full": Q(standing=Standing.NORMAL, category=Category.FULL),
    "probationary": Q(standing=Standing.NORMAL, category=Category.PROBATIONARY),
    "lost_contact": Q(standing=Standing.NORMAL, lost_contact=True),
    "suspended": Q(standing=Standing.SUSPENDED),
    "removed": Q(standing=Standing.REMOVED),
    "exited": Q(standing=Standing.EXITED),
    "deceased": Q(standing=Standing.DECEASED),
    "transferred_out": Q(standing=Standing.TRANSFERRED_OUT),
    "all": Q(),
}
ORDERINGS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "joined_on": ("joined_on", "id"),
    "-joined_on": ("-joined_on", "-id"),
    "birth_date": ("birth_date", "id"),
    "-birth_date": ("-birth_date", "-id"),
    "org": ("org__path", "name_pinyin", "id"),
    "-org": ("-org__path", "-name_pinyin", "-id"),
    "id": ("id",),
}


def members(actor: Actor) -> QuerySet[Member]:
    return scope(Member.objects.all(), actor)


def get_member(actor: Actor, member_id) -> Member:
    return get_in_scope(Member.objects.select_related("org", "org__parent"), actor, pk=member_id)


def member_detail(actor: Actor, member_id: int) -> Member:
    """`get_member` for the API's detail read: the member with its org's name and path in one query (core.rows),
    the scope checked on the row read (core.scope.covers — the conditions `scope()` applies); NotFound otherwise."""
    from orgwork.core.params import ID_MAX

    if isinstance(member_id, bool) or not isinstance(member_id, int) or not 1 <= member_id <= ID_MAX:
        raise NotFound()
    member = rows.by_pk(Member, member_id, related={"org": ("name", "path")})
    if member is None or member.org_id is None or not covers(actor, member.org.path, model=Member, member_id=member.pk):
        raise NotFound()
    return member


def search_condition(q: str) -> Q | None:
    """Name, pinyin, initials, ID number or its last digits, phone or its last digits."""
    text = to_halfwidth(clean_name(q))
    if not text:
        return None
    digits = normalize_id(text)
    if re.fullmatch(r"\d{3,17}[\dX]?", digits):
        rev = digits[::-1]
        # Index ranges on the reversed columns: "the last digits" is a prefix there.
        cond = prefix_q("id_tail", rev) | prefix_q("phone_tail", rev)
        if len(digits) == 18:
            cond |= Q(id_number=digits)
        elif len(digits) == 11:
            cond |= Q(phone=digits)
        return cond
    if re.fullmatch(r"[A-Za-z]+", text):
        low = text.lower()
        cond = prefix_q("name_initials", low) | prefix_q("name_pinyin", low)
        if len(low) >= 4:
            # a given name's pinyin ("jianguo" for 王建国): a scan, so only once the text is specific
            cond |= Q(name_pinyin__contains=low)
        return cond
    return Q(name__contains=text)


def party_standing_q(after: dt.date | None, before: dt.date | None) -> Q:
    """Members whose party standing (党龄, from full membership — 党章第七条) started in (after, before].

    The same rule as members.rules.party_standing_start: the confirmation date, or for a full member without
    one, joining plus the probation period. Probationary members have no party standing and never match.
    """
    months = membership_rules()["probation_months"]
    confirmed, estimated = Q(category=Category.FULL, confirmed_on__isnull=False), Q(category=Category.FULL, confirmed_on__isnull=True)
    if after:
        confirmed &= Q(confirmed_on__gt=after)
        estimated &= Q(joined_on__gt=add_months(after, -months))
    if before:
        confirmed &= Q(confirmed_on__lte=before)
        estimated &= Q(joined_on__lte=add_months(before, -months))
    return confirmed | estimated


def search_members(
    actor: Actor,
    *,
    q: str = "",
    under: Org | None = None,
    status: str = "normal",
    sector: str = "",
    education: str = "",
    gender: str = "",
    age_band: str = "",
    party_age_band: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    ordering: str = "org",
    today: dt.date | None = None,
) -> QuerySet[Member]:
    today = today or dt.date.today()
    qs = members(actor).select_related("org")
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    qs = qs.filter(STATUS_FILTERS.get(status, STATUS_FILTERS["normal"]))
    cond = search_condition(q)
    if cond is not None:
        qs = qs.filter(cond)
    if sector:
        qs = qs.filter(org__sector=sector)
    if education:
        qs = qs.filter(education=education)
    if gender:
        qs = qs.filter(gender=gender)
    if age_band and (row := band(AGE_BANDS, age_band)):
        age_min, age_max = row[2], row[3]
    if age_min is not None or age_max is not None:
        after, before = date_range_for_years(age_min, age_max, today)
        if after:
            qs = qs.filter(birth_date__gt=after)
        if before:
            qs = qs.filter(birth_date__lte=before)
    if party_age_band and (row := band(PARTY_AGE_BANDS, party_age_band)):
        qs = qs.filter(party_standing_q(*date_range_for_years(row[2], row[3], today)))
    return qs.order_by(*ORDERINGS.get(ordering, ORDERINGS["org"]))


def status_history(actor: Actor, member: Member) -> QuerySet[MemberStatusChange]:
    return scope(MemberStatusChange.objects.filter(member=member), actor).select_related("actor").order_by("-effective_on", "-id")


# --- console reads (appended for the web console) ---------------------------------------------
def can_write_member(actor: Actor, member: Member) -> bool:
    return scope(Member.objects.filter(pk=member.pk), actor, write=True).exists()


def member_history(actor: Actor, member: Member, *, limit: int = 50):
    """Audit events about this member, newest first, scoped to the actor: its own events and the batch event (one per
    import) whose row digests include it. The batch event's data (every row's digest) is not loaded."""
    from orgwork.core.models import AuditEvent

    own = list(scope(AuditEvent.objects.filter(object_type="members.member", object_id=str(member.pk)), actor).select_related("actor").order_by("-seq")[:limit])
    batch = scope(
        AuditEvent.objects.filter(
            object_type="members.batch", data__first_id__lte=member.pk, data__last_id__gte=member.pk, data__digests__has_key=str(member.pk)
        ),
        actor,
    )
    batches = list(batch.select_related("actor").defer("data").order_by("-seq")[:limit])
    for ev in batches:
        ev.data = {}
    return sorted(own + batches, key=lambda ev: -ev.seq)[:limit]


def own_records(actor: Actor) -> QuerySet[Member]:
    """The member records linked to the signed-in user (the 党员 role's “my record”)."""
    if actor.user is None:
        return Member.objects.none()
    return members(actor).filter(user_id=actor.user_id).select_related("org")
