"""Demo data for the phone pages: the demo member account (also its branch's secretary) has asked for a correction
of its record, reported going away for work, and reported a cash dues payment that waits for the branch's
confirmation — so /m/, /m/requests/ and /m/payments/ show what they are for."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError

from . import services
from .models import MemberRequest


def build(root, builder) -> dict:
    user = get_user_model().objects.filter(username="member").first()
    if user is None:  # a demo without accounts
        return {}
    actor = Actor.for_user(user)
    if not actor.self_member_ids or MemberRequest.objects.filter(member_id__in=actor.self_member_ids).exists():  # --if-empty
        return {}
    today = builder.today
    out = {}
    steps = (
        ("correction", lambda: services.ask_correction(actor=actor, text="学历应为大学本科（2019年函授毕业），请更正。")),
        ("away", lambda: services.report_away(actor=actor, left_on=today + dt.timedelta(days=14), destination="广东省东莞市长安镇（务工）", expected_return=today + dt.timedelta(days=300), text="在电子厂务工，约10个月")),
        ("payment", lambda: _cash_payment(actor, today)),
    )
    for name, step in steps:
        try:
            step()
            out[name] = 1
        except ServiceError:  # e.g. the member's dues are all paid: the other examples still show
            out[name] = 0
    return out


def _cash_payment(actor: Actor, today: dt.date):
    from orgwork.dues import services as dues_services

    return dues_services.start_member_payment(actor=actor, from_month=today.replace(day=1), months=1, channel="cash", note="已交给支部组织委员", today=today)
