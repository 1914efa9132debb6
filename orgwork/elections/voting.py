"""Vote counting and validity (基层组织选举工作条例 2020), as pure functions over the numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

from orgwork.core.errors import FieldError


def contested_minimum(seats: int, rules) -> int:
    """Candidates needed: seats plus at least 20% (rounded up); a secretary-only election may be uncontested."""
    if seats < rules["contested_min_seats"]:
        return seats
    return seats + math.ceil(seats * Fraction(str(rules["contested_ratio"])))


@dataclass
class Tally:
    valid: bool
    errors: list[FieldError] = field(default_factory=list)
    elected: list[int] = field(default_factory=list)
    tied: list[int] = field(default_factory=list)
    shortfall: int = 0


def count(*, seats: int, entitled: int, present: int, issued: int, returned: int, invalid: int, votes: dict[int, int], rules) -> Tally:
    """Whether the vote is valid, and who is elected to `seats` seats."""
    errors: list[FieldError] = []
    if present > entitled:
        errors.append(FieldError("voters_present", "bad_value", _("实到会人数%(present)s不能多于应到会人数%(entitled)s") % {"present": present, "entitled": entitled}))
    if present <= Fraction(str(rules["quorum_share"])) * entitled:
        errors.append(FieldError("voters_present", "no_quorum", _("实到会有选举权人数%(present)s未超过应到会人数%(entitled)s的五分之四，会议无效") % {"present": present, "entitled": entitled}))
    if issued > present:
        errors.append(FieldError("ballots_issued", "bad_value", _("发出选票%(issued)s张，多于实到会人数%(present)s") % {"issued": issued, "present": present}))
    if returned > issued:
        errors.append(FieldError("ballots_returned", "too_many_ballots", _("收回选票%(returned)s张，多于发出的%(issued)s张，选举无效，应重新选举") % {"returned": returned, "issued": issued}))
    if invalid > returned:
        errors.append(FieldError("ballots_invalid", "bad_value", _("无效票不能多于收回的选票")))
    valid_ballots = returned - invalid
    for cid, n in votes.items():
        if n < 0 or n > valid_ballots:
            errors.append(FieldError("votes", "votes_exceed_ballots", _("候选人%(cid)s得票%(n)s，超过有效选票%(valid_ballots)s张") % {"cid": cid, "n": n, "valid_ballots": valid_ballots}))
    if sum(votes.values()) > valid_ballots * seats:
        errors.append(FieldError("votes", "votes_exceed_ballots", _("得票合计%(sum)s超过有效选票×应选人数（%(valid_ballots)s×%(seats)s）") % {"sum": sum(votes.values()), "valid_ballots": valid_ballots, "seats": seats}))
    if errors:
        return Tally(False, errors)
    threshold = Fraction(str(rules["elected_share"])) * present
    over = sorted((cid for cid, n in votes.items() if n > threshold), key=lambda c: -votes[c])
    if len(over) <= seats:
        return Tally(True, [], over, [], seats - len(over))
    cutoff = votes[over[seats - 1]]
    sure = [c for c in over if votes[c] > cutoff]
    tied = [c for c in over if votes[c] == cutoff]
    if len(sure) + len(tied) == seats:
        return Tally(True, [], sure + tied, [], 0)
    # More over the line than seats and a tie at the last seat: those tied go to another ballot.
    return Tally(True, [], sure, tied, seats - len(sure))
