"""The mobile member card (流动党员活动证, seed 002: 发放流动党员证) on the phone, read from lifecycle's mobile-member
registration; the branch registers the mobile member in one step from the member's away report (党员教育管理工作条例
第三十二条)."""

import datetime as dt

import pytest
from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.lifecycle.models import MobileRegistration
from orgwork.selfservice import services
from orgwork.selfservice.models import MemberRequest

TODAY = dt.date.today()


def _report(users):
    actor = Actor.for_user(users["member_a"])
    return services.report_away(actor=actor, left_on=TODAY - dt.timedelta(days=3), destination="广东省深圳市宝安区", expected_return=TODAY + dt.timedelta(days=300), text="务工")


@pytest.mark.django_db
def test_branch_registers_the_away_report_in_one_step_and_the_member_shows_the_card(client, users):
    client.force_login(users["member_a"])
    r = client.get(reverse("selfservice:card"))
    assert r.status_code == 200 and 'data-testid="no-card"' in r.content.decode()
    req = _report(users)
    # another branch cannot register it
    with pytest.raises(NotFound):
        services.register_mobile_from_request(actor=Actor.for_user(users["sec_b"]), request_id=req.pk, home_contact="王五")
    client.force_login(users["sec_a"])
    page = client.get(reverse("selfservice:requests")).content.decode()
    assert "登记为流动党员" in page
    r = client.post(reverse("selfservice:requests"), {"request": req.pk, "home_contact": "", "card_number": "LD2026001"})
    assert MobileRegistration.objects.count() == 0  # the contact at home is required by lifecycle's rule
    r = client.post(reverse("selfservice:requests"), {"request": req.pk, "home_contact": "王五", "home_contact_phone": "13800001111", "card_number": "LD2026001", "workplace": "某电子厂"})
    assert r.status_code == 302
    reg = MobileRegistration.objects.get()
    assert reg.member == users["member_a_record"] and reg.destination == "广东省深圳市宝安区" and reg.left_on == req.left_on
    assert reg.expected_return == req.expected_return and reg.card_number == "LD2026001" and reg.home_contact == "王五"
    req.refresh_from_db()
    assert req.status == "done"
    assert AuditEvent.objects.filter(action="mobile.register").exists() and AuditEvent.objects.filter(action="selfservice.mobile_registered").exists()
    with pytest.raises(ServiceError):  # once
        services.register_mobile_from_request(actor=Actor.for_user(users["sec_a"]), request_id=req.pk, home_contact="王五")
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:card")).content.decode()
    assert 'data-testid="mobile-card"' in page and "LD2026001" in page and "李四" in page and "红旗村党支部" in page and "王五" in page
    assert "在外流动" in page and "window.print()" in page


@pytest.mark.django_db
def test_a_correction_cannot_be_registered_as_mobile(users):
    req = services.ask_correction(actor=Actor.for_user(users["member_a"]), text="电话有误")
    with pytest.raises(ServiceError) as exc:
        services.register_mobile_from_request(actor=Actor.for_user(users["sec_a"]), request_id=req.pk, home_contact="王五")
    assert exc.value.errors[0].code == "not_away"
    assert MemberRequest.objects.get().status == "open"


@pytest.mark.django_db
def test_the_card_shows_only_the_members_own_registration(client, users, make_member, tree, system):
    from orgwork.lifecycle.services import mobile

    other = make_member(tree.village_a, name="赵六")
    mobile.register(actor=system, member_id=other.pk, left_on=TODAY, destination="上海市", home_contact="王五", card_number="LD-OTHER")
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:card")).content.decode()
    assert "LD-OTHER" not in page and "赵六" not in page


@pytest.mark.django_db
def test_demo_fills_the_phone_pages(users, system, tree):
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from orgwork.dues import services as dues_services
    from orgwork.dues.models import MemberPayment
    from orgwork.selfservice import demo
    from orgwork.selfservice.models import MemberRequest

    User = get_user_model()
    User.objects.filter(pk=users["member_a"].pk).update(username="member")
    today = dt.date.today()
    dues_services.set_base(actor=system, member_id=users["member_a_record"].pk, category="salaried", base="4000", declared_on=today.replace(day=1))
    out = demo.build(tree.county, SimpleNamespace(today=today))
    assert out == {"correction": 1, "away": 1, "payment": 1}
    assert MemberRequest.objects.filter(member=users["member_a_record"]).count() == 2
    assert list(MemberPayment.objects.filter(member=users["member_a_record"]).values_list("status", "channel")) == [("reported", "cash")]
    assert demo.build(tree.county, SimpleNamespace(today=today)) == {}
