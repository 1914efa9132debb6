import datetime as dt
from decimal import Decimal

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.dues import selectors, services
from orgwork.dues.models import DuesMonth, DuesPayment

D = dt.date
TODAY = D(2026, 11, 20)


def pay(actor, member, month, months=1, paid_on=TODAY, **kw):
    return services.record_payment(actor=actor, member_id=member.pk, from_month=month, months=months, paid_on=paid_on, today=TODAY, **kw)


@pytest.fixture
def member(tree, make_member, system):
    m = make_member(tree.office_a, name="王五", joined=D(2010, 7, 1))
    services.set_base(actor=system, member_id=m.pk, category="salaried", base="4000", declared_on=D(2026, 1, 5))
    return m


@pytest.mark.django_db
def test_monthly_payment_writes_ledger_and_audit(system, member):
    p = pay(system, member, D(2026, 11, 1), receipt_no="NO.001")
    assert p.amount == Decimal("40.00")
    row = DuesMonth.objects.get(member=member, month=D(2026, 11, 1))
    assert (row.due, row.paid, row.paid_on, row.rule_version) == (Decimal("40.00"), Decimal("40.00"), TODAY, "2008")
    assert AuditEvent.objects.filter(action="dues.pay", object_id=str(p.pk)).exists()


@pytest.mark.django_db
def test_proxy_payment_needs_the_proxy_name(system, member):
    with pytest.raises(ServiceError) as exc:
        pay(system, member, D(2026, 11, 1), payer="proxy")
    assert exc.value.errors[0].field == "proxy_name"
    p = pay(system, member, D(2026, 11, 1), payer="proxy", proxy_name="王妻", method="wechat")
    assert (p.payer, p.proxy_name, p.method) == ("proxy", "王妻", "wechat")


@pytest.mark.django_db
def test_the_same_month_cannot_be_paid_twice(system, member):
    pay(system, member, D(2026, 11, 1))
    with pytest.raises(ServiceError) as exc:
        pay(system, member, D(2026, 10, 1), months=2)
    assert exc.value.errors[0].code == "already_paid"
    assert DuesMonth.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_back_payment_at_most_six_months(system, member):
    # 组通字〔2008〕3号 二: 补交党费的时间一般不得超过6个月.
    with pytest.raises(ServiceError) as exc:
        pay(system, member, D(2026, 4, 1), months=8)
    assert exc.value.errors[0].code == "back_payment_limit"
    p = pay(system, member, D(2026, 5, 1), months=7)  # May..Nov: six back months and the current one
    assert p.months == 7 and p.amount == Decimal("280.00")


@pytest.mark.django_db
def test_paying_ahead_needs_the_branch_consent_and_stays_in_the_quarter(system, member, tree):
    # 组通字〔2008〕3号 二: 按月交纳；经支部同意可按季度交纳.
    with pytest.raises(ServiceError) as exc:
        pay(system, member, D(2026, 10, 1), months=3)
    assert exc.value.errors[0].code == "quarterly_not_allowed"
    services.set_branch_quarterly(actor=system, org_id=tree.office_a.pk, allowed=True, decided_on=D(2026, 9, 30))
    pay(system, member, D(2026, 10, 1), months=3)
    assert DuesMonth.objects.filter(member=member).count() == 3
    with pytest.raises(ServiceError) as exc:
        pay(system, member, D(2027, 1, 1))
    assert exc.value.errors[0].code == "beyond_quarter"


@pytest.mark.django_db
def test_a_new_base_applies_from_the_month_it_is_first_paid(system, member):
    # 组通字〔2008〕3号 一: 党员工资收入发生变化后，从按新工资收入计算交纳党费的当月起执行新基数.
    pay(system, member, D(2026, 8, 1), paid_on=D(2026, 8, 10))
    nb = services.set_base(actor=system, member_id=member.pk, category="salaried", base="6000", declared_on=D(2026, 9, 15))
    assert nb.effective_from is None
    # September (the declaration month) to November paid now: the new base takes effect in September.
    p = pay(system, member, D(2026, 9, 1), months=3)
    nb.refresh_from_db()
    assert nb.effective_from == D(2026, 9, 1)
    assert p.amount == Decimal("270.00")  # 3 × 90.00
    aug = DuesMonth.objects.get(member=member, month=D(2026, 8, 1))
    assert aug.due == Decimal("40.00")  # earlier months keep the old base


@pytest.mark.django_db
def test_back_months_before_a_new_declaration_keep_the_old_base(system, member):
    pay(system, member, D(2026, 7, 1), paid_on=D(2026, 7, 5))
    services.set_base(actor=system, member_id=member.pk, category="salaried", base="12000", declared_on=D(2026, 11, 2))
    p = pay(system, member, D(2026, 8, 1), months=4)  # Aug, Sep, Oct at 40.00; Nov at 240.00
    assert p.amount == Decimal("360.00")
    assert [r.due for r in DuesMonth.objects.filter(member=member, month__gte=D(2026, 8, 1)).order_by("month")] == [
        Decimal("40.00"), Decimal("40.00"), Decimal("40.00"), Decimal("240.00")
    ]


