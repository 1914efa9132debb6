"""The member's phone page: my hours against rules.md §5's 32 h, and 自主选学 enrolment for myself (seats, full)."""

import datetime as dt

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.training import services
from orgwork.training.models import Enrolment

pytestmark = pytest.mark.django_db


def test_member_enrols_from_the_phone_page(tree, users, client, system, make_member):
    today = dt.date.today()
    me = users["member_a_record"]
    services.credit_hours(system, id_number=me.id_number, name=me.name, hours=12, on=today, source="manual", ref="me-1")
    county = services.create_course(actor=system, org_id=tree.county.pk, title="县级选学：乡村治理", kind="elective", hours=8, starts_on=today, ends_on=today + dt.timedelta(days=20), seats=1)
    other_town = services.create_course(actor=system, org_id=tree.town_b.pk, title="乙镇选学", kind="elective", hours=4, starts_on=today, ends_on=today + dt.timedelta(days=20), seats=5)
    client.force_login(users["member_a"])
    page = client.get("/training/me/", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    body = page.content.decode()
    assert page.status_code == 200 and "我的学习档案" in body and "还差20.0学时" in body  # rules.md §5: 32 − 12
    assert "县级选学：乡村治理" in body and "乙镇选学" not in body  # offers of my org and the levels above only
    r = client.post("/training/me/", {"course": county.pk}, follow=True)
    assert "已报名" in r.content.decode() and Enrolment.objects.filter(course=county, trainee__member=me).exists()
    actor = Actor.for_user(users["member_a"])
    with pytest.raises(NotFound):
        services.enrol_self(actor=actor, course_id=other_town.pk)
    someone = make_member(tree.village_a, name="另一人")
    with pytest.raises(ServiceError) as exc:
        services.enrol(actor=system, course_id=county.pk, id_number=someone.id_number, name="另一人")
    assert exc.value.errors[0].code == "course_full"
    assert client.get("/training/").status_code == 302  # the member role reaches no staff page (sent to their own page)
