"""The bulk insert of new members (file imports, demo data): rows built apart from the writing (MemberRows.build, in an
import's check processes), written by BulkMemberWriter — on PostgreSQL as COPY lines the builder makes, on SQLite with
the columns every row has alike as SQL literals. What is read back must be what went in, whatever the text."""

import datetime as dt
import itertools

import pytest

from orgwork.core.idcard import make
from orgwork.core.models import AuditEvent
from orgwork.members import services
from orgwork.members.models import Member

pytestmark = pytest.mark.django_db
D = dt.date


def _row(org, i, **extra):
    return {
        "org": org, "name": f"批量{i}", "id_number": make("511526", D(1980, 1, 1 + i), 2 * i + 1), "gender": "M",
        "birth_date": D(1980, 1, 1 + i), "category": "full", "joined_on": D(2005, 7, 1), "confirmed_on": D(2006, 7, 1),
        **extra,
    }  # fmt: skip


def test_text_that_copy_would_misread_comes_back_as_written(tree, system):
    # COPY's text format gives a meaning to backslash, tab, newline and carriage return, and to \N (NULL); bulk rows
    # are validated already, but the writer must not depend on the validation having removed them
    odd = ["C:\\村委会\\二楼", "甲\t乙", "第一行\n第二行", "回车\r换行", "\\N", "\\\\N", "引号'\"", ""]
    rows = [_row(tree.village_a, i, address=text, job=text[::-1]) for i, text in enumerate(odd)]
    assert services.bulk_create_members(actor=system, rows=rows) == len(odd)
    got = {m.name: (m.address, m.job) for m in Member.objects.filter(name__startswith="批量")}
    assert got == {f"批量{i}": (text, text[::-1]) for i, text in enumerate(odd)}


def test_the_rows_get_the_standing_and_timestamps_every_new_member_has(tree, system):
    before = dt.datetime.now(dt.UTC)
    services.bulk_create_members(actor=system, rows=[_row(tree.village_a, 0), _row(tree.office_b, 1, lost_contact=True)])
    members = list(Member.objects.filter(name__startswith="批量").order_by("name"))
    assert [(m.standing, m.standing_since, m.user_id, m.party_group_id) for m in members] == [("normal", None, None, None)] * 2
    assert all(m.created_at == m.updated_at and m.created_at >= before - dt.timedelta(seconds=5) for m in members)
    assert [m.lost_contact for m in members] == [False, True]
    ev = AuditEvent.objects.filter(object_type="members.batch").latest("seq")
    assert set(ev.data["digests"]) == {str(m.pk) for m in members}
    for m in members:
        assert ev.data["digests"][str(m.pk)] == services.row_digest(m.pk, {f: getattr(m, f) for f in services.DIGEST_FIELDS})


