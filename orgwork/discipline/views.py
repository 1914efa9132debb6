"""Console pages for discipline records — thin: parse with a form, call one selector or service, render.

Only READ_ROLES see these pages; for anyone else every URL here answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import gate, params
from orgwork.core.audit import history
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.members import selectors as member_selectors

from . import forms, selectors, services
from .models import Sanction

PAGE_SIZE = 30
ACTION_LABELS = {
    "discipline.record": gettext_lazy("登记处分"),
    "discipline.extend": gettext_lazy("延长察看期"),
    "discipline.revoke": gettext_lazy("撤销处分"),
    "discipline.correct": gettext_lazy("更正记录"),
}


def _restricted(actor):
    if not selectors.may_read(actor):
        raise NotFound()


@gate.staff
def sanction_list(request, actor):
    _restricted(actor)
    today = dt.date.today()
    form = forms.FilterForm(request.GET or None)
    qs = selectors.sanctions(actor)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(member_name__contains=d["q"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        qs = selectors.filter_state(qs, d["state"], today)
    page = params.paginate(request.GET, qs.order_by("-effective_on", "-id"), size=PAGE_SIZE)
    search = forms.MemberSearchForm(request.GET or None)
    found = None
    if search.is_valid() and search.cleaned_data["find"]:
        found = Paginator(member_selectors.search_members(selectors.restricted_actor(actor), q=search.cleaned_data["find"], status="all"), 20).get_page(1)
    return render(
        request, "discipline/list.html",
        {"form": form, "search": search, "found": found, "page": page, "rows": [(s, s.state_label(today)) for s in page], "today": today, "crumbs": [(_("党纪处分"), "")]},
    )


@gate.staff
def sanction_new(request, actor, member_id):
    _restricted(actor)
    member = member_selectors.get_member(selectors.restricted_actor(actor), member_id)
    form = forms.SanctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            s = services.record_sanction(actor=actor, member_id=member.pk, **form.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("处分已登记"))
            return redirect("discipline:detail", s.pk)
    return render(
        request, "discipline/new.html",
        {"form": form, "member": member, "history": selectors.member_sanctions(actor, member.pk), "crumbs": [(_("党纪处分"), reverse("discipline:list")), (member.name, "")]},
    )


def _events(s: Sanction):
    out = []
    for ev in history(s._meta.label_lower, s.pk):
        changes = [(Sanction._meta.get_field(k).verbose_name if k in {f.name for f in Sanction._meta.fields} else k, v[0], v[1]) for k, v in (ev.changes or {}).items()]
        out.append({"seq": ev.seq, "when": ev.created_at, "who": ev.actor_label, "action": ACTION_LABELS.get(ev.action, ev.action), "changes": changes, "reason": (ev.data or {}).get("reason") or (ev.data or {}).get("comment", "")})
    return out


@gate.staff
def sanction_detail(request, actor, pk):
    _restricted(actor)
    s = selectors.get_sanction(actor, pk)
    chosen = forms.ActionForm(request.POST) if request.method == "POST" else None
    action = chosen.cleaned_data["action"] if chosen is not None and chosen.is_valid() else None
    extend = forms.ExtendForm(request.POST if action == "extend" else None, prefix="extend")
    revoke = forms.RevokeForm(request.POST if action == "revoke" else None, prefix="revoke")
    correct = forms.CorrectForm(request.POST if action == "correct" else None, prefix="correct", initial={"decided_by": s.decided_by, "document": s.document, "reason": s.reason})
    bound = {"extend": extend, "revoke": revoke, "correct": correct}.get(action)
    if bound is not None and bound.is_valid():
        d = bound.cleaned_data
        try:
            if action == "extend":
                services.extend_probation(actor=actor, sanction_id=s.pk, **d)
            elif action == "revoke":
                services.revoke_sanction(actor=actor, sanction_id=s.pk, **d)
            else:
                services.correct_sanction(actor=actor, sanction_id=s.pk, **d)
        except ServiceError as exc:
            forms.apply_errors(bound, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已保存"))
            return redirect("discipline:detail", s.pk)
    today = dt.date.today()
    return render(
        request, "discipline/detail.html",
        {
            "s": s, "today": today, "state": s.state_label(today), "extend": extend, "revoke": revoke, "correct": correct,
            "history": _events(s), "crumbs": [(_("党纪处分"), reverse("discipline:list")), (str(s), "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )
