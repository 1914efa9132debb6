"""The in-app inbox and the log of every message sent through any channel."""

from __future__ import annotations

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
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送（无地址）")


class MessageLog(NoDeleteModel):
    """Every message, whatever the channel: who, what, through which backend, and the outcome."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    backend = models.CharField(_("发送通道"), max_length=120)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    kind = models.CharField(_("类别"), max_length=40)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MessageStatus.choices)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="log")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.channel} {self.subject}"
