"""Pages: the online petition hall (public: submit, follow up and evaluate, the leaders' reception schedule and
booking) and the console (register, one petition's handling, the reception schedule with its gaps)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.params import writable_orgs
from orgwork.core.procedures import timeline

from . import forms, selectors, services
from .models import Channel, Status
from .rules import CATEGORIES

PAGE_SIZE = 30


def _action(request) -> dict:
    form = forms.ActionForm(request.POST if request.method == "POST" else None)
    return form.cleaned_data if form.is_valid() else {}


# --- public --------------------------------------------------------------------------------------------------
@gate.public
@require_http_methods(["GET", "POST"])
def hall(request):
    form = forms.PetitionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            p = services.submit(actor=None, user=request.user if request.user.is_authenticated else None, **form.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
            status = 400
        else:
            return render(request, "petitions/hall_done.html", {"p": p})
    elif request.method == "POST":
        status = 400
    return render(request, "petitions/hall.html", {"form": form, "days": selectors.published_days(), "booking": forms.BookingForm()}, status=status)


@gate.public
@require_http_methods(["GET", "POST"])
def hall_status(request):
    act = _action(request)
    lookup = forms.LookupForm(request.POST if act.get("action") != "evaluate" and request.method == "POST" else None)
    evaluate = forms.EvaluateForm(request.POST if act.get("action") == "evaluate" else None)
    ctx, status = {"form": lookup, "evaluate": evaluate}, 200
    bound = evaluate if act.get("action") == "evaluate" else lookup
    if request.method == "POST" and bound.is_valid():
        d = bound.cleaned_data
        try:
            if bound is evaluate:
                services.evaluate(**d)
                ctx["evaluated"] = True
            ctx["p"] = services.find_public(d["reference"], d["phone"])
            ctx["evaluate"] = forms.EvaluateForm(initial={"reference": d["reference"], "phone": d["phone"]})
        except NotFound:
            bound.add_error(None, _("编号或手机号码不正确。"))
            status = 404
        except ServiceError as exc:
            forms.apply_errors(bound, exc)
            status = 400
    return render(request, "petitions/hall_status.html", ctx, status=status)


@gate.public
@require_http_methods(["POST"])
def hall_book(request):
    form = forms.BookingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            b = services.book(day_id=d["day"], name=d["name"], phone=d["phone"], topic=d["topic"])
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            return render(request, "petitions/hall_booked.html", {"b": b})
    return render(request, "petitions/hall.html", {"form": forms.PetitionForm(), "days": selectors.published_days(), "booking": form}, status=400)


# --- console -------------------------------------------------------------------------------------------------
def _restricted(actor):
    if not actor.unrestricted and not actor.has_role(*selectors.READ_ROLES):
        raise NotFound()


@gate.staff
def register(request, actor):
    _restricted(actor)
    qs = selectors.petitions(actor)
    st, cat = request.GET.get("status", ""), request.GET.get("category", "")
    if st in Status.values:
        qs = qs.filter(status=st)
    if cat in dict(CATEGORIES):
        qs = qs.filter(category=cat)
    page = params.paginate(request.GET, qs.order_by("-received_on", "-id"), size=PAGE_SIZE)
    offline = forms.OfflineForm(request.POST or None, initial={"received_on": dt.date.today(), "channel": Channel.VISIT})
    if request.method == "POST" and offline.is_valid():
        orgs = list(writable_orgs(actor)[:1])
        try:
            p = services.submit(actor=actor, org_id=orgs[0].pk if orgs else None, **offline.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(offline, exc)
        else:
            messages.success(request, _("已登记"))
            return redirect("petitions:detail", p.pk)
    return render(
        request, "petitions/register.html",
        {"page": page, "statuses": Status.choices, "categories": CATEGORIES, "f": {"status": st, "category": cat}, "offline": offline,
         "stats": selectors.statistics(actor), "crumbs": [(_("信访"), "")]},
        status=400 if offline.errors else 200,
    )


STEP_FORMS = {"accept": ("decide", forms.DecideForm), "conclude": ("conclude", forms.ConcludeForm), "reply": ("reply", forms.ReplyForm), "close": ("close", forms.CloseForm)}


@gate.staff
def detail(request, actor, pk):
    _restricted(actor)
    p = selectors.get_petition(actor, pk)
    today = dt.date.today()
    action = _action(request).get("action")
    step = p.procedure.step if p.procedure and p.procedure.status == "active" else ""
    step_form = None
    if step in STEP_FORMS:
        name, make_form = STEP_FORMS[step]
        step_form = make_form(request.POST if action == name else None, initial={"on": today}, prefix="step")
    route_form = forms.RouteForm(request.POST if action == "route" else None, prefix="route")
    route_form.fields["org"].widget.choices = [(o.pk, o.name) for o in writable_orgs(actor).filter(kind="committee")]
    ext_form = forms.ReasonForm(request.POST if action == "extend" else None, prefix="ext")
    rep_form = forms.RepeatForm(request.POST if action == "repeat" else None, prefix="rep")
    bound = {"route": route_form, "extend": ext_form, "repeat": rep_form, **({STEP_FORMS[step][0]: step_form} if step_form is not None else {})}.get(action)
    if bound is not None and bound.is_valid():
        d = bound.cleaned_data
        try:
            if action == "decide":
                services.decide(actor=actor, petition_id=p.pk, **d)
            elif action == "conclude":
                services.conclude(actor=actor, petition_id=p.pk, **d)
            elif action == "reply":
                services.reply(actor=actor, petition_id=p.pk, **d)
            elif action == "close":
                services.close(actor=actor, petition_id=p.pk, **d)
            elif action == "route":
                services.route(actor=actor, petition_id=p.pk, org_id=d["org"], reason=d["reason"])
            elif action == "extend":
                services.extend(actor=actor, petition_id=p.pk, reason=d["reason"])
            elif action == "repeat":
                services.link_repeat(actor=actor, petition_id=p.pk, **d)
        except ServiceError as exc:
            forms.apply_errors(bound, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已保存"))
            return redirect("petitions:detail", p.pk)
    return render(
        request, "petitions/detail.html",
        {"p": p, "step_form": step_form, "step": step, "route_form": route_form, "ext_form": ext_form, "rep_form": rep_form,
         "timeline": timeline(p.procedure) if p.procedure else [], "repeats": p.repeats.all(), "crumbs": [(_("信访"), reverse("petitions:register")), (p.reference, "")]},
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def reception(request, actor):
    _restricted(actor)
    act = _action(request)
    action = act.get("action")
    leader_form = forms.LeaderForm(request.POST if action == "leader" else None, prefix="leader")
    day_form = forms.DayForm(request.POST if action == "day" else None, prefix="day")
    day_form.fields["leader"].widget.choices = [(ld.pk, str(ld)) for ld in selectors.leaders(actor).filter(active=True)]
    record_form = forms.RecordForm(request.POST if action == "record" else None, prefix="rec")
    follow_form = forms.FollowUpForm(request.POST if action == "follow" else None, prefix="fu")
    bound = {"leader": leader_form, "day": day_form, "record": record_form, "follow": follow_form}.get(action)
    if bound is not None and bound.is_valid():
        d = bound.cleaned_data
        try:
            if action == "leader":
                orgs = list(writable_orgs(actor)[:1])
                services.add_leader(actor=actor, org_id=orgs[0].pk if orgs else None, **d)
            elif action == "day":
                services.schedule_day(actor=actor, leader_id=d["leader"], date=d["date"], place=d["place"])
            elif action == "record":
                services.record_reception(actor=actor, day_id=act.get("item"), record=d["record"])
            elif action == "follow":
                services.follow_up(actor=actor, booking_id=act.get("item"), **d)
        except ServiceError as exc:
            forms.apply_errors(bound, exc)
            messages.error(request, "；".join(str(e.message) for e in exc.errors))
        except (PermissionDenied, NotFound):
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已保存"))
            return redirect("petitions:reception")
    today = dt.date.today()
    return render(
        request, "petitions/reception.html",
        {"leaders": selectors.leaders(actor), "days": selectors.days(actor).filter(date__year=today.year).order_by("-date"), "gaps": selectors.gaps(actor, today=today),
         "bookings": selectors.bookings(actor).exclude(status="closed").order_by("day__date"), "leader_form": leader_form, "day_form": day_form,
         "record_form": record_form, "follow_form": follow_form, "today": today, "crumbs": [(_("信访"), reverse("petitions:register")), (_("领导接访"), "")]},
    )
