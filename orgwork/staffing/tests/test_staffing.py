"""Full-time party-affairs staff against rules.md §1 (seed 003): at least 2% of members, one under 30."""

import datetime as dt

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.demo.generator import build_county
from orgwork.orgs.models import Org
from orgwork.staffing import selectors, services
from orgwork.staffing.models import PartyAffairsStaff
from orgwork.staffing.rules import required_staff, staffing_rules

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_the_rule_is_two_percent_and_one_under_thirty():
    # seed 003: "机关专职党务干部严格按不低于党员总数2%比例配备，党员人数不足30人的设1人" (rules.md §1)
    rules = staffing_rules(on=dt.date(2024, 1, 1))
    assert "2%" in rules.source and "不足30人的设1人" in rules.source
    assert [required_staff(n, rules) for n in (0, 1, 29, 30, 50, 51, 100, 101, 150, 151)] == [0, 1, 1, 1, 1, 2, 2, 3, 3, 4]
    with pytest.raises(ServiceError) as exc:
        selectors.rules_for(dt.date(2010, 1, 1))
    assert exc.value.errors[0].code == "no_rule_in_force"


def test_demo_county_units_and_gaps():
    build_county(members=1500, users=False)
    system = Actor.system_actor("test")
    rows, _rules = selectors.units(system)
    names = {r.name for r in rows}
    assert "县财政局机关党支部" in names and "县教育局机关党总支" in names  # units under the agencies' working committee
    assert "第一党支部" not in names  # a branch inside a unit is not a unit of its own
    assert all(r.required >= 1 for r in rows if r.members) and all(r.gap == r.required for r in rows)  # nobody in post yet
    finance = Org.objects.get(name="县财政局机关党支部")
    edu = Org.objects.get(name="县教育局机关党总支")
    services.appoint(actor=system, org_id=finance.pk, name="周专干", post="专职副书记", full_time=True, started_on=TODAY)
    services.appoint(actor=system, org_id=edu.pk, name="兼职甲", full_time=False, started_on=TODAY)
    # Staff registered in a branch inside the unit count for the unit.
    inner = Org.objects.filter(parent=edu).order_by("path").first()
    s = services.appoint(actor=system, org_id=inner.pk, name="吴专干", full_time=True, started_on=TODAY)
    rows = {r.name: r for r in selectors.units(system)[0]}
    assert rows["县财政局机关党支部"].full_time == 1 and rows["县财政局机关党支部"].gap == 0
    assert rows["县教育局机关党总支"].full_time == 1 and rows["县教育局机关党总支"].part_time == 1
    assert "县财政局机关党支部" not in {r.name for r in selectors.gaps(system)}
    services.end(actor=system, staff_id=s.pk, ended_on=TODAY, reason="调离")
    assert "县教育局机关党总支" in {r.name for r in selectors.gaps(system)}
    assert PartyAffairsStaff.objects.count() == 3  # ended, not deleted


def test_bad_input_and_scope(tree, users, api, client):
    town = Actor.for_user(users["town_a"])
    with pytest.raises(ServiceError) as exc:
        services.appoint(actor=town, org_id=tree.office_a.pk, name="", started_on=TODAY + dt.timedelta(days=2))
    assert {e.field for e in exc.value.errors} == {"name", "started_on"}
    with pytest.raises(ServiceError):
        services.appoint(actor=town, org_id=tree.office_b.pk, name="某人", started_on=TODAY)  # another town's unit
    services.appoint(actor=town, org_id=tree.office_a.pk, name="郑专干", started_on=TODAY)
    data = api(users["county"]).get("/api/v1/staffing/units/").json()
    assert {r["name"] for r in data["results"]} == {"机关党支部"} and data["count"] == 2  # office_a and office_b, same name
    assert api(users["town_a"]).get("/api/v1/staffing/units/", {"org": tree.town_b.pk}).status_code == 404
    assert api(users["county"]).get("/api/v1/staffing/units/", {"page": "0"}).status_code == 400
    client.force_login(users["county"])
    page = client.get("/staffing/")
    assert page.status_code == 200 and "郑专干" in page.content.decode()


def test_home_page_item_counts_the_missing_staff(tree, users, make_member):
    from orgwork.staffing.attention import staff_gaps

    make_member(tree.office_a, name="机关甲", birth=dt.date(1980, 2, 2))
    county = Actor.for_user(users["county"])
    items = staff_gaps(county)
    assert len(items) == 1 and items[0].title == "1个单位专职党务工作者未配齐（共缺1人）" and items[0].detail == "机关党支部"
    services.appoint(actor=county, org_id=tree.office_a.pk, name="专干", started_on=TODAY)
    assert staff_gaps(county) == []
