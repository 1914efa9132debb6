import datetime as dt
import io

import pytest
from docx import Document

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.dues import services as dues
from orgwork.lifecycle import selectors
from orgwork.lifecycle.letter import letter_docx
from orgwork.lifecycle.models import Transfer
from orgwork.lifecycle.rules import transfer_rules
from orgwork.lifecycle.services import transfers
from orgwork.members.models import Member

D = dt.date
ON = D(2026, 11, 2)
TODAY = D(2026, 11, 20)


@pytest.fixture
def sides(users):
    return Actor.for_user(users["sec_a"]), Actor.for_user(users["sec_b"])


@pytest.mark.django_db
def test_within_transfer_happy_path_moves_the_member_on_receipt(tree, users, sides, make_member):
    sender, receiver = sides
    m = make_member(tree.village_a, name="转接甲")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="工作调动", on=ON, today=TODAY)
    m.refresh_from_db()
    assert m.org_id == tree.village_a.pk  # the sending side stays responsible until received
    # both sides see it; only the receiver may receive
    assert selectors.transfers(receiver).filter(pk=t.pk).exists() and selectors.transfers(sender).filter(pk=t.pk).exists()
    assert list(selectors.incoming_pending(receiver)) == [t]
    with pytest.raises(ServiceError) as exc:
        transfers.receive(actor=sender, transfer_id=t.pk, on=ON, today=TODAY)
    assert exc.value.errors[0].code == "wrong_side"
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 5), today=TODAY)
    m.refresh_from_db()
    t.refresh_from_db()
    assert (m.org_id, t.status, t.received_on) == (tree.village_b.pk, "received", D(2026, 11, 5))
    assert [e.action for e in selectors.events(t)] == ["start", "receive"]
    # history keeps both sides: the move is audited with the old org, the transfer with both
    move = AuditEvent.objects.get(action="member.move", object_id=str(m.pk))
    assert move.changes["org"] == [tree.village_a.pk, tree.village_b.pk]
    assert AuditEvent.objects.filter(action="transfer.receive", object_id=str(t.pk), actor_label="sec_b").exists()


@pytest.mark.django_db
def test_receiver_cannot_refuse_only_return_with_reason_then_sender_corrects(tree, sides, make_member):
    # 条例第25条: 不得拒绝接收 — a return for correction needs a reason and keeps the transfer open.
    sender, receiver = sides
    m = make_member(tree.village_a)
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="迁居", on=ON, today=TODAY)
    assert not hasattr(transfers, "refuse")
    with pytest.raises(ServiceError) as exc:
        transfers.return_for_correction(actor=receiver, transfer_id=t.pk, reason=" ", on=ON, today=TODAY)
    assert exc.value.errors[0].code == "required"
    transfers.return_for_correction(actor=receiver, transfer_id=t.pk, reason="转入支部应为机关党支部", on=D(2026, 11, 3), today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.return_reason) == ("returned", "转入支部应为机关党支部")
    with pytest.raises(ServiceError):
        transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.office_b.pk, reason="again", on=ON, today=TODAY)  # still open
    transfers.resubmit(actor=Actor.system_actor(), transfer_id=t.pk, on=D(2026, 11, 4), to_org_id=tree.office_b.pk, comment="已更正", today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.to_org_id) == ("pending", tree.office_b.pk)
    transfers.receive(actor=Actor.system_actor(), transfer_id=t.pk, on=D(2026, 11, 6), today=TODAY)
    assert Member.objects.get(pk=m.pk).org_id == tree.office_b.pk
    assert [e.action for e in selectors.events(t)] == ["start", "return", "resubmit", "receive"]


@pytest.mark.django_db
def test_outsider_cannot_see_or_act(tree, users, make_member, system):
    m = make_member(tree.office_a)
    t = transfers.start_within(actor=system, member_id=m.pk, to_org_id=tree.office_b.pk, reason="调动", on=ON, today=TODAY)
    sec_a = Actor.for_user(users["sec_a"])  # 红旗村 of town A: neither side
    assert not selectors.transfers(sec_a).filter(pk=t.pk).exists()
    with pytest.raises(NotFound):
        transfers.receive(actor=sec_a, transfer_id=t.pk, on=ON, today=TODAY)


@pytest.mark.django_db
def test_counters_are_exact_after_transfers(tree, sides, make_member):
    from orgwork.stats.recount import recount

    sender, receiver = sides
    members = [make_member(tree.village_a, name="计数" + "甲乙丙"[i]) for i in range(3)]
    for m in members[:2]:
        t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="调动", on=ON, today=TODAY)
        transfers.receive(actor=receiver, transfer_id=t.pk, on=ON, today=TODAY)
    transfers.issue_letter(actor=sender, member_id=members[2].pk, to_org_name="中共某市某区某街道党工委", reason="迁出本县", on=ON, today=TODAY)
    from orgwork.stats.models import OrgStats

    result = recount(fix=False)
    assert result.drift == []  # the stored counters equal a fresh count
    own = {r.org_id: r.own for r in OrgStats.objects.filter(org_id__in=[tree.village_a.pk, tree.village_b.pk])}
    assert own[tree.village_b.pk].get("n") == 2
    assert own[tree.village_a.pk].get("n", 0) == 1  # users fixture's 李四 stays; the third left the roll
    assert own[tree.village_a.pk].get("st:transferred_out") == 1


@pytest.mark.django_db
def test_transfer_letter_numbers_validity_and_dues(tree, sides, make_member, system):
    sender, _receiver = sides
    m = make_member(tree.village_a, name="出县")
    dues.set_base(actor=system, member_id=m.pk, category="farmer", declared_on=D(2026, 1, 1))
    dues.record_payment(actor=system, member_id=m.pk, from_month=D(2026, 10, 1), paid_on=D(2026, 10, 9), today=TODAY)
    t = transfers.issue_letter(actor=sender, member_id=m.pk, to_org_name="中共某市某区某街道党工委", reason="迁出本县", on=ON, valid_days=30, today=TODAY)
    m.refresh_from_db()
    assert m.standing == "transferred_out"
    assert (t.letter_number, t.valid_until, t.dues_paid_to, t.receipt_due_on) == ("202600001", D(2026, 12, 2), D(2026, 10, 1), D(2026, 12, 2))
    m2 = make_member(tree.village_a, name="出县二")
    t2 = transfers.issue_letter(actor=sender, member_id=m2.pk, to_org_name="外地", reason="迁出", on=ON, today=TODAY)
    assert t2.letter_number == "202600002"
    doc = Document(io.BytesIO(letter_docx(t)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for part in ("（存根）", "组织关系介绍信", "（回执）", "第 202600001 号", m.id_number, "党费交到2026年10月", "有效期30天"):
        assert part in text, part


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [(9, "", "too_short"), (10, "", None), (30, "", None), (31, "", "required"), (31, "路途远", None), (89, "出国", None), (93, "出国", "too_long")],
)
def test_letter_validity_10_to_30_days_at_most_3_months(days, reason, code):
    # 条例第25条: 介绍信有效期一般为10至30天，最长不超过3个月.
    rules = transfer_rules(version="2019")
    if code is None:
        assert transfers.check_validity(rules, D(2026, 11, 2), days, reason) == D(2026, 11, 2) + dt.timedelta(days=days)
    else:
        with pytest.raises(ServiceError) as exc:
            transfers.check_validity(rules, D(2026, 11, 2), days, reason)
        assert exc.value.errors[0].code == code


@pytest.mark.django_db
def test_late_receipt_listed_after_one_month(tree, sides, make_member):
    # 条例第25条: 回执应在1个月内返回.
    sender, _ = sides
    m = make_member(tree.village_a)
    t = transfers.issue_letter(actor=sender, member_id=m.pk, to_org_name="外地党委", reason="迁出", on=D(2026, 9, 30), today=TODAY)
    assert t.receipt_due_on == D(2026, 10, 30)
    assert not selectors.late_receipts(sender, today=D(2026, 10, 30)).exists()
    assert list(selectors.late_receipts(sender, today=D(2026, 10, 31))) == [t]
    assert [o.what for o in selectors.overdue(sender, today=D(2026, 10, 31))] == ["回执逾期未返回"]
    transfers.record_receipt(actor=sender, transfer_id=t.pk, on=D(2026, 11, 3), today=TODAY)
    assert not selectors.late_receipts(sender, today=TODAY).exists()


def _person(**kw):
    from orgwork.conftest import make_id

    return {"name": "转入者", "id_number": make_id(D(1990, 1, 2)), "category": "full", "joined_on": "2015-07-01", "confirmed_on": "2016-07-01", **kw}


@pytest.mark.django_db
def test_incoming_by_letter_number_checked_then_received(tree, sides):
    _sender, receiver = sides
    t = transfers.register_incoming(
        actor=receiver, letter_number="外2026-123", from_org_name="中共外县某村党支部", to_org_id=tree.village_b.pk,
        letter_issued_on=D(2026, 11, 1), valid_until=D(2026, 11, 30), on=D(2026, 11, 10), person=_person(), today=TODAY,
    )
    with pytest.raises(ServiceError) as exc:
        transfers.register_incoming(
            actor=receiver, letter_number="外2026-123", from_org_name="x", to_org_id=tree.village_b.pk,
            letter_issued_on=D(2026, 11, 1), valid_until=D(2026, 11, 30), on=D(2026, 11, 10), person=_person(), today=TODAY,
        )
    assert exc.value.errors[0].code == "duplicate_existing"
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 12), today=TODAY)
    t.refresh_from_db()
    assert t.status == "received" and t.member.org_id == tree.village_b.pk and t.member.name == "转入者"


