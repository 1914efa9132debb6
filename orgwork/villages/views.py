"""Console pages: the two-committee registry and structure report (and its xlsx), secondments with work logs and
assessment, units without a party organization."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import exports, gate, params
from orgwork.core.errors import ServiceError
from orgwork.core.privacy import mask_id_number
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Education
from orgwork.orgs.selectors import path_names

from . import forms, selectors, services
from .models import Cadre, Grade, PartyPost, Probation, UnitKind, VillagePost, WorkLog
from .rules import cadre_rules, kind_label, kind_rules, pairing_rules


def _errors(request, exc: ServiceError):
    for err in exc.errors:
        messages.error(request, err.message)



@gate.staff
def report(request, actor):
    under = params.under(actor, request.GET)
    if request.method == "POST":
        try:
            if forms.ActForm(request.POST).values()["act"] == "end":
                d = forms.EndCadreForm(request.POST).values()
                services.end_cadre(actor=actor, cadre_id=d["cadre"], ended_on=d["ended_on"], reason=d["reason"])
            else:
                d = forms.CadreForm(request.POST).values()
                services.register_cadre(actor=actor, org_id=d["org"], id_number=d["id_number"], name=d["name"], member_id=d["member"], education=d["education"],
                                        graduate_official=d["graduate_official"], party_post=d["party_post"], village_post=d["village_post"], started_on=d["started_on"])  # fmt: skip
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    rep = selectors.structure(actor, under=under)
    page = params.paginate(request.GET, selectors.cadres(actor, under=under))
    paths = path_names([c.org for c in page.object_list])
    rows = [(c, paths.get(c.org_id, c.org.name), mask_id_number(c.id_number)) for c in page.object_list]
    missing = params.paginate(request.GET, rep.without_graduate, name="vpage")
    return render(request, "villages/report.html", {
        "under": under, "rep": rep, "page": page, "rows": rows, "missing": missing, "missing_rows": list(path_names(missing.object_list).values()),
        "today": dt.date.today(), "educations": Education.choices, "party_posts": PartyPost.choices, "village_posts": VillagePost.choices,
    })  # fmt: skip


@gate.staff
def export(request, actor):
    under = params.under(actor, request.GET)
    rep = selectors.structure(actor, under=under)
    buf = io.BytesIO()
    wb = exports.workbook(buf)
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(_("结构分析"))
    ws.write_row(0, 0, [_("村（社区）两委班子结构"), f"{rep.on:%Y-%m-%d}", rep.rules.source], bold)
    ws.write_row(1, 0, [_("领域"), _("两委成员"), _("大专以上"), _("大专以上占比"), _("目标"), _("是否达标"), _("交叉任职"), _("交叉任职占比"), _("大学生村官"), *rep.band_labels], bold)
    for i, s in enumerate(rep.sectors, start=2):
        ws.write_row(i, 0, [s.label, s.total, s.college, round(s.college_share, 4), s.target_percent, _("达标") if s.meets_target else _("未达标"), s.cross, round(s.cross_share, 4), s.graduate_officials, *s.ages])
    r = len(rep.sectors) + 3
    ws.write_row(r, 0, [_("村（社区）数"), rep.villages, _("书记"), rep.secretaries, _("书记兼主任"), rep.secretaries_chairing])
    ws.write_row(r + 2, 0, [_("没有大学生村官的村")], bold)
    paths = path_names(rep.without_graduate)
    for j, o in enumerate(rep.without_graduate, start=r + 3):
        ws.write_row(j, 0, [paths[o.pk]])
    ws2 = wb.add_worksheet(_("两委成员"))
    ws2.write_row(0, 0, [_("村（社区）"), _("姓名"), _("公民身份号码"), _("出生日期"), _("学历"), _("党组织职务"), _("村（居）委会职务"), _("交叉任职"), _("大学生村官"), _("任职日期")], bold)
    qs = selectors.cadres(actor, under=under)
    n = 1
    for chunk in Paginator(qs, 2000):
        cp = path_names([c.org for c in chunk.object_list])
        for c in chunk.object_list:
            ws2.write_row(n, 0, [cp[c.org_id], c.name, mask_id_number(c.id_number), f"{c.birth_date:%Y-%m-%d}", c.get_education_display(), c.get_party_post_display(),
                                 c.get_village_post_display(), _("是") if c.cross_holding else _("否"), _("是") if c.graduate_official else _("否"), f"{c.started_on:%Y-%m-%d}"])  # fmt: skip
            n += 1
    wb.close()
    resp = HttpResponse(buf.getvalue(), content_type=exports.XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = 'attachment; filename="villages-structure.xlsx"'
    return resp


@gate.staff
def secondments(request, actor):
    under = params.under(actor, request.GET)
    rules = kind_rules()
    kind = params.choice(request.GET, "kind", label=_("类别"), choices=[k for k, _label in rules["kinds"]])
    if request.method == "POST":
        try:
            d = forms.SecondmentForm(request.POST).values()
            s = services.start_secondment(actor=actor, org_id=d["org"], kind=d["kind"], id_number=d["id_number"], name=d["name"], member_id=d["member"],
                                          place=d["place"], started_on=d["started_on"], ends_on=d["ends_on"], tasks=d["tasks"])  # fmt: skip
            messages.success(request, _("已登记"))
            return redirect("villages:secondment", pk=s.pk)
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.secondments(actor, under=under, kind=kind))
    paths = path_names([s.org for s in page.object_list])
    rows = [(s, paths.get(s.org_id), kind_label(s.kind, rules)) for s in page.object_list]
    overdue = selectors.overdue_assessments(actor).count()
    return render(request, "villages/secondments.html", {"under": under, "page": page, "rows": rows, "kinds": rules["kinds"], "kind": kind, "overdue": overdue, "today": dt.date.today()})


@gate.staff
def secondment(request, actor, pk):
    s = get_in_scope(selectors.secondments(actor), actor, pk=pk)
    if request.method == "POST":
        try:
            act = forms.ActForm(request.POST).values()["act"]
            if act == "assess":
                d = forms.AssessForm(request.POST).values()
                services.assess(actor=actor, secondment_id=s.pk, grade=d["grade"], assessed_on=d["assessed_on"], comment=d["comment"])
            elif act == "year":
                d = forms.YearAssessForm(request.POST).values()
                services.assess_year(actor=actor, secondment_id=s.pk, year=d["year"], grade=d["grade"], on=d["on"], comment=d["comment"])
            else:
                d = forms.LogForm(request.POST).values()
                services.log_work(actor=actor, secondment_id=s.pk, on=d["on"], text=d["text"])
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect("villages:secondment", pk=s.pk)
    logs = params.paginate(request.GET, WorkLog.objects.filter(secondment=s).order_by("-on", "-id"))
    return render(request, "villages/secondment.html", {
        "s": s, "org_path": path_names([s.org])[s.org_id], "kind": kind_label(s.kind, kind_rules(on=s.started_on)), "id_masked": mask_id_number(s.id_number),
        "logs": logs, "grades": Grade.choices, "today": dt.date.today(), "overdue": s.ends_on < dt.date.today() and not s.assessed_on,
        "years": s.years.order_by("-year"), "year_choices": list(range(s.started_on.year, min(s.ends_on.year, dt.date.today().year) + 1)),
    })  # fmt: skip


@gate.staff
def units(request, actor):
    under = params.under(actor, request.GET)
    if request.method == "POST":
        try:
            act = forms.ActForm(request.POST).values()["act"]
            if act == "assign":
                d = forms.AssignForm(request.POST).values()
                services.assign_instructor(actor=actor, unit_id=d["unit"], secondment_id=d["secondment"])
            elif act == "request":
                d = forms.RequestBranchForm(request.POST).values()
                services.request_branch(actor=actor, unit_id=d["unit"], parent_id=d["parent"], name=d["name"], kind=d["kind"], full_members=d["full_members"], reason=d["reason"], on=d["on"])
            elif act == "link":
                d = forms.LinkForm(request.POST).values()
                services.link_branch(actor=actor, unit_id=d["unit"])
            else:
                d = forms.UnitForm(request.POST).values()
                services.register_unit(actor=actor, org_id=d["org"], name=d["name"], kind=d["kind"], employees=d["employees"], party_members=d["party_members"], registered_on=d["registered_on"])
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.units(actor, under=under))
    paths = path_names([u.org for u in page.object_list] + [u.party_org for u in page.object_list if u.party_org])
    rows = [(u, paths.get(u.org_id), paths.get(u.party_org_id)) for u in page.object_list]
    instructors = selectors.secondments(actor, kind=kind_rules()["instructor_kind"]).filter(assessed_on__isnull=True, ends_on__gte=dt.date.today())
    ipage = params.paginate(request.GET, instructors, size=100, name="ipage")
    return render(request, "villages/units.html", {
        "under": under, "page": page, "rows": rows, "cov": selectors.coverage(actor, under=under), "instructors": ipage, "unit_kinds": UnitKind.choices, "today": dt.date.today(),
    })  # fmt: skip


# --- a cadre's record: post history, probation, scores, leaving allowance -----------------------------------


@gate.staff
def cadre(request, actor, pk):
    c = get_in_scope(Cadre.objects.select_related("org"), actor, pk=pk)
    if request.method == "POST":
        try:
            act = forms.ActForm(request.POST).values()["act"]
            if act == "change":
                d = forms.ChangePostForm(request.POST).values()
                c = services.change_post(actor=actor, cadre_id=c.pk, party_post=d["party_post"], village_post=d["village_post"], on=d["on"], reason=d["reason"])
            elif act == "probation":
                d = forms.ProbationForm(request.POST).values()
                services.decide_probation(actor=actor, cadre_id=c.pk, decision=d["decision"], on=d["on"], note=d["note"], months=d["months"])
            elif act == "allowance":
                d = forms.AllowanceForm(request.POST).values()
                services.grant_leaving_allowance(actor=actor, cadre_id=c.pk, on=d["on"])
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect("villages:cadre", pk=c.pk)
    hist = list(selectors.history(actor, c))
    paths = path_names([h.org for h in hist])
    today = dt.date.today()
    years = [today.year - 1, today.year - 2, today.year - 3]
    grades = [(y, selectors.person_grade(c, "stars", y), selectors.person_grade(c, "review", y), selectors.person_grade(c, "competence", y) if c.party_post == "secretary" else "—") for y in years]
    return render(request, "villages/cadre.html", {
        "c": c, "history": [(h, paths.get(h.org_id)) for h in hist], "id_masked": mask_id_number(c.id_number), "today": today, "grades": grades,
        "party_posts": PartyPost.choices, "village_posts": VillagePost.choices, "decisions": [(v, lbl) for v, lbl in Probation.choices if v != Probation.ON],
        "on_probation": c.probation in (Probation.ON, Probation.EXTENDED) and not c.ended_on,
    })  # fmt: skip


# --- star management, 述职评议, competence ---------------------------------------------------------------------

WHICH = (("review", gettext_lazy("年度述职评议")), ("stars", gettext_lazy("星级管理")), ("competence", gettext_lazy("书记胜任度评价")))


@gate.staff
def evaluations(request, actor):
    from orgwork.core.scoring import selectors as scoring

    under = params.under(actor, request.GET)
    today = dt.date.today()
    which = params.choice(request.GET, "which", label=_("评价类别"), choices=[w for w, _l in WHICH], default="review")
    year = params.year(request.GET, default=today.year - 1)
    if request.method == "POST":
        try:
            if forms.ActForm(request.POST).values()["act"] == "approve":
                d = forms.ApproveForm(request.POST).values()
                services.approve_scores(actor=actor, entry_ids=d["entries"])
            else:
                d = forms.ScoreForm(request.POST).values()
                services.score_cadre(actor=actor, which=d["which"], cadre_id=d["cadre"], year=d["year"], scores=d["scores"], note=d["note"])
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    services.ensure_score_sets()
    code = cadre_rules(on=dt.date(year, 12, 31))["sets"][which]
    rows = selectors.results(actor, which=which, year=year, under=under)
    page = params.paginate(request.GET, rows)
    paths = path_names([r.cadre.org for r in page.object_list])
    pending = params.paginate(request.GET, scoring.pending(actor, set_code=code, under=under), size=100, name="ppage")
    return render(request, "villages/evaluations.html", {
        "under": under, "which": which, "which_choices": WHICH, "which_label": dict(WHICH)[which], "year": year, "page": page,
        "rows": [(r, paths.get(r.cadre.org_id)) for r in page.object_list], "indicators": scoring.indicators_on(code, min(dt.date(year, 12, 31), today)),
        "pending": pending, "set_name": scoring.get_set(code).name,
    })  # fmt: skip


# --- pay sheets --------------------------------------------------------------------------------------------------


def _sheet(request, actor):
    today = dt.date.today()
    towns = list(selectors.townships(actor))
    township = params.under(actor, request.GET) or (towns[0] if towns else None)
    year = params.year(request.GET, default=today.year)
    month = params.integer(request.GET, "month", label=_("月份"), min_value=1, max_value=12)
    if township is None:
        return towns, None, year, month
    sheet = selectors.pay_sheet(actor, township=township, year=year, month=month) if month else selectors.pay_sheet_year(actor, township=township, year=year)
    return towns, sheet, year, month


@gate.staff
def pay(request, actor):
    if request.method == "POST":
        try:
            if forms.ActForm(request.POST).values()["act"] == "stop":
                d = forms.StopForm(request.POST).values()
                services.stop_subsidy(actor=actor, former_id=d["former"], until=d["until"], reason=d["reason"])
            else:
                d = forms.FormerForm(request.POST).values()
                services.register_former(actor=actor, org_id=d["org"], id_number=d["id_number"], name=d["name"], main_post=d["main_post"], years=d["years"],
                                         left_on=d["left_on"], subsidy_from=d["subsidy_from"])  # fmt: skip
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    towns, sheet, year, month = _sheet(request, actor)
    paths = path_names([r.cadre.org for r in sheet.rows] + [f.former.org for f in sheet.former]) if sheet else {}
    former = params.paginate(request.GET, selectors.former_cadres(actor, under=sheet.township if sheet else None), name="fpage")
    return render(request, "villages/pay.html", {
        "towns": towns, "sheet": sheet, "year": year, "month": month, "months": range(1, 13), "paths": paths, "former": former, "today": dt.date.today(),
        "rows": [(r, paths.get(r.cadre.org_id)) for r in sheet.rows] if sheet else [], "former_rows": [(f, paths.get(f.former.org_id)) for f in sheet.former] if sheet else [],
    })  # fmt: skip


@gate.staff
def pay_export(request, actor):
    _towns, sheet, _year, _month = _sheet(request, actor)
    buf = io.BytesIO()
    wb = exports.workbook(buf)
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(_("报酬"))
    if sheet is None:
        ws.write_row(0, 0, [_("没有可发放报酬的乡镇（街道）")], bold)
    else:
        ws.write_row(0, 0, [sheet.title, f"{sheet.rules['payer']}（{sheet.township.name}）", f"{sheet.rules['title']} {sheet.rules.version}"], bold)
        ws.write_row(1, 0, [_("村（社区）"), _("姓名"), _("职务"), _("基本报酬"), _("绩效报酬标准"), _("上年述职评议"), _("绩效系数"), _("绩效报酬"), _("上年胜任度"), _("书记差异化报酬"), _("合计")], bold)
        paths = path_names([r.cadre.org for r in sheet.rows] + [f.former.org for f in sheet.former])
        n = 2
        for r in sheet.rows:
            ws.write_row(n, 0, [paths.get(r.cadre.org_id, ""), r.cadre.name, r.post, str(r.base), str(r.performance_standard), r.review_grade or _("未评"),
                                str(r.coefficient), str(r.performance), r.competence_grade or (_("未评") if r.cadre.party_post == "secretary" else ""), str(r.supplement), str(r.total)])  # fmt: skip
            n += 1
        ws.write_row(n, 0, [_("合计"), "", "", "", "", "", "", "", "", "", str(sheet.pay_total)], bold)
        ws2 = wb.add_worksheet(_("退职村干部补助"))
        ws2.write_row(0, 0, [_("村（社区）"), _("姓名"), _("补助类别"), _("补助金额"), _("县级承担"), _("乡镇承担")], bold)
        for i, f in enumerate(sheet.former, start=1):
            ws2.write_row(i, 0, [paths.get(f.former.org_id, ""), f.former.name, f.class_label, str(f.monthly), str(f.county), str(f.township)])
        ws3 = wb.add_worksheet(_("离任补贴"))
        ws3.write_row(0, 0, [_("姓名"), _("任书记年限"), _("述职评议优秀年数"), _("补贴金额"), _("核定日期")], bold)
        for i, a in enumerate(sheet.allowances, start=1):
            ws3.write_row(i, 0, [a.name, a.secretary_years, a.excellent_years, str(a.amount), f"{a.granted_on:%Y-%m-%d}"])
    wb.close()
    resp = HttpResponse(buf.getvalue(), content_type=exports.XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = 'attachment; filename="villages-pay.xlsx"'
    return resp


# --- village reserve cadres ---------------------------------------------------------------------------------------


@gate.staff
def reserves(request, actor):
    under = params.under(actor, request.GET)
    if request.method == "POST":
        try:
            d = forms.ReserveForm(request.POST).values()
            r = services.add_reserve(actor=actor, org_id=d["org"], id_number=d["id_number"], name=d["name"], member_id=d["member"], education=d["education"],
                                     strengths=d["strengths"], added_on=d["added_on"])  # fmt: skip
            messages.success(request, _("已登记"))
            return redirect("villages:reserve", pk=r.pk)
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    today = dt.date.today()
    page = params.paginate(request.GET, selectors.reserves(actor, under=under))
    paths = path_names([r.org for r in page.object_list])
    rows = [(r, paths.get(r.org_id), selectors.reserve_hours(r, today.year)) for r in page.object_list]
    return render(request, "villages/reserves.html", {"under": under, "page": page, "rows": rows, "educations": Education.choices, "today": today, "year": today.year})


@gate.staff
def reserve(request, actor, pk):
    r = get_in_scope(selectors.reserves(actor, current=False), actor, pk=pk)
    if request.method == "POST":
        try:
            act = forms.ActForm(request.POST).values()["act"]
            if act == "train":
                d = forms.TrainForm(request.POST).values()
                services.credit_reserve_training(actor=actor, reserve_id=r.pk, hours=d["hours"], on=d["on"], course=d["course"])
            elif act == "place":
                d = forms.PlacementForm(request.POST).values()
                services.start_placement(actor=actor, reserve_id=r.pk, place=d["place"], started_on=d["started_on"], ends_on=d["ends_on"], tasks=d["tasks"])
            elif act == "assess_place":
                d = forms.AssessPlacementForm(request.POST).values()
                services.assess_placement(actor=actor, placement_id=d["placement"], grade=d["grade"], on=d["on"], comment=d["comment"])
            elif act == "remove":
                d = forms.RemoveReserveForm(request.POST).values()
                services.remove_reserve(actor=actor, reserve_id=r.pk, on=d["on"], reason=d["reason"])
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect("villages:reserve", pk=r.pk)
    today = dt.date.today()
    return render(request, "villages/reserve.html", {
        "r": r, "org_path": path_names([r.org])[r.org_id], "id_masked": mask_id_number(r.id_number), "today": today, "grades": Grade.choices,
        "hours": [(y, selectors.reserve_hours(r, y)) for y in (today.year, today.year - 1)], "placements": params.paginate(request.GET, selectors.placements(actor, reserve=r)),
    })  # fmt: skip


# --- first secretaries, pairing, contact points and visits ------------------------------------------------------


@gate.staff
def first_secretaries(request, actor):
    from orgwork.scores import selectors as scores_selectors

    under = params.under(actor, request.GET)
    today = dt.date.today()
    year = params.year(request.GET, default=today.year - 1)
    rules = pairing_rules()
    weak = [r for r in scores_selectors.weak_branches(actor, year=year) if under is None or r.org.path.startswith(under.path)]
    sent = {s.org_id: s for s in selectors.first_secretaries(actor, under=under).filter(ends_on__gte=today, started_on__lte=today)}
    paths = path_names([r.org for r in weak])
    page = params.paginate(request.GET, selectors.first_secretaries(actor, under=under))
    spaths = path_names([s.org for s in page.object_list])
    due = {s.pk for s in selectors.year_assessments_due(actor, today=today)}
    return render(request, "villages/first_secretaries.html", {
        "under": under, "year": year, "weak": [(r, paths.get(r.org_id), sent.get(r.org_id)) for r in weak], "page": page, "today": today,
        "rows": [(s, spaths.get(s.org_id), s.pk in due) for s in page.object_list], "kind": rules["first_secretary_kind"],
    })  # fmt: skip


@gate.staff
def pairings(request, actor):
    under = params.under(actor, request.GET)
    rules = pairing_rules()
    kinds = rules["kinds"]
    kind = params.choice(request.GET, "kind", label=_("类别"), choices=[k for k, _l in kinds])
    if request.method == "POST":
        try:
            d = forms.PairingForm(request.POST).values()
            p = services.start_pairing(actor=actor, kind=d["kind"], org_id=d["org"], helper=d["helper"], helper_member_id=d["helper_member"], target=d["target"],
                                       started_on=d["started_on"], goals=d["goals"])  # fmt: skip
            messages.success(request, _("已登记"))
            return redirect("villages:pairing", pk=p.pk)
        except ServiceError as e:
            _errors(request, e)
        return redirect(request.get_full_path())
    today = dt.date.today()
    page = params.paginate(request.GET, selectors.pairings(actor, under=under, kind=kind))
    paths = path_names([p.org for p in page.object_list])
    labels = dict(kinds)
    rows = [(p, paths.get(p.org_id), labels.get(p.kind, p.kind), selectors.visit_due(p, rules)) for p in page.object_list]
    return render(request, "villages/pairings.html", {"under": under, "page": page, "rows": rows, "kinds": kinds, "kind": kind, "today": today})


@gate.staff
def pairing(request, actor, pk):
    p = get_in_scope(selectors.pairings(actor, current=False), actor, pk=pk)
    if request.method == "POST":
        try:
            if forms.ActForm(request.POST).values()["act"] == "end_pairing":
                d = forms.EndPairingForm(request.POST).values()
                services.end_pairing(actor=actor, pairing_id=p.pk, on=d["on"])
            else:
                d = forms.VisitForm(request.POST).values()
                services.log_visit(actor=actor, pairing_id=p.pk, on=d["on"], text=d["text"])
            messages.success(request, _("已保存"))
        except ServiceError as e:
            _errors(request, e)
        return redirect("villages:pairing", pk=p.pk)
    rules = pairing_rules()
    return render(request, "villages/pairing.html", {
        "p": p, "org_path": path_names([p.org])[p.org_id], "kind": dict(rules["kinds"]).get(p.kind, p.kind), "due": selectors.visit_due(p, rules),
        "every": rules["visit_every_days"][p.kind], "visits": params.paginate(request.GET, selectors.visits(actor, p)), "today": dt.date.today(),
    })  # fmt: skip
