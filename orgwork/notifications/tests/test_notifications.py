import pytest
from django.test import Client

from orgwork.core.actor import Actor
from orgwork.notifications import services
from orgwork.notifications.backends import Backend
from orgwork.notifications.models import MessageLog, Notification

pytestmark = pytest.mark.django_db


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


def test_email_and_sms_go_through_backends_and_every_attempt_is_logged(users, system, settings, make_member, tree):
    from orgwork.members import services as member_services

    u = users["sec_a"]
    u.email = "sec@example.org"
    u.save()
    m = make_member(tree.village_a, name="书记", phone="13800000000")
    member_services.link_user(actor=system, member_id=m.pk, user=u)
    u.refresh_from_db()
    services.send(actor=system, recipient=u, kind="test", title="会议提醒", body="详情", channels=("inapp", "email", "sms"))
    logs = {x.channel: x for x in MessageLog.objects.all()}
    assert logs["email"].status == "sent" and logs["email"].address == "sec@example.org"
    assert logs["sms"].status == "sent" and logs["sms"].body == "会议提醒"  # nothing beyond the title in an SMS
    settings.ORGWORK_SMS_BACKEND = "orgwork.notifications.tests.test_notifications.Broken"
    services.send(actor=system, recipient=u, kind="test", title="二次提醒", channels=("sms",))
    failed = MessageLog.objects.get(subject="二次提醒", channel="sms")
    assert failed.status == "failed" and "gateway down" in failed.error


def test_missing_address_is_logged_as_skipped(users, system):
    services.send(actor=system, recipient=users["sec_b"], kind="test", title="x", channels=("email",))
    assert MessageLog.objects.get(channel="email").status == "skipped"


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
