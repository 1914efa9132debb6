"""Deadline providers of the cadres app (the one daily job, core.deadlines):

- `cadres.personal_reports`: cadres who must report (ranks: rule data) and have not filed the annual report of the
  previous year (due 31 January), or — newly appointed to a reporting rank — their report within 30 days;
- `cadres.probation`: probation ending within 30 days or past without a conversion decision (转正 reminded).
"""

from __future__ import annotations

import datetime as dt

from orgwork.core import deadlines
from orgwork.core.rules import UnknownRule

from .models import Appointment, AppointmentAction, Cadre, CadreStatus, PersonalReport, ProbationStatus, ReportKind
from .rules import report_rules

REMIND_DAYS_BEFORE = 30


def report_items(today: dt.date):
    try:
        rs = report_rules(today)
    except UnknownRule:
        return
    month, day = rs["annual_due"]
    due = dt.date(today.year, month, day)
    year = today.year - 1
    filed = set(PersonalReport.objects.filter(year=year, kind=ReportKind.ANNUAL).values_list("cadre_id", flat=True))
    reporting = Cadre.objects.filter(status=CadreStatus.SERVING, rank__in=rs["ranks"]).select_related("org")
    for c in reporting:
        if c.pk in filed:
            continue
        yield deadlines.Item(
            kind="cadres.personal_report.annual", category="other", title=f"{c.name}未报告{year}年度个人有关事项", org_id=c.org_id,
            url=f"/cadres/{c.pk}/", key=f"cadres.pm.annual:{c.pk}:{year}", due_on=due, level="department", subject=c.name,
        )
    # New appointees to a reporting rank: within `new_within_days` of the appointment.
    since = today - dt.timedelta(days=rs["new_within_days"] + 60)
    for a in Appointment.objects.filter(action=AppointmentAction.APPOINT, on__gte=since, promotion=True, post__rank__in=rs["ranks"]).select_related("cadre"):
        if PersonalReport.objects.filter(cadre=a.cadre, submitted_on__gte=a.on).exists():
            continue
        yield deadlines.Item(
            kind="cadres.personal_report.new", category="other", title=f"{a.cadre.name}新任职后应报告个人有关事项", org_id=a.cadre.org_id,
            url=f"/cadres/{a.cadre_id}/", key=f"cadres.pm.new:{a.pk}", due_on=a.on + dt.timedelta(days=rs["new_within_days"]), level="department", subject=a.cadre.name,
        )


def probation_items(today: dt.date):
    horizon = today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    for a in Appointment.objects.filter(probation_status=ProbationStatus.ON, probation_until__lte=horizon).select_related("cadre", "post__unit"):
        yield deadlines.Item(
            kind="cadres.probation", category="other", title=f"{a.cadre.name}任{a.post}试用期满，应考核决定是否转正", org_id=a.cadre.org_id,
            url=f"/cadres/{a.cadre_id}/", key=f"cadres.probation:{a.pk}", due_on=a.probation_until, level="department", subject=a.cadre.name,
        )


deadlines.provider("cadres.personal_reports")(report_items)
deadlines.provider("cadres.probation")(probation_items)
