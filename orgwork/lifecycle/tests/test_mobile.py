import datetime as dt

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.lifecycle import selectors
from orgwork.lifecycle.rules import mobile_rules
from orgwork.lifecycle.services import mobile

D = dt.date
TODAY = D(2026, 11, 20)


@pytest.fixture
def away(tree, make_member, system):
    m = make_member(tree.village_a, name="外出")
    return mobile.register(
        actor=system, member_id=m.pk, left_on=D(2026, 5, 20), destination="广东省深圳市", workplace="某电子厂", home_contact="村支书王某",
        home_contact_phone="13800000000", card_number="LD-0001", expected_return=D(2027, 2, 1), today=TODAY,
    )


def test_mobile_limits_cite_the_regulation():
    r = mobile_rules(version="2019")
    assert (r["away_flag_months"], r["no_contact_suspend_months"]) == (6, 6)  # 条例第32–34条; rules.md §2
    assert "第三十二至三十四条" in r.source


@pytest.mark.django_db
def test_registration_needs_destination_and_a_named_contact(tree, make_member, system):
    m = make_member(tree.village_a)
    with pytest.raises(ServiceError) as exc:
        mobile.register(actor=system, member_id=m.pk, left_on=D(2026, 5, 1), destination="", home_contact="", today=TODAY)
    assert {e.field for e in exc.value.errors} == {"destination", "home_contact"}


@pytest.mark.django_db
def test_only_one_open_registration(away, system):
    with pytest.raises(ServiceError) as exc:
        mobile.register(actor=system, member_id=away.member_id, left_on=D(2026, 6, 1), destination="x", home_contact="y", today=TODAY)
    assert exc.value.errors[0].code == "duplicate_existing"


@pytest.mark.django_db
def test_away_flag_at_exactly_six_months(away, system):
    # 条例第32条: 外出6个月以上 — flagged on the day six months are complete, not the day before.
    flag = {f.registration.pk: f for f in selectors.mobile_flags(system, today=D(2026, 11, 19))}[away.pk]
    assert (flag.away_flag, flag.away_flag_on) == (False, D(2026, 11, 20))
    flag = {f.registration.pk: f for f in selectors.mobile_flags(system, today=D(2026, 11, 20))}[away.pk]
    assert flag.away_flag is True
    assert selectors.flagged_counts(system, today=D(2026, 11, 19)) == (0, 0)
    assert selectors.flagged_counts(system, today=D(2026, 11, 20)) == (1, 1)


@pytest.mark.django_db
def test_contact_resets_the_no_contact_clock(away, system):
    mobile.record_contact(actor=system, registration_id=away.pk, contacted_on=D(2026, 8, 31), channel="电话", note="在厂务工，情况良好", today=TODAY)
    flag = {f.registration.pk: f for f in selectors.mobile_flags(system, today=TODAY)}[away.pk]
    assert (flag.away_flag, flag.no_contact_flag, flag.no_contact_flag_on) == (True, False, D(2027, 2, 28))
    assert selectors.flagged_counts(system, today=D(2027, 2, 27)) == (1, 0)
    assert selectors.flagged_counts(system, today=D(2027, 2, 28)) == (1, 1)


@pytest.mark.django_db
def test_no_contact_six_months_proposes_suspension_for_a_person_to_decide(away, system):
    with pytest.raises(ServiceError) as exc:
        mobile.propose_suspension(actor=system, registration_id=away.pk, on=D(2026, 11, 19), today=TODAY)
    assert exc.value.errors[0].code == "too_early"
    inst = mobile.propose_suspension(actor=system, registration_id=away.pk, on=D(2026, 11, 20), today=TODAY)
    away.member.refresh_from_db()
    assert away.member.standing == "normal"  # a proposal, not a decision
    assert (inst.kind, inst.step, inst.data["source"]) == ("member_suspension", "propose", "mobile_no_contact")
    flag = {f.registration.pk: f for f in selectors.mobile_flags(system, today=TODAY)}[away.pk]
    assert flag.no_contact_flag is False  # already proposed
    with pytest.raises(ServiceError):
        mobile.propose_suspension(actor=system, registration_id=away.pk, on=D(2026, 11, 20), today=TODAY)


@pytest.mark.django_db
def test_attached_to_a_mobile_member_branch_at_the_destination(away, tree, users, system):
    # 条例第33条: the member may take part in the activities of the organization where they now live.
    mobile.attach(actor=system, registration_id=away.pk, org_id=tree.office_b.pk, on=D(2026, 6, 1), today=TODAY)
    other = Actor.for_user(users["sec_b"])  # 红旗村 of town B: not the attached org
    assert not selectors.attached_here(other).exists()
    town_b_admin = Actor.system_actor()
    assert list(selectors.attached_here(town_b_admin)) == [away]
    with pytest.raises(NotFound):
        mobile.record_contact(actor=other, registration_id=away.pk, contacted_on=D(2026, 7, 1), today=TODAY)


@pytest.mark.django_db
def test_end_registration_on_return(away, system):
    mobile.end(actor=system, registration_id=away.pk, on=D(2026, 11, 1), status="returned", reason="返乡", today=TODAY)
    assert not selectors.registrations(system).exists()
    assert selectors.mobile_flags(system, today=TODAY) == []


def test_cutoff_matches_add_months_at_month_ends():
    from orgwork.core.normalize import add_months
    from orgwork.lifecycle.selectors import cutoff

    start = D(2025, 1, 1)
    for i in range(800):
        today = start + dt.timedelta(days=i)
        c = cutoff(today, 6)
        assert add_months(c, 6) <= today < add_months(c + dt.timedelta(days=1), 6)
