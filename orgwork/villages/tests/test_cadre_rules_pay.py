"""Village-cadre rule set (seeds 002, 003): probation, star management, 述职评议 and the secretaries' competence on
the scoring engine; structured pay, former cadres' subsidies, differentiated pay and the leaving allowance; the
post history."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.normalize import add_months
from orgwork.villages import rules, selectors, services
from orgwork.villages.models import Cadre

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _id(age: int, seq: int) -> str:
    return idcard.make("511526", TODAY - dt.timedelta(days=int(age * 365.25) + 40), seq)


def test_the_cadre_rule_set_cites_seeds_002_and_003():
    # seed 002: "建立了村干部试用期制度、星级管理制度、述职评议制度；实行村干部结构工资制，并实行乡镇财政预算直发；…按照“适当提高、
    # 分类定补、县乡分担”的原则，落实了660名退职村干部补助"; seed 003: "探索支部书记胜任度评价，实行村书记报酬差异化管理、
    # 优秀村书记离任特殊贡献补贴"
    r = rules.cadre_rules(on=dt.date(2024, 1, 1))
    assert "种子002" in r.source and "种子003" in r.source and "默认" in r.source  # numbers are the county's to replace
    assert r["probation_months"] == 6 and r["sets"]["review"] == rules.CADRE_REVIEW
    p = rules.pay_rules(on=dt.date(2024, 1, 1))
    assert "县乡分担" in p.source and "乡镇财政预算直发" in p.source and p["payer"] == "乡镇财政预算直发"
    assert rules.former_class(p, main_post=True, years=12)["code"] == "1"
    assert rules.former_class(p, main_post=False, years=12)["code"] == "3"  # a non-main post never reaches the main classes
    assert rules.former_class(p, main_post=True, years=5) is None
    assert rules.leaving_allowance(p, secretary_years=12, excellent_years=3) == Decimal("12000.00")
    assert rules.leaving_allowance(p, secretary_years=30, excellent_years=9) == Decimal("20000.00")  # the cap
    assert rules.leaving_allowance(p, secretary_years=12, excellent_years=2) is None
    assert rules.base_key("member", "chair") == "chair" and rules.base_key("secretary", "chair") == "secretary"
    # a county revision is a new version from its date, the old months keep the old amounts
    newer = rules.PAY_2008.derive(version="本县-2030", effective=dt.date(2030, 1, 1), source="县委组织部2029年第9号", base={**p["base"], "member": "1800"})
    assert newer["base"]["member"] == "1800" and p["base"]["member"] == "1600"


def test_probation_for_new_members(tree, users):
    town = Actor.for_user(users["town_a"])
    start = TODAY - dt.timedelta(days=200)
    c = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(30, 1), name="新委员", education="college", village_post="member", started_on=start)
    assert (c.probation, c.probation_ends_on, c.rule_version) == ("on", add_months(start, 6), "默认-2008")
    assert [x.pk for x in selectors.probations_due(town)] == ([c.pk] if c.probation_ends_on <= TODAY else [])
    with pytest.raises(ServiceError) as exc:
        services.decide_probation(actor=town, cadre_id=c.pk, decision="extended", on=TODAY, note="群众认可度不高", months=7)
    assert exc.value.errors[0].code == "out_of_range"
    services.decide_probation(actor=town, cadre_id=c.pk, decision="extended", on=TODAY, note="群众认可度不高", months=3)
    c.refresh_from_db()
    assert (c.probation, c.probation_ends_on) == ("extended", add_months(add_months(start, 6), 3))
    with pytest.raises(ServiceError) as exc:  # extended once only
        services.decide_probation(actor=town, cadre_id=c.pk, decision="extended", on=TODAY, note="再延", months=1)
    assert exc.value.errors[0].code == "extended_once"
    services.decide_probation(actor=town, cadre_id=c.pk, decision="not_confirmed", on=TODAY, note="考察不合格")
    c.refresh_from_db()
    assert c.ended_on == TODAY and c.end_reason == "试用期满考察不合格"
    # someone who served before is not new: no probation on a later record
    again = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=c.id_number, name="新委员", education="college", party_post="member", started_on=TODAY)
    assert again.probation == "" and again.probation_ends_on is None
    with pytest.raises(ServiceError) as exc:
        services.decide_probation(actor=town, cadre_id=again.pk, decision="confirmed", on=TODAY)
    assert exc.value.errors[0].code == "not_on_probation"


def test_stars_review_and_competence_on_the_scoring_engine(tree, users):
    town, county = Actor.for_user(users["town_a"]), Actor.for_user(users["county"])
    year = TODAY.year - 1
    sec = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(48, 2), name="王书记", education="college", party_post="secretary",
                                  village_post="chair", started_on=dt.date(year - 3, 1, 5))  # fmt: skip
    mem = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(35, 3), name="李委员", education="high_school", village_post="member", started_on=dt.date(year - 1, 3, 1))
    entries = services.score_cadre(actor=town, which="review", cadre_id=sec.pk, year=year, scores={"report": "18", "members": "37", "township": "38"})
    with pytest.raises(ServiceError) as exc:  # the one who entered cannot approve
        services.approve_scores(actor=town, entry_ids=[e.pk for e in entries])
    assert exc.value.errors[0].code == "self_approval"
    services.approve_scores(actor=county, entry_ids=[e.pk for e in entries])
    more = services.score_cadre(actor=town, which="review", cadre_id=mem.pk, year=year, scores={"report": "12", "members": "25", "township": "26"})
    services.approve_scores(actor=county, entry_ids=[e.pk for e in more])
    with pytest.raises(ServiceError) as exc:  # a reviewer score above the indicator's points
        services.score_cadre(actor=town, which="review", cadre_id=mem.pk, year=year, scores={"report": "21"})
    assert exc.value.errors[0].code == "out_of_range"
    rows = selectors.results(town, which="review", year=year)
    assert [(r.cadre.name, r.total, r.grade) for r in rows] == [("王书记", Decimal("93.00"), "优秀"), ("李委员", Decimal("63.00"), "基本称职")]
    with pytest.raises(ServiceError) as exc:  # 胜任度评价 is for secretaries
        services.score_cadre(actor=town, which="competence", cadre_id=mem.pk, year=year, scores={"political": "10"})
    assert exc.value.errors[0].code == "not_secretary"
    comp = services.score_cadre(actor=town, which="competence", cadre_id=sec.pk, year=year, scores={"political": "18", "prosperity": "22", "governance": "20", "service": "17", "integrity": "9"})
    services.approve_scores(actor=county, entry_ids=[e.pk for e in comp])
    assert selectors.person_grade(sec, "competence", year) == "胜任" and selectors.person_grade(sec, "stars", year) == ""
    stars = services.score_cadre(actor=town, which="stars", cadre_id=mem.pk, year=year, scores={"de": "16", "neng": "15", "qin": "15", "ji": "22", "lian": "8"})
    services.approve_scores(actor=county, entry_ids=[e.pk for e in stars])
    assert [(r.cadre.name, r.grade) for r in selectors.results(town, which="stars", year=year)] == [("李委员", "三星"), ("王书记", "")]
    assert selectors.results(Actor.for_user(users["sec_b"]), which="review", year=year) == []  # out of scope
    with pytest.raises(ServiceError) as exc:  # not in post that year
        services.score_cadre(actor=town, which="review", cadre_id=mem.pk, year=year - 2, scores={"report": "10"})
    assert exc.value.errors[0].code == "not_in_post"


def test_post_history_never_overwrites(tree, users, client):
    town = Actor.for_user(users["town_a"])
    c = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(40, 4), name="赵干部", education="college", party_post="member",
                                started_on=TODAY - dt.timedelta(days=900))  # fmt: skip
    with pytest.raises(ServiceError) as exc:
        services.change_post(actor=town, cadre_id=c.pk, party_post="member", on=TODAY, reason="无变化")
    assert exc.value.errors[0].code == "no_change"
    on = TODAY - dt.timedelta(days=100)
    new = services.change_post(actor=town, cadre_id=c.pk, party_post="deputy", village_post="vice_chair", on=on, reason="换届后调整分工")
    old = Cadre.objects.get(pk=c.pk)
    assert (old.party_post, old.village_post, old.ended_on) == ("member", "", on - dt.timedelta(days=1))  # the old record stays as it was
    assert "换届后调整分工" in old.end_reason
    assert (new.previous_id, new.party_post, new.village_post, new.started_on, new.ended_on) == (c.pk, "deputy", "vice_chair", on, None)
    third = services.change_post(actor=town, cadre_id=new.pk, party_post="secretary", village_post="chair", on=TODAY, reason="当选书记")
    assert [(h.party_post, h.ended_on is None) for h in selectors.history(town, third)] == [("member", False), ("deputy", False), ("secretary", True)]
    with pytest.raises(ServiceError):  # an ended record cannot change again
        services.change_post(actor=town, cadre_id=c.pk, party_post="secretary", on=TODAY, reason="x")
    assert selectors.structure(town).secretaries == 1 and Cadre.objects.count() == 3
    client.force_login(users["town_a"])
    page = client.get(f"/villages/cadres/{third.pk}/").content.decode()
    assert "党组织副书记" in page and "党组织委员" in page and "换届后调整分工" in page


def _review(town, county, cadre, year, total_parts):
    e = services.score_cadre(actor=town, which="review", cadre_id=cadre.pk, year=year, scores=dict(zip(("report", "members", "township"), total_parts, strict=True)))
    services.approve_scores(actor=county, entry_ids=[x.pk for x in e])


def test_monthly_and_yearly_pay_sheet_with_subsidies_and_allowance(tree, users, client):
    town, county = Actor.for_user(users["town_a"]), Actor.for_user(users["county"])
    year, month = TODAY.year, TODAY.month
    last = year - 1
    sec = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(55, 5), name="钱书记", education="college", party_post="secretary",
                                  village_post="chair", started_on=dt.date(year - 12, 1, 10))  # fmt: skip
    mem = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(33, 6), name="孙委员", education="college", party_post="member",
                                  started_on=dt.date(last, 2, 1))  # fmt: skip
    _review(town, county, sec, last, ("19", "38", "38"))  # 95 优秀 → performance × 1.2
    _review(town, county, mem, last, ("10", "25", "26"))  # 61 基本称职 → × 0.6
    comp = services.score_cadre(actor=town, which="competence", cadre_id=sec.pk, year=last, scores={"political": "18", "prosperity": "22", "governance": "20", "service": "17", "integrity": "9"})
    services.approve_scores(actor=county, entry_ids=[e.pk for e in comp])  # 86 胜任 → +300 a month
    former = services.register_former(actor=town, org_id=tree.village_a.pk, id_number=_id(70, 7), name="周老书记", main_post=True, years=15,
                                      left_on=dt.date(year - 5, 6, 30), subsidy_from=dt.date(year - 5, 7, 1))  # fmt: skip
    assert (former.subsidy_class, former.rule_version) == ("1", "默认-2008")
    with pytest.raises(ServiceError) as exc:
        services.register_former(actor=town, org_id=tree.village_a.pk, id_number=_id(66, 8), name="吴某", main_post=False, years=3, left_on=dt.date(year - 1, 1, 1), subsidy_from=dt.date(year - 1, 1, 1))
    assert exc.value.errors[0].code == "not_eligible"
    sheet = selectors.pay_sheet(town, township=tree.town_a, year=year, month=month)
    assert [(r.cadre.name, r.base, r.performance, r.supplement, r.total) for r in sheet.rows] == [
        ("钱书记", Decimal("2700.00"), Decimal("960.00"), Decimal("300.00"), Decimal("3960.00")),  # 2400 + 300 交叉任职; 800 × 1.2; 胜任
        ("孙委员", Decimal("1600.00"), Decimal("300.00"), Decimal("0.00"), Decimal("1900.00")),  # 500 × 0.6
    ]
    assert [(f.former.name, f.monthly, f.county, f.township) for f in sheet.former] == [("周老书记", Decimal("300.00"), Decimal("150.00"), Decimal("150.00"))]
    assert sheet.township_total == Decimal("3960.00") + Decimal("1900.00") + Decimal("150.00")
    assert selectors.pay_sheet(town, township=tree.town_b, year=year, month=month).rows == []
    # the secretary leaves: the outstanding secretary's leaving allowance needs 3 years graded 优秀 (only 1 so far)
    services.end_cadre(actor=town, cadre_id=sec.pk, ended_on=TODAY, reason="年龄原因离任")
    with pytest.raises(ServiceError) as exc:
        services.grant_leaving_allowance(actor=town, cadre_id=sec.pk, on=TODAY)
    assert exc.value.errors[0].code == "not_eligible" and "优秀1年" in exc.value.errors[0].message
    _review(town, county, sec, last - 1, ("19", "37", "36"))
    _review(town, county, sec, last - 2, ("18", "36", "37"))
    a = services.grant_leaving_allowance(actor=town, cadre_id=sec.pk, on=TODAY)
    assert (a.secretary_years, a.excellent_years, a.amount) == (12, 3, Decimal("12000.00"))  # 12 whole years as secretary × 1000
    with pytest.raises(ServiceError):
        services.grant_leaving_allowance(actor=town, cadre_id=sec.pk, on=TODAY)
    sheet = selectors.pay_sheet(town, township=tree.town_a, year=year, month=month)
    assert [x.amount for x in sheet.allowances] == [Decimal("12000.00")]
    yearly = selectors.pay_sheet_year(town, township=tree.town_a, year=last, until=TODAY)
    member_row = next(r for r in yearly.rows if r.cadre.name == "孙委员")
    assert member_row.base == Decimal("1600.00") * 11  # February to December of last year
    client.force_login(users["town_a"])
    page = client.get(f"/villages/pay/?org={tree.town_a.pk}&year={year}&month={month}").content.decode()
    assert "钱书记" in page and "3960.00" in page and "乡镇财政预算直发" in page
    resp = client.get(f"/villages/pay/export.xlsx?org={tree.town_a.pk}&year={year}&month={month}")
    assert resp.status_code == 200
    ws = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_name("报酬").to_python()
    assert "乡镇财政预算直发" in ws[0][1] and ws[2][1] == "钱书记" and ws[2][-1] == "3960.00"
    resp = client.get(f"/villages/pay/export.xlsx?org={tree.town_a.pk}&year={last}")
    assert resp.status_code == 200
    client.force_login(users["sec_b"])
    assert client.get(f"/villages/pay/?org={tree.town_a.pk}&year={year}&month={month}").status_code == 404
