"""Work that waits in the demo county, so every demo account's inbox and attention list show something real:
applicants for membership at several steps (one due within days, one overdue, one waiting for the township's
备案) and transfers waiting to be received. Built through the services, dated relative to the demo's today."""

from __future__ import annotations

import datetime as dt

from orgwork.lifecycle.services import transfers
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org, OrgKind, Sector
from orgwork.recruitment import services as recruitment


def _applicant(builder, org: Org, applied_on: dt.date):
    for _try in range(200):
        p = builder.person(Sector.RURAL)
        age = (applied_on - p["birth_date"]).days // 365
        if 20 <= age <= 40:
            break
    fields = {k: p[k] for k in ("name", "id_number", "gender", "birth_date", "education", "job")}
    return recruitment.start_application(
        actor=builder.actor, org_id=org.pk, applied_on=applied_on, documents={"入党申请书": f"申请书 {applied_on:%Y}-{org.pk:04d}"}, today=builder.today, **fields
    )


def build_work(root: Org, builder) -> dict:
    today, actor = builder.today, builder.actor
    town = Org.objects.filter(parent=root, kind=OrgKind.COMMITTEE).order_by("path").first()
    other_town = Org.objects.filter(parent=root, kind=OrgKind.COMMITTEE).order_by("path")[1]
    branch = Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH, members__isnull=False).order_by("path").first()
    other_branch = Org.objects.filter(path__startswith=other_town.path, kind=OrgKind.BRANCH, members__isnull=False).order_by("path").first()
    # the talk is due within a month of the application (细则第八条): due in about a week
    _applicant(builder, branch, today - dt.timedelta(days=24))
    # overdue by weeks: the branch is reminded and the township is asked to follow it up (督办)
    _applicant(builder, branch, today - dt.timedelta(days=50))
    # named an activist three days ago: waiting for the township's 备案 (细则第九条)
    a = _applicant(builder, branch, today - dt.timedelta(days=70))
    recruitment.complete_step(actor=actor, applicant_id=a.pk, step="talk", done_on=today - dt.timedelta(days=60), data={"talker": "支部书记"}, today=today)
    recruitment.complete_step(
        actor=actor, applicant_id=a.pk, step="activist", done_on=today - dt.timedelta(days=3), data={"method": "members", "decided_by": "committee"}, today=today
    )
    # transfers waiting to be received: into the secretary's branch, and into the township account's branch
    moved, used = 0, []
    for target in (branch, other_branch):
        source = (
            Member.objects.filter(standing=Standing.NORMAL, org__kind=OrgKind.BRANCH)
            .exclude(org=target)
            .exclude(org__in=[branch, other_branch])
            .exclude(pk__in=used)
            .order_by("id")
            .first()
        )
        if source is not None:
            transfers.start_within(actor=actor, member_id=source.pk, to_org_id=target.pk, reason="工作调动", on=today, today=today)
            used.append(source.pk)
            moved += 1
    return {"applicants": 3, "transfers": moved}
