"""Reads of the training app, scoped through core.scope — and the three queries other apps call.

Public (names fixed, other apps code against them):
- `study_grade_poor(id_number, year)` — True when the person has a 较差 study-exam grade in that year; then the
  person is not eligible for awards or promotion that year (rules.md §7, seed 001). Awards and cadre selection call it.
- `hours(id_number, date_from, date_to)` — hours credited in the period (both ends included).
- `requirement_status(id_number, year)` — hours required of the person's role, done, short (rules.md §7, §5).

These three take a resident ID number (15 or 18 digits, any spacing) and reveal one fact about one person: they
are not scoped, the caller has already resolved the person through its own scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Sum

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.rules import RuleSet, rule
from orgwork.core.scope import get_in_scope, scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import BRANCH_KINDS, STEP, OfficerPost, Org, OrgKind, OrgOfficer

from .models import Course, Credit, Enrolment, Exam, ExamScore, Grade, Trainee, TraineeRole
from .rules import EXAM_GRADES, grade_rules, requirement, requirement_rules, rotation_rules

ZERO = Decimal("0")


def _number(id_number) -> str:
    """The 18-digit form of a number (a 15-digit old one upgraded); a malformed number is a field error."""
    try:
        return idcard.parse(id_number).value
    except idcard.IdNumberError as exc:
        raise ServiceError.single("id_number", exc.code, exc.message) from None


# --- the public queries -----------------------------------------------------------------------------


def study_grade_poor(id_number: str, year: int) -> bool:
    """True when the person was graded 较差 in a study exam of `year` (rules.md §7: not eligible for awards or
    promotion that year). Which grades bar is rule data (`bars_awards_and_promotion`) of the version each score
    was graded under."""
    number = _number(id_number)
    rows = ExamScore.objects.filter(trainee__id_number=number, exam__year=int(year)).values_list("grade", "rule_version")
    for grade, version in rows:
        if grade in rule(EXAM_GRADES, version=version)["bars_awards_and_promotion"]:
            return True
    return False


def hours(id_number: str, date_from: dt.date, date_to: dt.date) -> Decimal:
    """Hours credited to the person between the two days (both included); corrections subtract."""
    number = _number(id_number)
    total = Credit.objects.filter(trainee__id_number=number, on__gte=date_from, on__lte=date_to).aggregate(s=Sum("hours"))["s"]
    return total if total is not None else ZERO


@dataclass(frozen=True)
class Status:
    id_number: str
    name: str
    role: str
    role_label: str
    year: int
    required: Decimal  # 0 when the role has no requirement
    years: int  # the period the hours are counted over (1, or 5 for county-level leaders)
    date_from: dt.date
    date_to: dt.date
    done: Decimal
    rule_version: str
    source: str

    @property
    def short(self) -> Decimal:
        return max(self.required - self.done, ZERO)

    @property
    def met(self) -> bool:
        return self.done >= self.required

    def as_dict(self) -> dict:
        return {
            "id_number": self.id_number, "name": self.name, "role": self.role, "role_label": self.role_label, "year": self.year,
            "required": f"{self.required:.1f}", "years": self.years, "date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat(),
            "done": f"{self.done:.1f}", "short": f"{self.short:.1f}", "met": self.met, "rule_version": self.rule_version, "source": self.source,
        }  # fmt: skip


ROLE_LABELS = dict(TraineeRole.choices)
GRASSROOTS_KINDS = (*BRANCH_KINDS, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)
TEAM_POSTS = [p for p in OfficerPost.values if p != OfficerPost.GROUP_LEADER]


def _team_member_ids(member_ids=None, member_qs: QuerySet | None = None, *, on: dt.date) -> set[int]:
    """Members sitting on a grassroots party organization's committee (书记和班子成员) during the year."""
    qs = OrgOfficer.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on.replace(month=1, day=1)), member__isnull=False, post__in=TEAM_POSTS, org__kind__in=GRASSROOTS_KINDS, org__parent__isnull=False)
    qs = qs.filter(member_id__in=member_ids) if member_ids is not None else qs.filter(member__in=member_qs)
    return set(qs.values_list("member_id", flat=True))


