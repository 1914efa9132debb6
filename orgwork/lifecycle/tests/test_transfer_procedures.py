"""Transfers on the procedure kernel (issue 12: "Transfers run on the procedure kernel like every other procedure"):
the steps, the receipt's time limit with reminders and escalation to the receiving side, return and resubmission,
late incoming letters, the committee's approval as a version, the member's request, and the data migration."""

import datetime as dt

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model

from orgwork.core import deadlines
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.models import ProcedureInstance, Role, StepRecord
from orgwork.core.services import grant_role
from orgwork.lifecycle import selectors
from orgwork.lifecycle.models import Transfer, TransferEvent
from orgwork.lifecycle.procedures import IN, OUT, REQUEST, WITHIN
from orgwork.lifecycle.rules import transfer_rules
from orgwork.lifecycle.services import transfers
from orgwork.members.models import Member
from orgwork.notifications.models import Notification

D = dt.date
TODAY = D(2026, 11, 20)


@pytest.fixture
def sides(users):
    return Actor.for_user(users["sec_a"]), Actor.for_user(users["sec_b"])


@pytest.fixture
def town_b_admin(tree, system):
    u = get_user_model().objects.create_user(username="town_b", password="Zugong#2026", is_staff=True)
    grant_role(actor=system, user=u, org=tree.town_b, role=Role.ORG_ADMIN)
    return u


def _records(t):
    return [(r.action, r.step, r.valid) for r in StepRecord.objects.filter(instance_id=t.procedure_id).order_by("seq")]


@pytest.mark.django_db
def test_a_transfer_within_runs_on_the_kernel_from_start_to_receipt(tree, users, sides, make_member):
    # 党员教育管理工作条例第二十五条: the sending side stays responsible until the receiving side receives.
    sender, receiver = sides
    m = make_member(tree.village_a, name="内核甲")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="工作调动", on=D(2026, 11, 2), today=TODAY)
    inst = t.procedure
    assert (inst.kind, inst.rule_version, inst.status, inst.step, inst.org_id) == (WITHIN, "2019", "active", "receive", tree.village_a.pk)
    # the due date is the kernel's, from the rule's number of days
    days = transfer_rules(on=D(2026, 11, 2))["receive_within_days"]
    assert inst.due_on == t.receive_due_on == D(2026, 11, 2) + dt.timedelta(days=days)
    assert proc.definition(WITHIN).value("receive_within_days") == days == 30
    # the receiving branch hears at once, through the kernel's step move
    assert Notification.objects.filter(recipient=users["sec_b"], kind="transfer.receive").count() == 1
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 5), comment="已报到", today=TODAY)
    inst.refresh_from_db()
    assert (inst.status, inst.step, inst.ended_on) == ("completed", "", D(2026, 11, 5))
    recs = list(StepRecord.objects.filter(instance=inst).order_by("seq"))
    assert [(r.action, r.step) for r in recs] == [("start", ""), ("complete", "send"), ("complete", "receive")]
    # who did each step: the real people of each side, by account
    assert (recs[1].actor_id, recs[2].actor_id, recs[2].actor_label, recs[2].comment) == (users["sec_a"].pk, users["sec_b"].pk, "sec_b", "已报到")
    assert Member.objects.get(pk=m.pk).org_id == tree.village_b.pk
    # the kernel refuses a second receipt: the instance has ended
    with pytest.raises(ServiceError):
        transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 6), today=TODAY)


@pytest.mark.django_db
def test_receipt_overdue_reminds_the_receiving_branch_then_escalates_to_its_committee(tree, users, sides, make_member, town_b_admin):
    sender, _receiver = sides
    m = make_member(tree.village_a, name="逾期甲")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="迁居", on=D(2026, 10, 1), today=D(2026, 10, 1))
    assert t.receive_due_on == D(2026, 10, 31)  # a Saturday
    assert list(Notification.objects.values_list("recipient__username", "title")) == [("sec_b", "【待办理】逾期甲的组织关系由红旗村党支部转入红旗村党支部，待接收")]
    deadlines.run(today=D(2026, 10, 24), only=["lifecycle.transfers"])  # a week ahead
    assert Notification.objects.filter(recipient=users["sec_b"], title__startswith="【7天后到期】").count() == 1
    deadlines.run(today=D(2026, 11, 2), only=["lifecycle.transfers"])  # overdue (Mon): the receiving branch, not the sender
    assert Notification.objects.filter(recipient=users["sec_b"], title__startswith="【已逾期").count() == 1
    assert not Notification.objects.filter(recipient=users["sec_a"]).exists()
    assert not Notification.objects.filter(recipient=town_b_admin).exists()
    # 3 working days overdue (Mon 2 – Wed 4 November): the receiving side's committee is told (督办), once
    deadlines.run(today=D(2026, 11, 4), only=["lifecycle.transfers"])
    deadlines.run(today=D(2026, 11, 5), only=["lifecycle.transfers"])
    [n] = Notification.objects.filter(recipient=town_b_admin)
    assert n.title.startswith("【督办】") and "待接收" in n.title and n.url == f"/lifecycle/transfers/{t.pk}/"
    assert not Notification.objects.filter(recipient=users["town_a"]).exists()
    # the kernel's own provider does not list it a second time
    assert not [i for i in deadlines.procedure_items(D(2026, 11, 4)) if i.kind.startswith("procedure.transfer")]


