"""Forgotten password: a code by email or SMS, or a temporary password from an administrator; audited, rate-limited."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from orgwork.core.models import AuditEvent, PasswordResetCode
from orgwork.core.sms import MemorySms
from orgwork.members import services as member_services

NEW = "Xin#Mima2027"


@pytest.fixture
def sms(settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    return MemorySms.outbox


def _code(text):
    return re.search(r"验证码 (\d{6})", text).group(1)


@pytest.mark.django_db
def test_reset_by_email_code(users, client, sms):
    u = users["sec_a"]
    u.email = "sec_a@example.cn"
    u.save()
    r = client.post("/login/forgot/", {"username": "sec_a"})
    assert r.status_code == 302 and r["Location"] == "/login/forgot/verify/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sec_a@example.cn"]
    code = _code(mail.outbox[0].body)
    assert "s***@example.cn" in client.get("/login/forgot/verify/").content.decode()
    assert code not in PasswordResetCode.objects.get(user=u).code_hash  # only the hash is kept
    r = client.post("/login/forgot/verify/", {"username": "sec_a", "code": code, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302
    u.refresh_from_db()
    assert u.check_password(NEW)
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(u.pk)).exists()
    assert AuditEvent.objects.filter(action="user.password_reset_code", object_id=str(u.pk)).exists()
    # used once
    r = client.post("/login/forgot/verify/", {"username": "sec_a", "code": code, "new_password1": "Other#Pass2027", "new_password2": "Other#Pass2027"})
    assert r.status_code == 400 and "验证码不正确或已失效" in r.content.decode()


@pytest.mark.django_db
def test_reset_by_sms_to_the_linked_members_phone(tree, users, client, sms, make_member, system):
    u = get_user_model().objects.create_user(username="dangyuan", password="Old#Pass2026")
    m = make_member(tree.village_a, name="手机党员", phone="13912345678")
    member_services.link_user(actor=system, member_id=m.pk, user=u)
    client.post("/login/forgot/", {"username": "dangyuan"})
    assert len(sms) == 1 and sms[0]["phone"] == "13912345678" and not mail.outbox
    assert "139****5678" in client.get("/login/forgot/verify/").content.decode()
    code = _code(sms[0]["text"])
    client.post("/login/forgot/verify/", {"username": "dangyuan", "code": code, "new_password1": NEW, "new_password2": NEW})
    u.refresh_from_db()
    assert u.check_password(NEW)


@pytest.mark.django_db
def test_wrong_codes_are_counted_and_requests_are_rate_limited(users, client, sms, settings):
    u = users["county"]
    u.email = "county@example.cn"
    u.save()
    client.post("/login/forgot/", {"username": "county"})
    code = _code(mail.outbox[0].body)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        r = client.post("/login/forgot/verify/", {"username": "county", "code": wrong, "new_password1": NEW, "new_password2": NEW})
        assert f"还可以再试{left}次" in r.content.decode()
    client.post("/login/forgot/verify/", {"username": "county", "code": wrong, "new_password1": NEW, "new_password2": NEW})
    r = client.post("/login/forgot/verify/", {"username": "county", "code": code, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 400  # five wrong tries: even the right code no longer works
    u.refresh_from_db()
    assert not u.check_password(NEW)
    # three codes an hour per account
    client.post("/login/forgot/", {"username": "county"})
    client.post("/login/forgot/", {"username": "county"})
    r = client.post("/login/forgot/", {"username": "county"})
    assert r.status_code == 429 and "一小时内最多获取3次" in r.content.decode()
    # an unknown account looks the same as a known one without email or phone
    r = client.post("/login/forgot/", {"username": "nobody"})
    assert r.status_code == 302


@pytest.mark.django_db
def test_an_administrator_sets_a_temporary_password_within_their_scope(users, client):
    client.force_login(users["town_a"])
    r = client.post("/account/reset-others/", {"username": "sec_a"})
    temp = re.search(r'data-testid="temp-password">.*?<b class="mono">([^<]+)</b>', r.content.decode(), re.S).group(1)
    users["sec_a"].refresh_from_db()
    assert users["sec_a"].check_password(temp)
    ev = AuditEvent.objects.get(action="user.password_reset", object_id=str(users["sec_a"].pk))
    assert ev.data["by"] == "administrator" and ev.actor_label == "town_a"
    # town A's admin cannot reset town B's secretary, nor the county's
    for other in ("sec_b", "county"):
        r = client.post("/account/reset-others/", {"username": other})
        assert r.status_code == 400 and "不在您的管理范围内" in r.content.decode()
    # a branch secretary cannot reset anyone
    client.force_login(users["sec_b"])
    assert client.post("/account/reset-others/", {"username": "member_a"}).status_code == 400
