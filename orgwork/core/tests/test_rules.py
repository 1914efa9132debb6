import datetime as dt

import pytest

from orgwork.core.rules import RuleSet, UnknownRule, register, rule, unregister


def test_version_in_force_is_chosen_by_date():
    base = register(RuleSet("test.rate", "2008", dt.date(2008, 4, 1), "test", {"rate": 1}))
    newer = register(base.derive(version="2026", effective=dt.date(2026, 5, 18), source="test", rate=2))
    try:
        assert rule("test.rate", on=dt.date(2020, 1, 1))["rate"] == 1
        assert rule("test.rate", on=dt.date(2026, 5, 18))["rate"] == 2
        assert rule("test.rate", version="2008")["rate"] == 1
        with pytest.raises(UnknownRule):
            rule("test.rate", on=dt.date(2000, 1, 1))
    finally:
        unregister("test.rate", base.version)
        unregister("test.rate", newer.version)


def test_rule_values_are_read_only():
    rs = RuleSet("x", "1", dt.date(2000, 1, 1), "s", {"a": 1})
    with pytest.raises(TypeError):
        rs.values["a"] = 2


def test_more_than_a_share_is_exact():
    """"More than half" (超过半数, 发展党员工作细则 第二十四、二十五条): 3 of 5 passes, 2 of 4 does not; 4/5 quorum of elections."""
    from orgwork.core.rules import at_least_share, more_than_share, share_words

    assert more_than_share(3, 5, "1/2") and not more_than_share(2, 4, "1/2") and more_than_share(3, 4, "1/2")
    assert not more_than_share(8, 10, 0.8) and more_than_share(9, 10, "4/5")
    assert at_least_share(2, 3, "2/3") and not at_least_share(1, 3, "2/3")
    assert (share_words("1/2"), share_words("2/3"), share_words("3/7")) == ("半数", "三分之二", "3/7")
