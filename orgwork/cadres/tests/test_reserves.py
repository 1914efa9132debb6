"""Reserve cadres on the scoring engine: yearly 德能勤绩廉学 scores (weights as data), accumulated and ranked, two
low years in a row → removed (seed 000, rules.md §7); training hours from the credits archive."""

import datetime as dt

import pytest

from orgwork.cadres import selectors, services
from orgwork.cadres.rules import reserve_rules
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.scoring import services as scoring

pytestmark = pytest.mark.django_db
D = dt.date
HIGH = {"integrity": 18, "ability": 17, "diligence": 13, "performance": 22, "probity": 10, "learning": 8}  # 88
LOW = {"integrity": 10, "ability": 10, "diligence": 8, "performance": 12, "probity": 8, "learning": 5}  # 53


def _score(w, approver, r, year, scores):
    for e in services.score_reserve(actor=w.actor, reserve_id=r.pk, year=year, scores=scores, on=D(year, 11, 30)):
        scoring.approve(actor=approver, entry_id=e.pk)


def test_reserve_scores_rank_and_two_low_years_remove(world, users, system):
    from orgwork.training import services as training

    w = world
    approver = Actor.for_user(users["sysadmin"])
    a, b = w.cadres[:2]
    ra = services.add_reserve(actor=w.actor, cadre_id=a.pk, on=D(2024, 6, 1), target="正科级领导职务")
    rb = services.add_reserve(actor=w.actor, cadre_id=b.pk, on=D(2024, 6, 1))
    with pytest.raises(ServiceError) as exc:
        services.add_reserve(actor=w.actor, cadre_id=a.pk, on=D(2024, 6, 2))
    assert exc.value.errors[0].code == "duplicate_existing"
    with pytest.raises(ServiceError):  # a dimension scored above its weight is refused by the engine
        services.score_reserve(actor=w.actor, reserve_id=ra.pk, year=2025, scores={"probity": 11}, on=D(2025, 11, 30))
    with pytest.raises(ServiceError) as exc:  # the one who entered the scores cannot approve them
        e = services.score_reserve(actor=w.actor, reserve_id=ra.pk, year=2025, scores={"learning": 5}, on=D(2025, 11, 30))[0]
        scoring.approve(actor=w.actor, entry_id=e.pk)
    assert exc.value.errors[0].code == "self_approval"
    scoring.return_entry(actor=approver, entry_id=e.pk, reason="重复录入")
    _score(w, approver, ra, 2025, HIGH)
    _score(w, approver, rb, 2025, LOW)
    _score(w, approver, ra, 2026, HIGH)
    _score(w, approver, rb, 2026, LOW)
    training.credit_hours(system, id_number=a.id_number, name=a.name, hours=24, on=D(2026, 5, 10), source="attendance", ref="cls-1", org_id=w.tree.county.pk)
    rows = selectors.reserves(w.actor, year=2026)
    assert [(r["cadre"].name, r["rank"], r["accumulated"], r["year_total"]) for r in rows] == [("王五", 1, 176, 88), ("赵六", 2, 106, 53)]
    assert rows[0]["hours"] == 24
    assert services.review_reserves(actor=w.actor, year=2025, on=D(2026, 1, 5)) == []  # one low year only (2024 unscored but added mid-2024)
    removed = services.review_reserves(actor=w.actor, year=2026, on=D(2026, 12, 1))
    assert [r.cadre.name for r in removed] == ["赵六"] and "连续低于60分" in removed[0].removal_reason
    assert [r["cadre"].name for r in selectors.reserves(w.actor, year=2026)] == ["王五"]


def test_reserve_rule_data_weights_sum_to_100_and_two_years():
    """seed 000: 德、能、勤、绩、廉、学 scored yearly; low two years in a row → removed (threshold as data, default)."""
    rs = reserve_rules(D(2026, 1, 1))
    assert [d[1] for d in rs["dimensions"]] == ["德", "能", "勤", "绩", "廉", "学"]
    assert sum(d[2] for d in rs["dimensions"]) == 100 and rs["low_years"] == 2
