"""Party-affairs staff against the rule, per unit: who is in post, how many the rule requires, the gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from orgwork.core import params
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound
from orgwork.core.fields import subtree_q
from orgwork.core.rules import UnknownRule
from orgwork.core.scope import scope
from orgwork.orgs.models import STEP, Org, OrgKind
from orgwork.stats import selectors as stats_selectors

from .models import PartyAffairsStaff
from .rules import required_staff, staffing_rules

UNIT_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.JOINT_BRANCH)


@dataclass
class UnitRow:
    org_id: int
    name: str
    path: str
    members: int
    required: int
    full_time: int
    part_time: int
    staff: list[str] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.required - self.full_time)


def staff(actor: Actor):
    return scope(PartyAffairsStaff.objects.select_related("org", "member"), actor)


def rules_for(on: dt.date):
    try:
        return staffing_rules(on=on)
    except UnknownRule:
        raise params.ParamError("on", "no_rule_in_force", _("%(on)s没有适用的党务工作者配备规定") % {"on": format(on, '%Y-%m-%d')}, label=_("日期")) from None


def units(actor: Actor, *, under: Org | None = None, on: dt.date | None = None) -> tuple[list[UnitRow], object]:
    """The units the rule covers in the scope, each with its members, required and actual full-time staff.

    A unit is the basic party organization of an agency (the rule's sectors): an org of those sectors that is not
    a working committee or the top of the tree, whose parent is outside those sectors, a working committee or the
    top (e.g. 县财政局机关党支部 under 县直机关工委, a township's 机关党支部). Its staff count over its subtree.
    """
    on = on or dt.date.today()
    rules = rules_for(on)
    if under is None and not actor.unrestricted and not actor.subtree_paths():
        raise NotFound()
    qs = scope(Org.objects.filter(abolished_on__isnull=True, kind__in=UNIT_KINDS, sector__in=rules["sectors"], depth__gt=1), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "path"))
    qs = qs.filter(
        Q(parent__kind=OrgKind.WORKING_COMMITTEE) | Q(parent__depth=1) | ~Q(parent__sector__in=rules["sectors"])
    ).order_by("path")
    orgs = list(qs.values("pk", "name", "path"))
    members = stats_selectors.member_totals(o["pk"] for o in orgs)
    in_post = PartyAffairsStaff.objects.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    by_path = {o["path"]: UnitRow(o["pk"], o["name"], o["path"], members.get(o["pk"], 0), 0, 0, 0) for o in orgs}
    for row in by_path.values():
        row.required = required_staff(row.members, rules)
    if by_path:
        area = Q(pk__in=[])
        for root in _roots(by_path):
            area |= subtree_q(root, "org__path")
        for path, name, full_time in in_post.filter(area).values_list("org__path", "name", "full_time").order_by("name").iterator(chunk_size=2000):
            for i in range(STEP, len(path) + 1, STEP):
                row = by_path.get(path[:i])
                if row is not None:
                    if full_time:
                        row.full_time += 1
                        row.staff.append(name)
                    else:
                        row.part_time += 1
                    break
    return list(by_path.values()), rules


def _roots(by_path) -> list[str]:
    """The unit paths with none of their ancestors among them (the areas to read staff from)."""
    out = []
    for p in sorted(by_path):
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out


def gaps(actor: Actor, *, under: Org | None = None, on: dt.date | None = None) -> list[UnitRow]:
    rows, _rules = units(actor, under=under, on=on)
    return [r for r in rows if r.gap]
