"""Applicants and activists (not members yet) sign in by an SMS code sent to the phone on their development record:
they see their stage, the step the branch is on with its date and what comes next, and send thought reports
(思想汇报) that are kept in the development record; the branch sees and reads them."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from orgwork.conftest import make_id
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.core.sms import MemorySms
from orgwork.recruitment import services as recruitment_services
from orgwork.recruitment.models import ThoughtReport

PHONE = "13712340000"
REPORT = "通过学习党章，我进一步认识到中国共产党是中国工人阶级的先锋队，决心以实际行动争取早日加入党组织。"


@pytest.fixture
def sms(settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    yield MemorySms.outbox
    MemorySms.outbox.clear()


@pytest.fixture
def applicant(tree, system, users):
    return recruitment_services.start_application(
        actor=system, org_id=tree.village_a.pk, applied_on=dt.date.today() - dt.timedelta(days=10), name="王小明", id_number=make_id(dt.date(1998, 5, 6)),
        phone=PHONE, documents={"入党申请书": "申请书 2026-001"},
    )  # fmt: skip


def _sign_in(client, sms, phone=PHONE):
    r = client.post(reverse("selfservice:signin"), {"phone": phone})
    assert r.status_code == 302
    code = re.search(r"验证码 (\d{6})", sms[-1]["text"]).group(1)
    return client.post(reverse("selfservice:signin_code"), {"code": code})


@pytest.mark.django_db
def test_applicant_signs_in_by_sms_code_and_sees_the_stage(client, sms, applicant):
    r = _sign_in(client, sms)
    assert r.status_code == 302 and len(sms) == 1 and sms[0]["phone"] == PHONE
    applicant.refresh_from_db()
    assert applicant.user is not None and applicant.user.first_name == "王小明" and not applicant.user.has_usable_password()
    assert AuditEvent.objects.filter(action="selfservice.applicant_account").exists() and AuditEvent.objects.filter(action="recruitment.link_user").exists()
    r = client.get(reverse("selfservice:hub"))
    assert r.status_code == 302 and r["Location"] == reverse("selfservice:applicant")
    page = client.get(reverse("selfservice:applicant")).content.decode()
    assert "王小明" in page and "红旗村党支部" in page and 'data-testid="stage"' in page and 'data-testid="next-step"' in page
    # the second time the same account is used
    client.logout()
    _sign_in(client, sms)
    assert client.session["_auth_user_id"] == str(applicant.user_id)
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__startswith="applicant").count() == 1
    # no console, no member pages of others
    assert client.get(reverse("selfservice:requests")).status_code in (302, 403)


@pytest.mark.django_db
def test_thought_report_goes_to_the_branch_and_stays_in_the_record(client, sms, applicant, users):
    from orgwork.notifications.models import Notification

    _sign_in(client, sms)
    r = client.post(reverse("selfservice:applicant"), {"title": "2026年第四季度思想汇报", "text": "太短"})
    assert r.status_code == 400 and "不能少于20字" in r.content.decode()
    r = client.post(reverse("selfservice:applicant"), {"title": "2026年第四季度思想汇报", "text": REPORT})
    assert r.status_code == 302
    t = ThoughtReport.objects.get()
    assert t.applicant == applicant and t.org == applicant.org and t.stage == applicant.procedure.stage and t.assisted_by == ""
    assert Notification.objects.filter(recipient=users["sec_a"], title__contains="思想汇报").exists()
    # the branch sees it in the development record and reads it
    client.force_login(users["sec_a"])
    page = client.get(reverse("recruitment:detail", args=[applicant.pk])).content.decode()
    assert "2026年第四季度思想汇报" in page and "决心以实际行动" in page
    client.post(reverse("recruitment:thought_report_read", args=[applicant.pk]), {"report": t.pk, "comment": "认识深刻，继续努力"})
    t.refresh_from_db()
    assert t.read_by == "sec_a" and t.comment == "认识深刻，继续努力"
    # another branch neither sees nor reads it
    client.force_login(users["sec_b"])
    assert client.get(reverse("recruitment:detail", args=[applicant.pk])).status_code == 404
    with pytest.raises(NotFound):
        recruitment_services.read_thought_report(actor=Actor.for_user(users["sec_b"]), report_id=t.pk)
    # the applicant sees the comment
    applicant.refresh_from_db()
    client.force_login(applicant.user)
    assert "认识深刻，继续努力" in client.get(reverse("selfservice:applicant")).content.decode()


@pytest.mark.django_db
def test_a_member_or_stranger_has_no_applicant_page(client, users):
    client.force_login(users["member_a"])
    assert client.get(reverse("selfservice:applicant")).status_code == 404
    with pytest.raises(NotFound):
        recruitment_services.submit_thought_report(actor=Actor.for_user(users["member_a"]), title="x", text=REPORT)


@pytest.mark.django_db
def test_the_secretary_enters_a_report_for_an_applicant_without_a_smartphone(applicant, users):
    t = recruitment_services.submit_thought_report(actor=Actor.for_user(users["sec_a"]), applicant_id=applicant.pk, title="纸质思想汇报录入", text=REPORT)
    assert t.assisted_by == "sec_a"
    assert AuditEvent.objects.filter(action="recruitment.thought_report.assisted", data__assisted_for="王小明").exists()
    with pytest.raises((NotFound, ServiceError)):
        recruitment_services.submit_thought_report(actor=Actor.for_user(users["sec_b"]), applicant_id=applicant.pk, title="x", text=REPORT)


@pytest.mark.django_db
def test_a_phone_shared_by_a_member_and_an_applicant_gets_no_code(client, sms, applicant, users, system):
    from orgwork.members import services as member_services

    member_services.update_member(actor=system, member_id=users["member_a_record"].pk, phone=PHONE)
    r = client.post(reverse("selfservice:signin"), {"phone": PHONE})
    assert r.status_code == 302 and sms == []