@pytest.mark.django_db
def test_incoming_letter_expired_cannot_be_received_and_is_returned(tree, sides):
    _sender, receiver = sides
    t = transfers.register_incoming(
        actor=receiver, letter_number="外2026-9", from_org_name="外县", to_org_id=tree.village_b.pk,
        letter_issued_on=D(2026, 10, 1), valid_until=D(2026, 10, 31), on=D(2026, 10, 20), person=_person(), today=TODAY,
    )
    with pytest.raises(ServiceError) as exc:
        transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 2), today=TODAY)
    assert exc.value.errors[0].code == "letter_expired"
    assert [o.what for o in selectors.overdue(receiver, today=TODAY)] == ["转入介绍信已过期，待退回补正"]
    transfers.return_incoming(actor=receiver, transfer_id=t.pk, reason="介绍信已过期，请原党组织重新开具", on=D(2026, 11, 2), today=TODAY)
    t.refresh_from_db()
    assert t.status == "returned"


@pytest.mark.django_db
def test_incoming_validity_over_three_months_is_questioned(tree, sides):
    _s, receiver = sides
    with pytest.raises(ServiceError) as exc:
        transfers.register_incoming(
            actor=receiver, letter_number="外1", from_org_name="外县", to_org_id=tree.village_b.pk,
            letter_issued_on=D(2026, 7, 1), valid_until=D(2026, 10, 2), on=D(2026, 7, 10), person=_person(), today=TODAY,
        )
    assert exc.value.errors[0].code == "too_long"


@pytest.mark.django_db
def test_overdue_within_transfer_is_listed_for_the_department(tree, users, sides, make_member):
    sender, _ = sides
    m = make_member(tree.village_a)
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 10, 1), today=TODAY)
    assert t.receive_due_on == D(2026, 10, 31)
    county = Actor.for_user(users["county"])
    assert [o.transfer for o in selectors.overdue(county, today=D(2026, 10, 31))] == []
    assert [o.transfer for o in selectors.overdue(county, today=D(2026, 11, 1))] == [t]


