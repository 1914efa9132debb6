"""Accounts in bulk from the roster (staff action and management command, audited) and the optional password at
the first sign-in by SMS code."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.models import AuditEvent, Role, RoleAssignment
from orgwork.core.sms import MemorySms
from orgwork.members.models import Member
from orgwork.selfservice import services


@pytest.fixture
def roster(tree, make_member):
    return {
        "ok": make_member(tree.village_a, name="周一", phone="13811112222"),
        "nophone": make_member(tree.village_a, name="吴二"),
        "dup": make_member(tree.village_a, name="郑三", phone="13899990000"),
        "dup2": make_member(tree.village_a, name="陈五", phone="13899990000"),
        "taken": make_member(tree.village_a, name="褚六", phone="13912345678"),
        "other": make_member(tree.village_b, name="冯四", phone="13833334444"),
    }


@pytest.mark.django_db
def test_branch_creates_accounts_for_its_roster(client, users, roster, settings, system):
    from orgwork.members import services as member_services

    member_services.update_member(actor=system, member_id=users["member_a_record"].pk, phone="13912345678")  # 李四's account has it
    client.force_login(users["sec_a"])
    assert "尚无账号的党员" in client.get(reverse("selfservice:accounts")).content.decode()
    r = client.post(reverse("selfservice:accounts"), {})
    page = r.content.decode()
    assert r.status_code == 200 and "已开通1个" in page and "没有有效的手机号码" in page and "已被其他账号使用" in page and page.count("与其他党员的手机号码相同") == 2
    ok = Member.objects.get(pk=roster["ok"].pk)
    assert ok.user is not None and ok.user.first_name == "周一" and not ok.user.has_usable_password()
    assert RoleAssignment.objects.filter(user=ok.user, org=ok.org, role=Role.MEMBER, revoked_at__isnull=True).exists()
    assert Member.objects.get(pk=roster["other"].pk).user is None  # another branch: out of scope
    assert AuditEvent.objects.filter(action="selfservice.account_created", data__name="周一").exists()
    assert AuditEvent.objects.filter(action="selfservice.accounts_batch").exists()
    # the member signs in by SMS code, is offered a password, sets one, then signs in with it
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    client.logout()
    client.post(reverse("selfservice:signin"), {"phone": "13811112222"})
    code = re.search(r"验证码 (\d{6})", MemorySms.outbox[-1]["text"]).group(1)
    r = client.post(reverse("selfservice:signin_code"), {"code": code})
    assert r["Location"] == reverse("selfservice:password")
    assert "跳过" in client.get(r["Location"]).content.decode()
    r = client.post(reverse("selfservice:password"), {"password": "Hongqi#2026cun", "password2": "Hongqi#2026"})
    assert r.status_code == 400 and "不一致" in r.content.decode()
    r = client.post(reverse("selfservice:password"), {"password": "123", "password2": "123"})
    assert r.status_code == 400
    r = client.post(reverse("selfservice:password"), {"password": "Hongqi#2026cun", "password2": "Hongqi#2026cun"})
    assert r.status_code == 302
    ok.user.refresh_from_db()
    assert ok.user.check_password("Hongqi#2026cun")
    assert client.get(reverse("selfservice:hub")).status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="user.password_set", data__first=True).exists()
    MemorySms.outbox.clear()


@pytest.mark.django_db
def test_management_command_and_members_cannot_create_accounts(client, users, roster):
    client.force_login(users["member_a"])
    assert client.post(reverse("selfservice:accounts"), {}).status_code in (302, 403)
    assert Member.objects.get(pk=roster["ok"].pk).user is None
    call_command("member_accounts", "--org", str(roster["other"].org_id))
    assert Member.objects.get(pk=roster["other"].pk).user is not None and Member.objects.get(pk=roster["ok"].pk).user is None
    again = services.create_member_accounts(actor=Actor.system_actor("t"), org_id=roster["other"].org_id)
    assert again["created"] == []  # once
