"""Console pages for term elections — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orgwork.core import forms as cf
from orgwork.core import gate, params
from orgwork.core import procedures as proc
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import OfficerPost, Org

from . import forms, selectors, services
from .models import NominatedBy


@gate.staff
def election_list(request, actor):
    rows, total = selectors.term_board(actor, limit=None)
    board = params.paginate(request.GET, rows, name="bpage")
    parents = Org.objects.only("id", "name", "short_name").in_bulk({o.parent_id for o, _ms in board.object_list if o.parent_id})
    for o, _ms in board.object_list:
        o.parent = parents.get(o.parent_id)  # shown as “name（parent）”: one query for the page
    elections = params.paginate(request.GET, selectors.elections(actor))
    for e in elections.object_list:
        step = proc.definition_for(e.procedure).step(e.procedure.step) if e.procedure.step else None
        e.step_title = step.title if step else ""
    return render(request, "elections/list.html", {"elections": elections, "board": board, "board_total": total})


@gate.staff
def org_page(request, actor, org_id):
    try:
        org = org_selectors.get_org(actor, org_id)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            d = forms.StartForm(request.POST).values()
            e = services.start_election(actor=actor, org_id=org.pk, on=d["on"], open_nomination=d["open_nomination"])
        except ServiceError as exc:
            for err in exc.errors:
                messages.error(request, err.message)
        except PermissionDenied:
            messages.error(request, _("您没有发起换届选举的权限"))
        else:
            return redirect("elections:detail", e.pk)
    from .reminders import term_milestone

    return render(
        request, "elections/org.html",
        {
            "org": org, "ends": org.term_ends_on(), "milestone": term_milestone(org.term_ends_on(), dt.date.today()),
            "elections": selectors.elections(actor).filter(org=org), "officers": org_selectors.officers(org, current_only=False),
        },
    )


@gate.staff
def detail(request, actor, pk):
    try:
        e = selectors.get_election(actor, pk)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            a = forms.ActionForm(request.POST).values()
            action = a["action"]
            if action == "step":
                step = a["step"]
                fields = selectors.definition(e).step(step).fields
                form = cf.step_form(fields, request.POST)
                d = form.values()
                services.complete(actor=actor, election_id=e.pk, step=step, done_on=d["done_on"], data=cf.step_values(form, fields), comment=d["comment"])
            elif action == "nominate":
                d = forms.NominateForm(request.POST).values()
                services.nominate(actor=actor, election_id=e.pk, member_id=d["member"], nominated_by=d["nominated_by"], recommendation_votes=d["recommendation_votes"])
            elif action == "vet":
                d = forms.VetForm(request.POST).values()
                services.vet(actor=actor, election_id=e.pk, candidate_id=d["candidate"], passed=d["passed"], note=d["note"])
            elif action == "ballot":
                ballot = forms.BallotForm(request.POST, candidate_ids=list(e.candidates.values_list("pk", flat=True)))
                d = ballot.values()
                t = services.record_ballot(
                    actor=actor, election_id=e.pk, entitled=d["entitled"], present=d["present"], issued=d["issued"], returned=d["returned"], invalid=d["invalid"], votes=ballot.votes(),
                )
                if not t.valid:
                    for err in t.errors:
                        messages.error(request, err.message)
                elif t.tied:
                    messages.warning(request, _("末位得票相同，请就并列人员另行投票"))
            elif action == "post":
                d = forms.PostForm(request.POST).values()
                services.assign_post(actor=actor, election_id=e.pk, candidate_id=d["candidate"], post=d["post"])
            else:
                raise Http404
        except ServiceError as exc:
            for err in exc.errors:
                messages.error(request, err.message)
        except PermissionDenied:
            messages.error(request, _("此步骤须由上级党组织办理"))
        except NotFound:
            raise Http404 from None
        return redirect("elections:detail", e.pk)
    d = selectors.definition(e)
    current = d.step(e.procedure.step) if e.procedure.step else None
    return render(
        request, "elections/detail.html",
        {
            "e": e, "nominee_params": f"under={e.org_id}", "definition": d, "current": current, "records": selectors.timeline(e), "candidates": list(e.candidates.select_related("member")),
            "nominated_by": NominatedBy.choices, "posts": [c for c in OfficerPost.choices if c[0] != "group_leader"], "today": dt.date.today(),
        },
    )
