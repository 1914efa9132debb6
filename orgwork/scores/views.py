"""Pages of the scores module: the member's phone page (points, photo, appeals) and the console (approval queue,
ranking, publication, stars, weak branches, assessments, duty posts, indicator sets)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.core.scoring import calc
from orgwork.core.scoring import selectors as engine
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import Org

from . import forms, rules, selectors, services
from .models import Assessment, Rectification


def _fail(request, exc: ServiceError) -> None:
    for e in exc.errors:
        messages.error(request, str(e.message))


def _paths(objs, attr="org"):
    cache: dict = {}
    for o in objs:
        org = getattr(o, attr) if attr else o
        o.org_path_names = org_selectors.full_path_names(org, cache=cache)
    return objs



# --- the member's phone page --------------------------------------------------------------------------------------
@gate.member
def me(request, actor):
    services.ensure_defaults()
    today = timezone.localdate()
    members = selectors.own_members(actor)
    if not members:
        return render(request, "scores/me.html", {"member": None})
    member = members[0]
    indicators = selectors.self_indicators(today)
    form = forms.SubmitForm(request.POST or None, request.FILES or None, indicators=indicators, initial={"occurred_on": today, "units": 1})
    appeal_form = forms.AppealForm(request.POST or None, prefix="appeal")
    if request.method == "POST":
        if "appeal-period" in request.POST:
            if appeal_form.is_valid():
                try:
                    services.file_appeal(actor=actor, period_id=appeal_form.cleaned_data["period"], member_id=member.pk, content=appeal_form.cleaned_data["content"])
                    messages.success(request, _("异议已提交，支部将核查答复"))
                    return redirect("scores:me")
                except ServiceError as exc:
                    forms.apply_errors(appeal_form, exc)
                except NotFound:
                    appeal_form.add_error(None, _("公示期不存在"))
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.submit_points(
                    actor=actor, member_id=member.pk, indicator_code=d["indicator"], occurred_on=d["occurred_on"], units=d.get("units") or 1,
                    note=d.get("note", ""), files=[d["photo"]] if d.get("photo") else [],
                )  # fmt: skip
                messages.success(request, _("已提交，等待支部审核"))
                return redirect("scores:me")
            except ServiceError as exc:
                forms.apply_errors(form, exc)
    entries = params.paginate(request.GET, selectors.member_entries(member), size=20)
    return render(
        request,
        "scores/me.html",
        {"member": member, "form": form, "appeal_form": appeal_form, "summary": selectors.member_summary(member, today), "entries": entries,
         "periods": list(selectors.open_periods_for(member)), "today": today},
    )  # fmt: skip


@gate.account
def evidence(request, actor, entry_id, evidence_id):
    try:
        e = selectors.get_entry(actor, entry_id)
    except NotFound:
        raise Http404 from None
    ev = e.evidence.filter(pk=evidence_id).first()
    if ev is None:
        raise Http404
    return FileResponse(ev.file.open("rb"), filename=ev.filename or "evidence")


# --- approval queue ---------------------------------------------------------------------------------------------
@gate.staff
def queue(request, actor):
    services.ensure_defaults()
    under = params.under(actor, request.GET)
    if request.method == "POST":
        f = forms.DecideForm(request.POST)
        if f.is_valid():
            d = f.cleaned_data
            try:
                if d["act"] == "approve":
                    services.approve(actor=actor, entry_id=d["entry"])
                    messages.success(request, _("已认定"))
                else:
                    services.return_entry(actor=actor, entry_id=d["entry"], reason=d.get("reason", ""))
                    messages.success(request, _("已退回"))
            except ServiceError as exc:
                _fail(request, exc)
            except (NotFound, PermissionDenied):
                messages.error(request, _("您无权审核该记录"))
        else:
            messages.error(request, _("提交的数据有误"))
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.queue(actor, under=under))
    _paths(page.object_list)
    return render(request, "scores/queue.html", {"page": page, "under": under})


# --- ranking ----------------------------------------------------------------------------------------------------
@gate.staff
def ranking(request, actor):
    services.ensure_defaults()
    under = params.under(actor, request.GET)
    today = timezone.localdate()
    f = forms.RankingForm(request.GET or None)
    year, month, set_code = today.year, None, rules.MEMBER_POINTS
    if f.is_valid():
        year = f.cleaned_data.get("year") or year
        month = f.cleaned_data.get("month")
        set_code = f.cleaned_data.get("set") or set_code
    bucket = f"M{year}-{month:02d}" if month else f"Y{year}"
    number, size = params.page(request.GET)
    r = selectors.ranking(actor, set_code=set_code, bucket=bucket, under=under, page=number, page_size=size)
    cache: dict = {}
    orgs = {o.pk: o for o in Org.objects.filter(pk__in={x.org_id for x in r.rows})}
    rows = [(x, org_selectors.full_path_names(orgs[x.org_id], cache=cache) if x.org_id in orgs else "") for x in r.rows]
    pages = (r.count + size - 1) // size
    return render(request, "scores/ranking.html", {"r": r, "rows": rows, "form": f, "year": year, "month": month, "under": under, "set_code": set_code, "pages": pages, "size": size})


# --- publication and appeals -------------------------------------------------------------------------------------
@gate.staff
def periods(request, actor):
    services.ensure_defaults()
    under = params.under(actor, request.GET)
    today = timezone.localdate()
    if request.method == "POST":
        act = request.GET.get("act", "")
        try:
            if act == "publish":
                f = forms.PublishForm(request.POST)
                if f.is_valid():
                    d = f.cleaned_data
                    services.publish_month(actor=actor, org_id=d["org"], year=d["year"], month=d["month"], until=d.get("until"))
                    messages.success(request, _("已公示"))
                else:
                    messages.error(request, _("请选择党组织并填写年月"))
            elif act == "lock":
                f = forms.LockForm(request.POST)
                if f.is_valid():
                    services.lock_period(actor=actor, period_id=f.cleaned_data["period"])
                    messages.success(request, _("已锁定：该期不再接受录入和审核"))
            elif act == "answer":
                f = forms.AnswerForm(request.POST)
                if f.is_valid():
                    d = f.cleaned_data
                    services.answer_appeal(actor=actor, appeal_id=d["appeal"], upheld=d["upheld"], answer=d["answer"])
                    messages.success(request, _("已答复"))
                else:
                    messages.error(request, _("请填写答复意见"))
        except ServiceError as exc:
            _fail(request, exc)
        except (NotFound, PermissionDenied):
            messages.error(request, _("对象不存在或不在您的管理范围内"))
        return redirect(request.path)
    page = params.paginate(request.GET, selectors.periods(actor, under=under))
    _paths(page.object_list)
    open_appeals = params.paginate(request.GET, selectors.appeals(actor, under=under, state="open"), name="apage")
    _paths(open_appeals.object_list)
    return render(request, "scores/periods.html", {"page": page, "appeals": open_appeals, "today": today, "under": under})


# --- stars ------------------------------------------------------------------------------------------------------
@gate.staff
def stars(request, actor):
    services.ensure_defaults()
    under = params.under(actor, request.GET)
    today = timezone.localdate()
    year = params.year(request.GET, default=today.year)
    indicators = engine.indicators_on(rules.BRANCH_STARS, min(dt.date(year, 12, 31), today))
    reviewer = [i for i in indicators if i.source == "reviewer"]
    if request.method == "POST":
        try:
            if request.GET.get("act") == "rate":
                f = forms.RateForm(request.POST)
                if f.is_valid():
                    r = services.rate_branch(actor=actor, org_id=f.cleaned_data["org"], year=f.cleaned_data["year"])
                    messages.success(request, (_("已评定：%(stars)s星，列为软弱涣散党组织") if r.weak else _("已评定：%(stars)s星")) % {"stars": r.stars})
            else:
                f = forms.SelfAssessForm(request.POST, indicators=reviewer)
                if f.is_valid():
                    scores = {code: f.cleaned_data.get(name) for name, code in f.indicator_fields}
                    services.self_assess(actor=actor, org_id=f.cleaned_data["org"], year=f.cleaned_data["year"], scores=scores)
                    messages.success(request, _("自评已提交，待上级党组织审核"))
                else:
                    messages.error(request, _("自评得分有误：%(errors)s") % {"errors": "；".join(str(e) for errs in f.errors.values() for e in errs)})
        except ServiceError as exc:
            _fail(request, exc)
        except (NotFound, PermissionDenied):
            messages.error(request, _("只有上级党组织可以评定星级"))
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.branches(actor, under=under))
    ids = [o.pk for o in page.object_list]
    ratings = selectors.star_ratings(actor, year=year, under=under)
    totals = selectors.branch_totals(ids, year)
    cache: dict = {}
    rows = [(o, org_selectors.full_path_names(o, cache=cache), totals.get(o.pk), ratings.get(o.pk)) for o in page.object_list]
    return render(request, "scores/stars.html", {"rows": rows, "page": page, "year": year, "indicators": indicators, "form": forms.SelfAssessForm(indicators=reviewer), "under": under})


# --- weak branches ----------------------------------------------------------------------------------------------
@gate.staff
def cases(request, actor):
    under = params.under(actor, request.GET)
    page = params.paginate(request.GET, selectors.cases(actor, under=under))
    _paths(page.object_list)
    return render(request, "scores/cases.html", {"page": page, "under": under})


@gate.staff
def case_detail(request, actor, pk):
    try:
        case = get_in_scope(Rectification.objects.select_related("org", "leader"), actor, pk=pk)
    except NotFound:
        raise Http404 from None
    form = forms.CaseForm(request.POST or None, prefix="plan", initial={"team": case.team, "measures": case.measures, "deadline": case.deadline})
    if request.method == "POST":
        try:
            if "plan-team" in request.POST:
                if form.is_valid():
                    d = form.cleaned_data
                    services.plan_case(actor=actor, case_id=case.pk, leader_id=d.get("leader"), team=d.get("team", ""), measures=d.get("measures", ""), deadline=d.get("deadline"))
                    messages.success(request, _("已保存整顿方案"))
                    return redirect("scores:case", pk=case.pk)
            else:
                f = forms.AcceptForm(request.POST)
                if f.is_valid():
                    if f.cleaned_data["act"] == "accept":
                        services.accept_case(actor=actor, case_id=case.pk, opinion=f.cleaned_data.get("opinion", ""))
                    else:
                        services.remove_case(actor=actor, case_id=case.pk)
                    messages.success(request, _("已保存"))
                    return redirect("scores:case", pk=case.pk)
        except ServiceError as exc:
            _fail(request, exc)
        except (NotFound, PermissionDenied):
            messages.error(request, _("验收和销号由上级党组织办理"))
    case.org_path_names = org_selectors.full_path_names(case.org)
    return render(request, "scores/case.html", {"case": case, "form": form})


# --- assessments ------------------------------------------------------------------------------------------------
@gate.staff
def assessments(request, actor):
    under = params.under(actor, request.GET)
    form = forms.AssessmentForm(request.POST or None, initial={"year": timezone.localdate().year, "held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = services.create_assessment(actor=actor, org_id=d["org"], subject=d["subject"], year=d["year"], kind=d["kind"], held_on=d["held_on"], member_id=d.get("member"))
            return redirect("scores:assessment", pk=a.pk)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        except NotFound:
            form.add_error(None, _("党组织或书记不在您的管理范围内"))
    page = params.paginate(request.GET, selectors.assessments(actor, under=under))
    _paths(page.object_list)
    return render(request, "scores/assessments.html", {"page": page, "form": form, "under": under})


@gate.staff
def assessment_detail(request, actor, pk):
    try:
        a = get_in_scope(Assessment.objects.select_related("org", "member"), actor, pk=pk)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            if request.GET.get("act") == "decide":
                services.decide_assessment(actor=actor, assessment_id=a.pk)
                messages.success(request, _("评议结果已确定"))
            else:
                f = forms.TallyForm(request.POST)
                if f.is_valid():
                    services.enter_tally(actor=actor, assessment_id=a.pk, group=f.cleaned_data["group"], counts=f.counts())
                    messages.success(request, _("已录入"))
                else:
                    messages.error(request, _("票数应为非负整数"))
        except ServiceError as exc:
            _fail(request, exc)
        except (NotFound, PermissionDenied):
            messages.error(request, _("无权办理"))
        return redirect("scores:assessment", pk=a.pk)
    state = services.tally_state(a)
    groups = [(g, state[g["code"]], list(a.tallies.filter(group=g["code"]).order_by("round"))) for g in a.groups]
    a.org_path_names = org_selectors.full_path_names(a.org)
    return render(request, "scores/assessment.html", {"a": a, "groups": groups})


# --- duty posts -------------------------------------------------------------------------------------------------
@gate.staff
def posts(request, actor):
    services.ensure_defaults()
    under = params.under(actor, request.GET)
    today = timezone.localdate()
    form = forms.PostForm(request.POST or None, initial={"started_on": today})
    if request.method == "POST":
        try:
            if "act" in request.POST:
                f = forms.PostScoreForm(request.POST)
                if f.is_valid():
                    d = f.cleaned_data
                    if d["act"] == "end":
                        services.end_post(actor=actor, post_id=d["post"], ended_on=d.get("month") or today)
                    else:
                        services.score_post(actor=actor, post_id=d["post"], month=d.get("month") or today, points=d.get("points") or 0)
                    messages.success(request, _("已保存"))
                    return redirect(request.get_full_path())
            elif form.is_valid():
                d = form.cleaned_data
                services.create_post(actor=actor, member_id=d["member"], title=d["title"], duties=d["duties"], started_on=d["started_on"])
                messages.success(request, _("已设岗"))
                return redirect(request.get_full_path())
        except ServiceError as exc:
            _fail(request, exc)
        except (NotFound, PermissionDenied):
            messages.error(request, _("党员不在您的管理范围内"))
    page = params.paginate(request.GET, selectors.posts(actor, under=under))
    _paths(page.object_list)
    return render(request, "scores/posts.html", {"page": page, "form": form, "today": today, "under": under})


# --- indicator sets ---------------------------------------------------------------------------------------------
@gate.staff
def sets(request, actor):
    """Indicator sets as data: a new draft version from a date (copying the latest), its indicators edited, published."""
    from orgwork.core import scoring
    from orgwork.core.scoring import services as engine_services

    services.ensure_defaults()
    today = timezone.localdate()
    if request.method == "POST":
        act = request.GET.get("act", "")
        try:
            if act == "version":
                f = forms.VersionForm(request.POST)
                if f.is_valid():
                    d = f.cleaned_data
                    engine_services.add_version(actor=actor, set_id=d["set"], version=d["version"], effective_from=d["effective_from"], source=d["source"])
                    messages.success(request, _("已新建草稿版本，请修改指标后发布"))
                else:
                    messages.error(request, _("请填写版本号、施行日期和依据"))
            elif act == "indicator":
                f = forms.IndicatorForm(request.POST)
                if f.is_valid():
                    d = dict(f.cleaned_data)
                    version_id, code = d.pop("version"), d.pop("code")
                    if not d.get("provider"):
                        d.pop("provider")
                    engine_services.put_indicator(actor=actor, version_id=version_id, code=code, **d)
                    messages.success(request, _("指标已保存"))
                else:
                    messages.error(request, _("指标填写有误：%(errors)s") % {"errors": "；".join(f"{f.fields[k].label if k in f.fields else ''}{e}" for k, errs in f.errors.items() for e in errs)})
            elif act == "publish":
                f = forms.PublishVersionForm(request.POST)
                if f.is_valid():
                    engine_services.publish_version(actor=actor, version_id=f.cleaned_data["version"])
                    messages.success(request, _("版本已发布，自施行日期起适用"))
        except ServiceError as exc:
            _fail(request, exc)
        except (NotFound, PermissionDenied):
            messages.error(request, _("只有组织部管理员可以修改指标体系"))
        return redirect(request.path)
    out = []
    for s in engine.sets(actor):
        ver = engine.version_on(s, today)
        drafts = [(v, list(v.indicators.all())) for v in s.versions.filter(state="draft").order_by("-id")]
        out.append((s, ver, list(ver.indicators.all()) if ver else [], list(s.versions.order_by("-effective_from")), drafts))
    return render(request, "scores/sets.html", {"sets": out, "bucket": calc.bucket_year(today), "providers": scoring.providers(), "indicator_form": forms.IndicatorForm(), "today": today})