@pytest.mark.django_db
def test_returned_for_correction_and_resubmitted_keeps_the_superseded_step(tree, users, sides, make_member):
    sender, receiver = sides
    m = make_member(tree.village_a, name="退回甲")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 11, 2), today=TODAY)
    transfers.return_for_correction(actor=receiver, transfer_id=t.pk, reason="应转入机关党支部", on=D(2026, 11, 3), today=TODAY)
    t.refresh_from_db()
    # returned: the sender must correct and resend within the receiving side's 30 days, counted from the return
    assert (t.status, t.procedure.step, t.procedure.due_on) == ("returned", "send", D(2026, 12, 3))
    assert _records(t) == [("start", "", True), ("complete", "send", False), ("return", "send", True)]
    # the sender hears at once that it came back
    assert Notification.objects.filter(recipient=users["sec_a"], kind="transfer.returned").exists()
    with pytest.raises(ServiceError) as exc:
        transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 4), today=TODAY)
    assert exc.value.errors[0].code == "not_allowed"
    transfers.resubmit(actor=sender, transfer_id=t.pk, on=D(2026, 11, 4), comment="已更正", to_org_id=tree.office_b.pk, today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.to_org_id, t.procedure.step, t.procedure.due_on) == ("pending", tree.office_b.pk, "receive", D(2026, 12, 4))
    assert _records(t)[-1] == ("complete", "send", True)
    history = selectors.events(t)
    assert [(e.action, e.side, e.valid) for e in history] == [("start", "sending", False), ("return", "receiving", True), ("resubmit", "sending", True)]
    assert [str(e.action_label) for e in history] == ["发起转接", "退回补正", "重新提交"]


@pytest.mark.django_db
def test_cancel_terminates_the_instance_with_the_reason(tree, sides, make_member):
    sender, _ = sides
    m = make_member(tree.village_a)
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 11, 2), today=TODAY)
    transfers.cancel(actor=sender, transfer_id=t.pk, reason="本人不再调动", on=D(2026, 11, 3), today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.procedure.status, t.procedure.end_reason) == ("cancelled", "terminated", "本人不再调动")
    assert selectors.events(t)[-1].action == "cancel"


@pytest.mark.django_db
def test_letter_out_waits_for_the_receipt_within_one_month_on_the_kernel(tree, sides, make_member):
    sender, _ = sides
    m = make_member(tree.village_a)
    t = transfers.issue_letter(actor=sender, member_id=m.pk, to_org_name="外地党委", reason="迁出", on=D(2026, 9, 30), today=TODAY)
    assert (t.procedure.kind, t.procedure.step, t.procedure.due_on) == (OUT, "receipt", D(2026, 10, 30))
    assert StepRecord.objects.get(instance=t.procedure, step="letter").data["letter_number"] == t.letter_number
    transfers.record_receipt(actor=sender, transfer_id=t.pk, on=D(2026, 10, 20), today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.procedure.status) == ("receipt_back", "completed")


