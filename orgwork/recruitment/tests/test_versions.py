"""Rule versions: a 2026 revision added as data only, and the county-switchable “两考两票两审两公示” rule set (seed 002)."""

import datetime as dt

import pytest

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.core.rules import register, unregister
from orgwork.recruitment import services
from orgwork.recruitment.rules import KIND, RULES_2014, VARIANT

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_2026():
    """The 2026 revision's text is not at hand: a variant with one changed number, as data only."""
    rs = register(RULES_2014.derive(version="2026", effective=D(2026, 1, 1), source="测试：2026年修订（假设公示7个工作日）", notice_working_days=7))
    yield rs
    unregister(rs.name, rs.version)


def test_a_2026_rule_set_added_as_data_runs_a_procedure_and_old_ones_keep_2014(pipeline, rules_2026):
    old = pipeline.apply()
    assert old.procedure.rule_version == "2014"
    # chosen by date for an application made after it takes effect
    fresh = pipeline.apply(name="李新", birth=D(2000, 2, 2), applied_on=D(2026, 3, 2))
    assert fresh.procedure.rule_version == "2026"
    pipeline.step(fresh, "talk", done_on=D(2026, 3, 20))
    # and a whole procedure runs under it: the changed number is the only difference
    explicit = pipeline.apply(name="周全", birth=D(1992, 2, 2), version="2026")
    pipeline.run(explicit, through="pre_review")
    pipeline.run(old, through="pre_review")
    new_notice, old_notice = proc.notices(explicit.procedure)[0], proc.notices(old.procedure)[0]
    assert (new_notice.working_days, new_notice.ends_on) == (7, D(2024, 6, 14))
    assert (old_notice.working_days, old_notice.ends_on) == (5, D(2024, 6, 12))
    explicit.procedure.refresh_from_db()
    assert explicit.procedure.rule_version == "2026"
    with pytest.raises(ServiceError) as exc:
        pipeline.step(explicit, "form", done_on=D(2024, 6, 14))
    assert exc.value.errors[0].code == "notice_running"
    for step in ["form", "general_meeting", "higher_talk", "approval"]:
        pipeline.step(explicit, step, done_on=max(D(2024, 6, 17), _script_date(step)))
    explicit.refresh_from_db()
    assert explicit.member is not None


def _script_date(step):
    from .conftest import SCRIPT

    return next(on for key, on, *_ in SCRIPT if key == step)


def test_two_exams_two_votes_two_reviews_two_notices_when_the_county_switches_it_on(pipeline, system, tree, users):
    """Seed 002: 理论考试和支部考察、群众满意票和党员赞成票、乡镇党委审查和县委审查、村内公示和上级公示."""
    services.set_local_rules(actor=system, org_id=tree.county.pk, enabled=True)
    a = pipeline.apply()
    b = pipeline.apply(name="钱多", birth=D(1990, 1, 1), org=tree.village_b)
    assert a.procedure.rule_version == VARIANT and b.procedure.rule_version == VARIANT
    d = proc.definition(KIND, version=VARIANT)
    assert len(d.steps) == 30
    pipeline.run(a, through="training")

    def step(key, on, data=None, actor=None, **kw):
        return services.complete_step(actor=actor or system, applicant_id=a.pk, step=key, done_on=on, data=data or {}, **kw)

    with pytest.raises(ServiceError) as exc:
        step("theory_exam", D(2024, 5, 22), {"score": 55})
    assert exc.value.errors[0].code == "not_passed"
    step("theory_exam", D(2024, 5, 22), {"score": 82})
    step("branch_inspection", D(2024, 5, 24), {"conclusion": "pass"})
    step("committee_review", D(2024, 6, 3), {"conclusion": "pass"})
    with pytest.raises(ServiceError) as exc:
        step("mass_vote", D(2024, 6, 3), {"polled": 40, "satisfied": 20})
    assert exc.value.errors[0].code == "not_passed"
    step("mass_vote", D(2024, 6, 3), {"polled": 40, "satisfied": 36})
    step("village_notice", D(2024, 6, 4), {"notice_place": "村务公开栏"})
    with pytest.raises(ServiceError):
        step("pre_review", D(2024, 6, 11), {"conclusion": "pass", "notice_place": "镇政务公开栏"})  # village notice runs to 6-11
    step("pre_review", D(2024, 6, 12), {"conclusion": "pass", "notice_place": "镇政务公开栏"})
    with pytest.raises(PermissionDenied):  # the township cannot do the county's review
        step("county_review", D(2024, 6, 19), {"conclusion": "pass"}, actor=Actor.for_user(users["town_a"]))
    step("county_review", D(2024, 6, 19), {"conclusion": "pass"}, actor=Actor.for_user(users["county"]))
    assert [n.title for n in proc.notices(a.procedure)] == ["关于王小明同志列为拟接收预备党员对象的村内公示", "关于王小明同志拟接收为预备党员的公示"]
    step("form", D(2024, 6, 19), documents={"入党志愿书": "0012345"})
    step("general_meeting", D(2024, 6, 20), {"entitled": 10, "present": 8, "in_favour": 7})
    # switched off: new applications follow the 2014 rules again; running ones keep theirs
    services.set_local_rules(actor=system, org_id=tree.county.pk, enabled=False)
    assert pipeline.apply(name="孙新", birth=D(1991, 1, 1), applied_on=D(2024, 3, 1)).procedure.rule_version == "2014"
    a.procedure.refresh_from_db()
    assert a.procedure.rule_version == VARIANT


def test_only_the_department_switches_the_local_rule_set(tree, users):
    with pytest.raises(PermissionDenied):
        services.set_local_rules(actor=Actor.for_user(users["town_a"]), org_id=tree.town_a.pk, enabled=True)
