"""Limits on guessing one-time codes on the public voting pages (the cadres' recommendation page and the polls'
code page both come through here: `ballot_for_code` and `cast_with_code` take the client's address).

Wrong codes are counted in the cache (Redis in production, shared by every worker) in fixed windows, per address
and ballot (a wrong code that points at no ballot counts under "any ballot") and per address over all ballots.
Past the limit every try is refused — a right code too — with a Chinese message saying when to try again; the
refusal is audited once per window and key. The address is never stored: keys and the audit carry a keyed hash.
The numbers are rule data (no regulation fixes them: this system's defaults).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .. import audit
from ..actor import Actor
from ..errors import ServiceError
from ..rules import RuleSet, register, rule

RULES = "ballots.code_guesses"
RULES_2026 = register(
    RuleSet(
        RULES,
        "2026",
        dt.date(2000, 1, 1),
        "本系统默认做法（无法规规定）：同一地址10分钟内输错投票码10次即暂停",
        {
            "window_minutes": 10,
            "per_ballot": 10,  # wrong codes from one address for one ballot (or for no ballot) in a window
            "per_address": 30,  # wrong codes from one address over all ballots in a window
        },
    )
)


def rules() -> RuleSet:
    return rule(RULES)


def _tag(client: str) -> str:
    return salted_hmac("orgwork.ballots.guess", client or "", algorithm="sha256").hexdigest()[:24]


def _window(rs, now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // (rs["window_minutes"] * 60))


def _keys(client: str, ballot_id, rs, now=None) -> list[tuple[str, int]]:
    w = _window(rs, now)
    tag = _tag(client)
    return [(f"ballots:guess:{w}:{tag}:{ballot_id or 'any'}", rs["per_ballot"]), (f"ballots:guess:{w}:{tag}:all", rs["per_address"])]


def _refused(rs) -> ServiceError:
    return ServiceError.single("code", "rate_limited", _("投票码输错次数过多，请%(minutes)s分钟后再试") % {"minutes": rs["window_minutes"]})


def check(client: str | None, ballot_id=None, *, now: float | None = None) -> None:
    """Raises `rate_limited` (field `code`) when this address has used up its wrong codes; audited once per window."""
    if not client:
        return
    rs = rules()
    for key, limit in _keys(client, ballot_id, rs, now):
        if cache.get(key, 0) >= limit:
            if cache.add(f"{key}:audited", 1, rs["window_minutes"] * 60):
                with transaction.atomic():
                    audit.record_many(
                        Actor(user=None),
                        [audit.Entry(action="ballot.code_guesses_limited", object_type="core.ballot", object_id=str(ballot_id or ""), object_repr="",
                                     data={"client": _tag(client), "limit": limit, "window_minutes": rs["window_minutes"], "scope": "ballot" if key.endswith(f":{ballot_id or 'any'}") else "address"})],
                    )
            raise _refused(rs)


def failed(client: str | None, ballot_id=None, *, now: float | None = None) -> None:
    """Count one wrong code for this address (and ballot, when the page knows it)."""
    if not client:
        return
    rs = rules()
    ttl = rs["window_minutes"] * 60 + 60
    for key, _limit in _keys(client, ballot_id, rs, now):
        cache.add(key, 0, ttl)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ttl)
