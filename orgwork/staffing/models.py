from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class PartyAffairsStaff(TopOrgMixin, NoDeleteModel):
    """A party-affairs worker (党务工作者) of a unit's party organization, full-time or part-time, with the dates
    they held the post. Leaving ends the record; it is never deleted."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="affairs_staff", verbose_name=_("所在单位党组织"))
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("党员"))
    name = models.CharField(_("姓名"), max_length=60)
    post = models.CharField(_("岗位"), max_length=60, blank=True)
    full_time = models.BooleanField(_("专职"), default=True)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离岗日期"), null=True, blank=True)
    end_reason = models.CharField(_("离岗原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("党务工作者")
        verbose_name_plural = _("党务工作者")
        ordering = ["org_id", "-full_time", "name"]
        indexes = [models.Index(fields=["org", "ended_on"])]

    def __str__(self):
        return self.name
