"""Scoped reads: the two-committee registry and its structure report against the targets, secondments (and the
overdue end assessments), units without a party organization and the instructors' coverage."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.scope import scope
from orgwork.orgs.models import COMMITTEE_KINDS, Org, OrgKind

from .models import Cadre, FormerCadre, LeavingAllowance, Pairing, Placement, Probation, ReserveCadre, Secondment, Unit, Visit, YearAssessment
from .rules import age_band, base_key, cadre_rules, meets, money, pairing_rules, pay_rules, structure_rules

VILLAGE_KINDS = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
SECTOR_LABELS = {"rural": gettext_lazy("农村"), "community": gettext_lazy("社区")}


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
    labels = ([_("%(age)s岁及以下") % {"age": bands[0]}] + [_("%(low)s–%(high)s岁") % {"low": a + 1, "high": b} for a, b in itertools.pairwise(bands)]
              + [_("%(age)s岁以上") % {"age": bands[-1]}])
    rows = {s: SectorRow(s, str(label), rules["college_share"][s], ages=[0] * (len(bands) + 1)) for s, label in SECTOR_LABELS.items()}
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


# --- post history ---------------------------------------------------------------------------------------------


def history(actor: Actor, cadre: Cadre):
    """Every record of the person (by ID number) the actor may read, oldest first: the post history."""
    return scope(Cadre.objects.select_related("org"), actor).filter(id_number=cadre.id_number).order_by("started_on", "pk")


def _chain(cadre: Cadre):
    """The person's records in the same village (unscoped; the caller already holds one of them)."""
    return Cadre.objects.filter(org_id=cadre.org_id, id_number=cadre.id_number).order_by("started_on", "pk")


def probations_due(actor: Actor, *, today: dt.date | None = None):
    today = today or dt.date.today()
    return scope(Cadre.objects.select_related("org"), actor).filter(
        ended_on__isnull=True, probation__in=(Probation.ON, Probation.EXTENDED), probation_ends_on__lte=today
    ).order_by("probation_ends_on", "pk")


# --- scores of the village sets (kernel scoring engine) -------------------------------------------------------


def _set_code(which: str, year: int) -> str:
    return cadre_rules(on=dt.date(year, 12, 31))["sets"][which]


def person_total(cadre: Cadre, which: str, year: int):
    """The person's approved year total on a set, over all their records in the village (a post change mid-year
    keeps the year whole); None when nothing was approved."""
    from orgwork.core.scoring.models import ScoreTotal

    ids = list(_chain(cadre).values_list("pk", flat=True))
    rows = ScoreTotal.objects.filter(indicator_set__code=_set_code(which, year), bucket=f"Y{year}", subject_type="villages.cadre", subject_id__in=ids, entries__gt=0)
    totals = [r.total for r in rows]
    return sum(totals, Decimal("0.00")) if totals else None


def person_grade(cadre: Cadre, which: str, year: int) -> str:
    """The grade of the year's total by the thresholds of the set version in force at the year's end ("" = not rated)."""
    from orgwork.core.scoring import selectors as scoring

    total = person_total(cadre, which, year)
    if total is None:
        return ""
    s = scoring.get_set(_set_code(which, year))
    ver = scoring.version_on(s, dt.date(year, 12, 31)) if s else None
    return scoring.grade_for(ver.grades, total) if ver else ""


@dataclass
class ResultRow:
    cadre: Cadre
    total: Decimal | None
    grade: str


