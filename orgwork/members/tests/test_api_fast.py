"""The member detail API builds its JSON directly: it must equal what MemberSerializer gives."""

import datetime as dt

import pytest

from orgwork.members.api import MemberSerializer, member_representation
from orgwork.members.models import Member


@pytest.mark.django_db
def test_direct_representation_equals_the_serializer(tree, make_member, system):
    from orgwork.members import services

    a = make_member(tree.village_a, name="甲村员", phone="13800138000", education="bachelor", ethnicity="汉族", job="农民", address="红旗村1号")
    b = make_member(tree.office_b, name="乙机关员", category="probationary", joined=dt.date(2025, 3, 1), birth=dt.date(1990, 2, 3), male=False)
    services.change_status(actor=system, member_id=a.pk, action="suspend", on=dt.date(2025, 1, 2), reason="测试") if hasattr(services, "change_status") else None
    for m in Member.objects.select_related("org").filter(pk__in=[a.pk, b.pk]):
        for full in ((), ("id_number",), ("id_number", "phone")):
            assert member_representation(m, full) == dict(MemberSerializer(m, context={"full_fields": list(full)}).data)
