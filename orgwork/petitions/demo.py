"""Demo data for petitions: a few petitions across channels and steps (one repeat), two leaders with a reception
schedule (one gap to flag) and a booking."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError

from . import services


def build(root, builder) -> dict:
    county = get_user_model().objects.filter(username="county").first()
    if county is None:
        return {}
    a = Actor.for_user(county)
    today = builder.today
    made = 0
    try:
        p1 = services.submit(actor=a, org_id=root.pk, channel="visit", category="organization", content="来访反映某村党支部长期不开党员大会。",
                             petitioner_name="刘群众", petitioner_phone="13700000001", received_on=today - dt.timedelta(days=40))
        services.decide(actor=a, petition_id=p1.pk, decision="accept", on=today - dt.timedelta(days=38))
        services.conclude(actor=a, petition_id=p1.pk, result="supported", on=today - dt.timedelta(days=10))
        services.reply(actor=a, petition_id=p1.pk, text="已督促该村党支部按规定召开党员大会。", on=today - dt.timedelta(days=9))
        services.submit(actor=a, org_id=root.pk, channel="letter", category="organization", content="再次来信反映村党支部党员大会问题。",
                        petitioner_name="刘群众", petitioner_phone="13700000001", received_on=today - dt.timedelta(days=20))
        services.submit(actor=a, org_id=root.pk, channel="phone", category="policy", content="来电咨询流动党员组织关系如何转接。",
                        received_on=today - dt.timedelta(days=18))
        made = 3
        if today == dt.date.today():
            services.submit(actor=None, channel="sms", category="other", content="短信反映社区办事窗口工作人员态度差。", petitioner_phone="13700000002")
            made += 1
        leader = services.add_leader(actor=a, org_id=root.pk, name="王县长", post="县人民政府县长", level="county")
        services.add_leader(actor=a, org_id=root.pk, name="陈书记", post="县委副书记", level="county")
        past = services.schedule_day(actor=a, leader_id=leader.pk, date=today.replace(day=1), place="县群众来访接待中心")
        if past.date <= dt.date.today():
            services.record_reception(actor=a, day_id=past.pk, record="接待来访群众4批6人，当场解答3件，交办1件。")
        nxt = services.schedule_day(actor=a, leader_id=leader.pk, date=today + dt.timedelta(days=7), place="县群众来访接待中心")
        if nxt.date >= dt.date.today():
            services.book(day_id=nxt.pk, name="赵群众", phone="13700000003", topic="反映农村道路修缮")
    except ServiceError:
        pass
    return {"petitions": made}
