"""The 2014 pipeline (rules.md §3): each gate refuses with a clear reason, citing its article; the happy path ends in the registry."""

import datetime as dt

import pytest

from orgwork.core import procedures as proc
from orgwork.core.audit import verify
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.core.models import ProcedureStatus, StepRecord
from orgwork.members.models import Category, MemberStatusChange
from orgwork.recruitment import selectors, services

D = dt.date
pytestmark = pytest.mark.django_db


def codes(exc):
    return {(e.field, e.code) for e in exc.value.errors}


def messages(exc):
    return " ".join(e.message for e in exc.value.errors)


def test_full_happy_path_from_application_to_full_member(pipeline, system):
    a = pipeline.apply()
    assert a.procedure.rule_version == "2014" and a.procedure.step == "talk"
    pipeline.run(a, until="approval")
    a.refresh_from_db()
    assert a.member is None
    pipeline.step(a, "approval")
    a.refresh_from_db()
    # 党章第七条: probationary from the day the general meeting admitted them
    assert a.member.category == Category.PROBATIONARY and a.member.joined_on == D(2024, 6, 20) and a.member.org_id == a.org_id
    for step in ["approval_filed", "assigned", "oath", "probation_assessment", "confirmation_application", "confirmation_meeting", "confirmation_approval", "archive_files"]:
        pipeline.assess(a, step)
        pipeline.step(a, step)
    a.refresh_from_db()
    a.member.refresh_from_db()
    assert a.member.category == Category.FULL and a.member.confirmed_on == D(2025, 6, 20)
    assert MemberStatusChange.objects.get(member=a.member, action="confirm").effective_on == D(2025, 6, 20)
    assert a.procedure.status == ProcedureStatus.COMPLETED
    # every one of the 25 steps has its record on the person's file
    view = selectors.file_view(a)
    assert len(view["steps"]) == 25 and all(sv.record for sv in view["steps"])
    assert selectors.record_for_member(system, a.member) == a
    assert StepRecord.objects.filter(instance=a.procedure, action="entry").count() == 4
    assert verify().ok
    services.archive(actor=system, applicant_id=a.pk)


def test_applicant_under_18_is_refused(pipeline):
    """党章第一条、细则第六条: 年满十八岁的……可以申请加入中国共产党。"""
    with pytest.raises(ServiceError) as exc:
        pipeline.apply(birth=D(2005, 3, 2), applied_on=D(2023, 3, 1))
    assert ("birth_date", "too_young") in codes(exc)
    assert "年满18周岁" in messages(exc) and "17周岁" in messages(exc)
    assert pipeline.apply(birth=D(2005, 3, 1), applied_on=D(2023, 3, 1))  # the 18th birthday itself is enough


def test_talk_later_than_one_month_is_refused(pipeline):
    """细则第八条: 党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话。"""
    a = pipeline.apply()
    assert a.procedure.due_on == D(2023, 4, 1)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "talk", done_on=D(2023, 4, 3))
    assert ("done_on", "too_late") in codes(exc)
    assert "1个月内" in messages(exc)
    pipeline.step(a, "talk", done_on=D(2023, 4, 1))


def test_contact_persons_are_one_or_two_full_members(pipeline, make_member, tree):
    """细则第十条: 党组织应当指定一至两名正式党员作入党积极分子的培养联系人。"""
    a = pipeline.apply()
    pipeline.run(a, until="contacts")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "contacts", data={"contacts": [m.pk for m in pipeline.full]})
    assert ("contacts", "bad_count") in codes(exc) and "1至2名" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "contacts", data={})
    assert ("contacts", "required") in codes(exc)
    probationary = make_member(tree.village_a, name="周预备", category="probationary", joined=D(2022, 12, 1))
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "contacts", data={"contacts": [probationary.pk]})
    assert ("contacts", "not_full_member") in codes(exc)
    pipeline.step(a, "contacts", data={"contacts": [pipeline.full[0].pk, pipeline.full[1].pk]})


