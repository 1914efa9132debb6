"""Demo organizational life: a year of meetings for the demo county, so the compliance pages have something to show."""

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from orgwork.core import audit, distribution
from orgwork.core.actor import Actor
from orgwork.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus, SignInVia
from orgwork.meetings.services import refresh_talk_coverage
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org, OrgOfficer

TOPICS = {
    "committee_meeting": "研究本月党建工作",
    "theme_day": "主题党日：集中学习、缴纳党费、党性分析",
    "general_meeting": "支部党员大会：传达学习上级精神",
    "lecture": "专题党课",
    "review_meeting": "年度组织生活会",
    "appraisal": "民主评议党员",
    "talk": "谈心谈话",
    "group_meeting": "党小组学习",
}


class Command(BaseCommand):
    help = "Load a year of demo meetings (only when no meeting exists yet)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--if-empty", action="store_true")

    @transaction.atomic
    def handle(self, seed, if_empty, **options):
        if Meeting.objects.exists():
            self.stdout.write("已有会议记录，未加载演示会议 (meetings exist; skipped)")
            return
        rng = random.Random(seed)
        today = dt.date.today()
        first = dt.date(today.year - 1, today.month, 1)
        branches = list(Org.objects.filter(kind__in=["branch", "joint_branch"], abolished_on__isnull=True))
        groups = list(Org.objects.filter(kind="group", abolished_on__isnull=True))
        roster: dict[int, list[int]] = {}
        for mid, oid in Member.objects.filter(standing=Standing.NORMAL).values_list("id", "org_id"):
            roster.setdefault(oid, []).append(mid)
        secretaries = dict(OrgOfficer.objects.filter(post="secretary", ended_on__isnull=True).exclude(member=None).values_list("org_id", "member_id"))
        diligence = {b.pk: rng.choice([0.97, 0.9, 0.8, 0.6]) for b in branches}
        meetings, plan = [], []

        def add(org, kind, day, people, by_secretary=False):
            if day >= today or rng.random() > diligence.get(org.pk, diligence.get(org.parent_id, 0.9)):
                return
            m = Meeting(
                org=org, kind=kind, topic=TOPICS[kind], status=MeetingStatus.HELD, planned_on=day, held_on=day, place="党员活动室",
                host="书记", recorder="组织委员", speaker_is_secretary=by_secretary, speaker_id=secretaries.get(org.pk) if by_secretary else None,
                checklist={"study": True, "dues": True, "spirit": True} if kind == "theme_day" else {}, rules_version="2019",
            )
            meetings.append(m)
            plan.append(people)

        month = first
        while month < today:
            for b in branches:
                people = roster.get(b.pk, [])
                add(b, "committee_meeting", month.replace(day=5), [])
                add(b, "theme_day", month.replace(day=15), people)
                if month.month % 3 == 2:
                    add(b, "general_meeting", month.replace(day=10), people)
                    add(b, "lecture", month.replace(day=20), people, by_secretary=month.month == 8)
                if month.month == 12:
                    add(b, "review_meeting", month.replace(day=12), people)
                    add(b, "appraisal", month.replace(day=14), people)
                if people and month.month in (4, 10):
                    for k in range(0, len(people) - 1, 2):
                        add(b, "talk", month.replace(day=25), people[k : k + 2])
            for g in groups:
                add(g, "group_meeting", month.replace(day=8), [])
            month = (month + dt.timedelta(days=32)).replace(day=1)
        distribution.fill(meetings)
        Meeting.objects.bulk_create(meetings, batch_size=2000)
        rows = []
        for m, people in zip(meetings, plan, strict=True):
            for mid in people:
                present = rng.random() < 0.92
                rows.append(
                    Attendance(
                        meeting=m, member_id=mid, status=AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT,
                        absent_reason="" if present else rng.choice(["外出务工", "病假", "出差"]), via=SignInVia.MANUAL if present else "",
                    )
                )
        distribution.fill(rows)
        Attendance.objects.bulk_create(rows, batch_size=5000)
        refresh_talk_coverage(years=sorted({m.held_on.year for m in meetings}))
        audit.record_many(Actor.system_actor("demo"), [audit.Entry(action="meeting.demo_load", object_type="meetings.meeting", object_id="*", data={"meetings": len(meetings), "attendance": len(rows)})])
        self.stdout.write(f"演示会议已加载：{len(meetings)} 次会议，{len(rows)} 条出席记录")
