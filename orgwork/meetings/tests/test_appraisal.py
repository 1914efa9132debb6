import pytest

from orgwork.core.errors import ServiceError
from orgwork.meetings import appraisal, selectors
from orgwork.meetings.models import Grade

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "votes,grade",
    [
        ((6, 4, 0, 0), Grade.EXCELLENT),  # more than half say excellent
        ((5, 5, 0, 0), Grade.QUALIFIED),  # exactly half is not more than half
        ((1, 8, 1, 0), Grade.QUALIFIED),
        ((0, 4, 4, 2), Grade.BASIC),  # basic + unqualified more than half
        ((0, 2, 2, 6), Grade.UNQUALIFIED),  # more than half say unqualified
        ((0, 5, 0, 5), Grade.QUALIFIED),  # half is not enough for either
        ((0, 0, 0, 0), ""),
    ],
)
def test_rating_suggests_a_grade(votes, grade):
    e, q, b, u = votes
    assert appraisal.suggest_grade(excellent=e, qualified=q, basic=b, unqualified=u) == grade


def test_grades_are_the_four_of_the_rules():
    assert [g.label for g in Grade] == ["优秀", "合格", "基本合格", "不合格"]


@pytest.fixture
def round_(tree, system, make_member):
    members = [make_member(tree.village_a, name=n) for n in ("甲", "乙", "丙", "丁")]
    r = appraisal.start_round(actor=system, org_id=tree.village_a.pk, year=2026)
    return r, members


def test_the_stages_run_in_order(system, round_):
    r, (a, b, c, d) = round_
    assert r.entries.count() == 4
    with pytest.raises(ServiceError):
        appraisal.record_mutual(actor=system, round_id=r.pk, member_id=a.pk, comments="x")
    appraisal.submit_self(actor=system, round_id=r.pk, member_id=a.pk, text="认真学习", grade="qualified")
    appraisal.advance(actor=system, round_id=r.pk)
    appraisal.record_mutual(actor=system, round_id=r.pk, member_id=a.pk, comments="积极")
    appraisal.advance(actor=system, round_id=r.pk)
    with pytest.raises(ServiceError) as e:
        appraisal.record_rating(actor=system, round_id=r.pk, member_id=a.pk, excellent=3, qualified=2, basic=0, unqualified=0, voters=4)
    assert e.value.errors[0].code == "too_many_votes"
    entry = appraisal.record_rating(actor=system, round_id=r.pk, member_id=d.pk, excellent=0, qualified=1, basic=0, unqualified=3, voters=4)
    assert entry.suggested_grade == "unqualified"


def test_decide_checks_reasons_and_the_excellent_share(system, round_):
    r, (a, b, c, d) = round_
    appraisal.advance(actor=system, round_id=r.pk)
    appraisal.advance(actor=system, round_id=r.pk)
    appraisal.record_rating(actor=system, round_id=r.pk, member_id=d.pk, excellent=0, qualified=1, basic=0, unqualified=3, voters=4)
    with pytest.raises(ServiceError) as e:
        appraisal.decide(actor=system, round_id=r.pk, grades={a.pk: "qualified"})
    assert e.value.errors[0].code == "incomplete"
    with pytest.raises(ServiceError) as e:
        appraisal.decide(actor=system, round_id=r.pk, grades={a.pk: "excellent", b.pk: "excellent", c.pk: "qualified", d.pk: ("qualified", "")})
    codes = {x.code for x in e.value.errors}
    assert codes == {"reason_required", "too_many_excellent"}
    appraisal.decide(actor=system, round_id=r.pk, grades={a.pk: "excellent", b.pk: "qualified", c.pk: "basic", d.pk: "unqualified"})
    grades = dict(r.entries.values_list("member_id", "grade"))
    assert grades == {a.pk: "excellent", b.pk: "qualified", c.pk: "basic", d.pk: "unqualified"}


def test_unqualified_member_is_handed_to_the_handling_procedure(system, round_):
    r, (a, b, c, d) = round_
    seen = []
    appraisal.register_handler(lambda *, actor, entry: seen.append(entry.member_id) or "HANDLE-1")
    try:
        appraisal.advance(actor=system, round_id=r.pk)
        appraisal.advance(actor=system, round_id=r.pk)
        appraisal.decide(actor=system, round_id=r.pk, grades={a.pk: "qualified", b.pk: "qualified", c.pk: "qualified", d.pk: "unqualified"})
        with pytest.raises(ServiceError) as e:
            appraisal.advance(actor=system, round_id=r.pk)  # cannot close with an unqualified member unhandled
        assert e.value.errors[0].code == "pending"
        with pytest.raises(ServiceError):
            appraisal.hand_over(actor=system, round_id=r.pk, member_id=a.pk)
        entry = appraisal.hand_over(actor=system, round_id=r.pk, member_id=d.pk)
        assert entry.handling == "handed_over" and entry.handling_ref == "HANDLE-1" and seen == [d.pk]
        appraisal.advance(actor=system, round_id=r.pk)
    finally:
        appraisal._HANDLERS.clear()
    # on the member's file
    file = list(selectors.member_appraisals(system, d.pk))
    assert [(x.round.year, x.grade) for x in file] == [(2026, "unqualified")]


def test_one_round_per_branch_and_year(system, round_, tree):
    with pytest.raises(ServiceError):
        appraisal.start_round(actor=system, org_id=tree.village_a.pk, year=2026)
    with pytest.raises(ServiceError):
        appraisal.start_round(actor=system, org_id=tree.town_a.pk, year=2026)
