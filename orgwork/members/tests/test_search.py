import datetime as dt

import pytest

from orgwork.members.selectors import search_members

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def people(tree, make_member):
    return {
        "zhang": make_member(tree.village_a, name="张伟", birth=dt.date(1990, 1, 1), joined=dt.date(2015, 7, 1), phone="13912345678", education="本科"),
        "zhao": make_member(tree.village_b, name="赵薇", birth=dt.date(1960, 1, 1), male=False, joined=dt.date(1980, 7, 1), phone="13800001111"),
        "wang": make_member(tree.office_a, name="王建国", birth=dt.date(2000, 6, 1), category="probationary", joined=dt.date(2026, 6, 1)),
    }


def names(actor, **kw):
    return {m.name for m in search_members(actor, today=TODAY, **kw)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q,expected",
    [("张", {"张伟"}), ("zw", {"张伟", "赵薇"}), ("zhangw", {"张伟"}), ("wjg", {"王建国"}), ("JianGuo", {"王建国"}), ("5678", {"张伟"}), ("1111", {"赵薇"})],
)
def test_search_by_name_pinyin_initials_phone(people, system, q, expected):
    assert names(system, q=q) == expected


@pytest.mark.django_db
def test_search_by_id_number_and_its_last_digits(people, system):
    m = people["zhao"]
    assert names(system, q=m.id_number) == {"赵薇"}
    assert names(system, q=m.id_number[-6:]) == {"赵薇"}
    assert names(system, q=m.id_number.lower()) == {"赵薇"}


@pytest.mark.django_db
def test_filters(people, system, tree):
    assert names(system, under=tree.town_a) == {"张伟", "王建国"}
    assert names(system, status="probationary") == {"王建国"}
    assert names(system, gender="F") == {"赵薇"}
    assert names(system, education="bachelor") == {"张伟"}
    assert names(system, age_band="le30") == {"王建国"}  # 26
    assert names(system, age_band="36_40") == {"张伟"}  # 36
    assert names(system, age_band="61_70") == {"赵薇"}  # 66
    assert names(system, party_age_band="40_49") == {"赵薇"}  # confirmed 1981-07-01 → 45 years (党龄 from full membership)
    assert names(system, sector="agency") == {"王建国"}


@pytest.mark.django_db
def test_ordering_is_stable(people, system):
    by_name = [m.name for m in search_members(system, ordering="name", today=TODAY)]
    assert by_name == ["王建国", "张伟", "赵薇"]  # wang, zhang, zhao
    assert [m.name for m in search_members(system, ordering="-name", today=TODAY)] == by_name[::-1]


@pytest.mark.django_db
def test_party_age_band_counts_from_full_membership_not_joining(tree, make_member, system):
    """党章第七条: 党龄 from the confirmation date. Joined 2021-09-01, confirmed 2022-09-01: on 2026-11-23 that is
    4 years (不满5年), though 5 years have passed since joining. A probationary member is in no band."""
    make_member(tree.village_a, name="钱程", joined=dt.date(2021, 9, 1), confirmed_on=dt.date(2022, 9, 1))
    make_member(tree.village_a, name="孙悦", category="probationary", joined=dt.date(2026, 3, 1))
    assert names(system, party_age_band="lt5") == {"钱程"}
    assert names(system, party_age_band="5_9") == set()
