"""Each number of the discipline rule table, with the article it comes from."""

import datetime as dt

import pytest

from orgwork.core.errors import ServiceError
from orgwork.discipline.rules import sanction_rules

D = dt.date


def test_party_constitution_article_40_five_sanctions_and_no_vote_under_probation():
    """党章第四十条: 警告、严重警告、撤销党内职务、留党察看、开除党籍; 留党察看期间没有表决权、选举权和被选举权."""
    r = sanction_rules(D(2025, 1, 1))
    assert tuple(r["kinds"]) == ("warning", "serious_warning", "post_removal", "probation", "expulsion")
    assert tuple(r["no_vote_rights"]) == ("probation",)


def test_probation_is_one_or_two_years_never_longer():
    """党章第四十条: 留党察看最长不超过两年; 纪律处分条例第十二条: 分为留党察看一年、留党察看二年."""
    r = sanction_rules(D(2025, 1, 1))
    assert tuple(r["probation_years"]) == (1, 2) and r["probation_max_years"] == 2


def test_influence_periods_of_warnings_and_post_removal():
    """纪律处分条例第十条 (警告一年、严重警告一年半内不得提升职务) and 第十一条 (撤销党内职务二年内不得担任相当职务)."""
    r = sanction_rules(D(2025, 1, 1))
    assert r["influence_months"] == {"warning": 12, "serious_warning": 18, "post_removal": 24}


def test_expelled_may_not_rejoin_for_five_years_and_posts_end():
    """纪律处分条例第十三条 (开除党籍五年内不得重新入党); 第十一至十三条: 党内职务随之撤销."""
    r = sanction_rules(D(2025, 1, 1))
    assert r["expulsion_rejoin_bar_years"] == 5
    assert set(r["ends_posts"]) == {"post_removal", "probation", "expulsion"}


def test_versions_follow_the_revisions_of_the_regulation():
    assert sanction_rules(D(2017, 1, 1)).version == "2016"
    assert sanction_rules(D(2018, 10, 1)).version == "2018"
    assert sanction_rules(D(2024, 1, 1)).version == "2024"


def test_a_date_before_any_version_is_a_clean_error():
    with pytest.raises(ServiceError) as exc:
        sanction_rules(D(2015, 12, 31))
    assert exc.value.errors[0].code == "no_rule_in_force" and exc.value.errors[0].field == "effective_on"