def test_a_row_may_not_set_what_the_insert_fixes_for_every_row(tree, system, settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's COPY lines carry every column: nothing is fixed there")
    with pytest.raises(ValueError, match="standing"):
        services.bulk_create_members(actor=system, rows=[_row(tree.village_a, 0, standing="suspended")])
    assert not Member.objects.filter(name__startswith="批量").exists()


def test_literals_are_only_plain_constants():
    assert services._sql_literal(None) == "NULL"
    assert services._sql_literal("2026-12-03 10:00:00.123456") == "'2026-12-03 10:00:00.123456'"
    assert services._sql_literal(7) == "7"
    for bad in ("x'; DROP TABLE members_member; --", "引号", 1.5, b"x"):
        with pytest.raises(ValueError):
            services._sql_literal(bad)


def _writer(system, org):
    builder = services.MemberRows([org])
    return builder, services.BulkMemberWriter(actor=system, action="member.import", builder=builder)


def test_no_row_goes_in_after_the_batch_event(tree, system):
    # an import writes the batch's audit event while its check processes still count; a row written after it would
    # be missing from the event's digests
    from django.db import transaction

    with transaction.atomic():
        builder, writer = _writer(system, tree.village_a)
        with writer:
            first, second = writer.reserve(2)
            writer.insert([builder.build(_row(tree.village_a, 0), tree.village_a.pk, first)])
            writer.record()
            with pytest.raises(RuntimeError, match="audit event"):
                writer.insert([builder.build(_row(tree.village_a, 1), tree.village_a.pk, second)])
            assert writer.finish() == 1  # the event is not written twice
        assert AuditEvent.objects.filter(object_type="members.batch", object_id=f"{first}-{first}").count() == 1


def test_postgresql_checks_the_member_foreign_keys_per_chunk_only_while_writing(tree, system):
    # BulkMemberWriter makes the member table's deferred foreign keys immediate while it writes (checked with each
    # COPY, not all at the commit) and deferred again afterwards, for whatever else the transaction does
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SET CONSTRAINTS is PostgreSQL's")
    missing_org = 10**12

    def insert_orphan():
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO members_member (name, name_pinyin, name_initials, gender, id_number, id_number_old, id_tail, ethnicity, birth_date, "
                "education, category, org_id, joined_on, job, phone, phone_tail, address, standing, lost_contact, created_at, updated_at) "
                "VALUES ('孤儿', '', '', 'M', '511526198001010011', '', '', '', '1980-01-01', '', 'full', %s, '2005-07-01', '', '', '', '', "
                "'normal', false, now(), now())",
                [missing_org],
            )

    with transaction.atomic():
        _builder, writer = _writer(system, tree.village_a)
        with writer:
            with pytest.raises(IntegrityError), transaction.atomic():
                insert_orphan()  # immediate: refused by the statement itself
        with transaction.atomic():
            insert_orphan()  # deferred again: accepted until the check runs
            with pytest.raises(IntegrityError), connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the pending check runs now and fails
            transaction.set_rollback(True)


def test_reserved_ids_are_the_values_drawn_in_order_as_a_range_or_a_list(tree, system):
    # on PostgreSQL the sequence's values come back as a range when they are consecutive (nearly always), else as
    # the values themselves (another session drew between them: simulated here with the sequence's increment)
    from django.db import connection, transaction

    with transaction.atomic():
        _builder, writer = _writer(system, tree.village_a)
        with writer:
            ids = writer.reserve(5)
            assert list(ids) == list(range(ids[0], ids[0] + 5)) and len(set(ids)) == 5
            assert list(writer.reserve(0)) == []
            more = writer.reserve(3)
            assert more[0] > ids[-1]
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute(f"ALTER SEQUENCE {writer.sequence} INCREMENT BY 3")
                    spaced = writer.reserve(4)
                    assert isinstance(spaced, list) and [b - a for a, b in itertools.pairwise(spaced)] == [3, 3, 3]
                    assert spaced[0] > more[-1]
                    cur.execute(f"ALTER SEQUENCE {writer.sequence} INCREMENT BY 1")
        transaction.set_rollback(True)


def test_the_batch_scope_is_the_deepest_path_every_row_lies_under():
    """The batch event's org_path: the common prefix of the least and the greatest path, cut to whole steps, is the
    deepest path under which every row's org lies (compared with the common prefix of all of them)."""
    import random

    from orgwork.members.services import _common_path
    from orgwork.orgs.models import STEP, encode_step

    rng = random.Random(7)
    for _ in range(300):
        root = "".join(encode_step(rng.randint(1, 3)) for _ in range(rng.randint(0, 2)))
        paths = [root + "".join(encode_step(rng.randint(1, 40)) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 30))]
        common = paths[0]
        for p in paths[1:]:
            while not p.startswith(common):
                common = common[:-1]
        expected = common[: len(common) - len(common) % STEP]
        assert _common_path(paths) == expected
        assert all(p.startswith(expected) for p in paths)
    assert _common_path([]) == ""


