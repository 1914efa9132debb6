"""The member pages through Django's test client: scope, search, forms, status actions."""

import datetime as dt

import pytest
from django.test import Client

from orgwork.core.models import AuditEvent
from orgwork.members.models import Member, MemberStatusChange


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_secretary_gets_the_chinese_404_page_for_another_branchs_member(users, tree, make_member):
    other = make_member(tree.village_b, name="王五")
    c = login(users["sec_a"])
    for url in (f"/members/{other.pk}/", f"/members/{other.pk}/edit/", f"/members/{other.pk}/status/suspend/"):
        r = c.get(url)
        assert r.status_code == 404, url
        assert "不在您的管理范围内" in r.content.decode()
    r = c.post(f"/members/{other.pk}/status/suspend/", {"on": "2024-01-01", "reason": "x"})
    assert r.status_code == 404
    assert Member.objects.get(pk=other.pk).standing == "normal"


@pytest.mark.django_db
def test_member_list_shows_only_members_in_scope(users, tree, make_member):
    make_member(tree.village_a, name="赵六")
    make_member(tree.village_b, name="钱七")
    body = login(users["sec_a"]).get("/members/").content.decode()
    assert "赵六" in body and "钱七" not in body
    body = login(users["county"]).get("/members/").content.decode()
    assert "赵六" in body and "钱七" in body


