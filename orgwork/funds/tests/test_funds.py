"""Party-building funds: the ledger, money passed down arriving below, the per-member floor, the indicator."""

import datetime as dt
from decimal import Decimal

import pytest

from orgwork.core.actor import Actor
from orgwork.core.audit import history
from orgwork.core.errors import ServiceError
from orgwork.dues import services as dues_services
from orgwork.funds import selectors, services
from orgwork.funds.models import FundEntry
from orgwork.funds.rules import allocation_rules

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YEAR = TODAY.year


def test_floor_is_seed_003s_600_yuan_per_member():
    # seed 003: 张店区 "按照每名党员不低于600元的标准保障党建经费"
    rules = allocation_rules(on=dt.date(2024, 6, 1))
    assert Decimal(rules["per_member_floor"]) == Decimal("600.00") and "600元" in rules.source
    with pytest.raises(ServiceError) as exc:
        selectors.rules_for(2010)
    assert exc.value.errors[0].code == "no_rule_in_force"


@pytest.fixture
def county(tree, users, make_member):
    make_member(tree.village_a, name="王五", birth=dt.date(1980, 1, 1))  # village_a: 李四 + 王五
    make_member(tree.village_b, name="赵六", birth=dt.date(1970, 1, 1))
    return tree


def actor_of(user):
    return Actor.for_user(user)


def test_money_passed_down_arrives_and_branches_are_checked_against_the_floor(county, users):
    county_admin = actor_of(users["county"])
    services.record_entry(actor=county_admin, org_id=county.county.pk, kind="budget", amount="10000", on=TODAY, purpose="县级财政党建经费")
    services.record_entry(actor=county_admin, org_id=county.county.pk, kind="passed_down", amount="5000.00", on=TODAY, counterpart_id=county.town_a.pk)
    town = actor_of(users["town_a"])
    down = services.record_entry(actor=town, org_id=county.town_a.pk, kind="passed_down", amount="1200", on=TODAY, counterpart_id=county.village_a.pk, voucher="记-01")
    assert down.pair.org == county.village_a and down.pair.kind == "received" and down.pair.amount == Decimal("1200.00")
    services.record_entry(actor=actor_of(users["sec_a"]), org_id=county.village_a.pk, kind="expense", amount="300.5", on=TODAY, category="activities", purpose="主题党日")
    report = selectors.report(county_admin, under=None, year=YEAR)
    rows = {r.name + str(r.org_id): r for r in report.rows}
    village_a = next(r for r in report.rows if r.org_id == county.village_a.pk)
    village_b = next(r for r in report.rows if r.org_id == county.village_b.pk)
    town_a = next(r for r in report.rows if r.org_id == county.town_a.pk)
    assert village_a.members == 2 and village_a.floor == Decimal("1200.00") and village_a.meets_floor
    assert village_a.balance == Decimal("899.50") and town_a.balance == Decimal("3800.00")
    assert village_b.members == 1 and village_b.meets_floor is False
    assert len(rows) == 7 and report.branches == 2 and report.branches_reached == 1  # offices have no members
    indicator = selectors.branch_funding_indicator(county_admin, year=YEAR)
    assert indicator["code"] == "funds_reaching_branches" and indicator["value"] == 0.5
    assert [f["name"] for f in indicator["failing"]] == ["红旗村党支部"] and indicator["failing"][0]["org_id"] == county.village_b.pk
    # Voiding the allocation voids the line that arrived below: the branch falls short again.
    services.void_entry(actor=town, entry_id=down.pk, reason="金额有误")
    assert FundEntry.objects.get(pk=down.pair_id).voided_on == TODAY
    assert selectors.branch_funding_indicator(county_admin, year=YEAR)["value"] == 0.0
    assert history("funds.fundentry", down.pair_id).filter(action="funds.void").exists()
    # The town's own indicator covers only its branches.
    assert selectors.branch_funding_indicator(town, year=YEAR)["denominator"] == 1


