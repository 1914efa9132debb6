import pytest
from rest_framework.test import APIClient

from orgwork.core.models import AuditEvent
from orgwork.orgs.models import Org


def client_for(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token " + __import__("orgwork.core.tokens", fromlist=["operator_key"]).operator_key(user))
    return c


@pytest.mark.django_db
def test_create_by_parent_path_then_move_and_abolish(tree, users):
    c = client_for(users["county"])
    r = c.post("/api/v1/orgs/", {"parent": "乙镇党委", "name": "新村党支部", "kind": "branch", "sector": "rural"}, format="json")
    assert r.status_code == 201, r.json()
    new = r.json()
    assert new["parent"] == tree.town_b.pk and new["path"].startswith(tree.town_b.path)
    r = c.post(f"/api/v1/orgs/{new['id']}/move/", {"parent": "中共甲镇委员会"}, format="json")
    assert r.status_code == 200 and r.json()["parent"] == tree.town_a.pk
    r = c.post(f"/api/v1/orgs/{new['id']}/abolish/", {"on": "2026-01-01", "reason": "并入红旗村"}, format="json")
    assert r.status_code == 200 and r.json()["abolished_on"] == "2026-01-01"
    assert Org.objects.filter(pk=new["id"]).exists()
    actions = list(AuditEvent.objects.filter(object_id=str(new["id"]), object_type="orgs.org").order_by("seq").values_list("action", flat=True))
    assert actions == ["org.create", "org.move", "org.abolish"]


@pytest.mark.django_db
def test_ambiguous_parent_is_a_coded_error(tree, users):
    c = client_for(users["county"])
    r = c.post("/api/v1/orgs/", {"parent": "红旗村党支部", "name": "第二党小组", "kind": "group"}, format="json")
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert (err["field"], err["code"]) == ("parent", "ambiguous_org")
    assert "中共甲镇委员会/红旗村党支部" in err["message"]


@pytest.mark.django_db
def test_bad_kind_and_missing_name_are_coded(tree, users):
    c = client_for(users["county"])
    r = c.post("/api/v1/orgs/", {"parent": tree.town_a.pk, "kind": "club"}, format="json")
    got = {(e["field"], e["code"]) for e in r.json()["errors"]}
    assert ("name", "required") in got and ("kind", "bad_value") in got


@pytest.mark.django_db
def test_list_filters_and_pinyin_search(tree, users):
    c = client_for(users["county"])
    names = {o["name"] for o in c.get("/api/v1/orgs/", {"q": "hqc"}).json()["results"]}
    assert names == {"红旗村党支部"}
    kids = c.get("/api/v1/orgs/", {"parent": tree.town_a.pk}).json()["results"]
    assert {o["name"] for o in kids} == {"红旗村党支部", "机关党支部"}
    under = c.get("/api/v1/orgs/", {"under": tree.town_b.pk, "kind": "branch"}).json()
    assert under["count"] == 2


@pytest.mark.django_db
def test_resolve_endpoint(tree, users):
    c = client_for(users["town_a"])
    assert c.get("/api/v1/orgs/resolve/", {"ref": "红旗村党支部"}).json()["id"] == tree.village_a.pk
    assert c.get("/api/v1/orgs/resolve/", {"ref": "中共乙镇委员会/红旗村党支部"}).status_code == 404


@pytest.mark.django_db
def test_warnings_endpoint_lists_structure_problems(tree, users):
    c = client_for(users["town_a"])
    rows = c.get("/api/v1/orgs/warnings/").json()
    codes = {(w["org_id"], w["code"]) for w in rows}
    assert (tree.village_a.pk, "too_few_full_members") in codes
    assert all(w["org_id"] in {tree.town_a.pk, tree.village_a.pk, tree.office_a.pk} for w in rows)
