"""Versioned rule tables.

A regulation's numbers live here as data: a rule set has a name, a version, the date it takes effect
and the source it comes from. Code asks for `rule("org.structure")` (the version in force today) or a
given version; a record keeps the version it was decided under. Domain apps register their tables in
their own `rules.py`; nothing here imports a domain app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType


class UnknownRule(LookupError):
    """No rule version answers: a date before the first version took effect (an answer 400 `no_rule_in_force`).

    Carries what a person needs to correct the input: the rule (`rule_name`, its Chinese `title` — the source
    regulation), the date asked (`on`) and the earliest date any version covers (`earliest`).
    """

    def __init__(self, message: str = "", *, rule_name: str = "", title: str = "", on: dt.date | None = None, earliest: dt.date | None = None, field: str = ""):
        super().__init__(message)
        self.rule_name = rule_name
        self.title = title
        self.on = on
        self.earliest = earliest
        self.field = field

    @classmethod
    def before_first(cls, name: str, on: dt.date, known) -> UnknownRule:
        first = min(known, key=lambda r: r.effective)
        title = first.get("title") or first.source
        if title and not title.startswith(("《", "“")) and "《" not in title:
            title = f"“{title}”"
        return cls(f"no version of {name!r} is in force on {on}", rule_name=name, title=title, on=on, earliest=first.effective)


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    effective: dt.date
    source: str
    values: Mapping = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __getitem__(self, key):
        return self.values[key]

    def get(self, key, default=None):
        return self.values.get(key, default)

    def derive(self, *, version: str, effective: dt.date, source: str, **changes) -> RuleSet:
        """A new version with some numbers changed: how a revision is added, as data."""
        values = dict(self.values)
        values.update(changes)
        return RuleSet(self.name, version, effective, source, values)


_REGISTRY: dict[str, dict[str, RuleSet]] = {}


def register(ruleset: RuleSet) -> RuleSet:
    versions = _REGISTRY.setdefault(ruleset.name, {})
    existing = versions.get(ruleset.version)
    if existing is not None and existing != ruleset:
        raise ValueError(f"rule set {ruleset.name} {ruleset.version} registered twice with different values")
    versions[ruleset.version] = ruleset
    return ruleset


def unregister(name: str, version: str) -> None:
    _REGISTRY.get(name, {}).pop(version, None)


def versions(name: str) -> list[RuleSet]:
    return sorted(_REGISTRY.get(name, {}).values(), key=lambda r: r.effective)


def rule(name: str, *, on: dt.date | None = None, version: str | None = None) -> RuleSet:
    """The rule set in force on a date (default today), or the named version."""
    known = _REGISTRY.get(name)
    if not known:
        raise UnknownRule(f"no rule set named {name!r}")
    if version is not None:
        try:
            return known[version]
        except KeyError:
            raise UnknownRule(f"rule set {name!r} has no version {version!r}") from None
    on = on or dt.date.today()
    in_force = [r for r in known.values() if r.effective <= on]
    if not in_force:
        raise UnknownRule.before_first(name, on, known.values())
    return max(in_force, key=lambda r: r.effective)


# --- shares ("more than half", "two thirds") as data ------------------------------------------------
_SHARE_WORDS = {Fraction(1, 2): "半数", Fraction(2, 3): "三分之二", Fraction(4, 5): "五分之四", Fraction(1, 3): "三分之一"}


def share(value) -> Fraction:
    """A share stored in a rule table: "1/2", "2/3", 0.8 → an exact fraction."""
    if isinstance(value, float):
        return Fraction(value).limit_denominator(1000)
    return Fraction(value)


def more_than_share(count: int, total: int, value) -> bool:
    """True when count is MORE THAN the share of total (e.g. more than half: 3 of 5, not 2 of 4)."""
    return Fraction(count) > Fraction(total) * share(value)


def at_least_share(count: int, total: int, value) -> bool:
    return Fraction(count) >= Fraction(total) * share(value)


def share_words(value) -> str:
    """How a regulation says the share: 半数, 三分之二, or n/d."""
    f = share(value)
    return _SHARE_WORDS.get(f, f"{f.numerator}/{f.denominator}")
