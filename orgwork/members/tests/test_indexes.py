"""The member table's indexes after the index audit (docs/scaling.md): exactly the ones a query reads through, and the
searches still answered from them. Each index is one more entry per imported member, so a new one needs a query."""

import pytest
from django.db import connection

from orgwork.core.fields import prefix_q
from orgwork.members.models import Member
from orgwork.members.selectors import search_condition

pytestmark = pytest.mark.django_db

# column lists of every index on members_member (the primary key aside)
EXPECTED = {
    ("user_id",),  # unique: one account, one member
    ("org_id", "standing", "category"),  # members of an org (every lookup by org starts with it)
    ("name_pinyin",),  # picker/search prefix and the order of every list by name
    ("name_initials",),  # picker/search prefix
    ("id_tail",),  # unique: one person, one record (the ID number reversed), its look-up and its last digits
    ("phone_tail",),  # the last digits of the phone
    ("top_org_id",),  # the distribution column (core.distribution)
    ("party_group_id",),  # partial: only members seated in a party group
}


def test_the_member_table_has_exactly_the_audited_indexes():
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, Member._meta.db_table)
    found = [tuple(c["columns"]) for c in constraints.values() if (c["index"] or c["unique"]) and not c["primary_key"] and c["columns"]]
    # no second index over the same columns either (PostgreSQL's varchar_pattern_ops twins are gone)
    assert sorted(found) == sorted(EXPECTED), sorted(found)


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: ask whether an index CAN answer
            cur.execute(f"EXPLAIN {sql}", params)
        else:
            cur.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(c) for c in row) for row in cur.fetchall())


@pytest.mark.parametrize(
    ("q", "index_column"),
    [("zhang", "name_pinyin"), ("zs", "name_initials"), ("5678", "id_tail"), ("5678", "phone_tail")],
)
def test_searches_still_read_their_index(q, index_column):
    qs = Member.objects.filter(search_condition(q)).order_by("name_pinyin", "id").values("id")
    text = plan(qs)
    if connection.vendor == "postgresql":
        assert f"members_member_{index_column}_" in text, text
    else:  # a unique column's index is SQLite's own (sqlite_autoindex_…), named in the plan by its column
        assert "USING INDEX members_member_" + index_column in text or f"USING INDEX sqlite_autoindex_members_member_1 ({index_column}>" in text, text


def test_the_picker_order_is_read_from_the_pinyin_index_with_a_standing_filter():
    qs = Member.objects.filter(prefix_q("name_pinyin", "zh"), standing="normal").order_by("name_pinyin", "id").values("id")[:20]
    text = plan(qs)
    assert "name_pinyin" in text and ("members_member_name_pinyin_" in text), text
