"""Member self-service: SMS sign-in codes (hashed, expiring, counted) and requests a member sends to the branch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class SignInCode(models.Model):
    """One SMS sign-in code: only its hash is kept; it expires, allows a few wrong tries and is used once."""

    phone = models.CharField(max_length=20, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # an applicant or activist without an account yet: the account is made when the code proves the phone
    applicant = models.ForeignKey("recruitment.Applicant", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=200)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("短信登录验证码")

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("申请更正档案信息")
    AWAY = "away", _("外出6个月以上报告")
    TRANSFER = "transfer", _("申请转接组织关系")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待支部处理")
    DONE = "done", _("支部已处理")


class MemberRequest(TopOrgMixin, NoDeleteModel):
    """What a member asks the branch from the phone: a correction of the record, or a report of going away."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项"), max_length=20, choices=RequestKind.choices)
    text = models.TextField(_("说明"), blank=True)
    left_on = models.DateField(_("外出日期"), null=True, blank=True)
    destination = models.CharField(_("外出地点"), max_length=200, blank=True)
    expected_return = models.DateField(_("预计返回日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    assisted_by = models.CharField(_("代为办理人"), max_length=150, blank=True)  # the secretary who acted for the member
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党员自助申请")

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"
