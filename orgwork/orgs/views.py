"""The org tree: browse lazily, search by name or pinyin, the org page, and the writes on an org."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, ServiceError

from . import selectors, services
from .forms import AbolishOrgForm, EndOfficerForm, MoveOrgForm, OfficerForm, OrgForm, OrgPickForm, PickedMemberForm, apply_service_errors
from .models import BRANCH_KINDS, Org, OrgKind
from .present import present_events
from .selectors import STATUS_LABELS

PICK_SHOWN = 20  # a picker shows this many hits and the total; typing more narrows it



def _annotate(actor, nodes: list[Org]) -> list[Org]:
    """Child counts (for the expand toggle) and direct member counts, three queries for a whole level."""
    ids = [o.pk for o in nodes]
    kids = selectors.child_counts(actor, ids)
    members = selectors.member_counts([o.pk for o in nodes if o.kind in BRANCH_KINDS])
    # 党委/党总支/工委: everyone below them (members are registered in branches), from the counters
    totals = selectors.subtree_member_counts([o.pk for o in nodes if o.kind not in BRANCH_KINDS and o.kind != OrgKind.GROUP])
    for o in nodes:
        o.child_total = kids.get(o.pk, 0)
        o.subtree = o.kind not in BRANCH_KINDS and o.kind != OrgKind.GROUP
        if o.kind in BRANCH_KINDS:
            o.member_total = members.get(o.pk, (0, 0))[0]
        elif o.subtree:
            o.member_total = totals.get(o.pk, 0)
        else:
            o.member_total = None
    return nodes


def breadcrumbs(actor, org: Org, *, tail: str = "") -> list[tuple[str, str]]:
    chain = [*selectors.ancestors(org), org]
    visible = selectors.in_scope_paths(actor, [o.path for o in chain])
    crumbs = [(_("组织架构"), reverse("orgs:tree"))]
    for o in chain:
        url = reverse("orgs:detail", args=[o.pk]) if o.path in visible else ""
        crumbs.append((o.short_name or o.name, url if (tail or o.pk != org.pk) else ""))
    if tail:
        crumbs.append((tail, ""))
    return crumbs


@gate.staff
def tree(request, actor):
    q = request.GET.get("q", "").strip()
    ctx = {"q": q, "crumbs": [(_("组织架构"), "")]}
    if q:
        results = params.paginate(request.GET, selectors.search_orgs(actor, q=q), name="rpage")
        cache: dict = {}
        for o in results:
            o.full_path = selectors.full_path_names(o, cache=cache)
        ctx["results"] = results
    else:
        ctx["nodes"] = _annotate(actor, list(selectors.top_orgs(actor)))
    template = "orgs/_tree_area.html" if gate.is_htmx(request) and request.headers.get("HX-Target") == "tree-area" else "orgs/tree.html"
    response = render(request, template, ctx)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@gate.staff
def tree_children(request, actor, org_id):
    org = selectors.get_org(actor, org_id)
    nodes = _annotate(actor, list(selectors.children(actor, org)))
    return render(request, "orgs/_nodes.html", {"nodes": nodes})


@gate.staff
def detail(request, actor, org_id):
    org = selectors.get_org(actor, org_id)
    children_page = params.paginate(request.GET, selectors.children(actor, org), size=100)
    sub = _annotate(actor, list(children_page.object_list))
    status = selectors.member_status_counts(actor, under=org)
    kinds = selectors.kind_counts(actor, under=org)
    warnings = selectors.structure_warnings(actor, under=org) if org.is_active else []
    own = [w for w in warnings if w.org_id == org.pk]
    below = [w for w in warnings if w.org_id != org.pk]
    ctx = {
        "org": org,
        "crumbs": breadcrumbs(actor, org),
        "officers": list(selectors.officers(org)),
        "console_roles": selectors.console_roles(org),
        "children": sub,
        "children_page": children_page,
        "child_count": selectors.child_counts(actor, [org.pk]).get(org.pk, 0),
        "status": status,
        "status_labels": STATUS_LABELS,
        "kind_rows": [(label, kinds[value]) for value, label in OrgKind.choices if kinds.get(value)],
        "own_warnings": own,
        "below_warnings": params.paginate(request.GET, below, size=30, name="wpage"),
        "below_total": len(below),
        "history": present_events(selectors.org_history(actor, org), kind="org"),
        "can_write": org.is_active and selectors.can_write_org(actor, org),
        "term_ends": org.term_ends_on(),
    }
    return render(request, "orgs/detail.html", ctx)


def _org_values(form) -> dict:
    values = dict(form.cleaned_data)
    for key in ("short_name", "code", "unit_name", "contact", "phone", "address"):
        values[key] = values.get(key) or ""
    return values


@gate.staff
def create(request, actor):
    parent = None
    parent_id = params.org_id(request.GET, "parent", label=_("上级党组织")) or OrgPickForm(request.POST).values()["parent_id"]
    if parent_id:
        parent = selectors.get_org(actor, parent_id)
    elif not actor.unrestricted:
        return redirect("orgs:tree")
    initial = {"sector": parent.sector} if parent else {}
    if parent is not None:
        initial["kind"] = OrgKind.BRANCH if parent.kind in (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH) else OrgKind.GROUP
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _org_values(form)
        try:
            org = services.create_org(actor=actor, parent_id=parent.pk if parent else None, **values)
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建党组织“%(name)s”") % {"name": org.name})
            return redirect("orgs:detail", org.pk)
    crumbs = breadcrumbs(actor, parent, tail=_("新建下级党组织")) if parent else [(_("组织架构"), reverse("orgs:tree")), (_("新建党组织"), "")]
    return render(request, "orgs/form.html", {"form": form, "parent": parent, "crumbs": crumbs, "title": _("新建党组织")})


@gate.staff
def edit(request, actor, org_id):
    org = selectors.get_org(actor, org_id)
    fields = list(OrgForm.base_fields)
    initial = {f: getattr(org, f) for f in fields}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in _org_values(form).items() if v != initial.get(k) and not (v in ("", None) and initial.get(k) in ("", None))}
        try:
            services.update_org(actor=actor, org_id=org.pk, **values)
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:detail", org.pk)
    return render(request, "orgs/form.html", {"form": form, "org": org, "crumbs": breadcrumbs(actor, org, tail=_("修改信息")), "title": _("修改党组织信息")})


@gate.staff
def pick(request, actor):
    """Search-as-you-type choice of an org (radio buttons inside the calling form)."""
    q = request.GET.get("q", "").strip()
    field = "org" if request.GET.get("field") == "org" else "parent"
    exclude = params.org_id(request.GET, "exclude")
    results, total = [], 0
    if q:
        qs = selectors.search_orgs(actor, q=q)
        qs = qs.exclude(kind=OrgKind.GROUP)  # neither a parent of orgs nor where members are registered
        if exclude:
            excluded = selectors.get_org(actor, exclude)
            qs = qs.exclude(path__startswith=excluded.path)
        total = qs.count()
        results = list(qs[:PICK_SHOWN])
        cache: dict = {}
        for o in results:
            o.full_path = selectors.full_path_names(o, cache=cache)
    return render(request, "orgs/_pick.html", {"results": results, "field": field, "q": q, "total": total, "more": total - len(results)})


@gate.staff
def move(request, actor, org_id):
    org = selectors.get_org(actor, org_id)
    form = MoveOrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data.get("parent")
        if not target:
            form.add_error("parent", _("请搜索并选择新的上级党组织"))
        else:
            try:
                services.move_org(actor=actor, org_id=org.pk, new_parent_id=target)
            except ServiceError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已将“%(name)s”及其下级移到新的上级党组织") % {"name": org.name})
                return redirect("orgs:detail", org.pk)
    return render(
        request,
        "orgs/move.html",
        {"form": form, "org": org, "subtree": services.descendants_count(org), "crumbs": breadcrumbs(actor, org, tail=_("调整隶属关系"))},
    )


@gate.staff
def abolish(request, actor, org_id):
    org = selectors.get_org(actor, org_id)
    form = AbolishOrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.abolish_org(actor=actor, org_id=org.pk, on=form.cleaned_data.get("on"), reason=form.cleaned_data.get("reason") or "")
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销“%(name)s”") % {"name": org.name})
            return redirect("orgs:detail", org.pk)
    return render(request, "orgs/abolish.html", {"form": form, "org": org, "crumbs": breadcrumbs(actor, org, tail=_("撤销党组织"))})


@gate.staff
def officer_add(request, actor, org_id):
    """Record a seat on the org's committee (secretary, deputy, committee members)."""
    org = selectors.get_org(actor, org_id)
    form = OfficerForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The seat holder is found by name among the org's members (a post grants console rights to that person's
        # account): one match is taken, several are offered to choose from, none records the name alone.
        name = (data.get("name") or "").strip()
        same_name = selectors.members_named(actor, org, name)
        chosen = PickedMemberForm(request.POST).values()["member"]
        member_id = None
        if chosen and any(m.pk == chosen for m in same_name):
            member_id = chosen
        elif len(same_name) == 1:
            member_id = same_name[0].pk
        elif len(same_name) > 1:
            candidates = [(m, selectors.full_path_names(m.org)) for m in same_name]
            form.add_error("name", _("有%(n)d名同名党员，请选择是哪一位") % {"n": len(same_name)})
        if not candidates:
            try:
                services.appoint_officer(actor=actor, org_id=org.pk, name=name, post=data["post"], started_on=data.get("started_on"), member_id=member_id)
            except ServiceError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已登记班子成员"))
                return redirect("orgs:detail", org.pk)
    return render(
        request, "orgs/officer.html",
        {"form": form, "org": org, "candidates": candidates, "crumbs": breadcrumbs(actor, org, tail=_("登记班子成员")), "title": _("登记班子成员")},
    )  # fmt: skip


@gate.staff
def officer_end(request, actor, org_id, officer_id):
    org = selectors.get_org(actor, org_id)
    officer = next((o for o in selectors.officers(org) if o.pk == officer_id), None)
    if officer is None:
        raise NotFound
    form = EndOfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data.get("on")
        if on is None:
            form.add_error("on", _("请填写离任日期"))
        else:
            try:
                services.end_officer(actor=actor, officer_id=officer.pk, on=on, reason=form.cleaned_data.get("reason") or "")
            except ServiceError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已登记离任"))
                return redirect("orgs:detail", org.pk)
    return render(
        request, "orgs/officer.html", {"form": form, "org": org, "officer": officer, "crumbs": breadcrumbs(actor, org, tail=_("登记离任")), "title": _("登记离任")}
    )
