"""Console pages of remote education — thin."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, ServiceError
from orgwork.orgs.selectors import path_names

from . import forms, selectors, services
from .models import VenueKind


def _post(request, form, call):
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ServiceError as exc:
        forms.apply_errors(form, exc)
        return False
    messages.success(request, _("已保存"))
    return True


@gate.staff
def venue_list(request, actor):
    under = params.under(actor, request.GET)
    form = forms.VenueForm(request.POST or None)
    if request.method == "POST" and _post(
        request, form,
        lambda d: services.create_venue(actor=actor, org_id=d["org"], kind=d["kind"], name=d["name"], admin_name=d["admin_name"], admin_member_id=d["admin_member"], address=d["address"], area=d["area"], equipment=services.parse_equipment(d["equipment"]), opened_on=d["opened_on"]),
    ):  # fmt: skip
        return redirect(request.get_full_path())
    kind = params.choice(request.GET, "kind", label=_("类别"), choices=["", *VenueKind.values])
    page = params.paginate(request.GET, selectors.venues(actor, under=under, kind=kind))
    names = path_names([v.org for v in page])
    return render(request, "education/venues.html", {"form": form, "page": page, "rows": [(v, names.get(v.org_id, v.org.name)) for v in page], "kinds": VenueKind.choices, "kind": kind})


@gate.staff
def course_list(request, actor):
    form = forms.CourseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _post(request, form, lambda d: services.upload_course(actor=actor, org_id=d.pop("org"), **d)):
        return redirect(request.path)
    q = params.text(request.GET, "q", label=_("查找"), max_length=60)
    return render(request, "education/courses.html", {"form": form, "page": params.paginate(request.GET, selectors.courses(actor, q=q)), "q": q})


@gate.staff
def course_file(request, actor, pk):
    course = selectors.courses(actor, include_withdrawn=True).filter(pk=pk).first()
    if course is None or not course.file:
        raise NotFound()
    return FileResponse(course.file.open("rb"), as_attachment=course.kind != "video", filename=course.file_name)


@gate.staff
def session_list(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    venues = [(str(v.pk), _("%(name)s（%(org)s）") % {"name": v.name, "org": v.org.name}) for v in selectors.venues(actor).iterator(chunk_size=500)]
    courses = [(str(c.pk), _("%(title)s（%(hours)s学时）") % {"title": c.title, "hours": c.hours}) for c in selectors.courses(actor).iterator(chunk_size=500)]
    form = forms.SessionForm(request.POST or None, venues=venues, courses=courses, initial={"held_on": today})
    if request.method == "POST" and _post(
        request, form,
        lambda d: services.record_session(actor=actor, venue_id=d["venue"], course_id=d["course"] or None, title=d["title"], held_on=d["held_on"], hours=d["hours"], host=d["host"], member_ids=d["members"]),
    ):  # fmt: skip
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.sessions(actor, under=under))
    return render(request, "education/sessions.html", {"form": form, "page": page})


@gate.staff
def activity(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    year = params.year(request.GET, default=today.year)
    month = params.month(request.GET, default=today.month)
    rows = selectors.monthly_activity(actor, year=year, month=month, under=under)
    only_inactive = params.flag(request.GET, "inactive")
    shown = [r for r in rows if r.inactive] if only_inactive else rows
    return render(request, "education/activity.html", {"page": params.paginate(request.GET, shown, size=100), "year": year, "month": month, "inactive": sum(r.inactive for r in rows), "total": len(rows), "only_inactive": only_inactive, "under": under})
