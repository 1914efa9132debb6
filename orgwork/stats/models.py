from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgStats(models.Model):
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
