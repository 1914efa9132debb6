import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgwork.core import deadlines, gate, params
from orgwork.core import forms as cf
from orgwork.core.errors import NotFound, ServiceError

from . import bulk, selectors, services
from .forms import CampaignFilterForm, CampaignForm, DecisionForm, EscalationForm, LogFilterForm, PreferencesForm, TariffForm, TemplateForm
from .models import Channel as _Channel
from .models import MessageStatus
from .rules import bulk_rules


@gate.account
def inbox(request, actor):
    qs = selectors.inbox(actor, unread_only=request.GET.get("unread") == "1")
    page = params.paginate(request.GET, qs, size=30)
    return render(request, "notifications/inbox.html", {"page": page, "unread": selectors.unread_count(actor)})


@require_POST
@gate.account
def read(request, actor, pk):
    try:
        n = services.mark_read(actor=actor, notification_id=pk)
    except NotFound:
        raise Http404 from None
    return redirect(n.url or "notifications:inbox")


@require_POST
@gate.account
def read_all(request, actor):
    services.mark_all_read(actor=actor)
    return redirect("notifications:inbox")


@gate.account
def preferences(request, actor):
    current, saved = selectors.preferences(actor)
    form = PreferencesForm(request.POST or None, settings=current, saved=saved)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.save_preferences(
                actor=actor, quiet_enabled=d["quiet_enabled"], quiet_start=d["quiet_start"], quiet_end=d["quiet_end"], sms_phone=d["sms_phone"], channels=form.channels()
            )
        except ServiceError as exc:
            for e in exc.errors:
                form.add_error(e.field if e.field in form.fields else None, str(e.message))
        else:
            messages.success(request, _("消息接收设置已保存"))
            return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form, "crumbs": [(_("我的账号"), "/account/"), (_("消息接收设置"), "")]}, status=status)


@gate.staff
def escalation(request, actor):
    """逾期督办设定: the rule's default, this department's own period, and the form to change it."""
    today = dt.date.today()
    rules = deadlines.deadline_rules(today)
    orgs = selectors.escalation_orgs(actor)
    form = EscalationForm(request.POST or None, orgs=orgs, low=rules["escalate_min_working_days"], high=rules["escalate_max_working_days"])
    if request.method == "POST":
        if not orgs:
            raise PermissionDenied()
        if form.is_valid():
            d = form.cleaned_data
            try:
                deadlines.set_escalation_days(actor=actor, org_id=d["org"], working_days=None if d["reset"] else d["working_days"], reason=d["reason"])
            except ServiceError as exc:
                for e in exc.errors:
                    form.add_error(e.field if e.field in form.fields else None, str(e.message))
            else:
                messages.success(request, _("督办期限已保存"))
                return redirect("notifications:escalation")
    context = {
        "form": form,
        "can_edit": bool(orgs),
        "rules": rules,
        "settings_list": selectors.escalation_settings(actor),
        "crumbs": [(_("督办期限设定"), "")],
    }
    return render(request, "notifications/escalation.html", context, status=400 if request.method == "POST" else 200)


# --- bulk SMS (批量短信) and the per-organization message log ------------------------------------------------------


def _org_or_none(actor, org_id):
    from orgwork.core.scope import get_in_scope
    from orgwork.orgs.models import Org

    if not org_id:
        return None
    try:
        return get_in_scope(Org.objects.select_related("parent"), actor, pk=org_id)
    except NotFound:
        raise Http404 from None


@gate.staff
def sms_campaigns(request, actor):
    form = CampaignFilterForm(request.GET or None)
    status = form.choice("status", "") if request.GET else ""
    page = params.paginate(request.GET, selectors.campaigns(actor, status=status), size=30)
    return render(
        request, "notifications/sms_campaigns.html",
        {"page": page, "form": form, "to_approve": selectors.campaigns_to_approve(actor), "crumbs": [(_("批量短信"), "")]},
    )


