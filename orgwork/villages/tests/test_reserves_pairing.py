"""Village reserve cadres with training (the training archive) and practice placements; first secretaries sent to
villages the star rating flagged weak, with yearly assessment; unit–village pairing, county leaders' contact points
and members' households with visit logs; the deadline reminders; the API of the new registers."""

import datetime as dt
from decimal import Decimal

import pytest

from orgwork.core import deadlines, idcard
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.scores import services as scores_services
from orgwork.training import selectors as training_selectors
from orgwork.villages import selectors, services
from orgwork.villages.models import Pairing, Visit

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _id(age: int, seq: int) -> str:
    return idcard.make("511526", TODAY - dt.timedelta(days=int(age * 365.25) + 40), seq)


def _items(name, day):
    return [i for _n, i in deadlines.collect(day, only=[name])[0]]


def test_reserve_cadre_training_and_placement(tree, users, client, api):
    town = Actor.for_user(users["town_a"])
    with pytest.raises(ServiceError) as exc:
        services.add_reserve(actor=town, org_id=tree.office_a.pk, id_number="1", name="", education="x", added_on=None)
    assert {e.field for e in exc.value.errors} >= {"org", "id_number", "name", "education", "added_on"}
    r = services.add_reserve(actor=town, org_id=tree.village_a.pk, id_number=_id(28, 1), name="陈后备", education="college", strengths="电商、合作社", added_on=TODAY - dt.timedelta(days=60))
    with pytest.raises(ServiceError):  # twice in one village
        services.add_reserve(actor=town, org_id=tree.village_a.pk, id_number=r.id_number, name="陈后备", education="college", added_on=TODAY)
    # training goes to the training archive by ID number, and is read back from it
    services.credit_reserve_training(actor=town, reserve_id=r.pk, hours="16", on=TODAY - dt.timedelta(days=10), course="村级后备干部培训班")
    services.credit_reserve_training(actor=town, reserve_id=r.pk, hours="16", on=TODAY - dt.timedelta(days=10), course="村级后备干部培训班")  # same fact: once
    services.credit_reserve_training(actor=town, reserve_id=r.pk, hours="8", on=TODAY - dt.timedelta(days=5), course="电商实务")
    assert selectors.reserve_hours(r, TODAY.year) == Decimal("24") == training_selectors.hours(r.id_number, dt.date(TODAY.year, 1, 1), TODAY)
    p = services.start_placement(actor=town, reserve_id=r.pk, place="县农产品电商中心", started_on=TODAY - dt.timedelta(days=50), ends_on=TODAY - dt.timedelta(days=1), tasks="强制锻炼：市场营销")
    with pytest.raises(ServiceError) as exc:
        services.start_placement(actor=town, reserve_id=r.pk, place="x", started_on=TODAY, ends_on=TODAY)
    assert exc.value.errors[0].code == "date_order"
    items = _items("villages.placements", TODAY)
    assert [i.title for i in items] == ["陈后备实践锻炼期满未考核"] and items[0].org_id == tree.village_a.pk
    client.force_login(users["town_a"])
    assert client.post(f"/villages/reserves/{r.pk}/", {"act": "assess_place", "placement": p.pk, "grade": "excellent", "on": TODAY.isoformat(), "comment": "表现突出"}).status_code == 302
    p.refresh_from_db()
    assert (p.grade, p.comment) == ("excellent", "表现突出") and _items("villages.placements", TODAY) == []
    page = client.get(f"/villages/reserves/{r.pk}/").content.decode()
    assert "县农产品电商中心" in page and "24" in page and r.id_number not in page
    assert "陈后备" in client.get("/villages/reserves/").content.decode()
    data = api(users["county"]).get("/api/v1/villages/reserves/").json()
    assert data["count"] == 1 and Decimal(data["results"][0]["hours_this_year"]) == 24
    assert api(users["sec_b"]).get("/api/v1/villages/reserves/").json()["count"] == 0
    services.remove_reserve(actor=town, reserve_id=r.pk, on=TODAY, reason="当选村委会委员")
    assert list(selectors.reserves(town)) == [] and selectors.reserves(town, current=False).count() == 1
    with pytest.raises(ServiceError):
        services.start_placement(actor=town, reserve_id=r.pk, place="x", started_on=TODAY, ends_on=TODAY + dt.timedelta(days=30))