def results(actor: Actor, *, which: str, year: int, under: Org | None = None) -> list[ResultRow]:
    """Everyone who held a post in the year (latest record per person and village) with the year total and grade;
    highest first, the unrated last."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = scope(Cadre.objects.select_related("org"), actor).filter(started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if which == "competence":
        qs = qs.filter(party_post__in=cadre_rules(on=end)["competence_posts"])
    latest: dict[tuple[int, str], Cadre] = {}
    for c in qs.order_by("started_on", "pk").iterator(chunk_size=2000):
        latest[(c.org_id, c.id_number)] = c
    rows = [ResultRow(c, person_total(c, which, year), "") for c in latest.values()]
    for r in rows:
        r.grade = person_grade(r.cadre, which, year) if r.total is not None else ""
    return sorted(rows, key=lambda r: (r.total is None, -(r.total or 0), r.cadre.org.path, r.cadre.name))


def secretary_years(cadre: Cadre) -> int:
    """Whole years the person held the secretary post in the village (all records up to this one's end)."""
    days = 0
    for c in _chain(cadre).filter(party_post="secretary"):
        end = c.ended_on or dt.date.today()
        days += (end - c.started_on).days + 1
    return int(days // 365.25)


def excellent_years(cadre: Cadre) -> int:
    first = _chain(cadre).values_list("started_on", flat=True).first()
    last = cadre.ended_on or dt.date.today()
    top = {g["grade"] for g in _top_grades()}
    return sum(1 for y in range(first.year, last.year + 1) if person_grade(cadre, "review", y) in top)


def _top_grades():
    from .rules import CADRE_REVIEW_SPEC

    grades = CADRE_REVIEW_SPEC["version"]["grades"]
    return grades[:1]  # the highest grade (优秀)


# --- pay sheets -------------------------------------------------------------------------------------------------


@dataclass
class PayRow:
    cadre: Cadre
    post: str
    base: Decimal
    performance_standard: Decimal
    review_grade: str
    coefficient: Decimal
    performance: Decimal
    competence_grade: str
    supplement: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.performance + self.supplement


@dataclass
class FormerRow:
    former: FormerCadre
    class_label: str
    monthly: Decimal
    county: Decimal
    township: Decimal


@dataclass
class PaySheet:
    township: Org
    year: int
    month: int | None  # None: the year's sheet
    rules: object
    rows: list[PayRow]
    former: list[FormerRow]
    allowances: list[LeavingAllowance]

    @property
    def pay_total(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal("0.00"))

    @property
    def former_total(self) -> Decimal:
        return sum((r.monthly for r in self.former), Decimal("0.00"))

    @property
    def allowance_total(self) -> Decimal:
        return sum((a.amount for a in self.allowances), Decimal("0.00"))

    @property
    def township_total(self) -> Decimal:
        """What the township budget pays (结构报酬 are paid by the township; the subsidy is shared with the county)."""
        return self.pay_total + sum((r.township for r in self.former), Decimal("0.00")) + self.allowance_total

    @property
    def title(self) -> str:
        when = _("%(year)s年%(month)s月") % {"year": self.year, "month": self.month} if self.month else _("%(year)s年度") % {"year": self.year}
        return _("%(township)s村（社区）干部报酬发放表（%(when)s）") % {"township": self.township.name, "when": when}


def townships(actor: Actor):
    """Township and street committees that have village or community organizations under them (the payers)."""
    parents = villages(actor).values_list("parent_id", flat=True)
    return scope(Org.objects.filter(pk__in=parents), actor).order_by("path")


def pay_sheet(actor: Actor, *, township: Org, year: int, month: int) -> PaySheet:
    """The month's pay of every village and community cadre under the township (结构工资: base + performance by
    the previous year's 述职评议 grade; the secretary's supplement by the previous year's competence grade), the
    former cadres' subsidies by class with the county and township shares, and the leaving allowances granted."""
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    rules = pay_rules(on=end)
    orgs = list(villages(actor, under=township))
    ids = [o.pk for o in orgs]
    qs = Cadre.objects.select_related("org").filter(org_id__in=ids, started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    qs = qs.filter(Q(probation="") | ~Q(probation=Probation.NOT_CONFIRMED) | Q(ended_on__gte=start))
    latest: dict[tuple[int, str], Cadre] = {}
    for c in qs.order_by("started_on", "pk"):
        latest[(c.org_id, c.id_number)] = c
    rows = []
    for c in sorted(latest.values(), key=lambda c: (c.org.path, c.party_post != "secretary", c.name)):
        key = base_key(c.party_post, c.village_post)
        base = money(rules["base"][key]) + (money(rules["cross_holding_extra"]) if c.cross_holding else Decimal("0.00"))
        std = money(rules["performance"][key])
        grade = person_grade(c, "review", year - 1)
        coef = Decimal(rules["performance_coefficient"].get(grade, rules["performance_default"]))
        comp = person_grade(c, "competence", year - 1) if c.party_post == "secretary" else ""
        sup = money(rules["secretary_supplement"].get(comp, "0")) if c.party_post == "secretary" else Decimal("0.00")
        post = "、".join(x for x in (c.get_party_post_display(), c.get_village_post_display()) if x)
        rows.append(PayRow(c, post, base, std, grade, coef, money(std * coef), comp, sup))
    classes = {c["code"]: c for c in rules["former_classes"]}
    share = Decimal(rules["former_county_share"])
    former = []
    fq = FormerCadre.objects.select_related("org").filter(org_id__in=ids, subsidy_from__lte=end).filter(Q(subsidy_until__isnull=True) | Q(subsidy_until__gte=start))
    for f in fq.order_by("org__path", "name"):
        cls = classes.get(f.subsidy_class)
        monthly = money(cls["monthly"]) if cls else Decimal("0.00")
        county = money(monthly * share)
        former.append(FormerRow(f, cls["label"] if cls else f.subsidy_class, monthly, county, monthly - county))
    allowances = list(LeavingAllowance.objects.select_related("org").filter(org_id__in=ids, granted_on__gte=start, granted_on__lte=end).order_by("granted_on", "pk"))
    return PaySheet(township, year, month, rules, rows, former, allowances)


def pay_sheet_year(actor: Actor, *, township: Org, year: int, until: dt.date | None = None) -> PaySheet:
    """The year's sheet: the months so far (up to `until`, default today) added up per person."""
    until = until or dt.date.today()
    last = 12 if until.year > year else until.month
    rows: dict[tuple[int, str], PayRow] = {}
    former: dict[int, FormerRow] = {}
    allowances: list[LeavingAllowance] = []
    rules = None
    for m in range(1, last + 1):
        sheet = pay_sheet(actor, township=township, year=year, month=m)
        rules = sheet.rules
        for r in sheet.rows:
            k = (r.cadre.org_id, r.cadre.id_number)
            if k in rows:
                o = rows[k]
                o.cadre, o.post = r.cadre, r.post
                o.base += r.base
                o.performance_standard += r.performance_standard
                o.performance += r.performance
                o.supplement += r.supplement
            else:
                rows[k] = r
        for f in sheet.former:
            if f.former.pk in former:
                o = former[f.former.pk]
                o.monthly, o.county, o.township = o.monthly + f.monthly, o.county + f.county, o.township + f.township
            else:
                former[f.former.pk] = f
        allowances += sheet.allowances
    return PaySheet(township, year, None, rules or pay_rules(on=dt.date(year, 12, 31)), list(rows.values()), list(former.values()), allowances)


def former_cadres(actor: Actor, *, under: Org | None = None, current: bool = True):
    qs = scope(FormerCadre.objects.select_related("org"), actor)
    if current:
        qs = qs.filter(subsidy_until__isnull=True)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return qs.order_by("org__path", "name")


# --- reserve cadres ----------------------------------------------------------------------------------------------


def reserves(actor: Actor, *, under: Org | None = None, current: bool = True):
    qs = scope(ReserveCadre.objects.select_related("org", "member"), actor)
    if current:
        qs = qs.filter(removed_on__isnull=True)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return qs.order_by("org__path", "name")


def reserve_hours(reserve: ReserveCadre, year: int) -> Decimal:
    """The year's training hours of a reserve cadre, from the training archive (学分制档案) by ID number."""
    from orgwork.training import selectors as training

    return training.hours(reserve.id_number, dt.date(year, 1, 1), dt.date(year, 12, 31))


def placements(actor: Actor, *, reserve: ReserveCadre | None = None):
    qs = scope(Placement.objects.select_related("reserve__org"), actor)
    if reserve is not None:
        qs = qs.filter(reserve=reserve)
    return qs.order_by("-started_on", "-id")


def placements_overdue(actor: Actor, *, today: dt.date | None = None):
    today = today or dt.date.today()
    return placements(actor).filter(ends_on__lt=today, assessed_on__isnull=True).order_by("ends_on", "pk")


# --- first secretaries and pairing ------------------------------------------------------------------------------


def first_secretaries(actor: Actor, *, under: Org | None = None):
    return secondments(actor, under=under, kind=pairing_rules()["first_secretary_kind"])


def year_assessments_due(actor: Actor, *, today: dt.date | None = None):
    """First secretaries in post during last year without that year's assessment (due from 1 January)."""
    today = today or dt.date.today()
    year = today.year - 1
    done = YearAssessment.objects.filter(year=year).values("secondment_id")
    return (
        first_secretaries(actor)
        .filter(started_on__lte=dt.date(year, 12, 31), ends_on__gte=dt.date(year, 1, 1))
        .exclude(pk__in=done)
        .order_by("started_on", "pk")
    )


def pairings(actor: Actor, *, under: Org | None = None, kind: str = "", current: bool = True):
    qs = scope(Pairing.objects.select_related("org", "helper_member"), actor).annotate(last_visit=Max("visits__on"))
    if current:
        qs = qs.filter(ended_on__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return qs.order_by("kind", "org__path", "pk")


def visits(actor: Actor, pairing: Pairing):
    return scope(Visit.objects.all(), actor).filter(pairing=pairing).order_by("-on", "-id")


def visit_due(p: Pairing, rules) -> dt.date:
    """The day the next visit is due: the rule's days after the last visit (or after the start)."""
    last = p.last_visit if hasattr(p, "last_visit") else p.visits.aggregate(m=Max("on"))["m"]
    return (last or p.started_on) + dt.timedelta(days=rules["visit_every_days"][p.kind])


def visits_overdue(actor: Actor, *, today: dt.date | None = None):
    """Current pairings whose last visit (or start) is longer ago than the rule allows for their kind."""
    today = today or dt.date.today()
    rules = pairing_rules(on=today)
    out = []
    for p in pairings(actor).iterator(chunk_size=2000):
        if visit_due(p, rules) < today:
            out.append(p)
    return out
