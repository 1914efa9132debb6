"""Delegate writes: congresses, delegates, offices, reception days, opinions through to closure, proposals,
online questions. Validated, one transaction, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core import calendar as workcal
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.scope import get_in_scope, scope
from orgwork.members.models import Member
from orgwork.orgs.models import Org

from .models import Congress, Delegate, Occupation, Office, Opinion, OpinionState, Proposal, Question, Reception, Satisfaction
from .rules import delegate_rules

OPINION_FLOW = {OpinionState.RECEIVED: OpinionState.PASSED, OpinionState.PASSED: OpinionState.FOLLOWED, OpinionState.FOLLOWED: OpinionState.ANSWERED, OpinionState.ANSWERED: OpinionState.CLOSED}


def _name(actor: Actor) -> str:
    u = getattr(actor, "user", None)
    return (((u.get_full_name() or u.first_name) if u is not None else "") or actor.label)[:60]


def _text(value, field, label, max_length, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError.single(field, "required", _("请填写%(label)s") % {"label": label})
    if len(value) > max_length:
        raise ServiceError.single(field, "too_long", _("%(label)s不能超过%(max_length)s字") % {"label": label, "max_length": max_length})
    return value


@transaction.atomic
def create_congress(*, actor: Actor, org_id, name: str, term_start: dt.date, term_end: dt.date, targets: dict | None = None) -> Congress:
    org = params.writable_org(actor, org_id)
    if not term_start or not term_end or term_end <= term_start:
        raise ServiceError.single("term_end", "date_order", _("届期结束须晚于届期开始"))
    c = Congress.objects.create(org=org, name=_text(name, "name", _("大会名称"), 120), term_start=term_start, term_end=term_end,
                                targets=targets or dict(delegate_rules(on=term_start)["composition_targets_default"]))  # fmt: skip
    audit.record(actor, "delegates.congress_create", c, changes={"name": [None, c.name]})
    return c


@transaction.atomic
def add_delegate(*, actor: Actor, congress_id, org_id, name: str = "", member_id=None, female: bool = False, birth_date: dt.date | None = None, occupation: str) -> Delegate:
    congress = get_in_scope(Congress.objects.all(), actor, write=True, pk=params.to_id(congress_id, field="congress", label=_("大会"), required=True))
    org = params.writable_org(actor, org_id)
    if not org.path.startswith(congress.org.path):
        raise ServiceError.single("org", "not_allowed", _("%(name)s不在%(name2)s范围内") % {"name": org.name, "name2": congress.org.name})
    member = None
    if member_id:
        member = get_in_scope(Member.objects.all(), actor, pk=params.to_id(member_id, field="member", label=_("党员"), required=True))
        name = member.name
        birth_date = birth_date or getattr(member, "birth_date", None)
        female = female or getattr(member, "gender", "") in ("female", "F", "女")
    if occupation not in Occupation.values:
        raise ServiceError.single("occupation", "bad_value", _("请选择代表身份"))
    if birth_date is None:
        raise ServiceError.single("birth_date", "required", _("请填写出生日期"))
    d = Delegate.objects.create(congress=congress, org=org, member=member, name=_text(name, "name", _("姓名"), 60), female=bool(female), birth_date=birth_date, occupation=occupation)
    audit.record(actor, "delegates.delegate_add", d, changes={"name": [None, d.name], "congress": [None, congress.name]})
    return d


@transaction.atomic
def create_office(*, actor: Actor, org_id, name: str, address: str = "") -> Office:
    org = params.writable_org(actor, org_id)
    o = Office.objects.create(org=org, name=_text(name, "name", _("工作室名称"), 100), address=_text(address, "address", _("地址"), 200, required=False))
    audit.record(actor, "delegates.office_create", o, changes={"name": [None, o.name]})
    return o


@transaction.atomic
def schedule_reception(*, actor: Actor, office_id, day: dt.date | None = None, delegate_ids=(), today: dt.date | None = None) -> Reception:
    """A reception day: by default the next reception weekday (Friday) morning, times from the rule data."""
    office = get_in_scope(Office.objects.select_related("org"), actor, write=True, pk=params.to_id(office_id, field="office", label=_("工作室"), required=True))
    today = today or dt.date.today()
    rules = delegate_rules(on=today)
    day = day or _next_day(today)
    starts = dt.time.fromisoformat(rules["reception_start"])
    ends = dt.time.fromisoformat(rules["reception_end"])
    r = Reception.objects.create(office=office, day=day, starts=starts, ends=ends)
    delegates = list(scope(Delegate.objects.filter(pk__in=[int(i) for i in delegate_ids], active=True), actor))
    if len(delegates) != len(set(delegate_ids)):
        raise ServiceError.single("delegates", "unknown", _("有代表不存在或不在您的管理范围内"))
    r.delegates.set(delegates)
    audit.record(actor, "delegates.reception_schedule", r, changes={"day": [None, day]}, data={"delegates": [d.name for d in delegates], "weekday_rule": rules["reception_weekday"]})
    return r


def _next_day(today: dt.date) -> dt.date:
    from .rules import next_reception_day

    return next_reception_day(today)


@transaction.atomic
def record_reception(*, actor: Actor, reception_id, visitors: int, note: str = "") -> Reception:
    r = get_in_scope(Reception.objects.select_related("office__org"), actor, write=True, pk=params.to_id(reception_id, field="reception", label=_("接待日"), required=True))
    if visitors is None or visitors < 0 or visitors > 100000:
        raise ServiceError.single("visitors", "out_of_range", _("接待人次不正确"))
    old = r.visitors
    r.visitors, r.note = visitors, _text(note, "note", _("情况记录"), 500, required=False)
    r.save(update_fields=["visitors", "note"])
    audit.record(actor, "delegates.reception_record", r, changes={"visitors": [old, visitors]})
    return r


@transaction.atomic
def record_opinion(*, actor: Actor, org_id, content: str, delegate_id=None, reception_id=None, from_name: str = "", received_on: dt.date | None = None) -> Opinion:
    org = params.writable_org(actor, org_id)
    delegate = scope(Delegate.objects.all(), actor).filter(pk=delegate_id).first() if delegate_id else None
    reception = scope(Reception.objects.all(), actor).filter(pk=reception_id).first() if reception_id else None
    if delegate_id and delegate is None:
        raise ServiceError.single("delegate", "unknown", _("代表不存在或不在您的管理范围内"))
    received_on = received_on or (reception.day if reception else dt.date.today())
    op = Opinion.objects.create(org=org, delegate=delegate, reception=reception, content=_text(content, "content", _("意见建议"), 3000),
                                from_name=_text(from_name, "from_name", _("反映人"), 60, required=False), received_on=received_on,
                                log=[{"state": OpinionState.RECEIVED, "on": received_on.isoformat(), "by": _name(actor), "note": ""}])  # fmt: skip
    audit.record(actor, "delegates.opinion_record", op, changes={"state": [None, op.state]})
    return op


@transaction.atomic
def advance_opinion(*, actor: Actor, opinion_id, note: str = "", unit: str = "", answer: str = "", on: dt.date | None = None) -> Opinion:
    """received → passed to the unit (unit) → followed up (note) → answered (answer) → closed."""
    op = get_in_scope(Opinion.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(opinion_id, field="opinion", label=_("意见"), required=True))
    nxt = OPINION_FLOW.get(op.state)
    if nxt is None:
        raise ServiceError.single("opinion", "not_allowed", _("该意见已办结"))
    on = on or dt.date.today()
    note = _text(note, "note", _("说明"), 500, required=nxt == OpinionState.FOLLOWED)
    if nxt == OpinionState.PASSED:
        op.unit = _text(unit, "unit", _("承办单位"), 120)
    if nxt == OpinionState.ANSWERED:
        op.answer = _text(answer, "answer", _("答复"), 3000)
    old = op.state
    op.state = nxt
    op.log = [*op.log, {"state": nxt, "on": on.isoformat(), "by": _name(actor), "note": note}]
    op.save(update_fields=["state", "unit", "answer", "log"])
    audit.record(actor, "delegates.opinion_advance", op, changes={"state": [old, nxt]}, data={"note": note, "unit": op.unit})
    return op


@transaction.atomic
def submit_proposal(*, actor: Actor, delegate_id, title: str, content: str, submitted_on: dt.date | None = None) -> Proposal:
    d = get_in_scope(Delegate.objects.select_related("congress__org"), actor, write=True, pk=params.to_id(delegate_id, field="delegate", label=_("代表"), required=True))
    p = Proposal.objects.create(congress=d.congress, delegate=d, title=_text(title, "title", _("案由"), 200), content=_text(content, "content", _("内容"), 10000), submitted_on=submitted_on or dt.date.today())
    audit.record(actor, "delegates.proposal_submit", p, changes={"title": [None, p.title]})
    return p


def _proposal(actor, proposal_id) -> Proposal:
    return get_in_scope(Proposal.objects.select_for_update().select_related("congress__org"), actor, write=True, pk=params.to_id(proposal_id, field="proposal", label=_("提案"), required=True))


@transaction.atomic
def assign_proposal(*, actor: Actor, proposal_id, unit: str) -> Proposal:
    p = _proposal(actor, proposal_id)
    if p.replied_on:
        raise ServiceError.single("proposal", "not_allowed", _("提案已答复"))
    old = p.unit
    p.unit = _text(unit, "unit", _("承办单位"), 120)
    p.save(update_fields=["unit"])
    audit.record(actor, "delegates.proposal_assign", p, changes={"unit": [old, p.unit]})
    return p


@transaction.atomic
def reply_proposal(*, actor: Actor, proposal_id, reply: str, on: dt.date | None = None) -> Proposal:
    p = _proposal(actor, proposal_id)
    if not p.unit:
        raise ServiceError.single("unit", "required", _("请先确定承办单位"))
    if p.replied_on:
        raise ServiceError.single("proposal", "not_allowed", _("提案已答复"))
    p.reply, p.replied_on = _text(reply, "reply", _("办理答复"), 5000), on or dt.date.today()
    p.save(update_fields=["reply", "replied_on"])
    audit.record(actor, "delegates.proposal_reply", p, changes={"replied_on": [None, p.replied_on]})
    return p


@transaction.atomic
def rate_proposal(*, actor: Actor, proposal_id, satisfaction: str) -> Proposal:
    p = _proposal(actor, proposal_id)
    if not p.replied_on:
        raise ServiceError.single("satisfaction", "not_allowed", _("答复后才能评价"))
    if satisfaction not in Satisfaction.values:
        raise ServiceError.single("satisfaction", "bad_value", _("请选择满意度"))
    old = p.satisfaction
    p.satisfaction = satisfaction
    p.save(update_fields=["satisfaction"])
    audit.record(actor, "delegates.proposal_rate", p, changes={"satisfaction": [old, satisfaction]})
    return p


@transaction.atomic
def ask_question(*, org_id, title: str, content: str, asker_name: str = "", today: dt.date | None = None) -> Question:
    today = today or dt.date.today()
    org = Org.objects.filter(pk=params.to_id(org_id, field="org", label=_("单位"), required=True), abolished_on__isnull=True).first()
    if org is None:
        raise ServiceError.single("org", "unknown", _("单位不存在"))
    rules = delegate_rules(on=today)
    try:
        due = workcal.add_workdays(today, rules["question_answer_working_days"])
    except Exception:  # a year the calendar does not know
        due = today + dt.timedelta(days=int(rules["question_answer_working_days"] * 1.4) + 1)
    q = Question.objects.create(org=org, title=_text(title, "title", _("标题"), 120), content=_text(content, "content", _("问题"), 3000),
                                asker_name=_text(asker_name, "asker_name", _("称呼"), 60, required=False), asked_on=today, due_on=due, rule_version=rules.version)  # fmt: skip
    audit.record(Actor.system_actor("公众"), "delegates.question_ask", q, changes={"due_on": [None, due]})
    return q


@transaction.atomic
def answer_question(*, actor: Actor, question_id, answer: str, on: dt.date | None = None) -> Question:
    q = get_in_scope(Question.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(question_id, field="question", label=_("问题"), required=True))
    if q.answered_on:
        raise ServiceError.single("question", "not_allowed", _("已答复"))
    q.answer, q.answered_on, q.answered_by_name = _text(answer, "answer", _("答复"), 5000), on or dt.date.today(), _name(actor)
    q.save(update_fields=["answer", "answered_on", "answered_by_name"])
    audit.record(actor, "delegates.question_answer", q, changes={"answered_on": [None, q.answered_on]}, data={"in_time": q.in_time})
    return q