def test_bad_input_is_refused_whole_and_names_the_field(county, users):
    town = actor_of(users["town_a"])
    with pytest.raises(ServiceError) as exc:
        services.record_entry(actor=town, org_id=county.town_a.pk, kind="passed_down", amount="100", on=TODAY, counterpart_id=county.village_b.pk)
    assert exc.value.errors[0].field == "counterpart"  # another town's branch: not below this org
    with pytest.raises(ServiceError) as exc:
        services.record_entry(actor=town, org_id=county.town_a.pk, kind="expense", amount="0", on=TODAY + dt.timedelta(days=1))
    assert {e.field for e in exc.value.errors} == {"amount", "on", "category", "purpose"}
    with pytest.raises(ServiceError) as exc:
        services.record_entry(actor=town, org_id=county.town_a.pk, kind="received", amount="5", on=TODAY)
    assert exc.value.errors[0].code == "not_allowed"
    with pytest.raises(ServiceError):
        services.record_entry(actor=town, org_id=county.town_b.pk, kind="budget", amount="5", on=TODAY)  # not its org
    assert FundEntry.objects.count() == 0


def test_dues_kept_are_posted_per_the_provinces_shares(county, users, system):
    m = county.village_a.members.first()
    dues_services.record_voluntary(actor=system, member_id=m.pk, amount="100.00", paid_on=TODAY)
    town = actor_of(users["town_a"])
    kept = selectors.dues_kept_by_org(town, under=county.town_a, year=YEAR)
    assert kept[county.village_a.pk] == Decimal("0.00")  # a branch passes all of it up (rule dues.remittance)
    assert kept[county.town_a.pk] == Decimal("50.00")  # the township committee keeps half
    entry = services.post_dues_kept(actor=town, org_id=county.town_a.pk, year=YEAR)
    assert entry.kind == "dues_kept" and entry.amount == Decimal("50.00")
    assert services.post_dues_kept(actor=town, org_id=county.town_a.pk, year=YEAR) is None
    row = next(r for r in selectors.report(town, under=None, year=YEAR).rows if r.org_id == county.town_a.pk)
    assert row.dues_posted_ok and row.dues_remitted == Decimal("50.00")


def test_api_and_pages_are_scoped(county, users, api, client):
    c = api(users["county"])
    created = c.post("/api/v1/funds/entries/", {"org": county.county.pk, "kind": "passed_down", "amount": "600", "on": TODAY.isoformat(), "counterpart": county.village_b.pk}, format="json")
    assert created.status_code == 201 and created.json()["pair"]
    bad = c.post("/api/v1/funds/entries/", {"org": county.county.pk, "kind": "budget", "amount": "abc", "on": TODAY.isoformat()}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "amount"
    data = c.get("/api/v1/funds/report/", {"year": YEAR}).json()
    assert data["branches"] == 2 and data["branches_reached"] == 1 and data["per_member_floor"] == "600.00"
    ind = c.get("/api/v1/funds/indicator/", {"year": YEAR}).json()
    assert ind["value"] == 0.5 and ind["failing"][0]["name"] == "红旗村党支部"
    assert api(users["town_a"]).get("/api/v1/funds/report/", {"org": county.town_b.pk}).status_code == 404
    assert api(users["town_a"]).get("/api/v1/funds/entries/", {"org": county.village_b.pk}).status_code == 404
    lines = c.get("/api/v1/funds/entries/", {"org": county.village_b.pk, "year": YEAR}).json()
    assert lines["count"] == 1 and lines["results"][0]["kind_label"] == "上级下拨"
    assert c.get("/api/v1/funds/report/", {"year": 2010}).json()["code"] == "no_rule_in_force"
    client.force_login(users["county"])
    page = client.get("/funds/", {"year": YEAR})
    assert page.status_code == 200 and "未达标" in page.content.decode()
    ledger = client.get(f"/funds/orgs/{county.village_b.pk}/", {"year": YEAR})
    assert ledger.status_code == 200 and "上级下拨" in ledger.content.decode()
    client.force_login(users["sec_a"])
    assert client.get(f"/funds/orgs/{county.village_b.pk}/").status_code == 404


def test_home_page_item_names_branches_short_of_funds_last_year(county, users):
    from orgwork.funds.attention import branches_short_of_funds

    county_admin = actor_of(users["county"])
    assert branches_short_of_funds(county_admin) == []  # ledger not in use: no alarm
    last_year = dt.date(YEAR - 1, 6, 1)
    services.record_entry(actor=county_admin, org_id=county.county.pk, kind="passed_down", amount="1200", on=last_year, counterpart_id=county.village_a.pk)
    items = branches_short_of_funds(county_admin)
    assert len(items) == 1 and items[0].title.startswith("1个党支部") and "红旗村党支部" in items[0].detail
