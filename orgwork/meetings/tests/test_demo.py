import pytest
from django.core.management import call_command

from orgwork.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_demo_meetings_load_once(tree, make_member):
    make_member(tree.village_a, name="甲")
    make_member(tree.village_a, name="乙")
    call_command("demo_meetings", "--if-empty")
    n = Meeting.objects.count()
    assert n > 0 and not Meeting.objects.exclude(status="held").exists()
    call_command("demo_meetings", "--if-empty")
    assert Meeting.objects.count() == n
