"""Demo data: a 七一表彰 selection at the first review with three judges (one conflict), the 50-year list put up
for approval, a model site, a talent category."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from orgwork.core.errors import ServiceError
from orgwork.core.models import Role, RoleAssignment
from orgwork.members.models import Member

from . import services
from .models import Selection


def build(root, builder) -> dict:
    if Selection.objects.filter(org=root).exists():  # --if-empty
        return {}
    actor, today = builder.actor, builder.today
    sel = services.create_selection(actor=actor, org_id=root.pk, kind="qiyi", year=today.year, title=f"{today.year}年“两优一先”评选表彰", today=today)
    entries = []
    for m in Member.objects.filter(org__path__startswith=root.path, category="full", standing="normal").order_by("id")[:4]:
        try:
            entries.append(services.add_entry(actor=actor, selection_id=sel.pk, category="outstanding_member", member_id=m.pk, summary="立足岗位作奉献，带领群众增收致富。"))
        except ServiceError:  # a demo member barred by a study grade is simply not nominated
            continue
    if builder.branches:
        entries.append(services.add_entry(actor=actor, selection_id=sel.pk, category="advanced_org", nominee_org_id=builder.branches[0].pk, summary="组织有力、堡垒坚强。"))
    User = get_user_model()
    staff = list(User.objects.filter(pk__in=RoleAssignment.objects.filter(org=root, revoked_at__isnull=True).exclude(role=Role.MEMBER).values("user_id")).order_by("id")[:3])
    for u in staff:
        services.add_judge(actor=actor, selection_id=sel.pk, user_id=u.pk)
    if staff and entries:
        services.declare_conflict(actor=actor, judge_id=sel.judges.order_by("id").first().pk, entry_id=entries[0].pk, reason="同一单位")
    services.advance(actor=actor, selection_id=sel.pk, comment="资格审查通过", today=today)
    listed = services.list_for_approval(actor=actor, year=today.year, today=today)
    designated = 0
    for b in builder.branches[:30]:  # the first branch that meets the criteria (its star rating, where the scores demo rated it)
        try:
            services.designate(actor=actor, kind="site", org_id=b.pk, title=f"{b.name}党建示范点", stars=5, today=today)
        except ServiceError:
            continue
        designated += 1
        break
    services.create_category(actor=actor, org_id=root.pk, name="乡村振兴人才", fields=[{"key": "skill", "label": "专长", "type": "text"}, {"key": "level", "label": "等级", "type": "choice", "choices": ["县级", "市级", "省级"]}])
    return {"selections": 1, "entries": len(entries), "judges": len(staff), "honours_listed": listed, "model_sites": designated}