def role_of(trainee_role: str | None, *, is_member: bool, on_team: bool) -> str:
    """A person's requirement group: a registered cadre role wins, then a seat on a grassroots committee, then member."""
    if trainee_role and trainee_role not in (TraineeRole.MEMBER, TraineeRole.OTHER):
        return trainee_role
    if on_team:
        return TraineeRole.GRASSROOTS
    if is_member or trainee_role == TraineeRole.MEMBER:
        return TraineeRole.MEMBER
    return TraineeRole.OTHER


def _period(year: int, years: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - years + 1, 1, 1), dt.date(year, 12, 31)


def rules_for_year(year: int) -> RuleSet:
    """The requirement rule in force at the end of the year."""
    return requirement_rules(dt.date(int(year), 12, 31))


def requirement_status(id_number: str, year: int) -> Status:
    """The person's requirement for `year` (a 5-year requirement counts the five years ending with it), done, short."""
    number = _number(id_number)
    year = int(year)
    rules = rules_for_year(year)
    t = Trainee.objects.filter(id_number=number).first()
    m = Member.objects.filter(id_number=number).first() if t is None or t.member_id is None else t.member
    on_team = bool(m and _team_member_ids([m.pk], on=dt.date(year, 12, 31)))
    role = role_of(t.role if t else None, is_member=m is not None and m.standing == Standing.NORMAL, on_team=on_team)
    req = requirement(role, rules)
    required, years = req if req else (ZERO, 1)
    date_from, date_to = _period(year, years)
    return Status(
        id_number=number, name=(t.name if t else m.name if m else ""), role=role, role_label=str(ROLE_LABELS[role]), year=year,
        required=required, years=years, date_from=date_from, date_to=date_to, done=hours(number, date_from, date_to),
        rule_version=rules.version, source=rules.source,
    )  # fmt: skip


# --- scoped reads -----------------------------------------------------------------------------------


def trainees(actor: Actor) -> QuerySet[Trainee]:
    return scope(Trainee.objects.select_related("org", "member"), actor)


def get_trainee(actor: Actor, pk) -> Trainee:
    return get_in_scope(Trainee.objects.select_related("org", "member", "member__org"), actor, pk=pk)


def courses(actor: Actor) -> QuerySet[Course]:
    return scope(Course.objects.select_related("org"), actor)


def get_course(actor: Actor, pk) -> Course:
    return get_in_scope(Course.objects.select_related("org"), actor, pk=pk)


def open_electives_for(member: Member, *, today: dt.date | None = None) -> QuerySet[Course]:
    """自主选学 offers a member may take: electives of their own organization or one above it, still open."""
    today = today or dt.date.today()
    paths = [*member.org.ancestor_paths(), member.org.path]
    return (
        Course.objects.select_related("org").filter(kind="elective", org__path__in=paths, ends_on__gte=today)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=today)).order_by("starts_on", "id")
    )  # fmt: skip


def own_member(actor: Actor) -> Member | None:
    return Member.objects.select_related("org").filter(pk__in=actor.self_member_ids).order_by("pk").first()


def credits(actor: Actor) -> QuerySet[Credit]:
    return scope(Credit.objects.select_related("trainee", "trainee__org", "course"), actor)


def exams(actor: Actor) -> QuerySet[Exam]:
    return scope(Exam.objects.select_related("org"), actor)


def get_exam(actor: Actor, pk) -> Exam:
    return get_in_scope(Exam.objects.select_related("org"), actor, pk=pk)


def exam_scores(actor: Actor, exam: Exam) -> QuerySet[ExamScore]:
    return scope(ExamScore.objects.select_related("trainee", "trainee__org"), actor).filter(exam=exam).order_by("-score", "trainee__name")


def enrolments(actor: Actor, course: Course) -> QuerySet[Enrolment]:
    return scope(Enrolment.objects.select_related("trainee", "trainee__org"), actor).filter(course=course, cancelled_at__isnull=True).order_by("enrolled_at")


def grade_counts(exam: Exam) -> dict[str, int]:
    counts = dict.fromkeys(Grade.values, 0)
    for g in exam.scores.values_list("grade", flat=True):
        counts[g] += 1
    return counts


