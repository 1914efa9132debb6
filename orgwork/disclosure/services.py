"""Disclosure writes: catalogue, items (propose → review with secrecy → approve → publish), on-request disclosure.
Every write is validated, runs in one transaction and appends an audit event."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core import calendar as workcal
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.orgs.models import Org

from .models import AREA_LABELS, Audience, CatalogueEntry, Item, ItemState, Request, RequestState
from .rules import FREQUENCIES, disclosure_rules

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _name(actor: Actor) -> str:
    u = getattr(actor, "user", None)
    if u is None:
        return actor.label[:60]
    return (u.get_full_name() or u.first_name or actor.label)[:60]


def receipt_hash(code: str) -> str:
    norm = "".join(ch for ch in str(code or "").upper() if ch.isalnum())
    return salted_hmac("orgwork.disclosure.receipt", norm, algorithm="sha256").hexdigest()


def _text(value, field, label, max_length, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError.single(field, "required", _("请填写%(label)s") % {"label": label})
    if len(value) > max_length:
        raise ServiceError.single(field, "too_long", _("%(label)s不能超过%(max_length)s字") % {"label": label, "max_length": max_length})
    return value


# --- catalogue ----------------------------------------------------------------------------------
@transaction.atomic
def ensure_catalogue(*, actor: Actor, org_id) -> list[CatalogueEntry]:
    """The rule's default routine entries for an org that has none yet (idempotent)."""
    org = params.writable_org(actor, org_id)
    if CatalogueEntry.objects.filter(org=org).exists():
        return []
    rules = disclosure_rules()
    made = [CatalogueEntry.objects.create(org=org, area=a, title=t, frequency=f, audience=aud) for a, t, f, aud in rules["routine_defaults"]]
    audit.record(actor, "disclosure.catalogue_defaults", org, org_path=org.path, data={"entries": len(made), "rule_version": rules.version})
    return made


@transaction.atomic
def add_entry(*, actor: Actor, org_id, area: str, title: str, audience: str, frequency: str = "") -> CatalogueEntry:
    org = params.writable_org(actor, org_id)
    errors = []
    if area not in AREA_LABELS:
        errors.append(FieldError("area", "bad_value", _("请选择公开内容（七个方面之一）")))
    if audience not in Audience.values:
        errors.append(FieldError("audience", "bad_value", _("请选择公开范围")))
    if frequency and frequency not in FREQUENCIES:
        errors.append(FieldError("frequency", "bad_value", _("例行公开周期不正确")))
    if errors:
        raise ServiceError(errors)
    e = CatalogueEntry.objects.create(org=org, area=area, title=_text(title, "title", _("公开事项"), 100), audience=audience, frequency=frequency or "")
    audit.record(actor, "disclosure.entry_add", e, changes={"title": [None, e.title], "frequency": [None, e.frequency]})
    return e


# --- items --------------------------------------------------------------------------------------
@transaction.atomic
def propose(*, actor: Actor, org_id, area: str = "", title: str, content: str, audience: str = "", entry_id=None, period: str = "") -> Item:
    org = params.writable_org(actor, org_id)
    entry = None
    if entry_id:
        entry = CatalogueEntry.objects.filter(pk=params.to_id(entry_id, field="entry", label=_("目录事项")), org=org, active=True).first()
        if entry is None:
            raise ServiceError.single("entry", "unknown", _("目录事项不属于该党组织"))
        area, audience = entry.area, audience or entry.audience
    errors = []
    if area not in AREA_LABELS:
        errors.append(FieldError("area", "bad_value", _("请选择公开内容（七个方面之一）")))
    if audience not in Audience.values:
        errors.append(FieldError("audience", "bad_value", _("请选择公开范围（党员或社会）")))
    if len(period or "") > 10:
        errors.append(FieldError("period", "too_long", _("所属期间格式不正确")))
    if errors:
        raise ServiceError(errors)
    rules = disclosure_rules()
    item = Item.objects.create(
        org=org, entry=entry, area=area, title=_text(title, "title", _("标题"), 120), content=_text(content, "content", _("公开内容正文"), 20000),
        audience=audience, period=(period or "").strip(), proposer=getattr(actor, "user", None), proposer_name=_name(actor), rule_version=rules.version,
    )  # fmt: skip
    audit.record(actor, "disclosure.propose", item, changes={"state": [None, item.state], "title": [None, item.title], "audience": [None, audience]})
    return item


def _item(actor: Actor, item_id) -> Item:
    return get_in_scope(Item.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(item_id, field="item", label=_("公开事项"), required=True))


def _not_self(actor: Actor, user_id, message: str):
    u = getattr(actor, "user", None)
    if u is not None and user_id == u.pk:
        raise ServiceError.single("item", "not_allowed", message)


