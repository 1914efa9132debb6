import datetime as dt

import pytest
from django.urls import reverse

from orgwork.members.models import Member
from orgwork.orgs.models import Org

pytestmark = pytest.mark.django_db
D = dt.date


def test_merge_page_previews_then_merges(client, users, tree, make_member):
    make_member(tree.office_a, name="机关甲")
    client.force_login(users["town_a"])
    url = reverse("reorg:merge")
    assert client.get(url).status_code == 200
    r = client.get(url, {"sources": [tree.office_a.pk], "target": tree.village_a.pk})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="preview"' in body and "机关甲" in body
    assert Member.objects.get(name="机关甲").org_id == tree.office_a.pk  # a preview moves nothing
    r = client.post(url, {"sources": [tree.office_a.pk], "target": tree.village_a.pk, "on": "", "reason": ""})
    assert r.status_code == 400 and "请填写日期" in r.content.decode()
    r = client.post(url, {"sources": [tree.office_a.pk], "target": tree.village_a.pk, "on": "2026-11-01", "reason": "机构改革"})
    assert r.status_code == 302
    assert Member.objects.get(name="机关甲").org_id == tree.village_a.pk and Org.objects.get(pk=tree.office_a.pk).abolished_on == D(2026, 11, 1)
    assert client.get(r["Location"]).status_code == 200
    assert client.get(reverse("reorg:list")).status_code == 200


def test_other_towns_orgs_cannot_be_chosen(client, users, tree):
    client.force_login(users["town_a"])
    r = client.get(reverse("reorg:merge"), {"sources": [tree.office_b.pk], "target": tree.village_a.pk})
    assert r.status_code == 200 and 'data-testid="preview"' not in r.content.decode()
    client.force_login(users["sec_b"])
    assert client.get(reverse("reorg:detail", args=[999999])).status_code == 404
