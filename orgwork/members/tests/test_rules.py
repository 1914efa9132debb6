"""党龄 (party standing) counts from full membership: 《中国共产党章程》第七条 —
“党员的党龄，从预备期满转为正式党员之日算起。”"""

import datetime as dt
import re

import pytest
from django.test import Client

from orgwork.members.rules import party_standing_start, party_standing_year, party_standing_years

JOINED, CONFIRMED = dt.date(2024, 1, 29), dt.date(2025, 1, 29)


def test_party_standing_counts_from_confirmation_not_joining():
    assert party_standing_start(category="full", joined_on=JOINED, confirmed_on=CONFIRMED) == CONFIRMED
    assert party_standing_years(category="full", joined_on=JOINED, confirmed_on=CONFIRMED, on=dt.date(2026, 12, 3)) == 1
    assert party_standing_years(category="full", joined_on=JOINED, confirmed_on=CONFIRMED, on=dt.date(2027, 1, 29)) == 2


def test_probationary_member_has_no_party_standing_and_a_missing_confirmation_date_never_inflates_it():
    assert party_standing_years(category="probationary", joined_on=JOINED, confirmed_on=None, on=dt.date(2026, 12, 3)) is None
    # no confirmation date recorded: from the end of the one-year probation (党章第七条), not from joining
    assert party_standing_start(category="full", joined_on=JOINED, confirmed_on=None) == dt.date(2025, 1, 29)
    assert party_standing_year(category="full", joined_year=2024, confirmed_year=None) == 2025
    assert party_standing_year(category="full", joined_year=2024, confirmed_year=2025) == 2025
    assert party_standing_year(category="probationary", joined_year=2024, confirmed_year=None) is None


@pytest.mark.django_db
def test_member_page_and_phone_page_show_party_standing_from_confirmation(users, tree, make_member):
    """The rule is applied once (members.rules) and every page reads it."""
    from orgwork.core.normalize import years_between

    m = make_member(tree.village_a, name="郑新", joined=JOINED, confirmed_on=CONFIRMED)
    today = dt.date.today()
    expected = years_between(CONFIRMED, today)
    assert m.party_standing_years(dt.date(2026, 12, 3)) == 1
    c = Client()
    c.force_login(users["county"])
    body = c.get(f"/members/{m.pk}/").content.decode()
    shown = re.search(r'data-testid="party-age">\s*(\d+)', body)
    assert shown and int(shown.group(1)) == expected
    # the phone page: link the member to the member-role user's record and read /me/
    own = users["member_a_record"]
    own_body = Client()
    own_body.force_login(users["member_a"])
    page = own_body.get("/me/").content.decode()
    shown = re.search(r'data-testid="party-age">\s*(\d+)', page)
    assert shown and int(shown.group(1)) == years_between(own.confirmed_on, today)
