"""Console pages for collective moves: preview first (what will move, what stays, what blocks), then confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import forms as cf
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
    page = params.paginate(request.GET, scope(Reorganization.objects.all(), actor), size=30)
    return render(request, "reorg/list.html", {"page": page, "crumbs": [(_("组织调整"), "")]})


@gate.staff
def reorg_detail(request, actor, pk):
    r = get_in_scope(Reorganization.objects.all(), actor, pk=pk)
    return render(request, "reorg/detail.html", {"r": r, "crumbs": [(_("组织调整"), reverse("reorg:list")), (str(r), "")]})


def _run(request, form, plan_fn, write_fn, template, crumbs):
    """GET with the orgs chosen: the preview. POST: the same preview, then the write when it is clear."""
    plan = None
    if form.is_bound and form.is_valid():
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


PROCEDURE_KINDS = ("org_setup", "by_election")


@gate.staff
def procedure_list(request, actor):
    """成立党组织审批 and 届中补选: start one, or continue those under way."""
    from orgwork.core import procedures as proc
    from orgwork.orgs.models import OfficerPost, Sector

    from . import procedures

    orgs = _orgs(actor)
    chosen = forms.ActionForm(request.POST) if request.method == "POST" else None
    action = chosen.cleaned_data["action"] if chosen is not None and chosen.is_valid() else None
    setup = forms.SetupForm(request.POST if action == "setup" else None, prefix="setup", orgs=orgs, kinds=procedures.KINDS, sectors=Sector.choices)
    by_election = forms.ByElectionForm(
        request.POST if action == "by_election" else None, prefix="by", orgs=orgs, posts=[c for c in OfficerPost.choices if c[0] != OfficerPost.GROUP_LEADER]
    )
    bound = {"setup": setup, "by_election": by_election}.get(action)
    if bound is not None and bound.is_valid():
        d = dict(bound.cleaned_data)
        try:
            if action == "setup":
                on, parent = d.pop("on"), d.pop("parent")
                inst = procedures.request_setup(actor=actor, parent_id=parent, on=on, data=d)
            else:
                inst = procedures.propose_by_election(actor=actor, org_id=d["org"], on=d["on"], post=d["post"], reason=d["reason"])
        except ServiceError as exc:
            forms.apply_errors(bound, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            return redirect("reorg:procedure", inst.pk)
    qs = proc.instances(actor).filter(kind__in=PROCEDURE_KINDS).order_by("-started_on", "-id")
    page = params.paginate(request.GET, qs, size=30)
    return render(
        request, "reorg/procedures.html",
        {"setup": setup, "by_election": by_election, "page": page, "crumbs": [(_("组织调整"), reverse("reorg:list")), (_("成立审批与届中补选"), "")]},
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def procedure_detail(request, actor, pk):
    from orgwork.core import procedures as proc
    from orgwork.core.errors import NotFound

    inst = proc.get_instance(actor, pk)
    if inst.kind not in PROCEDURE_KINDS:
        raise NotFound()
    d = proc.definition_for(inst)
    step = d.step(inst.step) if inst.step and inst.status == "active" else None
    errors = None
    if request.method == "POST" and step is not None:
        try:
            form = cf.step_form(step.fields, request.POST, done_on_required=True)
            v = form.values()
            proc.complete_step(actor=actor, instance_id=inst.pk, step=step.key, done_on=v["done_on"], data=cf.step_values(form, step.fields), comment=v["comment"])
        except ServiceError as exc:
            errors = exc.errors
        except PermissionDenied:
            errors = [ServiceError.single("step", "permission_denied", _("“%(title)s”应由%(value)s办理") % {"title": step.title, "value": proc.ROLE_LABELS[step.role]}).errors[0]]
        else:
            messages.success(request, _("已办理"))
            return redirect("reorg:procedure", inst.pk)
    return render(
        request, "reorg/procedure.html",
        {
            "inst": inst, "definition": d, "step": step, "timeline": [(r, _shown(d, r)) for r in proc.timeline(inst)], "errors": errors, "crumbs": [(_("组织调整"), reverse("reorg:list")), (inst.title, "")],
            # the step form's inputs that show their own errors beside them (the rest stay in the list at the top)
            "placed": ",".join(["done_on", "comment", *(f.name for f in (step.fields if step else ()))]),
        },
        status=400 if errors else 200,
    )


def _shown(definition, record) -> list[tuple[str, str]]:
    """A step record's values under their Chinese labels (choices and members by name), for people to read."""
    from orgwork.members.models import Member

    if not record.step:
        return []
    out = []
    for f in definition.step(record.step).fields:
        if f.name not in record.data or record.data[f.name] in ("", None):
            continue
        v = record.data[f.name]
        if f.choices:
            v = dict(f.choices).get(v, v)
        elif f.type == "bool":
            v = _("是") if v else _("否")
        elif f.type == "member":
            v = Member.objects.filter(pk=v).values_list("name", flat=True).first() or v
        out.append((f.label, str(v)))
    if record.data.get("entitled_note"):
        out.append((_("表决权情况"), record.data["entitled_note"]))
    return out


@gate.staff
def split(request, actor):
    """Choose the org, then a destination for every member on its books; the preview lists what blocks."""
    from orgwork.core.fields import subtree_q
    from orgwork.members.models import Member, Standing

    orgs = _orgs(actor)
    form = forms.SplitForm(request.POST if request.method == "POST" else (request.GET or None), orgs=orgs)
    members, plan, assignments = [], None, {}
    if form.is_bound and form.is_valid() and form.cleaned_data["source"]:
        try:
            source = params.writable_org(actor, form.cleaned_data["source"], field="source", label=_("拆分的党组织"))
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            members = list(Member.objects.filter(subtree_q(source.path, "org__path"), standing__in=(Standing.NORMAL, Standing.SUSPENDED)).order_by("pk"))
            try:
                chosen_to = form.cleaned_data["to"]
                for m in members:
                    target = chosen_to.get(m.pk)
                    if target:
                        assignments[m.pk] = target
                if assignments:
                    plan = services.plan_split(actor, source_id=source.pk, assignments=assignments)
                if request.method == "POST":
                    r = services.split_org(actor=actor, source_id=source.pk, assignments=assignments, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"], document=form.cleaned_data["document"])
                    messages.success(request, _("已办理"))
                    return redirect("reorg:detail", r.pk)
            except ServiceError as exc:
                forms.apply_errors(form, exc)
            except PermissionDenied:
                raise DjangoPermissionDenied from None
    chosen = form.cleaned_data.get("source") if form.is_bound and form.is_valid() else None
    targets = [o for o in orgs if o.kind in BRANCH_KINDS and o.pk != chosen]
    return render(
        request, "reorg/split.html",
        {"form": form, "plan": plan, "members": members, "assignments": assignments, "targets": targets, "crumbs": [(_("组织调整"), reverse("reorg:list")), (_("党组织拆分"), "")]},
        status=400 if request.method == "POST" else 200,
    )
