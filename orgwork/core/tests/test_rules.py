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
