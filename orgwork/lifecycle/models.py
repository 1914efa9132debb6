from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.fields import PathField
from orgwork.core.models import NoDeleteModel


class MobileStatus(models.TextChoices):
    AWAY = "away", _("在外流动")
    RETURNED = "returned", _("已返回")
    TRANSFERRED = "transferred", _("已转接组织关系")
    ENDED = "ended", _("已注销登记")


class MobileRegistration(TopOrgMixin, NoDeleteModel):
    """An outgoing mobile member (流动党员外出登记): where, with whom to keep in touch, the card."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="mobile_registrations")
    left_on = models.DateField(_("外出日期"))
    destination = models.CharField(_("流入地"), max_length=200)
    workplace = models.CharField(_("工作单位/务工地点"), max_length=200, blank=True)
    home_contact = models.CharField(_("流出地联系人"), max_length=60)
    home_contact_phone = models.CharField(_("联系人电话"), max_length=30, blank=True)
    member_phone = models.CharField(_("本人在外联系电话"), max_length=30, blank=True)
    card_number = models.CharField(_("流动党员活动证号"), max_length=40, blank=True)
    expected_return = models.DateField(_("预计返回日期"), null=True, blank=True)
    attached_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("流入地参加活动的党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="attached_mobile_members"
    )
    attached_on = models.DateField(_("编入日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MobileStatus.choices, default=MobileStatus.AWAY, db_index=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True)
    suspension_procedure = models.ForeignKey("core.ProcedureInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "member__org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("流动党员登记")
        verbose_name_plural = _("流动党员登记")
        ordering = ["-left_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(status="away"), name="one_open_mobile_registration"),
        ]

    def __str__(self):
        return f"{self.member_id} → {self.destination}"

    @property
    def contact_anchor(self):
        return self.last_contact_on or self.left_on


class MobileContact(TopOrgMixin, NoDeleteModel):
    registration = models.ForeignKey(MobileRegistration, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("联系日期"))
    channel = models.CharField(_("联系方式"), max_length=30, blank=True)
    note = models.CharField(_("情况"), max_length=500, blank=True)
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "registration"  # the distribution column follows the registration (core.distribution)
    SCOPE_PATH = "registration__member__org__path"
    SCOPE_MEMBER = "registration__member_id"

    class Meta:
        verbose_name = _("流动党员联系记录")
        verbose_name_plural = _("流动党员联系记录")
        ordering = ["-contacted_on", "-id"]

    def __str__(self):
        return f"{self.registration_id} {self.contacted_on}"


class TransferKind(models.TextChoices):
    WITHIN = "within", _("系统内转接")
    OUT = "out", _("转出本系统（介绍信）")
    IN = "in", _("从系统外转入")


class TransferStatus(models.TextChoices):
    APPROVAL = "approval", _("待上级党委审核")
    PENDING = "pending", _("待接收")
    RETURNED = "returned", _("已退回补正")
    RECEIVED = "received", _("已接收")
    LETTER_ISSUED = "letter_issued", _("已开具介绍信，待回执")
    RECEIPT_BACK = "receipt_back", _("回执已返回")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATUSES = (TransferStatus.APPROVAL, TransferStatus.PENDING, TransferStatus.RETURNED, TransferStatus.LETTER_ISSUED)


class Transfer(NoDeleteModel):
    """组织关系转接. Until the receiving side confirms, the sending side stays responsible (条例第25条).

    The transfer runs as a procedure on the kernel (`procedure`, kinds in lifecycle/procedures.py): every step, return
    and cancellation is a step record there (who, when, comment). This row is the register entry both sides read
    (paths, letter data); its status follows the instance and is written in the same transaction.
    """

    kind = models.CharField(_("类型"), max_length=8, choices=TransferKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=TransferStatus.choices, db_index=True)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    person = models.JSONField(_("转入人员信息"), default=dict, blank=True)  # incoming from outside, until received
    from_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_in")
    from_org_name = models.CharField(_("转出党组织"), max_length=200, blank=True)
    to_org_name = models.CharField(_("接收党组织"), max_length=200, blank=True)
    # The two paths the transfer is visible under: both sides see it.
    from_path = PathField(max_length=255, blank=True, db_index=True)
    to_path = PathField(max_length=255, blank=True, db_index=True)
    reason = models.CharField(_("转接原因"), max_length=500)
    started_on = models.DateField(_("办理日期"))
    receive_due_on = models.DateField(_("接收期限"), null=True, blank=True)
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    letter_number = models.CharField(_("介绍信编号"), max_length=60, blank=True, db_index=True)
    letter_issued_on = models.DateField(_("开具日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    dues_paid_to = models.DateField(_("党费交至"), null=True, blank=True)
    receipt_due_on = models.DateField(_("回执应返回日期"), null=True, blank=True, db_index=True)
    receipt_back_on = models.DateField(_("回执返回日期"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    # An incoming letter registered after it expired: the member's stated reason, and how late it came.
    late_days = models.PositiveIntegerField(_("逾期天数"), null=True, blank=True)
    late_reason = models.CharField(_("逾期原因"), max_length=500, blank=True)
    # More than the rule's months late: the lapse rule (党章第九条) is to be considered before receiving.
    lapse_flagged = models.BooleanField(_("需按党章第九条研究"), default=False)
    rule_version = models.CharField(max_length=20)
    procedure = models.OneToOneField("core.ProcedureInstance", verbose_name=_("办理事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="transfer")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "from_path"

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(status__in=["approval", "pending", "returned"]), name="one_open_transfer_per_member"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.member_id or self.person.get('name', '')}"

    @property
    def audit_org_path(self) -> str:
        return self.from_path or self.to_path

    @property
    def person_name(self) -> str:
        return self.member.name if self.member_id else self.person.get("name", "")


EVENT_ACTIONS = {
    "start": _("发起转接"),
    "return": _("退回补正"),
    "resubmit": _("重新提交"),
    "receive": _("接收"),
    "cancel": _("撤销"),
    "letter": _("开具介绍信"),
    "receipt": _("回执返回"),
    "register": _("登记转入"),
    "approve": _("上级党委审核"),
}
EVENT_SIDES = {"sending": _("转出方"), "receiving": _("转入方"), "department": _("组织部门")}


class TransferEvent(NoDeleteModel):
    """One step of a transfer (纪实) as kept before transfers ran on the procedure kernel. No longer written: migration
    0004 copied every row into the kernel's step records; the rows stay as they were (nothing is deleted)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    side = models.CharField(_("办理方"), max_length=10)  # sending | receiving | department
    done_on = models.DateField(_("办理日期"))
    comment = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("转接办理记录")
        verbose_name_plural = _("转接办理记录")
        ordering = ["transfer_id", "id"]

    def __str__(self):
        return f"{self.transfer_id} {self.action} {self.done_on}"

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    @property
    def side_label(self) -> str:
        return str(EVENT_SIDES.get(self.side, self.side))


class LetterCounter(models.Model):
    """The next transfer-letter number per year; the row lock keeps numbers unique under concurrency."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"
