from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin


class OrgStats(TopOrgMixin, models.Model):
    """Per-org member counters, kept exact by the member and org services in the same transaction.

    `own` counts the org's direct members, `total` the org and all its descendants. Both are
    {key: count} with the keys listed in orgwork.stats.counters (zero counts are dropped).
    """

    org = models.OneToOneField("orgs.Org", primary_key=True, on_delete=models.PROTECT, related_name="stats")
    own = models.JSONField(default=dict)
    total = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("党组织统计")
        verbose_name_plural = _("党组织统计")

    def __str__(self):
        return f"stats {self.org_id}"


class AnnualFiling(TopOrgMixin, models.Model):
    """The annual statistics report as filed for one org's subtree and year: the figures the next year's report
    reconciles against (上年末数). A later filing for the same org and year supersedes it; none is ever deleted."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="annual_filings", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("统计年度"))
    closing = models.PositiveIntegerField(_("年末党员数"))
    closing_ids = models.JSONField(default=list)  # the members counted, so a later report can name what changed
    tables = models.JSONField(default=list)
    rule_version = models.CharField(max_length=20)
    filed_at = models.DateTimeField(auto_now_add=True)
    filed_by_label = models.CharField(_("报送人"), max_length=150)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        verbose_name = _("统计年报报送")
        verbose_name_plural = _("统计年报报送")
        indexes = [models.Index(fields=["org", "year", "filed_at"])]

    def __str__(self):
        return f"{self.org_id} {self.year}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path
