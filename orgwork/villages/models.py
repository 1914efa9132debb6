"""Village and community cadres (村/社区两委), secondments and dispatches (挂职/选派), units without a party
organization (两新组织) with their party-building instructors."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel
from orgwork.members.models import Education


class PartyPost(models.TextChoices):
    SECRETARY = "secretary", _("党组织书记")
    DEPUTY = "deputy", _("党组织副书记")
    MEMBER = "member", _("党组织委员")


class VillagePost(models.TextChoices):
    CHAIR = "chair", _("村（居）委会主任")
    VICE_CHAIR = "vice_chair", _("村（居）委会副主任")
    MEMBER = "member", _("村（居）委会委员")


class Probation(models.TextChoices):
    ON = "on", _("试用期中")
    EXTENDED = "extended", _("延长试用期")
    CONFIRMED = "confirmed", _("试用期满合格")
    NOT_CONFIRMED = "not_confirmed", _("试用期满不合格")


class Cadre(TopOrgMixin, NoDeleteModel):
    """A member of a village's or community's two committees (两委): keyed by ID number, with the post held on the
    party branch committee and/or on the villagers' (residents') committee. Holding both is 交叉任职."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）党组织"))
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=60)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("党员"))
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    graduate_official = models.BooleanField(_("大学生村官"), default=False)
    party_post = models.CharField(_("党组织职务"), max_length=20, choices=PartyPost.choices, blank=True)
    village_post = models.CharField(_("村（居）委会职务"), max_length=20, choices=VillagePost.choices, blank=True)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(_("离任原因"), max_length=200, blank=True)
    # post history: a change of post ends this record and starts a new one pointing back here (never overwritten)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("此前任职记录"))
    probation = models.CharField(_("试用期"), max_length=20, choices=Probation.choices, blank=True)
    probation_ends_on = models.DateField(_("试用期满日期"), null=True, blank=True)
    probation_decided_on = models.DateField(_("试用期考察日期"), null=True, blank=True)
    probation_note = models.CharField(_("试用期考察意见"), max_length=500, blank=True)
    rule_version = models.CharField(_("制度版本"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("两委成员")
        verbose_name_plural = _("两委成员")
        ordering = ["org_id", "party_post", "name"]
        indexes = [models.Index(fields=["org", "ended_on"]), models.Index(fields=["id_number"])]

    def __str__(self):
        return self.name

    @property
    def cross_holding(self) -> bool:
        return bool(self.party_post and self.village_post)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Secondment(TopOrgMixin, NoDeleteModel):
    """A person sent to work somewhere for a time (挂职/选派): kind from the rule data, tasks, work logs and an
    assessment at the end."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("派驻单位党组织"))
    place = models.CharField(_("派驻岗位/单位"), max_length=120, blank=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=60)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("党员"))
    kind = models.CharField(_("类别"), max_length=40)
    started_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    tasks = models.TextField(_("工作任务"), blank=True)
    grade = models.CharField(_("期满考核等次"), max_length=20, choices=Grade.choices, blank=True)
    assessed_on = models.DateField(_("考核日期"), null=True, blank=True)
    assessment = models.TextField(_("考核意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("挂职选派")
        verbose_name_plural = _("挂职选派")
        ordering = ["-started_on", "name"]
        indexes = [models.Index(fields=["ends_on", "assessed_on"])]

    def __str__(self):
        return self.name


class WorkLog(NoDeleteModel):
    secondment = models.ForeignKey(Secondment, on_delete=models.PROTECT, related_name="logs", verbose_name=_("挂职选派"))
    on = models.DateField(_("日期"))
    text = models.TextField(_("工作纪实"))
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "secondment__org__path"

    class Meta:
        verbose_name = _("工作纪实")
        verbose_name_plural = _("工作纪实")
        ordering = ["on", "id"]


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("非公有制企业")
    SOCIAL = "social", _("社会组织")


class Unit(TopOrgMixin, NoDeleteModel):
    """A 两新组织 (non-public enterprise or social organization) with no party organization yet, registered under the
    org that oversees it; an instructor (a secondment of kind 党建指导员) is assigned until a branch is set up."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("属地党组织"))
    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位类别"), max_length=20, choices=UnitKind.choices)
    employees = models.PositiveIntegerField(_("从业人员"), default=0)
    party_members = models.PositiveIntegerField(_("党员人数"), default=0)
    registered_on = models.DateField(_("登记日期"))
    instructor = models.ForeignKey(Secondment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("党建指导员"))
    setup_procedure_id = models.PositiveIntegerField(_("成立党组织程序"), null=True, blank=True)
    party_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("新成立的党组织"))
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("未建党组织的两新组织")
        verbose_name_plural = _("未建党组织的两新组织")
        ordering = ["org_id", "name"]

    def __str__(self):
        return self.name


# --- pay: former village cadres and the leaving allowance -------------------------------------------------------


class FormerCadre(TopOrgMixin, NoDeleteModel):
    """A former village cadre receiving the subsidy (退职村干部补助, 分类定补): the class is decided from the years served
    under the pay rule in force when registered (the version is kept); the amounts follow the rule of each month."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）党组织"))
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=60)
    main_post = models.BooleanField(_("曾任主职干部"), default=False)
    years = models.PositiveSmallIntegerField(_("任职年限"))
    left_on = models.DateField(_("离任日期"))
    subsidy_class = models.CharField(_("补助类别"), max_length=10)
    subsidy_from = models.DateField(_("补助起始日期"))
    subsidy_until = models.DateField(_("补助终止日期"), null=True, blank=True)
    stop_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    rule_version = models.CharField(_("制度版本"), max_length=40)
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("任职记录"))
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("退职村干部")
        verbose_name_plural = _("退职村干部")
        ordering = ["org_id", "name"]

    def __str__(self):
        return self.name


class LeavingAllowance(TopOrgMixin, NoDeleteModel):
    """The one-off allowance of an outstanding secretary leaving office (优秀村书记离任特殊贡献补贴, seed 003)."""

    cadre = models.OneToOneField(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("任职记录"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）党组织"))
    name = models.CharField(_("姓名"), max_length=60)
    secretary_years = models.PositiveSmallIntegerField(_("任书记年限"))
    excellent_years = models.PositiveSmallIntegerField(_("述职评议优秀年数"))
    amount = models.DecimalField(_("补贴金额"), max_digits=10, decimal_places=2)
    granted_on = models.DateField(_("核定日期"))
    rule_version = models.CharField(_("制度版本"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("优秀村书记离任补贴")
        verbose_name_plural = _("优秀村书记离任补贴")
        ordering = ["-granted_on"]


# --- village reserve cadres (村级后备干部) ---------------------------------------------------------------------


class ReserveCadre(TopOrgMixin, NoDeleteModel):
    """A village reserve cadre: keyed by ID number; training hours come from the training archive (same number)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）党组织"))
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=60)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("党员"))
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    strengths = models.CharField(_("特长与培养方向"), max_length=200, blank=True)
    added_on = models.DateField(_("纳入日期"))
    removed_on = models.DateField(_("退出日期"), null=True, blank=True)
    removed_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("村级后备干部")
        verbose_name_plural = _("村级后备干部")
        ordering = ["org_id", "name"]
        indexes = [models.Index(fields=["id_number"])]

    def __str__(self):
        return self.name


