"""The one gate: every route declares an audience, and the gate — not the view — refuses.

Walks the URL resolver, so a route added tomorrow without a declaration, or reachable with the password alone
on an account that has a second factor, fails here.
"""

import re
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgwork.core import gate

# Reachable without a second factor: signing in, the OTP prompt, signing out, the health check (and public pages).
BEFORE_SECOND_FACTOR = {gate.PUBLIC, gate.AUTH_FLOW}


def concrete(route: str) -> str:
    """A URL for a route pattern, with placeholder arguments (the gate answers before any lookup)."""
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # regex routes (DRF routers): fill named groups
    url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), url)
    url = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", url)
    url = url.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
    return "/" + url


def app_routes():
    out = []
    for route, name, view in gate.walk_routes():
        if route.startswith("sysadmin/") or "(?P<format>" in route or "<drf_format_suffix" in route:
            continue
        out.append((concrete(route), name, gate.audience_of(view)))
    return out


def test_every_route_declares_an_audience():
    undeclared = [(route, name) for route, name, view in gate.walk_routes() if gate.audience_of(view) is None]
    assert undeclared == []
    assert len(app_routes()) > 80  # the walk really covers the project


def test_an_undeclared_view_is_refused_by_the_gate(rf, django_user_model):
    """Fail closed: the middleware refuses a view that declares nothing, even for a superuser."""
    mw = gate.GateMiddleware(lambda r: None)
    request = rf.get("/somewhere/")
    request.user = django_user_model(username="root", is_superuser=True, is_active=True)
    request.session = {}

    def bare_view(request):  # no declaration
        return None

    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mw.process_view(request, bare_view, (), {})
    assert gate.audience_of(gate.staff(bare_view)) == gate.STAFF


def test_the_audience_table_in_docs_is_current():
    call_command("gate_table", "--check")


def _password_only(user) -> Client:
    c = Client()
    r = c.post("/login/", {"username": user.username, "password": "Zugong#2026"})
    assert r.status_code == 302
    return c


@pytest.mark.django_db
def test_password_alone_opens_nothing_but_sign_in_on_an_account_with_a_second_factor(users):
    user = users["county"]
    TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    c = _password_only(user)
    opened = []
    for url, name, audience in app_routes():
        if audience in BEFORE_SECOND_FACTOR:
            continue  # (and never POST /logout/ here: it would end the session under test)
        for method in ("get", "post"):
            r = getattr(c, method)(url)
            gated = (r.status_code == 302 and r["Location"].startswith("/login/otp/")) or (
                r.status_code == 403 and url.startswith("/api/") and r.json()["code"] == "second_factor_required"
            )
            if not gated:
                opened.append((method, url, name, r.status_code))
    assert opened == []
    # and it is the second factor that stands in the way: the same pages open once verified
    assert c.get("/members/").status_code == 302
    for route in ("/healthz", "/login/otp/"):
        assert c.get(route).status_code == 200, route


@pytest.mark.django_db
def test_the_member_role_reaches_no_staff_page(users):
    c = Client()
    c.force_login(users["member_a"])
    opened = []
    staff_routes = [(u, n) for u, n, a in app_routes() if a in (gate.STAFF, gate.ADMIN)]
    assert len(staff_routes) > 60
    for url, name in staff_routes:
        r = c.get(url)
        refused = r.status_code == 403 or (r.status_code == 302 and r["Location"] in ("/me/", "/login/?next=" + url))
        if not refused:
            opened.append((url, name, r.status_code))
        r = c.post(url)
        if r.status_code not in (302, 403):
            opened.append(("post", url, name, r.status_code))
    assert opened == []
    assert c.get("/me/").status_code == 200


@pytest.mark.django_db
def test_api_answers_the_member_role_and_unverified_sessions_with_codes(users):
    c = Client()
    c.force_login(users["member_a"])
    r = c.get("/api/v1/members/")
    assert r.status_code == 403 and r.json()["code"] == "staff_only"
    user = users["sec_a"]
    TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    s = _password_only(user)
    r = s.get("/api/v1/members/")
    assert r.status_code == 403 and r.json()["code"] == "second_factor_required"
    assert Client().get("/api/v1/members/").json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_admin_site_is_behind_the_gate_too(users):
    county = users["county"]
    assert Client().get("/sysadmin/").status_code == 302
    c = Client()
    c.force_login(county)
    assert c.get("/sysadmin/").status_code == 403
    assert c.get("/sysadmin/auth/user/").status_code == 403
    users["sysadmin"].is_superuser = True
    users["sysadmin"].save()
    TOTPDevice.objects.create(user=users["sysadmin"], name="手机", confirmed=True)
    root = _password_only(users["sysadmin"])
    r = root.get("/sysadmin/auth/user/")
    assert r.status_code == 302 and r["Location"].startswith("/login/otp/")
