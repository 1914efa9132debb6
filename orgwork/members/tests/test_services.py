import datetime as dt

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent, HardDeleteForbidden
from orgwork.members import selectors, services
from orgwork.members.models import Member, MemberStatusChange


@pytest.mark.django_db
def test_create_member_is_audited_with_its_fields(tree, system):
    m = services.create_member(
        actor=system, org_id=tree.village_a.pk, name="赵 六", id_number="51152619800506001x", category="正式党员", joined_on="2005-07-01"
    )
    assert (m.name, m.gender, m.birth_date) == ("赵六", "M", dt.date(1980, 5, 6))
    assert (m.name_pinyin, m.name_initials, m.id_tail) == ("zhaoliu", "zl", "X10060500891625115")
    ev = AuditEvent.objects.get(action="member.create", object_id=str(m.pk))
    assert ev.changes["id_number"] == [None, "51152619800506001X"]
    assert ev.org_path == tree.village_a.path


@pytest.mark.django_db
def test_duplicate_id_number_is_refused(tree, system, make_member):
    m = make_member(tree.village_a)
    with pytest.raises(ServiceError) as exc:
        services.create_member(actor=system, org_id=tree.office_b.pk, name="另一人", id_number=m.id_number, category="full", joined_on="2010-01-01")
    assert exc.value.errors[0].code == "duplicate_existing"


@pytest.mark.django_db
def test_members_go_into_branches_not_groups(tree, system):
    with pytest.raises(ServiceError) as exc:
        services.create_member(actor=system, org_id=tree.group_a.pk, name="甲", id_number="51152619800506001X", category="full", joined_on="2005-07-01")
    assert exc.value.errors[0].field == "org"


@pytest.mark.django_db
def test_category_cannot_be_edited_freely(tree, system, make_member):
    m = make_member(tree.village_a, category="probationary", joined=dt.date(2026, 3, 1))
    with pytest.raises(ServiceError) as exc:
        services.update_member(actor=system, member_id=m.pk, category="full")
    assert exc.value.errors[0].code == "use_status_action"


@pytest.mark.django_db
def test_confirm_then_suspend_and_restore_keep_history(tree, system, make_member):
    m = make_member(tree.village_a, category="probationary", joined=dt.date(2025, 9, 1))
    services.change_status(actor=system, member_id=m.pk, action="confirm", on=dt.date(2026, 9, 1), reason="预备期满，支部大会通过")
    m.refresh_from_db()
    assert (m.category, m.confirmed_on) == ("full", dt.date(2026, 9, 1))
    services.change_status(actor=system, member_id=m.pk, action="suspend", on=dt.date(2026, 10, 1), reason="失联超过6个月")
    services.change_status(actor=system, member_id=m.pk, action="restore", on=dt.date(2026, 11, 1), reason="已取得联系")
    history = list(MemberStatusChange.objects.filter(member=m).order_by("effective_on").values_list("action", flat=True))
    assert history == ["confirm", "suspend", "restore"]
    assert AuditEvent.objects.filter(object_id=str(m.pk), action__in=["member.confirm", "member.suspend", "member.restore"]).count() == 3


@pytest.mark.django_db
def test_status_action_needs_reason_and_valid_date(tree, system, make_member):
    m = make_member(tree.village_a)
    with pytest.raises(ServiceError) as exc:
        services.change_status(actor=system, member_id=m.pk, action="decease", on=dt.date(2999, 1, 1), reason="")
    assert {(e.field, e.code) for e in exc.value.errors} == {("on", "future_date"), ("reason", "required")}
    with pytest.raises(ServiceError) as exc:
        services.change_status(actor=system, member_id=m.pk, action="confirm", on=dt.date(2020, 1, 1), reason="x")
    assert exc.value.errors[0].code == "not_allowed"  # already full


@pytest.mark.django_db
def test_removed_member_stays_in_the_registry(tree, system, make_member):
    m = make_member(tree.village_a)
    services.change_status(actor=system, member_id=m.pk, action="remove", on=dt.date(2026, 1, 1), reason="除名决定")
    assert Member.objects.filter(pk=m.pk, standing="removed").exists()
    assert not selectors.search_members(system, status="normal").filter(pk=m.pk).exists()
    assert selectors.search_members(system, status="removed").filter(pk=m.pk).exists()
    with pytest.raises(HardDeleteForbidden):
        m.delete()


@pytest.mark.django_db
def test_a_failed_write_leaves_nothing(tree, system, make_member):
    before = (Member.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError):
        services.create_member(actor=system, org_id=tree.village_a.pk, name="甲", id_number="bad", category="full", joined_on="2005-07-01")
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_secretary_cannot_touch_another_branch(tree, users, make_member):
    other = make_member(tree.village_b)
    sec_a = Actor.for_user(users["sec_a"])
    with pytest.raises(NotFound):
        services.update_member(actor=sec_a, member_id=other.pk, job="x")
    with pytest.raises(NotFound):
        services.change_status(actor=sec_a, member_id=other.pk, action="decease", on=dt.date(2026, 1, 1), reason="x")
    with pytest.raises(ServiceError) as exc:
        services.create_member(actor=sec_a, org_id=tree.village_b.pk, name="甲", id_number="51152619800506001X", category="full", joined_on="2005-07-01")
    assert exc.value.errors[0].code == "unknown_org"


@pytest.mark.django_db
def test_member_role_cannot_write_even_itself(tree, users):
    me = Actor.for_user(users["member_a"])
    with pytest.raises(NotFound):
        services.update_member(actor=me, member_id=users["member_a_record"].pk, phone="13800138000")


def test_statistics_cohorts_are_rule_data():
    """The youth cohort of the party statistics (35岁及以下) and the elderly one (61岁及以上) come from the rule table."""
    import datetime as _dt

    from orgwork.members.rules import statistics_rules

    r = statistics_rules(_dt.date(2026, 12, 31))
    assert (r["youth_age_max"], r["elderly_age_min"]) == (35, 61)