@pytest.mark.django_db
def test_daily_reminder_for_a_receipt_due_within_a_month_reaches_the_sending_secretary_then_the_town(tree, users, sides, make_member):
    from orgwork.lifecycle.reminders import send_lifecycle_reminders
    from orgwork.notifications.models import Notification

    sender, _ = sides
    m = make_member(tree.village_a, name="回执")
    transfers.issue_letter(actor=sender, member_id=m.pk, to_org_name="外地党委", reason="迁出", on=D(2026, 9, 30), today=TODAY)
    # the receipt is due 1 month after the letter (条例第25条): 2026-10-30
    assert send_lifecycle_reminders(today=D(2026, 10, 20)) == 0
    assert send_lifecycle_reminders(today=D(2026, 10, 23)) == 1  # a week ahead
    assert send_lifecycle_reminders(today=D(2026, 10, 23)) == 0  # de-duplicated
    assert send_lifecycle_reminders(today=D(2026, 10, 29)) == 1  # the day before
    assert send_lifecycle_reminders(today=D(2026, 10, 31)) == 1  # overdue
    titles = list(Notification.objects.filter(recipient=users["sec_a"]).order_by("id").values_list("title", flat=True))
    assert [t[: t.index("】") + 1] for t in titles] == ["【7天后到期】", "【明日到期】", "【已逾期】"]
    assert all("回执待返回" in t for t in titles)
    assert not Notification.objects.filter(recipient=users["town_a"]).exists()
    # 3 working days overdue (Mon 2 – Wed 4 November): the town committee is told (督办), once
    assert send_lifecycle_reminders(today=D(2026, 11, 3)) == 0
    assert send_lifecycle_reminders(today=D(2026, 11, 4)) == 1
    assert send_lifecycle_reminders(today=D(2026, 11, 5)) == 0
    n = Notification.objects.get(recipient=users["town_a"])
    assert n.title.startswith("【督办】") and n.url == f"/lifecycle/transfers/{Transfer.objects.get(member=m).pk}/"


@pytest.mark.django_db
def test_a_received_transfer_is_in_the_members_status_history(tree, sides, make_member):
    from orgwork.members.selectors import status_history

    sender, receiver = sides
    m = make_member(tree.village_a, name="转接乙")
    t = transfers.start_within(actor=sender, member_id=m.pk, to_org_id=tree.village_b.pk, reason="工作调动", on=ON, today=TODAY)
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 5), today=TODAY)
    row = status_history(receiver, m).get()
    assert (row.action, row.get_action_display(), row.effective_on) == ("transfer_in", "组织关系转入", D(2026, 11, 5))
    assert "由红旗村党支部转入红旗村党支部" in row.reason and row.before == {"org": "红旗村党支部"}
    # the standing is unchanged: a transfer is not a change of membership
    m.refresh_from_db()
    assert m.standing == "normal"


@pytest.mark.django_db
def test_an_incoming_member_has_the_transfer_as_first_history_row(tree, sides):
    from orgwork.members.selectors import status_history

    _s, receiver = sides
    t = transfers.register_incoming(
        actor=receiver, letter_number="外2026-77", from_org_name="中共外县某村党支部", to_org_id=tree.village_b.pk,
        letter_issued_on=D(2026, 11, 1), valid_until=D(2026, 11, 30), on=D(2026, 11, 10), person=_person(), today=TODAY,
    )
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 12), today=TODAY)
    t.refresh_from_db()
    rows = list(status_history(receiver, t.member))
    assert [r.action for r in rows] == ["transfer_in"] and "介绍信外2026-77" in rows[0].reason


