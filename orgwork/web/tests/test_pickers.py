"""The one searchable picker: members and orgs found by what people type, shown with their org path,
numbers masked, scoped, and never a silently cut list."""

import datetime as dt
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def hits(body: str) -> list[str]:
    return re.findall(r'data-label="([^"]+)"', body)


@pytest.fixture
def people(tree, make_member):
    return {
        "a": make_member(tree.village_a, name="张建国", phone="13912345678"),
        "b": make_member(tree.village_b, name="张建军", phone="13800001111"),
    }


@pytest.mark.parametrize("q", ["张建", "zhangjian", "zjg", "5678"])
def test_member_found_by_name_pinyin_initials_and_phone_tail_with_its_org_path(users, people, q):
    body = login(users["county"]).get("/pick/members/", {"q": q}).content.decode()
    assert "张建国" in hits(body)
    assert "中共测试县委员会/中共甲镇委员会/红旗村党支部" in body  # which 红旗村党支部


def test_member_found_by_id_number_tail_and_shown_masked(users, people):
    m = people["a"]
    body = login(users["county"]).get("/pick/members/", {"q": m.id_number[-6:]}).content.decode()
    assert hits(body) == ["张建国"]
    assert m.id_number not in body and f"{m.id_number[:6]}********{m.id_number[-4:]}" in body
    assert "13912345678" not in body and "139****5678" in body


def test_member_picker_is_scoped(users, people):
    body = login(users["sec_a"]).get("/pick/members/", {"q": "张建"}).content.decode()
    assert hits(body) == ["张建国"]


def test_more_hits_than_shown_are_announced_not_dropped(users, tree, make_member):
    for i in range(25):
        make_member(tree.office_a, name=f"王同名{chr(0x4e00 + i)}", birth=dt.date(1980, 1, 1 + i))
    body = login(users["county"]).get("/pick/members/", {"q": "王同名"}).content.decode()
    assert len(hits(body)) == 20
    assert "共 25 人，显示前 20 人，请继续输入以缩小范围" in body
    # a more specific query reaches any of them
    body = login(users["county"]).get("/pick/members/", {"q": "王同名" + chr(0x4e00 + 24)}).content.decode()
    assert len(hits(body)) == 1


def test_member_status_filter_for_exit_cases(users, tree, make_member, system):
    from orgwork.members import services

    m = make_member(tree.village_a, name="赵停", joined=dt.date(2000, 7, 1))
    services.change_status(actor=system, member_id=m.pk, action="suspend", on=dt.date(2026, 1, 5), reason="失联")
    c = login(users["county"])
    assert hits(c.get("/pick/members/", {"q": "赵停"}).content.decode()) == []
    assert hits(c.get("/pick/members/", {"q": "赵停", "status": "current"}).content.decode()) == ["赵停"]


def test_org_picker_tells_same_named_branches_apart_and_can_reach_the_whole_deployment(users, tree):
    c = login(users["sec_a"])
    body = c.get("/pick/orgs/", {"q": "红旗村", "kinds": "branch"}).content.decode()
    assert hits(body) == ["红旗村党支部"]  # only its own branch in its scope
    body = c.get("/pick/orgs/", {"q": "红旗村", "kinds": "branch", "scope": "deployment"}).content.decode()
    assert hits(body) == ["红旗村党支部", "红旗村党支部"]
    assert "中共甲镇委员会/红旗村党支部" in body and "中共乙镇委员会/红旗村党支部" in body
    body = c.get("/pick/orgs/", {"q": "hqc", "scope": "deployment", "kinds": "branch"}).content.decode()
    assert len(hits(body)) == 2


def test_picker_needs_a_console_user(users, people):
    assert login(users["member_a"]).get("/pick/members/", {"q": "张"}).status_code == 302  # the member's own page
    assert Client().get("/pick/members/", {"q": "张"}).status_code == 302  # sign in first


def test_pages_pick_people_by_search_not_by_capped_lists(users, people):
    c = login(users["county"])
    for url in ("/lifecycle/transfers/", "/lifecycle/mobile/", "/lifecycle/exits/", "/dues/"):
        body = c.get(url).content.decode()
        assert '<select name="member"' not in body, url
        assert 'data-picker' in body and "/pick/members/" in body, url
    for url in ("/meetings/new/", "/meetings/appraisals/", "/recruitment/new/"):
        body = c.get(url).content.decode()
        assert '<select name="org"' not in body and '<select id="org"' not in body, url
        assert "党员编号" not in body, url  # people are picked by name, never by an internal number
        assert 'data-picker' in body and "/pick/orgs/" in body, url


def test_committee_rows_show_subtree_totals_not_a_dash(users, tree, make_member):
    for _i in range(3):
        make_member(tree.village_a, name="甲村人")
    make_member(tree.office_b, name="乙机关人")
    c = login(users["county"])
    body = c.get(f"/orgs/{tree.county.pk}/").content.decode()
    row_a = re.search(r"中共甲镇委员会</a>.*?</tr>", body, re.S).group(0)
    row_b = re.search(r"中共乙镇委员会</a>.*?</tr>", body, re.S).group(0)
    assert re.search(r'class="num"[^>]*>4<', row_a)  # 3 + 李四 from `users`, all in 红旗村党支部 under 甲镇
    assert re.search(r'class="num"[^>]*>1<', row_b)
    tree_html = c.get(f"/orgs/{tree.county.pk}/children/").content.decode()
    assert "党员 4（含下级）" in tree_html and "党员 1（含下级）" in tree_html
