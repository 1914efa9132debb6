"""Opinion surveys and polls (民意调查), built on the kernel's sealed ballot engine (core.ballots): the poll keeps the
questionnaire while it is drafted; opening it creates the ballot; answers go into the ballot box, which holds no
link to the person. Public respondents are counted one per phone, verified by an SMS code; only a salted hash
of the phone is kept."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


def _salt():
    return secrets.token_hex(16)


class Audience(models.TextChoices):
    MEMBERS = "members", _("本组织及下级党员")
    CODES = "codes", _("投票码名单")
    PUBLIC = "public", _("社会公众（手机验证）")


class PollState(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    RATING = "rating", _("评分")
    TEXT = "text", _("填空（意见建议）")


class Poll(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("发起党组织"))
    title = models.CharField(_("调查名称"), max_length=200)
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    audience = models.CharField(_("调查对象"), max_length=10, choices=Audience.choices)
    state = models.CharField(_("状态"), max_length=10, choices=PollState.choices, default=PollState.DRAFT, db_index=True)
    ballot = models.OneToOneField("core.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    salt = models.CharField(max_length=32, default=_salt, editable=False)
    created_by = models.CharField(_("发起人"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("民意调查")
        verbose_name_plural = _("民意调查")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class Question(NoDeleteModel):
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="questions")
    seq = models.PositiveSmallIntegerField()
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=500)
    options = models.JSONField(_("选项"), default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("最多选几项"), default=1)
    required = models.BooleanField(_("必答"), default=False)

    SCOPE_PATH = "poll__org__path"

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["poll", "seq"]
        constraints = [models.UniqueConstraint(fields=["poll", "seq"], name="polls_question_seq")]

    def __str__(self):
        return self.text


class PhoneCode(models.Model):
    """An SMS code sent to a public respondent's phone: the phone and the code are stored only as keyed hashes."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="+")
    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    spent = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["poll", "phone_hash", "-sent_at"])]

    def __str__(self):
        return f"{self.poll_id}/{self.sent_at:%Y-%m-%d %H:%M}"

    def delete(self, *args, **kwargs):
        from orgwork.core.models import HardDeleteForbidden

        raise HardDeleteForbidden("kept as the record of codes sent")
