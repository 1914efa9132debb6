"""Training (教育培训): people in training, courses and classes, hours credited, study exams and their grades.

A person in training (`Trainee`) is keyed by the normalized 18-digit resident ID number and the name: cadres who
are not party members train too, so the member link is optional. Hours are credited as rows (`Credit`), each with
a source and a reference that make crediting idempotent (an attendance sheet, an online-study platform, the remote
education site); nothing is edited or deleted — a correction is a new row with negative hours.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class TraineeRole(models.TextChoices):
    """The requirement group a person's hours are measured against (rules.md §7, §5)."""

    COUNTY_LEADER = "county_leader", _("县处级及以上领导干部")
    TOWNSHIP = "township", _("乡科级及以下干部")
    GRASSROOTS = "grassroots", _("基层党组织书记和班子成员")
    VILLAGE_CADRE = "village_cadre", _("村（社区）干部")
    MEMBER = "member", _("党员")
    OTHER = "other", _("其他人员")


class Trainee(TopOrgMixin, NoDeleteModel):
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    member = models.OneToOneField("members.Member", verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT, related_name="trainee")
    org = models.ForeignKey("orgs.Org", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("培训类别"), max_length=20, choices=TraineeRole.choices, default=TraineeRole.MEMBER)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("参训人员")
        verbose_name_plural = _("参训人员")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class CourseKind(models.TextChoices):
    CLASS = "class", _("培训班")
    COURSE = "course", _("专题课程")
    ELECTIVE = "elective", _("自主选学课程")
    ONLINE = "online", _("网络课程")


class Course(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", verbose_name=_("主办党组织"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("课程/班次名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=CourseKind.choices, default=CourseKind.CLASS)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    seats = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("已报名"), default=0)
    closed_on = models.DateField(_("报名截止"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("课程/班次")
        verbose_name_plural = _("课程/班次")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int | None:
        return None if self.seats is None else max(self.seats - self.enrolled, 0)


class Enrolment(TopOrgMixin, NoDeleteModel):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    TOP_ORG_FROM = "trainee"  # the distribution column (core.distribution)
    SCOPE_PATH = "trainee__org__path"
    SCOPE_MEMBER = "trainee__member_id"

    class Meta:
        verbose_name = _("自主选学报名")
        constraints = [models.UniqueConstraint(fields=["course", "trainee"], condition=models.Q(cancelled_at__isnull=True), name="training_one_live_enrolment")]


class CreditSource(models.TextChoices):
    ATTENDANCE = "attendance", _("培训班出勤")
    ONLINE = "online", _("网络学习")
    REMOTE = "remote", _("远程教育")
    MANUAL = "manual", _("手工登记")
    CORRECTION = "correction", _("更正")


class Credit(TopOrgMixin, NoDeleteModel):
    """Hours credited to a person on a day (学时). (source, ref) identifies the fact credited: crediting it twice is one row."""

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="credits")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.PROTECT, related_name="credits")
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    on = models.DateField(_("日期"), db_index=True)
    source = models.CharField(_("来源"), max_length=40)
    ref = models.CharField(_("来源编号"), max_length=120)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "trainee"  # the distribution column (core.distribution)
    SCOPE_PATH = "trainee__org__path"
    SCOPE_MEMBER = "trainee__member_id"

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-on", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "ref"], name="training_credit_source_ref")]
        indexes = [models.Index(fields=["trainee", "on"])]

    def __str__(self):
        return f"{self.trainee.name} {self.hours}学时"

    @property
    def source_label(self) -> str:
        return dict(CreditSource.choices).get(self.source.split(":", 1)[0], self.source)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Exam(TopOrgMixin, NoDeleteModel):
    """A study exam (考学): the year it grades, full marks; scores are graded by the rule version in force on its day."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("组织考学的党组织"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("考学名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("考学年度"), db_index=True)
    held_on = models.DateField(_("考试日期"))
    full_marks = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, default=100)
    rule_version = models.CharField(_("等次规则版本"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("考学")
        verbose_name_plural = _("考学")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class ExamScore(TopOrgMixin, NoDeleteModel):
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="scores")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="exam_scores")
    score = models.DecimalField(_("成绩"), max_digits=6, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, db_index=True)
    rule_version = models.CharField(_("等次规则版本"), max_length=20)
    recorded_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TOP_ORG_FROM = "trainee"  # the distribution column (core.distribution)
    SCOPE_PATH = "trainee__org__path"
    SCOPE_MEMBER = "trainee__member_id"

    class Meta:
        verbose_name = _("考学成绩")
        verbose_name_plural = _("考学成绩")
        constraints = [models.UniqueConstraint(fields=["exam", "trainee"], name="training_one_score_per_exam")]

    def __str__(self):
        return f"{self.trainee.name} {self.exam.title} {self.get_grade_display()}"
