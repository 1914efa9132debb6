"""Demo data: the default sets, automatic points from the demo's meetings and dues, a few self-reported points
(approved and waiting), last month published in one branch, star ratings with one weak branch and its case,
a 述职评议 with its paper tallies, a duty post."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.core.errors import ServiceError
from orgwork.core.scoring import services as engine
from orgwork.core.scoring.models import ScoreEntry
from orgwork.members.models import Member

from . import rules, services
from .models import StarRating

# a 1×1 PNG: the demo's "photo" of an activity
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201"
    "a5f6e54a0000000049454e44ae426082"
)


def build(root, builder) -> dict:
    services.ensure_defaults()
    if ScoreEntry.objects.filter(org__path__startswith=root.path).exists() or StarRating.objects.filter(org__path__startswith=root.path).exists():  # --if-empty
        return {}
    actor, today = builder.actor, builder.today
    report = engine.refresh_automatic(start=dt.date(today.year, 1, 1), end=today)
    branches = builder.branches[:4]
    submitted = approved = 0
    self_items = [("study_daily", 2, None), ("volunteer", 1, None), ("study_course", 1, None)]
    for b in branches[:3]:
        for i, m in enumerate(Member.objects.filter(org=b, standing="normal").order_by("id")[:6]):
            code, units, _ = self_items[i % len(self_items)]
            day = today - dt.timedelta(days=1 + i)
            try:
                photo = SimpleUploadedFile("demo.png", PNG, content_type="image/png")
                e = services.submit_points(actor=actor, member_id=m.pk, indicator_code=code, occurred_on=day, units=units, note="演示数据", files=[photo])
            except ServiceError:
                continue
            submitted += 1
            if i % 2 == 0:
                services.approve(actor=actor, entry_id=e.pk)
                approved += 1
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    if branches:
        services.publish_month(actor=actor, org_id=branches[0].pk, year=last_month.year, month=last_month.month, today=today)
    rated = 0
    scores = [
        {"political": 14, "team": 14, "life": 19, "members": 18, "basics": 14, "service": 14},
        {"political": 12, "team": 13, "life": 16, "members": 16, "basics": 12, "service": 12},
        {"political": 8, "team": 9, "life": 10, "members": 12, "basics": 8, "service": 8},
    ]
    for b, s in zip(branches[:3], scores, strict=False):
        for e in services.self_assess(actor=actor, org_id=b.pk, year=today.year, scores=s, today=today):
            services.approve(actor=actor, entry_id=e.pk)
        services.rate_branch(actor=actor, org_id=b.pk, year=today.year, today=today)
        rated += 1
    assessed = 0
    if branches:
        a = services.create_assessment(actor=actor, org_id=branches[0].pk, subject="team", year=today.year, kind="report_review", held_on=today)
        for counts, group in (({"好": 4, "较好": 1}, "committee"), ({"好": 12, "较好": 8, "一般": 2}, "members"), ({"好": 2, "较好": 1}, "above")):
            services.enter_tally(actor=actor, assessment_id=a.pk, group=group, counts=counts)
            services.enter_tally(actor=actor, assessment_id=a.pk, group=group, counts=counts)
        services.decide_assessment(actor=actor, assessment_id=a.pk, on=today)
        assessed = 1
        m = Member.objects.filter(org=branches[0], standing="normal", posts__isnull=True).order_by("-id").first()
        if m is not None:
            services.create_post(actor=actor, member_id=m.pk, title="环境卫生监督岗", duties="每周巡查村内环境卫生，发现问题及时报告", started_on=today)
    return {"automatic_entries": report.written, "points_submitted": submitted, "points_approved": approved, "branches_rated": rated, "assessments": assessed, "set": rules.MEMBER_POINTS}