def archive(id_number: str, *, year: int) -> dict:
    """One person's study archive (学分制档案) — the caller has resolved the person through its scope: status for the
    year, hours per year, every credit, exam score and enrolment."""
    number = _number(id_number)
    status = requirement_status(number, year)
    mine = Credit.objects.filter(trainee__id_number=number)
    return {
        "status": status,
        "per_year": list(mine.values_list("on__year").annotate(s=Sum("hours")).order_by("-on__year")),
        "credits": mine.select_related("course").order_by("-on", "-id"),
        "scores": ExamScore.objects.filter(trainee__id_number=number).select_related("exam").order_by("-exam__year", "-exam__held_on"),
        "enrolments": Enrolment.objects.filter(trainee__id_number=number).select_related("course").order_by("-enrolled_at"),
        "poor_years": sorted(set(ExamScore.objects.filter(trainee__id_number=number, grade=Grade.POOR).values_list("exam__year", flat=True)), reverse=True),
    }


def grade_rule(on: dt.date) -> RuleSet:
    return grade_rules(on)


# --- coverage ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id_number: str
    name: str
    org_id: int
    org_name: str
    org_path: str
    role: str
    required: Decimal
    years: int
    done: Decimal
    trainee_id: int | None
    member_id: int | None

    @property
    def short(self) -> Decimal:
        return max(self.required - self.done, ZERO)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


@dataclass
class Coverage:
    year: int
    rules: RuleSet
    rows: list[Row]

    @property
    def short_rows(self) -> list[Row]:
        return [r for r in self.rows if r.short > 0]

    @property
    def people(self) -> int:
        return len(self.rows)

    @property
    def short_count(self) -> int:
        return sum(1 for r in self.rows if r.short > 0)

    @property
    def short_hours(self) -> Decimal:
        return sum((r.short for r in self.rows), ZERO)

    def by_role(self) -> list[tuple[str, int, int]]:
        out: dict[str, list[int]] = {}
        for r in self.rows:
            c = out.setdefault(r.role, [0, 0])
            c[0] += 1
            c[1] += r.short > 0
        return [(str(ROLE_LABELS[k]), v[0], v[1]) for k, v in sorted(out.items(), key=lambda kv: list(ROLE_LABELS).index(kv[0]))]


def _under_q(under: Org | None, field: str) -> Q:
    return subtree_q(under.path, field) if under is not None else Q()


def coverage(actor: Actor, *, year: int, under: Org | None = None) -> Coverage:
    """Everyone in scope with a requirement for `year`: members in good standing and registered cadres; hours done and short.

    Hours are summed in the database, one query per distinct period (1 year, 5 years), by ID number.
    """
    year = int(year)
    rules = rules_for_year(year)
    end = dt.date(year, 12, 31)
    member_qs = scope(Member.objects.filter(standing=Standing.NORMAL), actor).filter(_under_q(under, "org__path"))
    trainee_qs = scope(Trainee.objects.all(), actor).filter(_under_q(under, "org__path"))
    members = list(member_qs.values_list("pk", "id_number", "name", "org_id", "org__name", "org__path"))
    by_member = dict(Trainee.objects.filter(member_id__in=member_qs.values("pk")).values_list("member_id", "pk"))
    roles_by_member = dict(Trainee.objects.filter(member_id__in=member_qs.values("pk")).values_list("member_id", "role"))
    team = _team_member_ids(member_qs=member_qs, on=end)
    people = []  # (id_number, name, org_id, org_name, org_path, role, trainee_id, member_id)
    for pk, number, name, org_id, org_name, org_path in members:
        role = role_of(roles_by_member.get(pk), is_member=True, on_team=pk in team)
        people.append((number, name, org_id, org_name, org_path, role, by_member.get(pk), pk))
    for pk, number, name, org_id, org_name, org_path, role in trainee_qs.filter(Q(member__isnull=True) | ~Q(member__standing=Standing.NORMAL)).values_list(
        "pk", "id_number", "name", "org_id", "org__name", "org__path", "role"
    ):
        people.append((number, name, org_id, org_name, org_path, role_of(role, is_member=False, on_team=False), pk, None))
    needs = {}
    for p in people:
        req = requirement(p[5], rules)
        if req:
            needs[p[0]] = req
    done: dict[str, Decimal] = {}
    for years in sorted({y for _h, y in needs.values()}):
        start, stop = _period(year, years)
        numbers = Q(trainee__member__in=member_qs) | Q(trainee__in=trainee_qs)
        for number, total in (
            Credit.objects.filter(numbers, on__gte=start, on__lte=stop).values_list("trainee__id_number").annotate(s=Sum("hours")).order_by()
        ):
            if number in needs and needs[number][1] == years:
                done[number] = total or ZERO
    paths = _path_names({p[2]: p[4] for p in people})
    rows = [
        Row(id_number=p[0], name=p[1], org_id=p[2], org_name=p[3], org_path=paths.get(p[2], p[3]), role=p[5], required=needs[p[0]][0], years=needs[p[0]][1],
            done=done.get(p[0], ZERO), trainee_id=p[6], member_id=p[7])
        for p in people if p[0] in needs
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.org_path, -r.short, r.name))
    return Coverage(year=year, rules=rules, rows=rows)


