"""A member's ID number has no index of its own: it is unique, and found by value, through id_tail (its reversal,
core.fields.ReversedLookupCharField) — one B-tree a roster import writes per row instead of two. Every equality
look-up by number, through a join too, reads that index and finds the same members; anything else still works on
the column itself; the copy is kept by every save."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from orgwork.conftest import make_id
from orgwork.members.models import Member
from orgwork.training.models import Trainee

pytestmark = pytest.mark.django_db


def _sql(qs) -> str:
    sql, params = qs.query.sql_with_params()
    return sql % tuple(repr(p) for p in params)


def _by_index(qs) -> bool:
    """The database answers the query through an index on id_tail (SQLite: a SEARCH … USING INDEX … (id_tail=?);
    PostgreSQL: an index scan on the id_tail index)."""
    plan = _plan(qs)
    return "id_tail" in plan and "index" in plan.lower() and "SCAN members_member" not in plan


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " ".join(str(r[-1]) for r in cur.fetchall())
        cur.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index can answer at all
        cur.execute("EXPLAIN " + sql, params)
        return " ".join(r[0] for r in cur.fetchall())


def test_equality_and_lists_are_asked_of_the_reversed_copys_unique_index(tree, make_member):
    a = make_member(tree.village_a, name="张三", birth=dt.date(1980, 5, 6))
    b = make_member(tree.village_b, name="李四", birth=dt.date(1981, 2, 3), male=False)
    assert a.id_tail == a.id_number[::-1]

    one = Member.objects.filter(id_number=a.id_number)
    assert list(one) == [a]
    assert "id_tail" in _sql(one) and repr(a.id_number[::-1]) in _sql(one) and a.id_number not in _sql(one)
    assert _by_index(one), _plan(one)

    both = Member.objects.filter(id_number__in=[a.id_number, b.id_number, "11010119900101999X"])
    assert set(both) == {a, b}
    assert "id_tail" in _sql(both) and _by_index(both), _plan(both)

    assert not Member.objects.filter(id_number=a.id_number[::-1]).exists()  # the reversal itself is no member's number
    assert Member.objects.filter(id_number=b.id_number).exclude(pk=b.pk).count() == 0


def test_a_join_a_subquery_and_the_other_look_ups_find_the_same_members(tree, make_member):
    a = make_member(tree.village_a, name="张三")
    Trainee.objects.create(id_number=a.id_number, name=a.name, member=a, org=tree.village_a)
    via_join = Trainee.objects.filter(member__id_number=a.id_number)
    assert [t.member_id for t in via_join] == [a.pk] and "id_tail" in _sql(via_join)
    # a subquery or a pattern cannot be reversed: the column itself answers, the same members
    assert list(Member.objects.filter(id_number__in=Member.objects.filter(pk=a.pk).values("id_number"))) == [a]
    assert list(Member.objects.filter(id_number__endswith=a.id_number[-4:])) == [a]
    assert list(Member.objects.filter(id_number__startswith=a.id_number[:6])) == [a]
    assert Member.objects.filter(id_number=None).count() == 0


def test_the_number_stays_unique_and_the_copy_follows_every_save(tree, make_member):
    a = make_member(tree.village_a)
    twin = Member(
        name="王五", id_number=a.id_number, gender="M", birth_date=dt.date(1980, 5, 6), category="full", org=tree.village_b,
        joined_on=dt.date(2005, 7, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()  # id_tail not set by the caller: save() writes it, and its unique index refuses the repeat
    a.id_number = make_id(dt.date(1970, 1, 1), True)
    a.save(update_fields=["id_number", "id_tail"])
    a.refresh_from_db()
    assert a.id_tail == a.id_number[::-1]
    assert Member.objects.get(id_number=a.id_number) == a
