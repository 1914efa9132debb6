"""Cadres (干部): registry, posts and quotas, appointments, selections, personal matters reports.

Ranks, probation posts, report duties and every number are rule data in rules.py, never constants here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Rank(models.TextChoices):
    """职级 as the registry uses them (senior first); which rank is 'county deputy and above' is rule data."""

    COUNTY_PRINCIPAL = "county_principal", _("正处级")
    COUNTY_DEPUTY = "county_deputy", _("副处级")
    SECTION_PRINCIPAL = "section_principal", _("正科级")
    SECTION_DEPUTY = "section_deputy", _("副科级")
    STAFF = "staff", _("科员及以下")


RANK_ORDER = RANK_LEVEL = {Rank.COUNTY_PRINCIPAL: 5, Rank.COUNTY_DEPUTY: 4, Rank.SECTION_PRINCIPAL: 3, Rank.SECTION_DEPUTY: 2, Rank.STAFF: 1}


class UnitKind(models.TextChoices):
    PARTY_AGENCY = "party_agency", _("党委工作部门")
    GOV_AGENCY = "gov_agency", _("政府工作部门")
    TOWNSHIP = "township", _("乡镇（街道）")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")
    OTHER = "other", _("其他")


class Unit(TopOrgMixin, NoDeleteModel):
    """A unit whose leaders the department manages (a township, a county bureau …), under a party org for scope."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("所属党组织"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位类别"), max_length=20, choices=UnitKind.choices, default=UnitKind.GOV_AGENCY)
    city_level = models.BooleanField(_("市直单位"), default=False)
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class PostKind(models.TextChoices):
    PRINCIPAL = "principal", _("正职")
    DEPUTY = "deputy", _("副职")
    INTERNAL = "internal", _("内设机构领导")
    OTHER = "other", _("其他")


class Post(NoDeleteModel):
    """A leadership post (职务) of a unit; `category` keys the probation list and duties in the rule data."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("职务名称"), max_length=80)
    kind = models.CharField(_("职务类别"), max_length=20, choices=PostKind.choices)
    rank = models.CharField(_("职级"), max_length=20, choices=Rank.choices)
    category = models.CharField(_("职务类型"), max_length=40, blank=True, help_text=_("试用期等规则按此类型适用"))
    elected = models.BooleanField(_("选任制职务"), default=False)
    in_team = models.BooleanField(_("领导班子成员"), default=True)
    is_party_secretary = models.BooleanField(_("党组织书记"), default=False)
    is_unit_head = models.BooleanField(_("行政主要负责人"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=50)
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)

    SCOPE_PATH = "unit__org__path"

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["unit", "order", "id"]

    def __str__(self):
        return f"{self.unit.name}{self.title}"


class PostQuota(NoDeleteModel):
    """职数: how many principal and deputy seats a unit has (set by the establishment document)."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="quotas")
    kind = models.CharField(_("职务类别"), max_length=20, choices=PostKind.choices)
    seats = models.PositiveSmallIntegerField(_("核定职数"))
    document = models.CharField(_("核定依据"), max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PATH = "unit__org__path"

    class Meta:
        verbose_name = _("领导职数")
        verbose_name_plural = _("领导职数")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], condition=models.Q(ended_at__isnull=True), name="uniq_active_post_quota")]

    def __str__(self):
        return f"{self.unit.name} {self.get_kind_display()} {self.seats}"


class CadreStatus(models.TextChoices):
    SERVING = "serving", _("在职")
    RETIRED = "retired", _("退休")
    LEFT = "left", _("调离")


class Cadre(TopOrgMixin, NoDeleteModel):
    """A cadre, keyed by ID number; linked to the member record where the person is a party member."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", verbose_name=_("党员档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生年月"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    native_place = models.CharField(_("籍贯"), max_length=60, blank=True)
    education = models.CharField(_("学历"), max_length=40, blank=True)
    degree = models.CharField(_("学位"), max_length=40, blank=True)
    work_started_on = models.DateField(_("参加工作时间"), null=True, blank=True)
    joined_party_on = models.DateField(_("入党时间"), null=True, blank=True)
    rank = models.CharField(_("现职级"), max_length=20, choices=Rank.choices, default=Rank.STAFF)
    rank_since = models.DateField(_("任现职级时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CadreStatus.choices, default=CadreStatus.SERVING)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Kinship(NoDeleteModel):
    """Two cadres related by kinship (夫妻、直系血亲、三代以内旁系血亲、近姻亲): avoidance in one unit (任职回避)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="kin")
    relative = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("关系"), max_length=20)

    SCOPE_PATH = "cadre__org__path"

    class Meta:
        verbose_name = _("亲属关系")
        verbose_name_plural = _("亲属关系")

    def __str__(self):
        return f"{self.cadre_id}-{self.relative_id} {self.relation}"


