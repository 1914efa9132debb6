import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from orgwork.core.actor import Actor
from orgwork.core.sms import MemorySms
from orgwork.members.models import Member
from orgwork.notifications import services
from orgwork.notifications.backends import Backend
from orgwork.notifications.models import MessageLog, Notification

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Broken(Backend):
    channel = "sms"

    def send(self, message):
        raise RuntimeError("gateway down")


def test_in_app_message_is_logged_and_deduplicated(users, system):
    u = users["sec_a"]
    n = services.send(actor=system, recipient=u, kind="test", title="标题", body="内容", dedupe_key="k1")
    assert n is not None and Notification.objects.filter(recipient=u).count() == 1
    assert MessageLog.objects.get(notification=n).channel == "inapp"
    assert services.send(actor=system, recipient=u, kind="test", title="标题", dedupe_key="k1") is None
    assert Notification.objects.filter(recipient=u).count() == 1


def _linked(users, system, make_member, tree, *, email="sec@example.org", phone="13800000000"):
    from orgwork.members import services as member_services

    u = users["sec_a"]
    u.email = email
    u.save()
    m = make_member(tree.village_a, name="书记", phone=phone)
    member_services.link_user(actor=system, member_id=m.pk, user=u)
    u.refresh_from_db()
    return u


NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=SHANGHAI)
NIGHT = dt.datetime(2026, 12, 3, 23, 30, tzinfo=SHANGHAI)


def test_email_and_sms_are_queued_then_delivered_and_every_attempt_is_logged(users, system, settings, make_member, tree, mailoutbox):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    u = _linked(users, system, make_member, tree)
    services.send_many(actor=system, messages=[services.Outgoing(u, "test", "会议提醒", "详情", "/meetings/")], channels=("inapp", "email", "sms"), now=NOON)
    logs = {x.channel: x for x in MessageLog.objects.all()}
    assert logs["inapp"].status == "sent"
    assert logs["email"].status == "queued" and logs["sms"].status == "queued"  # nothing leaves inside the transaction
    assert services.deliver_due(now=NOON) == {"sent": 2, "failed": 0, "retry": 0, "suppressed": 0}
    logs = {x.channel: x for x in MessageLog.objects.all()}
    assert logs["email"].status == "sent" and logs["email"].address == "sec@example.org" and logs["email"].sent_at
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sec@example.org"] and "会议提醒" in mailoutbox[0].subject
    assert logs["sms"].status == "sent" and MemorySms.outbox == [{"id": MemorySms.outbox[0]["id"], "phone": "13800000000", "text": "会议提醒"}]
    assert services.deliver_due(now=NOON) == {"sent": 0, "failed": 0, "retry": 0, "suppressed": 0}  # each message once


def test_a_failing_gateway_is_retried_then_logged_as_failed(users, system, settings, make_member, tree):
    u = _linked(users, system, make_member, tree)
    settings.ORGWORK_SMS_BACKEND = "orgwork.notifications.tests.test_notifications.Broken"
    services.send_many(actor=system, messages=[services.Outgoing(u, "test", "二次提醒")], channels=("sms",), now=NOON)
    assert services.deliver_due(now=NOON)["retry"] == 1
    log = MessageLog.objects.get(subject="二次提醒", channel="sms")
    assert log.status == "queued" and log.attempts == 1 and "gateway down" in log.error
    for hour in range(1, services.MAX_ATTEMPTS):
        services.deliver_due(now=NOON + dt.timedelta(hours=hour))  # each backoff (2, 4, 8, 16 min) has passed
    log.refresh_from_db()
    assert log.status == "failed" and log.attempts == services.MAX_ATTEMPTS


