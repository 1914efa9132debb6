"""Bulk SMS (批量短信): a message to everyone in a scope, sent only after a second person approves the count and cost.

    template_variables(body)                  the {变量} of a text, in order
    save_template(actor=, org_id=, name=, body=, template_id=None) / retire_template(actor=, template_id=)
    preview(actor=, org_id=, audience=, body=, values=, urgent=)  -> Preview (count, skipped, parts, price, cost, sample)
    request_send(actor=, …)                   a pending SmsCampaign; the approvers are told at once
    approve(actor=, campaign_id=, note=, confirm_cost_fen=) / reject(…) / cancel(…)
    set_tariff(actor=, org_id=, price_fen=, effective_on=, reason=)
    close_finished()                          approved sends with nothing left in the queue become 发送完毕
    inbound_reply(phone=, text=, …)           core.sms inbound matcher: a reply to a recent bulk message

Recipients are the members in good standing of the scope (or its secretaries and organization admins), by the
phone on their record (for officers: the number they set for SMS notices first). A number appears once; numbers
that replied 退订 get nothing unless the send is urgent; people without a valid mobile number are counted, by
reason, on the preview. Rule data: `notifications.rules` (segments, sending window, opt-out note, default price).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import audit, distribution, params, sms
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.models import Role, RoleAssignment
from orgwork.core.scope import get_in_scope, scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org

from . import rules as bulk_rules_mod
from .models import Audience, CampaignStatus, Channel, DeliverySettings, MessageLog, MessageStatus, SmsCampaign, SmsOptOut, SmsReply, SmsTariff, SmsTemplate

PER_RECIPIENT = ("姓名", "党组织")  # filled for each recipient; every other variable is filled once per send
_VARIABLE = re.compile(r"\{([^{}\s]{1,12})\}")
APPROVER_ROLES = (Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN)
SKIP_LABELS = {
    "no_phone": gettext_lazy("未登记手机号"),
    "bad_phone": gettext_lazy("手机号无效"),
    "duplicate": gettext_lazy("号码重复（只发一次）"),
    "opted_out": gettext_lazy("已回复退订"),
}


def signature() -> str:
    return getattr(settings, "SMS_SIGNATURE", "") or "【组工云】"


def template_variables(body: str) -> list[str]:
    """The variables of a text, in order of first use ({姓名}, {会议名称}, …)."""
    seen: list[str] = []
    for name in _VARIABLE.findall(body or ""):
        if name not in seen:
            seen.append(name)
    return seen


def send_variables(body: str) -> list[str]:
    """The variables the sender fills once (all but the per-recipient ones)."""
    return [v for v in template_variables(body) if v not in PER_RECIPIENT]


def _check_body(body: str, *, field_name: str = "body", max_length: int = 500) -> list[FieldError]:
    errors = []
    body = (body or "").strip()
    if not body:
        return [FieldError(field_name, "required", _("请填写短信内容"))]
    if len(body) > max_length:
        errors.append(FieldError(field_name, "out_of_range", _("短信内容最多%(n)s个字") % {"n": max_length}))
    stripped = _VARIABLE.sub("", body)
    if "{" in stripped or "}" in stripped:
        errors.append(FieldError(field_name, "bad_value", _("短信内容中的变量应写成{变量名}，变量名不超过12个字、不含空格，括号须成对")))
    return errors


# --- templates ---------------------------------------------------------------------------------------------------


def _writable_org(actor: Actor, org_id, *, field_name: str = "org") -> Org:
    return params.writable_org(actor, org_id, field=field_name, label=_("发送范围"))


@transaction.atomic
def save_template(*, actor: Actor, org_id: int, name: str, body: str, template_id: int | None = None) -> SmsTemplate:
    org = _writable_org(actor, org_id)
    name = (name or "").strip()
    errors = [] if name else [FieldError("name", "required", _("请填写模板名称"))]
    if len(name) > 60:
        errors.append(FieldError("name", "out_of_range", _("模板名称最多60个字")))
    errors += _check_body(body)
    if errors:
        raise ServiceError(errors)
    body = body.strip()
    if template_id is None:
        tpl = SmsTemplate.objects.create(org=org, name=name, body=body, created_by=actor.user)
        audit.record(actor, "sms_template.create", tpl, data={"name": name, "variables": template_variables(body)}, org_path=org.path)
        return tpl
    tpl = get_in_scope(SmsTemplate.objects.select_for_update(), actor, write=True, pk=template_id)
    before = {"org": tpl.org_id, "name": tpl.name, "body": tpl.body}
    tpl.org, tpl.name, tpl.body = org, name, body
    tpl.save()
    audit.record(actor, "sms_template.update", tpl, changes=audit.diff(before, {"org": org.pk, "name": name, "body": body}), org_path=org.path)
    return tpl


@transaction.atomic
def retire_template(*, actor: Actor, template_id: int) -> SmsTemplate:
    tpl = get_in_scope(SmsTemplate.objects.select_for_update().select_related("org"), actor, write=True, pk=template_id)
    if tpl.active:
        tpl.active = False
        tpl.save(update_fields=["active", "updated_at"])
        audit.record(actor, "sms_template.retire", tpl, org_path=tpl.org.path)
    return tpl


def usable_templates(actor: Actor, org: Org | None = None):
    """Active templates the actor may use: those of the orgs in scope and of the orgs above `org` (a county's
    template serves every branch)."""
    qs = SmsTemplate.objects.filter(active=True).select_related("org")
    mine = scope(qs, actor)
    bases = [org.path] if org is not None else ([] if actor is None or actor.unrestricted else actor.subtree_paths())
    above = {p[:i] for p in bases for i in range(4, len(p) + 1, 4)}
    if not above:
        return mine.order_by("org__path", "name")
    return qs.filter(Q(pk__in=mine.values("pk")) | Q(org__path__in=above)).order_by("org__path", "name")


# --- price -------------------------------------------------------------------------------------------------------


def price_for(org: Org, on: dt.date | None = None) -> tuple[int, SmsTariff | None]:
    """The unit price (fen per part) for sends in `org`: the nearest department tariff on its path, else the default."""
    on = on or timezone.localdate()
    paths = [org.path[:i] for i in range(len(org.path), 0, -4)]
    rows = list(SmsTariff.objects.filter(org__path__in=paths, effective_on__lte=on).select_related("org").order_by("-effective_on", "-id"))
    for p in paths:
        for t in rows:
            if t.org.path == p:
                return t.price_fen, t
    return bulk_rules_mod.bulk_rules(on)["default_price_fen"], None


def tariff_orgs(actor: Actor) -> list[tuple[int, str]]:
    return [(g.org_id, g.org_name) for g in actor.effective_grants if g.role in (Role.DEPT_ADMIN, Role.SYSADMIN)] if actor and actor.user else []


@transaction.atomic
def set_tariff(*, actor: Actor, org_id: int, price_fen: int, effective_on: dt.date, reason: str) -> SmsTariff:
    if org_id not in {pk for pk, _n in tariff_orgs(actor)}:
        raise PermissionDenied()
    errors = []
    if price_fen is None or not 0 <= int(price_fen) <= 1000:
        errors.append(FieldError("price_fen", "out_of_range", _("单价应在0至1000分之间")))
    if effective_on is None:
        errors.append(FieldError("effective_on", "required", _("请填写起用日期")))
    reason = (reason or "").strip()
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写依据（如合同名称）")))
    if errors:
        raise ServiceError(errors)
    org = Org.objects.get(pk=org_id)
    t = SmsTariff.objects.create(org=org, price_fen=int(price_fen), effective_on=effective_on, reason=reason[:200], set_by=actor.user)
    audit.record(actor, "sms_tariff.set", t, data={"price_fen": t.price_fen, "effective_on": str(effective_on)}, org_path=org.path)
    return t


# --- recipients and preview --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    phone: str
    name: str
    org_id: int
    org_name: str
    member_id: int | None = None
    user_id: int | None = None


@dataclass
class Preview:
    org: Org
    audience: str
    recipients: list[Recipient]
    skipped: dict[str, int]
    parts: int  # billed parts in all
    price_fen: int
    tariff: SmsTariff | None
    sample: str
    max_parts: int  # the longest single text, in parts
    texts: list[str] = field(default_factory=list, repr=False)

    @property
    def cost_fen(self) -> int:
        return self.parts * self.price_fen

    @property
    def cost_yuan(self) -> str:
        return f"{self.cost_fen / 100:.2f}"

    @property
    def skipped_rows(self) -> list[tuple[str, int]]:
        return [(SKIP_LABELS.get(k, k), n) for k, n in self.skipped.items() if n]


def _norm(phone: str) -> str | None:
    try:
        return sms.normalize_phone(phone)
    except sms.SmsError:
        return None


def recipients(org: Org, audience: str, *, urgent: bool = False) -> tuple[list[Recipient], dict[str, int]]:
    skipped: Counter = Counter()
    people: list[tuple[str, str, int, str, int | None, int | None]] = []  # (raw phone, name, org id, org name, member, user)
    if audience == Audience.MEMBERS:
        rows = (
            Member.objects.filter(subtree_q(org.path, "org__path"), standing=Standing.NORMAL)
            .order_by("org__path", "name", "pk")
            .values_list("phone", "name", "org_id", "org__name", "pk")
        )
        people = [(p, n, o, on, m, None) for p, n, o, on, m in rows]
    elif audience == Audience.OFFICERS:
        grants = (
            RoleAssignment.objects.filter(subtree_q(org.path, "org__path"), revoked_at__isnull=True, user__is_active=True, role__in=(Role.SECRETARY, Role.ORG_ADMIN))
            .select_related("user", "org")
            .order_by("org__path", "pk")
        )
        grants = list(grants)
        user_ids = {g.user_id for g in grants}
        own = {d.user_id: d.sms_phone for d in DeliverySettings.objects.filter(user_id__in=user_ids).exclude(sms_phone="")}
        linked = {m.user_id: (m.phone, m.name, m.pk) for m in Member.objects.filter(user_id__in=user_ids).only("phone", "name", "user_id")}
        for g in grants:
            phone, name, mid = linked.get(g.user_id, ("", "", None))
            full = (g.user.get_full_name() or "").strip() or name or g.user.get_username()
            people.append((own.get(g.user_id) or phone, full, g.org_id, g.org.name, mid, g.user_id))
    else:
        raise ServiceError.single("audience", "bad_value", _("请选择接收人"))
    seen: set[str] = set()
    out: list[Recipient] = []
    for raw, name, org_id, org_name, member_id, user_id in people:
        if not (raw or "").strip():
            skipped["no_phone"] += 1
            continue
        phone = _norm(raw)
        if phone is None:
            skipped["bad_phone"] += 1
            continue
        if phone in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(phone)
        out.append(Recipient(phone, name, org_id, org_name, member_id, user_id))
    if not urgent and out:
        off = set()
        phones = [r.phone for r in out]
        for i in range(0, len(phones), 900):
            off |= set(SmsOptOut.objects.filter(phone__in=phones[i : i + 900], active=True).values_list("phone", flat=True))
        if off:
            skipped["opted_out"] += sum(1 for r in out if r.phone in off)
            out = [r for r in out if r.phone not in off]
    return out, {k: skipped[k] for k in SKIP_LABELS if skipped[k]}


def compose(body: str, values: dict, *, urgent: bool, rules) -> str:
    """The text with the send's variables filled, the signature in front and the opt-out note behind (non-urgent)."""
    text = body.strip()
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    note = "" if urgent else rules["optout_note"]
    return f"{signature()}{text}{note}"


