"""Disclosure pages: the console (catalogue, items, requests), the member's list, the public pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, ServiceError
from orgwork.orgs.models import Org

from . import forms, selectors, services
from .models import ItemState, RequestState


def _errors(request, exc):
    for e in exc.errors:
        messages.error(request, e.message)


@gate.staff
def index(request, actor):
    under = params.under(actor, request.GET)
    f = forms.FilterForm(request.GET or None)
    rf = forms.RequestFilterForm(request.GET or None)
    qs = selectors.items(actor)
    rq = selectors.requests(actor)
    if under is not None:
        qs, rq = qs.filter(org__path__startswith=under.path), rq.filter(org__path__startswith=under.path)
    if f.is_valid() and f.cleaned_data["state"]:
        qs = qs.filter(state=f.cleaned_data["state"])
    if rf.is_valid() and rf.cleaned_data["rstate"]:
        rq = rq.filter(state=rf.cleaned_data["rstate"])
    return render(request, "disclosure/index.html", {
        "under": under, "form": f, "rform": rf, "page": params.paginate(request.GET, qs), "rpage": params.paginate(request.GET, rq, name="rpage"), "today": dt.date.today(),
        "crumbs": [(_("党务公开"), "")],
    })  # fmt: skip


@gate.staff
def catalogue(request, actor):
    under = params.under(actor, request.GET)
    org = under
    if org is None and actor.active_grant is not None:
        org = Org.objects.filter(pk=actor.active_grant.org_id).first()
    if org is None:
        grants = [g for g in actor.effective_grants if g.can_write]
        org = Org.objects.filter(pk=grants[0].org_id).first() if grants else None
    form = forms.EntryForm(request.POST or None)
    if request.method == "POST" and org is not None:
        try:
            if forms.ActionForm(request.POST).choice("action", "") == "defaults":
                services.ensure_catalogue(actor=actor, org_id=org.pk)
            elif form.is_valid():
                services.add_entry(actor=actor, org_id=org.pk, **form.cleaned_data)
            else:
                raise ServiceError.single("title", "required", _("请按提示填写"))
            messages.success(request, _("已保存"))
            return redirect(f"{reverse('disclosure:catalogue')}?org={org.pk}")
        except ServiceError as exc:
            forms.apply_errors(form, exc)
            _errors(request, exc)
    entries = list(selectors.catalogue(actor, org)) if org is not None else []
    today = dt.date.today()
    rows = selectors.routine_rows(entries, today)
    return render(request, "disclosure/catalogue.html", {
        "org": org, "entries": entries, "rows": rows, "overdue": [r for r in rows if r.overdue(today)], "today": today, "form": form,
        "crumbs": [(_("党务公开"), reverse("disclosure:index")), (_("公开目录"), "")],
    })  # fmt: skip


@gate.staff
def propose(request, actor):
    initial = {k: request.GET.get(k) for k in ("entry", "period", "area", "audience", "title") if request.GET.get(k)}
    form = forms.ProposeForm(request.POST or None, initial=initial)
    org_q = params.org_id(request.GET)
    preset = Org.objects.filter(pk=org_q).first() if org_q else None
    if request.method == "POST" and form.is_valid():
        try:
            item = services.propose(actor=actor, org_id=form.cleaned_data["org"], **{k: v for k, v in form.cleaned_data.items() if k != "org"})
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已提出，待审核"))
            return redirect("disclosure:item", pk=item.pk)
    return render(request, "disclosure/propose.html", {"form": form, "preset": preset, "crumbs": [(_("党务公开"), reverse("disclosure:index")), (_("提出公开事项"), "")]})


@gate.staff
def item(request, actor, pk):
    it = selectors.items(actor).filter(pk=pk).first()
    if it is None:
        raise Http404
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    review_form = forms.ReviewForm(request.POST if action == "review" else None, prefix="r")
    revise_form = forms.ReviseForm(request.POST if action == "revise" else None, prefix="v", initial={"title": it.title, "content": it.content})
    if request.method == "POST":
        try:
            if action == "approve":
                services.approve(actor=actor, item_id=it.pk)
            elif action == "publish":
                services.publish(actor=actor, item_id=it.pk)
            elif action == "review" and review_form.is_valid():
                d = review_form.cleaned_data
                services.review(actor=actor, item_id=it.pk, approve=d["decision"] == "approve", secrecy_checked=d["secrecy_checked"], comment=d["comment"])
            elif action == "revise" and revise_form.is_valid():
                services.revise(actor=actor, item_id=it.pk, **revise_form.cleaned_data)
            else:
                raise ServiceError.single("action", "bad_value", _("请按提示填写"))
            messages.success(request, _("已保存"))
            return redirect("disclosure:item", pk=it.pk)
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            _errors(request, exc)
    return render(request, "disclosure/item.html", {"it": it, "review_form": review_form, "revise_form": revise_form, "crumbs": [(_("党务公开"), reverse("disclosure:index")), (it.title, "")]})


@gate.staff
def request_detail(request, actor, pk):
    req = selectors.requests(actor).filter(pk=pk).first()
    if req is None:
        raise Http404
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.answer_request(actor=actor, request_id=req.pk, answer=d["answer"], refuse=d["decision"] == "refuse", reason=d["reason"])
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已答复"))
            return redirect("disclosure:request", pk=req.pk)
    return render(request, "disclosure/request.html", {"req": req, "form": form, "today": dt.date.today(), "crumbs": [(_("党务公开"), reverse("disclosure:index")), (_("依申请公开"), "")]})


# --- member ---------------------------------------------------------------------------------------
@gate.member
def mine(request, actor):
    return render(request, "disclosure/mine.html", {"page": params.paginate(request.GET, selectors.member_items(actor), size=20)})


# --- public ---------------------------------------------------------------------------------------
@gate.public
def public(request):
    search = forms.OrgSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    orgs = params.paginate(request.GET, selectors.public_orgs(q), size=20, name="opage") if q else None
    return render(request, "disclosure/public.html", {"search": search, "orgs": orgs, "page": params.paginate(request.GET, selectors.public_items(), size=20), "receipt": forms.ReceiptForm()})


@gate.public
def public_org(request, pk):
    org = Org.objects.filter(pk=pk, abolished_on__isnull=True).first()
    if org is None:
        raise Http404
    form = forms.RequestForm(request.POST or None)
    code = None
    if request.method == "POST" and form.is_valid():
        try:
            _req, code = services.submit_request(org_id=org.pk, **form.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            form = forms.RequestForm()
    return render(request, "disclosure/public_org.html", {"org": org, "form": form, "code": code, "page": params.paginate(request.GET, selectors.public_items(org), size=20)})


@gate.public
def receipt(request):
    form = forms.ReceiptForm(request.GET or None)
    req = None
    looked = False
    if form.is_valid():
        looked = True
        req = services.lookup(form.cleaned_data["code"])
    return render(request, "disclosure/receipt.html", {"form": form, "req": req, "looked": looked, "states": RequestState, "ItemState": ItemState})
