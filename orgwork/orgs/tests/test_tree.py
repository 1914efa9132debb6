import datetime as dt

import pytest

from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.models import AuditEvent, HardDeleteForbidden
from orgwork.orgs import selectors, services
from orgwork.orgs.models import Org, OrgKind


@pytest.mark.django_db
def test_paths_nest_and_a_subtree_is_one_range(tree):
    assert tree.village_a.path.startswith(tree.town_a.path)
    assert tree.group_a.depth == 4
    sub = set(Org.objects.filter(subtree_q(tree.town_a.path)).values_list("name", flat=True))
    assert sub == {"中共甲镇委员会", "红旗村党支部", "机关党支部", "第一党小组"}


@pytest.mark.django_db
def test_move_a_subtree_rewrites_every_descendant(tree, system):
    services.move_org(actor=system, org_id=tree.village_a.pk, new_parent_id=tree.town_b.pk)
    village = Org.objects.get(pk=tree.village_a.pk)
    group = Org.objects.get(pk=tree.group_a.pk)
    town_b = Org.objects.get(pk=tree.town_b.pk)
    assert village.parent_id == town_b.pk
    assert village.path.startswith(town_b.path) and group.path.startswith(village.path)
    assert group.depth == 4
    assert Org.objects.filter(subtree_q(tree.town_a.path)).count() == 2
    ev = AuditEvent.objects.filter(action="org.move").get()
    assert ev.data["subtree_size"] == 2


@pytest.mark.django_db
def test_cannot_move_under_own_descendant(tree, system):
    with pytest.raises(ServiceError) as exc:
        services.move_org(actor=system, org_id=tree.town_a.pk, new_parent_id=tree.village_a.pk)
    assert exc.value.errors[0].code == "bad_parent"


@pytest.mark.django_db
def test_kind_must_fit_its_parent(tree, system):
    with pytest.raises(ServiceError) as exc:
        services.create_org(actor=system, parent_id=tree.group_a.pk, name="错误支部", kind=OrgKind.BRANCH)
    assert exc.value.errors[0].field == "parent"


@pytest.mark.django_db
def test_abolish_keeps_the_row_and_hides_it(tree, system):
    with pytest.raises(ServiceError) as exc:
        services.abolish_org(actor=system, org_id=tree.village_a.pk, on=dt.date(2024, 1, 1), reason="合并")
    assert exc.value.errors[0].code == "has_children"
    services.abolish_org(actor=system, org_id=tree.group_a.pk, on=dt.date(2024, 1, 1), reason="合并到第二党小组")
    assert Org.objects.filter(pk=tree.group_a.pk, abolished_on=dt.date(2024, 1, 1)).exists()
    assert not selectors.orgs(system).filter(pk=tree.group_a.pk).exists()
    assert selectors.orgs(system, include_abolished=True).filter(pk=tree.group_a.pk).exists()


@pytest.mark.django_db
def test_abolish_refuses_an_org_with_members(tree, system, make_member):
    make_member(tree.office_a)
    with pytest.raises(ServiceError) as exc:
        services.abolish_org(actor=system, org_id=tree.office_a.pk, on=dt.date(2024, 1, 1), reason="撤并")
    assert exc.value.errors[0].code == "has_members"


@pytest.mark.django_db
def test_orgs_are_never_hard_deleted(tree):
    with pytest.raises(HardDeleteForbidden):
        tree.group_a.delete()
    with pytest.raises(HardDeleteForbidden):
        Org.objects.filter(pk=tree.group_a.pk).delete()


@pytest.mark.django_db
def test_rename_updates_pinyin_and_is_audited(tree, system):
    services.rename_org(actor=system, org_id=tree.office_a.pk, name="镇机关 党支部")
    org = Org.objects.get(pk=tree.office_a.pk)
    assert org.name == "镇机关党支部"
    assert org.name_initials.startswith("zjg")
    assert AuditEvent.objects.filter(action="org.rename", object_id=str(org.pk)).exists()


@pytest.mark.django_db
def test_a_secretary_cannot_change_another_branch(tree, users):
    from orgwork.core.actor import Actor

    sec_a = Actor.for_user(users["sec_a"])
    with pytest.raises(NotFound):
        services.rename_org(actor=sec_a, org_id=tree.village_b.pk, name="改名")
    with pytest.raises(ServiceError) as exc:
        services.create_org(actor=sec_a, parent_id=tree.town_b.pk, name="新支部", kind=OrgKind.BRANCH)
    assert exc.value.errors[0].code == "unknown_org"


@pytest.mark.django_db
def test_duplicate_code_is_refused(tree, system):
    with pytest.raises(ServiceError) as exc:
        services.create_org(actor=system, parent_id=tree.town_a.pk, name="X党支部", kind=OrgKind.BRANCH, code="C001")
    assert exc.value.errors[0].code == "duplicate_existing"
