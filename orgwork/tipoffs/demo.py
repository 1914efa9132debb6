"""Demo data for 12380 tip-offs: the county's office (founded by `county`), a custodian account (`custodian`,
password as the other demo accounts), and a handful of reports across channels and steps."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.models import Role
from orgwork.core.services import grant_role

from . import services

PASSWORD = "Zugong#2026"


def build(root, builder) -> dict:
    User = get_user_model()
    county = User.objects.filter(username="county").first()
    if county is None:
        return {}
    custodian = User.objects.create_user(username="custodian", password=PASSWORD, first_name="身份信息保管人", is_staff=True)
    grant_role(actor=builder.actor, user=custodian, org=root, role=Role.DEPT_ADMIN)
    a = Actor.for_user(county)
    office = services.setup_office(actor=a, org_id=root.pk, name=f"{root.name}组织部12380举报受理室", password=PASSWORD)
    sk = services.unlock(user=county, password=PASSWORD)
    services.unlock(user=custodian, password=PASSWORD)
    services.grant_key(actor=a, handler_key=sk, office_id=office.pk, user_id=custodian.pk, role="custodian")
    services.revoke_grant(actor=a, grant_id=services._grant_of(office, county, "custodian").pk, reason="职责分离：身份信息交保管人保管")

    today = builder.today
    made = 0
    if today == dt.date.today():  # online reports are registered on the day they arrive
        services.submit(actor=None, category="selection", person_name="张某", person_unit="某镇人民政府", person_post="副镇长",
                        text="反映某镇在年度干部推荐中，个别领导打招呼、搞拉票。", anonymous=True)
        made += 1
    try:
        real = services.submit(actor=a, office_id=office.pk, channel="letter", category="promotion_candidate", person_name="李某", person_unit="县某局",
                               person_post="科长", text="拟提拔人选李某存在档案年龄疑点。", anonymous=False, reporter_name="王群众",
                               reporter_id_number=idcard.make("511526", dt.date(1980, 1, 1), 11), reporter_phone="13800000001", received_on=today - dt.timedelta(days=150))
        made += 1
        on = today - dt.timedelta(days=147)
        services.decide(actor=a, report_id=real.report.pk, decision="accept", on=on)
        services.assign(actor=a, report_id=real.report.pk, assignee="干部监督科", on=on)
        services.verify(actor=a, report_id=real.report.pk, method="records", on=on + dt.timedelta(days=5))
        services.request_identity(actor=a, report_id=real.report.pk, reason="需当面核实举报人反映的档案问题")
        other = services.submit(actor=a, office_id=office.pk, channel="phone", category="other", person_name="某村干部", text="来电反映低保评定不公。",
                                anonymous=True, received_on=today - dt.timedelta(days=20))
        made += 1
        services.decide(actor=a, report_id=other.report.pk, decision="forward", forward_to="县民政局", reason="属于民政部门职责范围", on=today - dt.timedelta(days=18))
        conduct = services.submit(actor=a, office_id=office.pk, channel="visit", category="conduct", person_name="赵某", text="来访反映某局长公车私用。",
                                  anonymous=True, received_on=today - dt.timedelta(days=30))
        made += 1
        services.reply(actor=a, report_id=conduct.report.pk, text="您反映的问题已收悉，正在审查是否受理。", on=today - dt.timedelta(days=29))
    except ServiceError:  # e.g. a demo date whose working-day calendar is not known: keep what was made
        pass
    return {"office": office.pk, "reports": made}
