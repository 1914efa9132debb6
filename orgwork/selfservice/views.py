"""Phone pages: sign-in by SMS code (auth flow), the member hub, two requests to the branch; the web-app manifest
and the service worker; the branch's list of requests (staff)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from orgwork.core import gate, params
from orgwork.core.clientip import client_ip
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.forms import FormInvalid
from orgwork.lifecycle import selectors as transfer_selectors
from orgwork.members import selectors as member_selectors

from . import selectors, services
from .forms import (
    AwayForm,
    CloseForm,
    CodeForm,
    CorrectionForm,
    DuesPayForm,
    OrderForm,
    PaymentDecisionForm,
    PhoneForm,
    RegisterMobileForm,
    ThoughtReportForm,
    TransferForm,
)

SESSION_PHONE = "selfservice_phone"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _errors(exc: ServiceError) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in exc.errors]


@gate.auth_flow
def signin_phone(request):
    """Step 1: the phone number. The answer is the same whether or not an account has it."""
    errors, status = None, 200
    phone = ""
    if request.method == "POST":
        form = PhoneForm(request.POST)
        try:
            phone = form.values()["phone"]
            masked = services.request_code(phone=phone, ip=client_ip(request))
        except ServiceError as exc:
            errors, status = _errors(exc), (429 if isinstance(exc, services.RateLimited) else 400)
        else:
            request.session[SESSION_PHONE] = services._phone_or_error(phone)
            request.session["selfservice_masked"] = masked
            return redirect("selfservice:signin_code")
    return render(request, "selfservice/signin_phone.html", {"errors": errors, "phone": phone}, status=status)


@gate.auth_flow
def signin_code(request):
    """Step 2: the code. Then signed in; an account with a confirmed TOTP device still gives its second factor."""
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("selfservice:signin")
    errors = None
    if request.method == "POST":
        form = CodeForm(request.POST)
        try:
            user = services.verify_code(phone=phone, code=form.values()["code"], ip=client_ip(request))
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            request.session.pop(SESSION_PHONE, None)
            request.session.pop("selfservice_masked", None)
            with transaction.atomic():  # the sign-in audit (core.signin_audit) is written in this transaction
                login(request, user, backend=BACKEND)
            target = reverse("selfservice:hub")
            if not user.has_usable_password():  # first sign-in: a password if wanted (the page can be skipped)
                target = reverse("selfservice:password")
            if user_has_device(user):
                return redirect(reverse("web:otp_verify") + "?" + urlencode({"next": target}))
            return redirect(target)
    return render(request, "selfservice/signin_code.html", {"errors": errors, "masked": request.session.get("selfservice_masked", "")}, status=400 if errors else 200)


@gate.member
def hub(request, actor):
    member = member_selectors.own_records(actor).first()
    if member is None:
        from orgwork.recruitment import selectors as recruitment_selectors

        if recruitment_selectors.own_applicant(actor) is not None:
            return redirect("selfservice:applicant")  # not a member yet: their development record
    return render(
        request,
        "selfservice/hub.html",
        {
            "member": member, "links": selectors.hub_links(), "own": params.paginate(request.GET, selectors.own_requests(actor).exclude(kind="transfer"), size=20, name="rpage"),
            "transfers": transfer_selectors.own_transfer_requests(actor),
        },
    )


@gate.member
def correction(request, actor):
    errors, text = None, ""
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        try:
            text = form.values()["text"]
            services.ask_correction(actor=actor, text=text)
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("更正申请已提交，所在党支部将核实处理"))
            return redirect("selfservice:hub")
    member = member_selectors.own_records(actor).first()
    return render(request, "selfservice/correction.html", {"errors": errors, "text": text, "member": member}, status=400 if errors else 200)


@gate.member
def transfer(request, actor):
    errors, values = None, {}
    if request.method == "POST":
        form = TransferForm(request.POST)
        try:
            values = form.values()
            services.ask_transfer(actor=actor, **values)
        except (FormInvalid, ServiceError) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("转接申请已提交，所在党支部将为您办理组织关系转接"))
            return redirect("selfservice:hub")
    return render(request, "selfservice/transfer.html", {"errors": errors, "values": values}, status=400 if errors else 200)


@gate.member
def away(request, actor):
    errors, values = None, {}
    if request.method == "POST":
        form = AwayForm(request.POST)
        try:
            values = form.values()
            services.report_away(actor=actor, **values)
        except FormInvalid as exc:
            errors, values = _errors(exc), dict(form.data.items())  # what was typed, shown again
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("外出报告已提交，所在党支部将为您办理流动党员登记"))
            return redirect("selfservice:hub")
    return render(request, "selfservice/away.html", {"errors": errors, "values": values, "months": services.away_months()}, status=400 if errors else 200)


@gate.staff
def requests_list(request, actor):
    if request.method == "POST" and "home_contact" in request.POST:
        try:
            d = RegisterMobileForm(request.POST).values()
            reg = services.register_mobile_from_request(actor=actor, request_id=d.pop("request"), **d)
            messages.success(request, _("已登记为流动党员，活动证号：%(card)s") % {"card": reg.card_number or _("（未填）")})
        except (FormInvalid, ServiceError) as exc:
            for _f, msg in _errors(exc):
                messages.error(request, msg)
        return redirect(request.get_full_path())
    if request.method == "POST":
        try:
            services.close_request(actor=actor, request_id=CloseForm(request.POST).values()["request"])
            messages.success(request, _("已标记为处理完毕"))
        except ServiceError as exc:
            for _f, msg in _errors(exc):
                messages.error(request, msg)
        return redirect(request.get_full_path())
    rows = selectors.requests(actor)

    page = params.paginate(request.GET, rows)
    return render(request, "selfservice/requests.html", {"page": page, "crumbs": [(_("党员自助申请"), "")]})


@gate.public
def manifest(request):
    data = {
        "name": "组工云 · 党员之家",
        "short_name": "党员之家",
        "start_url": reverse("selfservice:hub"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c8102e",
        "lang": "zh-CN",
        "icons": [{"src": reverse("selfservice:icon"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="20" fill="#c8102e"/>'
    '<text x="48" y="64" font-size="52" text-anchor="middle" fill="#fff" font-family="sans-serif">组</text></svg>'
)


@gate.public
def icon(request):
    return HttpResponse(ICON, content_type="image/svg+xml")


SW_PATH = Path(__file__).parent / "static" / "selfservice" / "sw.js"


@gate.public
def service_worker(request):
    """Served from the site root's /m/ with Service-Worker-Allowed: / so it can keep the member pages for offline."""
    response = HttpResponse(SW_PATH.read_text(encoding="utf-8"), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


# --- my dues on the phone; the branch confirms ----------------------------------------------------------------


def _dues_context(request, actor, member, *, today=None):
    import datetime as dt

    from orgwork.dues import selectors as dues_selectors
    from orgwork.dues import services as dues_services

    today = today or dt.date.today()
    return {
        "member": member,
        "base": dues_selectors.current_base(member),
        "ledger": dues_selectors.member_ledger(actor, member, year=today.year),
        "year": today.year,
        "arrears": dues_selectors.own_arrears_months(actor, member, today=today),
        "payable": dues_services.payable_months(member, today=today),
        "orders": params.paginate(request.GET, dues_selectors.member_payments(actor).filter(member=member), size=20, name="opage"),
    }


@gate.member
def dues(request, actor):
    """My dues: this year's ledger, arrears, pay online (the provider's cashier) or report paying the branch."""
    from orgwork.dues import services as dues_services

    member = member_selectors.own_records(actor).first()
    if member is None:
        return render(request, "selfservice/dues.html", {"member": None})
    errors = None
    if request.method == "POST":
        if "cancel" in request.POST:
            try:
                dues_services.cancel_member_payment(actor=actor, member_payment_id=OrderForm(request.POST).values()["member_payment"])
                messages.success(request, _("订单已取消"))
            except (FormInvalid, ServiceError) as exc:
                for _f, msg in _errors(exc):
                    messages.error(request, msg)
            return redirect("selfservice:dues")
        try:
            values = DuesPayForm(request.POST).values()
            mp, pay_url = dues_services.start_member_payment(actor=actor, **values)
        except (FormInvalid, ServiceError) as exc:
            errors = _errors(exc)
        else:
            if pay_url:
                return redirect(pay_url)
            messages.success(request, _("已报告交纳党费，待支部确认后记入党费台账"))
            return redirect("selfservice:dues")
    ctx = _dues_context(request, actor, member)
    ctx["errors"] = errors
    order_no = request.GET.get("order", "")[:40]
    ctx["just_paid"] = next((o for o in ctx["orders"] if o.order_no == order_no), None) if order_no else None
    return render(request, "selfservice/dues.html", ctx, status=400 if errors else 200)


@gate.staff
def payments(request, actor):
    """The branch: dues members paid or reported from their phones, waiting for confirmation."""

    from orgwork.dues import selectors as dues_selectors
    from orgwork.dues import services as dues_services

    if request.method == "POST":
        try:
            d = PaymentDecisionForm(request.POST).values()
            if d["act"] == "confirm":
                dues_services.confirm_member_payment(actor=actor, member_payment_id=d["member_payment"])
                messages.success(request, _("已确认，党费已记入台账"))
            else:
                dues_services.reject_member_payment(actor=actor, member_payment_id=d["member_payment"], reason=d["reason"])
                messages.success(request, _("已退回，党员将看到原因"))
        except (FormInvalid, ServiceError) as exc:
            for _f, msg in _errors(exc):
                messages.error(request, msg)
        return redirect(request.get_full_path())
    show_all = request.GET.get("all") == "1"
    rows = dues_selectors.member_payments(actor, waiting=not show_all)
    page = params.paginate(request.GET, rows)
    return render(request, "selfservice/payments.html", {"page": page, "show_all": show_all, "crumbs": [(_("党员手机交纳党费"), "")]})


@gate.member
def card(request, actor):
    """My mobile member card (流动党员活动证), for a member the branch registered as away: printable."""
    from orgwork.lifecycle import selectors as lifecycle_selectors

    member = member_selectors.own_records(actor).first()
    reg = None
    if member is not None:
        reg = lifecycle_selectors.registrations(actor).filter(member=member).order_by("-left_on", "-pk").first()
    return render(request, "selfservice/card.html", {"member": member, "reg": reg})


@gate.account
def applicant(request, actor):
    """An applicant or activist (not a member yet): their stage, the step the branch is on and its date, what comes
    next; their thought reports (思想汇报) sent to the branch and kept in the development record."""
    from django.http import Http404

    from orgwork.recruitment import selectors as recruitment_selectors
    from orgwork.recruitment import services as recruitment_services

    person = recruitment_selectors.own_applicant(actor)
    if person is None:
        raise Http404
    errors, values = None, {}
    if request.method == "POST":
        form = ThoughtReportForm(request.POST)
        try:
            values = form.values()
            recruitment_services.submit_thought_report(actor=actor, **values)
        except FormInvalid as exc:
            errors, values = _errors(exc), dict(form.data.items())
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("思想汇报已提交党支部"))
            return redirect("selfservice:applicant")
    ctx = {
        "person": person, "progress": recruitment_selectors.progress(person), "reports": list(recruitment_selectors.own_thought_reports(person)),
        "errors": errors, "values": values,
    }  # fmt: skip
    return render(request, "selfservice/applicant.html", ctx, status=400 if errors else 200)


