"""Console pages: transfers, mobile members, entry and exit. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from orgwork.core import gate, params
from orgwork.core import procedures as proc
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.members import selectors as member_selectors

from . import exits, mobile, selectors, transfers
from .letter import letter_docx, letter_pdf, letter_read
from .models import MobileStatus, TransferKind, TransferStatus

PAGE_SIZE = 50


# --- transfers ---------------------------------------------------------------------------------


@gate.staff
def transfer_list(request, actor):
    errors = None
    if request.method == "POST":
        p = request.POST
        try:
            kind = p.get("kind")
            if kind == "within":
                t = transfers.start_within(actor=actor, member_id=params.object_id(p, "member", label="党员", required=True), to_org_id=params.object_id(p, "to_org", label="接收党组织", required=True), reason=p.get("reason", ""), on=params.date(p, "on", label="日期", default=dt.date.today()))
            elif kind == "out":
                t = transfers.issue_letter(
                    actor=actor, member_id=params.object_id(p, "member", label="党员", required=True), to_org_name=p.get("to_org_name", ""), reason=p.get("reason", ""), on=params.date(p, "on", label="日期", default=dt.date.today()),
                    valid_days=params.integer(p, "valid_days", label="有效期天数", min_value=1, max_value=366), validity_reason=p.get("validity_reason", ""),
                )  # fmt: skip
            else:
                person = {k: p.get(k, "") for k in ("name", "id_number", "category", "joined_on", "confirmed_on", "phone")}
                t = transfers.register_incoming(
                    actor=actor, letter_number=p.get("letter_number", ""), from_org_name=p.get("from_org_name", ""), to_org_id=params.object_id(p, "to_org", label="接收党组织", required=True),
                    letter_issued_on=params.date(p, "letter_issued_on", label="介绍信开具日期"),
                    valid_until=params.date(p, "valid_until", label="有效期至"), on=params.date(p, "on", label="日期", default=dt.date.today()), person=person,
                    late_reason=p.get("late_reason", ""),
                )  # fmt: skip
            messages.success(request, "已办理")
            return redirect("lifecycle:transfer", t.pk)
        except ServiceError as exc:
            errors = exc.errors
    qs = selectors.transfers(actor)
    overdue = None
    if params.flag(request.GET, "overdue"):
        overdue = selectors.overdue(actor)
        rows = [o.transfer for o in overdue]
    else:
        status = params.choice(request.GET, "status", label="状态", choices=TransferStatus.choices)
        rows = (qs.filter(status=status) if status else qs).order_by("-started_on", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selected = None
    selected_id = params.object_id(request.GET, "member", label="党员")
    if selected_id:
        try:
            selected = member_selectors.get_member(actor, selected_id)
        except NotFound:
            selected = None
    incoming = Paginator(selectors.incoming_pending(actor).order_by("started_on", "id"), PAGE_SIZE).get_page(request.GET.get("in_page"))
    return render(
        request,
        "lifecycle/transfers.html",
        {"selected_member": selected if selected is not None and selected.standing == "normal" else None, "rows": page.object_list, "page": page, "overdue": overdue, "incoming": incoming, "errors": errors, "crumbs": [("组织关系转接", "")]},
    )


@gate.staff
def transfer_detail(request, actor, transfer_id):
    t = selectors.get_transfer(actor, transfer_id)
    errors = None
    if request.method == "POST":
        p = request.POST
        act = p.get("act")
        try:
            on = params.date(p, "on", label="日期", default=dt.date.today())
            if act == "receive":
                transfers.receive(actor=actor, transfer_id=t.pk, on=on, comment=p.get("comment", ""))
            elif act == "return":
                fn = transfers.return_incoming if t.kind == TransferKind.IN else transfers.return_for_correction
                fn(actor=actor, transfer_id=t.pk, reason=p.get("reason", ""), on=on)
            elif act == "resubmit":
                transfers.resubmit(actor=actor, transfer_id=t.pk, on=on, comment=p.get("comment", ""), to_org_id=params.object_id(p, "to_org", label="接收党组织", required=True))
            elif act == "cancel":
                transfers.cancel(actor=actor, transfer_id=t.pk, reason=p.get("reason", ""), on=on)
            elif act == "receipt":
                transfers.record_receipt(actor=actor, transfer_id=t.pk, on=on, comment=p.get("comment", ""))
            messages.success(request, "已办理")
            return redirect("lifecycle:transfer", t.pk)
        except ServiceError as exc:
            errors = exc.errors
    return render(
        request,
        "lifecycle/transfer.html",
        {"t": t, "events": selectors.events(t), "errors": errors, "crumbs": [("组织关系转接", reverse("lifecycle:transfers")), (t.person_name, "")]},
    )


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
        p = request.POST
        act = p.get("act")
        try:
            if act == "register":
                mobile.register(
                    actor=actor, member_id=params.object_id(p, "member", label="党员", required=True), left_on=params.date(p, "left_on", label="外出日期", default=dt.date.today()), destination=p.get("destination", ""),
                    workplace=p.get("workplace", ""), home_contact=p.get("home_contact", ""), home_contact_phone=p.get("home_contact_phone", ""),
                    member_phone=p.get("member_phone", ""), card_number=p.get("card_number", ""),
                    expected_return=params.date(p, "expected_return", label="预计返回日期"),
                )  # fmt: skip
            elif act == "contact":
                mobile.record_contact(actor=actor, registration_id=params.object_id(p, "registration", label="流动党员登记"), contacted_on=params.date(p, "on", label="日期", default=dt.date.today()), channel=p.get("channel", ""), note=p.get("note", ""))
            elif act == "attach":
                mobile.attach(actor=actor, registration_id=params.object_id(p, "registration", label="流动党员登记"), org_id=params.object_id(p, "org", label="流入地党组织", required=True), on=params.date(p, "on", label="日期", default=dt.date.today()))
            elif act == "end":
                mobile.end(actor=actor, registration_id=params.object_id(p, "registration", label="流动党员登记"), on=params.date(p, "on", label="日期", default=dt.date.today()), status=p.get("status", ""), reason=p.get("reason", ""))
            elif act == "propose":
                inst = mobile.propose_suspension(actor=actor, registration_id=params.object_id(p, "registration", label="流动党员登记"), on=params.date(p, "on", label="日期", default=dt.date.today()))
                messages.success(request, "已提出停止党籍的建议，请支部按程序研究决定")
                return redirect("lifecycle:exit", inst.pk)
            messages.success(request, "已保存")
            return redirect("lifecycle:mobile")
        except ServiceError as exc:
            errors = exc.errors
    flags = selectors.mobile_flags(actor)
    attached = Paginator(selectors.attached_here(actor).order_by("-attached_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lifecycle/mobile.html",
        {
            "flags": flags,
            "attached": attached,
            "end_choices": [(s.value, s.label) for s in MobileStatus if s != MobileStatus.AWAY],
            "errors": errors,
            "crumbs": [("流动党员", "")],
        },
    )


# --- entry and exit ----------------------------------------------------------------------------


@gate.staff
def exit_list(request, actor):
    errors = None
    if request.method == "POST":
        p = request.POST
        try:
            source = {"source": p["source"]} if p.get("source") in ("dues_arrears",) else None  # started from the dues arrears list
            inst = exits.start(actor=actor, member_id=params.object_id(p, "member", label="党员", required=True), kind=p.get("kind", ""), on=params.date(p, "on", label="日期", default=dt.date.today()), data=source)
            return redirect("lifecycle:exit", inst.pk)
        except ServiceError as exc:
            errors = exc.errors
        except PermissionDenied:
            errors = [ServiceError.single("member", "permission_denied", "您没有办理此事项的权限").errors[0]]
    cases = Paginator(selectors.exit_cases(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lifecycle/exits.html",
        {"cases": cases, "kinds": [(k, v[0]) for k, v in exits.KINDS.items()], "errors": errors, "crumbs": [("党员出入", "")]},
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
        data = {f.name: request.POST.get(f.name, "") for f in step.fields}
        try:
            proc.complete_step(actor=actor, instance_id=inst.pk, step=step.key, done_on=params.date(request.POST, "done_on", label="办理日期", default=dt.date.today()), data=data, comment=request.POST.get("comment", ""))
            messages.success(request, f"“{step.title}”已办理")
            return redirect("lifecycle:exit", inst.pk)
        except ServiceError as exc:
            errors = exc.errors
        except PermissionDenied:
            errors = [ServiceError.single("step", "permission_denied", f"“{step.title}”应由{proc.ROLE_LABELS[step.role]}办理").errors[0]]
    return render(
        request,
        "lifecycle/exit.html",
        {"inst": inst, "definition": d, "step": step, "timeline": proc.timeline(inst), "errors": errors, "crumbs": [("党员出入", reverse("lifecycle:exits")), (inst.title, "")]},
    )
