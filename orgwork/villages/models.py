"""Village and community cadres (村/社区两委), secondments and dispatches (挂职/选派), units without a party
organization (两新组织) with their party-building instructors."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Cadre(NoDeleteModel):
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

    @property
    def audit_org_path(self) -> str:
        return self.org.path


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Secondment(NoDeleteModel):
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

    @property
    def audit_org_path(self) -> str:
        return self.org.path


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

    @property
    def audit_org_path(self) -> str:
        return self.secondment.org.path


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("非公有制企业")
    SOCIAL = "social", _("社会组织")


class Unit(NoDeleteModel):
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

    @property
    def audit_org_path(self) -> str:
        return self.org.path
