"""Models of the scoring engine (see orgwork.core.scoring for the public API)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..distribution import TopOrgMixin
from ..fields import PathField
from ..models import NoDeleteModel


class Direction(models.TextChoices):
    ADD = "add", _("加分")
    DEDUCT = "deduct", _("扣分")


class PointsMode(models.TextChoices):
    FIXED = "fixed", _("每次固定分值")
    PER_UNIT = "per_unit", _("按数量计分")
    TIERED = "tiered", _("分档计分")


class Source(models.TextChoices):
    SELF = "self", _("本人申报")
    REVIEWER = "reviewer", _("评审人评分")
    AUTOMATIC = "automatic", _("系统自动")


class ApproverRole(models.TextChoices):
    SECRETARY = "secretary", _("本组织书记/管理员")
    LEVEL_ABOVE = "level_above", _("上级党组织")
    DEPARTMENT = "department", _("组织部")
    SYSTEM = "system", _("系统（自动认定）")


class IndicatorSet(NoDeleteModel):
    """A named scoring scheme (member points, branch stars, …) owned by an org (None = shipped default for all)."""

    code = models.CharField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    purpose = models.CharField(_("用途"), max_length=40, db_index=True)
    subject_type = models.CharField(_("评分对象类型"), max_length=80)
    org = models.ForeignKey("orgs.Org", verbose_name=_("制定单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(_("系统默认（请替换为本部门的细则）"), default=False)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("评分指标体系")
        verbose_name_plural = _("评分指标体系")

    def __str__(self):
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.org.path if self.org_id else ""


class VersionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_FORCE = "in_force", _("已发布")


class IndicatorSetVersion(NoDeleteModel):
    """One version of a set: its indicators and grade thresholds, in force from `effective_from`."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("版本"), max_length=40)
    effective_from = models.DateField(_("施行日期"))
    source = models.CharField(_("依据"), max_length=300)
    state = models.CharField(_("状态"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT)
    # [{"grade": "优秀", "min": "90"}, …] highest first; a total at or above `min` gets the grade.
    grades = models.JSONField(_("等次划分"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "indicator_set__org__path"

    class Meta:
        verbose_name = _("指标体系版本")
        verbose_name_plural = _("指标体系版本")
        constraints = [models.UniqueConstraint(fields=["indicator_set", "version"], name="uniq_scoring_set_version")]
        ordering = ["indicator_set", "effective_from"]

    def __str__(self):
        return f"{self.indicator_set.name} {self.version}"

    @property
    def audit_org_path(self) -> str:
        return self.indicator_set.audit_org_path


class Indicator(NoDeleteModel):
    version = models.ForeignKey(IndicatorSetVersion, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("指标代码"), max_length=60)
    name = models.CharField(_("指标名称"), max_length=200)
    area = models.CharField(_("类别"), max_length=60, blank=True)
    direction = models.CharField(_("加减分"), max_length=10, choices=Direction.choices, default=Direction.ADD)
    mode = models.CharField(_("计分方式"), max_length=10, choices=PointsMode.choices, default=PointsMode.FIXED)
    points = models.DecimalField(_("分值"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    # [{"min_units": "1", "points": "2"}, {"min_units": "5", "points": "5"}]: the highest tier reached applies.
    tiers = models.JSONField(_("分档"), default=list, blank=True)
    cap_day = models.DecimalField(_("每日上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    cap_month = models.DecimalField(_("每月上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    cap_year = models.DecimalField(_("每年上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    evidence_required = models.BooleanField(_("须附佐证"), default=False)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.SELF)
    approver_role = models.CharField(_("审核人"), max_length=20, choices=ApproverRole.choices, default=ApproverRole.SECRETARY)
    provider = models.CharField(_("自动计算来源"), max_length=80, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    SCOPE_PATH = "version__indicator_set__org__path"

    class Meta:
        verbose_name = _("评分指标")
        verbose_name_plural = _("评分指标")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_scoring_indicator_code")]

    def __str__(self):
        return self.name


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")
    CUSTOM = "custom", _("自定义")


class PeriodState(models.TextChoices):
    OPEN = "open", _("记分中")
    PUBLISHED = "published", _("公示中")
    LOCKED = "locked", _("已锁定")


class ScorePeriod(TopOrgMixin, NoDeleteModel):
    """A stretch of dates of a set at an org's subtree: open → published (公示) → locked (refuses entries)."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="periods")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("周期类型"), max_length=10, choices=PeriodKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    label = models.CharField(_("名称"), max_length=60)
    state = models.CharField(_("状态"), max_length=12, choices=PeriodState.choices, default=PeriodState.OPEN, db_index=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    publish_until = models.DateField(_("公示截止"), null=True, blank=True)
    locked_on = models.DateField(_("锁定日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("评分周期")
        verbose_name_plural = _("评分周期")
        constraints = [models.UniqueConstraint(fields=["indicator_set", "org", "kind", "starts_on"], name="uniq_scoring_period")]
        indexes = [models.Index(fields=["indicator_set", "state", "starts_on"])]

    def __str__(self):
        return f"{self.org.name} {self.label}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path


class EntryState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已认定")
    RETURNED = "returned", _("已退回")


class ScoreEntry(TopOrgMixin, NoDeleteModel):
    """One scored fact about a subject. Approved entries are never edited: a correction is a new entry."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(IndicatorSetVersion, verbose_name=_("适用版本"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    indicator_code = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=80)
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(_("评分对象"), max_length=200)
    org = models.ForeignKey("orgs.Org", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    units = models.DecimalField(_("数量"), max_digits=10, decimal_places=2, default=1)
    points = models.DecimalField(_("分值"), max_digits=10, decimal_places=2)
    state = models.CharField(_("状态"), max_length=12, choices=EntryState.choices, default=EntryState.SUBMITTED)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    # no database constraint: entries are partitioned by year on PostgreSQL (migration 0013) and PostgreSQL refuses a
    # foreign key to a partitioned table whose key does not include the partition column; the services write these links
    corrects = models.ForeignKey("self", verbose_name=_("更正的记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", db_constraint=False)
    auto_key = models.CharField(max_length=120, blank=True, db_index=True)
    evidence_type = models.CharField(max_length=80, blank=True)
    evidence_id = models.CharField(max_length=64, blank=True)
    evidence_label = models.CharField(_("佐证记录"), max_length=200, blank=True)
    evidence_url = models.CharField(max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_label = models.CharField(_("申报人"), max_length=150)
    submitted_at = models.DateTimeField(_("申报时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_label = models.CharField(_("审核人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)

    TOP_ORG_FROM = "org"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("评分记录")
        verbose_name_plural = _("评分记录")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "indicator_code", "occurred_on"], name="scoring_entry_subject"),
            models.Index(fields=["indicator_set", "state", "org"], name="scoring_entry_queue"),
        ]

    def resolve_top_org_id(self):
        """Entries about a member follow the member (co-located with the member's rows); others their org."""
        if self.subject_type == "members.member":
            from django.apps import apps

            return apps.get_model("members", "Member")._base_manager.filter(pk=self.subject_id).values_list("top_org_id", flat=True).first()
        return super().resolve_top_org_id()

    def __str__(self):
        return f"{self.subject_label} {self.indicator.name} {self.points}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path


class ScoreEvidence(NoDeleteModel):
    """A file (photo, minutes, certificate) supporting an entry."""

    entry = models.ForeignKey(ScoreEntry, on_delete=models.PROTECT, related_name="evidence", db_constraint=False)  # entries are partitioned
    file = models.FileField(_("文件"), upload_to="scoring/%Y/%m/")
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "entry__org__path"

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.filename


class ScoreTotal(TopOrgMixin, models.Model):
    """Exact period total of one subject in one bucket ("Y2026", "M2026-05", "Q2026-2"), updated with F() in the
    approving transaction. Rankings read these rows, never sums of entries."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="+")
    bucket = models.CharField(max_length=12)
    subject_type = models.CharField(max_length=80)
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(max_length=200)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    org_path = PathField(max_length=255)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    added = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    deducted = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    entries = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "org_path"

    def resolve_top_org_id(self):
        """A member's totals follow the member (like their entries); others the root of their org."""
        if self.subject_type == "members.member":
            from django.apps import apps

            return apps.get_model("members", "Member")._base_manager.filter(pk=self.subject_id).values_list("top_org_id", flat=True).first()
        return super().resolve_top_org_id()

    class Meta:
        verbose_name = _("评分合计")
        verbose_name_plural = _("评分合计")
        constraints = [models.UniqueConstraint(fields=["indicator_set", "bucket", "subject_type", "subject_id"], name="uniq_scoring_total")]
        indexes = [
            models.Index(fields=["indicator_set", "bucket", "org_path"], name="scoring_total_scope"),
            models.Index(fields=["indicator_set", "bucket", "-total", "subject_id"], name="scoring_total_rank"),
        ]

    def __str__(self):
        return f"{self.subject_label} {self.bucket} {self.total}"

    def delete(self, *args, **kwargs):
        from ..models import HardDeleteForbidden

        raise HardDeleteForbidden("score totals are never deleted")


class AppealState(models.TextChoices):
    OPEN = "open", _("待答复")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class ScoreAppeal(TopOrgMixin, NoDeleteModel):
    """An objection to posted scores (during 公示): recorded with the reviewer's answer before the period locks."""

    period = models.ForeignKey(ScorePeriod, on_delete=models.PROTECT, related_name="appeals")
    entry = models.ForeignKey(ScoreEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals", db_constraint=False)  # entries are partitioned
    subject_type = models.CharField(max_length=80)
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(_("异议人/对象"), max_length=200)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("异议内容"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filed_label = models.CharField(_("提出人"), max_length=150)
    filed_on = models.DateField(_("提出日期"))
    state = models.CharField(_("状态"), max_length=12, choices=AppealState.choices, default=AppealState.OPEN)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.CharField(_("答复人"), max_length=150, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("评分异议")
        verbose_name_plural = _("评分异议")

    def __str__(self):
        return f"{self.subject_label} {self.filed_on}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path
