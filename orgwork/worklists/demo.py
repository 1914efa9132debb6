"""Demo data: a wall of tasks in a few branches, a 13710 matter (one overdue), an issue list, care, village income."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orgwork.core.calendar import UnknownCalendarYear
from orgwork.members.models import Member
from orgwork.orgs.models import Org

from . import services
from .models import Task, TaskKind

TASKS = [
    ("建强支部班子，规范“三会一课”", "每月主题党日，每季度党课", 100),
    ("党群服务中心提档升级", "完成场所改造，设置便民服务窗口", 60),
    ("发展壮大村集体经济", "盘活闲置资产，发展特色种植", 30),
    ("党员积分管理全覆盖", "每月评分，季度公示", 0),
]


def build(root, builder) -> dict:
    if Task.objects.filter(org__path__startswith=root.path).exists():  # --if-empty
        return {}
    actor, today, rng = builder.actor, builder.today, builder.rng
    y = today.year
    branches = [b for b in builder.branches if b.sector == "rural"][:6] or builder.branches[:6]
    tasks = issues = matters = cases = 0
    for b in branches:
        for title, measures, progress in TASKS[: rng.randint(2, 4)]:
            t = services.create_task(
                actor=actor, org_id=b.pk, year=y, title=title, measures=measures, owner_name="支部书记", deadline=dt.date(y, 12, 31),
                milestones=[("完成方案", dt.date(y, 3, 31))], show_to_members=True,
            )  # fmt: skip
            if progress:
                services.report_progress(actor=actor, task_id=t.pk, on=today, progress=progress, text="按计划推进", today=today)
            tasks += 1
        secretary = Member.objects.filter(org=b, category="full").order_by("id").first()
        if secretary is not None:
            services.create_task(actor=actor, org_id=b.pk, year=y, kind=TaskKind.PROJECT, title="“党建+产业”书记项目", owner_member_id=secretary.pk, deadline=dt.date(y, 11, 30))
            services.create_task(actor=actor, org_id=b.pk, year=y, kind=TaskKind.COMMITMENT, title="每年为群众办一件实事", owner_member_id=secretary.pk, deadline=dt.date(y, 12, 31), show_to_members=True)
            tasks += 2
        services.create_issue(actor=actor, org_id=b.pk, year=y - 1, source="年终述职评议", description="组织生活记录不够规范", owner_name="支部书记", deadline=today + dt.timedelta(days=rng.randint(-10, 40)), measures="逐月检查记录")
        issues += 1
        if b.parent and b.parent.sector == "rural" and Org.objects.filter(pk=b.pk, kind="branch").exists():
            services.set_income(actor=actor, org_id=b.pk, year=y, target=Decimal(rng.choice([80000, 100000, 150000])), actual=Decimal(rng.randint(20000, 160000)), today=today)
        old = Member.objects.filter(org=b, category="full", birth_date__lte=dt.date(y - 80, 1, 1)).order_by("birth_date").first()
        if old is not None:
            services.open_care_case(actor=actor, member_id=old.pk, kind="elderly", situation="高龄老党员", today=today)
            cases += 1
    for i, b in enumerate(branches[:3]):
        try:
            services.assign_matter(actor=actor, org_id=b.pk, title=["报送党员信息采集表", "排查村级活动场所安全隐患", "落实困难党员春节慰问"][i], assigned_by="县委组织部", assigned_on=today - dt.timedelta(days=6 * i), today=today)
            matters += 1
        except UnknownCalendarYear:
            break
    return {"tasks": tasks, "issues": issues, "matters": matters, "care": cases}