def _path_names(org_paths: dict[int, str]) -> dict[int, str]:
    """{org id: "县委/甲镇党委/红旗村党支部"} with one query for every ancestor."""
    wanted = set()
    for path in org_paths.values():
        wanted.update(path[:i] for i in range(STEP, len(path) + 1, STEP))
    names = dict(Org.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    return {oid: "/".join(names.get(path[:i], "?") for i in range(STEP, len(path) + 1, STEP)) for oid, path in org_paths.items()}


def shortfalls_by_org(*, year: int) -> Iterator[tuple[int, int, Decimal]]:
    """(org id, people short, hours short) for every org with someone short — the deadline provider's input (unscoped)."""
    cov = coverage(Actor.system_actor("training.shortfalls"), year=year)
    agg: dict[int, list] = {}
    for r in cov.short_rows:
        a = agg.setdefault(r.org_id, [0, ZERO])
        a[0] += 1
        a[1] += r.short
    for org_id, (n, h) in sorted(agg.items()):
        yield org_id, n, h


# --- rotation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationRow:
    name: str
    org_path: str
    group: str
    every: int
    last_trained: dt.date | None


ROTATION_LABELS = {"village_cadre": "村（社区）干部", "rural_member": "农村党员"}


def rotation(actor: Actor, *, on: dt.date | None = None, under: Org | None = None) -> dict:
    """Rotation (集中轮训): people in each group not trained in a class within the group's N years, as of `on`."""
    on = on or dt.date.today()
    rules = rotation_rules(on, field="on")
    groups = rules["groups"]
    out = {}
    member_qs = scope(Member.objects.filter(standing=Standing.NORMAL), actor).filter(_under_q(under, "org__path"))
    trainee_qs = scope(Trainee.objects.all(), actor).filter(_under_q(under, "org__path"))
    for group, every in groups.items():
        since = dt.date(on.year - every + 1, 1, 1)
        if group == "village_cadre":
            people = list(trainee_qs.filter(role=TraineeRole.VILLAGE_CADRE).values_list("id_number", "name", "org_id", "org__path"))
        elif group == "rural_member":
            people = list(member_qs.filter(org__sector="rural").values_list("id_number", "name", "org_id", "org__path"))
        else:
            people = []
        numbers = [p[0] for p in people]
        last = dict(
            Credit.objects.filter(trainee__id_number__in=numbers, course__kind__in=("class", "course"), hours__gt=0)
            .values_list("trainee__id_number").annotate(last=Max("on")).order_by()
        ) if numbers else {}  # fmt: skip
        paths = _path_names({p[2]: p[3] for p in people})
        missing = [RotationRow(p[1], paths.get(p[2], ""), group, every, last.get(p[0])) for p in people if last.get(p[0]) is None or last[p[0]] < since]
        missing.sort(key=lambda r: (r.org_path, r.name))
        out[group] = {"label": ROTATION_LABELS.get(group, group), "every": every, "since": since, "people": len(people), "missing": missing}
    return {"rules": rules, "groups": out, "on": on}