@gate.staff
def sms_new(request, actor):
    """Write a bulk SMS, preview who receives it and what it costs, then submit it for approval."""
    if not actor.can_write_anything:
        raise PermissionDenied()
    initial = {}
    tpl = None
    tpl_id = request.GET.get("template", "")
    if request.method != "POST" and tpl_id.isdigit():
        tpl = bulk.usable_templates(actor).filter(pk=int(tpl_id)).first()
        if tpl is None:
            raise Http404
        initial = {"template": tpl.pk, "body": tpl.body, "title": tpl.name}
    if request.method != "POST":  # the scope defaults to the organization the actor works for
        grant = actor.active_grant or next((g for g in actor.effective_grants if g.can_write), None)
        if grant is not None:
            initial["org"] = grant.org_id
    form = CampaignForm(request.POST or None, initial=initial)
    preview = None
    status = 200
    body = ""
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            body = d["body"]
            values = form.values_by_name(bulk.send_variables(body))
            try:
                if d["action"] == "submit":
                    c = bulk.request_send(
                        actor=actor, org_id=d["org"], audience=d["audience"], title=d["title"], body=body, values=values,
                        urgent=d["urgent"], send_after=d["send_after"], template_id=d["template"],
                    )
                    messages.success(request, _("已提交审批，审批人已收到通知"))
                    return redirect("notifications:sms_campaign", pk=c.pk)
                preview = bulk.preview(actor=actor, org_id=d["org"], audience=d["audience"], body=body, values=values, urgent=d["urgent"])
            except ServiceError as exc:
                cf.apply_service_errors(form, exc, aliases={"var_" + str(i): "variables" for i in range(1, 21)})
                status = 400
        else:
            status = 400
            body = form.data.get("body", "")
    else:
        body = initial.get("body", "")
    names = bulk.send_variables(body)
    posted = (form.cleaned_data.get("variables") or {}) if form.is_bound and hasattr(form, "cleaned_data") else {}
    variables = [(i, name, posted.get(i, "")) for i, name in enumerate(names, start=1)]
    org = None
    org_id = (form.cleaned_data.get("org") if form.is_bound and hasattr(form, "cleaned_data") else None) or initial.get("org")
    if org_id:
        try:
            org = _org_or_none(actor, org_id)
        except Http404:
            org = None
    context = {
        "form": form, "preview": preview, "variables": variables, "org": org, "template": tpl,
        "templates": bulk.usable_templates(actor, org), "rules": bulk_rules(),
        "crumbs": [(_("批量短信"), "/inbox/sms/"), (_("新建批量短信"), "")],
    }
    return render(request, "notifications/sms_new.html", context, status=status)


@gate.staff
def sms_campaign(request, actor, pk):
    try:
        c = selectors.campaign(actor, pk)
    except NotFound:
        raise Http404 from None
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["decision"] == "approve":
                    bulk.approve(actor=actor, campaign_id=c.pk, note=d["note"], confirm_cost_fen=d["confirm_cost_fen"])
                    messages.success(request, _("已批准，短信将在发送时段内发出"))
                elif d["decision"] == "reject":
                    bulk.reject(actor=actor, campaign_id=c.pk, note=d["note"])
                    messages.success(request, _("已退回申请人"))
                else:
                    bulk.cancel(actor=actor, campaign_id=c.pk)
                    messages.success(request, _("已撤回"))
                return redirect("notifications:sms_campaign", pk=c.pk)
            except NotFound:
                raise Http404 from None
            except ServiceError as exc:
                cf.apply_service_errors(form, exc)
                c = selectors.campaign(actor, pk)
        status = 400
    else:
        status = 200
    counts = bulk.delivery_counts(c)
    context = {
        "c": c, "form": form, "can_approve": bulk.can_approve(actor, c) and c.status == "pending",
        "can_cancel": actor.user_id == c.requested_by_id and c.status == "pending",
        "approvers": bulk.approvers(c) if c.status == "pending" else [],
        "counts": [(label, counts.get(value, 0), value) for value, label in MessageStatus.choices if value != "queued" or counts.get(value)],
        "queued": counts.get("queued", 0), "replies": params.paginate(request.GET, c.replies.select_related("message", "message__member").order_by("-received_at", "-id"), name="rpage"),
        "skipped": [(bulk.SKIP_LABELS.get(k, k), n) for k, n in (c.skipped or {}).items() if n],
        "crumbs": [(_("批量短信"), "/inbox/sms/"), (c.title, "")],
    }
    return render(request, "notifications/sms_campaign.html", context, status=status)