@pytest.mark.django_db
def test_incoming_letter_late_with_reason_and_past_six_months_flagged_on_the_kernel(tree, sides):
    # 党章第九条: more than 6 months without taking part in the party's life — flagged for the branch to consider.
    from orgwork.conftest import make_id

    _s, receiver = sides

    def person():
        return {"name": "晚到者", "id_number": make_id(D(1990, 1, 2)), "category": "full", "joined_on": "2015-07-01", "confirmed_on": "2016-07-01"}

    late = transfers.register_incoming(
        actor=receiver, letter_number="外K1", from_org_name="外县", to_org_id=tree.village_b.pk, letter_issued_on=D(2026, 7, 1),
        valid_until=D(2026, 7, 31), on=D(2026, 10, 29), person=person(), late_reason="外出务工", today=TODAY,
    )  # fmt: skip
    reg = StepRecord.objects.get(instance=late.procedure, step="register")
    assert (reg.data["late_days"], reg.data["late_reason"], reg.data["lapse_flagged"]) == (90, "外出务工", False)
    assert (late.procedure.kind, late.procedure.org_id, late.procedure.step, late.procedure.due_on) == (IN, tree.village_b.pk, "receive", D(2026, 7, 31))
    lapsed = transfers.register_incoming(
        actor=receiver, letter_number="外K2", from_org_name="外县", to_org_id=tree.village_b.pk, letter_issued_on=D(2026, 3, 1),
        valid_until=D(2026, 3, 31), on=D(2026, 11, 2), person=person(), late_reason="住院", today=TODAY,
    )  # fmt: skip
    assert lapsed.lapse_flagged and StepRecord.objects.get(instance=lapsed.procedure, step="register").data["lapse_flagged"] is True
    assert "超过6个月" in selectors.events(lapsed).get().comment
    with pytest.raises(ServiceError) as exc:
        transfers.receive(actor=receiver, transfer_id=lapsed.pk, on=D(2026, 11, 3), today=TODAY)
    assert exc.value.errors[0].code == "lapse_review"
    assert lapsed.procedure.records.filter(step="receive").count() == 0  # nothing written
    transfers.receive(actor=receiver, transfer_id=lapsed.pk, on=D(2026, 11, 3), comment="经支部研究予以接收", today=TODAY)
    lapsed.refresh_from_db()
    assert lapsed.procedure.status == "completed" and StepRecord.objects.get(instance=lapsed.procedure, step="receive").comment == "经支部研究予以接收"


@pytest.mark.django_db
def test_the_committee_approval_version_waits_at_the_sending_committee(tree, users, sides, make_member):
    sender, receiver = sides
    proc.set_version(actor=Actor.for_user(users["county"]), org_id=tree.county.pk, kind=WITHIN, version="2019-approval")
    m = make_member(tree.village_a, name="审核甲")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 11, 2), today=TODAY)
    assert (t.status, t.procedure.step, t.procedure.rule_version) == ("approval", "approve", "2019-approval")
    assert Notification.objects.filter(recipient=users["town_a"], kind="transfer.approve").exists()
    assert not Notification.objects.filter(recipient=users["sec_b"]).exists()
    with pytest.raises(PermissionDenied):  # the branch does not approve its own transfer
        transfers.approve(actor=sender, transfer_id=t.pk, on=D(2026, 11, 3), today=TODAY)
    transfers.approve(actor=Actor.for_user(users["town_a"]), transfer_id=t.pk, on=D(2026, 11, 3), comment="同意", today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.procedure.step, t.receive_due_on) == ("pending", "receive", D(2026, 12, 3))
    assert Notification.objects.filter(recipient=users["sec_b"], kind="transfer.receive").exists()
    # a committee starting it approves at once
    m2 = make_member(tree.village_a, name="审核乙")
    t2 = transfers.start_within(actor=Actor.for_user(users["town_a"]), member_id=m2.pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 11, 2), today=TODAY)
    assert (t2.status, t2.procedure.step) == ("pending", "receive")


@pytest.mark.django_db
def test_a_members_request_is_accepted_or_declined_by_the_branch(tree, users, sides, make_member):
    sender, _ = sides
    member = Actor.for_user(users["member_a"])
    record = users["member_a_record"]
    req = transfers.request_transfer(actor=member, member_id=record.pk, destination="乙镇红旗村", text="迁居", on=D(2026, 11, 1))
    assert (req.kind, req.step, req.org_id) == (REQUEST, "accept", tree.village_a.pk)
    assert Notification.objects.filter(recipient=users["sec_a"], kind="transfer.request").count() == 1
    with pytest.raises(ServiceError) as exc:
        transfers.request_transfer(actor=member, member_id=record.pk, destination="别处")
    assert exc.value.errors[0].code == "already_open"
    with pytest.raises(NotFound):  # another branch's secretary does not even see it
        transfers.accept_request(actor=Actor.for_user(users["sec_b"]), request_id=req.pk, destination="within", to_org_id=tree.village_b.pk, on=D(2026, 11, 3))
    assert [s.label for s in selectors.own_transfer_requests(member)] == ["待支部受理"]
    t = transfers.accept_request(actor=sender, request_id=req.pk, destination="within", to_org_id=tree.village_b.pk, on=D(2026, 11, 3), today=TODAY)
    req.refresh_from_db()
    assert req.status == "completed" and req.data["steps"]["accept"]["transfer"] == t.pk
    assert (t.status, t.member_id, t.reason, t.procedure.data["request_id"]) == ("pending", record.pk, "迁居", req.pk)
    assert [s.label for s in selectors.own_transfer_requests(member)] == ["已受理：待接收"]
    # a second request while the transfer is in flight is refused; after a declined one the member may ask again
    with pytest.raises(ServiceError):
        transfers.request_transfer(actor=member, member_id=record.pk, destination="别处")
    other = make_member(tree.village_a, name="申请乙")
    req2 = transfers.request_transfer(actor=sender, member_id=other.pk, destination="外省某党委", on=D(2026, 11, 1))
    transfers.decline_request(actor=sender, request_id=req2.pk, reason="请先提供新单位接收证明")
    req2.refresh_from_db()
    assert (req2.status, req2.end_reason) == ("terminated", "请先提供新单位接收证明")
    out = transfers.request_transfer(actor=sender, member_id=other.pk, destination="外省某党委", on=D(2026, 11, 2))
    letter = transfers.accept_request(actor=sender, request_id=out.pk, destination="out", on=D(2026, 11, 3), valid_days=30, today=TODAY)
    assert (letter.kind, letter.to_org_name, letter.status) == ("out", "外省某党委", "letter_issued")


