"""The SMS platform against a local fake provider (issue 21): a real HTTP server on loopback, signed requests,
success, refusal, rate limit, provider error and timeout with backoff, delivery receipts by callback, inbound
opt-out by webhook."""

import datetime as dt
import zoneinfo

import pytest

from orgwork.core import sms
from orgwork.core.tests.fake_sms_provider import FakeProvider
from orgwork.notifications import services
from orgwork.notifications.models import MessageLog, SmsOptOut

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=SHANGHAI)
KEY = "fake-provider-signing-key"


@pytest.fixture
def provider(settings):
    with FakeProvider(KEY, slow_seconds=1.5) as p:
        settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.HttpSms"
        settings.SMS_HTTP_URL = p.url
        settings.SMS_HTTP_KEY = KEY
        settings.SMS_HTTP_ACCOUNT = "zgy-test"
        settings.SMS_HTTP_TIMEOUT = 0.5
        yield p


def _queue(system, users, phone, *, urgent=False):
    from orgwork.notifications.models import DeliverySettings

    u = users["sec_a"]
    DeliverySettings.objects.update_or_create(user=u, defaults={"sms_phone": phone, "quiet_enabled": False})
    services.send_many(actor=system, messages=[services.Outgoing(u, "test", "会议提醒", "明天上午九点支部党员大会", "/meetings/", urgent=urgent)], channels=("sms",), now=NOON)
    return MessageLog.objects.filter(channel="sms").latest("pk")


def test_http_gateway_signs_and_the_provider_refuses_a_wrong_key(provider):
    assert sms.HttpSms().send(phone="13800000001", text="测试") .startswith("fp")
    assert provider.accepted[-1]["account"] == "zgy-test"
    with pytest.raises(sms.SmsError) as e:
        sms.HttpSms(key="wrong-key").send(phone="13800000001", text="测试")
    assert not isinstance(e.value, sms.SmsRetryable) and "401" in str(e.value)


@pytest.mark.django_db
def test_sent_then_delivered_by_a_signed_receipt(provider, users, system, live_server, settings):
    log = _queue(system, users, "13800000001")
    assert services.deliver_due(now=NOON)["sent"] == 1
    log.refresh_from_db()
    assert log.status == "sent" and log.provider_id.startswith("fp")
    # A forged receipt (wrong key) changes nothing; the provider's signed one marks it delivered.
    status, body = provider.send_receipt(live_server.url, [{"message_id": log.provider_id, "status": "delivered"}], key="forged")
    assert status == 403 and body["code"] == "bad_signature"
    status, body = provider.send_receipt(live_server.url, [{"message_id": log.provider_id, "status": "delivered"}, {"message_id": "nope", "status": "failed"}])
    assert status == 200 and body == {"matched": 1, "unknown": 1}
    log.refresh_from_db()
    assert log.status == "delivered" and log.delivered_at is not None


@pytest.mark.django_db
def test_a_refused_number_fails_at_once_with_the_providers_reason(provider, users, system):
    log = _queue(system, users, "13800000006")
    assert services.deliver_due(now=NOON) == {"sent": 0, "failed": 1, "retry": 0, "suppressed": 0}
    log.refresh_from_db()
    assert log.status == "failed" and log.attempts == 1 and "黑名单" in log.error


@pytest.mark.django_db
@pytest.mark.parametrize("phone,why", [("13800000007", "限流"), ("13800000008", "平台错误"), ("13800000009", "超时")])
def test_temporary_failures_are_retried_with_backoff_then_sent(provider, users, system, phone, why):
    log = _queue(system, users, phone)
    assert services.deliver_due(now=NOON)["retry"] == 1
    log.refresh_from_db()
    assert log.status == "queued" and why in log.error and log.attempts == 1
    assert log.deliver_after >= NOON + dt.timedelta(minutes=services.RETRY_MINUTES)
    # Not before its time …
    assert services.deliver_due(now=NOON + dt.timedelta(seconds=30))["sent"] == 0
    # … then sent.
    assert services.deliver_due(now=NOON + dt.timedelta(minutes=2, seconds=1))["sent"] == 1
    log.refresh_from_db()
    assert log.status == "sent" and log.attempts == 2


def test_backoff_doubles_and_honours_retry_after():
    assert services._backoff(1, None) == dt.timedelta(minutes=2)
    assert services._backoff(3, None) == dt.timedelta(minutes=8)
    assert services._backoff(1, 600) == dt.timedelta(minutes=10)


@pytest.mark.django_db(transaction=True)
def test_inbound_opt_out_stops_routine_sms_but_not_urgent_ones(provider, users, system, live_server, settings):
    settings.SMS_INBOUND_SECRET = "inbound-secret"
    status, body = provider.send_inbound(live_server.url, "13800000002", "退订", "inbound-secret")
    assert status == 200 and body["handled_by"] == "optout"
    assert SmsOptOut.objects.get(phone="13800000002").active
    routine = _queue(system, users, "13800000002")
    urgent = _queue(system, users, "13800000002", urgent=True)
    counts = services.deliver_due(now=NOON)
    routine.refresh_from_db()
    urgent.refresh_from_db()
    assert routine.status == "suppressed" and "退订" in routine.error
    assert urgent.status == "sent"
    assert counts["suppressed"] == 1 and counts["sent"] == 1
    # 订阅 restores; the confirmation answer went back through the provider.
    status, body = provider.send_inbound(live_server.url, "13800000002", "订阅", "inbound-secret")
    assert status == 200 and not SmsOptOut.objects.get(phone="13800000002").active
    assert any(m["phone"] == "13800000002" and "恢复" in m["text"] for m in provider.accepted)
