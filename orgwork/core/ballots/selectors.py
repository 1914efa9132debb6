"""Reads of the ballot engine, scoped to the actor. Results are sealed until the ballot is closed."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ..actor import Actor
from ..errors import ServiceError
from ..scope import get_in_scope, scope
from .models import Ballot, BallotStatus, CastBallot, Credential, PaperSheet, SheetStatus


def ballots(actor: Actor, *, purpose: str | None = None, owner=None):
    qs = scope(Ballot.objects.select_related("org"), actor)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if owner is not None:
        qs = qs.filter(owner_type=owner._meta.label_lower, owner_id=str(owner.pk))
    return qs.order_by("-created_at", "-id")


def get_ballot(actor: Actor, ballot_id) -> Ballot:
    return get_in_scope(Ballot.objects.select_related("org"), actor, pk=ballot_id)


def turnout(ballot: Ballot) -> dict:
    """Live participation per group (who took part is counted, never what was chosen): readable while open."""
    creds = defaultdict(lambda: {"credentials": 0, "used": 0})
    for row in Credential.objects.filter(ballot=ballot, voided=False).values("group_id").annotate(n=Count("id"), used=Count("id", filter=Q(used=True))):
        creds[row["group_id"]] = {"credentials": row["n"], "used": row["used"]}
    paper = defaultdict(dict)
    for row in PaperSheet.objects.filter(ballot=ballot).values("group_id", "status").annotate(n=Count("id")):
        paper[row["group_id"]][row["status"]] = row["n"]
    cast = dict(CastBallot.objects.filter(ballot=ballot, filled=True).values("group_id").annotate(n=Count("id")).values_list("group_id", "n"))
    groups = []
    for g in ballot.groups.order_by("seq"):
        p = paper[g.pk]
        n = cast.get(g.pk, 0)
        expected = g.size or (creds[g.pk]["credentials"] + g.paper_sheets)
        groups.append(
            {
                "id": g.pk,
                "name": g.name,
                "weight": float(g.weight),
                "size": g.size,
                "credentials": creds[g.pk]["credentials"],
                "online": creds[g.pk]["used"],
                "paper_sheets": g.paper_sheets,
                "paper_counted": p.get(SheetStatus.MATCHED, 0) + p.get(SheetStatus.RESOLVED, 0),
                "paper_pending": p.get(SheetStatus.PENDING, 0),
                "paper_mismatch": p.get(SheetStatus.MISMATCH, 0),
                "cast": n,
                "rate": round(n / expected, 4) if expected else None,
            }
        )
    total = sum(g["cast"] for g in groups)
    expected = sum(g["size"] or (g["credentials"] + g["paper_sheets"]) for g in groups)
    return {"status": ballot.status, "groups": groups, "cast": total, "expected": expected, "rate": round(total / expected, 4) if expected else None}


def results(actor: Actor, ballot_id) -> dict:
    """The frozen tally. Before close: ServiceError `ballot_sealed` (for everyone, the system included)."""
    ballot = get_ballot(actor, ballot_id)
    return sealed_results(ballot)


def sealed_results(ballot: Ballot) -> dict:
    if ballot.status != BallotStatus.CLOSED:
        raise ServiceError.single("ballot", "ballot_sealed", _("投票尚未结束，结果密封，计票后才能查看"))
    return ballot.results


def sheets(actor: Actor, ballot_id, *, status: str | None = None):
    qs = scope(PaperSheet.objects.select_related("group").prefetch_related("entries"), actor).filter(ballot_id=ballot_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("group__seq", "sheet_no")


def ballot_for_code(code: str, *, client: str | None = None) -> Ballot | None:
    """The open ballot an unused, unvoided code belongs to (for the voting page), else None. Reveals nothing else.
    With `client` (a public page's address) wrong codes are counted and, past the limit, refused (`guard`)."""
    from . import guard
    from .services import CODE_LENGTH, code_hash, normalize_code

    guard.check(client)
    norm = normalize_code(code)
    cred = None
    if len(norm) == CODE_LENGTH:
        cred = Credential.objects.filter(code_hash=code_hash(norm), used=False, voided=False).select_related("ballot").first()
    if cred is None or cred.ballot.status != BallotStatus.OPEN:
        guard.failed(client)
        return None
    return cred.ballot
