"""Posts and console roles stay together: appointing to a post grants the matching role over the org, ending the
post ends it, both audited; a role without a post is shown as such."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from orgwork.core.actor import Actor
from orgwork.core.models import AuditEvent, Role, RoleAssignment
from orgwork.core.services import grant_role
from orgwork.members import services as member_services
from orgwork.orgs import selectors, services
from orgwork.orgs.models import post_role


def test_which_posts_grant_which_role():
    assert post_role("branch", "secretary") == Role.SECRETARY
    assert post_role("joint_branch", "organization") == Role.SECRETARY
    assert post_role("committee", "deputy_secretary") == Role.ORG_ADMIN
    assert post_role("general_branch", "secretary") == Role.ORG_ADMIN
    assert post_role("branch", "publicity") is None and post_role("group", "group_leader") is None


@pytest.mark.django_db
def test_appointing_grants_and_ending_revokes_the_console_role(tree, make_member, system, client):
    user = get_user_model().objects.create_user(username="li_sec", password="Zugong#2026", first_name="李书记")
    m = make_member(tree.village_a, name="李书记")
    member_services.link_user(actor=system, member_id=m.pk, user=user)
    grant_role(actor=system, user=user, org=tree.village_a, role=Role.MEMBER)
    officer = services.appoint_officer(actor=system, org_id=tree.village_a.pk, name="李书记", post="secretary", member_id=m.pk, started_on=dt.date(2025, 1, 1))
    ra = officer.role_assignment
    assert (ra.user, ra.org, ra.role, ra.revoked_at) == (user, tree.village_a, Role.SECRETARY, None)
    assert AuditEvent.objects.filter(action="role.grant", object_id=str(ra.pk)).exists()
    assert AuditEvent.objects.filter(action="org.officer_role", object_id=str(officer.pk)).exists()
    # the account now reaches the console, scoped to its branch
    actor = Actor.for_user(user)
    assert actor.subtree_paths(write=True) == [tree.village_a.path]
    client.force_login(user)
    assert client.get("/").status_code == 200
    # shown with its post on the org page
    rows = selectors.console_roles(tree.village_a)
    assert [(r["who"], r["role"], [p.post for p in r["posts"]]) for r in rows] == [("李书记", "支部书记/组织委员", ["secretary"])]
    services.end_officer(actor=system, officer_id=officer.pk, on=dt.date(2026, 11, 1), reason="换届")
    ra.refresh_from_db()
    assert ra.revoked_at is not None
    assert AuditEvent.objects.filter(action="role.revoke", object_id=str(ra.pk)).exists()
    assert AuditEvent.objects.get(action="org.officer_end", object_id=str(officer.pk)).data["role_revoked"] == ra.pk
    assert Actor.for_user(user).subtree_paths(write=True) == []
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"].endswith("/me/")  # back to the member's own pages


@pytest.mark.django_db
def test_a_post_held_before_the_account_is_linked_grants_on_linking(tree, make_member, system):
    m = make_member(tree.village_b, name="王组织")
    officer = services.appoint_officer(actor=system, org_id=tree.village_b.pk, name="王组织", post="organization", member_id=m.pk)
    assert officer.role_assignment is None  # no account yet
    user = get_user_model().objects.create_user(username="wang", password="x")
    member_services.link_user(actor=system, member_id=m.pk, user=user)
    officer.refresh_from_db()
    assert officer.role_assignment.role == Role.SECRETARY and officer.role_assignment.user == user
    # a publicity seat grants nothing
    other = services.appoint_officer(actor=system, org_id=tree.village_b.pk, name="王组织", post="publicity", member_id=m.pk)
    assert other.role_assignment is None


@pytest.mark.django_db
def test_a_role_without_a_post_is_shown_as_such(tree, users):
    rows = selectors.console_roles(tree.village_a)
    assert [(r["who"] or "", r["posts"]) for r in rows if r["assignment"].user == users["sec_a"]] == [("—", [])]
    assert RoleAssignment.objects.filter(user=users["sec_a"]).exists()


@pytest.mark.django_db
def test_org_page_lists_roles_and_names_the_seat_holder_by_name(tree, users, make_member, client, system):
    m = make_member(tree.village_a, name="赵同名")
    make_member(tree.village_b, name="赵同名")  # outside the branch: not a candidate
    client.force_login(users["county"])
    r = client.post(f"/orgs/{tree.village_a.pk}/officers/new/", {"name": "赵同名", "post": "deputy_secretary"})
    assert r.status_code == 302
    officer = selectors.officers(tree.village_a).get(post="deputy_secretary")
    assert officer.member_id == m.pk
    page = client.get(f"/orgs/{tree.village_a.pk}/").content.decode()
    assert "无对应职务（单独授权）" in page  # sec_a's grant has no post
    assert "本人尚无账号" in page  # 赵同名 has no account yet