def personalise(text: str, r: Recipient) -> str:
    return text.replace("{姓名}", r.name).replace("{党组织}", r.org_name)


def _clean_values(body: str, values: dict, rules) -> tuple[dict, list[FieldError]]:
    errors = []
    out = {}
    values = {str(k): ("" if v is None else str(v)).strip() for k, v in (values or {}).items()}
    for i, name in enumerate(send_variables(body), start=1):
        v = values.get(name, "")
        if not v:
            errors.append(FieldError(f"var_{i}", "required", _("请填写变量“%(name)s”") % {"name": name}))
        elif len(v) > rules["max_variable_chars"]:
            errors.append(FieldError(f"var_{i}", "out_of_range", _("变量“%(name)s”最多%(n)s个字") % {"name": name, "n": rules["max_variable_chars"]}))
        elif _VARIABLE.search(v) or "{" in v or "}" in v:
            errors.append(FieldError(f"var_{i}", "bad_value", _("变量“%(name)s”的取值不能含有花括号") % {"name": name}))
        else:
            out[name] = v
    return out, errors


def preview(*, actor: Actor, org_id: int, audience: str, body: str, values: dict | None = None, urgent: bool = False, on: dt.date | None = None) -> Preview:
    """Who would receive the text, who would not (and why), the billed parts and the cost — nothing is written."""
    rules = bulk_rules_mod.bulk_rules(on)
    errors = []
    org = None
    try:
        org = _writable_org(actor, org_id)
    except ServiceError as exc:
        errors += exc.errors
    if audience not in Audience.values:
        errors.append(FieldError("audience", "bad_value", _("请选择接收人")))
    errors += _check_body(body)
    clean, verrs = _clean_values(body or "", values or {}, rules)
    errors += verrs
    if errors:
        raise ServiceError(errors)
    base = compose(body, clean, urgent=urgent, rules=rules)
    people, skipped = recipients(org, audience, urgent=urgent)
    texts = [personalise(base, r) for r in people]
    parts = [bulk_rules_mod.segments(t, rules) for t in texts]
    longest = max(parts, default=bulk_rules_mod.segments(personalise(base, Recipient("", "某某某", org.pk, org.name)), rules))
    if longest > rules["max_parts"]:
        raise ServiceError.single("body", "too_long", _("短信过长：最长一条需分%(parts)s条发送，最多%(max)s条。请精简内容，或发布通知后只发送链接") % {"parts": longest, "max": rules["max_parts"]})
    price, tariff = price_for(org, on)
    sample = texts[0] if texts else personalise(base, Recipient("", "某某某", org.pk, org.name))
    return Preview(org=org, audience=audience, recipients=people, skipped=skipped, parts=sum(parts), price_fen=price, tariff=tariff, sample=sample, max_parts=longest, texts=texts)


