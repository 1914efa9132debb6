"""Demo data: a remote-education site in each of a few villages (one inactive), a document course stored locally,
last month's study sessions crediting hours."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from orgwork.members.models import Member

from . import services
from .models import Venue


def build(root, builder) -> dict:
    if Venue.objects.filter(org__path__startswith=root.path).exists():  # --if-empty
        return {}
    actor, today = builder.actor, builder.today
    branches = [b for b in builder.branches if b.sector == "rural"][:4] or builder.branches[:4]
    doc = ContentFile("学习贯彻习近平新时代中国特色社会主义思想专题党课讲稿（演示）".encode(), name="dangke.txt")
    course = services.upload_course(actor=actor, org_id=root.pk, title="专题党课：学思想、强党性", kind="document", file=doc, hours="2", topic="主题教育", today=today)
    last = today.replace(day=1) - dt.timedelta(days=1)
    sessions = 0
    for i, b in enumerate(branches):
        site = services.create_venue(actor=actor, org_id=b.pk, kind="remote_site", name=f"{b.name.replace('党支部', '')}远程教育站点", admin_name="站点管理员", equipment=services.parse_equipment("电视机 1\n电脑 1\n卫星接收设备 1"))
        services.create_venue(actor=actor, org_id=b.pk, kind="activity_room", name=f"{b.name.replace('党支部', '')}党员活动室", admin_name="站点管理员")
        if i == len(branches) - 1:
            continue  # one inactive site
        members = list(Member.objects.filter(org=b, standing="normal").order_by("id").values_list("pk", flat=True)[:8])
        if members:
            services.record_session(actor=actor, venue_id=site.pk, course_id=course.pk, held_on=last, host="支部书记", member_ids=members, today=today)
            sessions += 1
    return {"sites": len(branches), "sessions": sessions}
