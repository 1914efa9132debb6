"""The procedure kernel on a small procedure defined in this test: versions, records, gates, notices, returns."""

import datetime as dt

import pytest

from orgwork.core import procedures as proc
from orgwork.core.audit import verify
from orgwork.core.errors import FieldError, PermissionDenied, ServiceError
from orgwork.core.models import HardDeleteForbidden, NoticeStatus, ProcedureInstance, ProcedureStatus, StepRecord
from orgwork.core.rules import register, unregister

D = dt.date
KIND = "kerneltest"


@proc.gate("kerneltest.votes")
def _votes(ctx):
    if ctx.data["votes"] < ctx.value("min_votes"):
        return [FieldError("votes", "too_few", f"票数不足{ctx.value('min_votes')}票")]
    return []


_hook_calls = []


@proc.hook("kerneltest.done")
def _done(ctx, record):
    _hook_calls.append((ctx.instance.pk, record.step))


STEPS = (
    proc.StepDef("s1", "申请", "a", fields=(proc.Field("note", "说明", required=False),)),
    proc.StepDef("s2", "谈话", "a", due=proc.DateRule("s1", months=1, note="申请后1个月内"), due_strict=True, due_limit=proc.DateRule("s1", months=2)),
    proc.StepDef(
        "s3",
        "审查公示",
        "b",
        role="committee",
        documents=("审查意见",),
        notice=proc.NoticeDef(title="关于{title}的公示", text="{org}拟办理{title}，公示期{start}至{end}（{days}个工作日）。", working_days="notice_days"),
    ),
    proc.StepDef(
        "s4",
        "审批",
        "b",
        role="committee",
        fields=(proc.Field("votes", "票数", "int"),),
        gates=("kerneltest.votes",),
        earliest=proc.DateRule("s1", months="wait_months", note="申请满3个月"),
        on_complete=("kerneltest.done",),
    ),
)


@pytest.fixture
def kind():
    rs = proc.define(
        kind=KIND,
        version="v1",
        effective=D(2020, 1, 1),
        source="测试",
        title="测试事项",
        stages=[proc.Stage("a", "申请"), proc.Stage("b", "审批")],
        steps=STEPS,
        notice_days=5,
        wait_months=3,
        min_votes=2,
    )
    yield rs
    for v in ("v1", "v2", "local"):
        unregister(proc.rule_name(KIND), v)


@pytest.fixture
def started(kind, tree, system):
    inst = proc.start(actor=system, kind=KIND, org_id=tree.village_a.pk, title="王五的申请", on=D(2026, 3, 2))
    proc.complete_step(actor=system, instance_id=inst.pk, step="s1", done_on=D(2026, 3, 2))
    inst.refresh_from_db()
    return inst


def errors_of(exc):
    return {(e.field, e.code) for e in exc.value.errors}


@pytest.mark.django_db
def test_completing_a_step_records_who_when_responsible_and_computes_the_next_due_date(started, users):
    from orgwork.core.actor import Actor

    sec = Actor.for_user(users["sec_a"])
    rec = proc.complete_step(actor=sec, instance_id=started.pk, step="s2", done_on=D(2026, 3, 20), comment="已谈话", responsible="张书记")
    assert (rec.actor_id, rec.responsible, rec.comment, rec.done_on) == (users["sec_a"].pk, "张书记", "已谈话", D(2026, 3, 20))
    started.refresh_from_db()
    assert started.step == "s3" and started.stage == "b"
    assert started.data["steps"]["s2"]["done_on"] == "2026-03-20"
    assert [r.action for r in proc.timeline(started)] == ["start", "complete", "complete"]
    assert verify().ok


@pytest.mark.django_db
def test_strict_due_date_refuses_late_completion_until_extended_within_limit(started, system):
    assert started.due_on == D(2026, 4, 2) and started.due_strict
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 4, 10))
    assert ("done_on", "too_late") in errors_of(exc)
    assert "2026年4月2日" in exc.value.errors[0].message
    with pytest.raises(ServiceError) as exc:
        proc.extend_due(actor=system, instance_id=started.pk, until=D(2026, 5, 20), reason="外出务工")
    assert ("until", "too_late") in errors_of(exc)
    proc.extend_due(actor=system, instance_id=started.pk, until=D(2026, 4, 30), reason="外出务工")
    proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 4, 10))
    started.refresh_from_db()
    assert started.step == "s3"


@pytest.mark.django_db
def test_steps_must_be_done_in_order_and_not_in_the_future(started, system):
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s3", done_on=D(2026, 3, 5))
    assert ("step", "wrong_step") in errors_of(exc)
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 3, 1))
    assert ("done_on", "date_order") in errors_of(exc)
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=dt.date.today() + dt.timedelta(days=1))
    assert ("done_on", "future_date") in errors_of(exc)


