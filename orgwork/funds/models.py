from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class FundKind(models.TextChoices):
    DUES_KEPT = "dues_kept", _("党费留存")
    BUDGET = "budget", _("党建工作经费（财政预算）")
    RECEIVED = "received", _("上级下拨")
    SPECIAL = "special", _("专项经费")
    PASSED_DOWN = "passed_down", _("拨付下级")
    EXPENSE = "expense", _("支出")


INCOME_KINDS = (FundKind.DUES_KEPT, FundKind.BUDGET, FundKind.RECEIVED, FundKind.SPECIAL)
OUTGO_KINDS = (FundKind.PASSED_DOWN, FundKind.EXPENSE)


class ExpenseCategory(models.TextChoices):
    TRAINING = "training", _("党员教育培训")
    ACTIVITIES = "activities", _("组织活动（三会一课、主题党日）")
    VENUES = "venues", _("党员活动阵地建设")
    RELIEF = "relief", _("慰问困难党员、老党员")
    AWARDS = "awards", _("表彰先进")
    PUBLICITY = "publicity", _("宣传资料、订阅党报党刊")
    OTHER = "other", _("其他")


class FundEntry(TopOrgMixin, NoDeleteModel):
    """One line of an org's party-building funds ledger (党建经费台账). Never edited or deleted: a wrong line is
    voided with a reason (and its counterpart line, for money passed down, with it)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="fund_entries", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    on = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=FundKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    category = models.CharField(_("支出用途"), max_length=16, choices=ExpenseCategory.choices, blank=True)
    purpose = models.CharField(_("事由"), max_length=200, blank=True)
    voucher = models.CharField(_("凭证号"), max_length=60, blank=True)
    counterpart = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("对方党组织"))
    pair = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voided_on = models.DateField(_("作废日期"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    actor_label = models.CharField(_("经办人"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("党建经费台账")
        verbose_name_plural = _("党建经费台账")
        ordering = ["org_id", "on", "id"]
        indexes = [models.Index(fields=["org", "year", "kind"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_entry_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
