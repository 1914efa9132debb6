"""Pages: the public 12380 form and receipt follow-up (no account), and the console register (department staff).

The public views never touch the session, set no cookie of their own and log nothing; the device limit and the
receipt-guessing limit live in the cache under day-keyed hashes (ratelimit.py).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orgwork.core import audit, gate, params
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.models import Role
from orgwork.core.procedures import definition_for, timeline
from orgwork.orgs import selectors as org_selectors

from . import crypto, forms, keyring, ratelimit, selectors, services
from .models import Category, Channel, IdentityRequest, KeyRole, RequestStatus, Status
from .rules import CATEGORY_LABELS, IN_SCOPE, OUT_OF_SCOPE_GUIDANCE, intake_rules

PAGE_SIZE = 30


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _files(form_files):
    return [(f.name, f.read()) for f in form_files or []]


# --- public ----------------------------------------------------------------------------------------------------
def _public_context(form, **extra):
    rules = intake_rules()
    return {"form": form, "rules": rules, "guidance": OUT_OF_SCOPE_GUIDANCE, "in_scope": [CATEGORY_LABELS[c] for c in IN_SCOPE], **extra}


@gate.public
@require_http_methods(["GET", "POST"])
def public_form(request):
    rules = intake_rules()
    form = forms.TipoffForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.submissions_left(request, rules["max_reports_per_device_per_day"]) <= 0:
            form.add_error(None, _("同一设备每天最多提交%(n)s件举报，请明天再提交，或拨打12380电话、来信来访。") % {"n": rules["max_reports_per_device_per_day"]})
            status = 429
        else:
            d = dict(form.cleaned_data)
            files = _files(d.pop("files"))
            try:
                sub = services.submit(actor=None, files=files, **d)
            except ServiceError as exc:
                forms.apply_errors(form, exc)
                status = 400
            else:
                ratelimit.count_submission(request)
                return _no_store(render(request, "tipoffs/public_receipt.html", {"receipt": sub.receipt, "reference": sub.report.reference}))
    elif request.method == "POST":
        status = 400
    return _no_store(render(request, "tipoffs/public_form.html", _public_context(form), status=status))


def _follow(request, receipt: str):
    """(report, reporter key) or an error text and status; failed guesses are counted."""
    rules = intake_rules()
    if not ratelimit.receipt_guess_allowed(request, rules["receipt_failures_per_client_per_hour"], rules["receipt_failures_global_per_hour"]):
        return None, _("查询过于频繁，请一小时后再试。"), 429
    try:
        report, sk = services.find_by_receipt(receipt)
    except NotFound:
        ratelimit.count_receipt_failure(request)
        return None, _("回执码不正确。请核对后重新输入。"), 404
    return (report, sk), "", 200


@gate.public
@require_http_methods(["GET", "POST"])
def public_follow(request):
    form = forms.ReceiptForm(request.POST or None)
    ctx = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        found, error, status = _follow(request, form.cleaned_data["receipt"])
        if found:
            report, sk = found
            ctx["view"] = services.reporter_view(report, sk)
            ctx["add"] = forms.AddInformationForm(initial={"receipt": crypto.normalize_receipt(form.cleaned_data["receipt"])})
        else:
            form.add_error("receipt", error)
    return _no_store(render(request, "tipoffs/public_follow.html", ctx, status=status))


@gate.public
@require_POST
def public_add(request):
    add = forms.AddInformationForm(request.POST, request.FILES or None)
    ctx = {"form": forms.ReceiptForm(), "add": add}
    status = 400
    if add.is_valid():
        found, error, status = _follow(request, add.cleaned_data["receipt"])
        if found:
            try:
                services.add_information(receipt=add.cleaned_data["receipt"], text=add.cleaned_data["text"], files=_files(add.cleaned_data["files"]))
            except ServiceError as exc:
                forms.apply_errors(add, exc)
                status = 400
            else:
                report, sk = services.find_by_receipt(add.cleaned_data["receipt"])
                ctx["view"] = services.reporter_view(report, sk)
                ctx["added"] = True
                ctx["add"] = forms.AddInformationForm(initial={"receipt": add.cleaned_data["receipt"]})
                status = 200
        else:
            add.add_error(None, error)
    return _no_store(render(request, "tipoffs/public_follow.html", ctx, status=status))


def _action(request) -> dict:
    """Which button was pressed and the ids it carries, read through a form."""
    form = forms.ActionForm(request.POST if request.method == "POST" else None)
    return form.cleaned_data if form.is_valid() else {}


# --- console ---------------------------------------------------------------------------------------------------
def _restricted(actor):
    if not selectors.may_read(actor):
        raise NotFound()


@gate.staff
def register(request, actor):
    _restricted(actor)
    qs = selectors.reports(actor)
    status, category, channel = request.GET.get("status", ""), request.GET.get("category", ""), request.GET.get("channel", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    if category in Category.values:
        qs = qs.filter(category=category)
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    page = params.paginate(request.GET, qs.order_by("-received_on", "-id"), size=PAGE_SIZE)
    return render(
        request, "tipoffs/register.html",
        {
            "page": page, "statuses": Status.choices, "categories": Category.choices, "channels": Channel.choices,
            "f": {"status": status, "category": category, "channel": channel}, "offices": selectors.offices(actor),
            "unlocked": keyring.load(request) is not None, "pending": selectors.identity_requests(actor).count(),
            "crumbs": [(_("12380举报"), "")],
        },
    )


@gate.staff
def unlock(request, actor):
    _restricted(actor)
    form = forms.UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sk = services.unlock(user=request.user, password=form.cleaned_data["password"])
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            target = request.GET.get("next") or ""
            response = redirect(target if target.startswith("/tipoffs/") else reverse("tipoffs:register"))
            keyring.store(request, response, sk)
            messages.success(request, _("已解锁，本次登录期间可以查阅举报内容。"))
            return response
    return render(request, "tipoffs/unlock.html", {"form": form, "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (_("解锁"), "")]}, status=400 if form.errors else 200)


@gate.staff
@require_POST
def lock(request, actor):
    response = redirect("tipoffs:register")
    keyring.forget(request, response)
    return response


STEP_FORMS = {
    "accept": ("decide", forms.DecideForm),
    "assign": ("assign", forms.AssignForm),
    "verify": ("verify", forms.VerifyForm),
    "conclude": ("conclude", forms.ConcludeForm),
    "reply": ("reply", forms.ReplyForm),
    "close": ("close", forms.CloseForm),
}


@gate.staff
def detail(request, actor, pk):
    _restricted(actor)
    report = selectors.get_report(actor, pk)
    today = dt.date.today()
    sk = keyring.load(request)
    act = _action(request)
    action = act.get("action") or None
    step = report.procedure.step if report.procedure and report.procedure.status == "active" else ""
    step_form = None
    if step in STEP_FORMS:
        name, make_form = STEP_FORMS[step]
        step_form = make_form(request.POST if action == name else None, initial={"on": today}, prefix="step")
    reply_form = forms.ReplyForm(request.POST if action == "message" else None, initial={"on": today}, prefix="msg")
    ext_form = forms.ReasonForm(request.POST if action == "extension" else None, prefix="ext")
    id_form = forms.ReasonForm(request.POST if action == "identity" else None, prefix="idr")
    fw_form = forms.ForwardingForm(request.POST if action == "forwarding" else None, prefix="fw")
    bound = {
        "message": reply_form, "extension": ext_form, "identity": id_form, "forwarding": fw_form,
        **({STEP_FORMS[step][0]: step_form} if step_form is not None else {}),
    }.get(action)
    if action == "approve_extension":
        try:
            services.approve_extension(actor=actor, extension_id=act.get("extension"))
        except ServiceError as exc:
            messages.error(request, "；".join(str(e.message) for e in exc.errors))
        except (PermissionDenied, NotFound):
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已批准延期"))
        return redirect("tipoffs:detail", report.pk)
    if bound is not None and bound.is_valid():
        d = dict(bound.cleaned_data)
        try:
            if action == "decide":
                services.decide(actor=actor, report_id=report.pk, **d)
            elif action == "assign":
                services.assign(actor=actor, report_id=report.pk, **d)
            elif action == "verify":
                services.verify(actor=actor, report_id=report.pk, **d)
            elif action == "conclude":
                services.conclude(actor=actor, report_id=report.pk, **d)
            elif action in ("reply", "message"):
                services.reply(actor=actor, report_id=report.pk, **d)
            elif action == "close":
                services.close(actor=actor, report_id=report.pk, **d)
            elif action == "extension":
                services.request_extension(actor=actor, report_id=report.pk, reason=d["reason"])
            elif action == "identity":
                services.request_identity(actor=actor, report_id=report.pk, reason=d["reason"])
            elif action == "forwarding":
                services.update_forwarding(actor=actor, report_id=report.pk, **d)
        except ServiceError as exc:
            forms.apply_errors(bound, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已保存"))
            return redirect("tipoffs:detail", report.pk)
    opened = None
    if sk is not None and services.has_grant(report.office, request.user):
        opened = services.read_report(actor=actor, report_id=report.pk, handler_key=sk)
    d = definition_for(report.procedure) if report.procedure else None
    return render(
        request, "tipoffs/detail.html",
        {
            "r": report, "opened": opened, "unlocked": sk is not None, "has_grant": services.has_grant(report.office, request.user),
            "step": d.step(step) if d and step else None, "step_form": step_form, "reply_form": reply_form, "ext_form": ext_form, "id_form": id_form,
            "fw_form": fw_form, "forwarding": getattr(report, "forwarding", None) if hasattr(report, "forwarding") else None,
            "timeline": timeline(report.procedure) if report.procedure else [], "definition": d,
            "extensions": report.extensions.select_related("requested_by", "approved_by"),
            "my_requests": IdentityRequest.objects.filter(report=report, requested_by=request.user).order_by("-created_at"),
            "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (report.reference, "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def identity(request, actor, pk):
    _restricted(actor)
    report = selectors.get_report(actor, pk)
    try:
        person = services.read_identity(actor=actor, report_id=report.pk, handler_key=keyring.load(request))
    except PermissionDenied:
        raise DjangoPermissionDenied(_("身份信息须经身份保管人同意后方可查看。")) from None
    except crypto.Locked:
        return redirect(reverse("tipoffs:unlock") + f"?next={reverse('tipoffs:identity', args=[report.pk])}")
    return _no_store(render(request, "tipoffs/identity.html", {"r": report, "person": person, "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (report.reference, reverse("tipoffs:detail", args=[report.pk])), (_("举报人身份"), "")]}))


@gate.staff
def download(request, actor, pk):
    _restricted(actor)
    sk = keyring.load(request)
    if sk is None:
        return redirect("tipoffs:unlock")
    try:
        name, data = services.read_file(actor=actor, file_id=pk, handler_key=sk)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    response = HttpResponse(data, content_type="application/octet-stream")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return _no_store(response)


@gate.staff
def offline_new(request, actor):
    _restricted(actor)
    offices = list(selectors.offices(actor))
    form = forms.OfflineForm(request.POST or None, request.FILES or None, initial={"received_on": dt.date.today(), "channel": Channel.LETTER})
    office_id = _action(request).get("office") or (offices[0].pk if offices else None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        files = _files(d.pop("files"))
        try:
            sub = services.submit(actor=actor, office_id=office_id, files=files, **d)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        except (PermissionDenied, NotFound):
            raise DjangoPermissionDenied from None
        else:
            return _no_store(render(request, "tipoffs/offline_receipt.html", {"receipt": sub.receipt, "r": sub.report, "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (sub.report.reference, "")]}))
    return render(request, "tipoffs/offline_new.html", {"form": form, "offices": offices, "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (_("登记来信来访来电"), "")]}, status=400 if form.errors else 200)


def _office_org_choices(actor):
    """Offices sit at the organization department's own org: the orgs of the actor's department grants."""
    if actor.unrestricted:
        return [(o.pk, org_selectors.full_path_names(o)) for o in org_selectors.top_orgs(actor)]
    return [(g.org_id, g.org_name) for g in actor.effective_grants if g.role == Role.DEPT_ADMIN]


@gate.staff
def keys(request, actor):
    """Offices, key holders and the custodian's pending decisions."""
    _restricted(actor)
    sk = keyring.load(request)
    act = _action(request)
    action = act.get("action") or None
    office_form = forms.OfficeForm(request.POST if action == "office" else None, prefix="office")
    office_form.fields["org"].widget.choices = _office_org_choices(actor)
    grant_form = forms.GrantForm(request.POST if action == "grant" else None, prefix="grant")
    decision_form = forms.IdentityDecisionForm(request.POST if action == "decide_identity" else None, prefix="idd")
    if action == "office" and office_form.is_valid():
        d = office_form.cleaned_data
        try:
            services.setup_office(actor=actor, org_id=d["org"], name=d["name"], password=d["password"])
        except ServiceError as exc:
            forms.apply_errors(office_form, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("受理机构已设立，请解锁后把身份保管职责授予保管人。"))
            return redirect("tipoffs:keys")
    if action == "grant" and grant_form.is_valid():
        user = get_user_model().objects.filter(username=grant_form.cleaned_data["username"]).first()
        try:
            services.grant_key(actor=actor, handler_key=sk, office_id=act.get("office"), user_id=user.pk if user else None, role=grant_form.cleaned_data["role"])
        except ServiceError as exc:
            forms.apply_errors(grant_form, exc)
        except (PermissionDenied, NotFound):
            messages.error(request, _("您没有该密钥，或尚未解锁。"))
        else:
            messages.success(request, _("已授权"))
            return redirect("tipoffs:keys")
    if action == "revoke":
        form = forms.ReasonForm(request.POST, prefix="rv")
        if form.is_valid():
            try:
                services.revoke_grant(actor=actor, grant_id=act.get("grant"), reason=form.cleaned_data["reason"])
            except ServiceError as exc:
                messages.error(request, "；".join(str(e.message) for e in exc.errors))
            else:
                messages.success(request, _("已撤销授权"))
            return redirect("tipoffs:keys")
    if action == "decide_identity" and decision_form.is_valid():
        try:
            services.decide_identity(actor=actor, request_id=act.get("request"), custodian_key=sk, **decision_form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, "；".join(str(e.message) for e in exc.errors))
        except (PermissionDenied, NotFound):
            messages.error(request, _("只有身份信息保管人可以作出决定。"))
        else:
            messages.success(request, _("已作出决定"))
        return redirect("tipoffs:keys")
    offices = [
        {"office": o, "grants": list(selectors.grants(actor, o)), "mine": [r for r in (KeyRole.HANDLER, KeyRole.CUSTODIAN) if services.has_grant(o, request.user, r)]}
        for o in selectors.offices(actor)
    ]
    return render(
        request, "tipoffs/keys.html",
        {
            "offices": offices, "office_form": office_form, "grant_form": grant_form, "decision_form": decision_form, "unlocked": sk is not None,
            "requests": selectors.identity_requests(actor, status=RequestStatus.PENDING), "my_key": services.live_key(request.user),
            "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (_("密钥与身份保管"), "")],
        },
    )


@gate.staff
def statistics(request, actor):
    _restricted(actor)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else None
    return render(request, "tipoffs/statistics.html", {"s": selectors.statistics(actor, year=year), "year": year, "crumbs": [(_("12380举报"), reverse("tipoffs:register")), (_("统计"), "")]})


def audit_history(report):
    return audit.history(report._meta.label_lower, report.pk)