@pytest.mark.django_db
def test_committee_step_is_refused_to_the_branch_secretary(started, system, users):
    from orgwork.core.actor import Actor

    proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 3, 10))
    with pytest.raises(PermissionDenied):
        proc.complete_step(
            actor=Actor.for_user(users["sec_a"]), instance_id=started.pk, step="s3", done_on=D(2026, 3, 11), data={"notice_place": "村务公开栏"}, documents={"审查意见": "甲镇党委〔2026〕5号"}
        )
    proc.complete_step(
        actor=Actor.for_user(users["town_a"]), instance_id=started.pk, step="s3", done_on=D(2026, 3, 11), data={"notice_place": "村务公开栏"}, documents={"审查意见": "甲镇党委〔2026〕5号"}
    )


@pytest.mark.django_db
def test_other_branch_secretary_does_not_see_the_instance(started, users):
    from orgwork.core.actor import Actor
    from orgwork.core.errors import NotFound

    with pytest.raises(NotFound):
        proc.complete_step(actor=Actor.for_user(users["sec_b"]), instance_id=started.pk, step="s2", done_on=D(2026, 3, 10))
    assert not proc.instances(Actor.for_user(users["sec_b"])).exists()


def _to_notice(inst, system, *, start=None):
    start = start or D(2026, 9, 30)
    proc.complete_step(actor=system, instance_id=inst.pk, step="s2", done_on=D(2026, 3, 10))
    return proc.complete_step(
        actor=system, instance_id=inst.pk, step="s3", done_on=start, data={"notice_place": "村务公开栏"}, documents={"审查意见": "甲镇党委〔2026〕5号"}
    )


@pytest.mark.django_db
def test_required_document_is_checked(started, system):
    proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 3, 10))
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s3", done_on=D(2026, 3, 11), data={"notice_place": "村务公开栏"})
    assert ("documents", "document_missing") in errors_of(exc)


@pytest.mark.django_db
def test_notice_counts_working_days_across_national_day_and_blocks_the_next_step(started, system):
    rec = _to_notice(started, system)
    notice = rec.notices.get()
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (D(2026, 9, 30), D(2026, 10, 12), 5)
    assert notice.title == "关于王五的申请的公示"
    assert "红旗村党支部拟办理王五的申请" in notice.text and "2026年10月12日" in notice.text
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 10, 12), data={"votes": 3})
    assert ("done_on", "notice_running") in errors_of(exc)
    proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 10, 13), data={"votes": 3})


@pytest.mark.django_db
def test_a_notice_shorter_than_the_rule_is_refused(started, system):
    proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 3, 10))
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(
            actor=system,
            instance_id=started.pk,
            step="s3",
            done_on=D(2026, 9, 30),
            data={"notice_place": "村务公开栏", "notice_end": "2026-10-09"},
            documents={"审查意见": "x"},
        )
    assert ("notice_end", "notice_too_short") in errors_of(exc)
    assert "只有3个工作日" in exc.value.errors[0].message


@pytest.mark.django_db
def test_objection_blocks_the_next_step_until_resolved(started, system):
    notice = _to_notice(started, system).notices.get()
    with pytest.raises(ServiceError) as exc:
        proc.record_objection(actor=system, notice_id=notice.pk, received_on=D(2026, 10, 20), content="有人反映")
    assert ("received_on", "outside_notice") in errors_of(exc)
    objection = proc.record_objection(actor=system, notice_id=notice.pk, received_on=D(2026, 10, 8), content="反映其曾参与赌博", source="来信")
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 10, 20), data={"votes": 3})
    assert ("objections", "objection_open") in errors_of(exc)
    proc.resolve_objection(actor=system, objection_id=objection.pk, upheld=False, resolution="经核查反映不实", on=D(2026, 10, 16))
    proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 10, 20), data={"votes": 3})


@pytest.mark.django_db
def test_gate_and_earliest_date_refuse_with_reasons(started, system):
    _to_notice(started, system, start=D(2026, 3, 11))
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 3, 13), data={"votes": 1})
    codes = errors_of(exc)
    assert ("done_on", "too_early") in codes  # earliest: 3 months after s1
    assert ("done_on", "notice_running") in codes
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 6, 3), data={"votes": 1})
    assert errors_of(exc) == {("votes", "too_few")}
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 6, 3), data={"votes": "三"})
    assert errors_of(exc) == {("votes", "bad_value")}
    _hook_calls.clear()
    proc.complete_step(actor=system, instance_id=started.pk, step="s4", done_on=D(2026, 6, 3), data={"votes": 2})
    started.refresh_from_db()
    assert started.status == ProcedureStatus.COMPLETED and started.ended_on == D(2026, 6, 3)
    assert _hook_calls == [(started.pk, "s4")]


