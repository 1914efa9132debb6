from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class DutyPost(TopOrgMixin, NoDeleteModel):
    """无职党员设岗定责: a post with duties for a member who holds no office; scored monthly (indicator duty_post)."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("岗位"), max_length=60)
    duties = models.CharField(_("岗位职责"), max_length=500)
    started_on = models.DateField(_("设岗日期"))
    ended_on = models.DateField(_("撤岗日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党员设岗")
        verbose_name_plural = _("党员设岗")
        ordering = ["org", "title", "id"]

    def __str__(self):
        return f"{self.title}"


class StarRating(TopOrgMixin, NoDeleteModel):
    """A branch's star rating for a year: the reviewed rubric total → stars; re-rated yearly, stars can be lost."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    total = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    stars = models.PositiveSmallIntegerField(_("星级"))
    previous_stars = models.PositiveSmallIntegerField(_("上年星级"), null=True, blank=True)
    weak = models.BooleanField(_("软弱涣散"), default=False)
    weak_reason = models.CharField(_("认定理由"), max_length=300, blank=True)
    rule_version = models.CharField(max_length=40)
    rated_by = models.CharField(_("评定人"), max_length=150)
    rated_on = models.DateField(_("评定日期"))

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="scores_one_rating_per_year")]
        ordering = ["-year", "org"]

    def __str__(self):
        return f"{self.org.name} {self.year} {self.stars}★"


class CaseState(models.TextChoices):
    OPEN = "open", _("整顿中")
    ACCEPTED = "accepted", _("已验收")
    REMOVED = "removed", _("已销号")


class Rectification(TopOrgMixin, NoDeleteModel):
    """整顿: the rectification case of a weak branch — team, leader from the level above, measures, deadline,
    acceptance, removal from the list (销号). Tracked by the deadline job."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("列入原因"), max_length=300)
    leader = models.ForeignKey("members.Member", verbose_name=_("包联领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.CharField(_("整顿工作组"), max_length=300, blank=True)
    measures = models.TextField(_("整顿措施"), blank=True)
    opened_on = models.DateField(_("列入日期"))
    deadline = models.DateField(_("整顿期限"))
    state = models.CharField(_("状态"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    acceptance = models.CharField(_("验收意见"), max_length=500, blank=True)
    removed_on = models.DateField(_("销号日期"), null=True, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("软弱涣散整顿")
        verbose_name_plural = _("软弱涣散整顿")
        ordering = ["state", "deadline", "id"]

    def __str__(self):
        return f"{self.org.name} {self.year}"


class AssessmentKind(models.TextChoices):
    ANNUAL = "annual", _("年度考核")
    ROUTINE = "routine", _("平时考核")
    REPORT_REVIEW = "report_review", _("述职评议")


class AssessmentSubject(models.TextChoices):
    TEAM = "team", _("领导班子")
    SECRETARY = "secretary", _("党组织书记")


class Assessment(TopOrgMixin, NoDeleteModel):
    """Assessment of a leadership team or a secretary (述职评议): rater groups with weights (copied from the rule
    data in force), paper tallies entered twice and compared, weighted score → grade 好/较好/一般/差."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("考核对象"), max_length=12, choices=AssessmentSubject.choices)
    member = models.ForeignKey("members.Member", verbose_name=_("书记"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=16, choices=AssessmentKind.choices)
    held_on = models.DateField(_("评议日期"))
    groups = models.JSONField(_("评议主体及权重"), default=list)
    rule_version = models.CharField(max_length=40)
    score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=8, blank=True)
    decided_on = models.DateField(_("确定日期"), null=True, blank=True)
    created_by = models.CharField(max_length=150)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        ordering = ["-year", "org"]

    def __str__(self):
        return f"{self.org.name} {self.year} {self.get_kind_display()}"


class Tally(NoDeleteModel):
    """One entry of the paper ballots of one rater group; each group is entered twice and the two compared."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="tallies")
    group = models.CharField(_("评议主体"), max_length=20)
    round = models.PositiveSmallIntegerField(_("录入轮次"))
    counts = models.JSONField(_("各等次票数"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entered_label = models.CharField(_("录入人"), max_length=150)
    entered_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "assessment__org__path"

    class Meta:
        verbose_name = _("纸质票录入")
        verbose_name_plural = _("纸质票录入")
        constraints = [models.UniqueConstraint(fields=["assessment", "group", "round"], name="scores_tally_round")]

    def __str__(self):
        return f"{self.assessment_id} {self.group} #{self.round}"