@pytest.mark.django_db
def test_search_by_pinyin_initials_returns_the_results_fragment_for_htmx(users, tree, make_member):
    make_member(tree.village_a, name="张小明")
    make_member(tree.village_a, name="李大壮")
    r = login(users["town_a"]).get("/members/", {"q": "zxm"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = r.content.decode()
    assert "张小明" in body and "李大壮" not in body
    assert "<html" not in body  # a fragment, not the whole page
    assert "共 <b>1</b> 人" in body


@pytest.mark.django_db
def test_filters_sorting_and_pagination(users, tree, make_member):
    for i in range(35):
        make_member(tree.village_a, name=f"测试{chr(0x4E00 + i)}", birth=dt.date(1960 + i % 30, 1, 2), category="probationary" if i < 5 else "full", joined=dt.date(2010, 1, 1) if i >= 5 else dt.date(2024, 1, 1))
    c = login(users["town_a"])
    body = c.get("/members/", {"status": "probationary"}).content.decode()
    assert "共 <b>5</b> 人" in body
    body = c.get("/members/").content.decode()
    assert "共 <b>36</b> 人" in body  # 35 + the linked member 李四
    assert "第 1 / 2 页" in body
    page2 = c.get("/members/", {"page": 2}).content.decode()
    assert page2.count('href="/members/') - page2.count('href="/members/new') >= 7
    asc = list(c.get("/members/", {"sort": "birth_date"}).context["page"].object_list)
    desc = list(c.get("/members/", {"sort": "-birth_date"}).context["page"].object_list)
    assert [m.birth_date for m in asc] == sorted(m.birth_date for m in asc) and asc[0].birth_date == dt.date(1960, 1, 2)
    assert [m.birth_date for m in desc] == sorted((m.birth_date for m in desc), reverse=True) and desc[0].birth_date == dt.date(1989, 1, 2)


@pytest.mark.django_db
def test_member_list_query_count_does_not_grow_with_rows(users, tree, make_member, django_assert_max_num_queries):
    for i in range(30):
        make_member(tree.village_a, name=f"批量{chr(0x4E00 + i)}")
    c = login(users["town_a"])
    c.get("/members/")
    with django_assert_max_num_queries(14):
        c.get("/members/")


@pytest.mark.django_db
def test_edit_form_shows_the_service_error_on_the_field(users, tree):
    m = users["member_a_record"]
    c = login(users["sec_a"])
    r = c.post(f"/members/{m.pk}/edit/", {"name": m.name, "id_number": "511526198001010000", "ethnicity": "汉族", "joined_on": "2005-07-01", "phone": "12345"})
    assert r.status_code == 200
    form = r.context["form"]
    assert form.errors["id_number"]  # checksum
    assert "联系电话" in form.errors["phone"][0]
    assert "12345" in r.content.decode()  # what was typed is kept
    assert Member.objects.get(pk=m.pk).phone == ""


@pytest.mark.django_db
def test_edit_form_saves_through_the_service_and_audits(users, tree):
    m = users["member_a_record"]
    c = login(users["sec_a"])
    r = c.post(
        f"/members/{m.pk}/edit/",
        {"name": m.name, "id_number": m.id_number, "ethnicity": "汉族", "education": "bachelor", "joined_on": "2005-07-01", "confirmed_on": "2006-07-01", "phone": "13800138000"},
    )
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.phone == "13800138000" and m.education == "bachelor"
    ev = AuditEvent.objects.filter(action="member.update", object_id=str(m.pk)).get()
    assert ev.actor_label == "sec_a" and "phone" in ev.changes


@pytest.mark.django_db
def test_status_action_needs_date_and_reason_then_shows_in_history(users, tree):
    m = users["member_a_record"]
    c = login(users["sec_a"])
    r = c.post(f"/members/{m.pk}/status/suspend/", {"on": "", "reason": ""})
    assert r.status_code == 200
    assert r.context["form"].errors["on"] == ["请填写日期"]
    assert r.context["form"].errors["reason"] == ["请填写原因"]
    assert not MemberStatusChange.objects.exists()

    r = c.post(f"/members/{m.pk}/status/suspend/", {"on": "2025-03-01", "reason": "长期不参加组织生活"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == f"/members/{m.pk}/"
    body = c.get(f"/members/{m.pk}/").content.decode()
    assert "长期不参加组织生活" in body and "停止党籍" in body
    assert Member.objects.get(pk=m.pk).standing == "suspended"
    # the actions offered follow the new standing
    assert f"/members/{m.pk}/status/restore/" in body and f"/members/{m.pk}/status/suspend/" not in body


@pytest.mark.django_db
def test_status_action_that_does_not_apply_is_refused_with_a_message(users, tree):
    m = users["member_a_record"]  # a full member
    r = login(users["sec_a"]).post(f"/members/{m.pk}/status/confirm/", {"on": "2024-01-01", "reason": "期满"})
    assert r.status_code == 200
    assert "只有预备党员可以转为正式党员" in r.content.decode()


@pytest.mark.django_db
def test_create_member_in_an_org_and_required_fields(users, tree):
    c = login(users["sec_a"])
    r = c.post(f"/members/new/?org={tree.village_a.pk}", {"org": tree.village_a.pk, "name": "", "id_number": ""})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert errors["name"] == ["姓名不能为空"] and errors["id_number"] and errors["category"] and errors["joined_on"]
    from orgwork.conftest import make_id

    idn = make_id(dt.date(1990, 2, 3))
    r = c.post("/members/new/", {"org": tree.village_a.pk, "name": "孙八", "id_number": idn, "category": "probationary", "joined_on": "2024-05-01", "ethnicity": "汉族"})
    assert r.status_code == 302
    m = Member.objects.get(id_number=idn)
    assert m.org_id == tree.village_a.pk and m.category == "probationary" and m.birth_date == dt.date(1990, 2, 3)
    # and not into another branch
    r = c.post("/members/new/", {"org": tree.village_b.pk, "name": "周九", "id_number": make_id(dt.date(1991, 2, 3)), "category": "full", "joined_on": "2014-05-01"})
    assert r.status_code == 404


@pytest.mark.django_db
def test_member_role_sees_only_its_own_record_read_only(users, tree, make_member):
    other = make_member(tree.village_a, name="吴十")
    c = login(users["member_a"])
    assert c.get("/").url == "/me/"
    assert c.get(f"/members/{other.pk}/").url == "/me/"
    body = c.get("/me/").content.decode()
    assert "李四" in body and "吴十" not in body
    assert "<form" not in body.split("</header>")[1]  # nothing to submit on the record page


@pytest.mark.django_db
def test_member_page_history_lists_audit_events_in_chinese(users, tree):
    m = users["member_a_record"]
    body = login(users["town_a"]).get(f"/members/{m.pk}/").content.decode()
    assert "新增党员" in body and "关联登录账号" in body


@pytest.mark.django_db
def test_subtree_filter_offers_the_scope_and_narrows_the_list(users, tree, make_member):
    make_member(tree.village_a, name="村里人")
    make_member(tree.office_a, name="机关人")
    c = login(users["town_a"])
    r = c.get("/members/")
    assert 'data-testid="picker-under"' in r.content.decode()  # searched, not a capped list
    offered = c.get("/pick/orgs/", {"q": "党支部", "kinds": "any"}).content.decode()
    assert f'data-value="{tree.village_a.pk}"' in offered and f'data-value="{tree.office_a.pk}"' in offered
    assert f'data-value="{tree.office_b.pk}"' not in offered
    body = c.get("/members/", {"under": tree.office_a.pk}).content.decode()
    assert "中共测试县委员会/中共甲镇委员会/机关党支部" in body  # the chosen org shown with its path
    assert "机关人" in body and "村里人" not in body
    assert c.get("/members/", {"under": tree.office_b.pk}).status_code == 404
