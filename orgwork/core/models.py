from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .distribution import TopOrgMixin
from .fields import PathField


class HardDeleteForbidden(Exception):
    pass


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteForbidden(f"{self.model.__name__} records are never deleted")


class NoDeleteModel(models.Model):
    """Registries and records: nothing is hard-deleted (abolish, end or mark instead)."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden(f"{type(self).__name__} records are never deleted")

    @property
    def audit_org_path(self) -> str:
        """The org path the audit log files this record under: the model's SCOPE_PATH walked on the instance
        (``"cadre__org__path"`` → ``self.cadre.org.path``), "" where a link on the way is empty. A model whose
        scope is not one path (a transfer has two sides) defines its own."""
        obj = self
        for part in (getattr(type(self), "SCOPE_PATH", "") or "").split("__"):
            if not part:
                return ""
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        return obj if isinstance(obj, str) else ""


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("系统管理员")
    DEPT_ADMIN = "dept_admin", _("组织部管理员")
    ORG_ADMIN = "org_admin", _("党组织管理员")
    SECRETARY = "secretary", _("支部书记/组织委员")
    MEMBER = "member", _("党员")


# Roles that may change records in their subtree; the member role sees only its own record.
WRITE_ROLES = frozenset({Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN, Role.SECRETARY})


class RoleAssignment(NoDeleteModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org", "role"], condition=models.Q(revoked_at__isnull=True), name="uniq_active_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org_id}"


class AuditHead(models.Model):
    """One row: the chain's last sequence number and hash. Updating it first serializes appends."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    # HMAC of (seq, last_hash) under settings.AUDIT_MAC_KEY (kept outside the database): a head moved back
    # after deleting the last events cannot be re-signed without the key.
    mac = models.CharField(max_length=64, default="", blank=True)
    key_id = models.CharField(max_length=16, default="", blank=True)

    def __str__(self):
        return f"audit head #{self.seq}"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    org_path = PathField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, default="", blank=True)  # HMAC of `hash` under settings.AUDIT_MAC_KEY

    objects = NoDeleteQuerySet.as_manager()
    SCOPE_PATH = "org_path"

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden("audit events are never deleted")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditAnchor(models.Model):
    """A signed checkpoint of the chain: the head's sequence number and hash at a moment, MAC'd with the key.

    Written daily (huey) and on demand (`manage.py audit_anchor`); `audit_verify` checks every anchor against the
    events, so rewriting or truncating the chain below an anchor is detected even by someone holding the database.
    """

    seq = models.BigIntegerField(db_index=True)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    reason = models.CharField(max_length=40)
    key_id = models.CharField(max_length=16)
    mac = models.CharField(max_length=64)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计锚点")
        verbose_name_plural = _("审计锚点")

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden("audit anchors are never deleted")

    def __str__(self):
        return f"anchor #{self.seq} ({self.reason})"


# --- working-day calendar (orgwork.core.calendar) ---------------------------------------------


