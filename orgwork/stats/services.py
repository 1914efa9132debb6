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


def recount_counters(*, actor: Actor | None = None, fix: bool = True):
    """Rebuild the per-org counters from the member table (the nightly job and `manage.py recount`).

    With fix, the fresh counts are stored and, when any counter had drifted, one audit event (`stats.recount`)
    records how many and the first few — in the same transaction as the store. Without fix nothing is written.
    """
    from orgwork.core.audit import Entry, record_many

    from .recount import recount

    with transaction.atomic():
        result = recount(fix=fix)
        if fix and result.drift:
            first = result.drift[0]
            sample = [{"org": d.org_id, "field": d.field, "key": d.key, "stored": d.stored, "actual": d.actual} for d in result.drift[:20]]
            record_many(
                actor or Actor.system_actor("system:recount"),
                [Entry(action="stats.recount", object_type="stats.orgstats", object_id=str(first.org_id), object_repr="统计计数重算", org_path="", changes=None, data={"drifted": result.drifted, "sample": sample})],
            )
    return result
