"""Talents, selections and awards, honours, model sites and posts (人才、评选表彰、光荣在党50年、示范点/示范岗)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel

from .rules import STAGES


class TalentCategory(TopOrgMixin, NoDeleteModel):
    """A category of the talent pool; its fields are data: [{"key": "skill", "label": "专长", "type": "text"}]."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("管理党组织"))
    name = models.CharField(_("类别"), max_length=60)
    fields = models.JSONField(_("信息项"), default=list)

    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["org_id", "name"]

    def __str__(self):
        return self.name


class Talent(TopOrgMixin, NoDeleteModel):
    category = models.ForeignKey(TalentCategory, on_delete=models.PROTECT, related_name="talents")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在党组织"))
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    data = models.JSONField(_("信息"), default=dict)
    left_on = models.DateField(_("出库日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["category_id", "name", "id"]

    def __str__(self):
        return self.name


class Selection(TopOrgMixin, NoDeleteModel):
    """One selection (评选) of a kind (rule data) run by an organization through the five stages."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织评选的党组织"))
    kind = models.CharField(_("评选类别"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    stage = models.CharField(_("环节"), max_length=16, choices=STAGES, default="application")
    rule_version = models.CharField(max_length=20)
    publicity_from = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_to = models.DateField(_("公示结束"), null=True, blank=True)
    commended_on = models.DateField(_("表彰日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("参评")
    ELIMINATED = "eliminated", _("未通过")
    AWARDED = "awarded", _("受表彰")
    WITHDRAWN = "withdrawn", _("撤回")


class Entry(TopOrgMixin, NoDeleteModel):
    """A nominee: a member or an organization, in a category of the selection's kind."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="entries")
    category = models.CharField(_("奖项"), max_length=30)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    nominee_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("推荐党组织"))
    name = models.CharField(_("推荐对象"), max_length=120)
    summary = models.TextField(_("主要事迹"), max_length=4000)
    status = models.CharField(_("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    out_at_stage = models.CharField(_("止步环节"), max_length=16, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "selection__org__path"

    class Meta:
        ordering = ["selection_id", "category", "id"]

    def __str__(self):
        return self.name


class Judge(NoDeleteModel):
    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("评委"), max_length=60)

    SCOPE_PATH = "selection__org__path"

    class Meta:
        ordering = ["selection_id", "id"]
        constraints = [models.UniqueConstraint(fields=["selection", "user"], name="judge_once_per_selection")]

    def __str__(self):
        return self.name


class Conflict(NoDeleteModel):
    """A judge's declared conflict of interest with an entry (relative, same unit…): the judge is excluded from it."""

    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="conflicts")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="conflicts")
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "judge__selection__org__path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="conflict_once")]


class Score(NoDeleteModel):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(max_length=16)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "entry__selection__org__path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge", "stage"], name="score_once_per_stage")]


class StageRecord(NoDeleteModel):
    """The record of each stage closed (纪实): who, when, how many went on, the comment."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="records")
    stage = models.CharField(max_length=16)
    on = models.DateField()
    actor_label = models.CharField(max_length=150)
    kept = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "selection__org__path"

    class Meta:
        ordering = ["id"]


class HonourStatus(models.TextChoices):
    LISTED = "listed", _("待审批")
    APPROVED = "approved", _("已审批")
    ISSUED = "issued", _("已颁发")


class Honour(TopOrgMixin, NoDeleteModel):
    """The "光荣在党50年" medal for one member: listed for approval, approved, issued (once per member)."""

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("批次年度"))
    cutoff = models.DateField(_("截止日期"))
    standing_from = models.DateField(_("党龄起算日"))
    status = models.CharField(_("状态"), max_length=10, choices=HonourStatus.choices, default=HonourStatus.LISTED)
    approved_on = models.DateField(_("审批日期"), null=True, blank=True)
    issued_on = models.DateField(_("颁发日期"), null=True, blank=True)
    issued_by = models.CharField(_("颁发人"), max_length=120, blank=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["org_id", "standing_from", "id"]


class ModelKind(models.TextChoices):
    SITE = "site", _("示范点")
    POST = "post", _("党员示范岗")


class ModelSite(TopOrgMixin, NoDeleteModel):
    """A designated model site (an organization) or model post (a member), kept while it meets the criteria."""

    kind = models.CharField(_("类别"), max_length=8, choices=ModelKind.choices)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("党组织"))
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=120)
    designated_on = models.DateField(_("命名日期"))
    criteria = models.JSONField(_("达标情况"), default=dict)
    rule_version = models.CharField(max_length=20)
    last_checked_on = models.DateField(_("最近复核"))
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["kind", "org_id", "id"]

    def __str__(self):
        return self.title


class ModelCheck(NoDeleteModel):
    site = models.ForeignKey(ModelSite, on_delete=models.PROTECT, related_name="checks")
    on = models.DateField()
    passed = models.BooleanField()
    criteria = models.JSONField(default=dict)
    actor_label = models.CharField(max_length=150)

    SCOPE_PATH = "site__org__path"

    class Meta:
        ordering = ["-on", "-id"]
