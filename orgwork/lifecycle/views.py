"""Console pages: transfers, mobile members, entry and exit. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import forms as cf
from orgwork.core import gate, params
from orgwork.core import procedures as proc
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.members import selectors as member_selectors

from . import forms, selectors
from .letter import letter_docx, letter_pdf, letter_read
from .models import MobileStatus, TransferKind, TransferStatus
from .services import exits, mobile, transfers

PAGE_SIZE = 50


# --- transfers ---------------------------------------------------------------------------------


@gate.staff
def transfer_list(request, actor):
    errors = None
    if request.method == "POST":
        try:
            form = forms.TransferStartForm(request.POST)
            d = form.values()
            kind = d["kind"]
            if kind == "within":
                t = transfers.start_within(actor=actor, member_id=d["member"], to_org_id=d["to_org"], reason=d["reason"], on=d["on"])
            elif kind == "out":
                t = transfers.issue_letter(
                    actor=actor, member_id=d["member"], to_org_name=d["to_org_name"], reason=d["reason"], on=d["on"], valid_days=d["valid_days"], validity_reason=d["validity_reason"],
                )  # fmt: skip
            else:
                t = transfers.register_incoming(
                    actor=actor, letter_number=d["letter_number"], from_org_name=d["from_org_name"], to_org_id=d["to_org"], letter_issued_on=d["letter_issued_on"],
                    valid_until=d["valid_until"], on=d["on"], person=form.person(), late_reason=d["late_reason"],
                )  # fmt: skip
            messages.success(request, _("已办理"))
            return redirect("lifecycle:transfer", t.pk)
        except ServiceError as exc:
            errors = exc.errors
    qs = selectors.transfers(actor)
    overdue = None
    if params.flag(request.GET, "overdue"):
        overdue = selectors.overdue(actor)
        rows = [o.transfer for o in overdue]
    else:
        status = params.choice(request.GET, "status", label=_("状态"), choices=TransferStatus.choices)
        rows = (qs.filter(status=status) if status else qs).order_by("-started_on", "-id")
    page = params.paginate(request.GET, rows, size=PAGE_SIZE)
    selected = None
    selected_id = params.object_id(request.GET, "member", label=_("党员"))
    if selected_id:
        try:
            selected = member_selectors.get_member(actor, selected_id)
        except NotFound:
            selected = None
    incoming = params.paginate(request.GET, selectors.incoming_pending(actor).order_by("started_on", "id"), size=PAGE_SIZE, name="in_page")
    asked = params.paginate(request.GET, selectors.transfer_requests(actor), size=PAGE_SIZE, name="req_page")
    return render(
        request,
        "lifecycle/transfers.html",
        {"selected_member": selected if selected is not None and selected.standing == "normal" else None, "rows": page.object_list, "page": page, "overdue": overdue, "incoming": incoming, "asked": asked, "errors": errors, "crumbs": [(_("组织关系转接"), "")]},
    )


@gate.staff
def transfer_detail(request, actor, transfer_id):
    t = selectors.get_transfer(actor, transfer_id)
    errors = None
    if request.method == "POST":
        try:
            d = forms.TransferActForm(request.POST).values()
            act, on = d["act"], d["on"]
            if act == "receive":
                transfers.receive(actor=actor, transfer_id=t.pk, on=on, comment=d["comment"])
            elif act == "return":
                fn = transfers.return_incoming if t.kind == TransferKind.IN else transfers.return_for_correction
                fn(actor=actor, transfer_id=t.pk, reason=d["reason"], on=on)
            elif act == "resubmit":
                transfers.resubmit(actor=actor, transfer_id=t.pk, on=on, comment=d["comment"], to_org_id=d["to_org"])
            elif act == "cancel":
                transfers.cancel(actor=actor, transfer_id=t.pk, reason=d["reason"], on=on)
            elif act == "receipt":
                transfers.record_receipt(actor=actor, transfer_id=t.pk, on=on, comment=d["comment"])
            elif act == "approve":
                transfers.approve(actor=actor, transfer_id=t.pk, on=on, comment=d["comment"])
            messages.success(request, _("已办理"))
            return redirect("lifecycle:transfer", t.pk)
        except ServiceError as exc:
            errors = exc.errors
    return render(
        request,
        "lifecycle/transfer.html",
        {"t": t, "events": selectors.events(t), "errors": errors, "crumbs": [(_("组织关系转接"), reverse("lifecycle:transfers")), (t.person_name, "")]},
    )


@gate.staff
def transfer_request(request, actor, request_id):
    """A member's request from the phone: the branch accepts it (where to: a branch here, or a letter out) or declines it."""
    instance = selectors.get_request(actor, request_id)
    errors = None
    if request.method == "POST":
        try:
            d = forms.TransferRequestForm(request.POST).values()
            if d["act"] == "accept":
                t = transfers.accept_request(
                    actor=actor, request_id=instance.pk, destination=d["destination"], on=d["on"], to_org_id=d["to_org"], to_org_name=d["to_org_name"],
                    reason=d["reason"], valid_days=d["valid_days"], validity_reason=d["validity_reason"],
                )  # fmt: skip
                messages.success(request, _("已受理，转接已发起"))
                return redirect("lifecycle:transfer", t.pk)
            transfers.decline_request(actor=actor, request_id=instance.pk, reason=d["reason"], on=d["on"])
            messages.success(request, _("已办理"))
            return redirect("lifecycle:request", instance.pk)
        except ServiceError as exc:
            errors = exc.errors
    asked = (instance.data.get("steps") or {}).get("ask") or {}
    accepted = (instance.data.get("steps") or {}).get("accept") or {}
    return render(
        request,
        "lifecycle/transfer_request.html",
        {
            "r": instance, "asked": asked, "transfer_id": accepted.get("transfer"), "records": proc.timeline(instance), "errors": errors,
            "open": instance.status == "active" and instance.step == "accept",
            "crumbs": [(_("组织关系转接"), reverse("lifecycle:transfers")), (instance.title, "")],
        },
    )  # fmt: skip


