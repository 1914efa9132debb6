"""The demo county shows every module alive, and its accounts reach what their posts say."""

import pytest
from django.contrib.auth import get_user_model

from orgwork.core.models import Role
from orgwork.demo.generator import build_county
from orgwork.orgs.models import OrgOfficer


@pytest.fixture
def county(db):
    return build_county(members=400)


def test_the_member_account_is_the_branch_secretary_and_reaches_the_secretary_console(county, client):
    user = get_user_model().objects.get(username="member")
    officer = OrgOfficer.objects.get(member__user=user, post="secretary", ended_on__isnull=True)
    assert officer.role_assignment.role == Role.SECRETARY and officer.role_assignment.revoked_at is None
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200  # the console, not the member's own page
    assert client.get("/me/").status_code == 200  # and still the member's own page