# --- the data migration -------------------------------------------------------------------------


def _old(kind, status, *, member=None, person=None, from_org=None, to_org=None, events=(), **fields):
    """A transfer as the old state machine left it: no procedure, its history in TransferEvent rows."""
    t = Transfer.objects.create(
        kind=kind, status=status, member=member, person=person or {}, from_org=from_org, to_org=to_org,
        from_org_name=from_org.name if from_org else "外县党委", to_org_name=to_org.name if to_org else "外地党委",
        from_path=from_org.path if from_org else "", to_path=to_org.path if to_org else "", reason="调动", started_on=D(2026, 9, 1),
        rule_version="2019", **fields,
    )  # fmt: skip
    for action, side, on, comment, user in events:
        TransferEvent.objects.create(transfer=t, action=action, side=side, done_on=on, comment=comment, actor=user, actor_label=user.username if user else "system")
    return t


@pytest.mark.django_db
def test_the_migration_turns_every_old_transfer_into_an_instance_with_its_history(tree, users, make_member):
    import importlib

    migration = importlib.import_module("orgwork.lifecycle.migrations.0004_transfers_to_procedures")
    a, b = users["sec_a"], users["sec_b"]
    va, vb = tree.village_a, tree.village_b
    S = D(2026, 9, 1)
    pending = _old("within", "pending", member=make_member(va), from_org=va, to_org=vb, receive_due_on=D(2026, 10, 1), events=[("start", "sending", S, "调动", a)])
    returned = _old(
        "within", "returned", member=make_member(va), from_org=va, to_org=vb, receive_due_on=D(2026, 10, 1), return_reason="材料不全",
        events=[("start", "sending", S, "调动", a), ("return", "receiving", D(2026, 9, 3), "材料不全", b)],
    )  # fmt: skip
    received = _old(
        "within", "received", member=make_member(va), from_org=va, to_org=vb, received_on=D(2026, 9, 6),
        events=[("start", "sending", S, "调动", a), ("return", "receiving", D(2026, 9, 2), "材料不全", b), ("resubmit", "sending", D(2026, 9, 4), "已补齐", a), ("receive", "receiving", D(2026, 9, 6), "", b)],
    )  # fmt: skip
    cancelled = _old("within", "cancelled", member=make_member(va), from_org=va, to_org=vb, events=[("start", "sending", S, "调动", a), ("cancel", "sending", D(2026, 9, 2), "不调了", a)])
    letter = _old("out", "letter_issued", member=make_member(va), from_org=va, letter_number="202600009", letter_issued_on=S, receipt_due_on=D(2026, 10, 1), events=[("letter", "sending", S, "介绍信202600009", a)])
    back = _old("out", "receipt_back", member=make_member(va), from_org=va, receipt_back_on=D(2026, 9, 20), events=[("letter", "sending", S, "介绍信", a), ("receipt", "sending", D(2026, 9, 20), "", a)])
    incoming = _old("in", "pending", person={"name": "外来甲"}, to_org=vb, valid_until=D(2026, 9, 30), letter_number="外1", events=[("register", "receiving", S, "介绍信外1；逾期90天，原因：务工", b)])
    in_returned = _old("in", "returned", person={"name": "外来乙"}, to_org=vb, valid_until=D(2026, 9, 30), events=[("register", "receiving", S, "", b), ("return", "receiving", D(2026, 9, 2), "过期", b)])
    bare = _old("within", "pending", member=make_member(va), from_org=va, to_org=vb, receive_due_on=D(2026, 10, 1))  # no history rows at all

    migration.forwards(django_apps, None)

    def inst(t):
        t.refresh_from_db()
        return t.procedure

    p = inst(pending)
    assert (p.kind, p.status, p.step, p.due_on, p.org_id, p.subject_id) == (WITHIN, "active", "receive", D(2026, 10, 1), va.pk, str(pending.pk))
    assert [(r.action, r.step, r.actor_id, r.done_on, r.comment) for r in p.records.order_by("seq")] == [("start", "", a.pk, S, ""), ("complete", "send", a.pk, S, "调动")]
    r = inst(returned)
    assert (r.status, r.step, r.due_on) == ("active", "send", None)
    assert _records(returned) == [("start", "", True), ("complete", "send", False), ("return", "send", True)]
    done = inst(received)
    assert (done.status, done.step, done.ended_on) == ("completed", "", D(2026, 9, 6))
    assert [e.action for e in selectors.events(received)] == ["start", "return", "resubmit", "receive"]
    assert [(e.actor_label, e.comment) for e in selectors.events(received)][1:3] == [("sec_b", "材料不全"), ("sec_a", "已补齐")]
    c = inst(cancelled)
    assert (c.status, c.end_reason, c.ended_on) == ("terminated", "不调了", D(2026, 9, 2))
    assert (inst(letter).kind, inst(letter).step, inst(letter).due_on) == (OUT, "receipt", D(2026, 10, 1))
    assert inst(back).status == "completed"
    i = inst(incoming)
    assert (i.kind, i.org_id, i.step, i.due_on, i.title) == (IN, vb.pk, "receive", D(2026, 9, 30), "外来甲·组织关系转入（介绍信）")
    assert "逾期90天" in selectors.events(incoming).get().comment
    assert (inst(in_returned).step, inst(in_returned).status) == ("register", "active")
    assert [(r.action, r.step, r.actor_label) for r in inst(bare).records.order_by("seq")] == [("start", "", "数据迁移"), ("complete", "send", "数据迁移")]
    # the old rows stay; running it again changes nothing
    n = ProcedureInstance.objects.count()
    migration.forwards(django_apps, None)
    assert ProcedureInstance.objects.count() == n and TransferEvent.objects.count() == 15
    # migrated transfers go on under the kernel: the pending one is received, the returned one resubmitted
    transfers.receive(actor=Actor.for_user(b), transfer_id=pending.pk, on=D(2026, 11, 2), today=TODAY)
    transfers.resubmit(actor=Actor.for_user(a), transfer_id=returned.pk, on=D(2026, 11, 2), today=TODAY)
    transfers.record_receipt(actor=Actor.for_user(a), transfer_id=letter.pk, on=D(2026, 11, 2), today=TODAY)
    assert [inst(pending).status, inst(returned).step, inst(letter).status] == ["completed", "receive", "completed"]


