"""Console pages of selections and awards, honours, model sites and the talent pool — thin."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import exports, gate, params, pdf
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.orgs.selectors import path_names

from . import forms, rules, selectors, services
from .models import Entry, EntryStatus, HonourStatus, ModelKind


def _post(request, form, call):
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ServiceError as exc:
        forms.apply_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("已保存"))
    return True


@gate.staff
def selection_list(request, actor):
    today = dt.date.today()
    form = forms.SelectionForm(request.POST or None, kinds=selectors.kind_choices(today), initial={"year": today.year})
    if request.method == "POST" and _post(request, form, lambda d: services.create_selection(actor=actor, org_id=d.pop("org"), **d)):
        return redirect(request.path)
    page = params.paginate(request.GET, selectors.selections(actor))
    kinds = dict(selectors.kind_choices(today))
    rows = [(s, kinds.get(s.kind, s.kind), rules.stage_label(s.stage)) for s in page]
    return render(request, "awards/selections.html", {"form": form, "page": page, "rows": rows, "judging": selectors.judged_selections(actor).exclude(stage="commendation")})


@gate.staff
def selection_detail(request, actor, pk):
    today = dt.date.today()
    sel = get_in_scope(selectors.selections(actor), actor, pk=pk)
    kind = selectors.kind_rules(sel)
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    active = list(sel.entries.filter(status=EntryStatus.ACTIVE).order_by("category", "id"))
    entry_form = forms.EntryForm(request.POST if act == "entry" else None, categories=[(k, v["label"]) for k, v in kind["categories"].items()])
    judge_form = forms.JudgeForm(request.POST if act == "judge" else None, users=selectors.judge_candidates(actor, sel))
    advance_form = forms.AdvanceForm(request.POST if act == "advance" else None, entries=[(str(e.pk), e.name) for e in active], initial={"keep": [str(e.pk) for e in active]})
    commend_form = forms.CommendForm(request.POST if act == "commend" else None, initial={"on": today})
    saved = False
    if act == "entry":
        saved = _post(request, entry_form, lambda d: services.add_entry(actor=actor, selection_id=sel.pk, category=d["category"], summary=d["summary"], member_id=d["member"], nominee_org_id=d["nominee_org"]))
    elif act == "judge":
        saved = _post(request, judge_form, lambda d: services.add_judge(actor=actor, selection_id=sel.pk, user_id=d["user"]))
    elif act == "advance":
        saved = _post(request, advance_form, lambda d: services.advance(actor=actor, selection_id=sel.pk, keep_ids=d["keep"], comment=d["comment"]))
    elif act == "commend":
        saved = _post(request, commend_form, lambda d: services.commend(actor=actor, selection_id=sel.pk, on=d["on"]))
    if saved:
        return redirect(request.path)
    sheet_stage = params.choice(request.GET, "stage", label=_("环节"), choices=["", *rules.REVIEW_STAGES]) or (sel.stage if sel.stage in rules.REVIEW_STAGES else "")
    judges, sheet = selectors.score_sheet(sel, sheet_stage) if sheet_stage else ([], [])
    entries = list(sel.entries.all().order_by("category", "id"))
    return render(
        request,
        "awards/selection.html",
        {
            "sel": sel, "kind": kind, "stage_label": rules.stage_label(sel.stage), "stages": rules.STAGES, "entries": [(e, selectors.category_label(sel, e.category)) for e in entries],
            "entry_form": entry_form, "judge_form": judge_form, "advance_form": advance_form, "commend_form": commend_form,
            "judges": sel.judges.prefetch_related("conflicts__entry"), "sheet": sheet, "sheet_judges": judges, "sheet_stage": sheet_stage, "unscored": selectors.unscored(sel),
            "records": sel.records.all(), "review_stages": [(k, rules.stage_label(k)) for k in rules.REVIEW_STAGES],
            "crumbs": [(_("评选表彰"), reverse("awards:selections")), (sel.title, "")],
        },
    )  # fmt: skip


@gate.staff
def judging(request, actor, pk):
    """A judge's page: the entries to score at the current stage, and conflicts to declare."""
    sel = selectors.judged_selections(actor).filter(pk=pk).first()
    if sel is None:
        raise NotFound()
    judge = sel.judges.get(user_id=actor.user_id)
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    score_form = forms.ScoreForm(request.POST if act == "score" else None)
    conflict_form = forms.ConflictForm(request.POST if act == "conflict" else None)
    saved = False
    if act == "score":
        saved = _post(request, score_form, lambda d: services.score(actor=actor, entry_id=d["entry"], value=d["value"], comment=d["comment"]))
    elif act == "conflict":
        saved = _post(request, conflict_form, lambda d: services.declare_conflict(actor=actor, judge_id=judge.pk, entry_id=d["entry"], reason=d["reason"]))
    if saved:
        return redirect(request.path)
    conflicts = set(judge.conflicts.values_list("entry_id", flat=True))
    mine = {s.entry_id: s for s in judge.scores.filter(stage=sel.stage)}
    rows = [(e, selectors.category_label(sel, e.category), e.pk in conflicts, mine.get(e.pk)) for e in sel.entries.filter(status=EntryStatus.ACTIVE).order_by("category", "id")]
    return render(request, "awards/judging.html", {"sel": sel, "judge": judge, "rows": rows, "stage_label": rules.stage_label(sel.stage), "can_score": sel.stage in rules.REVIEW_STAGES, "score_form": score_form, "conflict_form": conflict_form})