@pytest.mark.django_db
def test_amount_given_must_match_the_due(system, member):
    with pytest.raises(ServiceError) as exc:
        pay(system, member, D(2026, 11, 1), amount="39.99")
    assert exc.value.errors[0].code == "amount_mismatch"
    pay(system, member, D(2026, 11, 1), amount="40")


@pytest.mark.django_db
def test_probationary_members_pay_from_the_admission_meeting_month(system, tree, make_member):
    m = make_member(tree.office_a, category="probationary", joined=D(2026, 9, 18))
    services.set_base(actor=system, member_id=m.pk, category="student", declared_on=D(2026, 9, 18))
    with pytest.raises(ServiceError) as exc:
        pay(system, m, D(2026, 8, 1), months=2)
    assert exc.value.errors[0].code == "before_start"
    p = pay(system, m, D(2026, 9, 1), months=3)
    assert p.amount == Decimal("0.60")


@pytest.mark.django_db
def test_no_base_no_payment(system, tree, make_member):
    m = make_member(tree.office_a)
    with pytest.raises(ServiceError) as exc:
        pay(system, m, D(2026, 11, 1))
    assert exc.value.errors[0].code == "no_base"


@pytest.mark.django_db
def test_hardship_relief_applies_only_after_the_higher_committee_approves(system, member, tree, users):
    # 组通字〔2008〕3号 一(五): 经支部委员会研究、报上一级党委批准，可以少交或免交.
    branch_actor = Actor.for_user(users["sec_a"])  # secretary of another branch: no write scope here
    with pytest.raises(NotFound):
        services.propose_relief(actor=branch_actor, member_id=member.pk, kind="exempt", from_month=D(2026, 10, 1), reason="重病", branch_decided_on=D(2026, 10, 8))
    relief = services.propose_relief(actor=system, member_id=member.pk, kind="reduce", monthly_amount="5", from_month=D(2026, 10, 1), to_month=D(2026, 12, 1), reason="重病住院", branch_decided_on=D(2026, 10, 8))
    p = pay(system, member, D(2026, 10, 1))
    assert p.amount == Decimal("40.00")  # not yet approved
    # The town committee (parent of 机关党支部) approves; a secretary of a sibling branch cannot.
    with pytest.raises((ServiceError, NotFound)):
        services.decide_relief(actor=branch_actor, relief_id=relief.pk, approve=True, on=D(2026, 10, 20))
    town = Actor.for_user(users["town_a"])
    services.decide_relief(actor=town, relief_id=relief.pk, approve=True, on=D(2026, 10, 20), comment="同意")
    assert pay(system, member, D(2026, 11, 1)).amount == Decimal("5.00")
    assert services.decide_relief.__doc__


@pytest.mark.django_db
def test_exemption_makes_the_due_zero(system, member, users):
    relief = services.propose_relief(actor=system, member_id=member.pk, kind="exempt", from_month=D(2026, 11, 1), reason="低保", branch_decided_on=D(2026, 11, 2))
    services.decide_relief(actor=Actor.for_user(users["county"]), relief_id=relief.pk, approve=True, on=D(2026, 11, 5))
    assert pay(system, member, D(2026, 11, 1)).amount == Decimal("0.00")


@pytest.mark.django_db
def test_arrears_lists_3_and_flags_6_consecutive_months(system, tree, make_member):
    # 党章第九条 / 组通字〔2008〕3号: 连续6个月不交纳党费 → 视为自行脱党 (flag only; a person decides).
    a = make_member(tree.office_a, name="甲")
    b = make_member(tree.office_a, name="乙")
    c = make_member(tree.office_a, name="丙")
    for m in (a, b, c):
        services.set_base(actor=system, member_id=m.pk, category="farmer", declared_on=D(2026, 1, 1))
    services.record_payment(actor=system, member_id=a.pk, from_month=D(2026, 4, 1), paid_on=D(2026, 4, 3), today=TODAY)  # May–Oct unpaid: 6
    services.record_payment(actor=system, member_id=b.pk, from_month=D(2026, 7, 1), paid_on=D(2026, 7, 3), today=TODAY)  # Aug–Oct: 3
    services.record_payment(actor=system, member_id=c.pk, from_month=D(2026, 8, 1), paid_on=D(2026, 8, 3), today=TODAY)  # Sep–Oct: 2
    rows = {r.name: r for r in selectors.arrears(system, min_months=3, today=TODAY)}
    assert set(rows) == {"甲", "乙"}
    assert (rows["甲"].months, rows["甲"].flagged) == (6, True)
    assert (rows["乙"].months, rows["乙"].flagged) == (3, False)
    assert [r.name for r in selectors.arrears(system, min_months=6, today=TODAY)] == ["甲"]
    # one day into December, 丙 reaches 3
    assert "丙" in {r.name for r in selectors.arrears(system, min_months=3, today=D(2026, 12, 1))}