def test_first_secretary_goes_only_to_a_weak_village_and_is_assessed_yearly(tree, users, client, api):
    town = Actor.for_user(users["town_a"])
    start = dt.date(TODAY.year - 1, 3, 1)
    kw = dict(kind="first_secretary", id_number=_id(35, 2), name="刘第一", place="驻村第一书记", started_on=start, ends_on=dt.date(TODAY.year + 1, 2, 28), tasks="整顿软弱涣散")
    with pytest.raises(ServiceError) as exc:  # not flagged by the star rating
        services.start_secondment(actor=town, org_id=tree.village_a.pk, **kw)
    assert exc.value.errors[0].code == "not_weak"
    rating = scores_services.rate_branch(actor=town, org_id=tree.village_a.pk, year=start.year - 1)  # no rubric points → under the line → weak
    assert rating.weak
    s = services.start_secondment(actor=town, org_id=tree.village_a.pk, **kw)
    client.force_login(users["town_a"])
    page = client.get(f"/villages/first-secretaries/?year={start.year - 1}").content.decode()
    assert "红旗村党支部" in page and "刘第一" in page
    # last year's assessment is due from 1 January
    items = _items("villages.year_assessments", TODAY)
    assert [i.title for i in items] == [f"第一书记刘第一{TODAY.year - 1}年度考核未完成"]
    with pytest.raises(ServiceError) as exc:
        services.assess_year(actor=town, secondment_id=s.pk, year=TODAY.year - 3, grade="excellent", on=TODAY)
    assert exc.value.errors[0].code == "out_of_range"
    assert client.post(f"/villages/secondments/{s.pk}/", {"act": "year", "year": TODAY.year - 1, "grade": "competent", "on": TODAY.isoformat(), "comment": "称职"}).status_code == 302
    assert _items("villages.year_assessments", TODAY) == []
    with pytest.raises(ServiceError) as exc:
        services.assess_year(actor=town, secondment_id=s.pk, year=TODAY.year - 1, grade="excellent", on=TODAY)
    assert exc.value.errors[0].code == "duplicate_existing"
    data = api(users["county"]).get("/api/v1/villages/first-secretaries/").json()
    assert data["results"][0]["years"][0]["grade"] == "competent"
    services.log_work(actor=town, secondment_id=s.pk, on=TODAY, text="帮助村里成立合作社")
    assert "帮助村里成立合作社" in client.get(f"/villages/secondments/{s.pk}/").content.decode()


