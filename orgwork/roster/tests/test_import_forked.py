"""The member import gives the same report and the same database whether its row check runs in a forked process
(core.forked, files of FORK_MIN_ROWS rows or more) or in the importing process.

Each scenario imports the same file on both paths, each inside a savepoint rolled back afterwards (so both start
from the same state), with CHECK_CHUNK = 3 so that several chunks travel from the check process, and LOOKUP_BLOCK = 4
so that the registered ID numbers are looked up in several blocks that straddle the chunks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import os

import pytest
from django.db import transaction

from orgwork.conftest import make_id
from orgwork.core import audit, forked, idcard
from orgwork.core.models import AuditEvent
from orgwork.core.scope import scope
from orgwork.members.models import Member
from orgwork.members.services import DIGEST_FIELDS, row_digest
from orgwork.orgs.models import Org
from orgwork.roster import importer
from orgwork.roster.importer import import_members
from orgwork.stats.models import OrgStats
from orgwork.stats.recount import recount

from .test_import import row, sheet

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not forked.available(), reason="needs os.fork")]

CHUNK = 3
MEMBER_COLUMNS = [f.attname for f in Member._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at")]


def people(n, *, start=1960):
    """n valid rows, different people, over two towns' branches; some dates typed as text (clean_member's path)."""
    out = []
    for i in range(n):
        birth = dt.date(start + i, 1 + i % 12, 1 + i)
        r = row(**{"姓名": f"党员{'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉'[i]}", "公民身份号码": make_id(birth, i % 2 == 0), "性别": "男" if i % 2 == 0 else "女"})
        r["入党日期"] = dt.date(start + i + 25, 7, 1)
        r["转为正式党员日期"] = dt.date(start + i + 26, 7, 1)
        if i % 3 == 1:
            r["所在党组织"] = "乙镇党委/机关党支部"
            r["联系电话"] = f"1390000{i:04d}"
        if i % 4 == 2:
            r["入党日期"] = f"{start + i + 25}年7月1日"  # text: not the fast path
            r["学历"] = "硕士研究生"
        out.append(r)
    return out


@pytest.fixture
def chunks(monkeypatch, tmp_path):
    """CHECK_CHUNK = 3, and a record (a file: the check may run in another process) of every chunk the check
    yields: the process it ran in and whether marshal could carry it."""
    monkeypatch.setattr(importer, "CHECK_CHUNK", CHUNK)
    monkeypatch.setattr(importer, "LOOKUP_BLOCK", CHUNK + 1)  # registered ID numbers looked up a block at a time, not aligned to the chunks
    log = tmp_path / "chunks.log"
    original = importer._check_rows

    def spying(*args, **kwargs):
        for chunk in original(*args, **kwargs):
            if chunk[0] != "rows":  # a part's closing counts, not a chunk of rows
                yield chunk
                continue
            try:
                marshal.dumps(chunk)
                how = "marshal"
            except ValueError:
                how = "pickle"
            with open(log, "a") as f:
                f.write(f"{os.getpid()} {how} {chunk[-1]}\n")
            yield chunk

    monkeypatch.setattr(importer, "_check_rows", spying)

    def read():
        lines = log.read_text().split("\n")[:-1] if log.exists() else []
        log.unlink(missing_ok=True)
        return [(int(p), how, int(n)) for p, how, n in (line.split() for line in lines)]

    return read


def snapshot(members_before: set[int], events_before: int) -> dict:
    """What an import left in the database, independent of the ids a path drew (PostgreSQL sequences are not rolled
    back with the savepoint), with every batch digest checked against row_digest."""
    members = sorted(((tuple((k, getattr(m, k)) for k in MEMBER_COLUMNS), m.pk) for m in Member.objects.all()), key=lambda t: dict(t[0])["id_number"])
    new_pks = {pk for _, pk in members} - members_before
    events = []
    for ev in AuditEvent.objects.order_by("seq")[events_before:]:
        data = dict(ev.data)
        if ev.object_type == "members.batch":
            digests = data.pop("digests")
            first, last = data.pop("first_id"), data.pop("last_id")
            assert set(digests) == {str(pk) for pk in new_pks}
            assert (first, last) == (min(new_pks), max(new_pks))
            for m in Member.objects.filter(pk__in=new_pks):
                assert digests[str(m.pk)] == row_digest(m.pk, {f: getattr(m, f) for f in DIGEST_FIELDS})
            events.append(
                (ev.action, ev.object_type, ev.object_repr, ev.org_path, data, sorted(Member.objects.filter(pk__in=new_pks).values_list("id_number", flat=True)))
            )
        else:
            events.append((ev.action, ev.object_type, ev.object_id, ev.object_repr, ev.org_path, ev.changes, data))
    assert audit.verify().ok
    assert recount(fix=False).drift == []  # the counters the import kept equal a recount from the member table
    # (an empty counter row is no row: reading the counters ahead creates the rows of orgs that had none)
    stats = sorted((s.org_id, s.own, s.total) for s in OrgStats.objects.all() if s.own or s.total)
    return {"members": [m for m, _ in members], "new": len(new_pks), "events": events, "stats": stats}


def run(path, *, fork: bool, monkeypatch, chunks, scan: bool = False, **kwargs):
    """Import on one path inside a savepoint that is rolled back: (report, what it wrote, the chunks). `scan`: as a
    big file into a small table, every registered ID number read while the file is read (no block look-ups)."""
    monkeypatch.setattr(importer, "FORK_MIN_ROWS", 0 if fork else 10**9)
    monkeypatch.setattr(importer, "ID_SCAN_MIN_BYTES", 0 if scan else 1 << 40)
    # and the counter rows and the orgs read while the file is read
    monkeypatch.setattr(importer, "AHEAD_MIN_BYTES", 0 if scan else 1 << 40)
    monkeypatch.setattr(importer, "ID_SCAN_BYTES_PER_ROW", 1)
    chunks()  # forget the chunks of any import before this one
    members_before = set(Member.objects.values_list("pk", flat=True))
    events_before = AuditEvent.objects.count()
    stats_before = sorted((s.org_id, s.own, s.total) for s in OrgStats.objects.all())
    with transaction.atomic():
        report = import_members(str(path), **kwargs)
        written = snapshot(members_before, events_before)
        transaction.set_rollback(True)
    assert set(Member.objects.values_list("pk", flat=True)) == members_before
    assert AuditEvent.objects.count() == events_before
    assert sorted((s.org_id, s.own, s.total) for s in OrgStats.objects.all()) == stats_before
    return report, written, chunks()


def both(path, monkeypatch, chunks, **kwargs):
    """Import on both paths; assert the same report and database; return them (and the fork path's chunks). The fork
    path runs twice: registered ID numbers looked up a block at a time, and all read while the file is read."""
    in_report, in_written, in_chunks = run(path, fork=False, monkeypatch=monkeypatch, chunks=chunks, **kwargs)
    scan_report, scan_written, _ = run(path, fork=True, monkeypatch=monkeypatch, chunks=chunks, scan=True, **kwargs)
    fork_report, fork_written, fork_chunks = run(path, fork=True, monkeypatch=monkeypatch, chunks=chunks, **kwargs)
    assert dataclasses.asdict(scan_report) == dataclasses.asdict(in_report)
    assert scan_written == in_written
    me = os.getpid()
    # the in-process check ran here, the other in one other process; both in chunks of CHUNK rows
    assert {pid for pid, _, _ in in_chunks} == {me}
    fork_pids = {pid for pid, _, _ in fork_chunks}
    assert me not in fork_pids and len(fork_pids) == importer.CHECK_PROCESSES  # the chunks taken in turn from each
    rows = in_report.rows
    assert sorted(n for _, _, n in fork_chunks) == sorted(n for _, _, n in in_chunks)  # two processes log in any order
    assert sum(n for _, _, n in fork_chunks) == rows and len(fork_chunks) >= rows // CHUNK > 1
    assert dataclasses.asdict(fork_report) == dataclasses.asdict(in_report)
    assert fork_report.as_dict() == in_report.as_dict()
    assert fork_written == in_written
    return fork_report, fork_written, fork_chunks


def test_a_clean_file_gives_the_same_members_batch_event_and_counters(tree, system, tmp_path, monkeypatch, chunks):
    rows = people(10)
    report, written, sent = both(sheet(tmp_path, rows), monkeypatch, chunks, actor=system)
    assert report.as_dict() == {"accepted": 10, "rejected": [], "warnings": []}
    assert (report.created, report.updated, report.rows) == (10, 0, 10)
    assert {how for _, how, _ in sent} == {"marshal"}  # plain rows: the cheap way
    assert written["new"] == 10
    batch = [e for e in written["events"] if e[1] == "members.batch"]
    assert len(written["events"]) == 1 and len(batch) == 1
    action, _, repr_, org_path, data, ids = batch[0]
    assert action == "member.import" and data == {"rows": 10} and org_path == tree.county.path
    assert ids == sorted(idcard.normalize(r["公民身份号码"]) for r in rows)
    # the fields as typed, on the fork path (the snapshot compared equal to the in-process one)
    by_id = {dict(m)["id_number"]: dict(m) for m in written["members"]}
    third = by_id[rows[2]["公民身份号码"]]
    assert third["joined_on"] == dt.date(1987, 7, 1) and third["education"] == "master" and third["org_id"] == tree.village_a.pk
    second = by_id[rows[1]["公民身份号码"]]
    assert (second["org_id"], second["phone"], second["gender"], second["name"]) == (tree.office_b.pk, "13900000001", "F", "党员乙")
    assert second["top_org_id"] is not None and second["phone_tail"] == "10000000931"
    own = {org_id: o for org_id, o, _ in written["stats"]}
    assert sum(own[tree.village_a.pk].values()) > 0 and sum(own[tree.office_b.pk].values()) > 0


def late_errors():
    rows = people(10)
    rows[8]["联系电话"] = "12345"  # Excel row 10: the third chunk
    rows[9]["入党日期"] = "2019-13-45"  # Excel row 11: the fourth chunk
    rows[9]["所在党组织"] = "不存在党支部"
    return rows


def test_errors_in_a_late_chunk_write_nothing(tree, system, tmp_path, monkeypatch, chunks, make_member):
    from django.db import connection

    make_member(tree.village_b, name="已在册")
    cache_size = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size")
            cache_size = cur.fetchone()[0]
    # The first chunks were written before the rejected rows were found: the transaction is rolled back, and the
    # writer still puts the connection's page cache back (it used to query through a cursor Django refuses once
    # the transaction is marked for rollback: TransactionManagementError instead of a report, on SQLite).
    report, written, _ = both(sheet(tmp_path, late_errors()), monkeypatch, chunks, actor=system)
    if cache_size is not None:
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size")
            assert cur.fetchone()[0] == cache_size
    assert {(r["row"], r["code"]) for r in report.rejected} == {(10, "bad_phone"), (11, "bad_date"), (11, "unknown_org")}
    assert (report.accepted, report.created, report.updated) == (0, 0, 0)
    assert written["new"] == 0 and written["events"] == [] and len(written["members"]) == 1


def test_errors_in_a_late_chunk_with_partial_write_the_valid_rows(tree, system, tmp_path, monkeypatch, chunks):
    rows = late_errors()
    report, written, _ = both(sheet(tmp_path, rows), monkeypatch, chunks, actor=system, partial=True)
    assert {(r["row"], r["code"]) for r in report.rejected} == {(10, "bad_phone"), (11, "bad_date"), (11, "unknown_org")}
    assert (report.accepted, report.created, report.updated) == (8, 8, 0)
    assert written["new"] == 8 and len(written["events"]) == 1
    assert sorted(dict(m)["id_number"] for m in written["members"]) == sorted(r["公民身份号码"] for r in rows[:8])


def test_update_of_registered_members_on_both_paths(tree, system, tmp_path, monkeypatch, chunks):
    rows = people(8)
    # rows 2, 5 and 8 of the file (one per chunk) are registered already, with other values
    for i in (0, 3, 6):
        import_members(str(sheet(tmp_path, [{**rows[i], "联系电话": "13600000000", "所在党组织": "甲镇党委/机关党支部"}], name=f"first{i}.xlsx")), actor=system)
    rows[3]["人员类别"] = "预备党员"  # differs from the record: warned, not changed
    rows[3]["转为正式党员日期"] = None
    report, written, sent = both(sheet(tmp_path, rows), monkeypatch, chunks, actor=system, update=True)
    assert report.rejected == []
    assert (report.accepted, report.created, report.updated) == (8, 5, 3)
    assert [(w["row"], w["code"]) for w in report.warnings] == [(5, "category_unchanged")]
    assert {how for _, how, _ in sent} == {"pickle"}  # the values kept for the updates hold dates
    by_id = {dict(m)["id_number"]: dict(m) for m in written["members"]}
    for i in (0, 3, 6):
        m = by_id[rows[i]["公民身份号码"]]
        assert m["phone"] == (rows[i]["联系电话"]) and m["org_id"] != tree.office_a.pk
    assert {e[0] for e in written["events"]} == {"member.import", "member.update", "member.move"}


def test_an_old_15_digit_number_is_warned_alike(tree, system, tmp_path, monkeypatch, chunks):
    rows = people(7)
    old = "511526800506003"
    rows[5] = row(**{"姓名": "吴旧", "公民身份号码": old})  # Excel row 7, the second chunk
    report, written, _ = both(sheet(tmp_path, rows), monkeypatch, chunks, actor=system)
    assert report.rejected == [] and report.created == 7
    assert [(w["row"], w["code"], w["column"]) for w in report.warnings] == [(7, "id_upgraded", "公民身份号码")]
    assert old in report.warnings[0]["message"] and idcard.upgrade15(old) in report.warnings[0]["message"]
    assert any(dict(m)["id_number_old"] == old and dict(m)["id_number"] == idcard.upgrade15(old) for m in written["members"])


def test_a_duplicate_in_the_file_across_chunks(tree, system, tmp_path, monkeypatch, chunks):
    rows = people(9)
    # Excel row 3 (first chunk, first check process) repeated on row 6 (second chunk: the other check process) and
    # row 9 (third chunk: the first process again); row 6 also has an error of its own
    for i in (4, 7):
        rows[i]["公民身份号码"] = rows[1]["公民身份号码"]
        rows[i]["性别"] = rows[1]["性别"]
        rows[i]["出生日期"] = None
    rows[4]["联系电话"] = "12345"
    for partial, written_rows in ((False, 0), (True, 7)):
        report, written, _ = both(sheet(tmp_path, rows, name=f"d{partial}.xlsx"), monkeypatch, chunks, actor=system, partial=partial)
        assert [(r["row"], r["code"], r["column"]) for r in report.rejected] == [
            (6, "bad_phone", "联系电话"),
            (6, "duplicate_in_file", "公民身份号码"),
            (9, "duplicate_in_file", "公民身份号码"),
        ]
        assert all("第3行" in r["message"] for r in report.rejected if r["code"] == "duplicate_in_file")
        assert written["new"] == written_rows == report.created
        if partial:
            assert sorted(dict(m)["id_number"] for m in written["members"]) == sorted(r["公民身份号码"] for i, r in enumerate(rows) if i not in (4, 7))


def test_a_failure_while_writing_leaves_nothing_and_no_child_process(tree, system, tmp_path, monkeypatch, chunks):
    from orgwork.members.services import BulkMemberWriter

    monkeypatch.setattr(importer, "FORK_MIN_ROWS", 0)
    calls = []
    insert = BulkMemberWriter.insert_columns

    def failing(self, pks, *columns):
        calls.append(len(pks))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return insert(self, pks, *columns)

    monkeypatch.setattr(BulkMemberWriter, "insert_columns", failing)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="disk full"):
        import_members(str(sheet(tmp_path, people(12))), actor=system)
    assert calls == [3, 3]
    assert Member.objects.count() == 0 and AuditEvent.objects.count() == events
    pids = {pid for pid, _, _ in chunks()}
    assert pids and os.getpid() not in pids
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as f:
        assert f.read().split() == []


def test_the_id_numbers_are_looked_up_a_block_at_a_time_once_each(tree, system, tmp_path, monkeypatch):
    # each block of rows is looked up once, when the first chunk that needs it comes, never a row twice
    rows = people(10)
    path = sheet(tmp_path, rows)
    asked = []
    original = importer._registered
    monkeypatch.setattr(importer, "_registered", lambda numbers: asked.append(sorted(numbers)) or original(numbers))
    monkeypatch.setattr(importer, "LOOKUP_BLOCK", 4)
    from orgwork.roster import sheets as roster_sheets

    rep = importer.Report()
    located = importer._located(rep, roster_sheets.read_rows(str(path), roster_sheets.MEMBER_COLUMNS), roster_sheets.MEMBER_COLUMNS, roster_sheets.MEMBER_REQUIRED, "")
    lookup = importer._Lookup(located)
    lookup.cover(3)
    lookup.cover(3)
    lookup.cover(9)
    lookup.cover(100)
    ids = [r["公民身份号码"] for r in rows]
    assert asked == [sorted(ids[0:4]), sorted(ids[4:8]), sorted(ids[8:10])]
    assert lookup.asked == set(ids) and lookup.registered == {}


def test_a_big_file_into_a_small_table_reads_the_registered_numbers_once_and_looks_up_only_hits(tree, system, tmp_path, monkeypatch):
    rows = people(10)
    import_members(str(sheet(tmp_path, [rows[6]], name="first.xlsx")), actor=system)  # Excel row 8 of the next file
    registered = Member.objects.get()
    monkeypatch.setattr(importer, "ID_SCAN_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "ID_SCAN_BYTES_PER_ROW", 1)
    monkeypatch.setattr(importer, "CHECK_CHUNK", 3)
    asked, ahead, org_reads = [], [], []
    original = importer._registered
    monkeypatch.setattr(importer, "_registered", lambda numbers: asked.append(sorted(numbers)) or original(numbers))
    read_ahead, read = importer.OrgResolver.read_ahead, importer.OrgResolver._read
    monkeypatch.setattr(importer.OrgResolver, "read_ahead", lambda self, pks: ahead.append(sorted(pks)) or read_ahead(self, pks))
    monkeypatch.setattr(importer.OrgResolver, "_read", lambda self, pks: org_reads.append(sorted(set(pks) - self.read_ids)) or read(self, pks))
    report = import_members(str(sheet(tmp_path, rows)), actor=system)
    # no block look-ups: only the one registered number, when its chunk came, read in full
    assert asked == [[registered.id_number]]
    # the orgs the actor may write to were read while the file was read; the cells then needed no other read
    assert ahead == [sorted(scope(Org.objects.all(), system, write=True).values_list("pk", flat=True))]
    assert org_reads[0] == ahead[0] and not any(org_reads[1:])
    assert [(r["row"], r["code"]) for r in report.rejected] == [(8, "duplicate_existing")]
    assert report.created == 0 and Member.objects.count() == 1


def test_the_registered_numbers_are_read_whole_only_beside_a_file_big_enough(tree, make_member, monkeypatch):
    members = [make_member(tree.office_a, birth=dt.date(1970 + i, 3, 4)) for i in range(3)]
    top = max(m.pk for m in members)
    monkeypatch.setattr(importer, "ID_SCAN_BYTES_PER_ROW", 100)
    monkeypatch.setattr(importer, "ID_SCAN_RATIO", 2)
    # a file of about n rows admits a table of up to 2n rows (by its largest id, never fewer than the rows)
    assert importer._registered_numbers(100 * ((top + 1) // 2)) == frozenset(m.id_number for m in members)
    assert importer._registered_numbers(100 * ((top - 1) // 2)) is None
    monkeypatch.setattr(importer, "ID_SCAN_MAX_ROWS", top - 1)
    assert importer._registered_numbers(10**9) is None
