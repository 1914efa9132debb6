import datetime as dt

import pytest
from django.test import Client

from orgwork.elections.models import Election
from orgwork.orgs import services as org_services

pytestmark = pytest.mark.django_db


def test_pages_and_api(tree, users, system, make_member):
    org_services.update_org(actor=system, org_id=tree.village_a.pk, term_started_on=dt.date(2021, 12, 1))
    make_member(tree.village_a, name="甲")
    c = Client()
    c.force_login(users["sec_a"])
    body = c.get("/elections/").content.decode()
    assert "红旗村党支部" in body and "任期" in body
    r = c.post(f"/elections/org/{tree.village_a.pk}/", {"on": "2026-06-01"})
    e = Election.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/elections/{e.pk}/")
    r = c.post(f"/elections/{e.pk}/", {"action": "step", "step": "plan", "done_on": "2026-06-01", "planned_on": "2026-11-20", "seats": "3"})
    e.procedure.refresh_from_db()
    assert e.procedure.step == "plan_approval"
    c.post(f"/elections/{e.pk}/", {"action": "step", "step": "plan_approval", "done_on": "2026-06-02", "approval_no": "x"})
    e.procedure.refresh_from_db()
    assert e.procedure.step == "plan_approval"  # the branch cannot approve its own plan
    assert "纪实" in c.get(f"/elections/{e.pk}/").content.decode()
    other = Client()
    other.force_login(users["sec_b"])
    assert other.get(f"/elections/{e.pk}/").status_code == 404
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + __import__("orgwork.core.tokens", fromlist=["operator_key"]).operator_key(users["sec_a"]))
    listed = api.get("/api/v1/elections/").json()
    assert listed["count"] == 1 and listed["results"][0]["step"] == "plan_approval"  # paginated, never cut
    terms = api.get("/api/v1/elections/terms/").json()
    assert any(x["org"] == tree.village_a.pk for x in terms["results"])
