"""API tokens (issue 11): issued after a verified sign-in, shown once, stored hashed, read-only, expiring,
revocable, every use stamped and audited."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from orgwork.core import audit, tokens
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db
NEW_ORG = {"parent": "乙镇党委", "name": "新村党支部", "kind": "branch", "sector": "rural"}


def api(key, ip="10.1.2.3"):
    c = APIClient(REMOTE_ADDR=ip)
    c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return c


def issue(user, system, **kw):
    kw.setdefault("second_factor_verified", True)
    return tokens.issue(actor=system, user=user, **kw)


def test_key_is_shown_once_and_stored_only_as_a_hash(users, system, settings):
    settings.API_TOKEN_DAYS = 7
    t, key = issue(users["county"], system, name="报表脚本")
    stored = ApiToken.objects.values().get(pk=t.pk)
    assert key.startswith("owt_") and len(key) > 40
    assert key not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == tokens.hash_key(key) and stored["prefix"] == key[:10]
    assert abs(t.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    ev = AuditEvent.objects.filter(action="token.issue").get()
    assert key not in str(ev.data) and ev.data["read_only"] is False
    assert audit.verify().ok


def test_token_authenticates_and_every_use_is_stamped_and_audited_once_a_minute(users, system, settings):
    settings.TOKEN_STAMP_SECONDS = 0  # stamp every use (the default writes the stamp once a minute, see below)
    t, key = issue(users["county"], system)
    c = api(key)
    assert c.get("/api/v1/orgs/").status_code == 200
    assert c.get("/api/v1/orgs/").status_code == 200
    t.refresh_from_db()
    assert t.uses == 2 and t.last_used_ip == "10.1.2.3" and t.last_used_at is not None
    uses = AuditEvent.objects.filter(action="token.use", object_id=str(t.pk))
    assert uses.count() == 1  # throttled: two uses within a minute, one event
    ev = uses.get()
    assert ev.actor_id == users["county"].pk and ev.data["ip"] == "10.1.2.3" and ev.data["path"] == "/api/v1/orgs/"
    ApiToken.objects.filter(pk=t.pk).update(last_audit_at=timezone.now() - dt.timedelta(seconds=61))
    assert api(key, ip="10.9.9.9").get("/api/v1/orgs/").status_code == 200
    t.refresh_from_db()
    assert uses.count() == 2 and t.uses == 3 and t.last_used_ip == "10.9.9.9"
    assert audit.verify().ok


def test_last_use_is_written_once_a_minute_and_the_uses_in_between_are_added_at_the_next_stamp(users, system):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t, key = issue(users["county"], system)
    c = api(key)
    assert c.get("/api/v1/orgs/").status_code == 200
    with CaptureQueriesContext(connection) as q:
        assert c.get("/api/v1/orgs/").status_code == 200
        assert c.get("/api/v1/orgs/").status_code == 200
    assert not [x for x in q.captured_queries if x["sql"].startswith("UPDATE") and "core_apitoken" in x["sql"]]
    t.refresh_from_db()
    assert t.uses == 1
    ApiToken.objects.filter(pk=t.pk).update(last_used_at=timezone.now() - dt.timedelta(seconds=61))
    assert c.get("/api/v1/orgs/").status_code == 200
    t.refresh_from_db()
    assert t.uses == 4  # the two unstamped uses and this one


def test_read_only_token_reads_but_cannot_write(users, system, tree):
    _t, key = issue(users["county"], system, read_only=True)
    c = api(key)
    assert c.get("/api/v1/orgs/").status_code == 200
    r = c.post("/api/v1/orgs/", NEW_ORG, format="json")
    assert r.status_code == 403 and r.json()["code"] == "token_read_only" and "只读" in r.json()["message"]
    assert c.delete(f"/api/v1/orgs/{tree.village_b.pk}/").status_code == 403
    from orgwork.orgs.models import Org

    assert not Org.objects.filter(name="新村党支部").exists()
    _t, rw = issue(users["county"], system)
    assert api(rw).post("/api/v1/orgs/", NEW_ORG, format="json").status_code == 201


def test_read_only_permission_class_refuses_unsafe_methods_on_its_own(users, system):
    from rest_framework.test import APIRequestFactory

    t, _key = issue(users["county"], system, read_only=True)
    perm = tokens.ReadOnlyTokenPermission()
    factory = APIRequestFactory()
    for method, allowed in (("get", True), ("head", True), ("options", True), ("post", False), ("put", False), ("patch", False), ("delete", False)):
        request = getattr(factory, method)("/")
        request.auth = t
        assert perm.has_permission(request, None) is allowed, method
    assert perm.code == "token_read_only"


def test_expired_revoked_unknown_and_malformed_tokens_are_refused(users, system):
    t, key = issue(users["county"], system, days=1)
    c = api(key)
    ApiToken.objects.filter(pk=t.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    r = c.get("/api/v1/orgs/")
    assert r.status_code == 401 and r.json()["code"] == "token_expired" and r["WWW-Authenticate"] == "Token"
    t2, key2 = issue(users["county"], system)
    tokens.revoke(actor=system, token_id=t2.pk)
    assert api(key2).get("/api/v1/orgs/").json()["code"] == "token_revoked"
    assert api("owt_nonsense").get("/api/v1/orgs/").json()["code"] == "token_invalid"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token a b")
    assert bad.get("/api/v1/orgs/").status_code == 401
    _t3, key3 = issue(users["county"], system)
    assert api(key3).get("/api/v1/orgs/").status_code == 200
    users["county"].is_active = False
    users["county"].save()
    assert api(key3).get("/api/v1/orgs/").json()["code"] == "user_inactive"


def test_bounds_on_days_and_name(users, system):
    for days in (0, -1, tokens.MAX_DAYS + 1, True):
        with pytest.raises(ServiceError) as exc:
            issue(users["county"], system, days=days)
        assert exc.value.errors[0].code == "out_of_range"
    with pytest.raises(ServiceError):
        issue(users["county"], system, name="长" * 61)
    assert ApiToken.objects.count() == 0


def _enrol(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_an_account_with_a_second_factor_gets_a_token_only_after_verifying_it(users, system):
    user = users["sec_a"]
    device = _enrol(user)
    with pytest.raises(ServiceError) as exc:
        tokens.issue(actor=system, user=user, second_factor_verified=False)
    assert exc.value.errors[0].code == "second_factor_required"
    c = Client()
    c.force_login(user)  # password only
    r = c.post("/account/token/", {"name": "x", "days": 30, "password": "Zugong#2026"})
    assert r.status_code == 302 and "/otp" in r["Location"]
    assert ApiToken.objects.count() == 0
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert c.post("/login/otp/", {"token": f"{code:06d}"}).status_code == 302
    r = c.post("/account/token/", {"name": "x", "days": 30, "read_only": "on", "password": "wrong"})
    assert r.status_code == 200 and r.context["form"].errors["password"] and ApiToken.objects.count() == 0
    r = c.post("/account/token/", {"name": "x", "days": 30, "read_only": "on", "password": "Zugong#2026"})
    key = r.context["key"]
    t = ApiToken.objects.get()
    assert t.read_only and t.key_hash == tokens.hash_key(key)
    assert key not in c.get("/account/token/").content.decode()  # shown once
    r = c.post("/account/token/", {"revoke": t.pk})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.revoked_at is not None and api(key).get("/api/v1/orgs/").status_code == 401


def test_nobody_revokes_someone_elses_token(users, system):
    from orgwork.core.actor import Actor

    t, _key = issue(users["county"], system)
    with pytest.raises(NotFound):
        tokens.revoke(actor=Actor.for_user(users["sec_a"]), token_id=t.pk)
    c = Client()
    c.force_login(users["sec_a"])
    assert c.post("/account/token/", {"revoke": t.pk}).status_code == 404
    assert c.post("/account/token/", {"revoke": "x"}).status_code == 404
    t.refresh_from_db()
    assert t.revoked_at is None


def test_tokens_are_never_deleted(users, system):
    from orgwork.core.models import HardDeleteForbidden

    t, _key = issue(users["county"], system)
    with pytest.raises(HardDeleteForbidden):
        t.delete()


def test_issue_token_command(users):
    out = StringIO()
    call_command("issue_token", "county", "--read-only", "--days", "5", stdout=out)
    key = out.getvalue().strip()
    t = ApiToken.objects.get(key_hash=tokens.hash_key(key))
    assert t.read_only and (t.expires_at - t.created_at) == dt.timedelta(days=5)
    out = StringIO()
    call_command("create_token", "county", stdout=out)  # the old name still works
    assert api(out.getvalue().strip()).post("/api/v1/orgs/", NEW_ORG, format="json").status_code == 201
    with pytest.raises(CommandError, match="不存在"):
        call_command("issue_token", "nobody")
    with pytest.raises(CommandError, match="有效天数"):
        call_command("issue_token", "county", "--days", "0")


# --- the hot path: token, user and grants in one query, nothing cached between requests -----------------------------
def test_the_token_query_reads_the_same_grants_as_the_actor(users, system, tree):
    from orgwork.core.actor import Actor
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role
    from orgwork.orgs.models import Org

    user = users["town_a"]
    grant_role(actor=system, user=user, org=tree.village_b, role=Role.SECRETARY)
    grant_role(actor=system, user=user, org=tree.county, role=Role.SYSADMIN)
    Org.objects.filter(pk=tree.village_b.pk).update(abolished_on=dt.date(2025, 1, 1))  # grants at abolished orgs lapse
    t, key = issue(user, system)
    token, grants = tokens.lookup(tokens.hash_key(key))
    assert grants == Actor.for_user(user).grants and len(grants) == 2
    assert token.pk == t.pk and token.user == user and token.user.is_staff and token.expires_at == t.expires_at
    assert tokens.lookup(tokens.hash_key("owt_unknown")) is None
    _t, lone = issue(get_user_model().objects.create_user(username="无角色", password="Zugong#2026"), system)
    assert tokens.lookup(tokens.hash_key(lone))[1] == []


def test_a_token_request_costs_one_query_before_the_view(users, system, django_assert_num_queries):
    _t, key = issue(users["county"], system, read_only=True)
    c = api(key)
    assert c.get("/api/v1/stats/").status_code == 200  # the first use stamps the token and writes token.use
    url = f"/api/v1/stats/?org={users['county'].role_assignments.get().org_id}"
    from django.db import connection

    # the token with its user and grants; the org with its counters — in one round trip on PostgreSQL (the view's
    # read_with_token), two statements on SQLite
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        assert c.get(url).status_code == 200
    tokens.revoke(actor=system, token_id=_t.pk)  # the counters read with a revoked token are never answered
    r = c.get(url)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked" and "members" not in r.json()


def test_withdrawn_roles_revoked_tokens_and_disabled_accounts_count_from_the_next_request(users, system, tree):
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role, revoke_role

    user = users["town_a"]
    t, key = issue(user, system)
    c = api(key)
    assert c.get(f"/api/v1/orgs/{tree.town_a.pk}/").status_code == 200
    assert c.get(f"/api/v1/orgs/{tree.town_b.pk}/").status_code == 404
    extra = grant_role(actor=system, user=user, org=tree.town_b, role=Role.ORG_ADMIN)
    assert c.get(f"/api/v1/orgs/{tree.town_b.pk}/").status_code == 200  # a new grant: at once
    revoke_role(actor=system, assignment_id=extra.pk)
    assert c.get(f"/api/v1/orgs/{tree.town_b.pk}/").status_code == 404  # withdrawn: at once
    revoke_role(actor=system, assignment_id=user.role_assignments.get(revoked_at__isnull=True).pk)
    r = c.get(f"/api/v1/orgs/{tree.town_a.pk}/")
    assert r.status_code == 403 and r.json()["code"] == "no_scope"  # no role left: the gate refuses
    grant_role(actor=system, user=user, org=tree.town_a, role=Role.ORG_ADMIN)
    assert c.get(f"/api/v1/orgs/{tree.town_a.pk}/").status_code == 200
    tokens.revoke(actor=system, token_id=t.pk)
    assert c.get(f"/api/v1/orgs/{tree.town_a.pk}/").json()["code"] == "token_revoked"
    _t2, key2 = issue(user, system)
    assert api(key2).get(f"/api/v1/orgs/{tree.town_a.pk}/").status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert api(key2).get(f"/api/v1/orgs/{tree.town_a.pk}/").json()["code"] == "user_inactive"
