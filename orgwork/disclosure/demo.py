"""Demo: the county committee's disclosure catalogue, a published item, and one request waiting for an answer."""

from __future__ import annotations

from . import services
from .models import CatalogueEntry


def build(root, builder) -> dict:
    if CatalogueEntry.objects.exists():
        return {"entries": CatalogueEntry.objects.count()}
    actor = builder.actor
    orgs = [root, *builder.branches[:3]] if getattr(builder, "branches", None) else [root]
    for org in orgs:
        services.ensure_catalogue(actor=actor, org_id=org.pk)
    item = services.propose(actor=actor, org_id=root.pk, area="service", audience="public", title="联系和服务党员群众情况",
                            content="全县党员干部结对联系困难群众，为群众办实事。")  # fmt: skip
    services.review(actor=actor, item_id=item.pk, approve=True, secrecy_checked=True, comment="同意")
    services.approve(actor=actor, item_id=item.pk)
    services.publish(actor=actor, item_id=item.pk)
    services.submit_request(org_id=root.pk, question="请公开今年发展党员的名额和程序。", requester_name="王先生", today=builder.today)
    return {"entries": CatalogueEntry.objects.count(), "published": 1, "requests": 1}
