"""The statistics page and API: figures from the counters, scoped to the actor."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from orgwork.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(tree, make_member):
    this_year = dt.date.today().year
    make_member(tree.village_a, name="青年", birth=dt.date(this_year - 30, 1, 1), joined=dt.date(this_year - 5, 3, 1), education="bachelor")
    make_member(tree.village_a, name="女士", male=False, birth=dt.date(this_year - 50, 6, 1), joined=dt.date(this_year - 25, 7, 1), ethnicity="苗族", education="high_school")
    make_member(tree.office_b, name="老同志", birth=dt.date(this_year - 75, 2, 2), joined=dt.date(this_year - 52, 7, 1), education="primary")
    return tree


def test_api_figures_match_the_member_table(county, users, api):
    data = api(users["county"]).get("/api/v1/stats/").json()
    assert data["org"]["id"] == county.county.pk
    assert data["members"] == Member.objects.filter(standing="normal").count() == 4  # with 李四 from `users`
    ratios = {r["code"]: r for r in data["ratios"]}
    assert ratios["women"]["count"] == 1 and ratios["women"]["percent"] == 25.0
    assert ratios["minority"]["count"] == 1
    ages = {a["code"]: a["count"] for a in data["age"]}
    assert ages["le30"] == 1 and ages["46_50"] == 1 and ages["ge71"] == 1
    party = {a["code"]: a["count"] for a in data["party_age"]}
    # 党龄 from full membership (党章第七条): 青年 joined 5 years ago but was confirmed 4 years ago → 不满5年
    assert party["lt5"] == 1 and party["5_9"] == 0 and party["20_29"] == 2 and party["ge50"] == 1  # 李四 confirmed in 2006
    assert party["probationary"] == 0
    edu = {e["code"]: e["count"] for e in data["education"]}
    assert edu["bachelor"] == 1 and edu["primary"] == 1
    subs = {s["name"]: s["members"] for s in data["sub_orgs"]}
    assert subs == {"中共甲镇委员会": 3, "中共乙镇委员会": 1}
    assert data["trend"][-1]["year"] == dt.date.today().year


def test_api_is_scoped(county, users, api):
    client = api(users["town_a"])
    own = client.get("/api/v1/stats/").json()
    assert own["org"]["id"] == county.town_a.pk and own["members"] == 3
    assert client.get("/api/v1/stats/", {"org": county.town_b.pk}).status_code == 404
    assert client.get("/api/v1/stats/", {"org": county.village_a.pk}).json()["members"] == 3
    assert api(users["member_a"]).get("/api/v1/stats/").status_code == 403  # the member role has no staff API
    assert api().get("/api/v1/stats/").status_code in (401, 403)


def test_dashboard_page_and_excel_export(county, users, client, django_assert_max_num_queries):
    client.force_login(users["county"])
    page = client.get(reverse("stats:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200 and "echarts-5.6.0.min.js" in html and "中共甲镇委员会" in html
    response = client.get(reverse("stats:export"), {"org": county.town_a.pk})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["结构", "下级党组织", "发展趋势"]
    subs = book.get_sheet_by_name("下级党组织").to_python()
    assert ["红旗村党支部", 3.0] == subs[1][:2]


def test_dashboard_reads_counters_not_members(county, users, api, django_assert_max_num_queries):
    client = api(users["county"])
    client.get("/api/v1/stats/")  # a token's first use in a minute also writes its audit event
    with django_assert_max_num_queries(8):
        client.get("/api/v1/stats/")


def test_age_bands_follow_the_calendar_without_any_write(tree, make_member, system):
    """Bands come from birth-year cohorts, read as age at 31 December of the statistics year: nothing to drift."""
    from orgwork.stats.selectors import dashboard

    make_member(tree.village_a, birth=dt.date(1991, 11, 30), joined=dt.date(2016, 12, 1))
    y2026 = dashboard(system, org=tree.county, year=2026)
    y2027 = dashboard(system, org=tree.county, year=2027)
    age = lambda d: {a["code"]: a["count"] for a in d["age"] if a["count"]}  # noqa: E731
    party = lambda d: {a["code"]: a["count"] for a in d["party_age"] if a["count"]}  # noqa: E731
    assert age(y2026) == {"31_35": 1} and age(y2027) == {"36_40": 1}
    assert party(y2026) == {"5_9": 1} and party(y2027) == {"10_19": 1}  # confirmed 2017 (党章第七条)
    assert dashboard(system, org=tree.county, year=2020)["basis"] == "年龄、党龄按2020年12月31日计算"


def test_nightly_recount_job_repairs_drift(tree, make_member):
    from orgwork.stats.models import OrgStats
    from orgwork.stats.recount import recount
    from orgwork.stats.tasks import nightly_recount

    make_member(tree.village_a)
    OrgStats.objects.filter(org=tree.county).update(total={})
    assert nightly_recount.call_local() > 0
    assert recount(fix=False).drift == []


def test_api_dashboard_of_an_org_is_the_selectors_and_follows_every_change(county, users, api, make_member, django_assert_num_queries):
    """?org= reads the org with its counters in one query, checks the scope on the row, and answers from a memo keyed
    by the exact rows read: a new member, a renamed child, another year or language is a different answer."""
    import json

    from orgwork.core.actor import Actor
    from orgwork.orgs.models import Org
    from orgwork.stats.selectors import dashboard

    actor = Actor.for_user(users["county"])
    client = api(users["county"])
    url = f"/api/v1/stats/?org={county.county.pk}"
    first = client.get(url)
    assert first["Content-Type"] == "application/json"
    assert first.json() == json.loads(json.dumps(dashboard(actor, org=county.county)))
    from django.db import connection

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):  # with the token lookup on PostgreSQL
        assert client.get(url).json()["members"] == 4
    make_member(county.village_b, name="新党员", birth=dt.date(1999, 1, 1), joined=dt.date(2024, 7, 1))
    again = client.get(url).json()
    assert again["members"] == 5 and {s["name"]: s["members"] for s in again["sub_orgs"]}["中共乙镇委员会"] == 2
    Org.objects.filter(pk=county.town_b.pk).update(name="中共乙镇委员会（更名）")
    assert "中共乙镇委员会（更名）" in {s["name"] for s in client.get(url).json()["sub_orgs"]}
    assert client.get(url, {"year": 2030}).json()["basis"] == "年龄、党龄按2030年12月31日计算"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert client.get(url).json()["gender"][0]["label"] == "男" and english["gender"][0]["label"] != "男"
    town = api(users["town_a"])
    assert town.get(f"/api/v1/stats/?org={county.county.pk}").status_code == 404  # above the scope
    assert town.get(f"/api/v1/stats/?org={county.town_b.pk}").status_code == 404  # beside it
    assert town.get(f"/api/v1/stats/?org={county.village_a.pk}").json()["members"] == 3  # inside it
    assert town.get("/api/v1/stats/?org=999999999").status_code == 404
    assert client.get(url, HTTP_ACCEPT="text/html").status_code == 200  # the browsable API still renders


def test_org_dashboard_is_read_with_the_token_and_scoped_after(county, users, api, django_assert_num_queries):
    """`?org=`: the counter rows travel with the token lookup (one round trip on PostgreSQL, two on SQLite); the
    answer is the same as read on its own, and the scope is still checked on them (another town's org: 404)."""
    from django.db import connection

    from orgwork.core.actor import Actor
    from orgwork.stats import selectors

    client = api(users["town_a"])
    client.get("/api/v1/stats/", {"org": county.village_a.pk})  # the token's first use writes its audit event
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        got = client.get("/api/v1/stats/", {"org": county.village_a.pk})
    assert got.status_code == 200
    alone = selectors.dashboard_of(Actor.for_user(users["town_a"]), county.village_a.pk)
    assert got.json()["members"] == alone["members"] == 3
    assert got.json()["sub_orgs"] == alone["sub_orgs"]
    assert client.get("/api/v1/stats/", {"org": county.town_b.pk}).status_code == 404
    assert client.get("/api/v1/stats/", {"org": "x"}).status_code == 400
    assert api().get("/api/v1/stats/", {"org": county.village_a.pk}).status_code in (401, 403)
