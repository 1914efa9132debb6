"""Demo data for training: registered cadres, a county class and a winter class with attendance, an elective with
seats, online study, a year exam with every grade — small and fast, through the services (audited like real work)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orgwork.core import idcard
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import OfficerPost, OrgOfficer

from . import services
from .models import Trainee

LEADERS = (("周建华", "县委副书记"), ("陈志远", "副县长"), ("刘明", "县委组织部部长"))
TOWNSHIP = (("何晓东", "镇长"), ("王丽", "副镇长"), ("黄涛", "镇党委组织委员"), ("杨帆", "镇纪委书记"))


def _day(builder, year: int) -> dt.date:
    """A day in `year` not after today."""
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), builder.today)
    return start + dt.timedelta(days=builder.rng.randint(0, max((end - start).days, 0)))


def _new_id(builder, birth_year: int) -> str:
    while True:
        number = idcard.make("511526", dt.date(birth_year, builder.rng.randint(1, 12), builder.rng.randint(1, 28)), builder.rng.randint(1, 999))
        if number not in builder.used_ids and not Trainee.objects.filter(id_number=number).exists():
            builder.used_ids.add(number)
            return number


def build(root, builder) -> dict:
    if Trainee.objects.exists():  # --if-empty: once is enough
        return {}
    a, rng, year = builder.actor, builder.rng, builder.today.year
    towns = [o for o in root.children.all().order_by("path") if "镇" in o.name]
    people = []
    for name, post in LEADERS:  # cadres who may not be members: keyed by ID number
        people.append(services.register_person(actor=a, id_number=_new_id(builder, 1970), name=name, org_id=root.pk, role="county_leader", post=post))
    for i, (name, post) in enumerate(TOWNSHIP):
        town = towns[i % len(towns)] if towns else root
        people.append(services.register_person(actor=a, id_number=_new_id(builder, 1982), name=name, org_id=town.pk, role="township", post=post))
    # Village cadres: the secretaries of rural branches (村党组织书记), rotated every 3 years.
    village_secs = OrgOfficer.objects.filter(post=OfficerPost.SECRETARY, ended_on__isnull=True, org__sector="rural", org__kind="branch", member__isnull=False).select_related("member")[:12]
    for o in village_secs:
        m = o.member
        people.append(services.register_person(actor=a, id_number=m.id_number, name=m.name, member_id=m.pk, role="village_cadre", post="村党组织书记"))
    county_class = services.create_course(actor=a, org_id=root.pk, title=f"{year}年全县基层党组织书记示范培训班", kind="class", hours=24, starts_on=dt.date(year, 1, 8), ends_on=dt.date(year, 1, 10))
    winter = services.create_course(actor=a, org_id=root.pk, title=f"{year}年党员冬训", kind="class", hours=16, starts_on=dt.date(year, 1, 15), ends_on=dt.date(year, 1, 20))
    elective = services.create_course(
        actor=a, org_id=root.pk, title="乡村振兴专题（自主选学）", kind="elective", hours=8, starts_on=builder.today, ends_on=builder.today + dt.timedelta(days=60), seats=30,
    )  # fmt: skip
    credited = 0
    if builder.today >= winter.ends_on:
        for t in people:
            if t.role in ("village_cadre", "township") and rng.random() < 0.8:
                services.credit_hours(a, id_number=t.id_number, name=t.name, hours=county_class.hours, on=county_class.ends_on, source="attendance", ref=f"course:{county_class.pk}:{t.id_number}", course=county_class)
                credited += 1
        # Branch secretaries and committee members of a dozen branches attend the county class (rules.md §7: 56 h).
        branches = builder.branches[:12]
        for o in OrgOfficer.objects.filter(org__in=branches, ended_on__isnull=True, member__isnull=False).exclude(post=OfficerPost.GROUP_LEADER).select_related("member"):
            ref = f"course:{county_class.pk}:{o.member.id_number}"
            if rng.random() < 0.9 and not services.Credit.objects.filter(source="attendance", ref=ref).exists():
                services.credit_hours(a, id_number=o.member.id_number, name=o.member.name, hours=county_class.hours, on=county_class.ends_on, source="attendance", ref=ref, course=county_class)
                credited += 1
        # Winter class and online study: most members of those branches; the rest of the county is still short (the report shows it).
        members = Member.objects.filter(org__in=branches, standing=Standing.NORMAL).order_by("pk")
        for m in members:
            if rng.random() < 0.75:
                services.credit_hours(a, id_number=m.id_number, name=m.name, hours=winter.hours, on=winter.ends_on, source="attendance", ref=f"course:{winter.pk}:{m.id_number}", course=winter)
                credited += 1
            if rng.random() < 0.7:
                services.credit_hours(a, id_number=m.id_number, name=m.name, hours=Decimal(rng.randint(8, 36)), on=_day(builder, year), source="online:学习强国", ref=f"demo-{m.id_number}-{year}")
                credited += 1
    for i, t in enumerate(people[: len(LEADERS)]):  # county leaders: five years of hours, one short of 550
        for y in range(year - 4, year + 1):
            services.credit_hours(a, id_number=t.id_number, name=t.name, hours=Decimal(120 if i else 100), on=_day(builder, y), source="manual", ref=f"demo-leader-{t.pk}-{y}", note="党校主体班")
    for t in people[len(LEADERS) : len(LEADERS) + 6]:
        services.enrol(actor=a, course_id=elective.pk, id_number=t.id_number, name=t.name)
    exam = services.create_exam(actor=a, org_id=root.pk, title=f"{year - 1}年度干部考学", year=year - 1, held_on=dt.date(year - 1, 12, 15))
    grades = {}
    for t in people:
        s = services.record_score(actor=a, exam_id=exam.pk, id_number=t.id_number, name=t.name, score=rng.choice([95, 86, 78, 72, 64, 55]))
        grades[s.grade] = grades.get(s.grade, 0) + 1
    return {"people": len(people), "courses": 3, "credits": credited, "exam_grades": grades}
