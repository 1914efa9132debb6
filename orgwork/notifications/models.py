"""The in-app inbox and the log of every message sent through any channel."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class Notification(NoDeleteModel):
    """One message in one user's inbox. `dedupe_key` stops a daily job from repeating itself."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(_("类别"), max_length=40, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("分类"), max_length=20, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="uniq_notification_dedupe"
            )
        ]

    def __str__(self):
        return self.title


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SUPPRESSED = "suppressed", _("未发送")  # the reason is in `error`: the user's preference, no address, opted out
    DELIVERED = "delivered", _("已送达")  # the provider's delivery receipt said so
    UNDELIVERED = "undelivered", _("未送达")  # sent, but the receipt reported a failure (number off, blocked…)


# What a user chooses channels for (the in-app inbox always receives: it is the record).
CATEGORIES = {
    "procedures": _("办理事项（发展党员、党员出入、换届选举等步骤）"),
    "transfers": _("组织关系转接"),
    "dues": _("党费收缴"),
    "meetings": _("组织生活"),
    "terms": _("任期届满与换届"),
    "mobile": _("流动党员"),
    "other": _("其他消息"),
}
# Without a saved preference: email on (where the account has an address), SMS off (it costs and interrupts).
DEFAULT_CHANNELS = {"email": True, "sms": False}


class MessageLog(TopOrgMixin, NoDeleteModel):
    """Every message, whatever the channel: who, what, through which backend, and the outcome."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    backend = models.CharField(_("发送通道"), max_length=120)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    kind = models.CharField(_("类别"), max_length=40)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MessageStatus.choices)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="log")
    urgent = models.BooleanField(_("紧急"), default=False)
    deliver_after = models.DateTimeField(_("发送时间不早于"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    provider_id = models.CharField(_("平台消息号"), max_length=64, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # whose message it is, for the per-organization log (a personal notification carries its work's org, a bulk
    # message its recipient member's org); a message without org is seen only in the recipient's own inbox
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("notifications.SmsCampaign", null=True, blank=True, on_delete=models.PROTECT, related_name="messages")

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deliver_after"]), models.Index(fields=["org", "created_at"])]

    def __str__(self):
        return f"{self.channel} {self.subject}"


class DeliverySettings(NoDeleteModel):
    """A user's quiet hours and SMS number. No row: quiet hours 22:00–07:00 on, the linked member's phone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delivery_settings")
    quiet_enabled = models.BooleanField(_("夜间免打扰"), default=True)
    quiet_start = models.TimeField(_("免打扰开始"), default=dt.time(22, 0))
    quiet_end = models.TimeField(_("免打扰结束"), default=dt.time(7, 0))
    sms_phone = models.CharField(_("接收短信的手机号"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("消息接收设置")
        verbose_name_plural = _("消息接收设置")

    def __str__(self):
        return str(self.user_id)


class ChannelPreference(NoDeleteModel):
    """Which channels besides the inbox a user wants for one category of messages."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="channel_preferences")
    category = models.CharField(_("分类"), max_length=20)
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("消息渠道偏好")
        verbose_name_plural = _("消息渠道偏好")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="uniq_channel_preference")]

    def __str__(self):
        return f"{self.user_id} {self.category}"


class SmsOptOut(NoDeleteModel):
    """A number that replied 退订/TD: no more non-urgent SMS to it until it replies 订阅/DY (kept, never deleted)."""

    phone = models.CharField(_("手机号"), max_length=20, unique=True)
    active = models.BooleanField(_("已退订"), default=True)
    changed_at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("短信退订")
        verbose_name_plural = _("短信退订")

    def __str__(self):
        return f"{self.phone[:3]}**** {'退订' if self.active else '订阅'}"


# --- bulk SMS (批量短信): templates, sends to a scope with approval, the department's unit price ----------------


class SmsTemplate(NoDeleteModel):
    """A message text with variables in braces: {姓名} and {党组织} are filled per recipient, any other variable once
    per send (e.g. {会议名称}, {时间}, {地点}). Owned by an organization; its subtree may use it."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("所属党组织"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("模板名称"), max_length=60)
    body = models.TextField(_("模板内容"), max_length=500)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["org__path", "name", "id"]

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    MEMBERS = "members", _("本组织及下级组织的全体党员（正常党籍）")
    OFFICERS = "officers", _("本组织及下级组织的书记和党组织管理员")


class CampaignStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准，发送中")
    SENT = "sent", _("发送完毕")
    REJECTED = "rejected", _("未批准")
    CANCELLED = "cancelled", _("已撤回")


class SmsCampaign(TopOrgMixin, NoDeleteModel):
    """One bulk send to a scope: what, to whom, the count and cost it was approved for, who asked and who approved."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("发送范围"), on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(_("接收人"), max_length=12, choices=Audience.choices)
    template = models.ForeignKey(SmsTemplate, verbose_name=_("短信模板"), null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("事由"), max_length=100)
    body = models.TextField(_("短信内容（变量已填写）"), max_length=600)
    values = models.JSONField(_("变量取值"), default=dict, blank=True)
    urgent = models.BooleanField(_("紧急（夜间也发送）"), default=False)
    send_after = models.DateTimeField(_("发送时间不早于"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.PENDING)
    # the preview the request was made on, and the one it was approved on (the scope can change in between)
    recipients = models.PositiveIntegerField(_("可发送人数"), default=0)
    skipped = models.JSONField(_("不发送的人数及原因"), default=dict, blank=True)
    parts = models.PositiveIntegerField(_("计费条数"), default=0)
    price_fen = models.PositiveIntegerField(_("单价（分/条）"), default=0)
    cost_fen = models.PositiveIntegerField(_("预计费用（分）"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("批量短信")
        verbose_name_plural = _("批量短信")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def cost_yuan(self) -> str:
        return f"{self.cost_fen / 100:.2f}"


class SmsTariff(NoDeleteModel):
    """A department's contract price per SMS part, from a date (the nearest one on an organization's path applies)."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("组织部门"), on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField(_("单价（分/条）"))
    effective_on = models.DateField(_("起用日期"))
    reason = models.CharField(_("依据"), max_length=200)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("短信单价")
        verbose_name_plural = _("短信单价")
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.price_fen}"


class SmsReply(NoDeleteModel):
    """An inbound SMS from a number that received a bulk message within the reply window: a reply to that notice."""

    campaign = models.ForeignKey(SmsCampaign, on_delete=models.PROTECT, related_name="replies")
    message = models.ForeignKey(MessageLog, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("回复内容"), max_length=500)
    received_at = models.DateTimeField(_("收到时间"))
    provider_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("短信回复")
        verbose_name_plural = _("短信回复")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.text[:20]