@pytest.mark.django_db
def test_a_returned_transfer_left_uncorrected_is_overdue_for_the_sender(tree, users, sides, make_member):
    """条例第二十五条: the sending organization stays responsible until the receiving one confirms — a transfer sent
    back for correction and left lying is the sender's overdue work, reminded daily like any other step."""
    sender, receiver = sides
    m = make_member(tree.village_a, name="退回乙")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 10, 1), today=D(2026, 10, 1))
    transfers.return_for_correction(actor=receiver, transfer_id=t.pk, reason="介绍信信息不全", on=D(2026, 10, 2), today=D(2026, 10, 2))
    t.refresh_from_db()
    assert t.procedure.due_on == D(2026, 11, 1)
    deadlines.run(today=D(2026, 11, 2), only=["lifecycle.transfers"])
    overdue = Notification.objects.filter(recipient=users["sec_a"], title__startswith="【已逾期")
    assert overdue.count() == 1 and "待补正" in overdue.get().title
    assert not Notification.objects.filter(recipient=users["sec_b"], title__startswith="【已逾期").exists()
    # resent: the due date is the receiving side's again, and the first pass of a new transfer has none
    transfers.resubmit(actor=sender, transfer_id=t.pk, on=D(2026, 11, 3), comment="已补正", today=D(2026, 11, 3))
    t.refresh_from_db()
    assert (t.procedure.step, t.procedure.due_on) == ("receive", D(2026, 12, 3))
