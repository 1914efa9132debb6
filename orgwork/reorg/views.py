"""Console pages for collective moves: preview first (what will move, what stays, what blocks), then confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.core.scope import get_in_scope, scope
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import BRANCH_KINDS, OrgKind

from . import forms, services
from .models import Reorganization


def _orgs(actor):
    return list(params.writable_orgs(actor).exclude(kind=OrgKind.GROUP))


@gate.staff
def reorg_list(request, actor):
    page = Paginator(scope(Reorganization.objects.all(), actor), 30).get_page(request.GET.get("page"))
    return render(request, "reorg/list.html", {"page": page, "crumbs": [(_("组织调整"), "")]})


@gate.staff
def reorg_detail(request, actor, pk):
    r = get_in_scope(Reorganization.objects.all(), actor, pk=pk)
    return render(request, "reorg/detail.html", {"r": r, "crumbs": [(_("组织调整"), reverse("reorg:list")), (str(r), "")]})


def _run(request, form, plan_fn, write_fn, template, crumbs):
    """GET with the orgs chosen: the preview. POST: the same preview, then the write when it is clear."""
    plan = None
    data = request.POST if request.method == "POST" else (request.GET if request.GET else None)
    if data is not None and form.is_valid():
        try:
            plan = plan_fn(form.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        if plan is not None and request.method == "POST":
            try:
                r = write_fn(form.cleaned_data)
            except ServiceError as exc:
                forms.apply_errors(form, exc)
            except PermissionDenied:
                raise DjangoPermissionDenied from None
            else:
                messages.success(request, _("已办理"))
                return redirect("reorg:detail", r.pk)
    return render(request, template, {"form": form, "plan": plan, "crumbs": crumbs}, status=400 if request.method == "POST" else 200)


@gate.staff
def merge(request, actor):
    form = forms.MergeForm(request.POST if request.method == "POST" else (request.GET or None), orgs=_orgs(actor))
    return _run(
        request, form,
        lambda d: services.plan_merge(actor, source_ids=d["sources"], target_id=d["target"]),
        lambda d: services.merge_orgs(actor=actor, source_ids=d["sources"], target_id=d["target"], on=d["on"], reason=d["reason"], document=d["document"]),
        "reorg/merge.html", [(_("组织调整"), reverse("reorg:list")), (_("党组织合并"), "")],
    )


@gate.staff
def bulk_transfer(request, actor):
    branches = [o for o in _orgs(actor) if o.kind in BRANCH_KINDS]
    form = forms.BulkTransferForm(request.POST if request.method == "POST" else (request.GET or None), orgs=branches, destinations=list(org_selectors.transfer_destinations()))
    return _run(
        request, form,
        lambda d: services.plan_bulk_transfer(actor, from_org_id=d["from_org"], to_org_id=d["to_org"]),
        lambda d: services.bulk_transfer(actor=actor, from_org_id=d["from_org"], to_org_id=d["to_org"], on=d["on"], reason=d["reason"], letter_no=d["letter_no"]),
        "reorg/transfer.html", [(_("组织调整"), reverse("reorg:list")), (_("整建制转接"), "")],
    )
