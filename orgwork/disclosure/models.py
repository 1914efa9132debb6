"""Party-affairs disclosure (党务公开): a catalogue per org, items through propose → review (secrecy) → approve →
publish to members or the public, and on-request disclosure answered within a time limit or refused with reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel

from .rules import AREAS, FREQUENCIES, period_label

AREA_CHOICES = AREAS
AREA_LABELS = dict(AREAS)


class Audience(models.TextChoices):
    MEMBERS = "members", _("向党员公开")
    PUBLIC = "public", _("向社会公开")


class CatalogueEntry(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("党组织"))
    area = models.CharField(_("公开内容"), max_length=20, choices=AREA_CHOICES)
    title = models.CharField(_("公开事项"), max_length=100)
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS)
    frequency = models.CharField(_("例行公开周期"), max_length=10, blank=True, choices=list(FREQUENCIES.items()))
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("公开目录事项")
        verbose_name_plural = _("公开目录")
        ordering = ["org_id", "area", "pk"]

    def __str__(self):
        return self.title


class ItemState(models.TextChoices):
    PROPOSED = "proposed", _("已提出待审核")
    REVIEWED = "reviewed", _("已审核待审批")
    APPROVED = "approved", _("已审批待发布")
    PUBLISHED = "published", _("已公开")
    RETURNED = "returned", _("退回修改")


class Item(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("党组织"))
    entry = models.ForeignKey(CatalogueEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="items", verbose_name=_("目录事项"))
    area = models.CharField(_("公开内容"), max_length=20, choices=AREA_CHOICES)
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("公开内容正文"), max_length=20000)
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices)
    period = models.CharField(_("所属期间"), max_length=10, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ItemState.choices, default=ItemState.PROPOSED, db_index=True)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    proposer_name = models.CharField(_("提出人"), max_length=60, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewer_name = models.CharField(_("审核人"), max_length=60, blank=True)
    secrecy_checked = models.BooleanField(_("已通过保密审查"), default=False)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    approver_name = models.CharField(_("审批人"), max_length=60, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, db_index=True)
    rule_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "audience", "-published_at"]), models.Index(fields=["entry", "period"])]

    def __str__(self):
        return self.title

    @property
    def area_label(self) -> str:
        return AREA_LABELS.get(self.area, "")

    @property
    def period_label(self) -> str:
        return period_label(self.period)


class RequestState(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    REFUSED = "refused", _("不予公开（已说明理由）")


class Request(TopOrgMixin, NoDeleteModel):
    """On-request disclosure (依申请公开): anyone asks an org; it answers within the time limit or states why not.
    The asker reads the answer with the receipt code; only its keyed hash is stored."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("被申请党组织"))
    requester_name = models.CharField(_("申请人"), max_length=60, blank=True)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("申请公开的内容"), max_length=2000)
    receipt_hash = models.CharField(max_length=64, unique=True)
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("答复期限"))
    state = models.CharField(_("状态"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN, db_index=True)
    answer = models.TextField(_("答复内容"), max_length=5000, blank=True)
    refusal_reason = models.CharField(_("不予公开理由"), max_length=500, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by_name = models.CharField(_("答复人"), max_length=60, blank=True)
    rule_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("依申请公开")
        verbose_name_plural = _("依申请公开")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return str(_("依申请公开 %(date)s") % {"date": self.received_on.isoformat()})

    @property
    def in_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.due_on