@pytest.mark.django_db
def test_a_late_incoming_letter_needs_the_stated_reason_and_six_months_late_is_flagged(tree, sides):
    # 党章第九条: 党员没有正当理由，连续六个月不参加党的组织生活…就被认为是自行脱党. A letter handed in after it
    # expired needs the member's reason, recorded on the transfer; past 6 months the branch considers the lapse rule.
    rules = transfer_rules(on=D(2026, 11, 1))
    assert (rules["late_letter_needs_reason_after_days"], rules["late_letter_lapse_months"]) == (0, 6)
    _s, receiver = sides

    def register(number, on, **kw):
        return transfers.register_incoming(
            actor=receiver, letter_number=number, from_org_name="外县", to_org_id=tree.village_b.pk,
            letter_issued_on=D(2026, 7, 1), valid_until=D(2026, 7, 31), on=on, person=_person(), today=TODAY, **kw,
        )  # fmt: skip

    # 90 days after it expired: refused without a word, accepted with the reason
    with pytest.raises(ServiceError) as exc:
        register("外L1", D(2026, 10, 29))
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("late_reason", "required")
    assert "过期90天" in exc.value.errors[0].message
    t = register("外L1", D(2026, 10, 29), late_reason="外出务工，合同期满才返乡")
    assert (t.late_days, t.late_reason, t.lapse_flagged) == (90, "外出务工，合同期满才返乡", False)
    assert "逾期90天" in selectors.events(t).get().comment
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 2), today=TODAY)  # received with the reason on file
    t.refresh_from_db()
    assert t.status == "received" and "逾期90天" in t.member.status_changes.get().reason


@pytest.mark.django_db
def test_a_letter_more_than_six_months_late_is_received_only_with_the_branchs_finding(tree, sides):
    _s, receiver = sides
    t = transfers.register_incoming(
        actor=receiver, letter_number="外L2", from_org_name="外县", to_org_id=tree.village_b.pk,
        letter_issued_on=D(2026, 3, 1), valid_until=D(2026, 3, 31), on=D(2026, 11, 2), person=_person(), today=TODAY, late_reason="在外地住院治疗",
    )  # fmt: skip
    assert t.lapse_flagged and t.late_days == 216
    with pytest.raises(ServiceError) as exc:
        transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 3), today=TODAY)
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("comment", "lapse_review")
    transfers.receive(actor=receiver, transfer_id=t.pk, on=D(2026, 11, 3), today=TODAY, comment="经支部研究，住院有正当理由，予以接收")
    t.refresh_from_db()
    assert t.status == "received"
    # exactly 6 months late is not yet flagged
    t2 = transfers.register_incoming(
        actor=receiver, letter_number="外L3", from_org_name="外县", to_org_id=tree.village_b.pk,
        letter_issued_on=D(2026, 4, 1), valid_until=D(2026, 5, 2), on=D(2026, 11, 2), person=_person(), today=TODAY, late_reason="x",
    )  # fmt: skip
    assert not t2.lapse_flagged


@pytest.mark.django_db
def test_transfer_out_from_the_member_page_asks_for_the_destination(tree, users, make_member, client):
    m = make_member(tree.village_a, name="要转出")
    client.force_login(users["sec_a"])
    r = client.get(f"/members/{m.pk}/status/transfer_out/")
    assert r.status_code == 302 and r["Location"] == f"/lifecycle/transfers/?member={m.pk}#transfer-start"
    page = client.get(f"/lifecycle/transfers/?member={m.pk}").content.decode()
    assert 'data-testid="transfer-start"' in page and "要转出" in page
    assert "转入党支部" in page and 'name="to_org_name"' in page  # a branch here, or the receiving org on the letter
    # posting the bare status change is not possible: the member stays in good standing until a transfer is made
    client.post(f"/members/{m.pk}/status/transfer_out/", {"on": "2026-11-01", "reason": "x"})
    m.refresh_from_db()
    assert m.standing == "normal"
