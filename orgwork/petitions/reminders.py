"""Petition time limits (15 days to decide, 60 to conclude, +30 — rules.py) are reminded by the kernel's procedure
provider; gaps in leaders' reception are an attention item on the home page of those who keep the schedule."""

from __future__ import annotations

from django.urls import reverse

from orgwork.core import deadlines, registry

from .rules import KIND


@deadlines.procedure_link(KIND)
def petition_link(instance) -> str:
    return reverse("petitions:detail", args=[instance.subject_id]) if instance.subject_id else reverse("petitions:register")


@registry.attention("petitions.reception_gaps")
def reception_gaps(actor, *, under=None):
    from .selectors import READ_ROLES, gaps

    if not actor.unrestricted and not actor.has_role(*READ_ROLES):
        return []
    out = []
    for g in gaps(actor):
        out.append(registry.Item(
            kind="petitions.reception_gap", title=f"{g.leader.name}（{g.leader.post}）{g.label}",
            detail=f"{g.start:%Y-%m-%d}至{g.end:%Y-%m-%d}", url=reverse("petitions:reception"),
            severity="danger" if g.kind == "missed" else "warning", due=g.end, org_id=g.leader.org_id,
        ))
    return out
