"""Statistics writes: filing the annual report (audited)."""

from __future__ import annotations

from django.db import transaction

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound
from orgwork.core.scope import get_in_scope
from orgwork.orgs.models import Org

from .models import AnnualFiling


@transaction.atomic
def file_annual_report(*, actor: Actor, org_id: int, year: int) -> AnnualFiling:
    """File the year's report for an org's subtree: its figures become next year's opening figures."""
    from .selectors import annual_report, stats_org

    org = stats_org(actor, org_id)
    get_in_scope(Org.objects.all(), actor, write=True, pk=org.pk)  # filing needs write rights there
    report = annual_report(actor, org=org, year=year)
    if len(report.scope_org_ids) != 1:
        raise NotFound()
    filing = AnnualFiling.objects.create(
        org=org,
        year=report.year,
        closing=len(report.closing_ids),
        closing_ids=report.closing_ids,
        tables=report.tables,
        rule_version=report.rule_version,
        filed_by_label=actor.label,
    )
    audit.record(
        actor,
        "stats.annual_file",
        filing,
        org_path=org.path,
        data={"year": report.year, "closing": filing.closing, "checks_ok": all(c["ok"] for c in report.checks), "problems": len(report.problems)},
    )
    return filing
