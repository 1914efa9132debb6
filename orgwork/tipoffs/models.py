"""12380 tip-offs: the register, the sealed content, receipts, key grants and identity requests. Never deleted.

Nothing a reporter wrote or who they are is stored in clear: `sealed_content` (the person reported, the text) and
each attachment are sealed to the office key, `sealed_identity` to the custodian key, replies to the reporter's
key. What stays in clear is what handling and statistics need: the reference number, channel, category, dates,
status and outcome. See crypto.py and docs/tipoffs.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.models import NoDeleteModel


class Office(NoDeleteModel):
    """A handling office (12380举报受理机构): one per organization department, with its two key pairs."""

    SCOPE_PATH = "org__path"
    org = models.OneToOneField("orgs.Org", verbose_name=_("所属党组织"), on_delete=models.PROTECT, related_name="tipoff_office")
    name = models.CharField(_("受理机构名称"), max_length=120)
    public_key = models.BinaryField(_("受理公钥"))
    custodian_public_key = models.BinaryField(_("身份保管公钥"))
    accepting = models.BooleanField(_("接收网上举报"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("举报受理机构")

    def __str__(self):
        return self.name


class HandlerKey(NoDeleteModel):
    """A person's own key pair: the private key wrapped under Argon2id(password, salt)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tipoff_keys")
    public_key = models.BinaryField()
    wrapped_secret = models.BinaryField()
    salt = models.BinaryField()
    kdf_cost = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(retired_at__isnull=True), name="tipoffs_one_live_key_per_user")]


class KeyRole(models.TextChoices):
    HANDLER = "handler", _("举报办理人员")
    CUSTODIAN = "custodian", _("身份信息保管人")


class KeyGrant(NoDeleteModel):
    """An office's private key (handler) or custodian key, sealed to one person's public key."""

    SCOPE_PATH = "office__org__path"
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="tipoff_grants")
    handler_key = models.ForeignKey(HandlerKey, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("职责"), max_length=20, choices=KeyRole.choices)
    sealed_secret = models.BinaryField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("密钥授权")


class Channel(models.TextChoices):
    ONLINE = "online", _("网络")
    LETTER = "letter", _("信件")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")


class Category(models.TextChoices):
    SELECTION = "selection", _("选人用人违规问题")
    PROMOTION_CANDIDATE = "promotion_candidate", _("拟提拔人选的问题")
    CONDUCT = "conduct", _("领导干部作风和廉洁问题")
    OTHER = "other", _("其他问题（不属于12380受理范围）")


class Status(models.TextChoices):
    RECEIVED = "received", _("已登记，待受理")
    ACCEPTED = "accepted", _("已受理，正在办理")
    REJECTED = "rejected", _("不予受理")
    FORWARDED = "forwarded", _("已转有关机关办理")
    CONCLUDED = "concluded", _("已办结")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已结案")


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实")
    PARTLY = "partly", _("部分属实")
    UNSUBSTANTIATED = "unsubstantiated", _("不属实")
    UNVERIFIABLE = "unverifiable", _("无法查实")


class Report(NoDeleteModel):
    """One tip-off in the register (all five channels)."""

    SCOPE_PATH = "office__org__path"
    office = models.ForeignKey(Office, verbose_name=_("受理机构"), on_delete=models.PROTECT, related_name="reports")
    reference = models.CharField(_("登记编号"), max_length=30, unique=True)
    channel = models.CharField(_("举报渠道"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("举报类别"), max_length=30, choices=Category.choices)
    in_scope = models.BooleanField(_("属于受理范围"))
    anonymous = models.BooleanField(_("匿名"))
    received_on = models.DateField(_("登记日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    outcome = models.CharField(_("查核结论"), max_length=20, choices=Outcome.choices, blank=True)
    attachment_count = models.PositiveSmallIntegerField(_("附件数"), default=0)
    procedure = models.OneToOneField("core.ProcedureInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="tipoff")
    rule_version = models.CharField(max_length=40)
    # sealed
    sealed_content = models.BinaryField()
    sealed_identity = models.BinaryField(null=True, blank=True)
    # receipt
    receipt_lookup = models.CharField(max_length=8, db_index=True)
    receipt_verifier = models.CharField(max_length=64)
    receipt_salt = models.BinaryField()
    receipt_cost = models.CharField(max_length=20)
    reporter_public_key = models.BinaryField()
    reporter_wrapped_secret = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("举报件")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.reference


class Author(models.TextChoices):
    REPORTER = "reporter", _("举报人")
    OFFICE = "office", _("受理机构")


class Message(NoDeleteModel):
    """Added information from the reporter, or a reply to the reporter; sealed to the office and to the reporter."""

    SCOPE_PATH = "report__office__org__path"
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    sealed_for_office = models.BinaryField()
    sealed_for_reporter = models.BinaryField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class SealedFile(NoDeleteModel):
    """An attachment: bytes and file name sealed to the office key; the file on disk is ciphertext only."""

    SCOPE_PATH = "report__office__org__path"
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    blob = models.FileField(upload_to="tipoffs/sealed/")
    sealed_name = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待保管人决定")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("已拒绝")


class IdentityRequest(NoDeleteModel):
    """A handler asks the custodian to open the reporter's identity, with a reason; the answer is sealed to them."""

    SCOPE_PATH = "report__office__org__path"
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="identity_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("申请理由"), max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("决定说明"), max_length=500, blank=True)
    sealed_for_requester = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Forwarding(NoDeleteModel):
    """A matter outside the 12380 scope forwarded to another body, tracked until that body reports back."""

    SCOPE_PATH = "report__office__org__path"
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="forwarding")
    to_body = models.CharField(_("转办机关"), max_length=120)
    forwarded_on = models.DateField(_("转办日期"))
    reporter_told = models.BooleanField(_("已告知举报人"), default=False)
    acknowledged_on = models.DateField(_("对方签收日期"), null=True, blank=True)
    result_on = models.DateField(_("对方反馈结果日期"), null=True, blank=True)


class Extension(NoDeleteModel):
    """The conclusion limit extended once (30 working days by default), asked by one person, approved by another."""

    SCOPE_PATH = "report__office__org__path"
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("延期理由"), max_length=500)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    until = models.DateField(_("延至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