# --- request, approval, sending ----------------------------------------------------------------------------------


def approvers(campaign: SmsCampaign) -> list:
    """Who may approve: another person holding an admin role (department, organization, system) over the scope."""
    path = campaign.org.path
    above = [path[:i] for i in range(4, len(path) + 1, 4)]
    rows = (
        RoleAssignment.objects.filter(org__path__in=above, role__in=APPROVER_ROLES, revoked_at__isnull=True, user__is_active=True)
        .exclude(user_id=campaign.requested_by_id)
        .select_related("user", "org")
        .order_by("-org__path", "pk")
    )
    users = []
    for ra in rows:
        if ra.user not in users:
            users.append(ra.user)
    return users


def can_approve(actor: Actor, campaign: SmsCampaign) -> bool:
    if actor is None or actor.user is None or actor.user_id == campaign.requested_by_id:
        return False
    path = campaign.org.path
    return any(g.role in APPROVER_ROLES and path.startswith(g.path) for g in actor.effective_grants)


def _notify(actor: Actor, users, *, kind: str, title: str, url: str, org_id: int, key: str, urgent: bool = False):
    from .services import Outgoing, send_many

    if users:
        send_many(actor=actor, messages=[Outgoing(u, kind, title, "", url, org_id, key, "other", urgent) for u in users])


