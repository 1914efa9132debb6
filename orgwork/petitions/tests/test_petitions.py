"""Petitions (信访): online (anonymous or signed in) and SMS intake into one register, routing, time limits as data
(15 days to decide, 60 to conclude, +30 once with approval — 信访工作条例 2022, rules.md §10), replies by SMS,
satisfaction, repeat-petition linking, reminders through the deadline job."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.core.rules import rule
from orgwork.core.sms import MemorySms
from orgwork.petitions import services
from orgwork.petitions.models import Channel, Petition, Status

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    settings.SMS_INBOUND_SECRET = "s3cret-webhook"
    MemorySms.outbox.clear()
    yield
    MemorySms.outbox.clear()


def test_time_limits_are_the_2022_regulation():
    """信访工作条例 (2022): accept within 15 days, conclude within 60, extendable by at most 30 (rules.md §10)."""
    r = rule("petitions.intake", on=DAY)
    assert (r["accept_within_days"], r["conclude_within_days"], r["extension_days"]) == (15, 60, 30)
    assert r.effective == dt.date(2022, 5, 1)


def test_reception_frequency_is_rule_data():
    """Seed 001 / rules.md §8: city leaders ≥ 1 day every 2 months, county leaders every month."""
    r = rule("petitions.reception", on=DAY)
    assert r["period_months"] == {"city": 2, "county": 1} and r["days_per_period"] == {"city": 1, "county": 1}


def test_online_petition_anonymous_and_signed_in_and_repeats_linked(tree, users):
    client = APIClient()
    r = client.post("/api/v1/public/petitions/", {"category": "cadre_conduct", "content": "某站所干部办事推诿"}, format="json")
    assert r.status_code == 201
    anon = Petition.objects.get(reference=r.json()["reference"])
    assert anon.anonymous and anon.channel == Channel.ONLINE and anon.org == tree.county
    first = services.submit(actor=None, category="policy", content="咨询党员组织关系转接", petitioner_phone="13900001111")
    second = services.submit(actor=None, category="policy", content="再次咨询组织关系转接", petitioner_phone="139 0000 1111")
    other = services.submit(actor=None, category="cadre_conduct", content="另一件事", petitioner_phone="13900001111")
    assert second.repeat_of == first and other.repeat_of is None
    signed = services.submit(actor=None, category="party_member", content="反映党费问题", user=users["member_a"])
    assert signed.user == users["member_a"]


def test_sms_petitions_through_the_authenticated_inbound_webhook(tree):
    client = APIClient()
    body = {"phone": "13712345678", "text": "我村党员大会长期不开", "message_id": "m1"}
    assert client.post("/api/v1/sms/inbound/", body, format="json").status_code == 403
    assert client.post("/api/v1/sms/inbound/", body, format="json", HTTP_X_SMS_SECRET="wrong").status_code == 403
    r = client.post("/api/v1/sms/inbound/", body, format="json", HTTP_X_SMS_SECRET="s3cret-webhook")
    assert r.status_code == 200 and r.json() == {"handled_by": "petitions", "answered": True}
    p = Petition.objects.get(channel=Channel.SMS)
    assert p.petitioner_phone == "13712345678" and p.content == "我村党员大会长期不开"
    assert MemorySms.outbox[-1]["phone"] == "13712345678" and p.reference in MemorySms.outbox[-1]["text"]


def test_inbound_webhook_is_off_without_a_secret(tree, settings):
    settings.SMS_INBOUND_SECRET = ""
    r = APIClient().post("/api/v1/sms/inbound/", {"phone": "13712345678", "text": "x"}, format="json", HTTP_X_SMS_SECRET="")
    assert r.status_code == 404


def test_handling_with_time_limits_routing_extension_reply_and_satisfaction(tree, users):
    county, town = Actor.for_user(users["county"]), Actor.for_user(users["town_a"])
    p = services.submit(actor=county, org_id=tree.county.pk, channel="visit", category="organization", content="来访反映村支部换届问题",
                        petitioner_name="来访人", petitioner_phone="13600002222", received_on=DAY)
    assert p.procedure.due_on == DAY + dt.timedelta(days=15)
    services.route(actor=county, petition_id=p.pk, org_id=tree.town_a.pk, reason="属地办理")
    p.refresh_from_db()
    assert p.org == tree.town_a and p.procedure.org_id == tree.town_a.pk
    services.decide(actor=town, petition_id=p.pk, decision="accept", on=DAY + dt.timedelta(days=3))
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED and p.procedure.due_on == DAY + dt.timedelta(days=63)
    with pytest.raises(PermissionDenied):  # the unit cannot approve its own extension
        services.extend(actor=town, petition_id=p.pk, reason="情况复杂")
    services.extend(actor=county, petition_id=p.pk, reason="情况复杂，需延长")
    p.refresh_from_db()
    assert p.procedure.due_on == DAY + dt.timedelta(days=93)
    with pytest.raises(ServiceError):
        services.extend(actor=county, petition_id=p.pk, reason="再延")
    services.conclude(actor=town, petition_id=p.pk, result="supported", on=DAY + dt.timedelta(days=20))
    services.reply(actor=town, petition_id=p.pk, text="已督促村支部按期换届。", on=DAY + dt.timedelta(days=21))
    p.refresh_from_db()
    assert p.status == Status.REPLIED and "已督促" in MemorySms.outbox[-1]["text"]
    r = APIClient().post("/api/v1/public/petitions/status/", {"reference": p.reference, "phone": "13600002222"}, format="json")
    assert r.json()["replies"] == ["已督促村支部按期换届。"]
    services.evaluate(reference=p.reference, phone="13600002222", satisfaction="satisfied", note="满意")
    services.close(actor=town, petition_id=p.pk, on=DAY + dt.timedelta(days=22))
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.satisfaction == "satisfied"


def test_overdue_acceptance_raises_a_reminder(tree, users):
    county = Actor.for_user(users["county"])
    p = services.submit(actor=county, org_id=tree.county.pk, channel="letter", category="other", content="来信", received_on=DAY)
    items = [i for i in deadlines.procedure_items(DAY + dt.timedelta(days=20)) if i.kind == "procedure.petition"]
    assert len(items) == 1 and p.reference in items[0].title and items[0].url == f"/petitions/{p.pk}/"
    reminders, _n, _e = deadlines.reminders_for(items, DAY + dt.timedelta(days=20))
    assert reminders and "已逾期" in reminders[0].title


def test_not_accepted_needs_a_reason_and_tells_the_petitioner(tree, users):
    county = Actor.for_user(users["county"])
    p = services.submit(actor=None, category="other", content="诉求", petitioner_phone="13500003333")
    with pytest.raises(ServiceError):
        services.decide(actor=county, petition_id=p.pk, decision="not_accept")
    services.decide(actor=county, petition_id=p.pk, decision="transfer", reason="属于法院受理范围")
    p.refresh_from_db()
    assert p.status == Status.TRANSFERRED and "法院" in p.replies.get().text and MemorySms.outbox


def test_console_pages(tree, users, client):
    services.submit(actor=None, category="other", content="页面测试")
    client.force_login(users["county"])
    assert client.get("/petitions/").status_code == 200
    p = Petition.objects.get()
    assert "页面测试" in client.get(f"/petitions/{p.pk}/").content.decode()
    assert client.get("/petitions/reception/").status_code == 200
    client.logout()
    assert client.get("/hall/").status_code == 200
    client.force_login(users["sec_a"])
    assert client.get("/petitions/").status_code == 404
