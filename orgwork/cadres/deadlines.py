"""Deadline providers of the cadres app (the one daily job, core.deadlines):

- `cadres.personal_reports`: cadres who must report (ranks: rule data) and have not filed the annual report of the
  previous year (due 31 January), or — newly appointed to a reporting rank — their report within 30 days;
- `cadres.probation`: probation ending within 30 days or past without a conversion decision (转正 reminded).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

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
            kind="cadres.personal_report.annual", category="other", title=_("%(name)s未报告%(year)s年度个人有关事项") % {"name": c.name, "year": year}, org_id=c.org_id,
            url=f"/cadres/{c.pk}/", key=f"cadres.pm.annual:{c.pk}:{year}", due_on=due, level="department", subject=c.name,
        )
    # New appointees to a reporting rank: within `new_within_days` of the appointment.
    since = today - dt.timedelta(days=rs["new_within_days"] + 60)
    for a in Appointment.objects.filter(action=AppointmentAction.APPOINT, on__gte=since, promotion=True, post__rank__in=rs["ranks"]).select_related("cadre"):
        if PersonalReport.objects.filter(cadre=a.cadre, submitted_on__gte=a.on).exists():
            continue
        yield deadlines.Item(
            kind="cadres.personal_report.new", category="other", title=_("%(name)s新任职后应报告个人有关事项") % {"name": a.cadre.name}, org_id=a.cadre.org_id,
            url=f"/cadres/{a.cadre_id}/", key=f"cadres.pm.new:{a.pk}", due_on=a.on + dt.timedelta(days=rs["new_within_days"]), level="department", subject=a.cadre.name,
        )


def probation_items(today: dt.date):
    horizon = today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    for a in Appointment.objects.filter(probation_status=ProbationStatus.ON, probation_until__lte=horizon).select_related("cadre", "post__unit"):
        yield deadlines.Item(
            kind="cadres.probation", category="other", title=_("%(name)s任%(post)s试用期满，应考核决定是否转正") % {"name": a.cadre.name, "post": a.post}, org_id=a.cadre.org_id,
            url=f"/cadres/{a.cadre_id}/", key=f"cadres.probation:{a.pk}", due_on=a.probation_until, level="department", subject=a.cadre.name,
        )


deadlines.provider("cadres.personal_reports")(report_items)
deadlines.provider("cadres.probation")(probation_items)


# --- daily oversight ------------------------------------------------------------------------------------------------


def moment_items(today: dt.date):
    """Key moments still open: a newly promoted cadre's 廉政谈话, a leaving cadre's handover and audit link, a holiday's
    integrity reminder — each with its due date from the rule data."""
    from .models import KeyMoment, MomentKind
    from .rules import oversight_rules

    try:
        rs = oversight_rules(today)
    except UnknownRule:
        return
    for m in KeyMoment.objects.filter(done_on__isnull=True).select_related("cadre", "org"):
        if m.kind == MomentKind.PROMOTED:
            yield deadlines.Item(kind="cadres.moment.promoted", category="other", title=m.title, org_id=m.org_id, url="/cadres/oversight/", key=f"cadres.moment:{m.pk}",
                                 due_on=m.on + dt.timedelta(days=rs["promoted_talk_days"]), level="department", subject=m.cadre.name if m.cadre else "")
        elif m.kind == MomentKind.HOLIDAY:
            due = m.on - dt.timedelta(days=rs["holiday_remind_days"])
            if today >= due - dt.timedelta(days=7) and today <= m.on:
                yield deadlines.Item(kind="cadres.moment.holiday", category="other", title=_("节前廉洁提醒：%(title)s") % {"title": m.title}, org_id=m.org_id, url="/cadres/oversight/",
                                     key=f"cadres.moment:{m.pk}", due_on=due, level="department", subject=m.title)
        else:
            if m.handover_on is None:
                yield deadlines.Item(kind="cadres.moment.handover", category="other", title=_("%(name)s离任前应办理工作交接") % {"name": m.cadre.name}, org_id=m.org_id, url="/cadres/oversight/",
                                     key=f"cadres.moment.handover:{m.pk}", due_on=m.on, level="department", subject=m.cadre.name)
            if m.audit_required and not m.audit_reference:
                yield deadlines.Item(kind="cadres.moment.audit", category="other", title=_("%(name)s离任经济责任审计报告尚未关联") % {"name": m.cadre.name}, org_id=m.org_id, url="/cadres/oversight/",
                                     key=f"cadres.moment.audit:{m.pk}", due_on=m.on + dt.timedelta(days=rs["audit_link_days"]), level="department", subject=m.cadre.name)


def talk_items(today: dt.date):
    """Problems from talks due for follow-up, and inquiries (函询) whose written answer is due — never their content."""
    from .models import Talk, TalkKind, TalkProblem

    for p in TalkProblem.objects.filter(closed_on__isnull=True).select_related("cadre"):
        yield deadlines.Item(kind="cadres.problem", category="other", title=_("%(name)s的谈话问题应跟踪办理") % {"name": p.cadre.name}, org_id=p.cadre.org_id, url="/cadres/talks/",
                             key=f"cadres.problem:{p.pk}:{p.due_on}", due_on=p.due_on, level="department", subject=p.cadre.name)
    for t in Talk.objects.filter(kind=TalkKind.INQUIRY, replied_on__isnull=True).select_related("cadre"):
        yield deadlines.Item(kind="cadres.inquiry", category="other", title=_("%(name)s应提交函询说明材料") % {"name": t.cadre.name}, org_id=t.cadre.org_id, url="/cadres/talks/",
                             key=f"cadres.inquiry:{t.pk}", due_on=t.reply_due, level="department", subject=t.cadre.name)


def registry_items(today: dt.date):
    """The daily registry checks (任职回避, 交流, 退休, 党政一把手, 镇委书记经历比例) and side jobs the rules do not allow,
    as reminders to the cadre section — not only on page load."""
    from orgwork.core.actor import Actor

    from . import selectors

    system = Actor.system_actor("cadres.registry_checks")
    for w in selectors.registry_warnings(system, today=today):
        yield deadlines.Item(kind=f"cadres.registry.{w['kind']}", category="other", title=w["text"], org_id=w["unit"].org_id, url="/cadres/units/",
                             key=f"cadres.registry:{w['kind']}:{w['cadre'].pk}:{w['unit'].pk}", level="department", subject=w["cadre"].name, escalate=False)
    for row in selectors.flagged_side_jobs(system):
        job = row["job"]
        yield deadlines.Item(kind="cadres.side_job", category="other", title=_("%(name)s在%(organization)s兼职不符合规定") % {"name": job.cadre.name, "organization": job.organization}, body="；".join(b for _c, b in row["flags"]),
                             org_id=job.cadre.org_id, url="/cadres/oversight/", key=f"cadres.side_job:{job.pk}:{','.join(c for c, _b in row['flags'])}", level="department",
                             subject=job.cadre.name, escalate=False)
    share = selectors.township_secretary_share(system, today=today)
    if share["leaders"] and not share["met"]:
        from orgwork.orgs.models import Org

        root = Org.objects.filter(parent__isnull=True).order_by("path").first()
        if root is not None:
            yield deadlines.Item(
                kind="cadres.registry.township_share", category="other", org_id=root.pk, url="/cadres/units/", level="department", escalate=False,
                title=_("县级领导干部中具有乡镇党委书记经历的%(with_experience)s/%(leaders)s人，未达到%(target)s") % {
                    "with_experience": share["with_experience"], "leaders": share["leaders"], "target": share["target"]},
                key=f"cadres.registry.township:{share['with_experience']}:{share['leaders']}",
            )


deadlines.provider("cadres.key_moments")(moment_items)
deadlines.provider("cadres.talks")(talk_items)
deadlines.provider("cadres.registry_checks")(registry_items)
