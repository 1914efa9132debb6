"""The working-day calendar page: a year's holidays and make-up working days, seen by staff, set by the department."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import calendar as workcal
from orgwork.core import gate, params
from orgwork.core.errors import FieldError, PermissionDenied, ServiceError
from orgwork.web import forms as web_forms

_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*(?:[~～至到]|--)\s*(\d{4}-\d{1,2}-\d{1,2})$")


def parse_days(text: str, *, field: str, label: str) -> list[dt.date]:
    """Dates typed one per line or separated by commas/spaces; a range as 2027-10-01~2027-10-07."""
    out: list[dt.date] = []
    for raw in re.split(r"[,，、;；\n]+", text or ""):
        token = raw.strip()
        if not token:
            continue
        m = _RANGE.match(token)
        try:
            if m:
                start, end = (dt.date.fromisoformat(_pad(x)) for x in m.groups())
                if end < start or (end - start).days > 31:
                    raise ValueError
                out += [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
            else:
                for part in token.split():
                    out.append(dt.date.fromisoformat(_pad(part)))
        except ValueError:
            raise ServiceError.single(field, "invalid_parameter", _("%(label)s中的“%(token)s”不是日期（格式如 2027-10-01，或 2027-10-01~2027-10-07）") % {"label": label, "token": token}) from None
    return out


def _pad(s: str) -> str:
    y, m, d = s.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _months(year: int, info: dict):
    weeks_by_month = []
    cal = pycal.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in cal.monthdatescalendar(year, month):
            row = []
            for d in week:
                if d.month != month:
                    row.append(None)
                    continue
                if d in info["workdays"]:
                    kind = "makeup"
                elif d in info["holidays"]:
                    kind = "holiday"
                elif d.weekday() >= 5:
                    kind = "weekend"
                else:
                    kind = "work"
                row.append((d, kind, info["holidays"].get(d) or info["workdays"].get(d) or ""))
            weeks.append(row)
        weeks_by_month.append((month, weeks))
    return weeks_by_month


@gate.staff
def calendar_page(request, actor):
    today = dt.date.today()
    year = params.year(request.GET, default=today.year) or today.year
    errors = None
    editable = workcal.can_edit(actor)
    form = {}
    if request.method == "POST":
        d = web_forms.CalendarForm(request.POST).values()  # a malformed year is a 400 naming the field
        year = d["year"]
        form = {k: d[k] for k in ("holidays", "workdays", "source")}
        try:
            if not editable:
                raise PermissionDenied
            holidays = parse_days(form["holidays"], field="holidays", label=_("放假日期"))
            workdays = parse_days(form["workdays"], field="workdays", label=_("调休上班日期"))
            workcal.set_year(actor=actor, year=year, holidays=holidays, workdays=workdays, source=form["source"])
        except PermissionDenied:
            errors = [FieldError("year", "permission_denied", _("只有组织部管理员或系统管理员可以调整工作日历"))]
        except ServiceError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(year)d年工作日历已保存") % {"year": year})
            return redirect(reverse("web:calendar") + f"?year={year}")
    info = workcal.arrangement(year)
    if not form:
        form = {
            "holidays": "\n".join(d.isoformat() for d in info["holidays"]),
            "workdays": "\n".join(d.isoformat() for d in info["workdays"]),
            "source": info["source_text"] if info["source"] == "entered" else "",
        }
    return render(
        request,
        "web/calendar.html",
        {
            "year": year, "info": info, "months": _months(year, info), "editable": editable, "form": form, "errors": errors,
            "holiday_count": len(info["holidays"]), "workday_count": len(info["workdays"]),
            "crumbs": [(_("工作日历"), "")],
        },
        status=400 if errors else 200,
    )  # fmt: skip
