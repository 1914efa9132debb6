"""Assisted mode: the branch secretary acts for a member without a smartphone — a dues payment record, points with
a photo, a correction and an away report — recorded as assisted (who acted for whom) on the record and in the audit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.models import AuditEvent
from orgwork.core.normalize import add_months
from orgwork.dues import services as dues_services
from orgwork.dues.models import MemberPayment
from orgwork.selfservice.models import MemberRequest

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201"
    "a5f6e54a0000000049454e44ae426082"
)


@pytest.mark.django_db
def test_secretary_acts_for_a_member_without_a_smartphone(client, users, tree, make_member, system):
    from orgwork.core.scoring.models import ScoreEntry
    from orgwork.scores import services as score_services

    score_services.ensure_defaults()
    old = make_member(tree.village_a, name="孙老汉", phone="")
    month = dt.date.today().replace(day=1)
    dues_services.set_base(actor=system, member_id=old.pk, category="farmer", amount="1", declared_on=add_months(month, -3))
    client.force_login(users["sec_a"])
    page = client.get(reverse("selfservice:assist") + "?q=孙老汉").content.decode()
    assert ("孙老汉" in page and "甲镇党委" in page) or "中共甲镇委员会" in page
    url = reverse("selfservice:assist_member", args=[old.pk])
    assert client.get(url).status_code == 200
    # dues
    r = client.post(url, {"act": "dues", "from_month": month.isoformat(), "months": "1", "channel": "cash"})
    assert r.status_code == 302
    mp = MemberPayment.objects.get(member=old)
    assert mp.assisted_by == "sec_a" and mp.status == "reported" and mp.amount == 1
    assert AuditEvent.objects.filter(action="dues.member_payment.assisted", data__assisted_for="孙老汉").exists()
    dues_services.confirm_member_payment(actor=Actor.for_user(users["sec_a"]), member_payment_id=mp.pk)
    mp.refresh_from_db()
    assert "代为办理" in mp.payment.note
    # points with a photo
    r = client.post(url, {"act": "points", "indicator": "volunteer", "occurred_on": dt.date.today().isoformat(), "units": "1", "note": "打扫村部", "photo": SimpleUploadedFile("p.png", PNG, content_type="image/png")})
    assert r.status_code == 302, r.content.decode()[:2000]
    e = ScoreEntry.objects.get(indicator_code="volunteer")
    assert "sec_a代为提交" in e.note
    # correction and away report
    client.post(url, {"act": "correction", "text": "住址应为红旗村三组"})
    today = dt.date.today()
    client.post(url, {"act": "away", "left_on": today.isoformat(), "destination": "浙江省义乌市", "expected_return": (today + dt.timedelta(days=250)).isoformat()})
    reqs = {r.kind: r for r in MemberRequest.objects.filter(member=old)}
    assert reqs["correction"].assisted_by == "sec_a" and reqs["away"].assisted_by == "sec_a"
    what = sorted(AuditEvent.objects.filter(action="selfservice.assisted", data__for="孙老汉").values_list("data__what", flat=True))
    assert what == ["away", "correction", "points"]
    assert "代为办理" in client.get(reverse("selfservice:requests")).content.decode()


@pytest.mark.django_db
def test_no_assisting_outside_the_branch_or_as_a_member(client, users, tree, make_member):
    other = make_member(tree.village_b, name="钱老太")
    client.force_login(users["sec_a"])
    assert client.get(reverse("selfservice:assist_member", args=[other.pk])).status_code == 404
    assert "没有找到该党员" in client.get(reverse("selfservice:assist") + "?q=钱老太").content.decode()
    client.post(reverse("selfservice:assist_member", args=[other.pk]), {"act": "correction", "text": "x"})
    assert not MemberRequest.objects.exists()
    client.force_login(users["member_a"])
    assert client.get(reverse("selfservice:assist")).status_code in (302, 403)