class Placement(NoDeleteModel):
    """A practice placement of a reserve cadre (实践锻炼, seed 002: 到市场上“强制锻炼”), with an assessment at the end."""

    reserve = models.ForeignKey(ReserveCadre, on_delete=models.PROTECT, related_name="placements", verbose_name=_("后备干部"))
    place = models.CharField(_("锻炼岗位/单位"), max_length=120)
    started_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    tasks = models.TextField(_("锻炼任务"), blank=True)
    grade = models.CharField(_("锻炼考核等次"), max_length=20, choices=Grade.choices, blank=True)
    comment = models.TextField(_("考核意见"), blank=True)
    assessed_on = models.DateField(_("考核日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "reserve__org__path"

    class Meta:
        verbose_name = _("实践锻炼")
        verbose_name_plural = _("实践锻炼")
        ordering = ["-started_on", "id"]


# --- first secretaries' yearly assessment; pairing, contact points and visits ------------------------------


class YearAssessment(NoDeleteModel):
    """The yearly assessment of a dispatched first secretary (and any secretment with a term over a year)."""

    secondment = models.ForeignKey(Secondment, on_delete=models.PROTECT, related_name="years", verbose_name=_("挂职选派"))
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("年度考核等次"), max_length=20, choices=Grade.choices)
    comment = models.TextField(_("考核意见"), blank=True)
    assessed_on = models.DateField(_("考核日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "secondment__org__path"

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["secondment", "year"], name="villages_one_assessment_a_year")]


class Pairing(TopOrgMixin, NoDeleteModel):
    """One pairing with visit logs: a unit with a village (结对帮扶), a county leader with a contact point
    (县级领导联系点), a member with a household (党员联系群众). `org` is where it happens (the village, the point)."""

    kind = models.CharField(_("类别"), max_length=30)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在党组织"))
    helper = models.CharField(_("帮扶（联系）方"), max_length=120)
    helper_member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("联系党员"))
    target = models.CharField(_("帮扶（联系）对象"), max_length=120)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    goals = models.TextField(_("帮扶目标"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("结对联系")
        verbose_name_plural = _("结对联系")
        ordering = ["kind", "org_id", "id"]
        indexes = [models.Index(fields=["kind", "ended_on"])]

    def __str__(self):
        return f"{self.helper}—{self.target}"


class Visit(NoDeleteModel):
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits", verbose_name=_("结对联系"))
    on = models.DateField(_("走访日期"))
    text = models.TextField(_("走访情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "pairing__org__path"

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-on", "-id"]