def test_postgresql_chunks_stream_into_one_copy_that_any_other_statement_ends_first(tree, system):
    # the chunks go into one COPY left open between them; a statement of anyone on the connection (a look-up of ID
    # numbers, the counters, a progress write) ends it first, so it sees every row sent; the next chunk opens a new one
    from django.db import connection, transaction

    with transaction.atomic():
        builder, writer = _writer(system, tree.village_a)
        with writer:
            ids = writer.reserve(3)
            writer.insert([builder.build(_row(tree.village_a, 0), tree.village_a.pk, ids[0])])
            streaming = connection.vendor == "postgresql"
            assert (writer.copying is not None) is streaming
            assert Member.objects.filter(pk=ids[0]).exists()  # ended first: the row is in
            assert writer.copying is None
            writer.insert([builder.build(_row(tree.village_a, i), tree.village_a.pk, ids[i]) for i in (1, 2)])
            assert (writer.copying is not None) is streaming
            assert writer.finish() == 3
            assert writer.copying is None
        assert writer.guard is None  # the connection's statements run plain again
        assert Member.objects.filter(pk__in=ids).count() == 3
        assert AuditEvent.objects.filter(object_type="members.batch", object_id=f"{ids[0]}-{ids[2]}").count() == 1


def test_a_copy_that_fails_reports_the_database_error_and_the_connection_recovers(tree, system):
    # a row the server refuses (here an ID number registered already: the unique constraint) surfaces as Django's
    # IntegrityError when the COPY ends, whatever ends it; the transaction rolls back and the connection works on
    from django.db import IntegrityError, transaction

    services.bulk_create_members(actor=system, rows=[_row(tree.village_a, 5)], action="member.bench")
    taken = Member.objects.get(id_number=_row(tree.village_a, 5)["id_number"])
    before = Member.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        builder, writer = _writer(system, tree.village_a)
        with writer:
            (pk,) = writer.reserve(1)
            writer.insert([builder.build({**_row(tree.village_a, 6), "id_number": taken.id_number}, tree.village_a.pk, pk)])
            writer.finish()
    assert Member.objects.count() == before


def test_a_writer_left_with_the_transaction_marked_for_rollback_writes_nothing(tree, system):
    # an all-or-nothing import that found a bad row marks its transaction for rollback and leaves the writer: the open
    # COPY is abandoned (the server need not check the rest), nothing is kept, the connection works on
    from django.db import transaction

    before = Member.objects.count()
    with transaction.atomic():
        builder, writer = _writer(system, tree.village_a)
        with writer:
            ids = writer.reserve(2)
            writer.insert([builder.build(_row(tree.village_a, i), tree.village_a.pk, ids[i]) for i in (0, 1)])
            transaction.set_rollback(True)
        assert writer.copying is None and writer.guard is None
    assert Member.objects.count() == before
    assert not Member.objects.filter(pk__in=list(ids)).exists()


def _stored_row(builder, values: dict, org_id: int, pk: int) -> tuple[list, tuple]:
    """The row as the members table stores it, read column by column the plain way: each column from the values
    (choices as their text), derived (pinyin, reversed digits, the distribution root), or the new member's default;
    dates as ISO text. And the member as the counters count it."""
    from orgwork.core.pinyin import name_pinyin
    from orgwork.members.validation import phone_tail

    given = {("org_id" if k == "org" else k): v for k, v in values.items()}
    row = []
    for i, column in enumerate(builder.columns):
        v = pk if i == 0 else given[column] if column in given else builder.template[i]
        if i in builder.choices and v is not None:
            v = str(v)
        row.append(v)
    at = builder.at
    row[at["org_id"]] = org_id
    row[at["top_org_id"]] = builder.top_of[org_id]
    row[at["name_pinyin"]], row[at["name_initials"]] = name_pinyin(row[at["name"]])
    row[at["id_tail"]] = row[at["id_number"]][::-1]
    phone = row[at["phone"]] or ""
    row[at["phone"]], row[at["phone_tail"]] = phone, phone_tail(phone) if phone else ""
    years = [row[at[k]].year if row[at[k]] else None for k in ("birth_date", "joined_on", "confirmed_on")]
    counted = (*[row[at[k]] for k in ("org_id", "standing", "category", "gender", "education", "ethnicity", "lost_contact")], *years)
    row = [v.isoformat() if isinstance(v, dt.date) else v for v in row]
    return row, counted


