"""The org pages through Django's test client: tree, search, org page, create, move, abolish."""

import datetime as dt

import pytest
from django.test import Client

from orgwork.core.models import AuditEvent
from orgwork.orgs.models import Org


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_tree_starts_at_the_scope_roots_and_expands_one_level(users, tree):
    c = login(users["town_a"])
    body = c.get("/orgs/").content.decode()
    assert "中共甲镇委员会" in body and "中共乙镇委员会" not in body and "中共测试县委员会" not in body
    assert f"/orgs/{tree.town_a.pk}/children/" in body  # lazy expansion, not rendered up front
    assert "红旗村党支部" not in body
    part = c.get(f"/orgs/{tree.town_a.pk}/children/").content.decode()
    assert "红旗村党支部" in part and "机关党支部" in part and "<html" not in part
    assert c.get(f"/orgs/{tree.town_b.pk}/children/").status_code == 404


@pytest.mark.django_db
def test_org_search_by_pinyin_initials_stays_in_scope(users, tree):
    body = login(users["town_a"]).get("/orgs/", {"q": "hqc"}).content.decode()
    assert "中共甲镇委员会/红旗村党支部" in body
    assert "中共乙镇委员会" not in body  # town B's branch of the same name is not listed
    assert "找到 1 个党组织" in body


@pytest.mark.django_db
def test_org_page_shows_counts_warnings_and_history(users, tree, make_member):
    make_member(tree.village_a, name="郑一", category="probationary", joined=dt.date(2024, 3, 1))
    body = login(users["town_a"]).get(f"/orgs/{tree.village_a.pk}/").content.decode()
    assert "正式党员不足3人" in body or "不足3人" in body
    assert "新建党组织" in body  # audit history
    assert "第一党小组" in body  # sub-orgs
    assert login(users["sec_b"]).get(f"/orgs/{tree.village_a.pk}/").status_code == 404


@pytest.mark.django_db
def test_create_sub_org_through_the_form(users, tree):
    c = login(users["town_a"])
    r = c.post(f"/orgs/new/?parent={tree.town_a.pk}", {"parent_id": tree.town_a.pk, "name": "", "kind": "branch", "sector": "rural"})
    assert r.context["form"].errors["name"] == ["党组织名称不能为空"]
    r = c.post(f"/orgs/new/?parent={tree.town_a.pk}", {"parent_id": tree.town_a.pk, "name": "新村党支部", "kind": "group", "sector": "rural"})
    assert "党小组不能设在党委之下" in r.context["form"].errors["parent"][0] if "parent" in r.context["form"].errors else "党小组不能设在" in r.content.decode()
    r = c.post(f"/orgs/new/?parent={tree.town_a.pk}", {"parent_id": tree.town_a.pk, "name": "新村党支部", "kind": "branch", "sector": "rural"})
    assert r.status_code == 302
    org = Org.objects.get(name="新村党支部")
    assert org.parent_id == tree.town_a.pk
    assert AuditEvent.objects.filter(action="org.create", object_id=str(org.pk), actor_label="town_a").exists()
    assert login(users["town_a"]).get(f"/orgs/new/?parent={tree.town_b.pk}").status_code == 404


@pytest.mark.django_db
def test_move_subtree_and_abolish_through_the_forms(users, tree, make_member):
    c = login(users["county"])
    picker = c.get("/orgs/pick/", {"q": "乙镇", "field": "parent", "exclude": tree.village_a.pk}).content.decode()
    assert f'value="{tree.town_b.pk}"' in picker
    r = c.post(f"/orgs/{tree.village_a.pk}/move/", {"parent": tree.town_b.pk})
    assert r.status_code == 302
    tree.group_a.refresh_from_db()
    assert tree.group_a.path.startswith(Org.objects.get(pk=tree.town_b.pk).path)

    make_member(tree.office_a, name="钱二")
    r = c.post(f"/orgs/{tree.office_a.pk}/abolish/", {"on": "2025-01-01", "reason": "单位撤并"})
    assert r.status_code == 200 and "请先转出" in r.content.decode()
    r = c.post(f"/orgs/{tree.group_a.pk}/abolish/", {"on": "", "reason": ""})
    assert r.context["form"].errors["reason"] == ["请填写撤销原因"]
    r = c.post(f"/orgs/{tree.group_a.pk}/abolish/", {"on": "2025-01-01", "reason": "支部合并"})
    assert r.status_code == 302
    assert Org.objects.get(pk=tree.group_a.pk).abolished_on == dt.date(2025, 1, 1)
    body = c.get(f"/orgs/{tree.group_a.pk}/").content.decode()
    assert "已撤销" in body and "支部合并" in body


@pytest.mark.django_db
def test_committee_seats_are_recorded_and_ended_through_forms(users, tree):
    c = login(users["sec_a"])
    r = c.post(f"/orgs/{tree.village_a.pk}/officers/new/", {"name": "", "post": "secretary"})
    assert r.context["form"].errors["name"] == ["请填写姓名"]
    assert c.post(f"/orgs/{tree.village_a.pk}/officers/new/", {"name": "李四", "post": "secretary", "started_on": "2024-01-02"}).status_code == 302
    body = c.get(f"/orgs/{tree.village_a.pk}/").content.decode()
    assert "李四" in body and "书记" in body and "任命班子成员" in body
    officer = tree.village_a.officers.get()
    assert c.post(f"/orgs/{tree.village_a.pk}/officers/{officer.pk}/end/", {"on": "", "reason": ""}).context["form"].errors["on"]
    assert c.post(f"/orgs/{tree.village_a.pk}/officers/{officer.pk}/end/", {"on": "2025-01-02", "reason": "换届"}).status_code == 302
    officer.refresh_from_db()
    assert officer.ended_on.isoformat() == "2025-01-02"
    assert login(users["sec_b"]).post(f"/orgs/{tree.village_a.pk}/officers/new/", {"name": "x", "post": "member"}).status_code == 404
