from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel

MONEY = {"max_digits": 12, "decimal_places": 2}


class DuesCategory(models.TextChoices):
    SALARIED = "salaried", _("在职（按月工资收入）")
    ANNUAL_SALARY = "annual_salary", _("年薪制（按当月实际所得）")
    SELF_EMPLOYED = "self_employed", _("个体/灵活就业（上季度月平均纯收入）")
    RETIRED = "retired", _("离退休")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业")
    RELIEF = "relief", _("依靠救济或领取最低生活保障")


FLAT_CATEGORIES = frozenset({DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.RELIEF})
BASE_CATEGORIES = frozenset({DuesCategory.SALARIED, DuesCategory.ANNUAL_SALARY, DuesCategory.SELF_EMPLOYED, DuesCategory.RETIRED})


class DuesBase(TopOrgMixin, NoDeleteModel):
    """A declared dues base (交纳基数). It applies from the month it is first paid (effective_from set then)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_bases")
    category = models.CharField(_("交纳类别"), max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField(_("交纳基数"), null=True, blank=True, **MONEY)
    rate = models.DecimalField(_("比例"), max_digits=6, decimal_places=4, null=True, blank=True)
    monthly_amount = models.DecimalField(_("月交纳额"), **MONEY)
    detail = models.JSONField(default=dict, blank=True)  # e.g. the quarter's three monthly incomes
    declared_on = models.DateField(_("核定日期"))
    effective_from = models.DateField(_("起用月份"), null=True, blank=True)
    superseded = models.BooleanField(default=False)  # replaced before it was ever paid
    rule_version = models.CharField(max_length=20)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "member__org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党费交纳基数")
        verbose_name_plural = _("党费交纳基数")
        ordering = ["member_id", "-id"]
        indexes = [models.Index(fields=["member", "effective_from"])]

    def __str__(self):
        return f"{self.member_id} {self.category} {self.monthly_amount}"


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", _("减交")
    EXEMPT = "exempt", _("免交")


class ReliefStatus(models.TextChoices):
    PROPOSED = "proposed", _("支部已决定，待上级党委审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class DuesRelief(TopOrgMixin, NoDeleteModel):
    """Hardship reduction or exemption: decided by the branch, approved by the next committee up."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_reliefs")
    kind = models.CharField(_("类型"), max_length=10, choices=ReliefKind.choices)
    monthly_amount = models.DecimalField(_("减交后月交纳额"), **MONEY)
    from_month = models.DateField(_("起始月份"))
    to_month = models.DateField(_("截止月份"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    branch_decided_on = models.DateField(_("支部决定日期"))
    status = models.CharField(_("状态"), max_length=10, choices=ReliefStatus.choices, default=ReliefStatus.PROPOSED)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decided_by = models.CharField(_("审批人"), max_length=150, blank=True)
    decision_comment = models.CharField(_("审批意见"), max_length=500, blank=True)
    rule_version = models.CharField(max_length=20)
    proposed_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "member__org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党费减免")
        verbose_name_plural = _("党费减免")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.from_month}"

    def covers(self, month) -> bool:
        return self.from_month <= month and (self.to_month is None or month <= self.to_month)


class Payer(models.TextChoices):
    SELF = "self", _("本人交纳")
    PROXY = "proxy", _("委托代交")


class Method(models.TextChoices):
    CASH = "cash", _("现金")
    BANK = "bank", _("银行转账")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    PAYROLL = "payroll", _("工资代扣")
    OTHER = "other", _("其他")


class PaymentKind(models.TextChoices):
    REGULAR = "regular", _("按月交纳")
    VOLUNTARY = "voluntary", _("自愿多交")


