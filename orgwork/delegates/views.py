"""Delegate pages: the console (congresses and composition, delegates and flags, reception days, opinions,
proposals, online questions) and the public question page (网络问政)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, ServiceError
from orgwork.orgs.models import Org

from . import forms, selectors, services
from .rules import delegate_rules, next_reception_day


def _fail(request, form, exc):
    if form is not None:
        forms.apply_errors(form, exc)
    for e in exc.errors:
        messages.error(request, e.message)


CRUMB = (gettext_lazy("党代表"), "")


@gate.staff
def index(request, actor):
    today = dt.date.today()
    congresses = list(selectors.congresses(actor))
    cid = params.object_id(request.GET, "congress", label=_("大会"))
    congress = next((c for c in congresses if c.pk == cid), congresses[0] if congresses else None)
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    cform = forms.CongressForm(request.POST if action == "congress" else None, prefix="c")
    dform = forms.DelegateForm(request.POST if action == "delegate" else None, prefix="d")
    if request.method == "POST":
        try:
            if action == "congress" and cform.is_valid():
                d = cform.cleaned_data
                congress = services.create_congress(actor=actor, org_id=d["org"], name=d["name"], term_start=d["term_start"], term_end=d["term_end"])
            elif action == "delegate" and dform.is_valid():
                d = dform.cleaned_data
                services.add_delegate(actor=actor, congress_id=d["congress"], org_id=d["org"], member_id=d["member"], name=d["name"], female=d["female"], birth_date=d["birth_date"], occupation=d["occupation"])
            else:
                raise ServiceError.single("action", "bad_value", _("请按提示填写"))
            messages.success(request, _("已保存"))
            return redirect(f"{reverse('delegates:index')}?congress={congress.pk if congress else ''}")
        except ServiceError as exc:
            _fail(request, cform if action == "congress" else dform, exc)
    rows = page = comp = None
    flagged = set()
    if congress is not None:
        qs = selectors.delegates(actor, congress).order_by("org__path", "name")
        flagged = set(selectors.without_reception(qs, today.year).values_list("pk", flat=True))
        if params.flag(request.GET, "flagged"):
            qs = qs.filter(pk__in=flagged)
        page = params.paginate(request.GET, qs)
        comp = selectors.composition(congress, today)
    return render(request, "delegates/index.html", {
        "congresses": congresses, "congress": congress, "page": page, "flagged": flagged, "comp": comp, "cform": cform, "dform": dform,
        "year": today.year, "rows": rows, "crumbs": [CRUMB],
    })  # fmt: skip


@gate.staff
def delegate(request, actor, pk):
    d = selectors.delegates(actor).filter(pk=pk).first()
    if d is None:
        raise Http404
    yf = forms.YearForm(request.GET or None)
    year = (yf.cleaned_data.get("year") if yf.is_valid() else None) or dt.date.today().year
    pform = forms.ProposalForm(request.POST or None)
    if request.method == "POST" and pform.is_valid():
        try:
            services.submit_proposal(actor=actor, delegate_id=d.pk, **pform.cleaned_data)
            messages.success(request, _("已登记提案"))
            return redirect("delegates:delegate", pk=d.pk)
        except (ServiceError, NotFound) as exc:
            if isinstance(exc, NotFound):
                raise Http404 from None
            _fail(request, pform, exc)
    return render(request, "delegates/delegate.html", {"d": d, "report": selectors.yearly_report(d, year), "pform": pform, "yf": yf,
                                                        "crumbs": [(_("党代表"), reverse("delegates:index")), (d.name, "")]})  # fmt: skip


@gate.staff
def receptions(request, actor):
    today = dt.date.today()
    offices = list(selectors.offices(actor))
    dels = list(selectors.delegates(actor).order_by("name"))
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    oform = forms.OfficeForm(request.POST if action == "office" else None, prefix="o")
    sform = forms.ScheduleForm(request.POST if action == "schedule" else None, prefix="s", offices=offices, delegates=dels, initial={"day": next_reception_day(today)})
    rform = forms.RecordForm(request.POST if action == "record" else None, prefix="r")
    if request.method == "POST":
        bound = {"office": oform, "schedule": sform, "record": rform}.get(action)
        try:
            if bound is None or not bound.is_valid():
                raise ServiceError.single("action", "bad_value", _("请按提示填写"))
            d = bound.cleaned_data
            if action == "office":
                services.create_office(actor=actor, org_id=d["org"], name=d["name"], address=d["address"])
            elif action == "schedule":
                services.schedule_reception(actor=actor, office_id=d["office"], day=d["day"], delegate_ids=d["delegates"])
            else:
                services.record_reception(actor=actor, reception_id=d["reception"], visitors=d["visitors"], note=d["note"])
            messages.success(request, _("已保存"))
            return redirect("delegates:receptions")
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            _fail(request, bound, exc)
    rules = delegate_rules(on=today)
    return render(request, "delegates/receptions.html", {
        "offices": offices, "page": params.paginate(request.GET, selectors.receptions(actor)), "oform": oform, "sform": sform, "rules": rules,
        "crumbs": [(_("党代表"), reverse("delegates:index")), (_("接待日"), "")],
    })  # fmt: skip


@gate.staff
def opinions(request, actor):
    dels = list(selectors.delegates(actor).order_by("name"))
    form = forms.OpinionForm(request.POST or None, delegates=dels)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_opinion(actor=actor, org_id=d["org"], content=d["content"], delegate_id=d["delegate"], from_name=d["from_name"], received_on=d["received_on"])
            messages.success(request, _("已登记"))
            return redirect("delegates:opinions")
        except ServiceError as exc:
            _fail(request, form, exc)
    return render(request, "delegates/opinions.html", {"page": params.paginate(request.GET, selectors.opinions(actor)), "form": form,
                                                        "crumbs": [(_("党代表"), reverse("delegates:index")), (_("群众意见"), "")]})  # fmt: skip


@gate.staff
def opinion(request, actor, pk):
    op = selectors.opinions(actor).filter(pk=pk).first()
    if op is None:
        raise Http404
    form = forms.AdvanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.advance_opinion(actor=actor, opinion_id=op.pk, **form.cleaned_data)
            messages.success(request, _("已保存"))
            return redirect("delegates:opinion", pk=op.pk)
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            _fail(request, form, exc)
    return render(request, "delegates/opinion.html", {"op": op, "form": form, "crumbs": [(_("群众意见"), reverse("delegates:opinions")), (op.content[:20], "")]})


@gate.staff
def proposals(request, actor):
    return render(request, "delegates/proposals.html", {"page": params.paginate(request.GET, selectors.proposals(actor)), "crumbs": [(_("党代表"), reverse("delegates:index")), (_("代表提案"), "")]})


@gate.staff
def proposal(request, actor, pk):
    p = selectors.proposals(actor).filter(pk=pk).first()
    if p is None:
        raise Http404
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    form = forms.ProposalActForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if action == "assign":
                services.assign_proposal(actor=actor, proposal_id=p.pk, unit=d["unit"])
            elif action == "reply":
                services.reply_proposal(actor=actor, proposal_id=p.pk, reply=d["reply"])
            elif action == "rate":
                services.rate_proposal(actor=actor, proposal_id=p.pk, satisfaction=d["satisfaction"])
            else:
                raise ServiceError.single("action", "bad_value", _("请按提示填写"))
            messages.success(request, _("已保存"))
            return redirect("delegates:proposal", pk=p.pk)
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            _fail(request, form, exc)
    return render(request, "delegates/proposal.html", {"p": p, "form": form, "crumbs": [(_("代表提案"), reverse("delegates:proposals")), (p.title, "")]})


@gate.staff
def console_questions(request, actor):
    return render(request, "delegates/questions.html", {"page": params.paginate(request.GET, selectors.questions(actor).order_by("answered_on", "due_on", "pk")), "today": dt.date.today(),
                                                         "crumbs": [(_("党代表"), reverse("delegates:index")), (_("网络问政"), "")]})  # fmt: skip


@gate.staff
def console_question(request, actor, pk):
    q = selectors.questions(actor).filter(pk=pk).first()
    if q is None:
        raise Http404
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_question(actor=actor, question_id=q.pk, answer=form.cleaned_data["answer"])
            messages.success(request, _("已公开答复"))
            return redirect("delegates:console_question", pk=q.pk)
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            _fail(request, form, exc)
    return render(request, "delegates/question.html", {"q": q, "form": form, "today": dt.date.today(), "crumbs": [(_("网络问政"), reverse("delegates:console_questions")), (q.title, "")]})


# --- public ---------------------------------------------------------------------------------------
@gate.public
def questions(request):
    search = forms.OrgSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    orgs = params.paginate(request.GET, Org.objects.filter(Q(name__icontains=q) | Q(short_name__icontains=q), abolished_on__isnull=True).order_by("path"), size=20, name="opage") if q else None
    return render(request, "delegates/public_questions.html", {"search": search, "orgs": orgs, "page": params.paginate(request.GET, selectors.public_questions(), size=20)})


@gate.public
def ask(request, org_id):
    org = Org.objects.filter(pk=org_id, abolished_on__isnull=True).first()
    if org is None:
        raise Http404
    form = forms.AskForm(request.POST or None)
    asked = None
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.ask_question(org_id=org.pk, **form.cleaned_data)
            form = forms.AskForm()
        except ServiceError as exc:
            forms.apply_errors(form, exc)
    return render(request, "delegates/ask.html", {"org": org, "form": form, "asked": asked})
