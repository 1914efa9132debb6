"""The in-app inbox and the log of every message sent through any channel."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class MessageLog(NoDeleteModel):
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

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deliver_after"])]

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
