"""Work management (工作管理): yearly task lists and the wall (挂图作战), assigned matters on a deadline template
(13710), the year-end issue list and its rectification ledger (问题清单、整改台账), public commitments (承诺践诺),
secretaries' projects (书记项目), village collective income, and the care register (关爱帮扶)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class TaskKind(models.TextChoices):
    TASK = "task", _("工作任务")
    COMMITMENT = "commitment", _("承诺践诺")
    PROJECT = "project", _("书记项目")


class Task(TopOrgMixin, NoDeleteModel):
    """One line of an organization's yearly task list: the goal, measures, the person answering, the deadline,
    progress and the result. A commitment is a task whose owner is the member who made it (reviewed half-yearly);
    a secretary's project is the secretary's yearly party-building breakthrough task."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("类别"), max_length=12, choices=TaskKind.choices, default=TaskKind.TASK)
    title = models.CharField(_("目标"), max_length=200)
    measures = models.TextField(_("措施"), max_length=2000, blank=True)
    owner_name = models.CharField(_("责任人"), max_length=60)
    owner_member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任人（党员）"))
    deadline = models.DateField(_("完成时限"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    result = models.TextField(_("成效"), max_length=2000, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    show_to_members = models.BooleanField(_("向党员公开"), default=False)
    show_on_portal = models.BooleanField(_("在门户公开"), default=False)
    cancelled_on = models.DateField(_("撤销日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["org_id", "deadline", "id"]
        indexes = [models.Index(fields=["org", "year", "kind"])]

    def __str__(self):
        return self.title


class Milestone(NoDeleteModel):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("节点时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    SCOPE_PATH = "task__org__path"

    class Meta:
        ordering = ["due_on", "id"]


class TaskUpdate(NoDeleteModel):
    """A progress report on a task (or a half-yearly review of a commitment), with its evidence."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="updates")
    on = models.DateField(_("日期"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    text = models.TextField(_("进展情况"), max_length=2000)
    evidence = models.FileField(_("佐证材料"), upload_to="worklists/evidence/%Y/", blank=True)
    review_half = models.CharField(_("半年评议"), max_length=7, blank=True)  # "2026-H1" for a commitment's review
    actor_label = models.CharField(_("填报人"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "task__org__path"

    class Meta:
        ordering = ["-on", "-id"]


class Matter(TopOrgMixin, NoDeleteModel):
    """A matter assigned to an organization on a deadline template (13710 by default): a due date per step, the date
    each step was done. The template's version is kept with the matter."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="matters", verbose_name=_("承办党组织"))
    title = models.CharField(_("事项"), max_length=200)
    body = models.TextField(_("内容"), max_length=4000, blank=True)
    assigned_by = models.CharField(_("交办单位"), max_length=120)
    assigned_on = models.DateField(_("交办日期"))
    template = models.CharField(_("时限模板"), max_length=20)
    template_version = models.CharField(max_length=20)
    due = models.JSONField(_("各环节时限"), default=dict)  # {"acknowledge": "2026-10-08", ...}
    done = models.JSONField(_("各环节完成"), default=dict)  # {"acknowledge": {"on": "...", "note": "...", "by": "..."}}
    closed_on = models.DateField(_("办结反馈日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("交办事项")
        verbose_name_plural = _("交办事项")
        ordering = ["-assigned_on", "-id"]
        indexes = [models.Index(fields=["org", "closed_on"])]

    def __str__(self):
        return self.title


class IssueStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已销号")


class Issue(TopOrgMixin, NoDeleteModel):
    """One line of the issue list a year-end review produced (问题清单), with a named owner and a deadline;
    rectified to closure with evidence (整改台账)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="issues", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    source = models.CharField(_("问题来源"), max_length=120)
    description = models.TextField(_("问题"), max_length=2000)
    measures = models.TextField(_("整改措施"), max_length=2000, blank=True)
    owner_name = models.CharField(_("责任人"), max_length=60)
    owner_member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("整改时限"))
    status = models.CharField(_("状态"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    result = models.TextField(_("整改结果"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        ordering = ["org_id", "deadline", "id"]
        indexes = [models.Index(fields=["org", "year", "status"])]

    def __str__(self):
        return self.description[:40]


class Rectification(NoDeleteModel):
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="entries")
    on = models.DateField(_("日期"))
    text = models.TextField(_("整改情况"), max_length=2000)
    evidence = models.FileField(_("佐证材料"), upload_to="worklists/rectification/%Y/", blank=True)
    actor_label = models.CharField(_("填报人"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "issue__org__path"

    class Meta:
        ordering = ["-on", "-id"]


class CollectiveIncome(TopOrgMixin, NoDeleteModel):
    """A village's collective income for a year against its target; listed as 集体经济发展困难村 below the rule's threshold."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="collective_incomes", verbose_name=_("村党组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    target = models.DecimalField(_("目标（元）"), max_digits=12, decimal_places=2)
    actual = models.DecimalField(_("实际（元）"), max_digits=12, decimal_places=2, default=0)
    measures = models.TextField(_("增收措施"), max_length=2000, blank=True)
    updated_on = models.DateField(_("更新日期"))

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        ordering = ["org_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="collective_income_one_per_year")]


class CareKind(models.TextChoices):
    HARDSHIP = "hardship", _("生活困难党员")
    ELDERLY = "elderly", _("老党员")
    SICK = "sick", _("患病党员")


class CareCase(TopOrgMixin, NoDeleteModel):
    """A member in the care register, paired with a member who helps them."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("党员"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("党组织"))
    kind = models.CharField(_("类别"), max_length=12, choices=CareKind.choices)
    situation = models.TextField(_("困难情况"), max_length=2000, blank=True)
    helper = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("结对帮扶党员"))
    opened_on = models.DateField(_("登记日期"))
    closed_on = models.DateField(_("退出日期"), null=True, blank=True)
    close_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["org_id", "id"]


class VisitKind(models.TextChoices):
    VISIT = "visit", _("走访")
    CONDOLENCE = "condolence", _("慰问")


class CareVisit(NoDeleteModel):
    case = models.ForeignKey(CareCase, on_delete=models.PROTECT, related_name="visits")
    on = models.DateField(_("日期"))
    kind = models.CharField(_("方式"), max_length=12, choices=VisitKind.choices)
    occasion = models.CharField(_("时节"), max_length=20, blank=True)  # 春节 / 七一 / …
    visitor = models.CharField(_("走访人"), max_length=120)
    amount = models.DecimalField(_("慰问金（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("情况"), max_length=500, blank=True)

    SCOPE_PATH = "case__org__path"

    class Meta:
        ordering = ["-on", "-id"]
