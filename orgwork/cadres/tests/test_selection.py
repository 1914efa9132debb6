"""Selection and appointment on the procedure kernel: a full run 动议→任职 with its exported record, and a test for
each refusal code (rules.md §7)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from orgwork.cadres import documents, selectors, services
from orgwork.cadres.models import Appointment, CandidateStage, ProbationStatus, Rank, SelectionCandidate
from orgwork.core import procedures as proc
from orgwork.core.audit import verify
from orgwork.core.ballots import selectors as ballot_reads
from orgwork.core.errors import ServiceError
from orgwork.core.models import ProcedureStatus

from .conftest import file_reports, run_recommendation

pytestmark = pytest.mark.django_db
D = dt.date


def codes(exc) -> set[str]:
    return {e.code for e in exc.value.errors}


def step(w, sel, key, on, data=None, documents=None, comment=""):
    return services.complete_step(actor=w.actor, selection_id=sel.pk, step=key, done_on=on, data=data or {}, documents=documents, comment=comment)


MAR_2, MAR_23 = D(2026, 3, 2), D(2026, 3, 23)


def to_vetting(w, sel, start=MAR_2, *, candidates=None):
    a, b, c = w.cadres[:3]
    step(w, sel, "proposal", start, {"reason": "副局长空缺1名"}, {"动议方案": "交组〔2026〕5号"})
    ballot = run_recommendation(w, sel, cadres=[a, b, c], picks=[1, 1, 1, 2, 2, 3, 1])
    step(w, sel, "recommendation", start + dt.timedelta(days=8), {"meeting_ballot": ballot.pk})
    step(w, sel, "candidates", start + dt.timedelta(days=14), {"candidates": [x.pk for x in (candidates or [a, b])]})
    return ballot


def checks(w, sel, start=MAR_23):
    step(w, sel, "vetting", start, {"team": "张组长、李干事", "talks": 25}, {"考察材料": "考察报告2026-1"})
    step(w, sel, "dossier", start + dt.timedelta(days=9), {"conclusion": "三龄两历无误"}, {"档案审核意见": "档审2026-3"})
    step(w, sel, "discipline_opinion", start + dt.timedelta(days=10), {"opinion": "no_problem"}, {"党风廉政意见回复": "纪委回复2026-7"})
    step(w, sel, "tipoff_check", start + dt.timedelta(days=11), {"result": "12380平台无相关举报"})


def test_full_selection_from_proposal_to_appointment_with_exported_record(world):
    w = world
    a, b, c = w.cadres[:3]
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="县交通运输局副局长选拔", on=D(2026, 3, 2))
    to_vetting(w, sel)
    assert set(SelectionCandidate.objects.filter(selection=sel, stage=CandidateStage.VETTING).values_list("cadre_id", flat=True)) == {a.pk, b.pk}
    assert SelectionCandidate.objects.get(selection=sel, cadre=c).stage == CandidateStage.DROPPED
    checks(w, sel)
    file_reports(w, [a, b])
    step(w, sel, "personal_matters_check", D(2026, 4, 7), {"result": "accurate"})
    step(w, sel, "study_check", D(2026, 4, 8), {"hours": 60})
    step(w, sel, "decision", D(2026, 4, 14), {"committee_size": 9, "present": 7, "appointee": a.pk, "in_favour": 7}, {"会议纪要": "常委会纪要第6期"})
    step(w, sel, "publicity", D(2026, 4, 15), {"notice_place": "单位公示栏、县委组织部网站"})
    notice = sel.instance.notices.get()
    assert notice.ends_on == D(2026, 4, 21) and notice.working_days == 5 and "王五" in notice.text
    objection = proc.record_objection(actor=w.actor, notice_id=notice.pk, received_on=D(2026, 4, 17), content="反映其驾驶公车办私事", source="来信")
    with pytest.raises(ServiceError) as exc:
        step(w, sel, "appointment", D(2026, 4, 22), {"document": "县委〔2026〕18号"})
    assert "objection_open" in codes(exc)
    proc.resolve_objection(actor=w.actor, objection_id=objection.pk, upheld=False, resolution="经核查，所用为私家车，反映不实", on=D(2026, 4, 21))
    step(w, sel, "appointment", D(2026, 4, 22), {"document": "县委〔2026〕18号"})
    appt = Appointment.objects.get(selection=sel)
    a.refresh_from_db()
    # promotion to a listed non-elected deputy post: one year's probation (rule data), rank raised
    assert appt.promotion and appt.probation_status == ProbationStatus.ON and appt.probation_until == D(2027, 4, 22)
    assert a.rank == Rank.SECTION_DEPUTY
    step(w, sel, "appointment_talk", D(2026, 4, 24), {"talker": "县委组织部部长", "points": "廉洁自律"})
    sel.instance.refresh_from_db()
    assert sel.instance.status == ProcedureStatus.COMPLETED
    services.archive_selection(actor=w.actor, selection_id=sel.pk)
    sel.instance.refresh_from_db()
    assert sel.instance.status == ProcedureStatus.ARCHIVED
    # the résumé is built from the appointment records
    assert selectors.resume_lines(a) == ["2026.04—今  县交通运输局副局长（试用期一年）"]
    # the whole record as one file
    pdf = documents.selection_record_pdf(selectors.get_selection(w.actor, sel.pk))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")
    for needle in ("干部选拔任用纪实", "动议", "民主推荐", "考察组成员", "张组长", "纪委回复2026-7", "个人有关事项报告核查", "讨论决定", "任前公示", "经核查", "县委〔2026〕18号", "任职谈话", "王五", "2027-04-22"):
        assert needle in text, needle
    # the conversion at the end of probation is reminded through the deadline job
    from orgwork.cadres.deadlines import probation_items

    assert [i.key for i in probation_items(D(2027, 4, 1))] == [f"cadres.probation:{appt.pk}"]
    assert verify().ok


def test_contested_recommendation_sealed_until_close(world):
    w = world
    a, b, c = w.cadres[:3]
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    step(w, sel, "proposal", D(2026, 3, 2), {"reason": "空缺"}, {"动议方案": "方案1"})
    ballot = run_recommendation(w, sel, cadres=[a, b, c], picks=[1, 2, 2, 3], close=False)
    with pytest.raises(ServiceError) as exc:
        ballot_reads.results(w.actor, ballot.pk)
    assert codes(exc) == {"ballot_sealed"}
    with pytest.raises(ServiceError) as exc:  # the step cannot use a ballot still sealed
        step(w, sel, "recommendation", D(2026, 3, 10), {"meeting_ballot": ballot.pk})
    assert codes(exc) == {"ballot_sealed"}
    record_html = documents.selection_record_html(sel)
    assert "结果密封" in record_html and "赵六</td><td>2" not in record_html
    from orgwork.core.ballots import services as ballots

    ballots.close_ballot(actor=w.actor, ballot_id=ballot.pk)
    res = ballot_reads.results(w.actor, ballot.pk)
    assert [o["votes"] for o in res["questions"][0]["options"]] == [1, 2, 1]
    step(w, sel, "recommendation", D(2026, 3, 10), {"meeting_ballot": ballot.pk})


def test_not_contested(world):
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    with pytest.raises(ServiceError) as exc:
        to_vetting(w, sel, candidates=[w.cadres[0]])
    assert codes(exc) == {"not_contested"}
    # an uncontested selection (等额, where the rule allows it) takes one candidate
    sel2 = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔（等额）", on=D(2026, 3, 2), contested=False)
    to_vetting(w, sel2, candidates=[w.cadres[0]])


def test_recommendation_expired(world):
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2025, 1, 6))
    with pytest.raises(ServiceError) as exc:
        step(w, sel, "proposal", D(2025, 1, 6), {"reason": "空缺"}, {"动议方案": "方案1"})
        ballot = run_recommendation(w, sel, cadres=w.cadres[:3], picks=[1, 2, 3])
        step(w, sel, "recommendation", D(2025, 1, 10), {"meeting_ballot": ballot.pk})
        step(w, sel, "candidates", D(2026, 2, 2), {"candidates": [w.cadres[0].pk, w.cadres[1].pk]})
    assert codes(exc) == {"recommendation_expired"}
    step(w, sel, "candidates", D(2026, 1, 9), {"candidates": [w.cadres[0].pk, w.cadres[1].pk]})  # within the year: fine


def test_vetting_team_too_small(world):
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    to_vetting(w, sel)
    with pytest.raises(ServiceError) as exc:
        step(w, sel, "vetting", D(2026, 3, 23), {"team": "张组长", "talks": 25}, {"考察材料": "考察报告2026-1"})
    assert codes(exc) == {"vetting_team_too_small"}
    with pytest.raises(ServiceError) as exc:  # the same name twice is still one person
        step(w, sel, "vetting", D(2026, 3, 23), {"team": "张组长、张组长", "talks": 25}, {"考察材料": "考察报告2026-1"})
    assert codes(exc) == {"vetting_team_too_small"}


def test_personal_report_missing(world):
    w = world
    a, b = w.cadres[:2]
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    to_vetting(w, sel)
    checks(w, sel)
    file_reports(w, [a])  # b has none
    with pytest.raises(ServiceError) as exc:
        step(w, sel, "personal_matters_check", D(2026, 4, 7), {"result": "accurate"})
    assert codes(exc) == {"personal_report_missing"}
    assert "赵六" in exc.value.errors[0].message


def test_study_grade_poor(world, system):
    from orgwork.training import services as training

    w = world
    a, b = w.cadres[:2]
    exam = training.create_exam(actor=system, org_id=w.tree.county.pk, title="2026年度干部考学", year=2026, held_on=D(2026, 3, 20))
    training.record_score(actor=system, exam_id=exam.pk, id_number=b.id_number, name=b.name, score=40)
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    to_vetting(w, sel)
    checks(w, sel)
    file_reports(w, [a, b])
    step(w, sel, "personal_matters_check", D(2026, 4, 7), {"result": "accurate"})
    with pytest.raises(ServiceError) as exc:
        step(w, sel, "study_check", D(2026, 4, 8), {"hours": 60})
    assert codes(exc) == {"study_grade_poor"} and "赵六" in exc.value.errors[0].message


def _to_decision(w):
    a, b = w.cadres[:2]
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    to_vetting(w, sel)
    checks(w, sel)
    file_reports(w, [a, b])
    step(w, sel, "personal_matters_check", D(2026, 4, 7), {"result": "accurate"})
    step(w, sel, "study_check", D(2026, 4, 8), {})
    return sel


def test_quorum_not_met(world):
    w = world
    sel = _to_decision(w)
    a = w.cadres[0]
    with pytest.raises(ServiceError) as exc:  # 5 of 9 present: less than two thirds
        step(w, sel, "decision", D(2026, 4, 14), {"committee_size": 9, "present": 5, "appointee": a.pk, "in_favour": 5}, {"会议纪要": "纪要6"})
    assert codes(exc) == {"quorum_not_met"}
    with pytest.raises(ServiceError) as exc:  # 6 of 9 present, 4 in favour: not more than half of the committee
        step(w, sel, "decision", D(2026, 4, 14), {"committee_size": 9, "present": 6, "appointee": a.pk, "in_favour": 4}, {"会议纪要": "纪要6"})
    assert codes(exc) == {"not_adopted"}
    step(w, sel, "decision", D(2026, 4, 14), {"committee_size": 9, "present": 6, "appointee": a.pk, "in_favour": 5}, {"会议纪要": "纪要6"})


def test_publicity_too_short(world):
    w = world
    sel = _to_decision(w)
    step(w, sel, "decision", D(2026, 4, 14), {"committee_size": 9, "present": 7, "appointee": w.cadres[0].pk, "in_favour": 7}, {"会议纪要": "纪要6"})
    with pytest.raises(ServiceError) as exc:  # 15–20 April 2026: Wed, Thu, Fri, Mon = 4 working days
        step(w, sel, "publicity", D(2026, 4, 15), {"notice_end": "2026-04-20", "notice_place": "单位公示栏"})
    assert codes(exc) == {"publicity_too_short"}
    step(w, sel, "publicity", D(2026, 4, 15), {"notice_end": "2026-04-21", "notice_place": "单位公示栏"})


def test_probation_only_on_promotion_to_listed_non_elected_posts(world):
    """rules.md §7 / 条例 试用期条款: not for principal posts, lateral moves or elected posts."""
    w = world
    a, b, c, d = w.cadres
    town_unit = services.create_unit(actor=w.actor, org_id=w.tree.county.pk, name="甲镇", kind="township")
    elected = services.create_post(actor=w.actor, unit_id=town_unit.pk, title="副镇长", kind="deputy", rank=Rank.SECTION_DEPUTY, elected=True, category="working_dept_deputy")
    p1 = services.appoint(actor=w.actor, cadre_id=a.pk, post_id=w.head.pk, on=D(2026, 2, 1))  # principal: none
    p2 = services.appoint(actor=w.actor, cadre_id=b.pk, post_id=elected.pk, on=D(2026, 2, 1))  # elected: none
    p3 = services.appoint(actor=w.actor, cadre_id=c.pk, post_id=w.deputy.pk, on=D(2026, 2, 1))  # promotion, listed: one year
    services.update_cadre(actor=w.actor, cadre_id=d.pk, rank=Rank.SECTION_DEPUTY)
    p4 = services.appoint(actor=w.actor, cadre_id=d.pk, post_id=w.deputy.pk, on=D(2026, 2, 1))  # lateral move: none
    assert [p.probation_until for p in (p1, p2, p3, p4)] == [None, None, D(2027, 2, 1), None]