class CalendarYear(models.Model):
    """A year whose holiday arrangement an administrator entered (for years chinesecalendar does not know)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("依据"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """One exception to the Monday–Friday week: a holiday off work, or a weekend day worked (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"))
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日/调休")
        verbose_name_plural = _("节假日/调休")

    def __str__(self):
        return f"{self.date} {'班' if self.is_workday else '休'}"


# --- procedures (orgwork.core.procedures) ------------------------------------------------------


class ProcedureStatus(models.TextChoices):
    ACTIVE = "active", _("办理中")
    PAUSED = "paused", _("已暂停")
    COMPLETED = "completed", _("已办结")
    TERMINATED = "terminated", _("已终止")
    ARCHIVED = "archived", _("已归档")


class ProcedureInstance(TopOrgMixin, NoDeleteModel):
    """One running procedure: which rule-set version it follows, where it stands, when the current step is due."""

    kind = models.CharField(_("事项类型"), max_length=40, db_index=True)
    rule_name = models.CharField(_("规则"), max_length=80)
    rule_version = models.CharField(_("规则版本"), max_length=40)
    org = models.ForeignKey("orgs.Org", verbose_name=_("承办党组织"), on_delete=models.PROTECT, related_name="procedures")
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.ACTIVE, db_index=True)
    stage = models.CharField(_("当前阶段"), max_length=40, blank=True, db_index=True)
    step = models.CharField(_("当前步骤"), max_length=60, blank=True)
    step_since = models.DateField(_("本步骤起始"), null=True, blank=True)
    due_on = models.DateField(_("本步骤期限"), null=True, blank=True, db_index=True)
    due_strict = models.BooleanField(default=False)
    due_limit = models.DateField(_("最长可延至"), null=True, blank=True)
    not_before = models.DateField(_("最早可办日期"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("办理事项")
        verbose_name_plural = _("办理事项")
        indexes = [
            models.Index(fields=["kind", "status", "stage"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self):
        return self.title


class StepAction(models.TextChoices):
    START = "start", _("开始")
    COMPLETE = "complete", _("完成")
    ENTRY = "entry", _("记录")
    RETURN = "return", _("退回")
    EXTEND = "extend", _("延期")
    PAUSE = "pause", _("暂停")
    RESUME = "resume", _("恢复")
    TERMINATE = "terminate", _("终止")
    ARCHIVE = "archive", _("归档")


class StepRecord(NoDeleteModel):
    """One entry of the process record (纪实): who did what, when, who was responsible, with which documents."""

    instance = models.ForeignKey(ProcedureInstance, on_delete=models.PROTECT, related_name="records")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("操作"), max_length=20, choices=StepAction.choices)
    step = models.CharField(_("步骤"), max_length=60, blank=True)
    step_title = models.CharField(_("步骤名称"), max_length=100, blank=True)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    done_on = models.DateField(_("办理日期"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("经办人"), max_length=150)
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    comment = models.TextField(_("意见/说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    valid = models.BooleanField(_("有效"), default=True)
    returned_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    SCOPE_PATH = "instance__org__path"

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["instance", "seq"]
        constraints = [models.UniqueConstraint(fields=["instance", "seq"], name="uniq_step_record_seq")]
        indexes = [models.Index(fields=["instance", "step", "action"])]

    def __str__(self):
        return f"{self.instance_id}#{self.seq} {self.action} {self.step}"


class Attachment(NoDeleteModel):
    """A document of a step: an uploaded file, or the reference of a paper document (文号、档案编号)."""

    record = models.ForeignKey(StepRecord, on_delete=models.PROTECT, related_name="attachments")
    label = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to="procedures/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    reference = models.CharField(_("文号/编号"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "record__instance__org__path"

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")

    def __str__(self):
        return self.label


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("有效")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notice(NoDeleteModel):
    """A public notice (公示) published by a step; the next step waits for its end and for open objections."""

    instance = models.ForeignKey(ProcedureInstance, on_delete=models.PROTECT, related_name="notices")
    record = models.ForeignKey(StepRecord, on_delete=models.PROTECT, related_name="notices")
    step = models.CharField(max_length=60)
    title = models.CharField(_("公示标题"), max_length=200)
    text = models.TextField(_("公示内容"))
    place = models.CharField(_("公示地点/方式"), max_length=200)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    working_days = models.PositiveSmallIntegerField(_("公示工作日数"))
    status = models.CharField(max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "instance__org__path"

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("反映属实")
    DISMISSED = "dismissed", _("反映不实")


class Objection(NoDeleteModel):
    """An objection received during a notice period; it blocks the next step until resolved."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("收到日期"))
    source = models.CharField(_("反映人/渠道"), max_length=200, blank=True)
    content = models.TextField(_("反映内容"))
    status = models.CharField(_("处理状态"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("核查处理情况"), blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    recorded_by = models.CharField(max_length=150)
    resolved_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "notice__instance__org__path"

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_on", "id"]

    def __str__(self):
        return f"{self.notice_id} {self.received_on}"


class ProcedureSetting(NoDeleteModel):
    """An org switches its subtree to another version of a procedure (e.g. a county's extra local rule set)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="procedure_settings")
    kind = models.CharField(max_length=40)
    version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("事项规则设置")
        verbose_name_plural = _("事项规则设置")
        constraints = [
            models.UniqueConstraint(fields=["org", "kind"], condition=models.Q(ended_at__isnull=True), name="uniq_active_procedure_setting")
        ]

    def __str__(self):
        return f"{self.org_id} {self.kind} {self.version}"


class EscalationSetting(NoDeleteModel):
    """A department's own period: overdue work goes up a level after this many working days (core.deadlines)."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("逾期提请督办工作日数"))
    reason = models.CharField(_("设定依据"), max_length=500)
    set_by = models.CharField(_("设定人"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("督办期限设定")
        verbose_name_plural = _("督办期限设定")
        constraints = [models.UniqueConstraint(fields=["org"], condition=models.Q(ended_at__isnull=True), name="uniq_active_escalation_setting")]

    def __str__(self):
        return f"{self.org_id}: {self.working_days}"


# --- API tokens (orgwork.core.tokens) ------------------------------------------------------------


class ApiToken(models.Model):
    """A machine credential: issued after a verified sign-in, shown once, stored as a SHA-256 hash.

    The key is 256 random bits, so a fast hash is enough (nothing to brute-force); `prefix` lets the owner tell
    tokens apart on the account page. Never deleted: revoking stamps `revoked_at`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("用途"), max_length=60)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("只读"), default=False)
    created_at = models.DateTimeField(_("生成时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("最近使用地址"), null=True, blank=True)
    last_audit_at = models.DateTimeField(null=True, blank=True)
    uses = models.BigIntegerField(default=0)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden("API tokens are revoked, never deleted")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class PasswordResetCode(models.Model):
    """A one-time code for a forgotten password, sent by email or SMS. Only its hash is kept; it expires, is used
    once, and allows a few wrong tries (settings.PASSWORD_RESET_*)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    channels = models.CharField(_("发送方式"), max_length=40)  # "email", "sms" or both
    requested_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")
        indexes = [models.Index(fields=["requested_ip", "created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
from .ballots.models import *  # noqa: E402,F403  ballot engine (orgwork.core.ballots)
from .scoring.models import Indicator, IndicatorSet, IndicatorSetVersion, ScoreAppeal, ScoreEntry, ScoreEvidence, ScorePeriod, ScoreTotal  # noqa: E402, F401  (scoring engine)
