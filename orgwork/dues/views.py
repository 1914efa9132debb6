"""Console pages for dues: thin — parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from orgwork.core import gate, params
from orgwork.core.errors import ServiceError
from orgwork.core.forms import FormInvalid
from orgwork.members import selectors as member_selectors
from orgwork.orgs import selectors as org_selectors

from . import forms, selectors, services
from .export import report_xlsx
from .models import DuesCategory, Method, Payer
from .rules import dues_rules

LEDGER_PAGE = 100


@gate.staff
def ledger(request, actor):
    """A branch's members with this year's months: paid amounts, and a form to record a payment."""
    today = dt.date.today()
    year = params.year(request.GET, default=today.year)
    under = params.under(actor, request.GET)
    errors = None
    act = forms.LedgerActForm(request.POST).choice("act") if request.method == "POST" else None
    if act == "pay":
        try:
            form = forms.PaymentForm(request.POST)
            d = form.values()
            services.record_payment(
                actor=actor, member_id=d["member"], from_month=d["from_month"], months=d["months"], paid_on=d["paid_on"], payer=d["payer"], proxy_name=d["proxy_name"],
                method=d["method"], receipt_no=d["receipt_no"], amount=d["amount"] or None, base_category=d["base_category"], base=d["base"] or None,
                base_amount=d["base_amount"] or None, quarter_incomes=form.incomes("base_category"),
            )  # fmt: skip
            messages.success(request, _("党费已登记"))
            return redirect(request.get_full_path())
        except ServiceError as exc:
            errors = exc.errors
    if act == "quarterly" and under is not None:
        try:
            d = forms.QuarterlyForm(request.POST).values()
            services.set_branch_quarterly(actor=actor, org_id=under.pk, allowed=d["allowed"], decided_on=dt.date.today(), note=d["note"])
            return redirect(request.get_full_path())
        except ServiceError as exc:
            errors = exc.errors
    members = member_selectors.members(actor).filter(standing="normal").select_related("org__parent").order_by("org__path", "name_pinyin", "id")
    if under is not None:
        from orgwork.core.fields import subtree_q

        members = members.filter(subtree_q(under.path, "org__path"))
    page = params.paginate(request.GET, members, size=LEDGER_PAGE)
    members = list(page.object_list)
    preset = None
    preset_id = params.object_id(request.GET, "member", label=_("党员"))
    if preset_id is not None:
        preset = member_selectors.get_member(actor, preset_id)
        preset.org_path = org_selectors.path_names([preset.org]).get(preset.org_id, "")
    paid = {}
    for r in selectors.ledger_rows(actor).filter(member__in=members, month__year=year).values("member_id", "month", "paid"):
        paid[(r["member_id"], r["month"].month)] = r["paid"]
    rows = [(m, [paid.get((m.pk, mo)) for mo in range(1, 13)]) for m in members]
    with_base = set(selectors.members_with_base([m.pk for m in members]))
    return render(
        request,
        "dues/ledger.html",
        {"rows": rows, "page": page, "preset": preset, "picker_params": f"under={under.pk}" if under is not None else "", "with_base": with_base, "categories": DuesCategory.choices, "year": year, "under": under, "errors": errors, "quarterly": under is not None and services.quarterly_allowed(under), "payers": Payer.choices, "methods": Method.choices, "today": today, "crumbs": [(_("党费台账"), "")]},
    )


@gate.staff
def member_ledger(request, actor, member_id):
    member = member_selectors.get_member(actor, member_id)
    year = params.year(request.GET, default=dt.date.today().year)
    errors = None
    if request.method == "POST":
        try:
            act = forms.MemberActForm(request.POST).values()["act"]
            if act == "base":
                form = forms.BaseForm(request.POST)
                d = form.values()
                services.set_base(
                    actor=actor, member_id=member.pk, category=d["category"], declared_on=d["declared_on"], base=d["base"] or None, amount=d["amount"] or None,
                    quarter_incomes=form.incomes("category"), note=d["note"],
                )  # fmt: skip
            elif act == "relief":
                d = forms.ReliefForm(request.POST).values()
                services.propose_relief(
                    actor=actor, member_id=member.pk, kind=d["kind"], monthly_amount=d["monthly_amount"] or None, from_month=d["from_month"], to_month=d["to_month"],
                    reason=d["reason"], branch_decided_on=d["branch_decided_on"],
                )  # fmt: skip
            messages.success(request, _("已保存"))
            return redirect(request.get_full_path())
        except ServiceError as exc:
            errors = exc.errors
    months = selectors.member_ledger(actor, member, year=year)
    bases = member.dues_bases.order_by("-id")  # every base declared (a member has a handful), never a silent cut
    return render(request, "dues/member.html", {"member": member, "year": year, "months": months, "bases": bases, "errors": errors, "categories": DuesCategory.choices, "reliefs": member.dues_reliefs.order_by("-id"), "crumbs": [(_("党费台账"), reverse("dues:ledger")), (member.name, "")]})


@gate.staff
def arrears(request, actor):
    months = params.integer(request.GET, "months", label=_("欠交月数"), default=dues_rules()["arrears_list_months"][0], min_value=1, max_value=1200)
    errors = None
    if request.method == "POST":
        try:
            form = forms.DecideReliefForm(request.POST)
            if form.is_valid() or "act" not in form.errors:
                d = form.values()
                services.decide_relief(actor=actor, relief_id=d["relief"], approve=d["approve"], on=dt.date.today(), comment=d["comment"])
                messages.success(request, _("已审批"))
            return redirect(request.get_full_path())
        except ServiceError as exc:
            errors = exc.errors
    under = params.under(actor, request.GET)
    rows = selectors.arrears(actor, under=under, min_months=max(months, 1))
    return render(request, "dues/arrears.html", {"rows": rows, "months": months, "reliefs": params.paginate(request.GET, selectors.pending_reliefs(actor), name="rpage"), "errors": errors, "crumbs": [(_("党费欠交"), "")]})


@gate.staff
def report(request, actor):
    today = dt.date.today()
    year = params.year(request.GET, default=today.year)
    month = params.month(request.GET)
    under = params.under(actor, request.GET)
    rep = selectors.collection_report(actor, year=year, month=month, under=under)
    if request.GET.get("export") == "xlsx":
        period = f"{year}-{month:02d}" if month else str(year)
        resp = HttpResponse(report_xlsx(rep), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="dues-{period}.xlsx"'
        return resp
    return render(request, "dues/report.html", {"report": rep, "year": year, "month": month, "under": under, "crumbs": [(_("党费收缴统计"), "")]})


# --- the payment provider's side: the signed notify endpoint and the local fake cashier ------------------------


@csrf_exempt
@gate.public
def pay_notify(request, provider_name):
    """Server-to-server callback from the provider (signed). Answers "success" or "fail" as providers expect."""
    from .providers import PaymentError

    if request.method != "POST":
        return HttpResponse("fail", status=405, content_type="text/plain")
    try:
        values = forms.PayNotifyForm(request.POST).values()
        services.payment_notified(provider_name=provider_name[:30], values=values)
    except (PaymentError, FormInvalid):
        return HttpResponse("fail", status=400, content_type="text/plain")
    return HttpResponse("success", content_type="text/plain")


@gate.public
def fake_cashier(request, order_no):
    """The local fake provider's cashier page (only while the fake provider is configured): pay or cancel."""
    from django.http import Http404

    from .providers import FakeProvider, PaymentError, is_fake_configured, provider

    if not is_fake_configured():
        raise Http404
    p = provider(FakeProvider.name)
    trade = p.trade(order_no[:40])
    if trade is None:
        raise Http404
    if request.method == "POST":
        act = forms.FakeCashierForm(request.POST).choice("act")
        if act == "pay":
            notice = p.pay(trade["order_no"])
            try:
                services.payment_notified(provider_name=p.name, values=notice)  # the provider's notify, delivered
            except PaymentError:
                pass  # the order page tells the member what the branch sees
        elif act == "cancel":
            p.close(trade["order_no"])
        return redirect(trade["return_url"])
    return render(request, "dues/fake_cashier.html", {"trade": trade})