class AppointmentAction(models.TextChoices):
    APPOINT = "appoint", _("任职")
    REMOVE = "remove", _("免职")


class ProbationStatus(models.TextChoices):
    NONE = "", _("不适用")
    ON = "on", _("试用期中")
    CONFIRMED = "confirmed", _("试用期满转正")
    NOT_CONFIRMED = "not_confirmed", _("试用期满不胜任")


class Appointment(NoDeleteModel):
    """One appointment or removal (任免记录); a holding is an appointment not yet ended. The résumé is built from these."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="appointments")
    post = models.ForeignKey(Post, verbose_name=_("职务"), on_delete=models.PROTECT, related_name="appointments")
    action = models.CharField(_("任免"), max_length=10, choices=AppointmentAction.choices)
    on = models.DateField(_("任免时间"))
    document = models.CharField(_("任免文号"), max_length=120, blank=True)
    decided_by = models.CharField(_("决定机关"), max_length=120, blank=True)
    reason = models.CharField(_("任免理由"), max_length=500, blank=True)
    promotion = models.BooleanField(_("提拔"), default=False)
    competitive = models.BooleanField(_("竞争性选拔产生"), default=False)
    selection = models.ForeignKey("Selection", null=True, blank=True, on_delete=models.PROTECT, related_name="appointments")
    competition = models.ForeignKey("Competition", verbose_name=_("竞争性选拔"), null=True, blank=True, on_delete=models.PROTECT, related_name="appointments")
    probation_until = models.DateField(_("试用期至"), null=True, blank=True)
    probation_status = models.CharField(_("试用期"), max_length=20, choices=ProbationStatus.choices, default="", blank=True)
    ended_on = models.DateField(_("免职时间"), null=True, blank=True)
    removal = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "cadre__org__path"

    class Meta:
        verbose_name = _("任免记录")
        verbose_name_plural = _("任免记录")
        ordering = ["cadre", "on", "id"]
        indexes = [models.Index(fields=["post", "action", "ended_on"])]

    def __str__(self):
        return f"{self.cadre} {self.get_action_display()} {self.post}"


# --- selection and appointment (on the procedure kernel) -----------------------------------------


class Selection(TopOrgMixin, NoDeleteModel):
    """One selection for one post (选拔任用): its procedure instance holds the steps and their record (纪实)."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, verbose_name=_("拟任职务"), on_delete=models.PROTECT, related_name="selections")
    seats = models.PositiveSmallIntegerField(_("拟选拔人数"), default=1)
    contested = models.BooleanField(_("差额"), default=True)
    competitive = models.BooleanField(_("竞争性选拔"), default=False)
    instance = models.OneToOneField("core.ProcedureInstance", on_delete=models.PROTECT, related_name="+")
    appointee = models.ForeignKey(Cadre, verbose_name=_("决定任用人选"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("选拔任用")
        verbose_name_plural = _("选拔任用")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.post}（{self.instance.title}）" if self.instance_id else str(self.post)


class CandidateStage(models.TextChoices):
    RECOMMENDED = "recommended", _("推荐人选")
    VETTING = "vetting", _("考察对象")
    DECIDED = "decided", _("决定任用")
    DROPPED = "dropped", _("未列入")


class SelectionCandidate(NoDeleteModel):
    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="candidates")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("所处环节"), max_length=20, choices=CandidateStage.choices, default=CandidateStage.RECOMMENDED)

    SCOPE_PATH = "selection__org__path"

    class Meta:
        verbose_name = _("人选")
        verbose_name_plural = _("人选")
        constraints = [models.UniqueConstraint(fields=["selection", "cadre"], name="uniq_selection_candidate")]

    def __str__(self):
        return f"{self.selection_id}:{self.cadre_id}"