def test_the_builder_made_for_a_key_set_gives_the_row_read_column_by_column(tree):
    """On SQLite the row's varying columns, on PostgreSQL the COPY line of every column (each suite checks its own)."""
    from orgwork.members.models import Category, Gender

    builder = services.MemberRows([tree.village_a, tree.office_b])
    vendor = builder.vendor
    samples = [
        _row(tree.village_a, 1),
        {**_row(tree.village_a, 2), "confirmed_on": None, "phone": "0831-2345678", "job": "教师", "address": "红旗村3组"},
        {**_row(tree.office_b, 3), "category": Category.PROBATIONARY, "gender": Gender.FEMALE, "confirmed_on": None, "phone": None},
        {**_row(tree.office_b, 4), "phone": "13800000004", "lost_contact": True, "ethnicity": "彝族", "education": "bachelor"},
        {k: v for k, v in _row(tree.village_a, 5).items() if k not in ("org", "confirmed_on")} | {"id_number_old": "511526800105011"},
        {**_row(tree.village_a, 6), "confirmed_on": None, "phone": "13800000006", "job": "", "address": "甲\t乙\\丙"},
    ]
    for n, values in enumerate(samples):
        org_id = (values.get("org") or tree.village_a).pk
        pk = 500 + n
        got_pk, record, digest, counted = builder.build(values, org_id, pk)
        row, want_counted = _stored_row(builder, values, org_id, pk)
        assert got_pk == pk and counted == want_counted
        stored = dict(zip(builder.columns, row, strict=True))
        assert digest == services.row_digest(pk, stored)
        if vendor == "postgresql":
            text = record.decode().rstrip("\n").split("\t")
            assert text == [services._copy_text(v) if v is not None else "\\N" for v in row]
        else:
            assert list(record) == [stored[c] for c in builder.sent]
    assert len(builder._made) == 5  # one builder per key set (the second and the last sample share theirs)


def test_the_made_builder_refuses_what_the_step_by_step_build_refused(tree):
    builder = services.MemberRows([tree.village_a])
    if builder.vendor != "postgresql":  # PostgreSQL's COPY lines carry every column: nothing is fixed there
        with pytest.raises(ValueError, match="standing"):
            builder.build({**_row(tree.village_a, 1), "standing": "suspended"}, tree.village_a.pk, 1)
    with pytest.raises(KeyError):
        builder.build({**_row(tree.village_a, 1), "no_such_column": 1}, tree.village_a.pk, 1)


def test_an_account_links_one_member_and_members_without_one_are_no_index_entries(tree, system):
    """The account link is unique where set, through a partial unique index: a bulk insert of members without an
    account adds no entry to it (a UNIQUE column would index every NULL)."""
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, connection, transaction

    services.bulk_create_members(actor=system, rows=[_row(tree.village_a, 0), _row(tree.village_a, 1)])
    first, second = Member.objects.filter(name__startswith="批量").order_by("pk")
    user = get_user_model().objects.create_user(username="linked", password="x")
    Member.objects.filter(pk=first.pk).update(user=user)
    assert get_user_model().objects.get(pk=user.pk).member == first  # still one-to-one in Python
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=second.pk).update(user=user)
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, Member._meta.db_table)
    on_user = {name: c for name, c in constraints.items() if c["columns"] == ["user_id"] and (c["unique"] or c["index"])}
    assert list(on_user) == ["members_member_user_set"] and on_user["members_member_user_set"]["unique"]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'members_member_user_set'")
        else:
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'members_member_user_set'")
        assert "IS NOT NULL" in cur.fetchone()[0]