@pytest.mark.django_db
def test_collection_report_passes_up_each_levels_share_set_by_the_province(system, tree, make_member):
    # rules.md §4 / 组通字〔2008〕3号 三: only provincial committees remit 5% to the centre; what each lower level keeps
    # or passes up is set by the province (rule table dues.remittance); voluntary one-off payments of 1,000 yuan
    # or more go entirely to the centre.
    from orgwork.dues.rules import remittance_rules

    shares = remittance_rules(on=D(2026, 4, 1))["shares"]
    assert (shares["branch"], shares["committee"], shares["county"]) == ("1.00", "0.50", "0.50")
    a = make_member(tree.office_a, name="甲")
    b = make_member(tree.village_b, name="乙")
    services.set_base(actor=system, member_id=a.pk, category="salaried", base="4000", declared_on=D(2026, 1, 1))
    services.set_base(actor=system, member_id=b.pk, category="retired", base="3000", declared_on=D(2026, 1, 1))
    services.record_payment(actor=system, member_id=a.pk, from_month=D(2026, 3, 1), months=2, paid_on=D(2026, 4, 2), today=TODAY)  # 80.00
    services.record_payment(actor=system, member_id=b.pk, from_month=D(2026, 4, 1), paid_on=D(2026, 4, 9), today=TODAY)  # 15.00
    services.record_voluntary(actor=system, member_id=a.pk, amount="1000", paid_on=D(2026, 4, 20), today=TODAY)
    services.record_voluntary(actor=system, member_id=b.pk, amount="100", paid_on=D(2026, 4, 21), today=TODAY)
    rep = selectors.collection_report(system, year=2026, month=4)
    by = {(r.org_name, r.org_id): r for r in rep.rows}
    oa = by[("机关党支部", tree.office_a.pk)]
    assert (oa.payers, oa.month_count, oa.regular, oa.voluntary_large) == (1, 2, Decimal("80.00"), Decimal("1000.00"))
    assert (oa.level, oa.remit, oa.kept) == ("党支部", Decimal("1080.00"), Decimal("0.00"))  # a branch passes up everything
    vb = by[("红旗村党支部", tree.village_b.pk)]
    assert vb.remit == Decimal("115.00")
    town_a = by[("中共甲镇委员会", tree.town_a.pk)]
    assert (town_a.level, town_a.received, town_a.remit, town_a.kept) == ("基层党委", Decimal("1080.00"), Decimal("1040.00"), Decimal("40.00"))
    town_b = by[("中共乙镇委员会", tree.town_b.pk)]
    assert (town_b.remit, town_b.kept) == (Decimal("57.50"), Decimal("57.50"))
    county = by[("中共测试县委员会", tree.county.pk)]
    # the county holds 40 + 57.50 ordinary and 1,000 voluntary; passes up half the ordinary and all the voluntary
    assert (county.level, county.received, county.remit) == ("县级党委", Decimal("1097.50"), Decimal("1048.75"))
    assert rep.total.collected == Decimal("1195.00")
    assert rep.total.remit == Decimal("1048.75")
    assert rep.remit_deadline == D(2027, 4, 30)
    # scope: the town A report only sees town A's branch, and its total is what town A passes to the county
    sub = selectors.collection_report(system, year=2026, under=tree.town_a)
    assert [r.org_name for r in sub.rows if r.regular] == ["机关党支部"]
    assert sub.total.remit == Decimal("1040.00")
    assert selectors.collection_report(system, year=2026, month=5).total.collected == Decimal("0")


@pytest.mark.django_db
def test_a_province_level_deployment_remits_five_percent_to_the_centre(system, tree, make_member, settings):
    # 组通字〔2008〕3号 三: 各省（区、市）党委每年将上一年党费收入的5%上缴中央.
    settings.DUES_TOP_LEVEL = "province"
    a = make_member(tree.office_a, name="甲")
    services.set_base(actor=system, member_id=a.pk, category="salaried", base="4000", declared_on=D(2026, 1, 1))
    services.record_payment(actor=system, member_id=a.pk, from_month=D(2026, 3, 1), months=2, paid_on=D(2026, 4, 2), today=TODAY)  # 80.00
    rep = selectors.collection_report(system, year=2026)
    top = next(r for r in rep.rows if r.org_id == tree.county.pk)
    # 80 → town keeps 40, passes 40 → the province passes 5% of 40 to the centre
    assert (top.level, top.received, top.remit, top.kept) == ("省级党委", Decimal("40.00"), Decimal("2.00"), Decimal("38.00"))


