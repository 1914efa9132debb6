"""Demo data for bulk SMS: the county's meeting-notice template, one send waiting for the town admin's approval
(asked by the demo secretary), and one already sent with its delivery states, so the pages show what they are for."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError

from . import bulk
from .models import MessageLog, SmsCampaign, SmsTemplate


def build(root, builder) -> dict:
    if SmsTemplate.objects.filter(org__path__startswith=root.path).exists():  # --if-empty
        return {}
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=("county", "town", "secretary"))}
    if len(users) < 3:  # a demo without accounts (demo --no-users): nothing to show
        return {}
    county, town, secretary = (Actor.for_user(users[n]) for n in ("county", "town", "secretary"))
    tpl = bulk.save_template(
        actor=county, org_id=root.pk, name="组织生活通知",
        body="{姓名}同志：{党组织}定于{时间}在{地点}召开{会议名称}，请准时参加。不能参加的请回复并说明原因。",
    )
    bulk.set_tariff(actor=county, org_id=root.pk, price_fen=4, effective_on=dt.date(builder.today.year, 1, 1), reason=f"{builder.today.year}年政务短信服务合同（演示）")
    branch = secretary.effective_grants[0].org_id
    out = {"templates": 1}
    try:
        sent = bulk.request_send(
            actor=secretary, org_id=branch, audience="members", title="主题党日通知", body=tpl.body, template_id=tpl.pk,
            values={"时间": "本月5日上午9时", "地点": "村委会会议室", "会议名称": "主题党日活动"},
        )
        bulk.approve(actor=town, campaign_id=sent.pk, note="同意发送")  # the worker sends it (in the daytime window)
        bulk.request_send(
            actor=secretary, org_id=branch, audience="members", title="党费收缴提醒", body="{姓名}同志：请于本月25日前交纳本季度党费，已交纳的请忽略。",
            values={},
        )
        out["campaigns"] = SmsCampaign.objects.filter(org_id=branch).count()
        out["messages"] = MessageLog.objects.filter(campaign__org_id=branch).count()
    except ServiceError:  # a branch without members who have phones: the template alone shows the page
        pass
    return out
