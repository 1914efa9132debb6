"""The annual statistics report (党内统计年报): the demo county's tables reconcile with the registry."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from orgwork.core.actor import Actor
from orgwork.demo.generator import build_county
from orgwork.lifecycle.services import transfers
from orgwork.members import services as member_services
from orgwork.members.bands import PARTY_AGE_BANDS, band_of
from orgwork.members.models import Member
from orgwork.orgs.models import Org, OrgKind
from orgwork.stats import annual, services
from orgwork.stats.annual_rules import annual_rules
from orgwork.stats.models import AnnualFiling

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YEAR = TODAY.year


def table(report, code):
    t = next(t for t in report.tables if t["code"] == code)
    return {r["code"]: r["values"][0] for r in t["rows"]}, t["total"]


def check(report, code):
    return next(c for c in report.checks if c["code"] == code)


@pytest.fixture
def county():
    build_county(members=400, users=False)
    return Org.objects.get(depth=1)


def registry_closing(root, on):
    return Member.objects.filter(org__path__startswith=root.path, standing="normal", joined_on__lte=on)


def test_demo_county_tables_reconcile_with_the_registry(county):
    system = Actor.system_actor("test")
    report = annual.compute(roots=[county], year=YEAR)
    closing = registry_closing(county, dt.date(YEAR, 12, 31))
    n = closing.count()
    assert n > 350 and report.movements["closing"] == n
    # Every member table adds up to the registry's total, and every check passes on clean demo data.
    for t in report.tables:
        if t["total"] is not None and t["code"] != "orgs":
            assert t["total"][0] == n, t["title"]
    assert [c["code"] for c in report.checks if not c["ok"]] == []
    assert [p for p in report.problems if p.severity == "error"] == []
    gender, _ = table(report, "gender")
    assert gender == dict(Counter(closing.values_list("gender", flat=True)))
    education, _ = table(report, "education")
    assert {k: v for k, v in education.items() if v} == dict(Counter(closing.values_list("education", flat=True)))
    # 党龄 counts from the confirmation date (党章第七条), not the joining date; probationary members have none.
    party_age, _ = table(report, "party_age")
    expected = Counter(band_of(YEAR - c.year, PARTY_AGE_BANDS) for c in closing.filter(category="full").values_list("confirmed_on", flat=True))
    expected["probationary"] = closing.filter(category="probationary").count()
    assert {k: v for k, v in party_age.items() if v} == dict(expected)
    # Developments this year are the members who joined this year.
    assert report.movements["developed"] == closing.filter(joined_on__year=YEAR).count()
    # Orgs by kind: branches counted from the org table.
    orgs, total = table(report, "orgs")
    assert orgs["branch"] == Org.objects.filter(kind=OrgKind.BRANCH, abolished_on__isnull=True).count()
    assert total[0] == Org.objects.exclude(kind=OrgKind.GROUP).filter(abolished_on__isnull=True).count()
    # Opening + movements = closing after deaths, exits, suspensions and a transfer across a town's border.
    town_a, town_b = Org.objects.filter(parent=county, kind=OrgKind.COMMITTEE).order_by("path")[:2]
    members = list(Member.objects.filter(org__path__startswith=town_a.path, category="full").order_by("pk")[:4])
    target = Org.objects.filter(path__startswith=town_b.path, kind=OrgKind.BRANCH).order_by("path").first()
    member_services.change_status(actor=system, member_id=members[0].pk, action="decease", on=TODAY, reason="病故")
    member_services.change_status(actor=system, member_id=members[1].pk, action="exit", on=TODAY, reason="出党")
    member_services.change_status(actor=system, member_id=members[2].pk, action="suspend", on=TODAY, reason="失联6个月")
    t = transfers.start_within(actor=system, member_id=members[3].pk, to_org_id=target.pk, reason="工作调动", on=TODAY)
    transfers.receive(actor=system, transfer_id=t.pk, on=TODAY)
    after = annual.compute(roots=[county], year=YEAR)
    assert after.movements["closing"] == n - 3
    assert (after.movements["deceased"], after.movements["exited"], after.movements["suspended"]) == (1, 1, 1)
    assert after.movements["transfer_out_within"] == 0  # inside the county: not a movement of the county
    assert check(after, "movement")["ok"]
    town = annual.compute(roots=[town_a], year=YEAR)
    assert town.movements["transfer_out_within"] == 1 and check(town, "movement")["ok"]
    other = annual.compute(roots=[town_b], year=YEAR)
    assert other.movements["transfer_in_within"] == 1 and check(other, "movement")["ok"]
    # The previous year as of its 31 December still counts them all, in their old orgs.
    last = annual.compute(roots=[town_a], year=YEAR - 1)
    assert members[3].pk in last.closing_ids and members[0].pk in last.closing_ids


def test_a_missing_field_fails_its_table_check_and_names_the_record(county):
    m = Member.objects.filter(category="full").order_by("pk").first()
    Member.objects.filter(pk=m.pk).update(education="", confirmed_on=None)  # an imported record with gaps
    report = annual.compute(roots=[county], year=YEAR)
    assert not check(report, "education")["ok"] and not check(report, "party_age")["ok"]
    assert check(report, "gender")["ok"]
    named = {(p.check, p.name) for p in report.problems}
    assert ("education", m.name) in named and ("party_age", m.name) in named


def test_previous_filing_is_the_opening_and_later_edits_are_named(county, django_user_model):
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role

    system = Actor.system_actor("test")
    user = django_user_model.objects.create_user(username="tj", password="x", is_staff=True)
    grant_role(actor=system, user=user, org=county, role=Role.DEPT_ADMIN)
    actor = Actor.for_user(user)
    filing = services.file_annual_report(actor=actor, org_id=county.pk, year=YEAR - 1)
    assert filing.closing == registry_closing(county, dt.date(YEAR - 1, 12, 31)).count()
    report = annual.compute(roots=[county], year=YEAR, previous_filing=filing)
    assert check(report, "previous_filing")["ok"]
    # A record edited after filing (its joining date moved into this year) no longer counts in last year's figures.
    m = Member.objects.filter(category="full", joined_on__year__lt=YEAR - 1).order_by("pk").first()
    Member.objects.filter(pk=m.pk).update(joined_on=dt.date(YEAR, 1, 2))
    report = annual.compute(roots=[county], year=YEAR, previous_filing=filing)
    c = check(report, "previous_filing")
    assert not c["ok"] and c["expected"] == filing.closing and c["actual"] == filing.closing - 1
    assert [p.name for p in report.problems if p.check == "previous_filing"] == [m.name]
    assert AnnualFiling.objects.count() == 1


def test_rule_versions_cite_the_party_constitution():
    rules = annual_rules(on=dt.date(2024, 12, 31))
    assert "第七条" in rules.source  # 党龄从转为正式党员之日算起
    with pytest.raises(Exception) as exc:
        annual.year_bounds(2005)
    assert exc.value.errors[0].code == "no_rule_in_force"


def test_api_page_and_excel_are_scoped(tree, users, api, client):
    county_api = api(users["county"])
    data = county_api.get("/api/v1/stats/annual/", {"year": YEAR}).json()
    assert data["movements"]["closing"] == 1 and data["scope"] == ["中共测试县委员会"]
    # 李四 was entered without education, ethnicity or job: those three tables fall short by one and name the record.
    assert {c["code"] for c in data["checks"] if not c["ok"]} == {"education", "ethnicity", "occupation"}
    assert {p["name"] for p in data["problems"]} == {"李四"} and data["problems_page"]["count"] == 3
    bad = county_api.get("/api/v1/stats/annual/", {"year": 2005})
    assert bad.status_code == 400 and bad.json()["code"] == "no_rule_in_force" and bad.json()["field"] == "year"
    wrong = county_api.get("/api/v1/stats/annual/", {"year": "abc"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "year"
    assert county_api.get("/api/v1/stats/annual/", {"year": YEAR + 1}).status_code == 400
    assert api(users["town_a"]).get("/api/v1/stats/annual/", {"org": tree.town_b.pk}).status_code == 404
    assert api(users["member_a"]).get("/api/v1/stats/annual/").status_code == 403  # the gate: no console for members
    created = county_api.post("/api/v1/stats/annual/filings/", {"org": tree.county.pk, "year": YEAR - 1}, format="json")
    assert created.status_code == 201 and created.json()["closing"] == 1
    assert api(users["sec_a"]).post("/api/v1/stats/annual/filings/", {"org": tree.town_a.pk, "year": YEAR - 1}, format="json").status_code == 404
    client.force_login(users["county"])
    page = client.get(reverse("stats:annual"), {"year": YEAR, "org": tree.county.pk})
    assert page.status_code == 200 and "表间校核" in page.content.decode()
    assert client.get(reverse("stats:annual"), {"year": 2005}).status_code == 200  # the rule message, not a 500
    response = client.get(reverse("stats:annual_export"), {"year": YEAR})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[0].startswith("表1") and "表间校核" in book.sheet_names and "问题记录" in book.sheet_names
    gender = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert gender[-1][0] == "合计" and gender[-1][1] == 1
