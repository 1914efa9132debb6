"""The one searchable picker for members and orgs: a server search (name, pinyin, initials, ID-number
tail, phone tail) answering an htmx widget (`web/pickers/_widget.html`, keyboard-driven by picker.js).

Every hit is shown with its org path, so twelve “第一党支部” are told apart; ID and phone numbers are
masked. Hits are capped at PAGE per answer and the answer says how many more there are — a search,
never a silently truncated list.
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render

from orgwork.core import gate, params, privacy
from orgwork.core.scope import scope
from orgwork.members import selectors as member_selectors
from orgwork.members.models import Member, Standing
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import BRANCH_KINDS, Org, OrgKind

PAGE = 20
MAX_QUERY = 50

MEMBER_STATUS = {
    "normal": Q(standing=Standing.NORMAL),
    "full": Q(standing=Standing.NORMAL, category="full"),
    # still on the rolls: in good standing or suspended (exit and lapse cases)
    "current": Q(standing__in=[Standing.NORMAL, Standing.SUSPENDED]),
    "all": Q(),
}


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


@gate.staff
def members(request, actor):
    q = _query(request)
    hits, total = [], 0
    cond = member_selectors.search_condition(q) if q else None
    if cond is not None:
        qs = scope(Member.objects.all(), actor, write=request.GET.get("write") == "1")
        qs = qs.filter(MEMBER_STATUS.get(request.GET.get("status", "normal"), MEMBER_STATUS["normal"])).filter(cond)
        under_id = params.org_id(request.GET, "under")
        if under_id is not None:
            under = org_selectors.get_org(actor, under_id)
            qs = qs.filter(org__path__startswith=under.path)
        qs = qs.select_related("org").order_by("name_pinyin", "id")
        hits = list(qs[:PAGE])
        total = len(hits) if len(hits) < PAGE else qs.count()
        paths = org_selectors.path_names([m.org for m in hits])
        for m in hits:
            m.org_path = paths.get(m.org_id, "")
            m.masked_id = privacy.mask_id_number(m.id_number)
            m.masked_phone = privacy.mask_phone(m.phone)
    return render(request, "web/pickers/_members.html", {"hits": hits, "total": total, "more": total - len(hits), "q": q, "field": request.GET.get("field", "")[:40]})


@gate.staff
def orgs(request, actor):
    q = _query(request)
    hits, total = [], 0
    cond = org_selectors.search_condition(q) if q else None
    if cond is not None:
        where = request.GET.get("scope", "")
        if where == "deployment":
            qs = org_selectors.transfer_destinations()  # any branch of the deployment (transfers), names only
        else:
            qs = scope(Org.objects.filter(abolished_on__isnull=True), actor, write=where == "write")
        kinds = request.GET.get("kinds", "")
        if kinds == "branch":
            qs = qs.filter(kind__in=BRANCH_KINDS)
        elif kinds != "any":
            qs = qs.exclude(kind=OrgKind.GROUP)
        exclude_id = params.org_id(request.GET, "exclude")
        if exclude_id is not None:
            qs = qs.exclude(path__startswith=org_selectors.get_org(actor, exclude_id).path)
        qs = qs.filter(cond).order_by("path")
        hits = list(qs[:PAGE])
        total = len(hits) if len(hits) < PAGE else qs.count()
        paths = org_selectors.path_names(hits)
        for o in hits:
            o.full_path = paths.get(o.pk, o.name)
    return render(request, "web/pickers/_orgs.html", {"hits": hits, "total": total, "more": total - len(hits), "q": q, "field": request.GET.get("field", "")[:40]})
