"""API v1: the scope matrix, error codes, query counts."""

import datetime as dt

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from orgwork.members.models import Member

# user → (an org outside their scope, an org inside)
MATRIX = {
    "county": (None, "village_b"),
    "town_a": ("village_b", "village_a"),
    "sec_a": ("village_b", "village_a"),
    "sec_b": ("village_a", "village_b"),
}


@pytest.fixture
def world(tree, users, make_member):
    members = {
        "village_a": make_member(tree.village_a, name="甲村员", birth=dt.date(1981, 1, 1)),
        "village_b": make_member(tree.village_b, name="乙村员", birth=dt.date(1982, 1, 1)),
        "office_a": make_member(tree.office_a, name="甲机关员", birth=dt.date(1983, 1, 1)),
    }
    return tree, users, members


def client_for(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token " + __import__("orgwork.core.tokens", fromlist=["operator_key"]).operator_key(user))
    return c


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u, (outside, _i) in MATRIX.items() if outside])
def test_out_of_scope_objects_are_never_listed_fetched_searched_or_changed(world, username):
    tree, users, members = world
    outside_key = MATRIX[username][0]
    org = getattr(tree, outside_key)
    member = members[outside_key]
    c = client_for(users[username])

    listed = c.get("/api/v1/members/", {"page_size": 200}).json()["results"]
    assert member.pk not in {r["id"] for r in listed}
    assert c.get("/api/v1/members/", {"q": member.name}).json()["count"] == 0
    assert c.get("/api/v1/members/", {"q": member.id_number[-6:]}).json()["count"] == 0
    assert c.get(f"/api/v1/members/{member.pk}/").status_code == 404
    assert c.get(f"/api/v1/members/{member.pk}/history/").status_code == 404
    r = c.patch(f"/api/v1/members/{member.pk}/", {"job": "x"}, format="json")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert c.post(f"/api/v1/members/{member.pk}/status/", {"action": "decease", "on": "2026-01-01", "reason": "x"}, format="json").status_code == 404
    assert c.get("/api/v1/members/", {"org": org.pk}).status_code == 404

    org_ids = {r["id"] for r in c.get("/api/v1/orgs/", {"page_size": 200}).json()["results"]}
    assert org.pk not in org_ids
    assert c.get(f"/api/v1/orgs/{org.pk}/").status_code == 404
    assert c.patch(f"/api/v1/orgs/{org.pk}/", {"name": "改"}, format="json").status_code == 404
    assert c.post(f"/api/v1/orgs/{org.pk}/move/", {"parent": tree.county.pk}, format="json").status_code == 404
    assert c.post(f"/api/v1/orgs/{org.pk}/abolish/", {"on": "2026-01-01", "reason": "x"}, format="json").status_code == 404
    assert org.pk not in {w["org_id"] for w in c.get("/api/v1/orgs/warnings/").json()}
    r = c.post("/api/v1/members/", {"org": org.pk, "name": "新人", "id_number": "51152619900101001X", "category": "正式", "joined_on": "2012-07-01"}, format="json")
    assert r.status_code in (400, 404)
    assert not Member.objects.filter(name="新人").exists()
    assert Member.objects.get(pk=member.pk).job == ""


@pytest.mark.django_db
def test_member_role_cannot_use_the_staff_api(world):
    """The 党员 role reads its own data on the member pages; the registry API is the console's machine path."""
    tree, users, members = world
    c = client_for(users["member_a"])
    for path in ("/api/v1/members/", f"/api/v1/members/{members['office_a'].pk}/", "/api/v1/orgs/", "/api/v1/orgs/warnings/", "/api/v1/stats/"):
        r = c.get(path)
        assert r.status_code == 403 and r.json()["code"] == "staff_only", path
    r = c.patch(f"/api/v1/members/{members['office_a'].pk}/", {"job": "x"}, format="json")
    assert r.status_code == 403
    assert Member.objects.get(pk=members["office_a"].pk).job == ""


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u, (_o, inside) in MATRIX.items() if inside])
def test_in_scope_objects_are_visible(world, username):
    tree, users, members = world
    inside = MATRIX[username][1]
    c = client_for(users[username])
    assert c.get(f"/api/v1/members/{members[inside].pk}/").status_code == 200
    assert c.get(f"/api/v1/orgs/{getattr(tree, inside).pk}/").status_code == 200


