from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from orgwork.core.actor import Actor
from orgwork.core.models import RoleAssignment


@pytest.mark.django_db
def test_grant_role_by_path_and_chinese_role_name(tree):
    get_user_model().objects.create_user("zhang", password="x")
    out = StringIO()
    call_command("grant_role", "zhang", "乙镇党委/红旗村党支部", "支部书记/组织委员", stdout=out)
    ra = RoleAssignment.objects.get(user__username="zhang")
    assert (ra.org_id, ra.role) == (tree.village_b.pk, "secretary")
    actor = Actor.for_user(ra.user)
    assert actor.subtree_paths() == [tree.village_b.path]


@pytest.mark.django_db
def test_grant_role_with_ambiguous_name_lists_candidates(tree):
    get_user_model().objects.create_user("zhang", password="x")
    with pytest.raises(CommandError, match="中共甲镇委员会/红旗村党支部"):
        call_command("grant_role", "zhang", "红旗村党支部", "secretary")
    with pytest.raises(CommandError):
        call_command("grant_role", "zhang", "C001", "king")
    with pytest.raises(CommandError):
        call_command("grant_role", "nobody", "C001", "secretary")


@pytest.mark.django_db
def test_demo_builds_a_county_with_repeated_names_and_users():
    out = StringIO()
    call_command("demo", members=300, stdout=out)
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org

    assert Member.objects.count() >= 280
    assert Org.objects.filter(name="第一党支部").count() > 1  # names repeat across towns
    assert get_user_model().objects.filter(username__in=["admin", "county", "town", "secretary", "member"]).count() == 5
    from orgwork.core.audit import verify

    assert verify().ok
    call_command("demo", if_empty=True, members=300, stdout=out)  # second run is a no-op
    assert Member.objects.count() < 400