def test_pairing_contact_points_and_households_with_visits(tree, users, client, api, make_member):
    town, county = Actor.for_user(users["town_a"]), Actor.for_user(users["county"])
    start = TODAY - dt.timedelta(days=100)
    unit = services.start_pairing(actor=town, kind="unit_village", org_id=tree.village_a.pk, helper="县农业农村局", target="红旗村", started_on=start, goals="发展特色种植")
    with pytest.raises(ServiceError) as exc:  # a unit pairs with a village
        services.start_pairing(actor=town, kind="unit_village", org_id=tree.office_a.pk, helper="县农业农村局", target="机关", started_on=start)
    assert exc.value.errors[0].code == "bad_value"
    with pytest.raises(ServiceError):  # the same pairing twice
        services.start_pairing(actor=town, kind="unit_village", org_id=tree.village_a.pk, helper="县农业农村局", target="红旗村", started_on=start)
    point = services.start_pairing(actor=county, kind="leader_point", org_id=tree.village_b.pk, helper="张副县长", target="乙镇红旗村联系点", started_on=start)
    with pytest.raises(ServiceError) as exc:  # a member is needed for 党员联系群众
        services.start_pairing(actor=town, kind="member_household", org_id=tree.village_a.pk, target="王大爷家", started_on=start)
    assert exc.value.errors[0].code == "required"
    m = make_member(tree.village_a, name="黄党员")
    house = services.start_pairing(actor=town, kind="member_household", org_id=tree.village_a.pk, helper_member_id=m.pk, target="王大爷家（低保户）", started_on=TODAY - dt.timedelta(days=20))
    assert house.helper == "黄党员"
    # 100 days without a visit: the unit (every 90 days) and the leader's point (every 90) are overdue; the household (30) is not yet
    assert {i.title for i in _items("villages.visits", TODAY)} == {"县农业农村局—红旗村逾期未走访", "张副县长—乙镇红旗村联系点逾期未走访"}
    services.log_visit(actor=town, pairing_id=unit.pk, on=TODAY - dt.timedelta(days=2), text="对接种植项目资金")
    with pytest.raises(ServiceError) as exc:
        services.log_visit(actor=town, pairing_id=unit.pk, on=start - dt.timedelta(days=1), text="开始前")
    assert exc.value.errors[0].code == "date_order"
    with pytest.raises(NotFound):  # another township's contact point is out of the town's write scope
        services.log_visit(actor=town, pairing_id=point.pk, on=TODAY, text="x")
    assert {i.title for i in _items("villages.visits", TODAY)} == {"张副县长—乙镇红旗村联系点逾期未走访"}
    later = TODAY + dt.timedelta(days=15)  # the household's 30 days have run out
    assert "黄党员—王大爷家（低保户）逾期未走访" in {i.title for i in _items("villages.visits", later)}
    client.force_login(users["town_a"])
    assert client.post(f"/villages/pairings/{house.pk}/", {"act": "visit", "on": TODAY.isoformat(), "text": "了解就医困难，协助办理医保"}).status_code == 302
    assert Visit.objects.filter(pairing=house).count() == 1
    body = client.get("/villages/pairings/").content.decode()
    assert "县农业农村局" in body and "王大爷家（低保户）" in body and "张副县长" not in body  # the other township's point is out of scope
    assert "协助办理医保" in client.get(f"/villages/pairings/{house.pk}/").content.decode()
    assert client.get(f"/villages/pairings/{point.pk}/").status_code == 404
    data = api(users["county"]).get("/api/v1/villages/pairings/").json()
    by_helper = {r["helper"]: r for r in data["results"]}
    assert by_helper["县农业农村局"]["last_visit"] == (TODAY - dt.timedelta(days=2)).isoformat() and by_helper["张副县长"]["kind_label"] == "县级领导联系点"
    visits = api(users["county"]).get(f"/api/v1/villages/pairings/{unit.pk}/visits/").json()
    assert visits["count"] == 1 and visits["results"][0]["text"] == "对接种植项目资金"
    services.end_pairing(actor=town, pairing_id=unit.pk, on=TODAY)
    with pytest.raises(ServiceError):
        services.log_visit(actor=town, pairing_id=unit.pk, on=TODAY, text="结束后")
    assert Pairing.objects.count() == 3 and unit.pk not in {p.pk for p in selectors.pairings(town)}


def test_probation_reminder_and_api_history_pay_evaluations(tree, users, api):
    town = Actor.for_user(users["town_a"])
    start = TODAY - dt.timedelta(days=400)
    c = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(30, 9), name="新主任", education="college", village_post="chair", started_on=start)
    items = _items("villages.probations", TODAY)
    assert [i.title for i in items] == ["新主任试用期已满，待考察"] and "/villages/cadres/" in items[0].url
    services.decide_probation(actor=town, cadre_id=c.pk, decision="confirmed", on=TODAY)
    assert _items("villages.probations", TODAY) == []
    new = services.change_post(actor=town, cadre_id=c.pk, party_post="secretary", village_post="chair", on=TODAY, reason="当选书记")
    hist = api(users["county"]).get(f"/api/v1/villages/cadres/{new.pk}/history/").json()
    assert [(h["party_post"], h["village_post"], h["previous"]) for h in hist] == [("", "chair", None), ("secretary", "chair", c.pk)]
    assert api(users["sec_b"]).get(f"/api/v1/villages/cadres/{new.pk}/history/").status_code == 404
    pay = api(users["county"]).get(f"/api/v1/villages/pay/?org={tree.town_a.pk}&year={TODAY.year}&month={TODAY.month}").json()
    assert pay["payer"] == "乡镇财政预算直发" and [(r["name"], r["total"]) for r in pay["rows"]] == [("新主任", "3500.00")]  # 2400 + 300 + 800 × 1.0
    ev = api(users["county"]).get(f"/api/v1/villages/evaluations/?which=review&year={TODAY.year}").json()
    assert ev["count"] == 1 and ev["results"][0]["grade"] == ""
    assert api(users["county"]).get("/api/v1/villages/evaluations/?which=bogus").status_code == 400
