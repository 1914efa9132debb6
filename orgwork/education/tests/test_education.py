"""Remote education (seed 002): sites and venues, the local course catalogue, site sessions crediting hours to the
training archive, monthly activity with inactive sites flagged."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.education import selectors, services
from orgwork.education.models import Attendance
from orgwork.training import selectors as training

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_hours_from_a_site_session_reach_the_members_archive(tree, users, make_member, media):
    sec = Actor.for_user(users["sec_a"])
    site = services.create_venue(actor=sec, org_id=tree.village_a.pk, kind="remote_site", name="红旗村远程教育站点", admin_name="王管理员", equipment=services.parse_equipment("电视机 1\n电脑 2\n投影仪"))
    assert site.equipment == [{"name": "电视机", "count": 1}, {"name": "电脑", "count": 2}, {"name": "投影仪", "count": 1}]
    course = services.upload_course(actor=Actor.for_user(users["county"]), org_id=tree.county.pk, title="学习贯彻党的二十大精神", kind="video", file=SimpleUploadedFile("lesson.mp4", b"\x00\x00\x00\x18ftypmp42"), hours="2")
    assert course.file.name.startswith("education/courses/") and (media / course.file.name).exists()  # stored here, not a CDN
    a = make_member(tree.village_a, name="参学甲")
    b = make_member(tree.village_a, name="参学乙")
    before = training.hours(a.id_number, dt.date(TODAY.year, 1, 1), TODAY)
    s = services.record_session(actor=sec, venue_id=site.pk, course_id=course.pk, held_on=TODAY, host="王书记", member_ids=[a.pk, b.pk])
    assert s.hours == Decimal("2.0") and s.title == "学习贯彻党的二十大精神"
    assert training.hours(a.id_number, dt.date(TODAY.year, 1, 1), TODAY) == before + Decimal("2.0")
    archive = training.archive(a.id_number, year=TODAY.year)
    credit = [c for c in archive["credits"] if c.source == "remote"]
    assert len(credit) == 1 and credit[0].hours == Decimal("2.0") and "红旗村远程教育站点" in credit[0].note
    assert Attendance.objects.get(session=s, member=a).credit_id == credit[0].pk
    # Crediting is idempotent on the session and member: the same fact credited again is one row.
    from orgwork.training import services as training_services

    again = training_services.credit_hours(sec, id_number=a.id_number, name=a.name, hours="2", on=TODAY, source="remote", ref=f"education:session:{s.pk}:member:{a.pk}")
    assert again.pk == credit[0].pk and training.hours(a.id_number, dt.date(TODAY.year, 1, 1), TODAY) == before + Decimal("2.0")


def test_bad_sessions_and_course_files_are_refused(tree, users, make_member, media):
    sec = Actor.for_user(users["sec_a"])
    site = services.create_venue(actor=sec, org_id=tree.village_a.pk, kind="remote_site", name="站点", admin_name="管理员")
    other = make_member(tree.village_b, name="乙镇党员")
    with pytest.raises(ServiceError) as exc:
        services.record_session(actor=sec, venue_id=site.pk, title="学习", held_on=TODAY, hours=2, host="王", member_ids=[other.pk])
    assert exc.value.errors[0].code == "unknown_member"
    with pytest.raises(ServiceError) as exc:
        services.record_session(actor=sec, venue_id=site.pk, title="学习", held_on=TODAY + dt.timedelta(days=1), hours=0, host="王", member_ids=[])
    assert {e.field for e in exc.value.errors} == {"held_on", "hours", "members"}
    with pytest.raises(ServiceError) as exc:
        services.upload_course(actor=sec, org_id=tree.village_a.pk, title="外链", kind="video", file=SimpleUploadedFile("x.html", b"<a href=//cdn>"), hours=1)
    assert exc.value.errors[0].field == "file"


def test_monthly_activity_flags_inactive_sites(tree, users, make_member, media):
    sec_a, sec_b = Actor.for_user(users["sec_a"]), Actor.for_user(users["sec_b"])
    a = services.create_venue(actor=sec_a, org_id=tree.village_a.pk, kind="remote_site", name="甲村站点", admin_name="甲")
    b = services.create_venue(actor=sec_b, org_id=tree.village_b.pk, kind="remote_site", name="乙村站点", admin_name="乙")
    services.create_venue(actor=sec_a, org_id=tree.village_a.pk, kind="activity_room", name="甲村党员活动室", admin_name="甲")
    m = make_member(tree.village_a, name="参学丙")
    last = TODAY.replace(day=1) - dt.timedelta(days=1)
    services.record_session(actor=sec_a, venue_id=a.pk, title="党课", held_on=last, hours=1, host="甲", member_ids=[m.pk])
    rows = {r.venue.name: r for r in selectors.monthly_activity(Actor.for_user(users["county"]), year=last.year, month=last.month)}
    assert set(rows) == {"甲村站点", "乙村站点"}  # remote-education sites only
    assert not rows["甲村站点"].inactive and rows["甲村站点"].attendees == 1 and rows["乙村站点"].inactive
    items = [it for _p, it in deadlines.collect(TODAY.replace(day=2), only=["education.inactive_sites"])[0]]
    assert [it.org_id for it in items] == [b.org_id]


def test_api_and_pages(tree, users, api, client, make_member, media):
    sec = Actor.for_user(users["sec_a"])
    site = services.create_venue(actor=sec, org_id=tree.village_a.pk, kind="remote_site", name="站点一", admin_name="管理员")
    m = make_member(tree.village_a, name="参学丁")
    c = api(users["sec_a"])
    r = c.post("/api/v1/education/sessions/", {"venue": site.pk, "title": "集中学习", "held_on": TODAY.isoformat(), "hours": "1.5", "host": "王", "members": [m.pk]}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["attendees"] == 1
    assert c.get("/api/v1/education/activity/").json()["count"] == 1
    assert api(users["sec_b"]).get(f"/api/v1/education/venues/{site.pk}/").status_code == 404
    client.force_login(users["sec_a"])
    for url in ("/education/", "/education/courses/", "/education/sessions/", "/education/activity/"):
        assert client.get(url).status_code == 200, url
    resp = client.post("/education/sessions/", {"venue": site.pk, "title": "第二次", "held_on": TODAY.isoformat(), "hours": "1", "host": "王", "members": [m.pk]})
    assert resp.status_code == 302
    assert training.hours(m.id_number, dt.date(TODAY.year, 1, 1), TODAY) == Decimal("2.5")


def test_english_headings(users, client):
    import re

    client.force_login(users["county"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in ("/education/", "/education/courses/", "/education/sessions/", "/education/activity/"):
        html = client.get(url).content.decode()
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        assert not re.search(r"[\u3400-\u9fff]", h1), (url, h1)
    assert "Member education" in html
