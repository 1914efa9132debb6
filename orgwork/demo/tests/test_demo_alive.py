"""The demo county shows every module alive, and its accounts reach what their posts say."""

import pytest
from django.contrib.auth import get_user_model

from orgwork.core.models import Role
from orgwork.demo.generator import build_county
from orgwork.orgs.models import OrgOfficer


@pytest.fixture
def county(db):
    return build_county(members=400, activity=True)


def test_the_member_account_is_the_branch_secretary_and_reaches_the_secretary_console(county, client):
    user = get_user_model().objects.get(username="member")
    officer = OrgOfficer.objects.get(member__user=user, post="secretary", ended_on__isnull=True)
    assert officer.role_assignment.role == Role.SECRETARY and officer.role_assignment.revoked_at is None
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200  # the console, not the member's own page
    assert client.get("/me/").status_code == 200  # and still the member's own page


def test_every_module_has_something_to_show(county):
    from orgwork.core.actor import Actor
    from orgwork.dues import selectors as dues_selectors
    from orgwork.lifecycle.models import MobileRegistration, Transfer
    from orgwork.recruitment.models import Applicant

    system = Actor.system_actor("test")
    stages = set(Applicant.objects.values_list("procedure__stage", flat=True))
    assert {"applicant", "activist", "candidate"} <= stages and ({"probation"} & stages or Applicant.objects.filter(member__isnull=False).exists())
    assert Transfer.objects.filter(status="pending").exists() and Transfer.objects.filter(status="letter_issued").exists()
    assert Transfer.objects.filter(status="returned").exists() and Transfer.objects.filter(kind="in", late_days__gt=0).exists()
    assert MobileRegistration.objects.filter(status="away").count() >= 3
    arrears = dues_selectors.arrears(system, min_months=3)
    assert any(a.flagged for a in arrears) and any(not a.flagged and not a.no_base for a in arrears)
    from orgwork.orgs.selectors import term_reminders

    assert list(term_reminders(system))  # a term ends within the reminder window: an election is due
    assert county.activity["dues_months"] > 1000
