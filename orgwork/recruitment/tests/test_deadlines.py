"""The kernel's deadline job on member development (issue 12 "Must show"): a step due tomorrow reminds its
secretary; an overdue one goes up to the township after the rule's working days; a step waiting at the
township or the county is notified there at once and is in their attention list."""

import datetime as dt

import pytest

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.notifications.models import Notification
from orgwork.recruitment import services

D = dt.date
pytestmark = pytest.mark.django_db


def inbox(user):
    """The procedure reminders in a user's inbox (the other providers — terms, meetings — have their own tests)."""
    return list(Notification.objects.filter(recipient=user, kind__startswith="procedure.").order_by("id").values_list("title", flat=True))


def run(today):
    return deadlines.run(today=today, only=["core.procedures"])


def test_a_development_step_due_tomorrow_reminds_its_responsible_secretary(pipeline, users):
    a = pipeline.apply()  # applied 2023-03-01: the talk is due within 1 month (细则第八条) → 2023-04-01
    assert a.procedure.due_on == D(2023, 4, 1)
    run(D(2023, 3, 20))
    assert inbox(users["sec_a"]) == []  # 12 days ahead: not yet
    report = run(D(2023, 3, 31))
    assert report.new == 1
    [title] = inbox(users["sec_a"])
    assert title == "【明日到期】发展党员：王小明（红旗村党支部）第2步“党组织派人谈话”"
    n = Notification.objects.get(recipient=users["sec_a"])
    assert n.url == f"/recruitment/{a.pk}/" and "2023年4月1日" in n.body and n.category == "procedures"
    # the same item is not sent twice (running the job again the same day sends nothing)
    assert run(D(2023, 3, 31)).new == 0
    assert len(inbox(users["sec_a"])) == 1
    # nobody else: not the other branch, not the township (nothing is late)
    assert inbox(users["sec_b"]) == [] and inbox(users["town_a"]) == [] and inbox(users["county"]) == []


def test_an_overdue_step_escalates_to_the_township_after_the_rules_working_days(pipeline, users):
    pipeline.apply()  # talk due Saturday 2023-04-01
    run(D(2023, 4, 3))  # Monday: 1 working day late
    assert inbox(users["sec_a"])[-1].startswith("【已逾期1个工作日】")
    assert inbox(users["town_a"]) == []
    run(D(2023, 4, 5))  # Wednesday 5 April is 清明 (a holiday): still 2 working days
    assert inbox(users["town_a"]) == []
    run(D(2023, 4, 6))  # Thursday: 3 working days = the rule's escalate_after_working_days
    [title] = inbox(users["town_a"])
    assert title.startswith("【督办】发展党员：王小明（红旗村党支部）第2步“党组织派人谈话”") and "已逾期3个工作日" in title
    assert run(D(2023, 4, 7)).escalations == 1 and len(inbox(users["town_a"])) == 1  # escalated once
    assert inbox(users["county"]) == []  # the level above the branch is the township, not the county


def test_a_department_sets_its_own_escalation_period(pipeline, users, tree):
    county = Actor.for_user(users["county"])
    with pytest.raises(PermissionDenied):
        deadlines.set_escalation_days(actor=Actor.for_user(users["town_a"]), org_id=tree.town_a.pk, working_days=1, reason="镇里要求")
    with pytest.raises(ServiceError) as exc:
        deadlines.set_escalation_days(actor=county, org_id=tree.county.pk, working_days=0, reason="县委组织部通知")
    assert exc.value.errors[0].field == "working_days"
    deadlines.set_escalation_days(actor=county, org_id=tree.county.pk, working_days=5, reason="县委组织部通知")
    assert deadlines.escalation_days(tree.village_a.pk, D(2023, 4, 6)) == 5
    pipeline.apply()
    run(D(2023, 4, 6))
    assert inbox(users["town_a"]) == []  # 3 working days late: under this county's 5
    run(D(2023, 4, 10))  # Mon 10 April: 5 working days
    assert len(inbox(users["town_a"])) == 1
    deadlines.set_escalation_days(actor=county, org_id=tree.county.pk, working_days=None, reason="恢复默认")
    assert deadlines.escalation_days(tree.village_a.pk, D(2023, 4, 6)) == 3


def test_a_step_waiting_at_the_township_is_notified_there_at_once_and_is_in_its_attention_list(pipeline, users):
    a = pipeline.apply()
    pipeline.run(a, through="activist")  # the next step, 上级党委备案, is the township's
    [title] = inbox(users["town_a"])
    assert title == "【待办理】发展党员：王小明（红旗村党支部）第4步“上级党委备案”"
    assert inbox(users["county"]) == []
    waiting = deadlines.waiting_procedures(Actor.for_user(users["town_a"]))
    assert [inst.pk for inst, _item in waiting] == [a.procedure_id]
    assert deadlines.waiting_procedures(Actor.for_user(users["sec_a"])) == []  # the branch cannot file it itself
    # the daily job does not send the same thing again
    deadlines.run()  # every provider, today
    assert inbox(users["town_a"]) == [title]


def test_a_step_waiting_at_the_county_notifies_county_staff_at_once(pipeline, system, tree, users):
    services.set_local_rules(actor=system, org_id=tree.county.pk, enabled=True)  # 两审: the county reviews too
    a = pipeline.apply()
    pipeline.run(a, through="training")

    def step(key, on, data=None, **kw):
        return services.complete_step(actor=system, applicant_id=a.pk, step=key, done_on=on, data=data or {}, **kw)

    step("theory_exam", D(2024, 5, 22), {"score": 82})
    step("branch_inspection", D(2024, 5, 24), {"conclusion": "pass"})
    step("committee_review", D(2024, 6, 3), {"conclusion": "pass"})
    step("mass_vote", D(2024, 6, 3), {"polled": 40, "satisfied": 36})
    step("village_notice", D(2024, 6, 4), {"notice_place": "村务公开栏"})
    before = len(inbox(users["county"]))
    step("pre_review", D(2024, 6, 12), {"conclusion": "pass", "notice_place": "镇政务公开栏"})
    county_titles = inbox(users["county"])[before:]
    assert county_titles == ["【待办理】发展党员（两考两票两审两公示）：王小明（红旗村党支部）第18步“县委组织部审查”"]
    assert [i.pk for i, _ in deadlines.waiting_procedures(Actor.for_user(users["county"]))] == [a.procedure_id]
    assert deadlines.waiting_procedures(Actor.for_user(users["town_a"])) == []


def test_a_notification_is_rolled_back_with_the_step_that_caused_it(pipeline, users):
    a = pipeline.apply()
    pipeline.run(a, through="talk")
    with pytest.raises(ServiceError):
        pipeline.step(a, "activist", done_on=D(2023, 3, 1))  # before the previous step: refused
    assert inbox(users["town_a"]) == []


def test_the_waiting_step_is_on_the_home_page_of_the_township_not_of_the_branch(pipeline, users):
    from django.test import Client

    a = pipeline.apply()
    pipeline.run(a, through="activist")
    c = Client()
    c.force_login(users["town_a"])
    assert "待本级办理：发展党员：王小明（红旗村党支部）第4步“上级党委备案”" in c.get("/").content.decode()
    c.force_login(users["sec_a"])
    assert "待本级办理" not in c.get("/").content.decode()
