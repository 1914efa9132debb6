"""The console shell: scope switcher, navigation registry, attention list, account pages, admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgwork.core import registry
from orgwork.core.actor import Actor
from orgwork.core.middleware import ACTIVE_GRANT_SESSION_KEY
from orgwork.core.models import Role
from orgwork.core.services import grant_role


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def two_hats(users, tree, system):
    """Admin of town A and secretary of town B's village: the scope switcher appears."""
    u = get_user_model().objects.create_user(username="two_hats", password="Zugong#2026", is_staff=True)
    a = grant_role(actor=system, user=u, org=tree.town_a, role=Role.ORG_ADMIN)
    b = grant_role(actor=system, user=u, org=tree.village_b, role=Role.SECRETARY)
    return u, a, b


@pytest.mark.django_db
def test_scope_switch_narrows_every_page(two_hats, tree, make_member):
    u, grant_a, grant_b = two_hats
    make_member(tree.village_a, name="甲甲")
    make_member(tree.village_b, name="乙乙")
    c = login(u)
    body = c.get("/members/").content.decode()
    assert 'name="grant"' in body and "甲甲" in body and "乙乙" in body
    r = c.post("/scope/", {"grant": grant_b.pk, "next": "/members/"})
    assert r.status_code == 302 and r.url == "/members/"
    assert c.session[ACTIVE_GRANT_SESSION_KEY] == grant_b.pk
    body = c.get("/members/").content.decode()
    assert "乙乙" in body and "甲甲" not in body
    assert c.get(f"/orgs/{tree.village_a.pk}/").status_code == 404
    c.post("/scope/", {"grant": "all"})
    assert "甲甲" in c.get("/members/").content.decode()


@pytest.mark.django_db
def test_scope_switch_refuses_a_grant_of_someone_else(two_hats, users, tree):
    u, *_ = two_hats
    other = Actor.for_user(users["sec_a"]).grants[0]
    c = login(u)
    c.post("/scope/", {"grant": other.id})
    assert ACTIVE_GRANT_SESSION_KEY not in c.session
    assert c.post("/scope/", {"grant": "x"}).status_code == 302
    assert c.get("/scope/").status_code == 405


@pytest.mark.django_db
def test_open_redirect_after_scope_switch_is_refused(two_hats):
    u, a, _ = two_hats
    r = login(u).post("/scope/", {"grant": a.pk, "next": "https://evil.example/"})
    assert r.url == "/"


@pytest.mark.django_db
def test_navigation_comes_from_the_registry(users):
    registry.nav(section="测试模块", label="测试入口", url_name="web:account", order=99)
    registry.nav(section="测试模块", label="只给组织部", url_name="web:api_token", order=99, roles=[Role.DEPT_ADMIN])
    registry.nav(section="测试模块", label="还没有的页面", url_name="nowhere:page", order=99)
    try:
        body = login(users["sec_a"]).get("/").content.decode()
        assert "测试入口" in body and "只给组织部" not in body and "还没有的页面" not in body
        assert "只给组织部" in login(users["county"]).get("/").content.decode()
    finally:
        for name in ("web:account", "web:api_token", "nowhere:page"):
            registry._NAV.pop(name, None)


@pytest.mark.django_db
def test_home_attention_collects_structure_warnings_and_other_providers(users, tree):
    @registry.attention("test.extra")
    def extra(actor, under=None):
        return [registry.Item(kind="x", title="测试提醒事项", severity="danger")]

    try:
        body = login(users["town_a"]).get("/").content.decode()
        assert "测试提醒事项" in body
        assert "红旗村党支部：正式党员不足3人" in body
        assert "乙镇" not in body.split("需要关注")[1]  # other town's warnings are out of scope
    finally:
        registry._ATTENTION.pop("test.extra", None)


@pytest.mark.django_db
def test_change_password_checks_the_old_one_and_keeps_the_session(users):
    c = login(users["sec_a"])
    r = c.post("/account/password/", {"old_password": "wrong", "new_password1": "Hongqi#2027x", "new_password2": "Hongqi#2027x"})
    assert r.context["form"].errors["old_password"] == ["原密码不正确"]
    r = c.post("/account/password/", {"old_password": "Zugong#2026", "new_password1": "12345678", "new_password2": "12345678"})
    assert r.context["form"].errors["new_password1"]
    r = c.post("/account/password/", {"old_password": "Zugong#2026", "new_password1": "Hongqi#2027x", "new_password2": "Hongqi#2027x"})
    assert r.status_code == 302
    assert c.get("/").status_code == 200
    users["sec_a"].refresh_from_db()
    assert users["sec_a"].check_password("Hongqi#2027x")


@pytest.mark.django_db
def test_api_token_page_creates_a_working_token(users):
    from orgwork.core.models import ApiToken
    from orgwork.core.tokens import hash_key

    c = login(users["sec_a"])
    r = c.post("/account/token/", {"name": "脚本", "days": 30, "password": "Zugong#2026"})
    key = r.context["key"]
    assert key and key in r.content.decode()
    t = ApiToken.objects.get(user=users["sec_a"])
    assert t.key_hash == hash_key(key) and key not in (t.key_hash, t.prefix) and not t.read_only
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/members/").status_code == 200


@pytest.mark.django_db
def test_totp_enrolment_with_qr_code_then_login_asks_for_the_code(users):
    user = users["sec_a"]
    c = login(user)
    r = c.get("/account/otp/")
    body = r.content.decode()
    assert "<svg" in body and '<img' not in body  # drawn on the server, inline: no CDN, no external QR service
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = c.post("/account/otp/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert r.context["form"].errors["token"]
    r = c.post("/account/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert r.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    fresh = Client()
    r = fresh.post("/login/", {"username": "sec_a", "password": "Zugong#2026"})
    assert r.status_code == 302
    r = fresh.get("/members/")
    assert r.status_code == 302 and r.url.startswith("/login/otp/")
    r = fresh.post("/login/otp/?next=/members/", {"token": "12", "next": "/members/"})
    assert r.context["form"].errors["token"]
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.last_t = -1
    device.save()
    r = fresh.post("/login/otp/", {"token": f"{totp(device.bin_key):06d}", "next": "/members/"})
    assert r.status_code == 302 and r.url == "/members/"
    assert fresh.get("/members/").status_code == 200


@pytest.mark.django_db
def test_members_are_not_offered_totp_and_the_admin_is_for_superusers(users):
    assert login(users["member_a"]).get("/account/otp/").status_code == 302
    assert login(users["county"]).get("/sysadmin/").status_code == 403  # is_staff, but not a superuser
    assert "/sysadmin/" not in login(users["county"]).get("/").content.decode()


@pytest.mark.django_db
def test_error_pages_are_chinese(users, client):
    r = login(users["sec_a"]).get("/members/999999/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()
    from django.test import RequestFactory

    from orgwork.web.views import error_403, error_500

    req = RequestFactory().get("/")
    assert "没有权限" in error_403(req).content.decode()
    assert "系统出错" in error_500(req).content.decode()


@pytest.mark.django_db
def test_console_pages_load_nothing_from_outside_and_have_a_loading_indicator(users, tree):
    c = login(users["town_a"])
    for url in ("/", "/orgs/", "/members/", f"/orgs/{tree.village_a.pk}/", "/account/"):
        body = c.get(url).content.decode()
        assert 'src="http' not in body and 'href="http' not in body, url
        assert 'class="htmx-indicator' in body and "/static/web/vendor/htmx-" in body
