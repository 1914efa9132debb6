"""The counters stay exact through every service that moves a member, and recount finds any drift."""

import datetime as dt
import random

import pytest
from django.core.management import call_command

from orgwork.conftest import make_id
from orgwork.members import services as member_services
from orgwork.members.models import Member, Standing, StatusAction
from orgwork.members.validation import clean_member
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector
from orgwork.stats.models import OrgStats
from orgwork.stats.recount import compute, recount

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def stored(org):
    row = OrgStats.objects.filter(org=org).first()
    return (row.own, row.total) if row else ({}, {})


def test_create_counts_the_member_in_its_org_and_every_ancestor(tree, make_member):
    make_member(tree.village_a, name="王芳", male=False, birth=dt.date(1990, 1, 2), joined=dt.date(2015, 7, 1), ethnicity="苗族", education="bachelor")
    own, total = stored(tree.village_a)
    assert own["n"] == 1 and own["g:F"] == 1 and own["eth:minority"] == 1 and own["edu:bachelor"] == 1
    assert own["by:1990"] == 1 and own["sy:2016"] == 1 and "jy:2015" not in own and own["sec:rural"] == 1 and own["st:full"] == 1
    assert stored(tree.town_a)[1]["n"] == 1
    assert stored(tree.county)[1]["n"] == 1
    assert stored(tree.town_a)[0] == {}
    assert stored(tree.town_b) == ({}, {})


def test_status_change_moves_the_member_out_of_the_good_standing_counts(tree, make_member, system):
    m = make_member(tree.village_a)
    member_services.change_status(actor=system, member_id=m.pk, action=StatusAction.SUSPEND, on=TODAY, reason="失联超过6个月")
    total = stored(tree.county)[1]
    assert total.get("n", 0) == 0 and total["st:suspended"] == 1 and total["all"] == 1 and total["dev:2005"] == 1
    assert "g:M" not in total


def test_moving_a_subtree_moves_its_totals_between_ancestors(tree, make_member, system):
    make_member(tree.village_a)
    make_member(tree.group_a.parent)
    org_services.move_org(actor=system, org_id=tree.village_a.pk, new_parent_id=tree.town_b.pk)
    assert stored(tree.town_a)[1].get("n", 0) == 0
    assert stored(tree.town_b)[1]["n"] == 2
    assert stored(tree.county)[1]["n"] == 2
    assert recount(fix=False).drift == []


def test_sector_change_of_an_org_recounts_its_members_sector(tree, make_member, system):
    make_member(tree.office_a)
    org_services.update_org(actor=system, org_id=tree.office_a.pk, sector=Sector.INSTITUTION)
    assert stored(tree.county)[1] == stored(tree.county)[1] | {"sec:institution": 1}
    assert "sec:agency" not in stored(tree.county)[1]
    assert recount(fix=False).drift == []


def test_abolishing_an_empty_org_leaves_the_counts_unchanged(tree, make_member, system):
    m = make_member(tree.office_b)
    member_services.move_member(actor=system, member_id=m.pk, org_id=tree.village_b.pk, on=TODAY, reason="调整")
    before = stored(tree.county)
    org_services.abolish_org(actor=system, org_id=tree.office_b.pk, on=TODAY, reason="撤并")
    assert stored(tree.county) == before
    assert recount(fix=False).drift == []


def test_recount_reports_and_repairs_drift(tree, make_member):
    make_member(tree.village_a)
    make_member(tree.village_b, male=False)
    OrgStats.objects.filter(org=tree.town_b).update(total={"n": 7})
    result = recount(fix=False)
    assert {(d.org_id, d.field, d.key) for d in result.drift} >= {(tree.town_b.pk, "total", "n")}
    assert recount(fix=True).drift
    assert recount(fix=False).drift == []


def test_recount_command_reports_drift(tree, make_member, capsys):
    make_member(tree.village_a)
    OrgStats.objects.filter(org=tree.village_a).update(own={})
    with pytest.raises(SystemExit):
        call_command("recount", "--check")
    call_command("recount")
    out = capsys.readouterr().out
    assert "drifted counters fixed" in out
    call_command("recount", "--check")
    assert "0 drifted" in capsys.readouterr().out