@pytest.mark.django_db
def test_arrears_start_with_members_who_never_had_a_base(system, tree, make_member, settings):
    settings.DUES_LEDGER_START = "2026-01-01"
    never = make_member(tree.office_a, name="未核定", joined=D(2010, 7, 1))
    late = make_member(tree.office_a, name="新党员", joined=D(2026, 9, 1), category="probationary")
    rows = {r.name: r for r in selectors.arrears(system, min_months=1, today=TODAY)}
    assert rows["未核定"].no_base and rows["未核定"].months == 10  # Jan–Oct 2026: the ledger starts in January
    assert rows["新党员"].months == 2  # from the admission month (组通字〔2008〕3号 二)
    assert selectors.arrears(system, min_months=1, today=TODAY)[0].no_base
    settings.DUES_LEDGER_START = None
    assert {r.name: r for r in selectors.arrears(system, min_months=1, today=TODAY)}["未核定"].months == 16 * 12 + 4
    assert never.pk and late.pk


@pytest.mark.django_db
def test_paying_declares_the_missing_base_in_the_same_transaction(system, tree, make_member):
    m = make_member(tree.office_a, name="无基数", joined=D(2010, 7, 1))
    with pytest.raises(ServiceError) as exc:
        pay(system, m, D(2026, 11, 1))
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("base_category", "no_base")
    # a bad base: nothing written, neither base nor payment
    with pytest.raises(ServiceError) as exc:
        pay(system, m, D(2026, 11, 1), base_category="salaried", base="abc")
    assert exc.value.errors[0].field == "base"
    assert not m.dues_bases.exists() and not DuesPayment.objects.exists()
    # a base that is fine but a payment that is not (beyond the back-payment limit): no base left behind
    with pytest.raises(ServiceError):
        pay(system, m, D(2026, 1, 1), months=11, base_category="salaried", base="6000")
    assert not m.dues_bases.exists()
    p = pay(system, m, D(2026, 11, 1), base_category="salaried", base="6000")
    assert p.amount == Decimal("90.00")  # 1.5% of 6,000
    b = m.dues_bases.get()
    assert (b.effective_from, b.declared_on) == (D(2026, 11, 1), TODAY)
    assert AuditEvent.objects.filter(action="dues.base", object_id=str(b.pk)).exists()


@pytest.mark.django_db
def test_report_exports_to_excel(system, member):
    from python_calamine import CalamineWorkbook

    from orgwork.dues.export import report_xlsx

    pay(system, member, D(2026, 11, 1))
    data = report_xlsx(selectors.collection_report(system, year=2026))
    sheet = CalamineWorkbook.from_filelike(__import__("io").BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][0].startswith("党费收缴统计表")
    # rows in tree order: the county, the town, then the branch that collected (a branch passes everything up)
    assert [r[0] for r in sheet[4:7]] == ["中共测试县委员会", "中共甲镇委员会", "机关党支部"]
    assert sheet[6][4] == 40.0 and sheet[6][8] == 40.0 and sheet[6][11] == "党支部"
    assert sheet[4][9] == 20.0 and sheet[4][8] == 10.0  # the county received half and passes half of that up


@pytest.mark.django_db
def test_out_of_scope_member_is_not_found(users, tree, make_member, system):
    m = make_member(tree.village_b)
    services.set_base(actor=system, member_id=m.pk, category="farmer", declared_on=D(2026, 1, 1))
    with pytest.raises(NotFound):
        services.record_payment(actor=Actor.for_user(users["sec_a"]), member_id=m.pk, from_month=D(2026, 11, 1), paid_on=TODAY, today=TODAY)
    assert DuesPayment.objects.count() == 0


@pytest.mark.django_db
def test_branch_secretary_is_reminded_of_six_month_arrears_once_a_month(system, tree, users, make_member):
    from orgwork.dues.reminders import send_arrears_reminders
    from orgwork.notifications.models import Notification

    m = make_member(tree.village_a, name="欠费")
    services.set_base(actor=system, member_id=m.pk, category="farmer", declared_on=D(2026, 1, 1))
    services.record_payment(actor=system, member_id=m.pk, from_month=D(2026, 4, 1), paid_on=D(2026, 4, 3), today=TODAY)
    assert send_arrears_reminders(today=D(2026, 10, 31)) == 0  # May–Sep: 5 months
    assert send_arrears_reminders(today=D(2026, 11, 1)) == 1
    assert send_arrears_reminders(today=D(2026, 11, 20)) == 0
    assert Notification.objects.get(recipient=users["sec_a"]).kind == "dues.arrears6"