@gate.staff
def certificate(request, actor, pk):
    entry = get_in_scope(Entry.objects.select_related("selection__org"), actor, pk=pk)
    if entry.status != EntryStatus.AWARDED:
        raise NotFound()
    sel = entry.selection
    html = render_to_string("awards/certificate.html", {"entry": entry, "sel": sel, "category": selectors.category_label(sel, entry.category), "kind": selectors.kind_rules(sel)["label"]})
    resp = HttpResponse(pdf.render_pdf(html), content_type=pdf.PDF_CONTENT_TYPE)
    resp["Content-Disposition"] = f'inline; filename="certificate-{entry.certificate_no}.pdf"'
    return resp


@gate.staff
def honour_list(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    year = params.year(request.GET, default=today.year)
    rows = selectors.fifty_year_list(actor, year=year, under=under)
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    ids = [r.honour.pk for r in rows if r.honour]
    form = forms.HonourActionForm(request.POST if act in ("approve", "issue") else None, ids=ids, initial={"on": today})
    if act == "list":
        try:
            n = services.list_for_approval(actor=actor, year=year, under=under)
            messages.success(request, _("已列入报批名单：%(n)s人") % {"n": n})
        except ServiceError as exc:
            for e in exc.errors:
                messages.error(request, e.message)
        return redirect(request.get_full_path())
    if act == "approve" and _post(request, form, lambda d: services.approve_honours(actor=actor, honour_ids=d["ids"], on=d["on"])):
        return redirect(request.get_full_path())
    if act == "issue" and _post(request, form, lambda d: services.issue_honours(actor=actor, honour_ids=d["ids"], on=d["on"], issued_by=d["issued_by"])):
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, rows, size=100)
    return render(request, "awards/honours.html", {"page": page, "year": year, "cutoff": rules.cutoff(year), "total": len(rows), "form": form, "under": under, "statuses": dict(HonourStatus.choices), "source": rules.honour_rules(year).source})


@gate.staff
def model_site_list(request, actor):
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    form = forms.DesignateForm(request.POST if act == "designate" else None)
    recheck = forms.RecheckForm(request.POST if act == "recheck" else None)
    saved = False
    if act == "designate":
        saved = _post(request, form, lambda d: services.designate(actor=actor, kind=d["kind"], org_id=d["org"], member_id=d["member"], title=d["title"], stars=d["stars"], points=d["points"]))
    elif act == "recheck":
        saved = _post(request, recheck, lambda d: services.recheck(actor=actor, site_id=d["site"], stars=d["stars"], points=d["points"]))
    if saved:
        return redirect(request.path)
    today = dt.date.today()
    page = params.paginate(request.GET, selectors.model_sites(actor, active_only=not params.flag(request.GET, "all")))
    names = path_names([s.org for s in page])
    rows = [(s, names.get(s.org_id, s.org.name), selectors.recheck_due(s, today)) for s in page]
    return render(request, "awards/model_sites.html", {"form": form, "recheck": recheck, "page": page, "rows": rows, "today": today, "source": rules.model_rules(today).source, "SITE": ModelKind.SITE})


@gate.staff
def talent_list(request, actor):
    under = params.under(actor, request.GET)
    cats = list(selectors.talent_categories(actor))
    cat_id = params.object_id(request.GET, "category", label=_("类别"))
    category = next((c for c in cats if c.pk == cat_id), cats[0] if cats else None)
    q = params.text(request.GET, "q", label=_("查找"), max_length=60)
    if category is not None and params.choice(request.GET, "format", label=_("格式"), choices=["", "xlsx"]) == "xlsx":
        resp = HttpResponse(selectors.talent_workbook(actor, category=category, q=q, under=under), content_type=exports.XLSX_CONTENT_TYPE)
        resp["Content-Disposition"] = "attachment; filename*=UTF-8''talents.xlsx"
        return resp
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    cat_form = forms.CategoryForm(request.POST if act == "category" else None)
    talent_form = forms.TalentForm(request.POST if act == "talent" else None, category=category)
    saved = False
    if act == "category":
        saved = _post(request, cat_form, lambda d: services.create_category(actor=actor, org_id=d["org"], name=d["name"], fields=cat_form.field_list()))
    elif act == "talent" and category is not None:
        saved = _post(request, talent_form, lambda d: services.add_talent(actor=actor, category_id=category.pk, org_id=d["org"], member_id=d["member"], name=d["name"], data=talent_form.data_values()))
    if saved:
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.talents(actor, category=category, q=q, under=under) if category else [])
    names = path_names([t.org for t in page])
    rows = [(t, names.get(t.org_id, t.org.name), [t.data.get(f["key"], "") for f in category.fields]) for t in page] if category else []
    return render(request, "awards/talents.html", {"cats": cats, "category": category, "q": q, "page": page, "rows": rows, "cat_form": cat_form, "talent_form": talent_form, "query": request.GET.urlencode()})


