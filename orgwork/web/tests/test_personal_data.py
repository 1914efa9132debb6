"""Personal data (issue 11 §4): ID numbers and phones masked wherever many people are listed, full values on one
person's page only for the roles that need them, and every full read and every export audited."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from orgwork.core import audit
from orgwork.core.models import AuditEvent
from orgwork.core.tokens import operator_key
from orgwork.roster.models import ImportJob, ImportKind

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def planted(tree, users, make_member):
    """A member with a known ID number and phone in 红旗村党支部 (甲镇), and a neighbour in the same branch."""
    m = make_member(tree.village_a, name="隐私测试员", birth=dt.date(1986, 4, 5), phone=PHONE, address="甲镇幸福路1号")
    make_member(tree.village_a, name="同支部党员", birth=dt.date(1980, 1, 1), phone="13700001111")
    return m


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api_for(user) -> APIClient:
    """The machine path: a token in the Authorization header, through the gate."""
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token " + operator_key(user, name="测试"))
    return c


def leaks(body: str, m, *, typed: str = "") -> list[str]:
    """The planted member's full values found in a response body. A value the user typed as the search is echoed
    back in the search box and in links, so a search by the full ID number checks that the phone does not leak and
    the other way round."""
    return [v for v in (m.id_number, PHONE) if v in body and v != typed]


def reads(member=None):
    qs = AuditEvent.objects.filter(action="personal.read")
    if member is not None:
        qs = qs.filter(object_type="members.member", object_id=str(member.pk))
    return qs


def exports():
    return AuditEvent.objects.filter(action="personal.bulk_read", object_type="roster.export").order_by("seq")


def xlsx_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("党员信息").to_python()


# --- lists, pickers, API lists ---------------------------------------------------------------------


def test_member_list_and_its_search_fragment_show_masked_numbers_only(users, planted):
    c = login(users["county"])
    for params in ({}, {"q": "隐私测试员"}, {"q": planted.id_number}, {"q": PHONE[-4:]}):
        r = c.get("/members/", params)
        body = r.content.decode()
        assert r.status_code == 200 and "隐私测试员" in body, params
        assert leaks(body, planted, typed=params.get("q", "")) == [], params
        assert "139****5678" in body
    r = c.get("/members/", {"q": "隐私"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "隐私测试员" in r.content.decode() and leaks(r.content.decode(), planted) == []


def test_member_picker_shows_masked_numbers_for_every_kind_of_search(users, planted):
    c = login(users["sec_a"])
    for q in ("隐私测试员", "ysceshiyuan"[:2], planted.id_number[-6:], planted.id_number, PHONE[-4:], PHONE):
        r = c.get(reverse("web:pick_members"), {"q": q, "field": "member"})
        body = r.content.decode()
        assert r.status_code == 200 and "隐私测试员" in body, q
        assert leaks(body, planted, typed=q) == [], q
    body = c.get(reverse("web:pick_members"), {"q": "隐私测试员"}).content.decode()
    assert planted.id_number[:6] + "********" + planted.id_number[-4:] in body and "139****5678" in body


def test_api_list_masks_and_the_detail_is_full_only_for_roles_that_need_it(users, planted):
    county = api_for(users["county"])
    listed = county.get("/api/v1/members/", {"q": "隐私测试员"}).json()["results"]
    assert [r["id_number"] for r in listed] == [planted.id_number[:6] + "********" + planted.id_number[-4:]]
    assert listed[0]["phone"] == "139****5678"
    body = county.get("/api/v1/members/", {"page_size": 200}).content.decode()
    assert leaks(body, planted) == []

    # The branch secretary reads one record in full; the read is an audit event naming who, whom and which fields.
    before = reads(planted).count()
    detail = api_for(users["sec_a"]).get(f"/api/v1/members/{planted.pk}/").json()
    assert (detail["id_number"], detail["phone"]) == (planted.id_number, PHONE)
    ev = reads(planted).latest("seq")
    assert reads(planted).count() == before + 1
    assert (ev.actor_label, ev.data["fields"], ev.data["via"], ev.org_path) == ("sec_a", ["id_number", "phone"], "api", planted.org.path)

    # The system administrator (an operator) sees the record masked, and nothing is logged as a full read.
    before = reads().count()
    detail = api_for(users["sysadmin"]).get(f"/api/v1/members/{planted.pk}/").json()
    assert leaks(str(detail), planted) == [] and detail["phone"] == "139****5678"
    assert reads().count() == before
    assert audit.verify().ok


def test_the_member_role_never_sees_another_members_numbers(users, planted):
    c = api_for(users["member_a"])
    assert c.get(f"/api/v1/members/{planted.pk}/").status_code in (403, 404)  # the API is the console's path
    body = c.get("/api/v1/members/", {"page_size": 200}).content.decode()
    assert leaks(body, planted) == [] and "隐私测试员" not in body
    web = login(users["member_a"])
    assert web.get(f"/members/{planted.pk}/?reveal=1").status_code in (302, 403, 404)
    own = web.get("/me/").content.decode()
    assert leaks(own, planted) == []
    assert reads().filter(actor_label="member_a").count() == 0


def _no_arg_urls():
    """Every named route that takes no argument, across all apps (pages, pickers, API lists)."""
    out = set()

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns))
            elif isinstance(p, URLPattern) and p.name:
                try:
                    out.add(reverse(f"{ns}:{p.name}" if ns else p.name))
                except NoReverseMatch:
                    continue

    walk(get_resolver().url_patterns, "")
    return sorted(u for u in out if not u.startswith(("/logout", "/sysadmin", "/api/schema", "/api/docs")))


@pytest.mark.parametrize("username", ["county", "sec_a", "member_a"])
def test_no_list_picker_or_search_page_of_any_app_shows_a_full_number(users, planted, username):
    """Walks every argument-free route of every app (members, dues, lifecycle, meetings, recruitment, elections,
    roster, stats, API lists) with searches for the planted member; none may carry the full ID number or phone."""
    c = Client(raise_request_exception=False)  # another page's 5xx is issue 11 §2's business, not a leak
    c.force_login(users[username])
    ok = 0
    for url in _no_arg_urls():
        for params in ({}, {"q": "隐私测试员"}, {"q": planted.id_number}, {"q": PHONE}, {"q": PHONE[-4:]}):
            r = c.get(url, params)
            if r.status_code != 200 or not r.get("Content-Type", "").startswith(("text/", "application/json")):
                continue
            ok += 1
            assert leaks(r.content.decode(), planted, typed=params.get("q", "")) == [], (url, params)
    assert ok > (20 if username == "member_a" else 100)  # the walk really reached the pages of that audience
    assert reads().count() == 0  # lists never count as full reads


def test_single_member_pages_of_other_apps_stay_masked(users, planted):
    c = login(users["county"])
    for name in ("dues:member", "meetings:member_file"):
        try:
            url = reverse(name, args=[planted.pk])
        except NoReverseMatch:
            continue
        r = c.get(url)
        assert r.status_code == 200, url
        assert leaks(r.content.decode(), planted) == [], url


# --- one person's page ----------------------------------------------------------------------------


def test_member_page_masks_until_a_secretary_reveals_and_the_reveal_is_audited(users, planted):
    c = login(users["sec_a"])
    body = c.get(f"/members/{planted.pk}/").content.decode()
    assert leaks(body, planted) == [] and 'data-testid="reveal-personal"' in body
    assert reads(planted).count() == 0

    body = c.get(f"/members/{planted.pk}/", {"reveal": "1"}).content.decode()
    assert planted.id_number in body and PHONE in body
    ev = reads(planted).get()
    assert (ev.actor_label, ev.object_id, ev.data["fields"], ev.data["via"]) == ("sec_a", str(planted.pk), ["id_number", "phone"], "web")
    assert ev.org_path == planted.org.path  # filed under the member's org: the branch's superiors see it
    # The read shows in the member's record of operations, in Chinese.
    assert "查看完整个人信息（公民身份号码、联系电话）" in c.get(f"/members/{planted.pk}/").content.decode()
    assert audit.verify().ok


def test_roles_without_the_need_cannot_reveal(users, tree, planted, make_member):
    body = login(users["sysadmin"]).get(f"/members/{planted.pk}/", {"reveal": "1"}).content.decode()
    assert leaks(body, planted) == [] and 'data-testid="reveal-personal"' not in body
    assert reads().count() == 0
    other = make_member(tree.village_b, name="乙支部员", phone="13600002222")
    assert login(users["sec_a"]).get(f"/members/{other.pk}/", {"reveal": "1"}).status_code == 404
    assert reads().count() == 0


def test_history_rows_mask_changed_numbers_unless_revealed(users, planted):
    c = login(users["sec_a"])
    r = c.post(f"/members/{planted.pk}/edit/", {"name": planted.name, "id_number": planted.id_number, "ethnicity": "汉族", "joined_on": "2005-07-01", "confirmed_on": "2006-07-01", "phone": "13512349876"})
    assert r.status_code == 302
    body = c.get(f"/members/{planted.pk}/").content.decode()
    assert "13512349876" not in body and PHONE not in body and "135****9876" in body
    assert "13512349876" in c.get(f"/members/{planted.pk}/", {"reveal": "1"}).content.decode()


def test_the_edit_form_is_a_full_read_for_those_who_may_and_hides_the_fields_from_others(users, planted):
    body = login(users["sec_a"]).get(f"/members/{planted.pk}/edit/").content.decode()
    assert planted.id_number in body
    assert reads(planted).get().data["via"] == "web:edit"
    body = login(users["sysadmin"]).get(f"/members/{planted.pk}/edit/").content.decode()
    assert leaks(body, planted) == []


# --- exports --------------------------------------------------------------------------------------


def test_roster_export_is_masked_by_default_and_each_export_is_one_audit_event(users, tree, planted, make_member):
    make_member(tree.office_a, name="机关党员", birth=dt.date(1970, 2, 2))
    c = login(users["town_a"])
    r = c.get(reverse("roster:export"), {"download": "1", "org": tree.village_a.pk})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    rows = xlsx_rows(r.content)
    flat = " ".join(str(v) for row in rows for v in row)
    assert "隐私测试员" in flat and leaks(flat, planted) == []
    assert re.search(r"511526\*{8}\w{4}", flat) and "139****5678" in flat
    ev = exports().get()
    assert ev.actor_label == "town_a" and ev.org_path == tree.village_a.path
    assert ev.data["rows"] == len(rows) - 1 == 3  # 隐私测试员, 同支部党员, 李四
    assert ev.data["full_values"] == [] and ev.data["filters"]["org"] == tree.village_a.pk
    assert "红旗村党支部" in ev.data["scope"]

    # The whole scope, no org chosen: filed under the actor's own top org.
    c.get(reverse("roster:export"), {"download": "1"})
    ev = exports().last()
    assert exports().count() == 2 and ev.org_path == tree.town_a.path and ev.data["rows"] == 4  # 机关党员 too
    assert audit.verify().ok


def test_full_value_export_is_offered_only_to_roles_that_need_it_and_audited_as_such(users, tree, planted):
    page = login(users["sec_a"]).get(reverse("roster:export")).content.decode()
    assert 'data-testid="export-full"' in page
    r = login(users["sec_a"]).get(reverse("roster:export"), {"download": "1", "org": tree.village_a.pk, "full": "1"})
    flat = " ".join(str(v) for row in xlsx_rows(r.content) for v in row)
    assert planted.id_number in flat and PHONE in flat
    ev = exports().get()
    assert ev.actor_label == "sec_a" and ev.data["full_values"] == ["id_number", "phone"] and ev.data["rows"] == 3

    sysadmin = login(users["sysadmin"])
    assert 'data-testid="export-full"' not in sysadmin.get(reverse("roster:export")).content.decode()
    assert sysadmin.get(reverse("roster:export"), {"download": "1", "full": "1"}).status_code == 403
    assert exports().count() == 1  # a refused export writes no file and no event


def test_export_command_masks_unless_asked_and_is_audited(tree, planted, tmp_path):
    masked, full = tmp_path / "masked.xlsx", tmp_path / "full.xlsx"
    call_command("export_members", str(masked), "--org", "甲镇党委")
    call_command("export_members", str(full), "--org", "甲镇党委", "--full-values")
    flat = " ".join(str(v) for row in xlsx_rows(masked.read_bytes()) for v in row)
    assert "隐私测试员" in flat and leaks(flat, planted) == []
    flat = " ".join(str(v) for row in xlsx_rows(full.read_bytes()) for v in row)
    assert planted.id_number in flat
    assert [(e.actor_label, bool(e.data["full_values"]), e.org_path) for e in exports()] == [
        ("export_members", False, tree.town_a.path),
        ("export_members", True, tree.town_a.path),
    ]


def test_import_error_table_and_report_mask_numbers_in_messages(users):
    from orgwork.roster.exporter import write_report

    report = {
        "accepted": 0,
        "rejected": [{"row": 2, "column": "联系电话", "code": "bad_phone", "message": "联系电话“1391234567”不是有效的手机号或固定电话"}],
        "warnings": [{"row": 3, "column": "公民身份号码", "code": "id_upgraded", "message": "15位旧号码511526860405001已按国家标准升为18位号码51152619860405001X，请核对"}],
    }
    job = ImportJob.objects.create(user=users["sec_a"], kind=ImportKind.MEMBERS, filename="x.xlsx", status="rejected", report=report, rejected=1)
    body = login(users["sec_a"]).get(reverse("roster:job", args=[job.pk])).content.decode()
    for full in ("1391234567", "511526860405001", "51152619860405001X"):
        assert full not in body
    assert "139***4567" in body and "511526********001X" in body
    buf = io.BytesIO()
    write_report(buf, report)
    book = CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue()))
    cells = " ".join(str(v) for name in ("错误", "提示") for row in book.get_sheet_by_name(name).to_python() for v in row)
    assert "1391234567" not in cells and "51152619860405001X" not in cells and "511526********001X" in cells


def test_national_template_export_is_masked_unless_full_and_audited(users, tree, planted):
    from orgwork.roster.national import mapping

    sheet = mapping().sheet
    c = login(users["sec_a"])
    for full in ("", "1"):
        r = c.get(reverse("roster:export"), {"download": "1", "format": "national", "org": tree.village_a.pk, "full": full})
        assert r.status_code == 200
        rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name(sheet).to_python()
        flat = " ".join(str(v) for row in rows for v in row)
        assert "隐私测试员" in flat
        assert (leaks(flat, planted) == []) if not full else (planted.id_number in flat)
    events = [e for e in exports().model.objects.filter(object_type="roster.export_national").order_by("seq")]
    assert [(e.actor_label, bool(e.data["full_values"]), e.data["rows"]) for e in events] == [("sec_a", False, 3), ("sec_a", True, 3)]
    assert login(users["sysadmin"]).get(reverse("roster:export"), {"download": "1", "format": "national", "full": "1"}).status_code == 403


def test_a_transfer_letter_prints_the_full_number_only_for_roles_that_may_read_it_and_is_audited(users, tree, make_member):
    from orgwork.core.actor import Actor
    from orgwork.lifecycle.services import transfers

    m = make_member(tree.village_a, name="转出员")
    t = transfers.issue_letter(actor=Actor.for_user(users["sec_a"]), member_id=m.pk, to_org_name="中共某市某区委组织部", reason="工作调动", on=dt.date(2026, 11, 2), today=dt.date(2026, 11, 20))
    r = login(users["sec_a"]).get(f"/lifecycle/transfers/{t.pk}/letter.docx")
    assert r.status_code == 200
    ev = reads(m).get()
    assert (ev.actor_label, ev.data["fields"], ev.data["via"]) == ("sec_a", ["id_number"], "transfer_letter")
    assert login(users["sysadmin"]).get(f"/lifecycle/transfers/{t.pk}/letter.docx").status_code == 403
    assert reads(m).count() == 1
    # the API's letter download follows the same rule
    api_letter = f"/api/v1/transfers/{t.pk}/letter/"
    assert api_for(users["sysadmin"]).get(api_letter).status_code == 403
    assert api_for(users["sec_a"]).get(api_letter).status_code == 200 and reads(m).count() == 2
