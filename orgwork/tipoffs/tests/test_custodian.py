"""The reporter's identity is sealed to the custodian: a handler is refused until the custodian grants a request
with a reason; request, decision and every read are audited; the handler cannot decide their own request."""

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.tipoffs import crypto, services

from .conftest import PASSWORD, submit

pytestmark = pytest.mark.django_db
ID = "511526198305061234"


def _real_name(office):
    import datetime as dt

    from orgwork.core import idcard

    return submit(anonymous=False, reporter_name="实名人", reporter_id_number=idcard.make("511526", dt.date(1983, 5, 6), 123), reporter_phone="13811112222")


def test_handler_is_refused_identity_until_the_custodian_grants(office):
    sub = _real_name(office)
    handler = Actor.for_user(office.handler2)
    hk = services.unlock(user=office.handler2, password=PASSWORD)
    # the handler reads the content, but not the identity
    assert services.read_report(actor=handler, report_id=sub.report.pk, handler_key=hk)["person"]["name"] == "王某某"
    with pytest.raises(PermissionDenied):
        services.read_identity(actor=handler, report_id=sub.report.pk, handler_key=hk)
    # nor can the office key open it (it is sealed to the custodian key)
    office_sk = services.office_secret(office, office.handler2, hk)
    with pytest.raises(crypto.Locked):
        crypto.unseal(office_sk, bytes(sub.report.sealed_identity))
    # a reason is required
    with pytest.raises(ServiceError):
        services.request_identity(actor=handler, report_id=sub.report.pk, reason="看")
    req = services.request_identity(actor=handler, report_id=sub.report.pk, reason="需当面核实举报人反映的具体情况")
    with pytest.raises(PermissionDenied):  # still pending
        services.read_identity(actor=handler, report_id=sub.report.pk, handler_key=hk)
    # the founder gave up the custodian key: they cannot decide
    with pytest.raises(PermissionDenied):
        services.decide_identity(actor=Actor.for_user(office.founder), request_id=req.pk, grant=True, custodian_key=services.unlock(user=office.founder, password=PASSWORD))
    ck = services.unlock(user=office.custodian, password=PASSWORD)
    services.decide_identity(actor=Actor.for_user(office.custodian), request_id=req.pk, grant=True, note="同意，限本案使用", custodian_key=ck)
    person = services.read_identity(actor=handler, report_id=sub.report.pk, handler_key=hk)
    assert person["name"] == "实名人" and person["phone"] == "13811112222"
    # another handler still sees nothing: the grant was sealed to the requester only
    with pytest.raises(PermissionDenied):
        services.read_identity(actor=Actor.for_user(office.founder), report_id=sub.report.pk, handler_key=services.unlock(user=office.founder, password=PASSWORD))
    actions = list(AuditEvent.objects.filter(action__startswith="tipoffs.identity").values_list("action", flat=True))
    assert actions.count("tipoffs.identity.refused") == 3
    assert {"tipoffs.identity.request", "tipoffs.identity.decide", "tipoffs.identity.read"} <= set(actions)


def test_custodian_refusal_needs_a_reason_and_the_requester_cannot_decide(office):
    sub = _real_name(office)
    ck = services.unlock(user=office.custodian, password=PASSWORD)
    # the custodian also holds no office key: they cannot read the content
    with pytest.raises(PermissionDenied):
        services.read_report(actor=Actor.for_user(office.custodian), report_id=sub.report.pk, handler_key=ck)
    req = services.request_identity(actor=Actor.for_user(office.handler2), report_id=sub.report.pk, reason="需要回访举报人")
    with pytest.raises(ServiceError):
        services.decide_identity(actor=Actor.for_user(office.custodian), request_id=req.pk, grant=False, note="", custodian_key=ck)
    services.decide_identity(actor=Actor.for_user(office.custodian), request_id=req.pk, grant=False, note="可通过回执码联系，无需身份", custodian_key=ck)
    with pytest.raises(PermissionDenied):
        services.read_identity(actor=Actor.for_user(office.handler2), report_id=sub.report.pk, handler_key=services.unlock(user=office.handler2, password=PASSWORD))


def test_every_read_of_a_report_is_logged(office):
    sub = submit()
    hk = services.unlock(user=office.handler2, password=PASSWORD)
    for _ in range(2):
        services.read_report(actor=Actor.for_user(office.handler2), report_id=sub.report.pk, handler_key=hk)
    reads = AuditEvent.objects.filter(action="tipoffs.report.read", object_id=str(sub.report.pk))
    assert reads.count() == 2 and {e.actor_label for e in reads} == {"handler2"}


def test_identity_page_is_refused_until_granted(office, client):
    sub = _real_name(office)
    client.force_login(office.handler2)
    r = client.post("/tipoffs/unlock/", {"password": PASSWORD})
    assert r.status_code == 302
    assert client.get(f"/tipoffs/{sub.report.pk}/identity/").status_code == 403
    page = client.get(f"/tipoffs/{sub.report.pk}/").content.decode()
    assert "王某某" in page and "实名人" not in page