@gate.staff
def transfer_letter(request, actor, transfer_id):
    t = selectors.get_transfer(actor, transfer_id)
    if t.kind != TransferKind.OUT:
        raise NotFound()
    letter_read(actor, t)
    resp = HttpResponse(letter_docx(t), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    resp["Content-Disposition"] = f'attachment; filename="transfer-letter-{t.letter_number}.docx"'
    return resp


@gate.staff
def transfer_letter_pdf(request, actor, transfer_id):
    """The letter as PDF, A4, for printing and filing."""
    t = selectors.get_transfer(actor, transfer_id)
    if t.kind != TransferKind.OUT:
        raise NotFound()
    letter_read(actor, t)
    resp = HttpResponse(letter_pdf(t), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="transfer-letter-{t.letter_number}.pdf"'
    return resp


# --- mobile members ----------------------------------------------------------------------------


@gate.staff
def mobile_list(request, actor):
    errors = None
    if request.method == "POST":
        try:
            d = forms.MobileForm(request.POST).values()
            act, reg = d["act"], d["registration"]
            if act == "register":
                mobile.register(
                    actor=actor, member_id=d["member"], left_on=d["left_on"], destination=d["destination"], workplace=d["workplace"], home_contact=d["home_contact"],
                    home_contact_phone=d["home_contact_phone"], member_phone=d["member_phone"], card_number=d["card_number"], expected_return=d["expected_return"],
                )  # fmt: skip
            elif act == "contact":
                mobile.record_contact(actor=actor, registration_id=reg, contacted_on=d["on"], channel=d["channel"], note=d["note"])
            elif act == "attach":
                mobile.attach(actor=actor, registration_id=reg, org_id=d["org"], on=d["on"])
            elif act == "end":
                mobile.end(actor=actor, registration_id=reg, on=d["on"], status=d["status"], reason=d["reason"])
            elif act == "propose":
                inst = mobile.propose_suspension(actor=actor, registration_id=reg, on=d["on"])
                messages.success(request, _("已提出停止党籍的建议，请支部按程序研究决定"))
                return redirect("lifecycle:exit", inst.pk)
            messages.success(request, _("已保存"))
            return redirect("lifecycle:mobile")
        except ServiceError as exc:
            errors = exc.errors
    flags = selectors.mobile_flags(actor)
    attached = params.paginate(request.GET, selectors.attached_here(actor).order_by("-attached_on", "-id"), size=PAGE_SIZE)
    return render(
        request,
        "lifecycle/mobile.html",
        {
            "flags": flags,
            "attached": attached,
            "end_choices": [(s.value, s.label) for s in MobileStatus if s != MobileStatus.AWAY],
            "errors": errors,
            "crumbs": [(_("流动党员"), "")],
        },
    )


# --- entry and exit ----------------------------------------------------------------------------


@gate.staff
def exit_list(request, actor):
    errors = None
    if request.method == "POST":
        try:
            d = forms.ExitStartForm(request.POST).values()
            source = {"source": d["source"]} if d["source"] else None  # started from the dues arrears list
            inst = exits.start(actor=actor, member_id=d["member"], kind=d["kind"], on=d["on"], data=source)
            return redirect("lifecycle:exit", inst.pk)
        except ServiceError as exc:
            errors = exc.errors
        except PermissionDenied:
            errors = [ServiceError.single("member", "permission_denied", _("您没有办理此事项的权限")).errors[0]]
    cases = params.paginate(request.GET, selectors.exit_cases(actor), size=PAGE_SIZE)
    return render(
        request,
        "lifecycle/exits.html",
        {"cases": cases, "kinds": [(k, v[0]) for k, v in exits.KINDS.items()], "errors": errors, "crumbs": [(_("党员出入"), "")]},
    )


@gate.staff
def exit_detail(request, actor, instance_id):
    inst = proc.get_instance(actor, instance_id)
    if not inst.kind.startswith("member_"):
        raise NotFound()
    d = proc.definition_for(inst)
    step = d.step(inst.step) if inst.step else None
    errors = None
    if request.method == "POST" and step is not None:
        try:
            form = cf.step_form(step.fields, request.POST, done_on_default=cf.TODAY)
            d = form.values()
            proc.complete_step(actor=actor, instance_id=inst.pk, step=step.key, done_on=d["done_on"], data=cf.step_values(form, step.fields), comment=d["comment"])
            messages.success(request, _("“%(step)s”已办理") % {"step": step.title})
            return redirect("lifecycle:exit", inst.pk)
        except ServiceError as exc:
            errors = exc.errors
        except PermissionDenied:
            errors = [ServiceError.single("step", "permission_denied", _("“%(step)s”应由%(role)s办理") % {"step": step.title, "role": proc.ROLE_LABELS[step.role]}).errors[0]]
    return render(
        request,
        "lifecycle/exit.html",
        {"inst": inst, "definition": d, "step": step, "timeline": proc.timeline(inst), "errors": errors, "crumbs": [(_("党员出入"), reverse("lifecycle:exits")), (inst.title, "")]},
    )
