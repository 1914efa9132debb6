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
        shown = phone_demo(today)
        if shown:
            self.stdout.write(f"演示党员手机页面：{shown}")


def phone_demo(today: dt.date) -> dict[str, int]:
    """The demo member's phone pages (我的会议, 我的评议) show what they are for: an upcoming meeting of their branch,
    the minutes of their latest held meeting published to the members, this year's appraisal at the self-assessment
    stage. Through the services, like a secretary would; nothing when the demo has no member account."""
    from django.contrib.auth import get_user_model

    from orgwork.core.errors import ServiceError
    from orgwork.meetings import appraisal, services
    from orgwork.meetings.models import AppraisalRound

    user = get_user_model().objects.filter(username="member").first()
    member = Member.objects.filter(user=user, standing=Standing.NORMAL).select_related("org").first() if user else None
    if member is None:
        return {}
    actor = Actor.system_actor("demo")
    branch = member.org
    out = {}
    try:
        services.plan_meeting(
            actor=actor, org_id=branch.pk, kind="general_meeting", topic="支部党员大会：学习贯彻全会精神", planned_on=today + dt.timedelta(days=7),
            place="党员活动室", host="书记", recorder="组织委员",
        )  # fmt: skip
        out["upcoming"] = 1
        held = Meeting.objects.filter(org=branch, status=MeetingStatus.HELD, attendance__member=member).order_by("-held_on", "-pk").first()
        if held is not None:
            services.update_meeting(
                actor=actor, meeting_id=held.pk,
                minutes="一、书记传达上级会议精神；二、集体学习党章第二章；三、讨论本月为民办实事项目，党员踊跃发言。",
                resolutions="1. 本月内走访困难党员3户；2. 下月主题党日开展环境整治志愿服务。",
            )  # fmt: skip
            services.publish_minutes(actor=actor, meeting_id=held.pk)
            out["published_minutes"] = 1
        if not AppraisalRound.objects.filter(org=branch, year=today.year).exists():
            appraisal.start_round(actor=actor, org_id=branch.pk, year=today.year, started_on=today)
            out["appraisal"] = 1
    except ServiceError as exc:  # e.g. a branch that cannot hold it: the rest of the demo still loads
        out["skipped"] = 1
        import logging

        logging.getLogger(__name__).info("phone demo skipped: %s", exc)
    return out