class DuesPayment(TopOrgMixin, NoDeleteModel):
    """One act of paying: one month, a quarter, back months, or a voluntary extra."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_payments")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")  # the branch that collected it
    kind = models.CharField(_("类型"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    paid_on = models.DateField(_("交纳日期"), db_index=True)
    amount = models.DecimalField(_("金额"), **MONEY)
    months = models.PositiveSmallIntegerField(_("月数"), default=0)
    payer = models.CharField(_("交纳人"), max_length=10, choices=Payer.choices, default=Payer.SELF)
    proxy_name = models.CharField(_("代交人"), max_length=60, blank=True)
    method = models.CharField(_("交纳方式"), max_length=10, choices=Method.choices, default=Method.CASH)
    receipt_no = models.CharField(_("收据号"), max_length=60, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党费交纳记录")
        verbose_name_plural = _("党费交纳记录")
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["org", "paid_on"])]

    def __str__(self):
        return f"{self.member_id} {self.paid_on} {self.amount}"


class DuesMonth(TopOrgMixin, NoDeleteModel):
    """The ledger: one row per member and dues month, written when the month is paid.

    The unique (member, month) pair is the last guard against a double payment.
    """

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_months")
    month = models.DateField(_("所属月份"))  # always the 1st
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    due = models.DecimalField(_("应交"), **MONEY)
    paid = models.DecimalField(_("实交"), **MONEY)
    paid_on = models.DateField(_("交纳日期"))
    base = models.ForeignKey(DuesBase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    relief = models.ForeignKey(DuesRelief, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(DuesPayment, on_delete=models.PROTECT, related_name="lines")
    rule_version = models.CharField(max_length=20)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党费台账")
        verbose_name_plural = _("党费台账")
        ordering = ["member_id", "month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_one_row_per_member_month")]
        indexes = [models.Index(fields=["org", "month"]), models.Index(fields=["member", "-month"])]

    def __str__(self):
        return f"{self.member_id} {self.month:%Y-%m} {self.paid}"


class BranchDuesSetting(NoDeleteModel):
    """A branch's consent to quarterly payment (组通字〔2008〕3号 二)."""

    org = models.OneToOneField("orgs.Org", on_delete=models.PROTECT, related_name="dues_setting")
    quarterly_allowed = models.BooleanField(_("允许按季度交纳"), default=False)
    decided_on = models.DateField(_("支部决定日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("支部党费设置")
        verbose_name_plural = _("支部党费设置")

    def __str__(self):
        return f"{self.org_id} quarterly={self.quarterly_allowed}"


class MemberPaymentChannel(models.TextChoices):
    ONLINE = "online", _("在线支付")
    CASH = "cash", _("现金交给支部")
    BANK = "bank", _("银行转账")


class MemberPaymentStatus(models.TextChoices):
    PENDING = "pending", _("待支付")
    PAID = "paid", _("已支付，待支部确认")
    REPORTED = "reported", _("已报告，待支部确认")
    CONFIRMED = "confirmed", _("支部已确认")
    REJECTED = "rejected", _("支部未确认")
    CANCELLED = "cancelled", _("已取消")


OPEN_MEMBER_PAYMENT = ("pending", "paid", "reported")


class MemberPayment(TopOrgMixin, NoDeleteModel):
    """Dues a member pays (online through a provider) or reports paying from the phone; the branch confirms it and
    only then is it written to the ledger through `record_payment` (same rules as the console)."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    order_no = models.CharField(_("订单号"), max_length=40, unique=True)
    channel = models.CharField(_("交纳方式"), max_length=10, choices=MemberPaymentChannel.choices)
    provider = models.CharField(_("支付渠道"), max_length=30, blank=True)
    provider_ref = models.CharField(_("支付流水号"), max_length=64, blank=True)
    from_month = models.DateField(_("起始月份"))
    months = models.PositiveSmallIntegerField(_("月数"))
    amount = models.DecimalField(_("金额"), **MONEY)
    status = models.CharField(_("状态"), max_length=10, choices=MemberPaymentStatus.choices, db_index=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assisted_by = models.CharField(_("代为办理人"), max_length=150, blank=True)  # the secretary who acted for the member
    payment = models.OneToOneField(DuesPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="member_payment")
    decided_by = models.CharField(_("确认人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reject_reason = models.CharField(_("未确认原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党员手机交纳党费")
        verbose_name_plural = _("党员手机交纳党费")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.order_no} {self.amount}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEMBER_PAYMENT

    @property
    def last_month(self):
        from orgwork.core.normalize import add_months

        return add_months(self.from_month, self.months - 1)


class PaymentNotice(models.Model):
    """Every provider callback received, accepted or refused: a notify id is accepted once (replays refused)."""

    provider = models.CharField(max_length=30)
    notify_id = models.CharField(max_length=64)
    order_no = models.CharField(max_length=40, blank=True, db_index=True)
    accepted = models.BooleanField(default=False)
    reason = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("支付回调")
        constraints = [models.UniqueConstraint(fields=["provider", "notify_id"], condition=models.Q(accepted=True), name="dues_notice_accepted_once")]

    def __str__(self):
        return f"{self.provider}:{self.notify_id}"
