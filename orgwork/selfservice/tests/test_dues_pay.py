"""My dues on the phone: the ledger and arrears, paying online through the payment-provider interface (the local
fake cashier, signed callbacks; forged, stale and replayed callbacks refused), reporting a cash payment, and the
branch confirming — which writes the ledger through dues' own record_payment (组通字〔2008〕3号 二: back payment at
most 6 months)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent
from orgwork.core.normalize import add_months
from orgwork.dues import services as dues_services
from orgwork.dues.models import DuesMonth, DuesPayment, MemberPayment, PaymentNotice
from orgwork.dues.providers import FakeProvider, PaymentError, provider, sign

TODAY = dt.date.today()
THIS_MONTH = TODAY.replace(day=1)


@pytest.fixture
def payer(users, system):
    m = users["member_a_record"]
    dues_services.set_base(actor=system, member_id=m.pk, category="salaried", base="4000", declared_on=add_months(THIS_MONTH, -12))
    return m


def _start(client, months=2, channel="online", from_month=None):
    from_month = from_month or add_months(THIS_MONTH, -(months - 1))
    return client.post(reverse("selfservice:dues"), {"from_month": from_month.isoformat(), "months": str(months), "channel": channel})


@pytest.mark.django_db
def test_member_pays_online_at_the_fake_cashier_and_the_branch_confirms(client, users, payer):
    from orgwork.notifications.models import Notification

    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:dues")).content.decode()
    assert "40.00" in page and "已连续" in page  # monthly amount (1% of 4000) and arrears since joining
    r = _start(client, months=2)
    mp = MemberPayment.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("dues:fake_cashier", args=[mp.order_no])
    assert mp.status == "pending" and mp.amount == Decimal("80.00") and mp.provider == "fake"
    assert "¥80.00" in client.get(r["Location"]).content.decode()
    client.logout()  # the cashier is the provider's page: it needs no session here
    r = client.post(reverse("dues:fake_cashier", args=[mp.order_no]), {"act": "pay"})
    assert r.status_code == 302 and r["Location"] == reverse("selfservice:dues") + f"?order={mp.order_no}"
    mp.refresh_from_db()
    assert mp.status == "paid" and mp.paid_at is not None
    assert not DuesMonth.objects.filter(member=payer).exists()  # not in the ledger before the branch confirms
    assert Notification.objects.filter(recipient=users["sec_a"], title__contains="交纳党费80.00元").exists()
    client.force_login(users["member_a"])
    assert "已支付，待支部确认" in client.get(r["Location"]).content.decode()
    # another branch's secretary neither sees nor confirms it
    client.force_login(users["sec_b"])
    assert mp.order_no not in client.get(reverse("selfservice:payments")).content.decode()
    client.post(reverse("selfservice:payments"), {"member_payment": mp.pk, "act": "confirm"})
    mp.refresh_from_db()
    assert mp.status == "paid"
    client.force_login(users["sec_a"])
    assert mp.order_no in client.get(reverse("selfservice:payments")).content.decode()
    r = client.post(reverse("selfservice:payments"), {"member_payment": mp.pk, "act": "confirm"})
    mp.refresh_from_db()
    assert mp.status == "confirmed" and mp.decided_by == "sec_a"
    pay = DuesPayment.objects.get(member=payer)
    assert pay.receipt_no == mp.order_no and pay.amount == Decimal("80.00") and pay.months == 2 and mp.payment == pay
    months = list(DuesMonth.objects.filter(member=payer).order_by("month").values_list("month", "paid"))
    assert months == [(add_months(THIS_MONTH, -1), Decimal("40.00")), (THIS_MONTH, Decimal("40.00"))]
    assert AuditEvent.objects.filter(action="dues.pay").exists() and AuditEvent.objects.filter(action="dues.member_payment.confirmed").exists()
    # those months cannot be paid again from the phone
    client.force_login(users["member_a"])
    r = _start(client, months=1)
    assert r.status_code == 400 and "不能在手机上交纳" in r.content.decode()


@pytest.mark.django_db
def test_forged_stale_replayed_and_mismatched_callbacks_are_refused(client, users, payer):
    actor = Actor.for_user(users["member_a"])
    mp, url = dues_services.start_member_payment(actor=actor, from_month=THIS_MONTH, months=1, channel="online")
    fake = provider("fake")
    notify = reverse("dues:pay_notify", args=["fake"])
    # forged: signed with another key
    good = fake.signed_notice(mp.order_no)
    forged = dict(good, notify_id="n-forged")
    forged["sign"] = sign(forged, "not-the-key")
    r = client.post(notify, forged)
    assert r.status_code == 400 and r.content == b"fail"
    # tampered after signing (a cheaper amount)
    r = client.post(notify, dict(good, amount="0.01"))
    assert r.status_code == 400
    # correctly signed but the amount is not the order's
    r = client.post(notify, fake.signed_notice(mp.order_no, amount="1.00"))
    assert r.status_code == 400
    # stale: signed an hour ago
    import time

    r = client.post(notify, fake.signed_notice(mp.order_no, at=int(time.time()) - 3600))
    assert r.status_code == 400
    mp.refresh_from_db()
    assert mp.status == "pending"
    # the genuine one is accepted once
    r = client.post(notify, good)
    assert r.status_code == 200 and r.content == b"success"
    mp.refresh_from_db()
    assert mp.status == "paid"
    r = client.post(notify, good)  # replayed
    assert r.status_code == 400
    reasons = sorted(PaymentNotice.objects.filter(accepted=False).values_list("reason", flat=True))
    assert reasons == ["amount_mismatch", "bad_signature", "bad_signature", "replayed", "stale"]
    assert AuditEvent.objects.filter(action="dues.pay_notice_refused").count() == 5
    # a fresh notify for a paid order (the provider repeating itself) changes nothing
    assert client.post(notify, fake.signed_notice(mp.order_no)).status_code == 200
    assert MemberPayment.objects.get().status == "paid"
    with pytest.raises(PaymentError):
        dues_services.payment_notified(provider_name="fake", values={"order_no": mp.order_no})


@pytest.mark.django_db
def test_cash_report_the_branch_rejects_or_confirms_with_the_console_rules(client, users, payer, system):
    client.force_login(users["member_a"])
    r = _start(client, months=1, channel="cash")
    assert r.status_code == 302
    mp = MemberPayment.objects.get()
    assert mp.status == "reported" and mp.provider == ""
    sec = Actor.for_user(users["sec_a"])
    with pytest.raises(ServiceError):
        dues_services.reject_member_payment(actor=sec, member_payment_id=mp.pk, reason=" ")
    dues_services.reject_member_payment(actor=sec, member_payment_id=mp.pk, reason="支部未收到现金")
    assert "支部未收到现金" in client.get(reverse("selfservice:dues")).content.decode()
    # reported again; meanwhile the treasurer records the same month at the console: confirming is refused
    _start(client, months=1, channel="cash")
    mp2 = MemberPayment.objects.get(status="reported")
    dues_services.record_payment(actor=system, member_id=payer.pk, from_month=THIS_MONTH, months=1, paid_on=TODAY)
    with pytest.raises(ServiceError) as exc:
        dues_services.confirm_member_payment(actor=sec, member_payment_id=mp2.pk)
    assert exc.value.errors[0].code == "already_paid"
    mp2.refresh_from_db()
    assert mp2.status == "reported"


@pytest.mark.django_db
def test_back_payment_limit_and_unpaid_fake_order_cannot_be_confirmed(client, users, payer):
    """组通字〔2008〕3号 二: back payment at most 6 months — older months are not offered on the phone."""
    actor = Actor.for_user(users["member_a"])
    months = [m for m, _due in dues_services.payable_months(payer)]
    assert months[0] == add_months(THIS_MONTH, -6) and months[-1] == THIS_MONTH
    with pytest.raises(ServiceError) as exc:
        dues_services.start_member_payment(actor=actor, from_month=add_months(THIS_MONTH, -7), months=1, channel="online")
    assert exc.value.errors[0].code == "not_payable"
    with pytest.raises(ServiceError):  # next month: not due yet
        dues_services.start_member_payment(actor=actor, from_month=add_months(THIS_MONTH, 1), months=1, channel="online")
    mp, _url = dues_services.start_member_payment(actor=actor, from_month=THIS_MONTH, months=1, channel="online")
    with pytest.raises(ServiceError) as exc:  # not paid at the cashier: nothing to confirm
        dues_services.confirm_member_payment(actor=Actor.for_user(users["sec_a"]), member_payment_id=mp.pk)
    assert exc.value.errors[0].code == "not_waiting"
    # the member cancels it; the month is free again
    client.force_login(users["member_a"])
    client.post(reverse("selfservice:dues"), {"member_payment": mp.pk, "cancel": "1"})
    mp.refresh_from_db()
    assert mp.status == "cancelled" and FakeProvider().trade(mp.order_no)["status"] == "closed"
    assert THIS_MONTH in [m for m, _d in dues_services.payable_months(payer)]


@pytest.mark.django_db
def test_provider_is_chosen_from_the_environment(monkeypatch, settings):
    class Bank(FakeProvider):
        name = "bank"

    import orgwork.dues.providers as p

    monkeypatch.setattr(p, "BankForTest", Bank, raising=False)
    monkeypatch.setenv("ORGWORK_DUES_PAY_PROVIDER", "orgwork.dues.providers.BankForTest")
    monkeypatch.setenv("ORGWORK_DUES_PAY_KEY", "k-from-env")
    assert provider().name == "bank" and provider().key() == "k-from-env"
    assert not p.is_fake_configured()


@pytest.mark.django_db
def test_fake_cashier_is_closed_when_a_real_provider_is_configured(client, monkeypatch):
    monkeypatch.setenv("ORGWORK_DUES_PAY_PROVIDER", "orgwork.dues.providers.PaymentProvider")
    assert client.get(reverse("dues:fake_cashier", args=["DF1"])).status_code == 404


def test_order_numbers_are_unguessable():
    assert re.fullmatch(r"DF\d{14}[0-9A-F]{8}", dues_services._new_order_no())
