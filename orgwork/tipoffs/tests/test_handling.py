"""Handling on the procedure kernel with time limits as data: accept (10 working days) → assign → verify →
conclude (60, extendable once by 30 with another person's approval) → reply → close; reminders through the one
deadline job; out-of-scope matters forwarded with the reporter told; statistics without content."""

import datetime as dt

import pytest

from orgwork.core import calendar as workcal
from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.tipoffs import selectors, services
from orgwork.tipoffs.models import Status

from .conftest import submit

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)  # a Monday


def _on(day, **over):
    return submit(received_on=day, **over) if False else services.submit(actor=over.pop("actor"), office_id=over.pop("office_id"), channel="letter", category="selection",
                                                                          person_name="王某", text="来信内容", anonymous=True, received_on=day, **over)


def test_the_whole_procedure_and_the_reporter_reads_the_reply(office):
    a = Actor.for_user(office.founder)
    sub = _on(DAY, actor=a, office_id=office.pk)
    r = sub.report
    assert r.procedure.due_on == workcal.add_workdays(DAY, 10)
    services.decide(actor=a, report_id=r.pk, decision="accept", on=DAY + dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.status == Status.ACCEPTED
    services.assign(actor=a, report_id=r.pk, assignee="干部监督科", on=DAY + dt.timedelta(days=2))
    services.verify(actor=a, report_id=r.pk, method="talk", on=DAY + dt.timedelta(days=3))
    r.refresh_from_db()
    assert r.procedure.step == "conclude" and r.procedure.due_on == workcal.add_workdays(DAY + dt.timedelta(days=1), 60)
    services.conclude(actor=a, report_id=r.pk, outcome="partly", on=DAY + dt.timedelta(days=10))
    services.reply(actor=a, report_id=r.pk, text="经查，反映的问题部分属实，已责令整改。", on=DAY + dt.timedelta(days=11))
    services.close(actor=a, report_id=r.pk, on=DAY + dt.timedelta(days=12))
    r.refresh_from_db()
    assert r.status == Status.CLOSED and r.outcome == "partly"
    report, sk = services.find_by_receipt(sub.receipt)
    view = services.reporter_view(report, sk)
    assert view["status_label"] == "已结案" and view["messages"][-1]["text"].startswith("经查")
    assert not view["may_add"]


def test_out_of_scope_matters_are_forwarded_and_the_reporter_told(office):
    a = Actor.for_user(office.founder)
    sub = services.submit(actor=None, category="other", person_name="某人", text="村里低保分配不公", anonymous=True)
    with pytest.raises(ServiceError):
        services.decide(actor=a, report_id=sub.report.pk, decision="accept")
    services.decide(actor=a, report_id=sub.report.pk, decision="forward", forward_to="县民政局", reason="属于民政部门职责")
    sub.report.refresh_from_db()
    assert sub.report.status == Status.FORWARDED and sub.report.forwarding.reporter_told
    view = services.reporter_view(*services.find_by_receipt(sub.receipt))
    assert "县民政局" in view["messages"][0]["text"]
    services.update_forwarding(actor=a, report_id=sub.report.pk, acknowledged_on=dt.date.today())


def test_conclusion_extended_once_by_30_working_days_with_another_persons_approval(office):
    a = Actor.for_user(office.founder)
    b = Actor.for_user(office.handler2)
    r = _on(DAY, actor=a, office_id=office.pk).report
    services.decide(actor=a, report_id=r.pk, decision="accept", on=DAY)
    services.assign(actor=a, report_id=r.pk, assignee="干部监督科", on=DAY)
    services.verify(actor=a, report_id=r.pk, method="records", on=DAY)
    r.refresh_from_db()
    due = r.procedure.due_on
    ext = services.request_extension(actor=a, report_id=r.pk, reason="涉及人员多，需延长")
    with pytest.raises(ServiceError) as e:
        services.approve_extension(actor=a, extension_id=ext.pk)
    assert e.value.errors[0].code == "self_approval"
    services.approve_extension(actor=b, extension_id=ext.pk)
    r.refresh_from_db()
    assert r.procedure.due_on == workcal.add_workdays(due, 30)
    with pytest.raises(ServiceError) as e:
        services.request_extension(actor=a, report_id=r.pk, reason="再次延长")
    assert e.value.errors[0].code == "extension_used"


def test_time_limits_raise_reminders_through_the_deadline_job(office):
    a = Actor.for_user(office.founder)
    r = _on(DAY, actor=a, office_id=office.pk).report
    due = workcal.add_workdays(DAY, 10)
    items = [i for i in deadlines.procedure_items(due - dt.timedelta(days=1)) if i.kind == "procedure.tipoff"]
    assert len(items) == 1 and r.reference in items[0].title and "受理审查" in items[0].title
    assert items[0].url == f"/tipoffs/{r.pk}/" and "王某" not in items[0].title + items[0].body
    later = workcal.add_workdays(due, 5)
    overdue = [i for i in deadlines.procedure_items(later) if i.kind == "procedure.tipoff"]
    reminders, _n, escalations = deadlines.reminders_for(overdue, later)
    texts = " ".join(f"{rem.title} {rem.body}" for rem in reminders)
    assert reminders and r.reference in texts and "已逾期" in texts  # the county office has no level above to escalate to
    assert office.founder in {rem.recipient for rem in reminders}
    assert deadlines.run(today=later, dry_run=True, only=["core.procedures"]).items >= 1
    assert "来信内容" not in texts and "王某" not in texts


def test_statistics_count_without_content(office):
    a = Actor.for_user(office.founder)
    submit()
    submit(category="conduct")
    services.submit(actor=a, office_id=office.pk, channel="phone", category="conduct", person_name="某", text="电话内容", anonymous=True)
    s = selectors.statistics(a)
    assert s["total"] == 3
    assert dict(s["by_category"])["领导干部作风和廉洁问题"] == 2 and dict(s["by_channel"])["电话"] == 1
    assert s["by_office"] == [("测试县委组织部12380举报受理室", 3)]


def test_a_branch_secretary_sees_no_register(office, users, client):
    submit()
    client.force_login(users["sec_a"])
    assert client.get("/tipoffs/").status_code == 404
    assert client.get("/api/v1/tipoffs/reports/").status_code in (200, 403)