class SelectionFlag(NoDeleteModel):
    """A problem the department flags on a selection in flight; answered and closed by the handling unit."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="flags")
    text = models.CharField(_("问题"), max_length=500)
    raised_by = models.CharField(_("提出人"), max_length=150)
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.CharField(_("整改说明"), max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PATH = "selection__org__path"

    class Meta:
        verbose_name = _("选任问题标记")
        verbose_name_plural = _("选任问题标记")

    def __str__(self):
        return self.text


# --- personal matters reports (领导干部报告个人有关事项) ----------------------------------------------------


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("年度集中报告")
    CHANGE = "change", _("事项变化报告")
    NEW = "new", _("新任报告")


class CheckResult(models.TextChoices):
    ACCURATE = "accurate", _("如实报告")
    OMISSION = "omission", _("漏报")
    CONCEALMENT = "concealment", _("瞒报")


class PersonalReport(NoDeleteModel):
    """A personal matters report. The items (family, jobs, property, investments, travel …) are one encrypted blob:
    the database holds only ciphertext (SecretBox, key outside the database); reads are audited."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="personal_reports")
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    submitted_on = models.DateField(_("报告日期"))
    change_on = models.DateField(_("事项变化日期"), null=True, blank=True)
    sealed_items = models.BinaryField()
    key_id = models.CharField(max_length=16)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "cadre__org__path"

    class Meta:
        verbose_name = _("个人有关事项报告")
        verbose_name_plural = _("个人有关事项报告")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["cadre", "year", "kind"])]

    def __str__(self):
        return f"{self.cadre} {self.year} {self.get_kind_display()}"


class ReportCheck(NoDeleteModel):
    """A verification of a report: random spot check or the full check before appointment; result and handling."""

    report = models.ForeignKey(PersonalReport, on_delete=models.PROTECT, related_name="checks")
    reason = models.CharField(_("核查类型"), max_length=20, choices=[("spot", _("随机抽查")), ("pre_appointment", _("提拔前核查")), ("tip", _("举报核查"))])
    drawn_on = models.DateField(_("确定核查日期"))
    result = models.CharField(_("核查结果"), max_length=20, choices=CheckResult.choices, blank=True)
    handling_sealed = models.BinaryField(null=True, blank=True)  # the handling text can name family members: encrypted too
    checked_on = models.DateField(_("核查完成日期"), null=True, blank=True)
    checked_by = models.CharField(max_length=150, blank=True)

    SCOPE_PATH = "report__cadre__org__path"

    class Meta:
        verbose_name = _("个人事项核查")
        verbose_name_plural = _("个人事项核查")

    def __str__(self):
        return f"{self.report_id} {self.reason}"


class ReaderPurpose(models.TextChoices):
    PERSONAL_MATTERS = "personal_matters", _("个人有关事项报告")
    TALKS = "talks", _("谈心谈话及函询诫勉记录")