@pytest.mark.django_db
def test_member_role_cannot_change_even_its_own_record_through_the_api(world):
    tree, users, members = world
    c = client_for(users["member_a"])
    me = users["member_a_record"]
    assert c.get(f"/api/v1/members/{members['village_a'].pk}/").status_code == 403  # same branch, not self
    assert c.patch(f"/api/v1/members/{me.pk}/", {"job": "x"}, format="json").status_code == 403
    assert Member.objects.get(pk=me.pk).job != "x"


@pytest.mark.django_db
def test_anonymous_gets_401_with_a_code(world):
    r = APIClient().get("/api/v1/members/")
    assert r.status_code in (401, 403) and r.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_create_member_errors_name_the_field_with_stable_codes(world):
    tree, users, _m = world
    c = client_for(users["town_a"])
    r = c.post(
        "/api/v1/members/",
        {"org": "红旗村党支部", "name": "新人", "id_number": "511526199001010012", "category": "正式", "joined_on": "2030-01-01", "gender": "女"},
        format="json",
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "validation_error"
    got = {(e["field"], e["code"]) for e in body["errors"]}
    assert ("id_number", "id_checksum") in got and ("joined_on", "future_date") in got
    r = c.post("/api/v1/members/", {"name": "新人"}, format="json")
    assert {(e["field"], e["code"]) for e in r.json()["errors"]} >= {("org", "required"), ("id_number", "required")}


@pytest.mark.django_db
def test_create_member_by_org_path_and_ambiguous_name(world):
    tree, users, _m = world
    c = client_for(users["county"])
    r = c.post(
        "/api/v1/members/",
        {"org": "红旗村党支部", "name": "新人", "id_number": "51152619900101001X", "category": "正式", "joined_on": "2012-07-01"},
        format="json",
    )
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "ambiguous_org"
    r = c.post(
        "/api/v1/members/",
        {"org": "乙镇党委/红旗村党支部", "name": "新人", "id_number": "51152619900101001X", "category": "正式", "joined_on": "2012-07-01"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["org"] == tree.village_b.pk


@pytest.mark.django_db
def test_status_action_through_the_api(world):
    tree, users, members = world
    c = client_for(users["sec_a"])
    m = members["village_a"]
    r = c.post(f"/api/v1/members/{m.pk}/status/", {"action": "suspend", "on": "2026-02-01", "reason": "失联超过6个月"}, format="json")
    assert r.status_code == 201, r.json()
    hist = c.get(f"/api/v1/members/{m.pk}/history/").json()
    assert hist[0]["action"] == "suspend" and hist[0]["reason"] == "失联超过6个月"
    r = c.post(f"/api/v1/members/{m.pk}/status/", {"action": "suspend", "on": "2026-02-01", "reason": "again"}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "not_allowed"


@pytest.mark.django_db
def test_list_query_count_is_bounded(db, django_assert_max_num_queries, system):
    call_command("demo", members=400, stdout=open("/dev/null", "w"))
    from django.contrib.auth import get_user_model

    c = client_for(get_user_model().objects.get(username="county"))
    c.get("/api/v1/orgs/", {"page_size": 1})  # a token's first use in a minute also writes its audit event
    with django_assert_max_num_queries(8):
        r = c.get("/api/v1/members/", {"page_size": 100})
    assert len(r.json()["results"]) == 100
    with django_assert_max_num_queries(8):
        r = c.get("/api/v1/orgs/", {"page_size": 50})
    assert len(r.json()["results"]) == 50


@pytest.mark.django_db
def test_token_auth_and_schema(world):
    tree, users, _m = world
    from io import StringIO

    from django.core.management import call_command as cc

    out = StringIO()
    cc("create_token", "county", stdout=out)
    token = out.getvalue().strip()
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert c.get("/api/v1/orgs/").status_code == 200
    assert APIClient().get("/api/schema/", {"format": "json"}).status_code == 401  # docs are for signed-in staff
    assert APIClient().get("/api/docs/").status_code == 401
    assert client_for(users["member_a"]).get("/api/schema/", {"format": "json"}).status_code == 403
    schema = c.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/members/" in schema.json()["paths"]
    docs = c.get("/api/docs/")
    assert docs.status_code == 200
    # offline: every script and stylesheet from this server (the page also carries a random CSRF token, so a plain
    # search for "cdn" in it fails about once in a thousand runs)
    import re

    assets = re.findall(rb'(?:src|href)="([^"]*)"', docs.content)
    assert assets and all(a.startswith(b"/") and not a.startswith(b"//") for a in assets), assets
