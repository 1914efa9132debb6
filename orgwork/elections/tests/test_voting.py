"""Vote validity (《中国共产党基层组织选举工作条例》2020) and the contested ratio."""

import pytest

from orgwork.elections import voting
from orgwork.elections.rules import voting_rules

R = voting_rules()


def count(**kw):
    base = dict(seats=5, entitled=50, present=45, issued=45, returned=45, invalid=0)
    base.update(kw)
    return voting.count(rules=R, **base)


@pytest.mark.parametrize("seats,need", [(1, 1), (2, 2), (3, 4), (5, 6), (7, 9)])
def test_candidates_exceed_seats_by_at_least_20_percent(seats, need):
    assert voting.contested_minimum(seats, R) == need


def test_quorum_is_more_than_four_fifths_of_those_entitled():
    assert not count(present=40, issued=40, returned=40, votes={1: 30}).valid  # exactly 4/5 is not enough
    t = count(present=41, issued=41, returned=41, votes={1: 30})
    assert t.valid
    assert count(present=40, issued=40, returned=40, votes={}).errors[0].code == "no_quorum"


def test_more_ballots_returned_than_issued_invalidates_the_vote():
    t = count(returned=46, votes={})
    assert not t.valid and {e.code for e in t.errors} == {"too_many_ballots"}
    assert count(returned=44, votes={1: 30}).valid  # fewer returned is valid


def test_votes_cannot_exceed_valid_ballots():
    t = count(invalid=5, votes={1: 41})
    assert not t.valid and t.errors[0].code == "votes_exceed_ballots"
    t = count(seats=2, votes={1: 45, 2: 45, 3: 1})
    assert not t.valid  # 91 marks on 45 ballots of 2 names


def test_elected_needs_more_than_half_of_those_present():
    t = count(seats=3, votes={1: 40, 2: 23, 3: 22, 4: 10})  # present 45: more than 22.5
    assert t.valid and t.elected == [1, 2] and t.shortfall == 1


def test_highest_votes_win_when_more_pass_than_seats_and_ties_go_to_another_ballot():
    t = count(seats=2, votes={1: 40, 2: 26, 3: 24})
    assert t.elected == [1, 2] and not t.tied
    t = count(seats=2, votes={1: 40, 2: 25, 3: 25})
    assert t.elected == [1] and sorted(t.tied) == [2, 3] and t.shortfall == 1
