"""Leader reception: city leaders at least 1 day every 2 months, county leaders every month (rule data); the schedule
published, appointments booked, records kept, follow-up to closure, gaps flagged."""

import datetime as dt

import pytest

from orgwork.core import registry
from orgwork.core.actor import Actor
from orgwork.petitions import selectors, services

pytestmark = pytest.mark.django_db


def test_gaps_flagged_per_leader_level(tree, users):
    a = Actor.for_user(users["county"])
    today = dt.date(2026, 5, 20)
    county_leader = services.add_leader(actor=a, org_id=tree.county.pk, name="县委书记甲", post="县委书记", level="county")
    city_leader = services.add_leader(actor=a, org_id=tree.county.pk, name="市领导乙", post="市委常委", level="city")
    for month in (1, 2, 4):  # county leader: held in Jan, Feb, Apr; March missed; May not yet scheduled
        d = services.schedule_day(actor=a, leader_id=county_leader.pk, date=dt.date(2026, month, 10), place="县信访局")
        services.record_reception(actor=a, day_id=d.pk, record="接待群众3批")
    d = services.schedule_day(actor=a, leader_id=city_leader.pk, date=dt.date(2026, 2, 15), place="市信访局")
    services.record_reception(actor=a, day_id=d.pk, record="接待群众")
    gaps = selectors.gaps(a, today=today)
    got = {(g.leader.name, g.start.month, g.kind) for g in gaps}
    assert ("县委书记甲", 3, "missed") in got and ("县委书记甲", 5, "unscheduled") in got
    assert ("市领导乙", 1, "missed") not in got  # Jan–Feb covered by 15 Feb
    assert ("市领导乙", 3, "missed") in got  # Mar–Apr: nothing
    assert ("市领导乙", 5, "unscheduled") in got
    assert len([g for g in gaps if g.leader == county_leader]) == 2


def test_schedule_booking_record_follow_up_and_attention(tree, users, client):
    a = Actor.for_user(users["county"])
    leader = services.add_leader(actor=a, org_id=tree.county.pk, name="县长丙", post="县长", level="county")
    day = services.schedule_day(actor=a, leader_id=leader.pk, date=dt.date.today() + dt.timedelta(days=3), place="县群众来访接待中心")
    page = client.get("/hall/").content.decode()
    assert "县长丙" in page and "县群众来访接待中心" in page
    r = client.post("/hall/book/", {"day": day.pk, "name": "预约人", "phone": "13300004444", "topic": "反映道路问题"})
    assert r.status_code == 200
    b = day.bookings.get()
    past = services.schedule_day(actor=a, leader_id=leader.pk, date=dt.date.today(), place="县群众来访接待中心")
    services.record_reception(actor=a, day_id=past.pk, record="接待2人，交办1件")
    services.follow_up(actor=a, booking_id=b.pk, follow_up="已交办交通局", closed_on=dt.date.today())
    b.refresh_from_db()
    assert b.status == "closed"
    leader2 = services.add_leader(actor=a, org_id=tree.county.pk, name="副县长丁", post="副县长", level="county")
    items = registry.collect_attention(a)
    assert any(i.kind == "petitions.reception_gap" and "副县长丁" in i.title for i in items)
    assert leader2.pk
