"""Organizational life: meetings and activities with attendance, and the annual member appraisal."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class MeetingKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支部委员会会议")
    GROUP_MEETING = "group_meeting", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    REVIEW_MEETING = "review_meeting", _("组织生活会")
    LEADERSHIP_REVIEW = "leadership_review", _("民主生活会")
    APPRAISAL = "appraisal", _("民主评议党员")
    TALK = "talk", _("谈心谈话")
    CUSTOM = "custom", _("其他活动")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


# Theme day's fixed parts (seed 003: 集体学习、缴纳党费、党性分析).
THEME_DAY_PARTS = {"study": _("集体学习"), "dues": _("缴纳党费"), "spirit": _("党性分析")}


def _code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _token() -> str:
    return secrets.token_urlsafe(16)


class Meeting(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("类别"), max_length=24, choices=MeetingKind.choices)
    custom_kind = models.CharField(_("自定义类别"), max_length=40, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    planned_on = models.DateField(_("计划日期"))
    held_on = models.DateField(_("召开日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    host = models.CharField(_("主持人"), max_length=60, blank=True)
    recorder = models.CharField(_("记录人"), max_length=60, blank=True)
    speaker = models.ForeignKey("members.Member", verbose_name=_("授课人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    speaker_name = models.CharField(_("授课人姓名"), max_length=60, blank=True)
    speaker_is_secretary = models.BooleanField(_("书记讲党课"), default=False)
    minutes = models.TextField(_("会议记录"), blank=True)
    resolutions = models.TextField(_("决议事项"), blank=True)
    # The branch shows the minutes and resolutions to the members expected at the meeting (their phone pages);
    # unpublished minutes are read in the console only.
    minutes_published = models.BooleanField(_("向党员公开会议记录"), default=False)
    minutes_published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    checklist = models.JSONField(_("主题党日固定内容"), default=dict, blank=True)
    signin_code = models.CharField(_("签到码"), max_length=6, default=_code)
    signin_token = models.CharField(max_length=32, unique=True, default=_token)
    signin_open = models.BooleanField(_("开放签到"), default=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    rules_version = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TOP_ORG_FROM = "org"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")
        ordering = ["-planned_on", "-id"]
        indexes = [
            # The compliance scan: a range of held_on per kind, grouped by org — answered from the index alone.
            models.Index(fields=["kind", "held_on", "org"], name="meeting_scan"),
            models.Index(fields=["kind", "speaker_is_secretary", "held_on", "org"], name="meeting_sec_lecture"),
            models.Index(fields=["org", "planned_on"], name="meeting_org_date"),
        ]

    def __str__(self):
        return f"{self.kind_label}：{self.topic}"

    @property
    def kind_label(self) -> str:
        if self.kind == MeetingKind.CUSTOM and self.custom_kind:
            return self.custom_kind
        return self.get_kind_display()

    @property
    def date(self):
        return self.held_on or self.planned_on

    def checklist_items(self) -> list[tuple[str, str, bool]]:
        return [(k, label, bool(self.checklist.get(k))) for k, label in THEME_DAY_PARTS.items()]


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("应到")
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")


class SignInVia(models.TextChoices):
    MANUAL = "manual", _("录入")
    CODE = "code", _("签到码")
    QR = "qr", _("扫码")


class Attendance(TopOrgMixin, NoDeleteModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="meeting_attendance")
    expected = models.BooleanField(_("应到"), default=True)
    status = models.CharField(_("出席情况"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.EXPECTED)
    absent_reason = models.CharField(_("缺席原因"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    via = models.CharField(_("签到方式"), max_length=10, choices=SignInVia.choices, blank=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "meeting__org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance")]
        # member, status: a member's file; meeting, status, member: the talks-coverage count read from the index alone.
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["meeting", "status", "member"], name="attendance_cover")]

    def __str__(self):
        return f"{self.meeting_id}:{self.member_id} {self.status}"


def attachment_path(instance, filename):
    return f"meetings/{instance.meeting_id}/{secrets.token_hex(8)}-{filename}"


class Attachment(NoDeleteModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    is_photo = models.BooleanField(_("照片"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "meeting__org__path"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.name


# --- member appraisal (民主评议党员) ---------------------------------------------------------------
class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class AppraisalStage(models.TextChoices):
    SELF = "self", _("个人自评")
    MUTUAL = "mutual", _("党员互评")
    RATING = "rating", _("民主测评")
    DECIDED = "decided", _("组织评定")
    CLOSED = "closed", _("已结束")


class AppraisalRound(TopOrgMixin, NoDeleteModel):
    """One branch's appraisal for one year: self → mutual → democratic rating → the branch decides grades."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="appraisal_rounds")
    year = models.PositiveSmallIntegerField(_("年度"))
    stage = models.CharField(_("阶段"), max_length=10, choices=AppraisalStage.choices, default=AppraisalStage.SELF)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=20)
    started_on = models.DateField(_("开始日期"))
    decided_on = models.DateField(_("评定日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="uniq_appraisal_round")]

    def __str__(self):
        return str(_("%(year)s年民主评议") % {"year": self.year})


class HandlingStatus(models.TextChoices):
    NONE = "", _("无需处置")
    PENDING = "pending", _("待处置")
    HANDED_OVER = "handed_over", _("已转处置程序")


class AppraisalEntry(TopOrgMixin, NoDeleteModel):
    """One member's result in a round; kept on the member's file."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.PROTECT, related_name="entries")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appraisals")
    self_assessment = models.TextField(_("个人自评"), blank=True)
    self_grade = models.CharField(_("自评等次"), max_length=12, choices=Grade.choices, blank=True)
    mutual_comments = models.TextField(_("互评意见"), blank=True)
    votes_excellent = models.PositiveIntegerField(_("优秀票"), default=0)
    votes_qualified = models.PositiveIntegerField(_("合格票"), default=0)
    votes_basic = models.PositiveIntegerField(_("基本合格票"), default=0)
    votes_unqualified = models.PositiveIntegerField(_("不合格票"), default=0)
    suggested_grade = models.CharField(_("测评结果"), max_length=12, choices=Grade.choices, blank=True)
    grade = models.CharField(_("评定等次"), max_length=12, choices=Grade.choices, blank=True)
    grade_reason = models.CharField(_("评定说明"), max_length=500, blank=True)
    handling = models.CharField(_("处置"), max_length=12, choices=HandlingStatus.choices, blank=True, default="")
    handling_ref = models.CharField(_("处置程序编号"), max_length=60, blank=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "round__org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("评议结果")
        verbose_name_plural = _("评议结果")
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="uniq_appraisal_entry")]

    def __str__(self):
        return f"{self.member_id} {self.grade}"

    @property
    def total_votes(self) -> int:
        return self.votes_excellent + self.votes_qualified + self.votes_basic + self.votes_unqualified


class TalkCoverage(TopOrgMixin, models.Model):
    """Derived: members who had at least one one-to-one talk in a year (kept by the meeting services).

    The yearly “every member talked with” check then counts index entries instead of de-duplicating
    attendance rows across the county.
    """

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="uniq_talk_coverage")]
        indexes = [models.Index(fields=["year", "org"], name="talk_coverage_scan")]

    def __str__(self):
        return f"{self.member_id}:{self.year}"