class ReportReader(TopOrgMixin, NoDeleteModel):
    """Staff designated to read restricted records in an org's subtree — personal matters reports, or talk records
    (谈话、函询、诫勉) — nobody else can, whatever their role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("查阅范围"), max_length=20, choices=ReaderPurpose.choices, default=ReaderPurpose.PERSONAL_MATTERS)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("个人事项查阅人员")
        verbose_name_plural = _("个人事项查阅人员")

    def __str__(self):
        return f"{self.user_id}@{self.org_id}"


class ReserveCadre(TopOrgMixin, NoDeleteModel):
    """A cadre in the reserve pool (后备干部); yearly 德能勤绩廉学 scores live on the kernel's scoring engine."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="reserve_entries")
    org = models.ForeignKey("orgs.Org", verbose_name=_("后备干部库"), on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("拟培养方向"), max_length=120, blank=True)
    added_on = models.DateField(_("入库日期"))
    removed_on = models.DateField(_("出库日期"), null=True, blank=True)
    removal_reason = models.CharField(_("出库原因"), max_length=300, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部")
        constraints = [models.UniqueConstraint(fields=["cadre"], condition=models.Q(removed_on__isnull=True), name="uniq_active_reserve")]

    def __str__(self):
        return f"{self.cadre} ({self.added_on:%Y})"


# --- competitive selection (竞争上岗 / 公开选拔) ------------------------------------------------------------


class CompetitionKind(models.TextChoices):
    INTERNAL = "internal", _("竞争上岗")
    OPEN = "open", _("公开选拔")


class Competition(TopOrgMixin, NoDeleteModel):
    """A post opened for competition: conditions (rule data, overridable by the announcement), applications,
    scores and ranking; its procedure instance holds the steps, the publicity notice and objections."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, verbose_name=_("选拔职位"), on_delete=models.PROTECT, related_name="competitions")
    kind = models.CharField(_("方式"), max_length=20, choices=CompetitionKind.choices, default=CompetitionKind.INTERNAL)
    seats = models.PositiveSmallIntegerField(_("选拔人数"), default=1)
    instance = models.OneToOneField("core.ProcedureInstance", on_delete=models.PROTECT, related_name="+")
    apply_from = models.DateField(_("报名开始"))
    apply_until = models.DateField(_("报名截止"))
    max_age = models.PositiveSmallIntegerField(_("年龄上限"), null=True, blank=True)
    min_education = models.CharField(_("最低学历"), max_length=20, blank=True)
    exam_weight = models.CharField(_("笔试权重"), max_length=10)
    interview_weight = models.CharField(_("面试权重"), max_length=10)
    rule_version = models.CharField(_("资格条件规则版本"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("竞争性选拔")
        verbose_name_plural = _("竞争性选拔")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.instance.title if self.instance_id else str(self.post)


class Application(NoDeleteModel):
    """One cadre's application (online by the cadre, or entered by staff); eligible when stored (refused otherwise)."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="applications")
    cadre = models.ForeignKey(Cadre, verbose_name=_("报名人"), on_delete=models.PROTECT, related_name="applications")
    applied_on = models.DateField(_("报名日期"))
    channel = models.CharField(_("报名方式"), max_length=10, choices=[("online", _("本人网上报名")), ("staff", _("工作人员代为登记"))])
    statement = models.TextField(_("竞职陈述"), blank=True, max_length=2000)
    exam_score = models.DecimalField(_("笔试成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    interview_score = models.DecimalField(_("面试成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    absent = models.BooleanField(_("缺考"), default=False)
    total = models.DecimalField(_("综合成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    vetted = models.BooleanField(_("考察对象"), default=False)
    chosen = models.BooleanField(_("决定任用"), default=False)
    withdrawn_on = models.DateField(_("退出日期"), null=True, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "competition__org__path"

    class Meta:
        verbose_name = _("竞争性选拔报名")
        verbose_name_plural = _("竞争性选拔报名")
        ordering = ["competition", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "cadre"], name="uniq_competition_application")]

    def __str__(self):
        return f"{self.competition_id}:{self.cadre_id}"


# --- daily oversight: talks, problems, key moments, inspection tours, side jobs -------------------------------------


class TalkKind(models.TextChoices):
    HEART = "heart", _("谈心谈话")
    INTEGRITY = "integrity", _("廉政谈话")
    REMINDER = "reminder", _("提醒谈话")
    INQUIRY = "inquiry", _("函询")
    ADMONITION = "admonition", _("诫勉")


class Talk(NoDeleteModel):
    """A one-to-one talk or a written inquiry with a cadre. What was said (and the cadre's answer) is sealed at rest;
    only staff designated for talk records read it, every read audited."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("谈话对象"), on_delete=models.PROTECT, related_name="talks")
    kind = models.CharField(_("类别"), max_length=20, choices=TalkKind.choices)
    on = models.DateField(_("谈话（发函）日期"))
    talker = models.CharField(_("谈话人"), max_length=100)
    occasion = models.CharField(_("谈话事由"), max_length=100, blank=True)
    sealed_record = models.BinaryField()
    key_id = models.CharField(max_length=16)
    reply_due = models.DateField(_("说明材料应交日期"), null=True, blank=True)
    replied_on = models.DateField(_("说明材料提交日期"), null=True, blank=True)
    moment = models.ForeignKey("KeyMoment", null=True, blank=True, on_delete=models.PROTECT, related_name="talks")
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "cadre__org__path"

    class Meta:
        verbose_name = _("谈话记录")
        verbose_name_plural = _("谈话记录")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()} {self.on}"


class TalkProblem(NoDeleteModel):
    """A problem found in a talk (or otherwise) about a cadre, followed up to closure; its text is sealed too."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="problems")
    talk = models.ForeignKey(Talk, null=True, blank=True, on_delete=models.PROTECT, related_name="problems")
    sealed_text = models.BinaryField()
    key_id = models.CharField(max_length=16)
    due_on = models.DateField(_("跟踪期限"))
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "cadre__org__path"

    class Meta:
        verbose_name = _("谈话发现的问题")
        verbose_name_plural = _("谈话发现的问题")
        ordering = ["closed_on", "due_on", "id"]

    def __str__(self):
        return f"{self.cadre} {self.due_on}"


class ProblemFollowUp(NoDeleteModel):
    problem = models.ForeignKey(TalkProblem, on_delete=models.PROTECT, related_name="follow_ups")
    on = models.DateField(_("跟踪日期"))
    sealed_text = models.BinaryField()
    key_id = models.CharField(max_length=16)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "problem__cadre__org__path"

    class Meta:
        ordering = ["on", "id"]


class MomentKind(models.TextChoices):
    PROMOTED = "promoted", _("新提任")
    LEAVING = "leaving", _("离任")
    HOLIDAY = "holiday", _("节假日")


class KeyMoment(TopOrgMixin, NoDeleteModel):
    """A key moment of cadre oversight: newly promoted (a 廉政谈话 is due), about to leave office (handover; the
    leaving-office economic responsibility audit linked), a holiday (节前廉洁提醒). Reminded by the deadline job."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=MomentKind.choices)
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="moments")
    appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    handover_on = models.DateField(_("工作交接日期"), null=True, blank=True)
    handover_note = models.CharField(_("交接情况"), max_length=500, blank=True)
    audit_required = models.BooleanField(_("须离任经济责任审计"), default=False)
    audit_reference = models.CharField(_("离任审计报告（文号/链接）"), max_length=300, blank=True)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("关键节点")
        verbose_name_plural = _("关键节点")
        ordering = ["on", "id"]

    def __str__(self):
        return self.title


class Inspection(TopOrgMixin, NoDeleteModel):
    """An inspection tour (巡查) of a unit; its findings go to the rectification ledger (worklists 整改台账)."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("被巡查党组织"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("被巡查单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    title = models.CharField(_("巡查名称"), max_length=200)
    team = models.CharField(_("巡查组成员"), max_length=300)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        ordering = ["-start_on", "-id"]

    def __str__(self):
        return self.title


class Finding(NoDeleteModel):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField(_("发现的问题"), max_length=2000)
    owner_name = models.CharField(_("整改责任人"), max_length=60)
    deadline = models.DateField(_("整改时限"))
    issue_id = models.PositiveBigIntegerField(_("整改台账编号"), null=True, blank=True)
    sent_on = models.DateField(_("移交整改日期"), null=True, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "inspection__org__path"

    class Meta:
        verbose_name = _("巡查发现问题")
        verbose_name_plural = _("巡查发现问题")
        ordering = ["inspection", "id"]

    def __str__(self):
        return self.text[:40]


class SideJobKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    ASSOCIATION = "association", _("社会团体")
    FOUNDATION = "foundation", _("基金会")
    OTHER = "other", _("其他组织")


class SideJob(NoDeleteModel):
    """A cadre's part-time post outside their own unit (兼职); flagged by the rule data when not allowed."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="side_jobs")
    organization = models.CharField(_("兼职单位"), max_length=200)
    kind = models.CharField(_("单位类别"), max_length=20, choices=SideJobKind.choices)
    role = models.CharField(_("兼任职务"), max_length=80)
    leadership = models.BooleanField(_("领导职务（会长、副会长、秘书长、董事等）"), default=False)
    started_on = models.DateField(_("兼职开始"))
    ended_on = models.DateField(_("兼职结束"), null=True, blank=True)
    paid = models.BooleanField(_("领取报酬"), default=False)
    approval = models.CharField(_("审批文号"), max_length=200, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "cadre__org__path"

    class Meta:
        verbose_name = _("干部兼职")
        verbose_name_plural = _("干部兼职")
        ordering = ["cadre", "-started_on", "id"]

    def __str__(self):
        return f"{self.cadre} {self.organization}{self.role}"
