"""The member detail API builds its JSON directly: it must equal what MemberSerializer gives."""

import datetime as dt

import pytest

from orgwork.members.api import MemberSerializer, member_representation
from orgwork.members.models import Member


@pytest.mark.django_db
def test_direct_representation_equals_the_serializer(tree, make_member, system):
    from orgwork.members import services

    a = make_member(tree.village_a, name="甲村员", phone="13800138000", education="bachelor", ethnicity="汉族", job="农民", address="红旗村1号")
    b = make_member(tree.office_b, name="乙机关员", category="probationary", joined=dt.date(2025, 3, 1), birth=dt.date(1990, 2, 3), male=False)
    services.change_status(actor=system, member_id=a.pk, action="suspend", on=dt.date(2025, 1, 2), reason="测试") if hasattr(services, "change_status") else None
    for m in Member.objects.select_related("org").filter(pk__in=[a.pk, b.pk]):
        for full in ((), ("id_number",), ("id_number", "phone")):
            assert member_representation(m, full) == dict(MemberSerializer(m, context={"full_fields": list(full)}).data)


@pytest.mark.django_db
def test_detail_read_is_one_query_after_the_token_and_follows_the_scope_of_the_row_read(tree, users, make_member, api, system, django_assert_num_queries):
    from orgwork.core.actor import Actor
    from orgwork.core.models import AuditEvent, Role
    from orgwork.core.scope import covers, scope
    from orgwork.core.services import grant_role
    from orgwork.members import selectors

    a = make_member(tree.village_a, name="甲村员", phone="13800138000")
    b = make_member(tree.village_b, name="乙村员", phone="13900139000")
    # A town-B secretary who is also the member record `a` (self-only read of their own record outside the subtree).
    both = users["sec_b"]
    grant_role(actor=system, user=both, org=tree.village_a, role=Role.MEMBER)
    from orgwork.members import services as member_services

    member_services.link_user(actor=system, member_id=a.pk, user=both)
    members = list(Member.objects.select_related("org"))
    for name in ("sysadmin", "county", "town_a", "sec_a", "sec_b", "member_a"):
        actor = Actor.for_user(users[name])
        for m in members:
            assert covers(actor, m.org.path, model=Member, member_id=m.pk) == scope(Member.objects.filter(pk=m.pk), actor).exists(), (name, m.name)
            if covers(actor, m.org.path, model=Member, member_id=m.pk):
                assert selectors.member_detail(actor, m.pk).org.name == m.org.name
    # Through the API: the town-A admin reads `a` (full values, audited), not `b` (404 like a missing id).
    c = api(users["town_a"])
    c.get(f"/api/v1/members/{a.pk}/")
    before = AuditEvent.objects.filter(action="personal.read").count()
    from django.db import connection

    # token with grants; member with org; the audit event (core.audit.record_many inside the test's transaction):
    # savepoint, head UPDATE … RETURNING, then on PostgreSQL the events and the head in one statement, on SQLite the
    # insert and the head update, release
    with django_assert_num_queries(2 + (4 if connection.vendor == "postgresql" else 5)):
        data = c.get(f"/api/v1/members/{a.pk}/").json()
    assert data["phone"] == "13800138000" and data["org_name"] == "红旗村党支部"
    assert AuditEvent.objects.filter(action="personal.read").count() == before + 1  # every full read is an event
    assert c.get(f"/api/v1/members/{b.pk}/").status_code == 404
    assert c.get("/api/v1/members/999999999/").status_code == 404
    assert c.get("/api/v1/members/9999999999999999999/").status_code == 404
    s = api(users["sysadmin"])
    s.get(f"/api/v1/members/{b.pk}/")
    with django_assert_num_queries(2):  # the masked read of an operator: token with grants, member with org
        masked = s.get(f"/api/v1/members/{b.pk}/").json()
    assert masked["phone"] == "139****9000" and masked == member_representation(Member.objects.select_related("org").get(pk=b.pk))
    assert api(users["sec_b"]).get(f"/api/v1/members/{a.pk}/").status_code == 200  # own record, through SCOPE_MEMBER