def _random_member(rng, org):
    birth = dt.date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
    joined = dt.date(birth.year + rng.randint(19, 24), rng.randint(1, 12), rng.randint(1, 28))
    joined = min(joined, TODAY - dt.timedelta(days=400))
    return {
        "name": rng.choice("王李张刘陈") + rng.choice("伟芳娜敏静"),
        "id_number": make_id(birth, rng.random() < 0.5),
        "category": "full",
        "joined_on": joined,
        "confirmed_on": joined.replace(year=joined.year + 1) if joined.year + 1 <= TODAY.year - 1 else None,
        "education": rng.choice(["bachelor", "college", "high_school", ""]),
        "ethnicity": rng.choice(["汉族", "汉族", "苗族", ""]),
        "org": org,
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_zero_drift_after_a_random_sequence_of_writes(tree, system, seed, tmp_path):
    from orgwork.roster.tests.test_import import write_xlsx

    rng = random.Random(seed)
    branches = [tree.village_a, tree.office_a, tree.village_b, tree.office_b]
    extra = org_services.create_org(actor=system, parent_id=tree.town_b.pk, name="新建村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    branches.append(extra)
    rows = []
    for _ in range(25):
        r = _random_member(rng, rng.choice(branches))
        org = r.pop("org")
        rows.append({**clean_member(r), "org": org})
    member_services.bulk_create_members(actor=system, rows=rows)
    # an import through the Excel path
    path = tmp_path / "m.xlsx"
    imported = [_random_member(rng, rng.choice(branches)) for _ in range(8)]
    write_xlsx(path, ["姓名", "公民身份号码", "人员类别", "所在党组织", "入党日期", "学历", "民族"],
               [[r["name"], r["id_number"], "正式党员", r["org"].code, r["joined_on"], {"bachelor": "本科", "college": "大专", "high_school": "高中", "": ""}[r["education"]], r["ethnicity"]] for r in imported])
    from orgwork.roster.importer import import_members

    assert import_members(str(path), actor=system).accepted == 8
    actions = [StatusAction.SUSPEND, StatusAction.RESTORE, StatusAction.REMOVE, StatusAction.DECEASE, StatusAction.TRANSFER_OUT, StatusAction.LOST_CONTACT, StatusAction.FOUND_CONTACT]
    done = 0
    for step in range(60):
        ids = list(Member.objects.values_list("pk", flat=True))
        op = rng.random()
        try:
            if op < 0.35:
                m = Member.objects.get(pk=rng.choice(ids))
                member_services.change_status(actor=system, member_id=m.pk, action=rng.choice(actions), on=TODAY, reason="测试")
            elif op < 0.6:
                m = Member.objects.get(pk=rng.choice(ids))
                target = rng.choice([b for b in branches if b.pk != m.org_id])
                member_services.move_member(actor=system, member_id=m.pk, org_id=target.pk, on=TODAY, reason="调整")
            elif op < 0.75:
                m = Member.objects.get(pk=rng.choice(ids))
                member_services.update_member(actor=system, member_id=m.pk, education=rng.choice(["master", "primary", ""]), ethnicity=rng.choice(["汉族", "回族"]))
            elif op < 0.85:
                moving = rng.choice([tree.village_a, tree.office_a, extra])
                moving.refresh_from_db()
                target = rng.choice([t for t in (tree.town_a, tree.town_b) if t.pk != moving.parent_id])
                org_services.move_org(actor=system, org_id=moving.pk, new_parent_id=target.pk)
            elif op < 0.92:
                o = rng.choice(branches)
                org_services.update_org(actor=system, org_id=o.pk, sector=rng.choice([Sector.RURAL, Sector.COMMUNITY, Sector.AGENCY]))
            else:
                member_services.create_member(actor=system, org_id=rng.choice(branches).pk, **{k: v for k, v in _random_member(rng, None).items() if k != "org"})
            done += 1
        except Exception as exc:  # refused transitions are part of a random walk
            from orgwork.core.errors import ServiceError

            assert isinstance(exc, ServiceError), exc
        if step % 15 == 0:
            assert recount(fix=False).drift == []
    assert recount(fix=False).drift == []
    assert done >= 35  # most random steps were real writes, not refusals
    own, total = compute()
    county = stored(tree.county)[1]
    assert county.get("n", 0) == Member.objects.filter(standing=Standing.NORMAL).count()
    assert county["all"] == Member.objects.count()
    assert dict(total[tree.county.pk]) == {k: v for k, v in county.items()} | {k: 0 for k in total[tree.county.pk] if k not in county}


def test_the_recount_service_audits_a_repair_and_writes_nothing_when_checking(tree, make_member):
    from orgwork.core.models import AuditEvent
    from orgwork.stats import services

    make_member(tree.village_a)
    make_member(tree.village_b, male=False)
    OrgStats.objects.filter(org=tree.town_b).update(total={"n": 7})
    before = AuditEvent.objects.filter(action="stats.recount").count()
    assert services.recount_counters(fix=False).drift
    assert AuditEvent.objects.filter(action="stats.recount").count() == before
    fixed = services.recount_counters(fix=True)
    ev = AuditEvent.objects.filter(action="stats.recount").latest("seq")
    assert ev.data["drifted"] == fixed.drifted == len(fixed.drift) and ev.actor_label.startswith("system")
    assert services.recount_counters(fix=True).drift == []
    assert AuditEvent.objects.filter(action="stats.recount").count() == before + 1  # nothing drifted: no event


def test_count_rows_equals_contribution_keys_summed_row_by_row():
    """The import's counting (keys built once per combination, year cohorts per row) gives what contribution_keys
    gives member by member, for every standing, category, blank field and year (no database)."""
    import random
    from collections import Counter

    from orgwork.stats.counters import contribution_keys, count_rows

    rng = random.Random(5)
    sectors = {1: "rural", 2: "agency", 3: "community"}
    rows = []
    for _ in range(3000):
        rows.append(
            (
                rng.choice([1, 2, 3]), rng.choice(["normal"] * 5 + ["suspended", "removed"]), rng.choice(["full", "probationary"]),
                rng.choice(["M", "F"]), rng.choice(["bachelor", "", "college"]), rng.choice(["汉族", "回族", ""]), rng.random() < 0.1,
                rng.choice([None, *range(1940, 2006)]), rng.choice([None, *range(1960, 2026)]), rng.choice([None, None, *range(1961, 2026)]),
            )
        )
    expected: dict[int, Counter] = {}
    for org_id, standing, category, gender, education, ethnicity, lost, by, jy, cy in rows:
        expected.setdefault(org_id, Counter()).update(
            contribution_keys(standing=standing, category=category, gender=gender, education=education, ethnicity=ethnicity,
                              lost_contact=lost, birth_year=by, joined_year=jy, confirmed_year=cy, sector=sectors[org_id])
        )
    assert count_rows(rows, sectors) == expected


def test_a_rebuild_after_the_counters_were_lost_reports_a_sample_and_the_count(tree, make_member, monkeypatch):
    """Counters wiped (a restore without them): every key of every org drifts. The report keeps the first few and
    counts the rest — a province's rebuild must not hold tens of millions of entries — and the store, done a chunk
    of orgs at a time, leaves exact counters."""
    from orgwork.stats import recount as recount_module

    for i in range(6):
        make_member([tree.village_a, tree.office_a, tree.village_b, tree.office_b][i % 4], male=bool(i % 2))
    OrgStats.objects.all().update(own={}, total={})
    monkeypatch.setattr(recount_module, "DRIFT_SAMPLE", 5)
    monkeypatch.setattr(recount_module, "CHUNK", 2)  # several chunks even for this small tree
    fixed = recount(fix=True)
    assert len(fixed.drift) == 5 and fixed.drifted > 20
    assert recount(fix=False).drift == [] and recount(fix=False).drifted == 0
    own, total = compute()
    county = OrgStats.objects.get(org=tree.county)
    assert county.total == {k: v for k, v in sorted(total[tree.county.pk].items()) if v} and county.total["all"] == 6


def _rows(rng, orgs, n):
    return [
        (
            rng.choice(orgs), rng.choice(["normal"] * 5 + ["suspended"]), rng.choice(["full", "probationary"]), rng.choice(["M", "F"]),
            rng.choice(["bachelor", "", "college"]), rng.choice(["汉族", "回族"]), rng.random() < 0.1,
            rng.choice([None, *range(1950, 2005)]), rng.choice(range(1970, 2026)), rng.choice([None, *range(1971, 2026)]),
        )
        for _ in range(n)
    ]


def test_counts_in_parts_added_up_in_a_forked_process_store_what_adding_them_here_stores(tree, make_member, monkeypatch):
    """An import's tail: the check processes' counts, and the rows not written taken out again, added up while the
    batch's audit event is written — in a forked process for a big import. The documents stored are the same as
    when the parts are added in this process, the totals of every ancestor included; `meanwhile` runs once, here."""
    import os

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from orgwork.core import forked
    from orgwork.stats import counters

    make_member(tree.village_a)
    make_member(tree.office_b)
    orgs = [tree.village_a.pk, tree.office_a.pk, tree.village_b.pk, tree.group_a.pk]
    sectors = {o.pk: o.sector for o in (tree.village_a, tree.office_a, tree.village_b, tree.group_a)}
    rng = random.Random(13)
    first, second, left_out = _rows(rng, orgs, 400), _rows(rng, orgs, 300), _rows(rng, orgs, 0)
    left_out = first[:25] + second[:10]  # counted by a check process, then found to be repeats: not written

    def parts():
        negative = {oid: {k: -v for k, v in c.items()} for oid, c in counters.count_rows(left_out, sectors).items()}
        return [dict(counters.count_rows(first, sectors)), dict(counters.count_rows(second, sectors)), negative]

    every = [tree.county, tree.town_a, tree.town_b, tree.village_a, tree.office_a, tree.village_b, tree.office_b, tree.group_a]
    results, calls, ran = [], [], []
    real_call = forked.call

    def spy(compute, *, fork=True, meanwhile=None):
        calls.append(fork)
        return real_call(compute, fork=fork, meanwhile=meanwhile)

    monkeypatch.setattr(forked, "call", spy)
    for fork_min, read_ahead in ((10**9, False), (1, False), (1, True)):  # here, forked, forked with the rows read ahead
        monkeypatch.setattr(counters, "FORK_MIN_ORGS", fork_min)
        with transaction.atomic():
            loaded = counters.load_for_update(orgs) if read_ahead else None
            with CaptureQueriesContext(connection) as queries:
                counters.add_counts(*parts(), loaded=loaded, meanwhile=lambda: ran.append(os.getpid()))
            if read_ahead:  # the rows, the paths and the ancestors were read with them: only the UPDATE is left
                assert len(queries) == 1 and "UPDATE" in queries[0]["sql"] and "orgs_org" not in queries[0]["sql"]
            results.append([stored(o) for o in every])
            transaction.set_rollback(True)
    assert calls == [False, True, True] and ran == [os.getpid()] * 3
    assert results[0] == results[1] == results[2]
    # and both are what was stored before plus the rows kept, counted on their own
    from collections import Counter

    before = [stored(o) for o in every]
    kept = counters.count_rows(first[25:] + second[10:], sectors)
    assert results[0][every.index(tree.village_a)][0] == dict(Counter(before[every.index(tree.village_a)][0]) + kept[tree.village_a.pk])
    town_a = Counter(before[every.index(tree.town_a)][1]) + kept[tree.village_a.pk] + kept[tree.office_a.pk] + kept[tree.group_a.pk]
    assert results[0][every.index(tree.town_a)][1] == dict(town_a)
    assert results[0][every.index(tree.county)][1]["all"] == 2 + sum(c["all"] for c in kept.values())


def test_a_change_of_no_count_reads_and_locks_nothing(tree, make_member, django_assert_num_queries):
    from collections import Counter

    from orgwork.stats import counters

    make_member(tree.village_a)
    with django_assert_num_queries(0):
        counters.apply_own_deltas({tree.village_a.pk: Counter({"n": 0}), tree.village_b.pk: Counter()})
