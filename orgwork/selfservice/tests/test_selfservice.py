"""Sign-in by SMS code (hashed, expiring, counted, rate-limited, neutral for unknown numbers, second factor kept) and
the member's requests to the branch (correction, going-away report under the 6-month rule)."""

import datetime as dt
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent
from orgwork.core.sms import MemorySms
from orgwork.members import services as member_services
from orgwork.selfservice import services
from orgwork.selfservice.models import MemberRequest, SignInCode

PHONE = "13912345678"


@pytest.fixture
def sms(settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    yield MemorySms.outbox
    MemorySms.outbox.clear()


@pytest.fixture
def phone_member(users, system):
    m = users["member_a_record"]
    member_services.update_member(actor=system, member_id=m.pk, phone="139 1234 5678")
    return m


def _code(outbox) -> str:
    return re.search(r"验证码 (\d{6})", outbox[-1]["text"]).group(1)


def _ask(client, phone=PHONE):
    return client.post(reverse("selfservice:signin"), {"phone": phone})


@pytest.mark.django_db
def test_sms_sign_in_signs_the_member_in_and_is_audited(client, sms, phone_member, users):
    r = _ask(client)
    assert r.status_code == 302 and r["Location"] == reverse("selfservice:signin_code")
    assert len(sms) == 1 and sms[0]["phone"] == PHONE
    code = _code(sms)
    row = SignInCode.objects.get()
    assert code not in row.code_hash and row.user == users["member_a"]  # only the hash is kept
    assert timedelta(minutes=4) < row.expires_at - timezone.now() <= timedelta(minutes=5)
    r = client.post(reverse("selfservice:signin_code"), {"code": code})
    assert r.status_code == 302 and r["Location"] == reverse("selfservice:hub")
    r = client.get(reverse("selfservice:hub"))
    assert r.status_code == 200 and "李四" in r.content.decode()
    assert AuditEvent.objects.filter(action="user.sms_sign_in", object_id=str(users["member_a"].pk)).exists()
    assert AuditEvent.objects.filter(action="user.sign_in").exists()
    # used once
    client.logout()
    s = client.session
    s["selfservice_phone"] = PHONE
    s.save()
    r = client.post(reverse("selfservice:signin_code"), {"code": code})
    assert r.status_code == 400


@pytest.mark.django_db
def test_unknown_number_gets_the_same_answer_and_no_message(client, sms, phone_member):
    r = _ask(client, "13700000000")
    assert r.status_code == 302 and r["Location"] == reverse("selfservice:signin_code")
    assert sms == []
    page = client.get(reverse("selfservice:signin_code")).content.decode()
    assert "137****0000" in page
    r = client.post(reverse("selfservice:signin_code"), {"code": "123456"})
    assert r.status_code == 400 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_five_wrong_tries_then_even_the_right_code_is_refused(client, sms, phone_member):
    _ask(client)
    code = _code(sms)
    wrong = "000000" if code != "000000" else "111111"
    for _i in range(5):
        r = client.post(reverse("selfservice:signin_code"), {"code": wrong})
        assert r.status_code == 400
    assert "已失效" in r.content.decode()
    r = client.post(reverse("selfservice:signin_code"), {"code": code})
    assert r.status_code == 400 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.sign_in_failed").count() == 6


@pytest.mark.django_db
def test_expired_code_is_refused(client, sms, phone_member):
    _ask(client)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = client.post(reverse("selfservice:signin_code"), {"code": _code(sms)})
    assert r.status_code == 400 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_rate_limit_per_phone(client, sms, phone_member):
    for _ in range(5):
        assert _ask(client).status_code == 302
    r = _ask(client)
    assert r.status_code == 429 and len(sms) == 5
    # an unknown number is limited the same way (no difference to observe)
    for _ in range(5):
        _ask(client, "13700000000")
    assert _ask(client, "13700000000").status_code == 429


@pytest.mark.django_db
def test_bad_number_is_named(client, sms):
    r = _ask(client, "12345")
    assert r.status_code == 400 and "手机号码格式不正确" in r.content.decode()


@pytest.mark.django_db
def test_confirmed_totp_device_still_asks_the_second_factor(client, sms, phone_member, users):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=users["member_a"], name="手机", confirmed=True)
    _ask(client)
    r = client.post(reverse("selfservice:signin_code"), {"code": _code(sms)})
    assert r.status_code == 302 and r["Location"].startswith(reverse("web:otp_verify"))
    r = client.get(reverse("selfservice:hub"))
    assert r.status_code == 302 and reverse("web:otp_verify") in r["Location"]


@pytest.mark.django_db
def test_the_users_own_sms_setting_is_matched(client, sms, users):
    from orgwork.notifications.models import DeliverySettings

    DeliverySettings.objects.create(user=users["sec_a"], sms_phone="13600001111")
    _ask(client, "13600001111")
    assert len(sms) == 1
    r = client.post(reverse("selfservice:signin_code"), {"code": _code(sms)})
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(users["sec_a"].pk)