@transaction.atomic
def request_send(
    *, actor: Actor, org_id: int, audience: str, title: str, body: str, values: dict | None = None, urgent: bool = False,
    send_after: dt.datetime | None = None, template_id: int | None = None,
) -> SmsCampaign:
    title = (title or "").strip()
    errs = [] if title else [FieldError("title", "required", _("请填写事由（如“11月主题党日通知”）"))]
    if len(title) > 100:
        errs.append(FieldError("title", "out_of_range", _("事由最多100个字")))
    tpl = None
    if template_id:
        org = Org.objects.filter(pk=org_id).first() if isinstance(org_id, int) else None
        tpl = usable_templates(actor, org).filter(pk=template_id).first()
        if tpl is None:
            errs.append(FieldError("template", "not_found", _("模板不存在或已停用")))
    try:
        p = preview(actor=actor, org_id=org_id, audience=audience, body=body, values=values, urgent=urgent)
    except ServiceError as exc:
        raise ServiceError(errs + exc.errors) from None
    if errs:
        raise ServiceError(errs)
    if not p.recipients:
        raise ServiceError.single("audience", "no_recipients", _("发送范围内没有可接收短信的人（见预览中的原因）"))
    rules = bulk_rules_mod.bulk_rules()
    clean, _e = _clean_values(body, values or {}, rules)
    c = SmsCampaign.objects.create(
        org=p.org, audience=audience, template=tpl, title=title, body=compose(body, clean, urgent=urgent, rules=rules), values=clean,
        urgent=bool(urgent), send_after=send_after, recipients=len(p.recipients), skipped=p.skipped, parts=p.parts, price_fen=p.price_fen,
        cost_fen=p.cost_fen, requested_by=actor.user,
    )
    audit.record(actor, "sms_campaign.request", c, data={"recipients": c.recipients, "parts": c.parts, "cost_fen": c.cost_fen, "urgent": c.urgent}, org_path=p.org.path)
    _notify(
        actor, approvers(c), kind="sms.campaign.approve", title=_("待审批：批量短信“%(title)s”（%(n)s人，约%(cost)s元）") % {"title": title, "n": c.recipients, "cost": c.cost_yuan},
        url=f"/inbox/sms/{c.pk}/", org_id=p.org.pk, key=f"sms-campaign:{c.pk}:request",
    )
    return c


