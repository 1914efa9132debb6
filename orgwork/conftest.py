"""Shared fixtures: a small tree with repeated names, users at several levels, API clients."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.members import services as member_services
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector

# A loaded 2-core CI machine makes input generation slow; the properties still run their examples.
hypothesis_settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ci")

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: Django's LocaleMiddleware activates a request's language in the
    thread and leaves it there, so a test that browsed in English would turn the next test's messages English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is slow on purpose; tests use a fast hasher unless they check the real one (marker `argon2`)."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def system():
    return Actor.system_actor("test")


def make_id(birth: dt.date, male: bool = True) -> str:
    n = next(_seq) % 499 + 1
    return idcard.make("511526", birth, 2 * n - 1 if male else 2 * n)


@pytest.fixture
def make_member(system):
    def _make(org, *, name="张三", birth=dt.date(1980, 5, 6), male=True, category="full", joined=dt.date(2005, 7, 1), **extra):
        values = dict(
            name=name,
            id_number=make_id(birth, male),
            category=category,
            joined_on=joined,
            confirmed_on=joined.replace(year=joined.year + 1) if category == "full" else None,
        )
        values.update(extra)
        return member_services.create_member(actor=system, org_id=org.pk, **values)

    return _make


class Tree:
    """county ─┬─ townA ─┬─ 红旗村党支部 ─ 第一党小组
               │         └─ 机关党支部
               └─ townB ─┬─ 红旗村党支部      (same name as in townA)
                         └─ 机关党支部"""


@pytest.fixture
def tree(system):
    t = Tree()
    t.county = org_services.create_org(actor=system, parent_id=None, name="中共测试县委员会", kind=OrgKind.COMMITTEE, sector=Sector.AGENCY, code="C001")
    t.town_a = org_services.create_org(actor=system, parent_id=t.county.pk, name="中共甲镇委员会", short_name="甲镇党委", kind=OrgKind.COMMITTEE, sector=Sector.RURAL)
    t.town_b = org_services.create_org(actor=system, parent_id=t.county.pk, name="中共乙镇委员会", short_name="乙镇党委", kind=OrgKind.COMMITTEE, sector=Sector.RURAL)
    t.village_a = org_services.create_org(actor=system, parent_id=t.town_a.pk, name="红旗村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    t.office_a = org_services.create_org(actor=system, parent_id=t.town_a.pk, name="机关党支部", kind=OrgKind.BRANCH, sector=Sector.AGENCY)
    t.village_b = org_services.create_org(actor=system, parent_id=t.town_b.pk, name="红旗村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    t.office_b = org_services.create_org(actor=system, parent_id=t.town_b.pk, name="机关党支部", kind=OrgKind.BRANCH, sector=Sector.AGENCY)
    t.group_a = org_services.create_org(actor=system, parent_id=t.village_a.pk, name="第一党小组", kind=OrgKind.GROUP, sector=Sector.RURAL)
    return t


@pytest.fixture
def users(tree, system, make_member):
    """One user per role level, and a member linked to a user account."""
    User = get_user_model()
    out = {}

    def user(name, grants, **kw):
        u = User.objects.create_user(username=name, password="Zugong#2026", **kw)
        for org, role in grants:
            grant_role(actor=system, user=u, org=org, role=role)
        out[name] = u
        return u

    user("sysadmin", [(tree.county, Role.SYSADMIN)], is_staff=True)
    user("county", [(tree.county, Role.DEPT_ADMIN)], is_staff=True)
    user("town_a", [(tree.town_a, Role.ORG_ADMIN)], is_staff=True)
    user("sec_a", [(tree.village_a, Role.SECRETARY)], is_staff=True)
    user("sec_b", [(tree.village_b, Role.SECRETARY)], is_staff=True)
    mu = user("member_a", [(tree.village_a, Role.MEMBER)])
    m = make_member(tree.village_a, name="李四", birth=dt.date(1975, 3, 2))
    member_services.link_user(actor=system, member_id=m.pk, user=mu)
    out["member_a_record"] = m
    return out


@pytest.fixture
def api():
    def _client(user=None):
        # The real machine path: a token in the Authorization header, through the gate (not force_authenticate).
        from orgwork.core.tokens import operator_key

        c = APIClient()
        if user is not None:
            c.credentials(HTTP_AUTHORIZATION="Token " + operator_key(user, name="测试"))
        return c

    return _client