def test_quiet_hours_defer_an_sms_until_the_window_opens(users, system, settings, make_member, tree):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    u = _linked(users, system, make_member, tree)
    services.save_preferences(actor=Actor.for_user(u), quiet_enabled=True, quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0), sms_phone="", channels={"procedures": (False, True)})
    services.send_many(actor=system, messages=[services.Outgoing(u, "procedure.recruitment", "第2步待办理", category="procedures")], now=NIGHT)
    sms_log = MessageLog.objects.get(channel="sms")
    assert sms_log.status == "queued" and timezone.localtime(sms_log.deliver_after) == dt.datetime(2026, 12, 4, 7, 0, tzinfo=SHANGHAI)
    assert not MessageLog.objects.filter(channel="email").exists()  # email switched off for this category
    assert Notification.objects.filter(recipient=u).count() == 1  # the inbox has it at once
    services.deliver_due(now=NIGHT + dt.timedelta(hours=2))
    assert MemorySms.outbox == [] and MessageLog.objects.get(channel="sms").status == "queued"
    services.deliver_due(now=dt.datetime(2026, 12, 4, 7, 0, tzinfo=SHANGHAI))
    assert len(MemorySms.outbox) == 1 and MessageLog.objects.get(channel="sms").status == "sent"
    # urgent messages are not held back
    services.send_many(actor=system, messages=[services.Outgoing(u, "test", "紧急", category="procedures", urgent=True)], now=NIGHT)
    assert MessageLog.objects.get(channel="sms", subject="紧急").deliver_after == NIGHT


def test_quiet_window_arithmetic():
    from orgwork.notifications.models import DeliverySettings

    day = DeliverySettings(quiet_enabled=True, quiet_start=dt.time(12, 0), quiet_end=dt.time(14, 0))
    assert services.quiet_until(day, NOON) == dt.datetime(2026, 12, 3, 14, 0, tzinfo=SHANGHAI)
    assert services.quiet_until(day, NIGHT) is None
    assert services.quiet_until(None, dt.datetime(2026, 12, 3, 6, 59, tzinfo=SHANGHAI)) == dt.datetime(2026, 12, 3, 7, 0, tzinfo=SHANGHAI)
    assert services.quiet_until(None, NOON) is None
    off = DeliverySettings(quiet_enabled=False)
    assert services.quiet_until(off, NIGHT) is None


def test_a_chosen_channel_without_address_is_logged_as_suppressed(users, system):
    services.send(actor=system, recipient=users["sec_b"], kind="test", title="x", channels=("email", "sms"))
    logs = {x.channel: x for x in MessageLog.objects.exclude(channel="inapp")}
    assert logs["email"].status == "suppressed" and logs["email"].error == "无地址"
    assert logs["sms"].status == "suppressed" and logs["sms"].error == "无手机号"
    # by default (no saved preference) a user without an email address gets the inbox only, with nothing to log
    services.send(actor=system, recipient=users["sec_a"], kind="test", title="y")
    assert list(MessageLog.objects.filter(subject="y").values_list("channel", flat=True)) == ["inapp"]


def test_no_id_number_or_phone_number_leaves_in_a_notification(users, system, settings, make_member, tree, mailoutbox):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    u = _linked(users, system, make_member, tree)
    member = Member.objects.get(name="书记")
    services.send_many(
        actor=system,
        messages=[services.Outgoing(u, "test", f"核实{member.name}（{member.id_number}）", f"电话{member.phone}，或 138-0000-0000、+86 13800000000", "/x/")],
        channels=("inapp", "email", "sms"),
        now=NOON,
    )
    services.deliver_due(now=NOON)
    texts = [*Notification.objects.values_list("title", "body"), *MessageLog.objects.values_list("subject", "body"), *((m.subject, m.body) for m in mailoutbox), *((m["text"], "") for m in MemorySms.outbox)]
    joined = " ".join(a + " " + b for a, b in texts)
    assert member.id_number not in joined and member.phone not in joined and "138-0000-0000" not in joined
    assert "[身份证号已隐去]" in joined and "[手机号已隐去]" in joined and "书记" in joined


