"""The deadline kernel: rule data, responsibility with fallback up the tree, the job and its command, the
transfer service's at-once notification, one failing provider, and no personal numbers in any message."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.responsibility import level_above, responsible_users
from orgwork.core.rules import UnknownRule, rule
from orgwork.core.services import revoke_role
from orgwork.notifications.models import MessageLog, Notification

D = dt.date


def test_the_deadline_numbers_are_rule_data_and_say_no_regulation_fixes_them():
    rs = rule("deadlines", on=D(2026, 12, 3))
    # No regulation (rules.md, the seeds, 发展党员工作细则, 党员教育管理工作条例) fixes after how many working days
    # overdue work goes up a level, nor how early to remind: the rule says so and a department sets its own.
    assert "无法规规定" in rs.source and "没有规定" in rs["note"] and "组织部门" in rs["note"] and "rules.md" in rs["note"]
    assert rs["escalate_after_working_days"] == 3 and tuple(rs["remind_days_before"]) == (7, 1)
    assert rs["escalate_min_working_days"] <= rs["escalate_after_working_days"] <= rs["escalate_max_working_days"]
    with pytest.raises(UnknownRule):
        rule("deadlines", on=D(1999, 12, 31))
    with pytest.raises(UnknownRule):
        deadlines.run(today=D(1999, 12, 31))


@pytest.mark.django_db
def test_responsible_users_by_level_with_fallback_up_the_tree(tree, users, system):
    ids = [tree.village_a.pk, tree.office_a.pk, tree.group_a.pk, tree.village_b.pk, tree.town_a.pk]
    branch = responsible_users(ids)
    assert branch[tree.village_a.pk] == [users["sec_a"]]
    assert branch[tree.group_a.pk] == [users["sec_a"]]  # a party group's work is its branch's
    assert branch[tree.office_a.pk] == [users["town_a"]]  # nobody in the branch: the township's admins
    assert branch[tree.village_b.pk] == [users["sec_b"]]
    committee = responsible_users(ids, level="committee")
    assert committee[tree.village_a.pk] == [users["town_a"]]
    assert committee[tree.village_b.pk] == [users["county"]]  # township B has no admin: up to the county
    assert committee[tree.town_a.pk] == [users["county"]]
    department = responsible_users(ids, level="department")
    assert all(v == [users["county"]] for v in department.values())
    assert level_above("branch") == "committee" and level_above("committee") == "department" and level_above("department") is None
    # a revoked role no longer answers; an inactive user never does
    ra = users["sec_a"].role_assignments.get(role=Role.SECRETARY)
    revoke_role(actor=system, assignment_id=ra.pk)
    assert responsible_users([tree.village_a.pk])[tree.village_a.pk] == [users["town_a"]]
    users["town_a"].is_active = False
    users["town_a"].save()
    assert responsible_users([tree.village_a.pk])[tree.village_a.pk] == [users["county"]]
    # meetings still finds it where it used to be
    from orgwork.meetings.reminders import responsible_users as old_home

    assert old_home is responsible_users


@pytest.mark.django_db
def test_a_transfer_waiting_for_receipt_notifies_the_receiving_branch_at_once(tree, users, make_member):
    from orgwork.lifecycle.services import transfers

    m = make_member(tree.village_a, name="转接乙")
    t = transfers.start_within(actor=Actor.for_user(users["sec_a"]), member_id=m.pk, to_org_id=tree.village_b.pk, reason="工作调动", on=D(2026, 11, 2), today=D(2026, 11, 20))
    [n] = Notification.objects.filter(recipient=users["sec_b"])
    assert n.title == "【待办理】转接乙的组织关系由红旗村党支部转入红旗村党支部，待接收"
    assert "待接收" in n.title and n.url == f"/lifecycle/transfers/{t.pk}/" and n.kind == "transfer.receive" and n.category == "transfers"
    assert not Notification.objects.filter(recipient=users["sec_a"], kind="transfer.receive").exists()
    # the daily job does not repeat it the same day; it reminds again as the receipt deadline approaches
    before = Notification.objects.filter(recipient=users["sec_b"]).count()
    deadlines.run(today=D(2026, 11, 2), only=["lifecycle.transfers"])
    assert Notification.objects.filter(recipient=users["sec_b"]).count() == before
    due = t.receive_due_on
    deadlines.run(today=due - dt.timedelta(days=1), only=["lifecycle.transfers"])
    assert Notification.objects.filter(recipient=users["sec_b"], title__startswith="【明日到期】").count() == 1


@pytest.mark.django_db
def test_the_command_dry_run_sends_nothing_and_a_second_run_sends_nothing_new(tree, users, make_member):
    from orgwork.lifecycle.services import transfers

    m = make_member(tree.village_a, name="回执甲")
    transfers.issue_letter(actor=Actor.for_user(users["sec_a"]), member_id=m.pk, to_org_name="外地党委", reason="迁出", on=D(2026, 9, 30), today=D(2026, 11, 20))
    out = io.StringIO()
    call_command("deadlines", "--dry-run", "--date", "2026-10-31", "--only", "lifecycle.transfers", stdout=out)
    assert "would send 1 new" in out.getvalue() and not Notification.objects.exists()
    out = io.StringIO()
    call_command("deadlines", "--date", "2026-10-31", stdout=out)
    first = Notification.objects.count()
    assert first >= 1 and "lifecycle.transfers: 1 items" in out.getvalue()
    out = io.StringIO()
    call_command("deadlines", "--date", "2026-10-31", stdout=out)
    assert "sent 0 new" in out.getvalue() and Notification.objects.count() == first  # dedup: twice sends once
    with pytest.raises(CommandError, match="日期"):
        call_command("deadlines", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="no_rule_in_force"):
        call_command("deadlines", "--date", "1999-01-01")
    with pytest.raises(CommandError, match="没有这些提醒来源"):
        call_command("deadlines", "--only", "nope")


@pytest.mark.django_db
def test_a_failing_provider_does_not_stop_the_others(tree, users, make_member):
    from orgwork.lifecycle.services import transfers

    @deadlines.provider("zz.broken")
    def broken(today):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    try:
        m = make_member(tree.village_a, name="回执丙")
        transfers.issue_letter(actor=Actor.for_user(users["sec_a"]), member_id=m.pk, to_org_name="外地党委", reason="迁出", on=D(2026, 9, 30), today=D(2026, 11, 20))
        report = deadlines.run(today=D(2026, 10, 31))
        assert "zz.broken" in report.failures and report.by_provider["lifecycle.transfers"] == 1 and report.new >= 1
        with pytest.raises(CommandError, match=r"zz\.broken"):
            call_command("deadlines", "--date", "2026-10-31", stdout=io.StringIO())
    finally:
        deadlines._PROVIDERS.pop("zz.broken", None)


@pytest.mark.django_db
def test_no_id_number_or_phone_in_any_message_of_a_full_run(tree, users, make_member, system, settings):
    """Every provider on a day with work everywhere: no member's ID number or phone number in any text stored or sent."""
    from orgwork.lifecycle.services import transfers
    from orgwork.notifications import services as notify

    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    people = [make_member(tree.village_a, name=f"党员{c}", phone=f"1390000000{i}") for i, c in enumerate("甲乙丙")]
    transfers.issue_letter(actor=Actor.for_user(users["sec_a"]), member_id=people[0].pk, to_org_name="外地党委", reason="迁出", on=D(2026, 9, 30), today=D(2026, 11, 20))
    transfers.start_within(actor=Actor.for_user(users["sec_a"]), member_id=people[1].pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 10, 28), today=D(2026, 11, 20))
    for u in users.values():
        if hasattr(u, "pk") and hasattr(u, "email"):
            u.email = f"{u.username}@example.org"
            u.save()
    deadlines.run(today=D(2026, 11, 6))
    notify.deliver_due()
    texts = " ".join(a + " " + b for a, b in [*Notification.objects.values_list("title", "body"), *MessageLog.objects.values_list("subject", "body")])
    assert Notification.objects.count() > 3
    for p in people:
        assert p.id_number not in texts and p.phone not in texts



@pytest.mark.django_db
def test_after_the_demo_loads_the_demo_accounts_inboxes_show_the_work_that_waits():
    from django.contrib.auth import get_user_model

    out = io.StringIO()
    call_command("demo", members=300, stdout=out)
    assert "到期提醒" in out.getvalue()
    User = get_user_model()

    def titles(username):
        return list(Notification.objects.filter(recipient=User.objects.get(username=username)).values_list("title", flat=True))

    secretary, town, county = titles("secretary"), titles("town"), titles("county")
    assert secretary and town and county
    assert any("待接收" in t for t in secretary)  # a transfer waiting to be received, notified at once
    assert any("发展党员" in t and "党组织派人谈话" in t for t in secretary)  # a talk due soon / overdue
    assert any(t.startswith("【待办理】发展党员") and "上级党委备案" in t for t in town)  # waiting at the township
    assert any(t.startswith("【督办】") for t in town)  # an overdue talk escalated to the township
    assert any("待接收" in t for t in town)  # the township account is also a branch secretary
    # running the job again sends nothing new
    again = io.StringIO()
    call_command("deadlines", stdout=again)
    assert "sent 0 new" in again.getvalue()