def test_missing_half_yearly_assessment_is_refused(pipeline, system):
    """细则第十二条: 党支部每半年对入党积极分子进行一次考察。"""
    a = pipeline.apply()
    pipeline.run(a, until="activist_assessment")
    services.add_assessment(actor=system, applicant_id=a.pk, done_on=D(2023, 10, 1), result="良好")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "activist_assessment")
    assert ("entries", "assessment_missing") in codes(exc)
    assert "2023-10-10至2024-04-10期间没有考察记录" in messages(exc)
    services.add_assessment(actor=system, applicant_id=a.pk, done_on=D(2024, 3, 20), result="良好")
    pipeline.step(a, "activist_assessment")


def test_candidate_needs_one_year_as_activist(pipeline, system):
    """细则第十四条: 对经过一年以上培养教育和考察……的入党积极分子，……可列为发展对象。"""
    a = pipeline.apply()
    pipeline.run(a, until="activist_assessment")
    services.add_assessment(actor=system, applicant_id=a.pk, done_on=D(2023, 10, 1), result="良好")
    pipeline.step(a, "activist_assessment", done_on=D(2024, 1, 5))
    a.procedure.refresh_from_db()
    assert a.procedure.not_before == D(2024, 4, 10)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "candidate", done_on=D(2024, 4, 9))
    assert ("done_on", "too_early") in codes(exc) and "1年以上" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "candidate", done_on=D(2024, 4, 10), data={"opinions_heard": False})
    assert ("opinions_heard", "required") in codes(exc)
    pipeline.step(a, "candidate", done_on=D(2024, 4, 10))


def test_two_full_member_sponsors_are_required(pipeline):
    """党章第五条、细则第十五条: 发展对象应当有两名正式党员作入党介绍人。"""
    a = pipeline.apply()
    pipeline.run(a, until="sponsors")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "sponsors", data={"sponsors": [pipeline.full[0].pk]})
    assert ("sponsors", "bad_count") in codes(exc) and "2名正式党员" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "sponsors", data={"sponsors": [pipeline.full[0].pk, pipeline.full[0].pk]})
    assert ("sponsors", "bad_count") in codes(exc)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "sponsors", data={"sponsors": [pipeline.full[0].pk, 999999]})
    assert ("sponsors", "unknown_member") in codes(exc)
    pipeline.step(a, "sponsors")


def test_political_review_must_pass_with_its_conclusion_on_file(pipeline):
    """细则第十七至十九条: 对发展对象进行政治审查，政治审查必须形成结论性材料。"""
    a = pipeline.apply()
    pipeline.run(a, until="political_review")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "political_review", documents={})
    assert ("documents", "document_missing") in codes(exc) and "政治审查结论性材料" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "political_review", data={"conclusion": "fail"})
    assert ("conclusion", "not_passed") in codes(exc)
    pipeline.step(a, "political_review")


def test_training_needs_three_days_or_24_hours(pipeline):
    """细则第二十条: 集中培训时间一般不少于3天（或不少于24个学时）。"""
    a = pipeline.apply()
    pipeline.run(a, until="training")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "training", data={"days": 2, "hours": 20})
    assert ("days", "too_short") in codes(exc) and "不少于3天或24个学时" in messages(exc)
    pipeline.step(a, "training", data={"hours": 24})


def test_pre_review_notice_lasts_five_working_days_and_blocks_the_next_step(pipeline, system):
    """细则第二十二条 (pre-review) and rules.md §3: the result is made public for at least 5 working days."""
    a = pipeline.apply()
    pipeline.run(a, through="pre_review")
    notice = proc.notices(a.procedure)[0]
    # 2024-06-10 (Dragon Boat Festival) is not counted
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (D(2024, 6, 5), D(2024, 6, 12), 5)
    assert "王小明同志" in notice.text and "大学本科" in notice.text and "村会计" in notice.text
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "form", done_on=D(2024, 6, 12))
    assert ("done_on", "notice_running") in codes(exc)
    objection = proc.record_objection(actor=system, notice_id=notice.pk, received_on=D(2024, 6, 11), content="反映其有不良记录")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "form")
    assert ("objections", "objection_open") in codes(exc)
    proc.resolve_objection(actor=system, objection_id=objection.pk, upheld=False, resolution="经核查，反映不实", on=D(2024, 6, 13))
    pipeline.step(a, "form")


