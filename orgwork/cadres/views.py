"""Console pages of the cadres app (staff) — thin: a form parses, one service or selector acts, a template renders.

Readers: READ_ROLES (department and committee admins); anyone else gets 404. Personal matters: designated readers.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core import procedures as proc
from orgwork.core.ballots import printing
from orgwork.core.ballots import selectors as ballot_reads
from orgwork.core.ballots import services as ballots
from orgwork.core.ballots.models import Ballot, BallotStatus
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.pdf import PDF_CONTENT_TYPE

from . import documents, forms, selectors, services
from .models import CandidateStage, PersonalReport
from .rules import CATEGORY_LABELS

PAGE_SIZE = 30
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _restricted(actor):
    if not selectors.may_read(actor):
        raise NotFound()


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def _call(form, fn, **kw):
    """Run one service; field errors go back onto the form. True when it went through."""
    try:
        fn(**kw)
    except ServiceError as exc:
        forms.apply_errors(form, exc)
        return False
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    return True


@gate.staff
def cadre_list(request, actor):
    _restricted(actor)
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    create = forms.CadreForm(request.POST if action == "create" else None, prefix="new")
    upload = forms.ImportForm(request.POST if action == "import" else None, request.FILES if action == "import" else None, prefix="imp")
    import_errors = None
    if action == "create" and create.is_valid():
        d = dict(create.cleaned_data)
        try:
            c = services.create_cadre(actor=actor, org_id=d.pop("org"), **d)
        except ServiceError as exc:
            forms.apply_errors(create, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已登记"))
            return redirect("cadres:detail", c.pk)
    if action == "import" and upload.is_valid():
        try:
            result = services.import_cadres(actor=actor, org_id=upload.cleaned_data["org"], data=upload.cleaned_data["file"].read())
        except ServiceError as exc:
            forms.apply_errors(upload, exc)
        else:
            if result["errors"]:
                import_errors = result["errors"]
            else:
                messages.success(request, _("已导入%(n)d人") % {"n": result["created"]})
                return redirect("cadres:list")
    filters = forms.CadreFilterForm(request.GET or None)
    q, status = "", ""
    if filters.is_valid():
        q, status = filters.cleaned_data["q"], filters.cleaned_data["status"]
    page = params.paginate(request.GET, selectors.cadres(actor, q=q, status=status), size=PAGE_SIZE)
    bad = bool(create.errors or upload.errors or import_errors)
    return render(
        request, "cadres/list.html",
        {"filters": filters, "page": page, "create": create, "upload": upload, "import_errors": import_errors, "crumbs": [(_("干部名册"), "")]},
        status=400 if bad else 200,
    )


@gate.staff
def cadre_detail(request, actor, pk):
    _restricted(actor)
    cadre = selectors.get_cadre(actor, pk)
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    posts = list(selectors.posts(actor))
    appoint = forms.AppointForm(request.POST if action == "appoint" else None, prefix="ap", posts=posts)
    remove = forms.RemoveForm(request.POST if action == "remove" else None, prefix="rm")
    report = forms.ReportForm(request.POST if action == "report" else None, prefix="rp", initial={"cadre": cadre.pk})
    bound = {"appoint": appoint, "remove": remove, "report": report}.get(action)
    if bound is not None and bound.is_valid():
        d = dict(bound.cleaned_data)
        if action == "appoint":
            ok = _call(bound, services.appoint, actor=actor, cadre_id=cadre.pk, post_id=d["post"], on=d["on"], document=d["document"], competitive=d["competitive"])
        elif action == "remove":
            ok = _call(bound, services.remove, actor=actor, appointment_id=d["appointment"], on=d["on"], document=d["document"])
        else:
            ok = _call(bound, services.submit_report, actor=actor, cadre_id=cadre.pk, kind=d["kind"], year=d["year"], submitted_on=d["submitted_on"], change_on=d["change_on"], items=bound.items())
        if ok:
            messages.success(request, _("已保存"))
            return redirect("cadres:detail", cadre.pk)
    return render(
        request, "cadres/detail.html",
        {
            "cadre": cadre, "resume": selectors.resume(cadre), "holdings": selectors.holdings(cadre), "appoint": appoint, "remove": remove, "report": report,
            "records": cadre.appointments.select_related("post__unit").order_by("-on", "-id"), "reader": services.may_read_reports(actor),
            "reports": PersonalReport.objects.filter(cadre=cadre).order_by("-submitted_on") if services.may_read_reports(actor) else None,
            "crumbs": [(_("干部名册"), reverse("cadres:list")), (cadre.name, "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def appointment_form(request, actor, pk, fmt):
    """干部任免审批表 for a cadre, as Word or PDF."""
    _restricted(actor)
    cadre = selectors.get_cadre(actor, pk)
    if fmt not in ("docx", "pdf"):
        raise NotFound()
    if fmt == "docx":
        return _download(documents.appointment_form_docx(cadre), DOCX, f"干部任免审批表-{cadre.name}.docx")
    return _download(documents.appointment_form_pdf(cadre), PDF_CONTENT_TYPE, f"干部任免审批表-{cadre.name}.pdf")


@gate.staff
def units(request, actor):
    _restricted(actor)
    unit_list = list(selectors.units(actor))
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    unit_form = forms.UnitForm(request.POST if action == "unit" else None, prefix="u")
    post_form = forms.PostForm(request.POST if action == "post" else None, prefix="p", units=unit_list, categories=list(CATEGORY_LABELS.items()))
    quota_form = forms.QuotaForm(request.POST if action == "quota" else None, prefix="q", units=unit_list)
    bound = {"unit": unit_form, "post": post_form, "quota": quota_form}.get(action)
    if bound is not None and bound.is_valid():
        d = dict(bound.cleaned_data)
        if action == "unit":
            ok = _call(bound, services.create_unit, actor=actor, org_id=d.pop("org"), **d)
        elif action == "post":
            ok = _call(bound, services.create_post, actor=actor, unit_id=d.pop("unit"), **d)
        else:
            ok = _call(bound, services.set_quota, actor=actor, unit_id=d.pop("unit"), **d)
        if ok:
            messages.success(request, _("已保存"))
            return redirect("cadres:units")
    year = dt.date.today().year
    return render(
        request, "cadres/units.html",
        {
            "quotas": selectors.quota_status(actor), "warnings": selectors.registry_warnings(actor), "share": selectors.township_secretary_share(actor),
            "competition": selectors.competition_report(actor, year=year), "year": year, "posts": selectors.posts(actor),
            "unit_form": unit_form, "post_form": post_form, "quota_form": quota_form, "crumbs": [(_("职数与预警"), "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def selection_list(request, actor):
    """The department's view of selections in flight, with their open flags and due dates."""
    _restricted(actor)
    form = forms.SelectionForm(request.POST or None, posts=list(selectors.posts(actor)))
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            sel = services.start_selection(actor=actor, post_id=d.pop("post"), **d)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            return redirect("cadres:selection", sel.pk)
    show_all = request.GET.get("all") == "1"
    page = params.paginate(request.GET, selectors.selections(actor, in_flight=None if show_all else True), size=PAGE_SIZE)
    definition = proc.definition("cadre_selection")
    titles = {s.key: s.title for s in definition.steps}
    rows = [(s, titles.get(s.instance.step, "")) for s in page]
    return render(
        request, "cadres/selections.html", {"form": form, "page": page, "rows": rows, "show_all": show_all, "today": dt.date.today(), "crumbs": [(_("选拔任用"), "")]},
        status=400 if form.errors else 200,
    )