@transaction.atomic
def review(*, actor: Actor, item_id, approve: bool, secrecy_checked: bool, comment: str = "") -> Item:
    item = _item(actor, item_id)
    if item.state != ItemState.PROPOSED:
        raise ServiceError.single("item", "not_allowed", _("“%(state)s”的事项不在审核环节") % {"state": item.get_state_display()})
    _not_self(actor, item.proposer_id, _("提出人不能审核自己提出的公开事项"))
    comment = _text(comment, "comment", _("审核意见"), 500, required=not approve)
    if approve and disclosure_rules()["secrecy_review_required"] and not secrecy_checked:
        raise ServiceError.single("secrecy_checked", "required", _("请完成保密审查（确认不含涉密内容）后再通过"))
    old = item.state
    item.state = ItemState.REVIEWED if approve else ItemState.RETURNED
    item.secrecy_checked = bool(approve and secrecy_checked)
    item.reviewer, item.reviewer_name, item.review_comment = getattr(actor, "user", None), _name(actor), comment
    item.save(update_fields=["state", "secrecy_checked", "reviewer", "reviewer_name", "review_comment"])
    audit.record(actor, "disclosure.review", item, changes={"state": [old, item.state], "secrecy_checked": [False, item.secrecy_checked]}, data={"comment": comment})
    return item


@transaction.atomic
def approve(*, actor: Actor, item_id) -> Item:
    item = _item(actor, item_id)
    if item.state != ItemState.REVIEWED or not item.secrecy_checked:
        raise ServiceError.single("item", "not_allowed", _("须经审核（含保密审查）后才能审批"))
    _not_self(actor, item.proposer_id, _("提出人不能审批自己提出的公开事项"))
    item.state, item.approver_name, item.approved_at = ItemState.APPROVED, _name(actor), timezone.now()
    item.save(update_fields=["state", "approver_name", "approved_at"])
    audit.record(actor, "disclosure.approve", item, changes={"state": [ItemState.REVIEWED, item.state]})
    return item


@transaction.atomic
def publish(*, actor: Actor, item_id) -> Item:
    item = _item(actor, item_id)
    if item.state != ItemState.APPROVED:
        raise ServiceError.single("item", "not_allowed", _("须经审批后才能公开"))
    item.state, item.published_at = ItemState.PUBLISHED, timezone.now()
    item.save(update_fields=["state", "published_at"])
    audit.record(actor, "disclosure.publish", item, changes={"state": [ItemState.APPROVED, item.state]}, data={"audience": item.audience})
    return item


@transaction.atomic
def revise(*, actor: Actor, item_id, title: str, content: str) -> Item:
    item = _item(actor, item_id)
    if item.state != ItemState.RETURNED:
        raise ServiceError.single("item", "not_allowed", _("只有退回修改的事项可以修改"))
    before = audit.snapshot(item, ["title", "content"])
    item.title, item.content = _text(title, "title", _("标题"), 120), _text(content, "content", _("公开内容正文"), 20000)
    item.state = ItemState.PROPOSED
    item.save(update_fields=["title", "content", "state"])
    audit.record(actor, "disclosure.revise", item, changes={**audit.diff(before, audit.snapshot(item, ["title", "content"])), "state": [ItemState.RETURNED, item.state]})
    return item


# --- on request ---------------------------------------------------------------------------------
def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


@transaction.atomic
def submit_request(*, org_id, question: str, requester_name: str = "", actor: Actor | None = None, member_id=None, today: dt.date | None = None) -> tuple[Request, str]:
    """Anyone asks an org to disclose something; returns the request and its receipt code (shown once)."""
    today = today or dt.date.today()
    org = Org.objects.filter(pk=params.to_id(org_id, field="org", label=_("党组织"), required=True), abolished_on__isnull=True).first()
    if org is None:
        raise ServiceError.single("org", "unknown", _("党组织不存在"))
    question = _text(question, "question", _("申请公开的内容"), 2000)
    requester_name = _text(requester_name, "requester_name", _("申请人"), 60, required=False)
    rules = disclosure_rules(on=today)
    try:
        due = workcal.add_workdays(today, rules["request_answer_working_days"])
    except Exception:  # a year the calendar does not know: count calendar days ×1.4 rather than refuse the request
        due = today + dt.timedelta(days=int(rules["request_answer_working_days"] * 1.4) + 1)
    code = new_code()
    req = Request.objects.create(
        org=org, question=question, requester_name=requester_name, member_id=member_id, receipt_hash=receipt_hash(code),
        received_on=today, due_on=due, rule_version=rules.version,
    )  # fmt: skip
    audit.record(actor or Actor.system_actor("公众"), "disclosure.request", req, changes={"state": [None, req.state], "due_on": [None, due]})
    return req, code


def _request(actor: Actor, request_id) -> Request:
    return get_in_scope(Request.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(request_id, field="request", label=_("申请"), required=True))


@transaction.atomic
def answer_request(*, actor: Actor, request_id, answer: str = "", refuse: bool = False, reason: str = "", today: dt.date | None = None) -> Request:
    today = today or dt.date.today()
    req = _request(actor, request_id)
    if req.state != RequestState.OPEN:
        raise ServiceError.single("request", "not_allowed", _("该申请已经答复"))
    if refuse:
        req.refusal_reason = _text(reason, "reason", _("不予公开的理由"), 500)
        req.state = RequestState.REFUSED
    else:
        req.answer = _text(answer, "answer", _("答复内容"), 5000)
        req.state = RequestState.ANSWERED
    req.answered_on, req.answered_by_name = today, _name(actor)
    req.save(update_fields=["state", "answer", "refusal_reason", "answered_on", "answered_by_name"])
    audit.record(actor, "disclosure.request_answer", req, changes={"state": [RequestState.OPEN, req.state]}, data={"in_time": req.in_time})
    return req


def lookup(code: str) -> Request | None:
    if not code or len(code) > 40:
        return None
    return Request.objects.select_related("org").filter(receipt_hash=receipt_hash(code)).first()
