"""Discipline records (党纪处分): one row per sanction decided against a member, never deleted.

A sanction takes effect on `effective_on` and weighs until `ends_on` (影响期 / 察看期满); revoking it on review
or appeal sets `lifted_on`. Whether it is in force on a day is a question of dates, so it "ends on its date"
without any job having to run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("警告")
    SERIOUS_WARNING = "serious_warning", _("严重警告")
    POST_REMOVAL = "post_removal", _("撤销党内职务")
    PROBATION = "probation", _("留党察看")
    EXPULSION = "expulsion", _("开除党籍")


class Sanction(TopOrgMixin, NoDeleteModel):
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="sanctions")
    member_name = models.CharField(_("姓名"), max_length=60)
    org_name = models.CharField(_("处分时所在党组织"), max_length=120)
    kind = models.CharField(_("处分种类"), max_length=20, choices=SanctionKind.choices)
    probation_years = models.PositiveSmallIntegerField(_("留党察看期限（年）"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"))
    effective_on = models.DateField(_("生效日期"), db_index=True)
    ends_on = models.DateField(_("影响期/察看期满日期"), null=True, blank=True, db_index=True)
    decided_by = models.CharField(_("作出决定的机关"), max_length=120)
    document = models.CharField(_("处分决定文号"), max_length=120)
    reason = models.TextField(_("违纪事实和依据"))
    extended_on = models.DateField(_("延长察看期决定日期"), null=True, blank=True)
    extension_document = models.CharField(_("延长察看期决定文号"), max_length=120, blank=True)
    lifted_on = models.DateField(_("撤销日期"), null=True, blank=True)
    lift_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)
    lift_document = models.CharField(_("撤销决定文号"), max_length=120, blank=True)
    exit_procedure = models.ForeignKey("core.ProcedureInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule_version = models.CharField(_("规则版本"), max_length=20)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "member__org__path"

    class Meta:
        verbose_name = _("党纪处分")
        verbose_name_plural = _("党纪处分")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["kind", "effective_on", "ends_on"]), models.Index(fields=["member", "effective_on"])]

    def __str__(self):
        return f"{self.member_name} {self.get_kind_display()}"

    @property
    def until(self):
        """The last day the sanction stops weighing (exclusive): revoked earlier, or its end date."""
        if self.lifted_on and (self.ends_on is None or self.lifted_on < self.ends_on):
            return self.lifted_on
        return self.ends_on

    def in_force(self, on) -> bool:
        if on < self.effective_on:
            return False
        until = self.until
        return until is None or on < until

    def state(self, on) -> str:
        if self.lifted_on and self.lifted_on <= on:
            return "revoked"
        if on < self.effective_on:
            return "pending"
        if self.ends_on is not None and on >= self.ends_on:
            return "ended"
        return "in_force"

    def state_label(self, on) -> str:
        return {"revoked": _("已撤销"), "pending": _("未生效"), "ended": _("期满解除"), "in_force": _("生效中")}[self.state(on)]