@gate.staff
def sms_templates(request, actor):
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        if not actor.can_write_anything:
            raise PermissionDenied()
        retire = request.GET.get("retire", "")
        if retire.isdigit():
            try:
                bulk.retire_template(actor=actor, template_id=int(retire))
            except NotFound:
                raise Http404 from None
            messages.success(request, _("模板已停用"))
            return redirect("notifications:sms_templates")
        if form.is_valid():
            d = form.cleaned_data
            try:
                bulk.save_template(actor=actor, org_id=d["org"], name=d["name"], body=d["body"])
            except ServiceError as exc:
                cf.apply_service_errors(form, exc)
            else:
                messages.success(request, _("模板已保存"))
                return redirect("notifications:sms_templates")
    status = 400 if request.method == "POST" else 200
    rows = [(t, bulk.template_variables(t.body)) for t in selectors.templates(actor)]
    return render(
        request, "notifications/sms_templates.html",
        {"form": form, "rows": rows, "can_write": actor.can_write_anything, "crumbs": [(_("批量短信"), "/inbox/sms/"), (_("短信模板"), "")]},
        status=status,
    )


@gate.staff
def sms_tariff(request, actor):
    orgs = bulk.tariff_orgs(actor)
    form = TariffForm(request.POST or None, orgs=orgs)
    if request.method == "POST":
        if not orgs:
            raise PermissionDenied()
        if form.is_valid():
            d = form.cleaned_data
            try:
                bulk.set_tariff(actor=actor, org_id=d["org"], price_fen=d["price_fen"], effective_on=d["effective_on"], reason=d["reason"])
            except ServiceError as exc:
                cf.apply_service_errors(form, exc)
            else:
                messages.success(request, _("短信单价已保存"))
                return redirect("notifications:sms_tariff")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "notifications/sms_tariff.html",
        {"form": form, "can_edit": bool(orgs), "rows": selectors.tariffs(actor), "rules": bulk_rules(), "crumbs": [(_("批量短信"), "/inbox/sms/"), (_("短信单价"), "")]},
        status=status,
    )


def _log_query(request, actor):
    form = LogFilterForm(request.GET)
    if not form.is_valid():
        return form, None, None
    d = form.cleaned_data
    org = _org_or_none(actor, d["org"])
    qs = selectors.message_log(actor, org=org, channel=d["channel"], status=d["status"], since=d["since"], until=d["until"], campaign_id=d["campaign"])
    return form, org, qs


@gate.staff
def message_log(request, actor):
    """消息发送记录: every message of the organizations in scope, with its delivery state (numbers masked)."""
    form, org, qs = _log_query(request, actor)
    if qs is None:
        return render(request, "notifications/message_log.html", {"form": form, "page": None, "crumbs": [(_("消息发送记录"), "")]}, status=400)
    page = params.paginate(request.GET, qs)
    counts = selectors.status_counts(qs)
    context = {
        "form": form, "org": org, "page": page, "total": page.paginator.count,
        "counts": [(label, counts.get(value, 0)) for value, label in MessageStatus.choices if counts.get(value)],
        "export_query": request.GET.urlencode(), "crumbs": [(_("消息发送记录"), "")],
    }
    return render(request, "notifications/message_log.html", context)


@gate.staff
def message_log_export(request, actor):
    """The same list as an Excel file, every row (written row by row, constant memory)."""
    import tempfile

    from django.http import FileResponse

    from orgwork.core import exports
    from orgwork.core.privacy import mask_phone

    form, _org, qs = _log_query(request, actor)
    if qs is None:
        return render(request, "notifications/message_log.html", {"form": form, "page": None}, status=400)
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")
    wb = exports.workbook(tmp.name, constant_memory=True)
    ws = wb.add_worksheet(_("消息发送记录"))
    head = [_("时间"), _("渠道"), _("党组织"), _("接收人"), _("号码/地址"), _("标题"), _("状态"), _("说明"), _("尝试次数"), _("批量短信")]
    ws.write_row(0, 0, head)
    labels_channel, labels_status = dict(_Channel.choices), dict(MessageStatus.choices)
    for i, m in enumerate(qs.iterator(chunk_size=2000), start=1):
        who = (m.member.name if m.member_id else "") or (m.recipient.get_full_name() if m.recipient_id else "") or ""
        address = mask_phone(m.address) if m.channel == "sms" else (m.address if m.channel == "email" else "")
        ws.write_row(i, 0, [
            timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"), str(labels_channel.get(m.channel, m.channel)), m.org.name if m.org_id else "",
            who, address, m.subject, str(labels_status.get(m.status, m.status)), m.error, m.attempts, m.campaign.title if m.campaign_id else "",
        ])
    wb.close()
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=_("消息发送记录") + ".xlsx", content_type=exports.XLSX_CONTENT_TYPE)