def test_pre_review_notice_shorter_than_five_working_days_is_refused(pipeline):
    a = pipeline.apply()
    pipeline.run(a, until="pre_review")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "pre_review", data={"conclusion": "pass", "notice_place": "村务公开栏", "notice_end": "2024-06-11"})
    assert ("notice_end", "notice_too_short") in codes(exc) and "应不少于5个工作日" in messages(exc)


@pytest.mark.parametrize(
    ("entitled", "present", "favour", "expected"),
    [
        (10, 5, 5, ("present", "no_quorum")),  # exactly half present is not more than half
        (10, 8, 5, ("in_favour", "not_passed")),  # 5 of 10 entitled is not more than half, though a majority of those present
        (10, 6, 7, ("in_favour", "bad_value")),  # more votes than people present
    ],
)
def test_general_meeting_quorum_and_votes_are_counted_against_those_entitled(pipeline, entitled, present, favour, expected):
    """细则第二十四条 (到会超过应到会有表决权人数的半数) and 第二十五条 (赞成超过应到会有表决权的正式党员的半数)."""
    a = pipeline.apply()
    pipeline.run(a, until="general_meeting")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "general_meeting", data={"entitled": entitled, "present": present, "in_favour": favour})
    assert expected in codes(exc)
    pipeline.step(a, "general_meeting", data={"entitled": 10, "present": 6, "in_favour": 6})


def test_approval_within_three_months_or_six_with_an_extension(pipeline, system, users):
    """细则第二十八条: 上级党委应在三个月内审批；特殊情况可适当延长，但不得超过六个月。"""
    from orgwork.core.actor import Actor

    a = pipeline.apply()
    pipeline.run(a, until="higher_talk")
    with pytest.raises(PermissionDenied):  # the branch does not talk on behalf of the higher committee
        pipeline.step(a, "higher_talk", actor=Actor.for_user(users["sec_a"]))
    pipeline.step(a, "higher_talk", actor=Actor.for_user(users["town_a"]))
    a.procedure.refresh_from_db()
    assert (a.procedure.due_on, a.procedure.due_limit) == (D(2024, 9, 20), D(2024, 12, 20))
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "approval", done_on=D(2024, 10, 8))
    assert ("done_on", "too_late") in codes(exc) and "3个月内" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        services.extend_due(actor=system, applicant_id=a.pk, until=D(2024, 12, 21), reason="需补充外调材料")
    assert ("until", "too_late") in codes(exc)
    services.extend_due(actor=system, applicant_id=a.pk, until=D(2024, 12, 20), reason="需补充外调材料")
    pipeline.step(a, "approval", done_on=D(2024, 10, 8), actor=Actor.for_user(users["town_a"]))
    a.refresh_from_db()
    assert a.member is not None


def test_probation_extension_once_by_six_to_twelve_months(pipeline, system):
    """党章第七条、细则第三十四条: 预备期一年；可以延长一次，不能少于半年，最长不超过一年。"""
    a = pipeline.apply()
    pipeline.run(a, until="confirmation_meeting")
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "confirmation_meeting", done_on=D(2025, 6, 19))
    assert ("done_on", "too_early") in codes(exc)
    with pytest.raises(ServiceError) as exc:
        services.extend_probation(actor=system, applicant_id=a.pk, months=3, reason="考察期表现不足", decided_on=D(2025, 6, 22))
    assert ("months", "bad_value") in codes(exc)
    services.extend_probation(actor=system, applicant_id=a.pk, months=6, reason="需继续考察", decided_on=D(2025, 6, 22))
    a.procedure.refresh_from_db()
    assert a.procedure.not_before == D(2025, 12, 20)
    with pytest.raises(ServiceError) as exc:
        services.extend_probation(actor=system, applicant_id=a.pk, months=6, reason="再延", decided_on=D(2025, 6, 23))
    assert ("months", "already_extended") in codes(exc)
    with pytest.raises(ServiceError) as exc:
        pipeline.step(a, "confirmation_meeting", done_on=D(2025, 12, 19))
    assert ("done_on", "too_early") in codes(exc)
    pipeline.step(a, "confirmation_meeting", done_on=D(2025, 12, 22))
    pipeline.step(a, "confirmation_approval", done_on=D(2026, 1, 5))
    a.refresh_from_db()
    assert a.member.confirmed_on == D(2025, 12, 20)


