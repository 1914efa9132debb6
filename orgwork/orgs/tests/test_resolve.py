"""Names repeat (every town has a 红旗村党支部): find an org by code, unique name or a path of names."""

import pytest

from orgwork.core.actor import Actor
from orgwork.orgs.selectors import OrgAmbiguous, OrgLookupError, resolve_org


@pytest.mark.django_db
def test_by_code(tree):
    assert resolve_org("C001") == tree.county


@pytest.mark.django_db
def test_unique_name(tree):
    assert resolve_org("中共甲镇委员会") == tree.town_a
    assert resolve_org("  中共 甲镇委员会 ") == tree.town_a


@pytest.mark.django_db
def test_repeated_name_is_ambiguous_and_lists_candidates(tree):
    with pytest.raises(OrgAmbiguous) as exc:
        resolve_org("红旗村党支部")
    message = str(exc.value)
    assert "中共甲镇委员会/红旗村党支部" in message and "中共乙镇委员会/红旗村党支部" in message
    assert {c.pk for c in exc.value.candidates} == {tree.village_a.pk, tree.village_b.pk}


@pytest.mark.parametrize(
    "ref",
    ["中共乙镇委员会/红旗村党支部", "乙镇党委/红旗村党支部", "中共测试县委员会/中共乙镇委员会/红旗村党支部", "中共乙镇委员会／红旗村党支部", "中共乙镇委员会 / 红旗村党支部"],
)
@pytest.mark.django_db
def test_path_of_names_any_depth_and_short_names(tree, ref):
    assert resolve_org(ref) == tree.village_b


@pytest.mark.django_db
def test_deeper_path(tree):
    assert resolve_org("中共甲镇委员会/红旗村党支部/第一党小组") == tree.group_a


@pytest.mark.django_db
def test_unknown_and_wrong_parent(tree):
    with pytest.raises(OrgLookupError):
        resolve_org("不存在的支部")
    with pytest.raises(OrgLookupError):
        resolve_org("中共甲镇委员会/不存在")
    with pytest.raises(OrgLookupError):
        resolve_org("中共测试县委员会/红旗村党支部")  # the county is not the direct parent


@pytest.mark.django_db
def test_lookup_respects_scope(tree, users):
    actor = Actor.for_user(users["town_a"])
    assert resolve_org("红旗村党支部", actor=actor) == tree.village_a  # only one in scope
    with pytest.raises(OrgLookupError):
        resolve_org("中共乙镇委员会/红旗村党支部", actor=actor)