@pytest.mark.django_db
def test_correction_request_goes_to_the_branch(client, users, tree):
    client.force_login(users["member_a"])
    r = client.post(reverse("selfservice:correction"), {"text": "学历应为大学本科"})
    assert r.status_code == 302
    req = MemberRequest.objects.get()
    assert req.kind == "correction" and req.org == tree.village_a and req.member == users["member_a_record"]
    assert AuditEvent.objects.filter(action="selfservice.correction_asked").exists()
    # the branch secretary sees it (attention list and the page) and is told in the inbox
    from orgwork.core.registry import collect_attention
    from orgwork.notifications.models import Notification

    sec = Actor.for_user(users["sec_a"])
    assert any(i.kind == "selfservice.requests" for i in collect_attention(sec))
    assert Notification.objects.filter(recipient=users["sec_a"], title__contains="申请更正档案信息").exists()
    assert not any(i.kind == "selfservice.requests" for i in collect_attention(Actor.for_user(users["sec_b"])))
    client.force_login(users["sec_a"])
    assert "学历应为大学本科" in client.get(reverse("selfservice:requests")).content.decode()
    client.force_login(users["sec_b"])
    assert "学历应为大学本科" not in client.get(reverse("selfservice:requests")).content.decode()
    r = client.post(reverse("selfservice:requests"), {"request": req.pk})
    req.refresh_from_db()
    assert req.status == "open"  # out of scope: not closed
    client.force_login(users["sec_a"])
    client.post(reverse("selfservice:requests"), {"request": req.pk})
    req.refresh_from_db()
    assert req.status == "done"


@pytest.mark.django_db
def test_empty_correction_is_refused(client, users):
    client.force_login(users["member_a"])
    r = client.post(reverse("selfservice:correction"), {"text": "  "})
    assert r.status_code == 400 and MemberRequest.objects.count() == 0


@pytest.mark.django_db
def test_away_report_follows_the_six_month_rule(users):
    """党员教育管理工作条例（2019）第三十二条 (rules.md §6): going away six months or more → mobile member."""
    actor = Actor.for_user(users["member_a"])
    assert services.away_months(dt.date(2026, 1, 1)) == 6
    with pytest.raises(ServiceError) as exc:
        services.report_away(actor=actor, left_on=dt.date(2026, 3, 1), destination="广东省深圳市", expected_return=dt.date(2026, 8, 31), today=dt.date(2026, 2, 20))
    assert exc.value.errors[0].field == "expected_return"
    req = services.report_away(actor=actor, left_on=dt.date(2026, 3, 1), destination="广东省深圳市", expected_return=dt.date(2026, 9, 1), today=dt.date(2026, 2, 20))
    assert req.kind == "away" and req.status == "open"
    with pytest.raises(ServiceError):  # one open report at a time
        services.report_away(actor=actor, left_on=dt.date(2026, 3, 1), destination="广东省深圳市", today=dt.date(2026, 2, 20))


@pytest.mark.django_db
def test_manifest_and_service_worker(client):
    r = client.get(reverse("selfservice:manifest"))
    assert r.status_code == 200 and r.json()["start_url"] == reverse("selfservice:hub") and r.json()["display"] == "standalone"
    r = client.get(reverse("selfservice:sw"))
    assert r.status_code == 200 and r["Service-Worker-Allowed"] == "/" and b"caches.open" in r.content


@pytest.mark.django_db
def test_away_report_through_the_page_reaches_the_branch(client, users):
    from orgwork.notifications.models import Notification

    client.force_login(users["member_a"])
    today = timezone.localdate()
    r = client.post(reverse("selfservice:away"), {"left_on": today.isoformat(), "destination": "广东省深圳市", "expected_return": (today + timedelta(days=200)).isoformat(), "text": "务工"})
    assert r.status_code == 302
    req = MemberRequest.objects.get(kind="away")
    assert req.destination == "广东省深圳市"
    assert Notification.objects.filter(recipient=users["sec_a"], title__contains="外出").exists()
    r = client.post(reverse("selfservice:away"), {"left_on": "", "destination": "广州"})
    assert r.status_code == 400 and "外出日期" in r.content.decode()


@pytest.mark.django_db
def test_login_page_links_to_sms_sign_in(client):
    assert reverse("selfservice:signin") in client.get(reverse("web:login")).content.decode()


@pytest.mark.django_db
def test_member_pages_need_sign_in_and_staff_list_refuses_members(client, users):
    r = client.get(reverse("selfservice:hub"))
    assert r.status_code == 302 and "login" in r["Location"]
    client.force_login(users["member_a"])
    assert client.get(reverse("selfservice:requests")).status_code in (302, 403)


@pytest.mark.django_db
def test_a_transfer_request_from_the_phone_reaches_the_branch_once(client, users, tree):
    """党员教育管理工作条例 第二十五条: the member asks, naming the destination; the branch starts the transfer."""
    client.force_login(users["member_a"])
    r = client.post(reverse("selfservice:transfer"), {"destination": "", "text": "工作调动"})
    assert r.status_code == 400 and "请填写要转入的单位或党组织" in r.content.decode()
    r = client.post(reverse("selfservice:transfer"), {"destination": "成都市武侯区某街道某社区党委", "text": "工作调动，电话见档案"})
    assert r.status_code == 302
    req = MemberRequest.objects.get(kind="transfer")
    assert req.destination == "成都市武侯区某街道某社区党委" and req.org == tree.village_a
    assert AuditEvent.objects.filter(action="selfservice.transfer_asked").exists()
    from orgwork.notifications.models import Notification

    assert Notification.objects.filter(recipient=users["sec_a"], title__contains="申请转接组织关系").exists()
    r = client.post(reverse("selfservice:transfer"), {"destination": "另一个党委"})
    assert r.status_code == 400 and "无需重复申请" in r.content.decode()
    assert MemberRequest.objects.filter(kind="transfer").count() == 1
    assert "申请转接组织关系" in client.get(reverse("selfservice:hub")).content.decode()
