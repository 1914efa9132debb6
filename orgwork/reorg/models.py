"""Collective moves (组织调整): a whole branch transferred at once, orgs merged or split (合乡并村).

One row per operation, never deleted: what moved, from where to where, and why — the history the moved
records themselves no longer show.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.fields import PathField
from orgwork.core.models import NoDeleteModel


class ReorgKind(models.TextChoices):
    BULK_TRANSFER = "bulk_transfer", _("整建制转接")
    MERGE = "merge", _("党组织合并")
    SPLIT = "split", _("党组织拆分")


class Reorganization(NoDeleteModel):
    kind = models.CharField(_("类型"), max_length=20, choices=ReorgKind.choices)
    done_on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=500)
    document = models.CharField(_("文号/介绍信编号"), max_length=120, blank=True)
    # The nearest org above everything involved: who may see the record.
    scope_path = PathField(max_length=255, db_index=True)
    sources = models.JSONField(_("原党组织"), default=list)
    targets = models.JSONField(_("目标党组织"), default=list)
    moved = models.JSONField(_("移动明细"), default=dict)
    summary = models.JSONField(_("汇总"), default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "scope_path"

    class Meta:
        verbose_name = _("组织调整")
        verbose_name_plural = _("组织调整")
        ordering = ["-done_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.done_on:%Y-%m-%d}"
