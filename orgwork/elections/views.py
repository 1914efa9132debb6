"""Console pages for term elections — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from orgwork.core import gate, params
from orgwork.core import procedures as proc
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import OfficerPost, Org

from . import selectors, services
from .models import NominatedBy


@gate.staff
def election_list(request, actor):
    rows, total = selectors.term_board(actor, limit=None)
    board = Paginator(rows, 50).get_page(request.GET.get("bpage"))
    parents = Org.objects.only("id", "name", "short_name").in_bulk({o.parent_id for o, _ms in board.object_list if o.parent_id})
    for o, _ms in board.object_list:
        o.parent = parents.get(o.parent_id)  # shown as “name（parent）”: one query for the page
    elections = Paginator(selectors.elections(actor), 50).get_page(request.GET.get("page"))
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
            e = services.start_election(actor=actor, org_id=org.pk, on=params.date(request.POST, "on", label="启动日期", default=dt.date.today()), open_nomination=bool(request.POST.get("open_nomination")))
        except ServiceError as exc:
            for err in exc.errors:
                messages.error(request, err.message)
        except PermissionDenied:
            messages.error(request, "您没有发起换届选举的权限")
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
        p = request.POST
        action = p.get("action")
        try:
            if action == "step":
                step = p.get("step", "")
                fields = {f.name: p.get(f.name, "") for f in selectors.definition(e).step(step).fields}
                services.complete(actor=actor, election_id=e.pk, step=step, done_on=params.date(p, "done_on", label="办理日期"), data=fields, comment=p.get("comment", ""))
            elif action == "nominate":
                services.nominate(actor=actor, election_id=e.pk, member_id=params.object_id(p, "member", label="党员", required=True), nominated_by=p.get("nominated_by", "committee"), recommendation_votes=params.count(p, "recommendation_votes", label="推荐票数", default=0, max_value=1_000_000))
            elif action == "vet":
                services.vet(actor=actor, election_id=e.pk, candidate_id=params.object_id(p, "candidate", label="候选人", required=True), passed=p.get("passed") == "1", note=p.get("note", ""))
            elif action == "ballot":
                votes = {
                    params.to_id(k[5:], field=k, label="候选人"): params.to_int(v, field=k, label="得票数", min_value=0, max_value=1_000_000)
                    for k, v in p.items() if k.startswith("vote_") and v.strip()
                }  # fmt: skip
                t = services.record_ballot(
                    actor=actor, election_id=e.pk, entitled=params.count(p, "entitled", label="应到人数"), present=params.count(p, "present", label="实到人数", default=0),
                    issued=params.count(p, "issued", label="发出选票数", default=0), returned=params.count(p, "returned", label="收回选票数", default=0),
                    invalid=params.count(p, "invalid", label="无效票数", default=0), votes=votes,
                )
                if not t.valid:
                    for err in t.errors:
                        messages.error(request, err.message)
                elif t.tied:
                    messages.warning(request, "末位得票相同，请就并列人员另行投票")
            elif action == "post":
                services.assign_post(actor=actor, election_id=e.pk, candidate_id=params.object_id(p, "candidate", label="候选人", required=True), post=p.get("post", ""))
            else:
                raise Http404
        except ServiceError as exc:
            for err in exc.errors:
                messages.error(request, err.message)
        except PermissionDenied:
            messages.error(request, "此步骤须由上级党组织办理")
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
