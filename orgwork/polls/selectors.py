"""Poll reads: the console through the scope; members see the open polls they may answer; results only after close."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from orgwork.core.actor import Actor
from orgwork.core.ballots import selectors as ballot_selectors
from orgwork.core.errors import ServiceError
from orgwork.core.models import Credential
from orgwork.core.scope import scope

from .models import Audience, Poll, PollState
from .services import MEMBER_VOTER


def polls(actor: Actor):
    return scope(Poll.objects.select_related("org", "ballot"), actor)


def get_poll(actor: Actor, pk: int) -> Poll | None:
    return polls(actor).filter(pk=pk).first()


def member_polls(actor: Actor):
    """Open members' polls the member is on the list of, with whether they have answered (a flag, not the answer)."""
    ids = [str(i) for i in actor.self_member_ids]
    if not ids:
        return []
    creds = Credential.objects.filter(voter_type=MEMBER_VOTER, voter_id__in=ids, ballot__status="open").values_list("ballot_id", "used")
    used = {}
    for bid, u in creds:
        used[bid] = used.get(bid, False) or u
    rows = Poll.objects.filter(ballot_id__in=used, state=PollState.OPEN, audience=Audience.MEMBERS).select_related("org").order_by("-pk")
    return [(p, used[p.ballot_id]) for p in rows]


def public_polls():
    return Poll.objects.filter(Q(audience=Audience.PUBLIC) | Q(audience=Audience.CODES), state__in=[PollState.OPEN, PollState.CLOSED]).select_related("org").order_by("-pk")


def turnout(poll: Poll) -> dict | None:
    return ballot_selectors.turnout(poll.ballot) if poll.ballot_id else None


def results(poll: Poll) -> dict:
    """The frozen tally; ServiceError `ballot_sealed` before the poll is closed."""
    if poll.ballot is None:
        raise ServiceError.single("ballot", "ballot_sealed", _("调查尚未开始"))
    return ballot_selectors.sealed_results(poll.ballot)


def chart_data(poll: Poll, res: dict) -> list[dict]:
    """Per question: labels and counts for the charts (ECharts) and the Excel export."""
    out = []
    for q in res["questions"]:
        if q["kind"] == "text":
            out.append({"seq": q["seq"], "kind": "text", "text": q["text"], "texts": q.get("texts", [])})
        elif q["kind"] == "choose":
            out.append({"seq": q["seq"], "kind": "choose", "text": q["text"], "labels": [o["label"] for o in q["options"]], "values": [o["votes"] for o in q["options"]]})
        else:
            o = q["options"][0]
            levels = o["levels"]
            mean = o.get("weighted_score")
            out.append({"seq": q["seq"], "kind": "rating", "text": q["text"], "labels": [_("%(n)s分") % {"n": k} for k in levels], "values": list(levels.values()), "mean": mean})
    for c in out:
        c["dom_id"] = f"chart-data-{c['seq']}"
        if c["kind"] != "text":
            c["pairs"] = list(zip(c["labels"], c["values"], strict=True))
    return out