def test_returns_pauses_and_terminations_are_recorded(pipeline, system):
    a = pipeline.apply()
    pipeline.run(a, until="candidate_filed")
    services.return_step(actor=system, applicant_id=a.pk, to_step="candidate", reason="未附党小组意见", on=D(2024, 4, 18))
    a.procedure.refresh_from_db()
    assert a.procedure.step == "candidate"
    pipeline.step(a, "candidate", done_on=D(2024, 4, 19))
    services.pause(actor=system, applicant_id=a.pk, reason="外出务工半年")
    with pytest.raises(ServiceError):
        pipeline.step(a, "candidate_filed")
    services.resume(actor=system, applicant_id=a.pk, reason="已返乡")
    services.terminate(actor=system, applicant_id=a.pk, reason="本人书面申请撤回")
    a.procedure.refresh_from_db()
    assert a.procedure.status == ProcedureStatus.TERMINATED
    actions = [r.action for r in proc.timeline(a.procedure)]
    assert actions.count("return") == 1 and actions[-3:] == ["pause", "resume", "terminate"]
    assert pipeline.apply(applied_on=D(2026, 3, 1), name="王小明", birth=D(1996, 1, 1)).procedure.status == ProcedureStatus.ACTIVE


def test_approval_cannot_be_returned_once_a_member_was_registered(pipeline, system):
    a = pipeline.apply()
    pipeline.run(a, through="approval")
    with pytest.raises(ServiceError) as exc:
        services.return_step(actor=system, applicant_id=a.pk, to_step="general_meeting", reason="重新表决")
    assert ("to_step", "locked") in codes(exc)


def test_duplicate_open_application_and_existing_member_are_refused(pipeline, system, tree):
    pipeline.apply()
    with pytest.raises(ServiceError) as exc:
        services.start_application(actor=system, org_id=tree.village_a.pk, applied_on=D(2023, 3, 2), name="王小明", id_number=_same_id(), documents={"入党申请书": "x"})
    assert exc.value.errors[0].code in {"duplicate_existing", "already_member"}
    with pytest.raises(ServiceError) as exc:
        services.start_application(actor=system, org_id=tree.village_a.pk, applied_on=D(2023, 3, 2), name="赵一", id_number=pipeline.full[0].id_number, documents={"入党申请书": "x"})
    assert ("id_number", "already_member") in codes(exc)
    with pytest.raises(ServiceError) as exc:
        services.start_application(actor=system, org_id=tree.town_a.pk, applied_on=D(2023, 3, 2), name="李雷", id_number=pipeline.full[0].id_number, documents={"入党申请书": "x"})
    assert ("org", "not_branch") in codes(exc)


def _same_id():
    from orgwork.recruitment.models import Applicant

    return Applicant.objects.get(name="王小明").id_number


def test_plan_vs_actual_flags_villages_without_a_recruit(pipeline, system, tree):
    """Seed 002: 规定每个村每年必须发展1名以上的党员."""
    a = pipeline.apply()
    pipeline.run(a, through="approval")
    services.set_plan(actor=system, org_id=tree.village_a.pk, year=2024, planned=2)
    rows = {r.org.pk: r for r in selectors.plan_vs_actual(system, year=2024)}
    assert rows[tree.village_a.pk].admitted == 1 and rows[tree.village_a.pk].below_plan
    assert not rows[tree.village_a.pk].village_without_recruit
    assert rows[tree.village_b.pk].village_without_recruit
    assert not rows[tree.office_a.pk].village_without_recruit  # an agency branch is not a village
