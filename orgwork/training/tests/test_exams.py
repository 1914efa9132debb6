"""Study exams and grades (seed 001; rules.md §7): 优秀/良好/一般/较差 by thresholds as data, and the one query
awards and cadre selection call: a 较差 in a year → not eligible for awards or promotion that year."""

import datetime as dt
from decimal import Decimal

import pytest

from orgwork.conftest import make_id
from orgwork.core.errors import ServiceError
from orgwork.core.rules import rule
from orgwork.training import selectors, services
from orgwork.training.models import ExamScore, Grade, Trainee
from orgwork.training.rules import EXAM_GRADES, grade_for, grade_rules

pytestmark = pytest.mark.django_db


def test_grade_bands_are_rule_data_citing_rules_md_7():
    rules = grade_rules(dt.date(2026, 6, 1))
    assert "rules.md §7" in rules["cites"] and "较差" in rules.source  # seed 001: four grades, 较差 bars awards and promotion
    assert rules["bars_awards_and_promotion"] == ("poor",)
    full = Decimal(100)
    assert [grade_for(Decimal(s), full, rules) for s in ("100", "90", "89.9", "80", "79.9", "60", "59.9", "0")] == [
        "excellent", "excellent", "good", "good", "fair", "fair", "poor", "poor",
    ]  # fmt: skip
    assert grade_for(Decimal(45), Decimal(50), rules) == "excellent"  # bands are shares of the exam's full marks
    with pytest.raises(ServiceError) as exc:
        grade_rules(dt.date(2010, 12, 31))
    assert exc.value.errors[0].code == "no_rule_in_force"


def test_study_grade_poor_true_and_false(tree, users, make_member, system):
    member = make_member(tree.village_a, name="王五", birth=dt.date(1970, 1, 2))
    cadre_id = make_id(dt.date(1975, 4, 4))
    services.register_person(actor=system, id_number=cadre_id, name="赵六", org_id=tree.town_a.pk, role="township", post="副镇长")
    exam = services.create_exam(actor=system, org_id=tree.county.pk, title="2025年度干部考学", year=2025, held_on=dt.date(2025, 11, 20))
    services.record_score(actor=system, exam_id=exam.pk, id_number=member.id_number, name="王五", score="59.5")
    services.record_score(actor=system, exam_id=exam.pk, id_number=cadre_id, name="赵六", score=88)
    # a member graded 较差 in 2025: not eligible that year, eligible the next
    assert selectors.study_grade_poor(member.id_number, 2025) is True
    assert selectors.study_grade_poor(member.id_number, 2026) is False
    # a cadre who is not a member, graded 良好: eligible
    assert selectors.study_grade_poor(cadre_id, 2025) is False
    # nobody ever examined: False; the number may arrive with spaces and a lower-case x
    assert selectors.study_grade_poor(make_id(dt.date(1990, 1, 1)), 2025) is False
    assert selectors.study_grade_poor(" " + member.id_number.lower() + " ", 2025) is True
    # a malformed number is an error, not a silent False
    with pytest.raises(ServiceError) as exc:
        selectors.study_grade_poor("123", 2025)
    assert exc.value.errors[0].code == "id_format"
    # a re-marked paper (59.5 → 75) lifts the bar; the old score stays in the audit trail
    services.record_score(actor=system, exam_id=exam.pk, id_number=member.id_number, name="王五", score=75)
    assert selectors.study_grade_poor(member.id_number, 2025) is False
    assert ExamScore.objects.get(trainee__member=member).grade == Grade.FAIR
    # two exams in a year: one 较差 is enough
    exam2 = services.create_exam(actor=system, org_id=tree.county.pk, title="2025年第二次考学", year=2025, held_on=dt.date(2025, 12, 10), full_marks=50)
    services.record_score(actor=system, exam_id=exam2.pk, id_number=member.id_number, name="王五", score=20)
    assert selectors.study_grade_poor(member.id_number, 2025) is True
    assert Trainee.objects.get(member=member).org == tree.village_a


def test_score_keeps_the_rule_version_it_was_graded_under(tree, system, make_member):
    from orgwork.core.rules import RuleSet, register, unregister

    member = make_member(tree.village_a, name="钱七")
    exam = services.create_exam(actor=system, org_id=tree.county.pk, title="考学", year=2026, held_on=dt.date(2026, 3, 1))
    stricter = register(rule(EXAM_GRADES, version="default-2011").derive(version="test-2026", effective=dt.date(2026, 6, 1), source="test", bands=(("excellent", "95"), ("good", "85"), ("fair", "70"))))
    try:
        s = services.record_score(actor=system, exam_id=exam.pk, id_number=member.id_number, name="钱七", score=65)
        assert (s.grade, s.rule_version) == ("fair", "default-2011")  # the exam was held before the stricter bands
        later = services.create_exam(actor=system, org_id=tree.county.pk, title="考学二", year=2026, held_on=dt.date(2026, 7, 1))
        assert later.rule_version == "test-2026"
        assert services.record_score(actor=system, exam_id=later.pk, id_number=member.id_number, name="钱七", score=65).grade == "poor"
    finally:
        unregister(EXAM_GRADES, stricter.version)
    assert isinstance(stricter, RuleSet)


def test_bad_scores_and_names_are_refused(tree, system, make_member):
    member = make_member(tree.village_a, name="孙八")
    exam = services.create_exam(actor=system, org_id=tree.county.pk, title="考学", year=2026, held_on=dt.date(2026, 3, 1))
    for bad in ("abc", "-1", "100.5", "NaN"):
        with pytest.raises(ServiceError) as exc:
            services.record_score(actor=system, exam_id=exam.pk, id_number=member.id_number, name="孙八", score=bad)
        assert exc.value.errors[0].field == "score"
    with pytest.raises(ServiceError) as exc:
        services.record_score(actor=system, exam_id=exam.pk, id_number=member.id_number, name="孙九", score=80)
    assert exc.value.errors[0].code == "name_mismatch"
    # a cadre who is not a member and not yet registered is filed under the exam's organization
    outsider = services.record_score(actor=system, exam_id=exam.pk, id_number=make_id(dt.date(1988, 8, 8)), name="非党员干部", score=70)
    assert outsider.trainee.member is None and outsider.trainee.org == tree.county and outsider.grade == "fair"