@gate.staff
def selection_detail(request, actor, pk):
    _restricted(actor)
    sel = selectors.get_selection(actor, pk)
    inst = sel.instance
    d = proc.definition_for(inst)
    step = d.step(inst.step) if inst.step and inst.status == "active" else None
    candidates = [c.cadre for c in sel.candidates.select_related("cadre").order_by("cadre__name")]
    vetting = [c.cadre for c in sel.candidates.filter(stage=CandidateStage.VETTING).select_related("cadre")]
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    own_ballots = list(Ballot.objects.filter(owner_type="cadres.selection", owner_id=str(sel.pk)).order_by("pk"))
    step_form = forms.StepForm(request.POST if action == "step" else None, prefix="s", step=step, candidates=candidates, vetting=vetting, ballots=own_ballots) if step else None
    rec_form = forms.RecommendationForm(request.POST if action == "recommend" else None, prefix="r")
    flag_form = forms.FlagForm(request.POST if action == "flag" else None, prefix="f")
    answer_form = forms.AnswerForm(request.POST if action == "answer" else None, prefix="a")
    objection_form = forms.ObjectionForm(request.POST if action == "objection" else None, prefix="o")
    resolve_form = forms.ResolveForm(request.POST if action == "resolve" else None, prefix="v")
    bound = {"step": step_form, "recommend": rec_form, "flag": flag_form, "answer": answer_form, "objection": objection_form, "resolve": resolve_form}.get(action)
    if action in ("open_ballot", "close_ballot"):
        ballot = Ballot.objects.filter(owner_type="cadres.selection", owner_id=str(sel.pk), pk=pressed.cleaned_data.get("ballot") or 0).first()
        if ballot is None:
            raise NotFound()
        try:
            (ballots.open_ballot if action == "open_ballot" else ballots.close_ballot)(actor=actor, ballot_id=ballot.pk)
        except ServiceError as exc:
            messages.error(request, "；".join(str(e.message) for e in exc.errors))
        return redirect("cadres:selection", sel.pk)
    if bound is not None and bound.is_valid():
        c = bound.cleaned_data
        if action == "step":
            ok = _call(bound, services.complete_step, actor=actor, selection_id=sel.pk, step=step.key, done_on=c["done_on"], data=bound.step_data(), comment=c["comment"], documents=bound.documents())
        elif action == "recommend":
            try:
                ids = selectors.cadre_ids_by_names(actor, c["names"])
                b = services.start_recommendation(actor=actor, selection_id=sel.pk, cadre_ids=ids, mode=c["mode"], groups=[{"name": _("参加推荐人员"), "weight": 1, "size": c["voters"]}])
                group = b.groups.get()
                codes = ballots.issue_codes(actor=actor, ballot_id=b.pk, group_id=group.pk, count=c["voters"])
            except ServiceError as exc:
                forms.apply_errors(bound, exc)
                ok = False
            else:
                # The codes exist only now: the slips are the answer (print them; only their hashes are kept).
                return _download(printing.code_slips_pdf(b, group, codes, url=request.build_absolute_uri(reverse("cadres:vote"))), PDF_CONTENT_TYPE, f"投票码-{b.title}.pdf")
        elif action == "flag":
            ok = _call(bound, services.flag_selection, actor=actor, selection_id=sel.pk, text=c["text"])
        elif action == "answer":
            ok = _call(bound, services.answer_flag, actor=actor, flag_id=c["flag"], answer=c["answer"])
        elif action == "objection":
            ok = _call(bound, proc.record_objection, actor=actor, notice_id=c["notice"], received_on=c["received_on"], content=c["content"], source=c["source"])
        else:
            ok = _call(bound, proc.resolve_objection, actor=actor, objection_id=c["objection"], upheld=c["upheld"], resolution=c["resolution"])
        if ok:
            messages.success(request, _("已办理"))
            return redirect("cadres:selection", sel.pk)
    record = selectors.selection_record(sel)
    ballot_rows = [{"ballot": b["ballot"], "results": b["results"], "turnout": ballot_reads.turnout(b["ballot"])} for b in record["ballots"]]
    return render(
        request, "cadres/selection.html",
        {
            "sel": sel, "inst": inst, "definition": d, "step": step, "step_form": step_form, "rec_form": rec_form, "flag_form": flag_form, "record": record,
            "ballots": ballot_rows, "open_status": BallotStatus.OPEN, "draft_status": BallotStatus.DRAFT, "dept": actor.has_role("sysadmin", "dept_admin"),
            "crumbs": [(_("选拔任用"), reverse("cadres:selections")), (inst.title, "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def selection_export(request, actor, pk):
    """The whole record of a selection as one PDF file."""
    _restricted(actor)
    sel = selectors.get_selection(actor, pk)
    return _download(documents.selection_record_pdf(sel), PDF_CONTENT_TYPE, f"选拔任用纪实-{sel.instance.title}.pdf")


@gate.public
def vote(request):
    """Cast a recommendation ballot with a one-time code (no account; the code is spent, nothing links it to the ballot)."""
    from orgwork.core.clientip import client_ip

    from .forms_public import CodeForm, VoteForm

    code_form = CodeForm(request.POST or None)
    ballot = vote_form = None
    done = limited = False
    client = client_ip(request) or "unknown"  # wrong codes are limited per address and ballot in the kernel (core/ballots/guard.py)
    if request.method == "POST" and code_form.is_valid():
        code = code_form.cleaned_data["code"]
        try:
            ballot = ballot_reads.ballot_for_code(code, client=client)
        except ServiceError as exc:
            code_form.add_error("code", exc.errors[0].message)
            ballot, limited = None, True
        if limited:
            pass
        elif ballot is None or not ballot.purpose.startswith("cadres."):
            code_form.add_error("code", _("投票码不正确或已使用"))
            ballot = None
        else:
            vote_form = VoteForm(request.POST if code_form.cleaned_data["stage"] == "vote" else None, ballot=ballot)
            if vote_form.is_bound and vote_form.is_valid():
                try:
                    ballots.cast_with_code(code=code, answers=vote_form.answers(), ballot_id=ballot.pk, client=client)
                except ServiceError as exc:
                    limited = exc.errors[0].code == "rate_limited"
                    forms.apply_errors(vote_form, exc)
                else:
                    done, ballot, vote_form = True, None, None
    status = 429 if limited else 400 if code_form.errors or (vote_form and vote_form.errors) else 200
    return render(request, "cadres/vote.html", {"code_form": code_form, "ballot": ballot, "vote_form": vote_form, "done": done}, status=status)


# --- personal matters (designated readers) ---------------------------------------------------------------------------


def _reader(actor):
    if not services.may_read_reports(actor):
        raise NotFound()


@gate.staff
def report_list(request, actor):
    _reader(actor)
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    spot = forms.SpotForm(request.POST if action == "spot" else None, prefix="sp")
    check = forms.CheckForm(request.POST if action == "check" else None, prefix="ck")
    if spot.is_bound and spot.is_valid():
        try:
            drawn = services.draw_spot_checks(actor=actor, year=spot.cleaned_data["year"], on=spot.cleaned_data["on"])
        except ServiceError as exc:
            forms.apply_errors(spot, exc)
        else:
            messages.success(request, _("已随机抽取%(n)d份报告") % {"n": len(drawn)})
            return redirect("cadres:reports")
    if check.is_bound and check.is_valid():
        c = check.cleaned_data
        if _call(check, services.record_check, actor=actor, check_id=c["check"], result=c["result"], handling=c["handling"], on=c["on"]):
            messages.success(request, _("已保存"))
            return redirect("cadres:reports")
    reports = services.reader_reports(actor)
    page = params.paginate(request.GET, reports, size=PAGE_SIZE)
    open_checks = services.reader_checks(actor).filter(result="")
    return render(
        request, "cadres/reports.html", {"page": page, "spot": spot, "check": check, "open_checks": open_checks, "crumbs": [(_("个人有关事项"), "")]},
        status=400 if spot.errors or check.errors else 200,
    )


@gate.staff
def report_detail(request, actor, pk):
    """One report, decrypted for a designated reader; the read is an audit event."""
    _reader(actor)
    out = services.read_report(actor=actor, report_id=pk)
    labels = dict(services.REPORT_SECTIONS)
    items = [(labels.get(k, k), v if isinstance(v, str) else "；".join(map(str, v))) for k, v in out["items"].items()]
    return render(request, "cadres/report.html", {"r": out["report"], "items": items, "checks": out["checks"], "crumbs": [(_("个人有关事项"), reverse("cadres:reports")), (str(out["report"]), "")]})




@gate.staff
def reserve_list(request, actor):
    """The reserve pool ranked by accumulated 德能勤绩廉学 points, with this year's score and training hours."""
    _restricted(actor)
    form = forms.ReserveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            (cadre_id,) = selectors.cadre_ids_by_names(actor, c["names"])[:1] or (None,)
            if cadre_id is None:
                raise ServiceError.single("names", "required", _("请填写干部姓名"))
            services.add_reserve(actor=actor, cadre_id=cadre_id, on=c["on"], target=c["target"])
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            messages.success(request, _("已入库"))
            return redirect("cadres:reserves")
    year = dt.date.today().year
    return render(
        request, "cadres/reserves.html", {"rows": selectors.reserves(actor, year=year), "year": year, "form": form, "crumbs": [(_("后备干部"), "")]},
        status=400 if form.errors else 200,
    )


# --- competitive selection (竞争上岗 / 公开选拔) -------------------------------------------------------------------------


@gate.staff
def competition_list(request, actor):
    _restricted(actor)
    form = forms.CompetitionForm(request.POST or None, posts=list(selectors.posts(actor)))
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            comp = services.start_competition(actor=actor, post_id=d.pop("post"), **d)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        else:
            return redirect("cadres:competition", comp.pk)
    show_all = request.GET.get("all") == "1"
    page = params.paginate(request.GET, selectors.competitions(actor, in_flight=None if show_all else True), size=PAGE_SIZE)
    titles = {s.key: s.title for s in proc.definition("cadre_competition").steps}
    rows = [(c, titles.get(c.instance.step, "")) for c in page]
    return render(
        request, "cadres/competitions.html", {"form": form, "page": page, "rows": rows, "show_all": show_all, "crumbs": [(_("竞争性选拔"), "")]},
        status=400 if form.errors else 200,
    )


@gate.staff
def competition_detail(request, actor, pk):
    from .rules import EDUCATION_LABELS, eligibility_rules

    _restricted(actor)
    comp = selectors.get_competition(actor, pk)
    inst = comp.instance
    d = proc.definition_for(inst)
    step = d.step(inst.step) if inst.step and inst.status == "active" else None
    apps = selectors.applications(comp)
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    choices = [a.cadre for a in apps if a.vetted] if step and step.key == "decision" else [a.cadre for a in apps if a.rank]
    step_form = forms.StepForm(request.POST if action == "step" else None, prefix="s", step=step, candidates=choices, vetting=choices) if step else None
    apply_form = forms.ApplicationForm(request.POST if action == "apply" else None, prefix="ap")
    scores_form = forms.ScoresForm(request.POST if action == "scores" else None, prefix="sc", applications=apps, initial={"kind": "interview" if inst.step == "interview" else "exam"})
    objection_form = forms.ObjectionForm(request.POST if action == "objection" else None, prefix="o")
    resolve_form = forms.ResolveForm(request.POST if action == "resolve" else None, prefix="v")
    bound = {"step": step_form, "apply": apply_form, "scores": scores_form, "objection": objection_form, "resolve": resolve_form}.get(action)
    if bound is not None and bound.is_valid():
        c = bound.cleaned_data
        if action == "step":
            ok = _call(bound, services.complete_competition_step, actor=actor, competition_id=comp.pk, step=step.key, done_on=c["done_on"], data=bound.step_data(), comment=c["comment"], documents=bound.documents())
        elif action == "apply":
            try:
                (cadre_id,) = selectors.cadre_ids_by_names(actor, c["names"])[:1] or (None,)
                if cadre_id is None:
                    raise ServiceError.single("names", "required", _("请填写报名人姓名"))
                services.apply_for_competition(actor=actor, competition_id=comp.pk, cadre_id=cadre_id, on=c["on"], statement=c["statement"])
            except ServiceError as exc:
                forms.apply_errors(bound, exc)
                ok = False
            except PermissionDenied:
                raise DjangoPermissionDenied from None
            else:
                ok = True
        elif action == "scores":
            ok = _call(bound, services.record_scores, actor=actor, competition_id=comp.pk, kind=c["kind"], scores=bound.scores(), absent=bound.absent())
        elif action == "objection":
            ok = _call(bound, proc.record_objection, actor=actor, notice_id=c["notice"], received_on=c["received_on"], content=c["content"], source=c["source"])
        else:
            ok = _call(bound, proc.resolve_objection, actor=actor, objection_id=c["objection"], upheld=c["upheld"], resolution=c["resolution"])
        if ok:
            messages.success(request, _("已办理"))
            return redirect("cadres:competition", comp.pk)
    rs = eligibility_rules(comp.apply_until)
    conditions = {
        "max_age": comp.max_age or rs["max_age"].get(comp.post.rank), "education": EDUCATION_LABELS[comp.min_education or rs["min_education"]],
        "years": [(f, t, n, basis) for f, t, n, basis in rs["years_in_rank"] if t == comp.post.rank], "source": rs.source,
    }
    return render(
        request, "cadres/competition.html",
        {
            "comp": comp, "inst": inst, "definition": d, "step": step, "step_form": step_form, "apply_form": apply_form, "scores_form": scores_form,
            "record": selectors.competition_record(comp), "conditions": conditions, "scoring": inst.step in ("exam", "interview"),
            "applying": inst.step == "qualification", "crumbs": [(_("竞争性选拔"), reverse("cadres:competitions")), (inst.title, "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.member
def my_competitions(request, actor):
    """A cadre signed in: posts open for competition today, and their own applications; apply online."""
    from .models import Application

    cadre = services.own_cadre(actor)
    form = forms.OnlineApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.apply_online(actor=actor, competition_id=c["competition"], statement=c["statement"])
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("报名成功，请等待资格审查"))
            return redirect("cadres:my_competitions")
    mine = list(Application.objects.filter(cadre=cadre).select_related("competition__instance", "competition__post__unit").order_by("-applied_on")) if cadre else []
    return render(
        request, "cadres/my_competitions.html",
        {"cadre": cadre, "open": list(selectors.open_competitions()), "mine": mine, "form": form, "applied": {a.competition_id for a in mine}},
        status=400 if form.errors else 200,
    )


# --- daily oversight (日常监督) ---------------------------------------------------------------------------------------


def _one_cadre(actor, names: str) -> int:
    ids = selectors.cadre_ids_by_names(actor, names)
    if len(ids) != 1:
        raise ServiceError.single("names", "bad_value", _("请填写一名干部的姓名"))
    return ids[0]


def _run(form, fn) -> bool:
    """Run `fn(cleaned_data)` (one service); errors go back onto the form."""
    try:
        fn(form.cleaned_data)
    except ServiceError as exc:
        forms.apply_errors(form, exc)
        return False
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    return True


@gate.staff
def oversight(request, actor):
    """Key moments (新提任、离任、节假日), inspection tours and their findings sent to the rectification ledger, side jobs."""
    _restricted(actor)
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    unit_list = list(selectors.units(actor))
    built = {
        "leaving": forms.LeavingForm(request.POST if action == "leaving" else None, prefix="lv"),
        "holiday": forms.HolidayForm(request.POST if action == "holiday" else None, prefix="hd"),
        "handover": forms.HandoverForm(request.POST if action == "handover" else None, prefix="ho"),
        "audit": forms.AuditLinkForm(request.POST if action == "audit" else None, prefix="au"),
        "close": forms.CloseMomentForm(request.POST if action == "close" else None, prefix="cl"),
        "inspection": forms.InspectionForm(request.POST if action == "inspection" else None, prefix="in", units=unit_list),
        "finding": forms.FindingForm(request.POST if action == "finding" else None, prefix="fd"),
        "send": forms.SendFindingsForm(request.POST if action == "send" else None, prefix="sd"),
        "sidejob": forms.SideJobForm(request.POST if action == "sidejob" else None, prefix="sj"),
        "endjob": forms.EndSideJobForm(request.POST if action == "endjob" else None, prefix="ej"),
    }
    today = dt.date.today()
    handlers = {
        "leaving": lambda c: services.plan_leaving(actor=actor, cadre_id=_one_cadre(actor, c["names"]), on=c["on"], reason=c["reason"]),
        "holiday": lambda c: services.add_holiday(actor=actor, org_id=c["org"], on=c["on"], title=c["title"]),
        "handover": lambda c: services.record_handover(actor=actor, moment_id=c["moment"], on=c["on"], note=c["note"]),
        "audit": lambda c: services.link_audit(actor=actor, moment_id=c["moment"], reference=c["reference"]),
        "close": lambda c: services.close_moment(actor=actor, moment_id=c["moment"], on=c["on"], note=c["note"]),
        "inspection": lambda c: services.start_inspection(actor=actor, org_id=c["org"], unit_id=c["unit"], title=c["title"], team=c["team"], start_on=c["start_on"], end_on=c["end_on"]),
        "finding": lambda c: services.add_finding(actor=actor, inspection_id=c["inspection"], text=c["text"], owner_name=c["owner_name"], deadline=c["deadline"]),
        "send": lambda c: services.send_findings(actor=actor, inspection_id=c["inspection"], on=today),
        "sidejob": lambda c: services.register_side_job(
            actor=actor, cadre_id=_one_cadre(actor, c["names"]), organization=c["organization"], kind=c["kind"], role=c["role"], leadership=c["leadership"],
            started_on=c["started_on"], paid=c["paid"], approval=c["approval"],
        ),
        "endjob": lambda c: services.end_side_job(actor=actor, job_id=c["job"], on=c["on"]),
    }
    bound = built.get(action)
    if bound is not None and bound.is_valid() and _run(bound, handlers[action]):
        messages.success(request, _("已办理"))
        return redirect("cadres:oversight")
    return render(
        request, "cadres/oversight.html",
        {
            **{f"{k}_form": v for k, v in built.items()}, "moments": selectors.moments(actor), "inspections": selectors.inspections(actor),
            "side_jobs": selectors.side_jobs(actor), "errors": bound.errors if bound is not None else None, "crumbs": [(_("日常监督"), "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


def _talk_reader(actor):
    if not services.may_read_reports(actor, services.TALKS):
        raise NotFound()


@gate.staff
def talk_list(request, actor):
    """Talk records (谈心谈话、廉政谈话、提醒、函询、诫勉) and problems followed up — designated readers only."""
    _talk_reader(actor)
    pressed = forms.ActionForm(request.POST if request.method == "POST" else None)
    action = pressed.pressed()
    built = {
        "talk": forms.TalkForm(request.POST if action == "talk" else None, prefix="tk"),
        "problem": forms.ProblemForm(request.POST if action == "problem" else None, prefix="pb"),
        "follow": forms.FollowUpForm(request.POST if action == "follow" else None, prefix="fu"),
        "reply": forms.ReplyForm(request.POST if action == "reply" else None, prefix="rp"),
    }
    handlers = {
        "talk": lambda c: services.record_talk(actor=actor, cadre_id=_one_cadre(actor, c["names"]), kind=c["kind"], on=c["on"], talker=c["talker"], occasion=c["occasion"], record=c["record"]),
        "problem": lambda c: services.add_problem(actor=actor, cadre_id=_one_cadre(actor, c["names"]), text=c["text"], due_on=c["due_on"]),
        "follow": lambda c: services.follow_up(actor=actor, problem_id=c["problem"], on=c["on"], text=c["text"], close=c["close"], next_due=c["next_due"]),
        "reply": lambda c: services.record_reply(actor=actor, talk_id=c["talk"], on=c["on"], text=c["text"]),
    }
    bound = built.get(action)
    if bound is not None and bound.is_valid() and _run(bound, handlers[action]):
        messages.success(request, _("已保存"))
        return redirect("cadres:talks")
    page = params.paginate(request.GET, selectors.talks(actor), size=PAGE_SIZE)
    return render(
        request, "cadres/talks.html",
        {
            **{f"{k}_form": v for k, v in built.items()}, "page": page, "problems": selectors.open_problems(actor), "today": dt.date.today(),
            "errors": bound.errors if bound is not None else None, "crumbs": [(_("谈心谈话"), "")],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@gate.staff
def talk_detail(request, actor, pk):
    """One talk record decrypted for a designated reader; the read is an audit event."""
    _talk_reader(actor)
    out = services.read_talk(actor=actor, talk_id=pk)
    return render(request, "cadres/talk.html", {"out": out, "t": out["talk"], "crumbs": [(_("谈心谈话"), reverse("cadres:talks")), (str(out["talk"]), "")]})
