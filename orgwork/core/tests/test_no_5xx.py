"""Regression tests for every 5xx of issue 11 §2: each now answers 4xx with a stable code (and the field named)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(api, users):
    return api(users["county"])


@pytest.fixture
def console(users):
    c = Client()
    c.force_login(users["county"])
    return c


def _code(response):
    return response.json()["code"]


# --- years out of bounds -----------------------------------------------------------------------------
@pytest.mark.parametrize("year", ["0", "-5", "99999", "1920", "2101", "abc", "1e3", "２０２４"])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/dues/report/", "/api/v1/recruitment/plan/", "/api/v1/meetings/compliance/", "/api/v1/meetings/", "/api/v1/stats/"],
)
def test_api_years_out_of_bounds_are_400(county, path, year):
    r = county.get(path, {"year": year})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["field"] == "year"
    assert body["code"] in ("out_of_range", "invalid_parameter")
    assert "年" in body["message"]


def test_api_member_ledger_year_out_of_bounds(county, users):
    member = users["member_a_record"]
    for year in ("0", "-5", "99999"):
        r = county.get(f"/api/v1/dues/members/{member.pk}/ledger/", {"year": year})
        assert r.status_code == 400 and r.json() == {"code": "out_of_range", "field": "year", "message": r.json()["message"], "errors": r.json()["errors"]}
    assert county.get(f"/api/v1/dues/members/{member.pk}/ledger/", {"year": "2024"}).status_code == 200


@pytest.mark.parametrize("year", ["0", "-5", "99999"])
@pytest.mark.parametrize("path", ["/dues/", "/dues/report/", "/recruitment/plan/", "/meetings/compliance/monthly/", "/meetings/compliance/quarterly/", "/meetings/", "/stats/"])
def test_console_years_out_of_bounds_are_400_pages(console, path, year):
    r = console.get(path, {"year": year})
    assert r.status_code == 400
    text = r.content.decode()
    assert "年份" in text or "统计年度" in text


def test_console_member_ledger_year(console, users):
    r = console.get(f"/dues/members/{users['member_a_record'].pk}/", {"year": "99999"})
    assert r.status_code == 400


def test_month_and_quarter_bounds(county, console):
    assert _code(county.get("/api/v1/meetings/compliance/", {"month": "13"})) == "out_of_range"
    assert _code(county.get("/api/v1/meetings/compliance/", {"quarter": "5"})) == "out_of_range"
    assert _code(county.get("/api/v1/dues/report/", {"month": "0"})) == "out_of_range"
    assert console.get("/meetings/compliance/quarterly/", {"quarter": "9"}).status_code == 400
    assert county.get("/api/v1/meetings/compliance/", {"year": "2024", "quarter": "2"}).status_code == 200


# --- members' ages, recruitment's days ------------------------------------------------------------------
@pytest.mark.parametrize("query", [{"age_min": "99999"}, {"age_max": str(10**20)}, {"age_min": "-1"}, {"age_max": "x"}])
def test_member_age_bounds(county, query):
    r = county.get("/api/v1/members/", query)
    assert r.status_code == 400
    assert r.json()["field"] == next(iter(query))
    assert r.json()["code"] in ("out_of_range", "invalid_parameter")


def test_member_age_within_bounds_still_filters(county):
    assert county.get("/api/v1/members/", {"age_min": "18", "age_max": "80"}).status_code == 200


@pytest.mark.parametrize("within", ["99999999999", "-1", "1.5"])
def test_recruitment_due_within_bounds(county, within):
    r = county.get("/api/v1/recruitment/due/", {"within": within})
    assert r.status_code == 400
    assert r.json()["field"] == "within"


def test_recruitment_due_default_still_works(county):
    assert county.get("/api/v1/recruitment/due/").status_code == 200
    assert county.get("/api/v1/recruitment/due/", {"within": "3660"}).status_code == 200


# --- page sizes: capped and said so --------------------------------------------------------------------
def test_page_size_cap_is_said(county):
    r = county.get("/api/v1/members/", {"page_size": "50"})
    assert r.status_code == 200
    assert r.json()["page_size"] == 50 and r.json()["max_page_size"] == 200
    r = county.get("/api/v1/members/", {"page_size": "100000"})
    assert r.status_code == 400 and r.json()["field"] == "page_size" and r.json()["code"] == "out_of_range"
    assert "200" in r.json()["message"]
    assert county.get("/api/v1/members/", {"page": "0"}).status_code == 400


# --- money -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("base", ["1e400", "1" * 40, "NaN", "Infinity", "12.345", "-5"])
def test_dues_base_out_of_bounds(county, users, base):
    member = users["member_a_record"]
    r = county.post(f"/api/v1/dues/members/{member.pk}/bases/", {"category": "salaried", "declared_on": dt.date.today().isoformat(), "base": base}, format="json")
    assert r.status_code == 400, r.content
    fields = {e["field"] for e in r.json()["errors"]}
    assert "base" in fields


def test_dues_base_console_out_of_bounds(console, users):
    member = users["member_a_record"]
    r = console.post(f"/dues/members/{member.pk}/", {"act": "base", "category": "salaried", "base": "1e400"})
    assert r.status_code == 200  # the form is shown again with the error
    assert "金额" in r.content.decode()


# --- meetings' absent -----------------------------------------------------------------------------------
@pytest.mark.parametrize("absent", [{"abc": "病假"}, {str(10**30): "病假"}, {"-3": "事假"}, {"1.5": "x"}])
def test_meeting_record_absent_keys(county, tree, system, absent):
    from orgwork.meetings import services

    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=dt.date.today())
    r = county.post(f"/api/v1/meetings/{m.pk}/record/", {"held_on": dt.date.today().isoformat(), "absent": absent}, format="json")
    assert r.status_code == 400, r.content
    assert any(e["field"].startswith("absent") for e in r.json()["errors"])


def test_meeting_console_record_bad_absent_key(console, tree, system):
    from orgwork.meetings import services

    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=dt.date.today())
    r = console.post(f"/meetings/{m.pk}/record/", {"held_on": dt.date.today().isoformat(), f"reason_{10**30}": "病假", "present": "abc"})
    assert r.status_code == 302  # back to the meeting with the message, nothing recorded
    m.refresh_from_db()
    assert m.status == "planned"


# --- stats, scope -----------------------------------------------------------------------------------------
def test_stats_page_for_an_org(console, tree):
    for org in (tree.county, tree.town_a, tree.village_a):
        assert console.get("/stats/", {"org": org.pk}).status_code == 200
    assert console.get("/stats/", {"org": "abc"}).status_code == 400
    assert console.get("/stats/", {"org": str(10**30)}).status_code == 400
    assert console.get("/stats/", {"org": "999999"}).status_code == 404


def test_appraisals_of_a_member_outside_scope_is_404(api, users, tree, make_member):
    outsider = make_member(tree.village_b, name="孙八")
    sec_a = api(users["sec_a"])
    r = sec_a.get(f"/api/v1/meetings/appraisals/member/{outsider.pk}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert sec_a.get(f"/api/v1/meetings/appraisals/member/{users['member_a_record'].pk}/").status_code == 200
    assert sec_a.get(f"/api/v1/meetings/appraisals/member/{10**30}/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/members/{}/", "/api/v1/orgs/{}/", "/api/v1/meetings/{}/", "/api/v1/transfers/{}/", "/api/v1/dues/members/{}/ledger/"])
def test_huge_ids_in_paths_are_404(county, path):
    assert county.get(path.format(10**30)).status_code == 404
    assert county.get(path.format(2**63)).status_code == 404


def test_org_filter_malformed_is_400_outside_scope_404(api, users, tree):
    sec_a = api(users["sec_a"])
    r = sec_a.get("/api/v1/members/", {"org": "abc"})
    assert r.status_code == 400 and r.json()["field"] == "org"
    assert sec_a.get("/api/v1/members/", {"org": tree.village_b.pk}).status_code == 404


# --- no rule in force ---------------------------------------------------------------------------------------
def _no_rule(r):
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "no_rule_in_force"
    assert "最早适用于" in body["message"]
    return body


def test_dues_base_declared_before_the_rule(county, users):
    member = users["member_a_record"]
    body = _no_rule(county.post(f"/api/v1/dues/members/{member.pk}/bases/", {"category": "salaried", "declared_on": "1990-01-01", "base": "3000"}, format="json"))
    assert "2008" in body["message"] and "1990-01-01" in body["message"]


def test_dues_payment_before_the_rule(county, users, system):
    from orgwork.dues import services

    member = users["member_a_record"]
    services.set_base(actor=system, member_id=member.pk, category="salaried", declared_on=dt.date.today(), base="3000")
    body = _no_rule(county.post(f"/api/v1/dues/members/{member.pk}/payments/", {"from_month": "1999-01-01", "months": 1, "paid_on": "1999-01-15"}, format="json"))
    assert "2008-04-01" in body["message"]


def test_meeting_held_long_ago(county, tree, system):
    from orgwork.meetings import services

    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=dt.date.today())
    body = _no_rule(county.post(f"/api/v1/meetings/{m.pk}/record/", {"held_on": "1950-01-01"}, format="json"))
    assert "1950-01-01" in body["message"] and "支部工作条例" in body["message"]
    _no_rule(county.post("/api/v1/meetings/", {"org": tree.village_a.pk, "kind": "general_meeting", "topic": "学习", "planned_on": "1950-01-01"}, format="json"))


def test_transfer_letter_with_an_old_date(county, users):
    _no_rule(
        county.post("/api/v1/transfers/letters/", {"member": users["member_a_record"].pk, "to_org_name": "某市某党支部", "reason": "工作调动", "on": "1950-01-01"}, format="json")
    )


def test_no_rule_in_force_console_page(console, users):
    member = users["member_a_record"]
    r = console.post(f"/dues/members/{member.pk}/", {"act": "base", "category": "salaried", "base": "3000", "declared_on": "1990-01-01"})
    assert r.status_code == 400
    text = r.content.decode()
    assert "没有适用的规定" in text and "最早适用于" in text


def test_unknown_rule_message_names_rule_and_date():
    from orgwork.core.params import no_rule_error
    from orgwork.core.rules import UnknownRule, rule

    with pytest.raises(UnknownRule) as info:
        rule("dues.rates", on=dt.date(1990, 1, 1))
    body = no_rule_error(info.value)
    assert body["code"] == "no_rule_in_force"
    assert "党费" in body["message"] and "1990-01-01" in body["message"] and "2008-04-01" in body["message"]


# --- found by the fuzz test on PostgreSQL ------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/stats/annual/filings/", "/api/v1/funds/entries/", "/api/v1/meetings/", "/api/v1/transfers/letters/"])
@pytest.mark.parametrize("body", [[{"a": 1}, [], []], "text", 5])
def test_json_body_that_is_not_an_object_is_400(county, path, body):
    r = county.post(path, body, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid_body"


def test_nul_character_in_a_query_is_400(county):
    r = county.get("/api/v1/members/", {"q": "张\x00三"})
    assert r.status_code == 400 and r.json()["field"] == "q"