def next_send_time(now: dt.datetime, *, urgent: bool, send_after: dt.datetime | None, rules) -> dt.datetime:
    """The earliest moment the messages may go out: not before `send_after`, and (unless urgent) inside the window."""
    t = max(now, send_after) if send_after else now
    if urgent:
        return t
    local = timezone.localtime(t)
    tz = timezone.get_current_timezone()
    if local.time() < rules["window_start"]:
        return timezone.make_aware(dt.datetime.combine(local.date(), rules["window_start"]), tz)
    if local.time() >= rules["window_end"]:
        return timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), rules["window_start"]), tz)
    return t


def _lock(actor: Actor, campaign_id: int) -> SmsCampaign:
    try:
        c = SmsCampaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign_id)
    except (SmsCampaign.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
    if not scope(SmsCampaign.objects.filter(pk=c.pk), actor).exists() and not can_approve(actor, c):
        raise NotFound()
    return c


def _pending(c: SmsCampaign):
    if c.status != CampaignStatus.PENDING:
        raise ServiceError.single("status", "not_pending", _("该批量短信已%(status)s，不能再审批或撤回") % {"status": c.get_status_display()})


def _figures(c: SmsCampaign, rules):
    people, skipped = recipients(c.org, c.audience, urgent=c.urgent)
    texts = [personalise(c.body, r) for r in people]
    parts = sum(bulk_rules_mod.segments(t, rules) for t in texts)
    price, _t = price_for(c.org)
    return people, texts, skipped, parts, price


def approve(*, actor: Actor, campaign_id: int, note: str = "", confirm_cost_fen: int | None = None, now: dt.datetime | None = None) -> SmsCampaign:
    """Approve and queue the messages. The count and cost are computed again now; if they differ from what the
    approver saw (`confirm_cost_fen`, the figure on the page), nothing is sent, the send keeps the new figures and
    the error quotes them for the approver to confirm."""
    now = now or timezone.now()
    rules = bulk_rules_mod.bulk_rules(timezone.localdate(now))
    stale = None
    with transaction.atomic():
        c = _lock(actor, campaign_id)
        if not can_approve(actor, c):
            raise PermissionDenied()
        _pending(c)
        people, texts, skipped, parts, price = _figures(c, rules)
        if not people:
            raise ServiceError.single("audience", "no_recipients", _("发送范围内已没有可接收短信的人"))
        if confirm_cost_fen is not None and (int(confirm_cost_fen) != parts * price or len(people) != c.recipients):
            c.recipients, c.skipped, c.parts, c.price_fen, c.cost_fen = len(people), skipped, parts, price, parts * price
            c.save(update_fields=["recipients", "skipped", "parts", "price_fen", "cost_fen"])
            audit.record(actor, "sms_campaign.recount", c, data={"recipients": c.recipients, "parts": parts, "cost_fen": c.cost_fen}, org_path=c.org.path)
            stale = _("发送人数或费用已变化：现为%(n)s人、%(parts)s条、约%(cost).2f元，请核对后再批准") % {"n": len(people), "parts": parts, "cost": parts * price / 100}
        else:
            return _queue(actor, c, people, texts, skipped, parts, price, note, now, rules)
    raise ServiceError.single("confirm_cost_fen", "stale_preview", stale)


def _queue(actor, c, people, texts, skipped, parts, price, note, now, rules) -> SmsCampaign:
    cost = parts * price
    when = next_send_time(now, urgent=c.urgent, send_after=c.send_after, rules=rules)
    from .backends import backend_for

    backend = backend_for(Channel.SMS).name
    logs = [
        MessageLog(
            channel=Channel.SMS, backend=backend, recipient_id=r.user_id, member_id=r.member_id, org_id=r.org_id, address=r.phone,
            kind="sms.bulk", subject=c.title[:200], body=t, status=MessageStatus.QUEUED, urgent=c.urgent, deliver_after=when, campaign=c,
        )
        for r, t in zip(people, texts, strict=True)
    ]
    distribution.fill(logs)  # the distribution column: the member's top-level org, else the org's
    MessageLog.objects.bulk_create(logs, batch_size=1000)
    c.status, c.decided_by, c.decided_at, c.decision_note = CampaignStatus.APPROVED, actor.user, now, (note or "").strip()[:300]
    c.recipients, c.skipped, c.parts, c.price_fen, c.cost_fen = len(people), skipped, parts, price, cost
    c.save()
    audit.record(actor, "sms_campaign.approve", c, data={"recipients": c.recipients, "parts": c.parts, "cost_fen": cost, "send_from": when.isoformat()}, org_path=c.org.path)
    _notify(actor, [c.requested_by], kind="sms.campaign.decided", title=_("批量短信“%(title)s”已批准，%(when)s起发送") % {"title": c.title, "when": when.strftime("%m-%d %H:%M")}, url=f"/inbox/sms/{c.pk}/", org_id=c.org_id, key=f"sms-campaign:{c.pk}:decided")
    if when <= now:
        from .services import _kick

        transaction.on_commit(_kick)
    return c


@transaction.atomic
def reject(*, actor: Actor, campaign_id: int, note: str) -> SmsCampaign:
    c = _lock(actor, campaign_id)
    if not can_approve(actor, c):
        raise PermissionDenied()
    _pending(c)
    note = (note or "").strip()
    if not note:
        raise ServiceError.single("note", "required", _("不批准时请填写理由"))
    c.status, c.decided_by, c.decided_at, c.decision_note = CampaignStatus.REJECTED, actor.user, timezone.now(), note[:300]
    c.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(actor, "sms_campaign.reject", c, data={"note": c.decision_note}, org_path=c.org.path)
    _notify(actor, [c.requested_by], kind="sms.campaign.decided", title=_("批量短信“%(title)s”未批准：%(note)s") % {"title": c.title, "note": c.decision_note[:60]}, url=f"/inbox/sms/{c.pk}/", org_id=c.org_id, key=f"sms-campaign:{c.pk}:decided")
    return c


@transaction.atomic
def cancel(*, actor: Actor, campaign_id: int) -> SmsCampaign:
    c = _lock(actor, campaign_id)
    if actor.user_id != c.requested_by_id:
        raise PermissionDenied()
    _pending(c)
    c.status, c.decided_at = CampaignStatus.CANCELLED, timezone.now()
    c.save(update_fields=["status", "decided_at"])
    audit.record(actor, "sms_campaign.cancel", c, org_path=c.org.path)
    return c


def close_finished() -> int:
    """Approved sends with no message left waiting become 发送完毕 (run after each delivery round)."""
    done = 0
    waiting = MessageLog.objects.filter(campaign_id__isnull=False, status=MessageStatus.QUEUED).values_list("campaign_id", flat=True).distinct()
    for c in SmsCampaign.objects.filter(status=CampaignStatus.APPROVED).exclude(pk__in=waiting):
        with transaction.atomic():
            locked = SmsCampaign.objects.select_for_update().filter(pk=c.pk, status=CampaignStatus.APPROVED).first()
            if locked is None or MessageLog.objects.filter(campaign_id=c.pk, status=MessageStatus.QUEUED).exists():
                continue
            locked.status = CampaignStatus.SENT
            locked.save(update_fields=["status"])
            audit.record(Actor.system_actor("sms"), "sms_campaign.sent", locked, data=delivery_counts(locked), org_path=locked.org.path)
            done += 1
    return done


def delivery_counts(c: SmsCampaign) -> dict[str, int]:
    from django.db.models import Count

    return {row["status"]: row["n"] for row in MessageLog.objects.filter(campaign=c).values("status").annotate(n=Count("pk"))}


# --- replies (inbound SMS) ---------------------------------------------------------------------------------------


def _recent_bulk(phone: str, received_at) -> MessageLog | None:
    days = bulk_rules_mod.bulk_rules(timezone.localdate(received_at))["reply_days"]
    return (
        MessageLog.objects.filter(channel=Channel.SMS, campaign__isnull=False, address=phone, sent_at__gte=received_at - dt.timedelta(days=days), sent_at__lte=received_at)
        .order_by("-sent_at", "-pk")
        .first()
    )


def is_reply(*, phone: str, text: str) -> bool:
    """core.sms inbound matcher: the number received a bulk message within the reply window."""
    return _recent_bulk(phone, timezone.now()) is not None


def inbound_reply(*, phone: str, text: str, received_at, message_id: str = "") -> str | None:
    """An inbound SMS answering a bulk message: kept on that send, its requester told; no automatic answer."""
    log = _recent_bulk(phone, received_at)
    if log is None:
        return None
    with transaction.atomic():
        reply = SmsReply.objects.create(campaign_id=log.campaign_id, message=log, text=text[:500], received_at=received_at, provider_id=message_id[:64])
        c = SmsCampaign.objects.select_related("requested_by").get(pk=log.campaign_id)
        audit.record(Actor.system_actor("sms"), "sms_campaign.reply", reply, data={"campaign": c.pk, "phone_tail": phone[-4:]}, org_path=c.org.path if c.org_id else None)
        _notify(
            Actor.system_actor("sms"), [c.requested_by], kind="sms.campaign.reply", title=_("批量短信“%(title)s”收到回复") % {"title": c.title},
            url=f"/inbox/sms/{c.pk}/", org_id=c.org_id, key=f"sms-campaign:{c.pk}:reply:{reply.pk}",
        )
    return None
