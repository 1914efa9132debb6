"""Scoped reads: the two-committee registry and its structure report against the targets, secondments (and the
overdue end assessments), units without a party organization and the instructors' coverage."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.scope import scope
from orgwork.orgs.models import COMMITTEE_KINDS, Org, OrgKind

from .models import Cadre, Secondment, Unit
from .rules import age_band, meets, structure_rules

VILLAGE_KINDS = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
SECTOR_LABELS = {"rural": "农村", "community": "社区"}


def cadres(actor: Actor, *, under: Org | None = None, current: bool = True):
    qs = scope(Cadre.objects.select_related("org", "member"), actor)
    if current:
        qs = qs.filter(ended_on__isnull=True)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return qs.order_by("org__path", "party_post", "name")


def villages(actor: Actor, *, under: Org | None = None):
    """The village and community organizations: branches (or general branches) of those sectors directly under a
    township or street committee (a general branch's own branches are part of its village)."""
    qs = scope(Org.objects.filter(abolished_on__isnull=True, sector__in=SECTOR_LABELS, kind__in=VILLAGE_KINDS, parent__kind__in=COMMITTEE_KINDS), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "path"))
    return qs.order_by("path")


@dataclass
class SectorRow:
    sector: str
    label: str
    target: str  # the share with college education the rule asks for, e.g. "0.30"
    total: int = 0
    college: int = 0
    cross: int = 0
    graduate_officials: int = 0
    ages: list[int] = field(default_factory=list)

    @property
    def college_share(self) -> float:
        return self.college / self.total if self.total else 0.0

    @property
    def cross_share(self) -> float:
        return self.cross / self.total if self.total else 0.0

    @property
    def meets_target(self) -> bool:
        return meets(self.college, self.total, self.target)

    @property
    def target_percent(self) -> str:
        return f"{float(self.target) * 100:g}%"


@dataclass
class Report:
    rules: object
    on: dt.date
    sectors: list[SectorRow]
    band_labels: list[str]
    villages: int
    secretaries: int
    secretaries_chairing: int
    without_graduate: list[Org]


def structure(actor: Actor, *, under: Org | None = None, on: dt.date | None = None) -> Report:
    on = on or dt.date.today()
    rules = structure_rules(on=on)
    bands = rules["age_bands"]
    labels = [f"{bands[0]}岁及以下"] + [f"{a + 1}–{b}岁" for a, b in itertools.pairwise(bands)] + [f"{bands[-1]}岁以上"]
    rows = {s: SectorRow(s, label, rules["college_share"][s], ages=[0] * (len(bands) + 1)) for s, label in SECTOR_LABELS.items()}
    college = set(rules["college_levels"])
    secretaries = chairing = 0
    with_graduate: set[int] = set()
    for c in cadres(actor, under=under).iterator(chunk_size=2000):
        row = rows.get(c.org.sector)
        if row is None:
            continue
        row.total += 1
        row.college += c.education in college
        row.cross += c.cross_holding
        age = on.year - c.birth_date.year - ((on.month, on.day) < (c.birth_date.month, c.birth_date.day))
        row.ages[age_band(age, bands)] += 1
        if c.graduate_official:
            row.graduate_officials += 1
            with_graduate.add(c.org_id)
        if c.party_post == "secretary":
            secretaries += 1
            chairing += c.village_post == "chair"
    orgs = list(villages(actor, under=under))
    required = set(rules["graduate_official_required"])
    without = [o for o in orgs if o.sector in required and o.pk not in with_graduate]
    return Report(rules, on, list(rows.values()), labels, len(orgs), secretaries, chairing, without)


def secondments(actor: Actor, *, under: Org | None = None, kind: str = ""):
    qs = scope(Secondment.objects.select_related("org", "member"), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-started_on", "name")


def overdue_assessments(actor: Actor, *, today: dt.date | None = None):
    today = today or dt.date.today()
    return secondments(actor).filter(ends_on__lt=today, assessed_on__isnull=True).order_by("ends_on", "pk")


def units(actor: Actor, *, under: Org | None = None, open_only: bool = False):
    qs = scope(Unit.objects.select_related("org", "instructor", "party_org"), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if open_only:
        qs = qs.filter(party_org__isnull=True)
    return qs.order_by("org__path", "name")


@dataclass
class Coverage:
    units: int  # still without a party organization
    with_instructor: int
    set_up: int  # registered units that have since set up their party organization

    @property
    def share(self) -> float:
        return self.with_instructor / self.units if self.units else 0.0


def coverage(actor: Actor, *, under: Org | None = None, today: dt.date | None = None) -> Coverage:
    """Instructor coverage of the units still without a party organization (an instructor counts while in post)."""
    today = today or dt.date.today()
    qs = units(actor, under=under)
    open_units = qs.filter(party_org__isnull=True)
    covered = open_units.filter(instructor__isnull=False, instructor__started_on__lte=today, instructor__ends_on__gte=today).count()
    return Coverage(open_units.count(), covered, qs.filter(party_org__isnull=False).count())