@gate.account
def password(request, actor):
    """Set a password if wanted (first sign-in by SMS code, or later); "skip" goes to the hub."""
    from django.contrib.auth import update_session_auth_hash

    from .forms import PasswordForm

    errors = None
    if request.method == "POST":
        try:
            services.set_own_password(actor=actor, **PasswordForm(request.POST).values())
        except (FormInvalid, ServiceError) as exc:
            errors = _errors(exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已设置，以后也可以用手机号码和密码登录"))
            return redirect("selfservice:hub")
    return render(request, "selfservice/password.html", {"errors": errors, "first": not request.user.has_usable_password()}, status=400 if errors else 200)


@gate.staff
def accounts(request, actor):
    """The branch (or a committee) creates phone accounts for the members on its roster in one step."""
    from .forms import AccountsForm

    result = None
    if request.method == "POST":
        try:
            result = services.create_member_accounts(actor=actor, org_id=AccountsForm(request.POST).values()["org"])
        except (FormInvalid, ServiceError) as exc:
            for _f, msg in _errors(exc):
                messages.error(request, msg)
    waiting = selectors.members_without_account(actor)
    return render(request, "selfservice/accounts.html", {"result": result, "waiting": waiting, "crumbs": [(_("党员手机账号"), "")]})


# --- assisted mode: the secretary acts for a member without a smartphone ----------------------------------------


@gate.staff
def assist(request, actor):
    """Find a member of the branch to act for (name, pinyin or ID tail; the org path shown)."""
    from orgwork.core.scope import scope
    from orgwork.members.models import Member
    from orgwork.orgs import selectors as org_selectors

    from .forms import AssistSearchForm

    q = AssistSearchForm(request.GET).choice("q", "") or ""
    rows = []
    if q:
        writable = scope(Member.objects.all(), actor, write=True).values("pk")
        found = list(member_selectors.search_members(actor, q=q).filter(pk__in=writable).select_related("org")[:51])
        paths = org_selectors.path_names([m.org for m in found])
        rows = [(m, paths.get(m.org_id, m.org.name)) for m in found[:50]]
        more = len(found) > 50
    else:
        more = False
    return render(request, "selfservice/assist.html", {"q": q, "rows": rows, "more": more, "crumbs": [(_("代党员办理"), "")]})


@gate.staff
def assist_member(request, actor, member_id):
    """Act for one member: record a dues payment, submit points (with a photo), report a correction or going away —
    each recorded as assisted (who acted for whom) on the record and in the audit."""
    import datetime as dt

    from orgwork.core.scope import get_in_scope
    from orgwork.dues import services as dues_services
    from orgwork.members.models import Member
    from orgwork.scores import forms as score_forms
    from orgwork.scores import selectors as score_selectors

    from .forms import AssistActForm

    member = get_in_scope(Member.objects.select_related("org"), actor, write=True, pk=member_id)
    today = dt.date.today()
    indicators = score_selectors.self_indicators(today)
    points_form = score_forms.SubmitForm(None, indicators=indicators, initial={"occurred_on": today, "units": 1})
    errors = None
    if request.method == "POST":
        act = AssistActForm(request.POST).choice("act")
        try:
            if act == "dues":
                d = DuesPayForm(request.POST).values()
                d["channel"] = d["channel"] if d["channel"] in ("cash", "bank") else "cash"
                dues_services.start_member_payment(actor=actor, member_id=member.pk, **d)
                messages.success(request, _("已代为登记交纳党费，请在“党员手机交纳党费”中确认到账"))
            elif act == "correction":
                services.ask_correction(actor=actor, member_id=member.pk, **CorrectionForm(request.POST).values())
                messages.success(request, _("已代为提交更正申请"))
            elif act == "away":
                services.report_away(actor=actor, member_id=member.pk, **AwayForm(request.POST).values())
                messages.success(request, _("已代为提交外出报告"))
            elif act == "points":
                points_form = score_forms.SubmitForm(request.POST, request.FILES, indicators=indicators)
                if not points_form.is_valid():
                    raise ServiceError([FieldError(k, "invalid", f"{points_form.fields[k].label}：{v[0]}" if k in points_form.fields else str(v[0])) for k, v in points_form.errors.items()])
                d = points_form.cleaned_data
                services.assisted_points(
                    actor=actor, member_id=member.pk, indicator_code=d["indicator"], occurred_on=d["occurred_on"], units=d.get("units") or 1,
                    note=d.get("note", ""), files=[d["photo"]] if d.get("photo") else [],
                )  # fmt: skip
                messages.success(request, _("已代为提交积分，等待审核"))
            else:
                raise ServiceError.single("act", "required", _("请选择代办事项"))
        except (FormInvalid, ServiceError) as exc:
            errors = _errors(exc)
        else:
            return redirect("selfservice:assist_member", member_id=member.pk)
    ctx = _dues_context(request, actor, member, today=today)
    ctx.update(errors=errors, points_form=points_form, months=services.away_months(), crumbs=[(_("代党员办理"), reverse("selfservice:assist")), (member.name, "")])
    return render(request, "selfservice/assist_member.html", ctx, status=400 if errors else 200)


# --- my meetings and my appraisals (organizational life, read through meetings.selectors) -----------------------


@gate.member
def my_meetings(request, actor):
    """我的会议: upcoming meetings that expect me (date, place, topic, a link to sign in by code), and held ones with my
    attendance; the minutes the branch published are on each meeting's page."""
    import datetime as dt

    from orgwork.meetings import selectors as meeting_selectors

    today = dt.date.today()
    ctx = {
        "member": member_selectors.own_records(actor).first(),
        "upcoming": params.paginate(request.GET, meeting_selectors.own_upcoming_meetings(actor, today=today), size=20, name="upage"),
        "past": params.paginate(request.GET, meeting_selectors.own_past_meetings(actor), size=20, name="ppage"),
        "today": today,
    }
    return render(request, "selfservice/meetings.html", ctx)


@gate.member
def my_meeting(request, actor, meeting_id):
    """One of my meetings: what, when, where, my attendance; its minutes and resolutions only when the branch
    published them. Any meeting that does not expect me (or that I did not attend) is a 404."""
    from orgwork.meetings import selectors as meeting_selectors

    att = meeting_selectors.own_meeting(actor, meeting_id)  # NotFound → 404 (gate middleware)
    return render(request, "selfservice/meeting.html", {"a": att, "m": att.meeting, "published": meeting_selectors.published_minutes(att.meeting)})


@gate.member
def my_appraisals(request, actor):
    """我的评议: my democratic appraisal per year — the stage; at the self-assessment stage my self-assessment and
    self grade, submitted here; once the branch decided, my grade and its reason. Nobody's votes or comments."""
    from django.http import Http404

    from orgwork.core.errors import NotFound
    from orgwork.meetings import appraisal
    from orgwork.meetings import selectors as meeting_selectors
    from orgwork.meetings.models import Grade

    from .forms import OwnSelfForm

    errors, values = None, {}
    if request.method == "POST":
        form = OwnSelfForm(request.POST)
        try:
            values = form.values()
            appraisal.submit_own_self(actor=actor, entry_id=values["entry"], text=values["text"], grade=values["grade"])
        except NotFound:
            raise Http404 from None
        except FormInvalid as exc:
            errors, values = _errors(exc), dict(form.data.items())
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("个人自评已提交党支部"))
            return redirect("selfservice:appraisals")
    ctx = {
        "member": member_selectors.own_records(actor).first(),
        "entries": params.paginate(request.GET, meeting_selectors.own_appraisals(actor), size=10),
        "decided": meeting_selectors.DECIDED_STAGES, "grades": Grade.choices, "errors": errors, "values": values,
        "error_entry": str(values.get("entry", "")) if errors else "",
    }  # fmt: skip
    return render(request, "selfservice/appraisals.html", ctx, status=400 if errors else 200)
