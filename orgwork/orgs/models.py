from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.fields import PathField
from orgwork.core.models import NoDeleteModel
from orgwork.core.normalize import add_years

STEP = 4  # characters per tree level, base 36: 1.6 million children per parent
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_step(n: int) -> str:
    if not 0 < n < 36**STEP:
        raise ValueError("tree step out of range")
    out = ""
    for _i in range(STEP):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    GROUP = "group", _("党小组")


BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH})
COMMITTEE_KINDS = frozenset({OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE})

# Which kinds may sit under which (None = top level).
ALLOWED_PARENTS = {
    OrgKind.COMMITTEE: {None, OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE},
    OrgKind.WORKING_COMMITTEE: {None, OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE},
    OrgKind.BRANCH: {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.JOINT_BRANCH: {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.GROUP: {OrgKind.BRANCH, OrgKind.JOINT_BRANCH},
}


class Sector(models.TextChoices):
    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("社区")
    AGENCY = "agency", _("机关")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")
    PRIVATE = "private", _("非公有制企业")
    SOCIAL = "social", _("社会组织")
    SCHOOL = "school", _("学校")
    OTHER = "other", _("其他")


class Org(NoDeleteModel):
    path = PathField(_("路径"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("层级"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    child_seq = models.PositiveIntegerField(default=0, editable=False)
    code = models.CharField(_("组织代码"), max_length=40, unique=True)
    name = models.CharField(_("党组织名称"), max_length=120, db_index=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    name_pinyin = models.CharField(max_length=400, blank=True, db_index=True)
    name_initials = models.CharField(max_length=120, blank=True, db_index=True)
    kind = models.CharField(_("党组织类别"), max_length=24, choices=OrgKind.choices)
    sector = models.CharField(_("单位所属领域"), max_length=24, choices=Sector.choices, default=Sector.OTHER)
    unit_name = models.CharField(_("所在单位"), max_length=200, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)
    abolish_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)
    contact = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期年限"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"]), models.Index(fields=["depth", "path"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.abolished_on is None

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def ancestor_paths(self) -> list[str]:
        return [self.path[: i * STEP] for i in range(1, len(self.path) // STEP)]

    def term_length(self) -> int | None:
        if self.kind == OrgKind.GROUP:
            return None
        if self.term_years:
            return self.term_years
        from .rules import default_term_years

        return default_term_years(self.kind, self.sector)

    def term_ends_on(self) -> dt.date | None:
        years = self.term_length()
        if not self.term_started_on or not years:
            return None
        return add_years(self.term_started_on, years)


class OfficerPost(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    MEMBER = "member", _("委员")
    GROUP_LEADER = "group_leader", _("党小组组长")


# Posts that run an org's day-to-day work get the matching console role over that org: a branch's secretary,
# deputy secretary and organization member (支部书记/组织委员) get the secretary role; the same seats on a committee
# or general branch get the org administrator role. Other seats (宣传委员, 纪检委员, 委员, 党小组组长) get none.
CONSOLE_POSTS = frozenset({OfficerPost.SECRETARY, OfficerPost.DEPUTY_SECRETARY, OfficerPost.ORGANIZATION})


def post_role(org_kind: str, post: str) -> str | None:
    """The console role a post grants over its org, or None (role codes as in `core.models.Role`)."""
    if post not in CONSOLE_POSTS or org_kind == OrgKind.GROUP:
        return None
    return "secretary" if org_kind in BRANCH_KINDS else "org_admin"


class OrgOfficer(NoDeleteModel):
    """A seat on an org's committee (or the secretary of a branch without one)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="officers")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="posts")
    name = models.CharField(_("姓名"), max_length=60)
    post = models.CharField(_("职务"), max_length=24, choices=OfficerPost.choices)
    started_on = models.DateField(_("任职日期"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(_("离任原因"), max_length=200, blank=True)
    # The console role this post grants over the org (see `post_role`); revoked when the post ends.
    role_assignment = models.ForeignKey("core.RoleAssignment", null=True, blank=True, on_delete=models.PROTECT, related_name="posts")

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["org_id", "post", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"