def test_preferences_page_saves_channels_and_quiet_hours(users):
    u = users["sec_a"]
    c = Client()
    c.force_login(u)
    page = c.get("/inbox/preferences/")
    assert page.status_code == 200 and "免打扰" in page.content.decode() and "组织关系转接" in page.content.decode()
    r = c.post("/inbox/preferences/", {"quiet_enabled": "on", "quiet_start": "21:30", "quiet_end": "08:00", "sms_phone": "13900000000", "transfers_sms": "on", "dues_email": "on"})
    assert r.status_code == 302
    from orgwork.notifications.models import ChannelPreference, DeliverySettings

    ds = DeliverySettings.objects.get(user=u)
    assert (ds.quiet_start, ds.quiet_end, ds.sms_phone) == (dt.time(21, 30), dt.time(8, 0), "13900000000")
    prefs = {p.category: (p.email, p.sms) for p in ChannelPreference.objects.filter(user=u)}
    assert prefs["transfers"] == (False, True) and prefs["dues"] == (True, False) and prefs["procedures"] == (False, False)
    bad = c.post("/inbox/preferences/", {"quiet_start": "25:00", "quiet_end": "08:00", "sms_phone": "12345"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "手机号" in text and "免打扰开始" in text
    assert DeliverySettings.objects.get(user=u).sms_phone == "13900000000"  # nothing half-written


def test_inbox_is_personal(users, system):
    services.send(actor=system, recipient=users["sec_a"], kind="test", title="给甲的消息", url="/meetings/")
    c = Client()
    c.force_login(users["sec_b"])
    assert "给甲的消息" not in c.get("/inbox/").content.decode()
    n = Notification.objects.get()
    assert c.post(f"/inbox/{n.pk}/read/").status_code == 404
    c.force_login(users["sec_a"])
    assert "给甲的消息" in c.get("/inbox/").content.decode()
    r = c.post(f"/inbox/{n.pk}/read/")
    assert r.status_code == 302 and r["Location"] == "/meetings/"
    n.refresh_from_db()
    assert n.read_at is not None
    services.mark_all_read(actor=Actor.for_user(users["sec_a"]))


def test_the_inbox_shows_each_channels_delivery_state(users, system, make_member, tree):
    u = _linked(users, system, make_member, tree)
    services.save_preferences(actor=Actor.for_user(u), quiet_enabled=True, quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0), sms_phone="", channels={"transfers": (True, True)})
    services.send_many(actor=system, messages=[services.Outgoing(u, "transfer.receive", "转接待接收", category="transfers")], now=NIGHT)
    c = Client()
    c.force_login(u)
    page = c.get("/inbox/").content.decode()
    assert "电子邮件：待发送（12-04 07:00后发送）" in page and "短信：待发送（12-04 07:00后发送）" in page


def test_the_department_sets_the_escalation_period_on_its_page_and_others_cannot(users, tree):
    from orgwork.core import deadlines
    from orgwork.core.models import EscalationSetting

    c = Client()
    c.force_login(users["county"])
    page = c.get("/inbox/escalation/").content.decode()
    assert "系统默认值为3个工作日" in page and "没有规定" in page
    assert c.post("/inbox/escalation/", {"org": tree.county.pk, "working_days": "99", "reason": "县委组织部通知"}).status_code == 400
    assert c.post("/inbox/escalation/", {"org": tree.county.pk, "working_days": "", "reason": "县委组织部通知"}).status_code == 400
    assert not EscalationSetting.objects.exists()  # nothing half-written
    r = c.post("/inbox/escalation/", {"org": tree.county.pk, "working_days": "5", "reason": "县委组织部通知"})
    assert r.status_code == 302
    assert deadlines.escalation_days(tree.village_a.pk, dt.date(2026, 12, 3)) == 5
    assert "县委组织部通知" in c.get("/inbox/escalation/").content.decode()
    c.force_login(users["town_a"])
    assert "由组织部门设定" in c.get("/inbox/escalation/").content.decode()
    assert c.post("/inbox/escalation/", {"org": tree.town_a.pk, "working_days": "1", "reason": "镇里"}).status_code == 403
    assert deadlines.escalation_days(tree.village_a.pk, dt.date(2026, 12, 3)) == 5
