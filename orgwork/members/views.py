"""The member registry: the list (search-as-you-type, filters, sorting), the member page, edits and status actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orgwork.core import gate, params, privacy
from orgwork.core.errors import ServiceError
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import OrgKind
from orgwork.orgs.views import breadcrumbs as org_breadcrumbs

from . import selectors, services
from .forms import STATUS_ACTIONS, MemberFilterForm, MemberForm, OrgPickForm, PartyGroupForm, StatusForm, apply_service_errors
from .models import StatusAction
from .present import allowed_actions, present_events

PAGE_SIZE = 30
SORTABLE = {"name": gettext_lazy("姓名"), "birth_date": gettext_lazy("出生日期"), "joined_on": gettext_lazy("入党日期"), "org": gettext_lazy("所在党组织")}


@gate.staff
def member_list(request, actor):
    form = MemberFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    under = None
    if data.get("under"):
        under = org_selectors.get_org(actor, data["under"])
    sort = data.get("sort") or "name"
    status = data.get("status") or "normal"
    qs = selectors.search_members(
        actor,
        q=data.get("q", ""),
        under=under,
        status=status,
        sector=data.get("sector", ""),
        education=data.get("education", ""),
        gender=data.get("gender", ""),
        age_band=data.get("age_band", ""),
        party_age_band=data.get("party_age_band", ""),
        ordering=sort if sort.lstrip("-") in SORTABLE else "name",
    )
    page = params.paginate(request.GET, qs, size=PAGE_SIZE)
    columns = []
    for key, label in SORTABLE.items():
        current = sort.lstrip("-") == key
        desc = sort.startswith("-")
        columns.append({"key": key, "label": label, "current": current, "desc": desc and current, "next": f"-{key}" if current and not desc else key})
    ctx = {
        "form": form,
        "page": page,
        "under": under,
        "under_path": org_selectors.path_names([under]).get(under.pk, "") if under is not None else "",
        "sort": sort,
        "columns": columns,
        "filtered": any(data.get(k) for k in ("q", "sector", "education", "gender", "age_band", "party_age_band")) or status != "normal",
        "can_create": actor.can_write_anything,
        "crumbs": [(_("党员名册"), "")],
    }
    partial = gate.is_htmx(request) and request.headers.get("HX-Target") == "results"
    response = render(request, "members/_results.html" if partial else "members/list.html", ctx)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))  # the same address answers a fragment or a page
    return response


def _member_crumbs(actor, member, tail=""):
    crumbs = [(_("党员名册"), reverse("members:list")), (member.org.short_name or member.org.name, reverse("orgs:detail", args=[member.org_id]))]
    crumbs.append((member.name, reverse("members:detail", args=[member.pk]) if tail else ""))
    if tail:
        crumbs.append((tail, ""))
    return crumbs


@gate.staff
def member_detail(request, actor, member_id):
    member = selectors.get_member(actor, member_id)
    can_write = selectors.can_write_member(actor, member)
    # ID number and phone are masked; roles that need them reveal the full values, and that read is audited.
    readable = privacy.readable_fields(actor, member.org.path)
    full = [f for f in readable if getattr(member, f)] if request.GET.get("reveal") == "1" else []
    if full:
        privacy.record_read(actor, member, full, via="web")
    ctx = {
        "m": member,
        "org_path": org_selectors.full_path_names(member.org),
        "status_history": list(selectors.status_history(actor, member).select_related("actor")),
        "history": present_events(selectors.member_history(actor, member), kind="member", full_fields=full),
        "full": full,
        "can_reveal": bool(readable) and not full and any(getattr(member, f) for f in readable),
        "actions": allowed_actions(member) if can_write else [],
        "can_write": can_write,
        "groups": list(member.org.children.filter(kind=OrgKind.GROUP, abolished_on__isnull=True).order_by("path")) if can_write else [],
        "crumbs": _member_crumbs(actor, member),
    }
    return render(request, "members/detail.html", ctx)


@require_POST
@gate.staff
def member_group(request, actor, member_id):
    """Seat the member in a party group of the branch (or none)."""
    member = selectors.get_member(actor, member_id)
    try:
        services.assign_party_group(actor=actor, member_id=member.pk, group_id=PartyGroupForm(request.POST).values()["party_group"])
    except ServiceError as exc:
        for e in exc.errors:
            messages.error(request, e.message)
    else:
        messages.success(request, _("已保存所在党小组"))
    return redirect("members:detail", member.pk)


def _member_values(form, *, editing: bool) -> dict:
    keys = [k for k in form.fields if k != "org"]
    return {k: form.cleaned_data.get(k) or "" for k in keys}


@gate.staff
def member_create(request, actor):
    org = None
    org_id = params.org_id(request.GET) or OrgPickForm(request.POST).values()["org"]
    if org_id:
        org = org_selectors.get_org(actor, org_id)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if org is None:
            form.add_error(None, _("请搜索并选择所在党组织"))
        else:
            values = _member_values(form, editing=False)
            try:
                member = services.create_member(actor=actor, org_id=org.pk, **values)
            except ServiceError as exc:
                apply_service_errors(form, exc, aliases={"org": None})
            else:
                messages.success(request, _("已新增党员“%(name)s”") % {"name": member.name})
                return redirect("members:detail", member.pk)
    crumbs = org_breadcrumbs(actor, org, tail=_("新增党员")) if org else [(_("党员名册"), reverse("members:list")), (_("新增党员"), "")]
    return render(request, "members/form.html", {"form": form, "org": org, "crumbs": crumbs, "title": _("新增党员")})


@gate.staff
def member_edit(request, actor, member_id):
    member = selectors.get_member(actor, member_id)
    if not selectors.can_write_member(actor, member):
        raise Http404
    fields = list(MemberForm(editing=True).fields)
    initial = {f: getattr(member, f) for f in fields}
    for key in ("joined_on", "confirmed_on"):
        initial[key] = initial[key].isoformat() if initial[key] else ""
    form = MemberForm(request.POST or None, initial=initial, editing=True)
    readable = privacy.readable_fields(actor, member.org.path)
    for key in privacy.MASKED_FIELDS:
        if key not in readable:
            form.fields.pop(key, None)  # a field one may not read in full is not edited either
    if request.method != "POST":
        privacy.record_read(actor, member, [f for f in readable if getattr(member, f)], via="web:edit")
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in _member_values(form, editing=True).items() if str(v) != str(initial.get(k) or "")}
        try:
            services.update_member(actor=actor, member_id=member.pk, **values)
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存") if values else _("没有改动"))
            return redirect("members:detail", member.pk)
    return render(request, "members/form.html", {"form": form, "m": member, "crumbs": _member_crumbs(actor, member, _("修改信息")), "title": _("修改党员信息")})


@gate.staff
def member_status(request, actor, member_id, action):
    """One explicit status action (转正, 停止党籍, 除名…) with its date and reason."""
    member = selectors.get_member(actor, member_id)
    if action not in StatusAction.values or not selectors.can_write_member(actor, member):
        raise Http404
    if action == StatusAction.TRANSFER_OUT:
        # 转出 is a transfer: it asks where to (a branch here, or the receiving org named on the letter).
        url = reverse("lifecycle:transfers") + f"?member={member.pk}#transfer-start"
        if gate.is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(actor=actor, member_id=member.pk, action=action, on=form.cleaned_data.get("on"), reason=form.cleaned_data.get("reason") or "")
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已办理：%(action)s") % {"action": STATUS_ACTIONS[action]})
            url = reverse("members:detail", args=[member.pk])
            if gate.is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    ctx = {"m": member, "form": form, "action": action, "action_label": STATUS_ACTIONS[action], "crumbs": _member_crumbs(actor, member, STATUS_ACTIONS[action])}
    template = "members/_status_form.html" if gate.is_htmx(request) else "members/status.html"
    return render(request, template, ctx)