@pytest.mark.django_db
def test_return_for_correction_keeps_superseded_records_and_withdraws_notice(started, system):
    rec = _to_notice(started, system, start=D(2026, 3, 11))
    with pytest.raises(ServiceError) as exc:
        proc.return_step(actor=system, instance_id=started.pk, to_step="s2", reason="")
    assert ("reason", "required") in errors_of(exc)
    proc.return_step(actor=system, instance_id=started.pk, to_step="s2", reason="谈话记录不完整", on=D(2026, 3, 20))
    started.refresh_from_db()
    assert started.step == "s2"
    assert "s3" not in started.data["steps"]
    rec.refresh_from_db()
    assert not rec.valid and rec.returned_by.action == "return" and rec.returned_by.comment == "谈话记录不完整"
    assert rec.notices.get().status == NoticeStatus.WITHDRAWN
    assert StepRecord.objects.filter(instance=started).count() == 5  # start, s1, s2, s3, return — nothing removed
    # the withdrawn notice no longer blocks; s2 must be done again
    proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 3, 21))


@pytest.mark.django_db
def test_pause_resume_terminate_archive(started, system):
    proc.pause(actor=system, instance_id=started.pk, reason="申请人外出")
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=started.pk, step="s2", done_on=D(2026, 3, 10))
    assert ("status", "not_active") in errors_of(exc)
    with pytest.raises(ServiceError):
        proc.archive(actor=system, instance_id=started.pk)
    proc.resume(actor=system, instance_id=started.pk, reason="已返回")
    proc.terminate(actor=system, instance_id=started.pk, reason="本人撤回申请", on=D(2026, 3, 15))
    started.refresh_from_db()
    assert (started.status, started.end_reason, started.ended_on, started.due_on) == (ProcedureStatus.TERMINATED, "本人撤回申请", D(2026, 3, 15), None)
    proc.archive(actor=system, instance_id=started.pk)
    started.refresh_from_db()
    assert started.status == ProcedureStatus.ARCHIVED
    assert [r.action for r in proc.timeline(started)] == ["start", "complete", "pause", "resume", "terminate", "archive"]
    with pytest.raises(HardDeleteForbidden):
        started.delete()
    with pytest.raises(HardDeleteForbidden):
        ProcedureInstance.objects.all().delete()


@pytest.mark.django_db
def test_instance_keeps_its_rule_version_after_a_revision(started, kind, system, tree):
    register(kind.derive(version="v2", effective=D(2026, 5, 1), source="修订", notice_days=7))
    assert proc.definition(KIND).version == "v2"
    later = proc.start(actor=system, kind=KIND, org_id=tree.village_a.pk, title="新申请", on=D(2026, 6, 1))
    assert later.rule_version == "v2"
    started.refresh_from_db()
    assert started.rule_version == "v1"
    rec = _to_notice(started, system)
    assert rec.notices.get().working_days == 5  # still the v1 number


@pytest.mark.django_db
def test_optional_version_is_used_only_where_switched_on(kind, system, tree):
    register(kind.derive(version="local", effective=D(2020, 1, 1), source="本县", optional=True, min_votes=3))
    assert proc.definition(KIND).version == "v1"
    proc.set_version(actor=system, org_id=tree.town_a.pk, kind=KIND, version="local")
    a = proc.start(actor=system, kind=KIND, org_id=tree.village_a.pk, title="甲", on=D(2026, 6, 1))
    b = proc.start(actor=system, kind=KIND, org_id=tree.village_b.pk, title="乙", on=D(2026, 6, 1))
    assert (a.rule_version, b.rule_version) == ("local", "v1")
    proc.set_version(actor=system, org_id=tree.town_a.pk, kind=KIND, version=None)
    assert proc.start(actor=system, kind=KIND, org_id=tree.village_a.pk, title="丙", on=D(2026, 6, 1)).rule_version == "v1"


@pytest.mark.django_db
def test_due_steps_lists_overdue_and_upcoming_in_scope(kind, system, tree, users):
    from orgwork.core.actor import Actor

    a = proc.start(actor=system, kind=KIND, org_id=tree.village_a.pk, title="甲", on=D(2026, 3, 1))
    proc.complete_step(actor=system, instance_id=a.pk, step="s1", done_on=D(2026, 3, 1))  # talk due 2026-04-01
    b = proc.start(actor=system, kind=KIND, org_id=tree.village_b.pk, title="乙", on=D(2026, 3, 20))
    proc.complete_step(actor=system, instance_id=b.pk, step="s1", done_on=D(2026, 3, 20))  # due 2026-04-20
    c = proc.start(actor=system, kind=KIND, org_id=tree.village_a.pk, title="丙", on=D(2026, 6, 1))
    proc.complete_step(actor=system, instance_id=c.pk, step="s1", done_on=D(2026, 6, 1))  # due 2026-07-01: not yet
    items = proc.due_steps(Actor.system_actor(), kind=KIND, today=D(2026, 4, 10), within_days=14)
    assert [(i.instance.title, i.overdue, i.step.key) for i in items] == [("甲", True, "s2"), ("乙", False, "s2")]
    assert [i.instance.title for i in proc.due_steps(Actor.for_user(users["sec_a"]), kind=KIND, today=D(2026, 4, 10))] == ["甲"]
    assert [i.instance.title for i in proc.due_steps(Actor.system_actor(), kind=KIND, today=D(2026, 4, 10), under=tree.town_b)] == ["乙"]
