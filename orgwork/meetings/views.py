"""Console pages for organizational life — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.middleware import actor_for_request
from orgwork.core.scope import scope
from orgwork.discipline.selectors import voting_basis
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import Org

from . import appraisal, compliance, exports, forms, selectors, services
from .models import THEME_DAY_PARTS, AppraisalStage, Grade, MeetingKind, MeetingStatus


def _actor(request):
    return actor_for_request(request)


def _fail(request, exc: ServiceError, placed: tuple[str, ...] = ()):
    """Flash the errors at the top of the page, except those a field of the re-shown form displays beside itself."""
    rest = [e for e in exc.errors if e.field not in placed]
    for e in rest:
        messages.error(request, e.message)
    if not rest and exc.errors:
        messages.error(request, _("请按提示修改标红的项目后再提交。"))


def _writable_orgs(actor):
    return params.writable_orgs(actor)


# --- meetings ---------------------------------------------------------------------------------
@gate.staff
def meeting_list(request, actor):
    under = params.under(actor, request.GET)
    today = dt.date.today()
    year = params.year(request.GET, default=today.year)
    month = params.month(request.GET)
    qs = selectors.search_meetings(actor, under=under, kind=params.choice(request.GET, "kind", label=_("会议类型"), choices=MeetingKind.choices),
        status=params.choice(request.GET, "status", label=_("状态"), choices=MeetingStatus.choices), year=year, month=month)
    page = params.paginate(request.GET, qs)
    return render(
        request,
        "meetings/list.html",
        {"meetings": page.object_list, "page": page, "under": under, "year": year, "month": month, "kinds": MeetingKind.choices, "statuses": MeetingStatus.choices, "q": request.GET},
    )


# the inputs of the new-meeting page that show their own errors beside them
NEW_MEETING_FIELDS = ("org", "kind", "custom_kind", "topic", "planned_on", "place", "host", "recorder", "speaker", "attendees", "attendee_ids")


@gate.staff
def meeting_new(request, actor):
    form = forms.MeetingForm(request.POST or None)
    errors = []
    if request.method == "POST":
        try:
            d = form.values()
            m = services.plan_meeting(
                actor=actor, org_id=d["org"], kind=d["kind"], topic=d["topic"], planned_on=d["planned_on"], place=d["place"], host=d["host"], recorder=d["recorder"],
                custom_kind=d["custom_kind"], speaker_id=d["speaker"], attendee_ids=d["attendees"],
            )  # fmt: skip
        except ServiceError as exc:
            errors = exc.errors
            _fail(request, exc, placed=NEW_MEETING_FIELDS)
        else:
            messages.success(request, _("已创建会议计划"))
            return redirect("meetings:detail", m.pk)
    preset = None
    preset_id = (form.cleaned_data.get("org") if form.is_bound else None) or params.org_id(request.GET)
    if preset_id is not None:
        preset = _writable_orgs(actor).filter(pk=preset_id).first()
        if preset is not None:
            preset.full_path = org_selectors.path_names([preset]).get(preset.pk, preset.name)
    return render(request, "meetings/new.html", {"preset": preset, "kinds": MeetingKind.choices, "data": form.data, "errors": errors})


def qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    svg = buf.getvalue().decode()
    return svg[svg.index("<svg"):]


@gate.staff
def meeting_detail(request, actor, pk):
    try:
        m = selectors.get_meeting(actor, pk)
    except NotFound:
        raise Http404 from None
    can_write = scope(Org.objects.filter(pk=m.org_id), actor, write=True).exists()
    signin_url = request.build_absolute_uri(reverse("meetings:signin_token", args=[m.signin_token]))
    ctx = {
        "m": m,
        "attendance": list(selectors.attendance(m)),
        "attachments": list(m.attachments.all()),
        "can_write": can_write,
        "signin_url": signin_url,
        "qr": qr_svg(signin_url) if (m.signin_open and can_write) else "",
        "parts": m.checklist_items(),
        "today": dt.date.today(),
    }
    return render(request, "meetings/detail.html", ctx)


@require_POST
@gate.staff
def meeting_action(request, actor, pk, action):
    try:
        if action == "record":
            d = forms.RecordForm(request.POST).values()
            absent = {member_id: reason for member_id, reason in d["absent"].items() if member_id not in d["present"]}
            with transaction.atomic():  # the details and the record stand or fall together
                services.update_meeting(actor=actor, meeting_id=pk, host=d["host"], recorder=d["recorder"], place=d["place"])
                services.record_meeting(
                    actor=actor, meeting_id=pk, held_on=d["held_on"], present_ids=d["present"], absent=absent, minutes=d["minutes"], resolutions=d["resolutions"],
                )
                services.publish_minutes(actor=actor, meeting_id=pk, publish=d["minutes_published"])
            messages.success(request, _("已记录会议"))
        elif action == "update":
            d = forms.UpdateForm(request.POST).values()
            services.update_meeting(
                actor=actor, meeting_id=pk, topic=d["topic"], place=d["place"], host=d["host"], recorder=d["recorder"], minutes=d["minutes"], resolutions=d["resolutions"],
            )
            messages.success(request, _("已保存"))
        elif action == "checklist":
            chosen = forms.ChecklistForm(request.POST).values()["parts"]
            services.set_checklist(actor=actor, meeting_id=pk, parts={k: k in chosen for k in THEME_DAY_PARTS})
            messages.success(request, _("已更新固定内容"))
        elif action in ("signin_open", "signin_close"):
            services.set_signin(actor=actor, meeting_id=pk, open=action == "signin_open")
        elif action == "cancel":
            services.cancel_meeting(actor=actor, meeting_id=pk, reason=forms.CancelForm(request.POST).values()["reason"])
            messages.success(request, _("已取消会议"))
        elif action == "attach":
            for f in request.FILES.getlist("files"):
                services.add_attachment(actor=actor, meeting_id=pk, file=f)
            messages.success(request, _("已上传附件"))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        _fail(request, exc)
    return redirect("meetings:detail", pk)


@gate.staff
def attachment(request, actor, pk, att_id):
    try:
        m = selectors.get_meeting(actor, pk)
    except NotFound:
        raise Http404 from None
    a = m.attachments.filter(pk=att_id).first()
    if a is None:
        raise Http404
    from django.http import FileResponse

    return FileResponse(a.file.open("rb"), filename=a.name, as_attachment=not a.is_photo)


# --- sign-in on a phone -------------------------------------------------------------------------
@gate.member
def signin(request, actor, token=""):
    done = None
    if request.method == "POST":
        try:
            done = services.sign_in(actor=actor, code=forms.SignInForm(request.POST).values()["code"], token=token)
        except ServiceError as exc:
            _fail(request, exc)
    return render(request, "meetings/signin.html", {"token": token, "done": done})


# --- compliance -------------------------------------------------------------------------------
def _full_names(results) -> dict[int, str]:
    cache: dict = {}
    ids = [r.org_id for r in results]
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=ids)} if len(ids) <= 5000 else {}
    return {oid: org_selectors.full_path_names(o, cache=cache) for oid, o in orgs.items()}


def _report(request, *, title, results, template, extra):
    actor = _actor(request)
    under = extra.get("under")
    fmt = request.GET.get("format")
    counts = {s: sum(1 for r in results if r.state == s) for s in ("done", "due", "overdue", "na")}
    summary = [
        (gettext_noop("纳入统计的党组织"), str(len(results) - counts["na"])),
        (gettext_noop("全部完成"), str(counts["done"])),
        (gettext_noop("尚有待完成事项"), str(counts["due"])),
        (gettext_noop("逾期未完成"), str(counts["overdue"])),
    ]
    if fmt == "xlsx":
        data = exports.to_xlsx(title, results, _full_names(results))
        resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(title)}.xlsx"
        return resp
    if fmt == "docx":
        data = exports.to_docx(title, results, _full_names(results), summary)
        resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(title)}.docx"
        return resp
    cols, rows = exports.table(results, translate=True)
    cells = compliance.grid(results, selectors.grid_children(actor, under))
    ctx = {"title": extra.pop("page_title", title), "cols": cols, "rows": params.paginate(request.GET, rows, size=200, name="rpage"), "row_total": len(rows), "grid": cells, "summary": summary, "counts": counts, **extra}
    return render(request, template, ctx)


def _quote(s):
    from urllib.parse import quote

    return quote(s)


@gate.staff
def monthly(request, actor):
    under = params.under(actor, request.GET)
    today = dt.date.today()
    year = params.year(request.GET, default=today.year)
    month = params.month(request.GET, default=today.month)
    results = selectors.monthly_check(actor, year=year, month=month, under=under)
    title = f"{(under.name if under else '')}{year}年{month}月组织生活落实情况（月调度）"  # the exported document's title stays Chinese
    page_title = _("%(org)s%(year)s年%(month)s月组织生活落实情况（月调度）") % {"org": under.name if under else "", "year": year, "month": month}
    return _report(request, title=title, results=results, template="meetings/report.html", extra={"under": under, "year": year, "month": month, "mode": "monthly", "page_title": page_title})


@gate.staff
def quarterly(request, actor):
    under = params.under(actor, request.GET)
    today = dt.date.today()
    year = params.year(request.GET, default=today.year)
    quarter = params.quarter(request.GET, default=(today.month - 1) // 3 + 1)
    results = selectors.quarterly_report(actor, year=year, quarter=quarter, under=under)
    title = f"{(under.name if under else '')}{year}年第{quarter}季度组织生活落实情况通报"  # the exported document's title stays Chinese
    page_title = _("%(org)s%(year)s年第%(quarter)s季度组织生活落实情况通报") % {"org": under.name if under else "", "year": year, "quarter": quarter}
    return _report(request, title=title, results=results, template="meetings/report.html", extra={"under": under, "year": year, "quarter": quarter, "mode": "quarterly", "page_title": page_title})


@gate.staff
def org_compliance(request, actor, org_id):
    try:
        org = org_selectors.get_org(actor, org_id)
    except NotFound:
        raise Http404 from None
    today = dt.date.today()
    late = selectors.late_orgs(actor, under=org, as_of=today)
    current = selectors.monthly_check(actor, year=today.year, month=today.month, under=org, as_of=today)
    return render(request, "meetings/org_compliance.html", {"org": org, "late": late, "current": current, "today": today})


# --- member appraisal ---------------------------------------------------------------------------
@gate.staff
def appraisals(request, actor):
    if request.method == "POST":
        try:
            d = forms.StartRoundForm(request.POST).values()
            r = appraisal.start_round(actor=actor, org_id=d["org"], year=d["year"])
        except ServiceError as exc:
            _fail(request, exc)
        else:
            return redirect("meetings:appraisal", r.pk)
    rounds = params.paginate(request.GET, selectors.rounds(actor))
    return render(request, "meetings/appraisals.html", {"rounds": rounds, "can_start": _writable_orgs(actor).filter(kind__in=["branch", "joint_branch"]).exists(), "year": dt.date.today().year})


@gate.staff
def appraisal_detail(request, actor, pk):
    try:
        r = selectors.get_round(actor, pk)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            action = forms.AppraisalActionForm(request.POST).values()["action"]
            if action == "advance":
                appraisal.advance(actor=actor, round_id=r.pk)
            elif action == "self":
                d = forms.SelfForm(request.POST).values()
                appraisal.submit_self(actor=actor, round_id=r.pk, member_id=d["member"], text=d["text"], grade=d["grade"])
            elif action == "mutual":
                d = forms.MutualForm(request.POST).values()
                appraisal.record_mutual(actor=actor, round_id=r.pk, member_id=d["member"], comments=d["comments"])
            elif action == "rating":
                d = forms.RatingForm(request.POST).values()
                appraisal.record_rating(
                    actor=actor, round_id=r.pk, member_id=d["member"], voters=d["voters"], excellent=d["excellent"], qualified=d["qualified"], basic=d["basic"], unqualified=d["unqualified"],
                )
            elif action == "decide":
                appraisal.decide(actor=actor, round_id=r.pk, grades=forms.DecideForm(request.POST).grades())
            elif action == "hand_over":
                d = forms.HandOverForm(request.POST).values()
                appraisal.hand_over(actor=actor, round_id=r.pk, member_id=d["member"], reference=d["reference"])
            else:
                raise Http404
            messages.success(request, _("已保存"))
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            _fail(request, exc)
        return redirect("meetings:appraisal", r.pk)
    return render(
        request, "meetings/appraisal.html",
        {
            "r": r, "entries": list(selectors.round_entries(r)), "grades": Grade.choices, "stages": AppraisalStage.choices,
            "voting_note": voting_basis(r.org).note() if r.stage == AppraisalStage.RATING else "",
        },
    )


@gate.member  # staff read it for anyone in scope; a member reads only their own (get_member is scoped)
def member_file(request, actor, member_id):
    """The organizational-life part of a member's file: meetings attended or missed, appraisal grades by year."""
    from orgwork.members import selectors as member_selectors

    try:
        member = member_selectors.get_member(actor, member_id)
    except NotFound:
        raise Http404 from None
    return render(
        request, "meetings/member_file.html",
        {"member": member, "attendance": list(selectors.member_attendance(actor, member.pk)), "appraisals": list(selectors.member_appraisals(actor, member.pk))},
    )
