"""Reads of discipline records — restricted — and the one eligibility query every vote counts with.

Reading sanctions is restricted to the organization department and committee administrators
(READ_ROLES) over their subtree; branch secretaries and members get 404 (the record is absent for them).

`entitled_member_ids(org, on=)` is the only place that says who may vote, elect and stand in a branch on a
day (党章第四十条: no such right under 留党察看). Recruitment, confirmation, exits, elections, by-elections and
appraisal call it, as will awards, the 50-year medal and cadre selection. It takes an org the caller has
already resolved through its own scope, and reveals only who is excluded, not the record behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.models import Role
from orgwork.core.scope import get_in_scope, scope
from orgwork.members.models import Category, Member, Standing

from .models import Sanction, SanctionKind
from .rules import sanction_rules

READ_ROLES = frozenset({Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN})


def restricted_actor(actor: Actor) -> Actor:
    """The actor narrowed to its grants that may read discipline records (others see nothing)."""
    if actor is None or actor.unrestricted or actor.system:
        return actor
    allowed = [g for g in actor.effective_grants if g.role in READ_ROLES]
    active = actor.active_grant_id
    if active is not None and not any(g.id == active for g in allowed):
        active = -1  # the chosen role may not read discipline records: nothing in scope
    return Actor(user=actor.user, grants=allowed, active_grant_id=active)


def may_read(actor: Actor) -> bool:
    a = restricted_actor(actor)
    return a is not None and (a.unrestricted or bool(a.subtree_paths()))


def sanctions(actor: Actor, *, write: bool = False) -> QuerySet:
    return scope(Sanction.objects.select_related("member", "member__org"), restricted_actor(actor), write=write)


def get_sanction(actor: Actor, pk, *, write: bool = False) -> Sanction:
    return get_in_scope(Sanction.objects.select_related("member", "member__org", "exit_procedure"), restricted_actor(actor), write=write, pk=pk)


def member_sanctions(actor: Actor, member_id) -> QuerySet:
    return sanctions(actor).filter(member_id=member_id)


def filter_state(qs: QuerySet, state: str, on: dt.date) -> QuerySet:
    """in_force / ended / revoked as of a day, in the database."""
    if state == "in_force":
        return qs.filter(in_force_q(on))
    if state == "revoked":
        return qs.filter(lifted_on__lte=on)
    if state == "ended":
        return qs.filter(ends_on__lte=on).exclude(lifted_on__lte=on)
    return qs


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    p = prefix
    return (
        Q(**{f"{p}effective_on__lte": on})
        & (Q(**{f"{p}ends_on__isnull": True}) | Q(**{f"{p}ends_on__gt": on}))
        & (Q(**{f"{p}lifted_on__isnull": True}) | Q(**{f"{p}lifted_on__gt": on}))
    )


# --- eligibility: the one query --------------------------------------------------------------------


def _no_vote_kinds(on: dt.date) -> tuple[str, ...]:
    try:
        return tuple(sanction_rules(on)["no_vote_rights"])
    except ServiceError:  # a day before any discipline rule version: 党章第四十条 still holds for 留党察看
        return (SanctionKind.PROBATION,)


def probation_member_ids(member_ids, on: dt.date) -> set[int]:
    """Of these members, those without the right to vote, elect or stand on `on` (党章第四十条)."""
    return set(Sanction.objects.filter(in_force_q(on), member_id__in=member_ids, kind__in=_no_vote_kinds(on)).values_list("member_id", flat=True))


def is_on_probation(member, on: dt.date | None = None) -> bool:
    """Under 留党察看 on the day (default today) — not to be confused with a probationary member's 预备期."""
    member_id = getattr(member, "pk", member)
    return bool(probation_member_ids([member_id], on or dt.date.today()))


def _full_members(org, *, subtree: bool) -> QuerySet:
    where = subtree_q(org.path, "org__path") if subtree else Q(org=org)
    return Member.objects.filter(where, standing=Standing.NORMAL, category=Category.FULL)


def entitled_member_ids(org, *, on: dt.date | None = None, subtree: bool = True) -> list[int]:
    """Full members in good standing of the org (or its subtree) who may vote, elect and stand on `on`."""
    return voting_basis(org, on=on, subtree=subtree).entitled_ids


@dataclass(frozen=True)
class Excluded:
    member_id: int
    name: str
    until: dt.date | None


@dataclass(frozen=True)
class VotingBasis:
    """Who counts as entitled, and why the number is smaller than the roster's full members."""

    on: dt.date
    full_members: int
    entitled_ids: list[int]
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def entitled(self) -> int:
        return len(self.entitled_ids)

    def note(self) -> str:
        if not self.excluded:
            return f"正式党员{self.full_members}人，均有表决权"
        names = "、".join(e.name for e in self.excluded)
        return f"正式党员{self.full_members}人，其中{len(self.excluded)}人（{names}）受留党察看处分，没有表决权、选举权和被选举权（党章第四十条），有表决权的正式党员{self.entitled}人"

    def as_record(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "full_members": self.full_members,
            "entitled": self.entitled,
            "excluded": [{"member": e.member_id, "name": e.name, "until": e.until.isoformat() if e.until else None} for e in self.excluded],
        }

    def check(self, entered: int | None, *, field: str = "entitled", label: str = "应到会有表决权的正式党员人数") -> list:
        """A typed count may not put back those the rules exclude (it may be smaller: members on approved leave)."""
        if entered is None or not self.excluded or entered <= self.entitled:
            return []
        return [FieldError(field, "includes_excluded", _("%(label)s%(entered)s人多于有表决权的%(entitled)s人：%(note)s") % {"label": label, "entered": entered, "entitled": self.entitled, "note": self.note()})]


def voting_basis(org, *, on: dt.date | None = None, subtree: bool = True) -> VotingBasis:
    on = on or dt.date.today()
    full = dict(_full_members(org, subtree=subtree).values_list("pk", "name"))
    rows = (
        Sanction.objects.filter(in_force_q(on), member_id__in=list(full), kind__in=_no_vote_kinds(on))
        .order_by("member_id", "-ends_on")
        .values_list("member_id", "ends_on", "lifted_on")
    )
    excluded: dict[int, Excluded] = {}
    for mid, ends, lifted in rows:
        if mid not in excluded:
            until = min(d for d in (ends, lifted) if d) if (ends or lifted) else None
            excluded[mid] = Excluded(mid, full[mid], until)
    entitled = sorted(mid for mid in full if mid not in excluded)
    return VotingBasis(on=on, full_members=len(full), entitled_ids=entitled, excluded=sorted(excluded.values(), key=lambda e: e.member_id))
