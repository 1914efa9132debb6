"""The scoring engine on a small set defined here: points, caps, evidence, approvals, periods, automatic indicators."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from orgwork.core import scoring
from orgwork.core.actor import Actor
from orgwork.core.audit import verify
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.scoring import calc
from orgwork.core.scoring import selectors as sel
from orgwork.core.scoring import services as svc
from orgwork.core.scoring.models import EntryState, ScoreEntry, ScoreTotal

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2026, 6, 30)
SET = "kernel.test"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def photo():
    return SimpleUploadedFile("photo.png", PHOTO, content_type="image/png")


SPEC = {
    "code": SET, "name": "测试积分", "purpose": "test", "subject_type": "members.member", "is_default": True,
    "version": {
        "version": "2026", "effective_from": D(2026, 1, 1), "source": "测试细则（默认，请替换为本部门细则）",
        "grades": [{"grade": "优秀", "min": "20"}, {"grade": "合格", "min": "5"}, {"grade": "不合格"}],
        "indicators": [
            {"code": "study", "name": "学习", "area": "学习", "mode": "per_unit", "points": "1", "cap_day": "3", "source": "self"},
            {"code": "volunteer", "name": "志愿服务", "area": "服务", "points": "5", "evidence_required": True, "source": "self", "cap_month": "10"},
            {"code": "deed", "name": "先锋事迹", "area": "事迹", "mode": "tiered", "points": "0",
             "tiers": [{"min_units": "1", "points": "2"}, {"min_units": "3", "points": "6"}], "source": "reviewer"},
            {"code": "absent", "name": "无故缺席", "area": "扣分", "direction": "deduct", "points": "2", "source": "reviewer"},
            {"code": "attend", "name": "参加组织生活", "area": "履职", "points": "2", "source": "automatic", "provider": "kerneltest.attend"},
        ],
    },
}  # fmt: skip

FACTS: list = []


@scoring.automatic("kerneltest.attend", label="测试出勤")
def _attend(start, end):
    yield from (f for f in FACTS if start <= f.occurred_on <= end)


@pytest.fixture
def scheme(db, system):
    FACTS.clear()
    return svc.install(actor=system, spec=SPEC)


@pytest.fixture
def people(users, tree, make_member):
    sec = Actor.for_user(users["sec_a"])
    me = Actor.for_user(users["member_a"])
    return {"sec": sec, "me": me, "member": users["member_a_record"], "other": make_member(tree.village_a, name="王五"), "far": make_member(tree.village_b, name="赵六")}


def test_points_fixed_per_unit_tiered_and_deductions(scheme):
    """Points as data: per unit, fixed per occurrence, the highest tier reached; deductions are negative."""
    ver = scheme.versions.get()
    ind = {i.code: i for i in ver.indicators.all()}
    assert calc.points_for(ind["study"], 2) == Decimal("2.00")
    assert calc.points_for(ind["volunteer"], 1) == Decimal("5.00")
    assert calc.points_for(ind["deed"], 2) == Decimal("2.00")
    assert calc.points_for(ind["deed"], 4) == Decimal("6.00")
    assert calc.points_for(ind["absent"], 1) == Decimal("-2.00")
    assert calc.grade_for(ver.grades, 25) == "优秀" and calc.grade_for(ver.grades, 5) == "合格" and calc.grade_for(ver.grades, -1) == "不合格"


def test_member_submits_secretary_approves_totals_exact(scheme, people, tree):
    e = svc.submit(actor=people["me"], set_code=SET, indicator_code="volunteer", subject=people["member"], occurred_on=D(2026, 6, 1), files=[photo()], today=TODAY)
    assert e.state == EntryState.SUBMITTED and e.evidence.count() == 1 and e.version.version == "2026"
    assert sel.total(SET, people["member"], "Y2026") == 0  # not counted before approval
    with pytest.raises(NotFound):  # a member has no write scope: the entry is not even visible for approval
        svc.approve(actor=people["me"], entry_id=e.pk)
    svc.approve(actor=people["sec"], entry_id=e.pk)
    e2 = svc.submit(actor=people["sec"], set_code=SET, indicator_code="absent", subject=people["member"], occurred_on=D(2026, 6, 2), today=TODAY)
    svc.approve(actor=Actor.system_actor("t"), entry_id=e2.pk)
    assert sel.total(SET, people["member"], "Y2026") == Decimal("3.00")
    assert sel.total(SET, people["member"], "M2026-06") == Decimal("3.00")
    assert sel.total(SET, people["member"], "Q2026-2") == Decimal("3.00")
    assert sel.sum_of_approved(SET, people["member"], D(2026, 1, 1), D(2026, 12, 31)) == Decimal("3.00")
    t = ScoreTotal.objects.get(bucket="Y2026", subject_id=people["member"].pk)
    assert (t.added, t.deducted, t.entries) == (Decimal("5.00"), Decimal("2.00"), 2)
    # a correction is a new entry; the approved one is unchanged
    c = svc.correct(actor=people["sec"], entry_id=e.pk, points="-1", reason="照片与活动不符，按半次计")
    svc.approve(actor=Actor.system_actor("t"), entry_id=c.pk)
    e.refresh_from_db()
    assert e.points == Decimal("5.00") and c.corrects_id == e.pk
    assert sel.total(SET, people["member"], "Y2026") == Decimal("2.00")
    assert verify().ok


def test_self_approval_refused_for_the_submitter_and_for_ones_own_record(scheme, people, users, tree, system, make_member):
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role
    from orgwork.members import services as member_services

    e = svc.submit(actor=people["sec"], set_code=SET, indicator_code="deed", subject=people["other"], occurred_on=D(2026, 6, 3), units=3, today=TODAY)
    with pytest.raises(ServiceError) as exc:
        svc.approve(actor=people["sec"], entry_id=e.pk)
    assert exc.value.errors[0].code == "self_approval"
    # the secretary is also a member of the branch: an entry about the secretary is approved by someone else
    own = make_member(tree.village_a, name="孙书记")
    member_services.link_user(actor=system, member_id=own.pk, user=users["sec_a"])
    grant_role(actor=system, user=users["sec_a"], org=tree.village_a, role=Role.MEMBER)
    e = svc.submit(actor=Actor.for_user(users["town_a"]), set_code=SET, indicator_code="deed", subject=own, occurred_on=D(2026, 6, 3), units=1, today=TODAY)
    with pytest.raises(ServiceError) as exc:
        svc.approve(actor=Actor.for_user(users["sec_a"]), entry_id=e.pk)
    assert exc.value.errors[0].code == "self_approval"
    svc.approve(actor=Actor.for_user(users["county"]), entry_id=e.pk)


def test_day_cap_reports_what_is_left(scheme, people):
    """A daily cap like 学习强国's: over the cap → cap_reached, saying how many points are left."""
    svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 6, 5), units=2, today=TODAY)
    with pytest.raises(ServiceError) as exc:
        svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 6, 5), units=2, today=TODAY)
    err = exc.value.errors[0]
    assert err.code == "cap_reached" and err.left == Decimal("1.00") and err.as_dict()["left"] == "1.00" and "还可记1" in err.message
    svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 6, 5), units=1, today=TODAY)
    svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 6, 6), units=3, today=TODAY)


def test_returned_entries_free_the_cap_and_evidence_is_required(scheme, people):
    with pytest.raises(ServiceError) as exc:
        svc.submit(actor=people["me"], set_code=SET, indicator_code="volunteer", subject=people["member"], occurred_on=D(2026, 6, 1), today=TODAY)
    assert exc.value.errors[0].code == "evidence_required"
    a = svc.submit(actor=people["me"], set_code=SET, indicator_code="volunteer", subject=people["member"], occurred_on=D(2026, 6, 1), files=[photo()], today=TODAY)
    svc.submit(actor=people["me"], set_code=SET, indicator_code="volunteer", subject=people["member"], occurred_on=D(2026, 6, 2), files=[photo()], today=TODAY)
    with pytest.raises(ServiceError) as exc:
        svc.submit(actor=people["me"], set_code=SET, indicator_code="volunteer", subject=people["member"], occurred_on=D(2026, 6, 3), files=[photo()], today=TODAY)
    assert exc.value.errors[0].code == "cap_reached" and exc.value.errors[0].per == "cap_month"
    svc.return_entry(actor=people["sec"], entry_id=a.pk, reason="照片看不清")
    svc.submit(actor=people["me"], set_code=SET, indicator_code="volunteer", subject=people["member"], occurred_on=D(2026, 6, 3), files=[photo()], today=TODAY)


def test_no_rule_in_force_before_the_first_version_and_versions_kept(scheme, people, system):
    with pytest.raises(ServiceError) as exc:
        svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2025, 12, 31), today=TODAY)
    assert exc.value.errors[0].code == "no_rule_in_force"
    old = svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 5, 31), today=TODAY)
    v2 = svc.add_version(actor=system, set_id=scheme.pk, version="2026b", effective_from=D(2026, 6, 1), source="修订")
    svc.put_indicator(actor=system, version_id=v2.pk, code="study", name="学习", mode="per_unit", points="2", cap_day="4", source="self")
    svc.publish_version(actor=system, version_id=v2.pk)
    with pytest.raises(ServiceError) as exc:
        svc.put_indicator(actor=system, version_id=v2.pk, code="study", name="学习", points="3")
    assert exc.value.errors[0].code == "version_in_force"
    new = svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 6, 1), today=TODAY)
    old.refresh_from_db()
    assert (old.version.version, old.points) == ("2026", Decimal("1.00"))
    assert (new.version.version, new.points) == ("2026b", Decimal("2.00"))


def test_locked_period_refuses_entries_and_appeals_block_the_lock(scheme, people, tree, users):
    town = Actor.for_user(users["town_a"])
    p = svc.open_period(actor=people["sec"], set_code=SET, org_id=tree.village_a.pk, kind="month", starts_on=D(2026, 5, 1), ends_on=D(2026, 5, 31), label="2026年5月")
    pending = svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 5, 20), today=TODAY)
    svc.publish_period(actor=people["sec"], period_id=p.pk, today=D(2026, 6, 2))
    a = svc.file_appeal(actor=people["me"], period_id=p.pk, subject=people["member"], content="5月20日的学习未计入", today=D(2026, 6, 3))
    with pytest.raises(ServiceError) as exc:
        svc.lock_period(actor=people["sec"], period_id=p.pk)
    assert exc.value.errors[0].code == "open_appeals"
    svc.answer_appeal(actor=town, appeal_id=a.pk, upheld=True, answer="已核实，待支部审核后计入")
    svc.lock_period(actor=people["sec"], period_id=p.pk, today=D(2026, 6, 10))
    with pytest.raises(ServiceError) as exc:
        svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 5, 21), today=TODAY)
    assert exc.value.errors[0].code == "period_locked"
    with pytest.raises(ServiceError) as exc:
        svc.approve(actor=town, entry_id=pending.pk)
    assert exc.value.errors[0].code == "period_locked"
    # a county-level lock covers every branch below it; June is still open
    svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["member"], occurred_on=D(2026, 6, 21), today=TODAY)


def test_member_may_not_score_others_and_reviewer_only_writers(scheme, people):
    with pytest.raises(NotFound):
        svc.submit(actor=people["me"], set_code=SET, indicator_code="study", subject=people["other"], occurred_on=D(2026, 6, 5), today=TODAY)
    with pytest.raises(NotFound):
        svc.submit(actor=people["me"], set_code=SET, indicator_code="deed", subject=people["member"], occurred_on=D(2026, 6, 5), today=TODAY)
    with pytest.raises(NotFound):
        svc.submit(actor=people["sec"], set_code=SET, indicator_code="deed", subject=people["far"], occurred_on=D(2026, 6, 5), today=TODAY)
    with pytest.raises(ServiceError) as exc:
        svc.submit(actor=people["sec"], set_code=SET, indicator_code="attend", subject=people["member"], occurred_on=D(2026, 6, 5), today=TODAY)
    assert exc.value.errors[0].code == "automatic_only"


def test_ranking_within_a_subtree_from_counters_with_ties(scheme, people, tree, make_member, system):
    subjects = [people["member"], people["other"], people["far"], make_member(tree.office_a, name="钱七")]
    for subject, units in zip(subjects, [3, 3, 5, 1], strict=True):
        e = svc.submit(actor=system, set_code=SET, indicator_code="deed", subject=subject, occurred_on=D(2026, 6, 5), units=units, today=TODAY)
        svc.approve(actor=Actor.system_actor("other"), entry_id=e.pk)
    county = sel.ranking(system, set_code=SET, bucket="Y2026", under=tree.county)
    assert [(r.subject_label, r.rank, r.total) for r in county.rows] == [("李四", 1, Decimal("6.00")), ("王五", 1, Decimal("6.00")), ("赵六", 1, Decimal("6.00")), ("钱七", 4, Decimal("2.00"))]
    town = sel.ranking(system, set_code=SET, bucket="Y2026", under=tree.town_a, page=2, page_size=2, grades=scheme.versions.get().grades)
    assert town.count == 3 and [(r.subject_label, r.rank, r.grade) for r in town.rows] == [("钱七", 3, "不合格")]
    assert sel.rank_of(SET, subjects[3], "Y2026", tree.town_a.path) == (3, 3)
    # scope: a branch secretary ranks only their own branch
    mine = sel.ranking(people["sec"], set_code=SET, bucket="Y2026")
    assert {r.subject_label for r in mine.rows} == {"李四", "王五"}


def test_automatic_indicator_recomputed_after_its_record_changes(scheme, people, tree, system):
    """An attendance record → 2 points linked to the meeting; the record changes → a correcting entry; gone → taken back."""
    m = people["member"]
    FACTS[:] = [scoring.Fact.of(subject=m, occurred_on=D(2026, 6, 10), key="att:1", evidence_type="meetings.meeting", evidence_id=7, evidence_label="6月主题党日", evidence_url="/meetings/7/")]
    r = svc.refresh_automatic(start=D(2026, 1, 1), end=TODAY)
    assert (r.facts, r.written) == (1, 1)
    e = ScoreEntry.objects.get(auto_key="kerneltest.attend:att:1")
    assert (e.points, e.state, e.evidence_label, e.evidence_url) == (Decimal("2.00"), EntryState.APPROVED, "6月主题党日", "/meetings/7/")
    assert svc.refresh_automatic(start=D(2026, 1, 1), end=TODAY).written == 0  # idempotent
    FACTS[:] = [scoring.Fact.of(subject=m, occurred_on=D(2026, 6, 10), units=0, key="att:1", evidence_label="6月主题党日（更正为缺席）")]
    r = svc.refresh_automatic(start=D(2026, 1, 1), end=TODAY)
    assert r.written == 1 and sel.total(SET, m, "Y2026") == 0
    FACTS[:] = [scoring.Fact.of(subject=m, occurred_on=D(2026, 6, 10), key="att:1")]
    svc.refresh_automatic(start=D(2026, 1, 1), end=TODAY)
    assert sel.total(SET, m, "Y2026") == Decimal("2.00")
    FACTS.clear()
    r = svc.refresh_automatic(start=D(2026, 1, 1), end=TODAY)
    assert r.taken_back == 1 and sel.total(SET, m, "Y2026") == 0
    assert ScoreEntry.objects.filter(auto_key="kerneltest.attend:att:1").count() == 4  # never edited, only added
    # a locked period is left alone
    p = svc.open_period(actor=system, set_code=SET, org_id=tree.county.pk, kind="year", starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), label="2026年度")
    svc.publish_period(actor=system, period_id=p.pk, today=TODAY)
    svc.lock_period(actor=system, period_id=p.pk, today=TODAY)
    FACTS[:] = [scoring.Fact.of(subject=m, occurred_on=D(2026, 6, 11), key="att:2")]
    r = svc.refresh_automatic(start=D(2026, 1, 1), end=TODAY)
    assert (r.written, r.skipped_locked) == (0, 1)
    assert verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency exactness is a PostgreSQL property")
@pytest.mark.django_db(transaction=True)
def test_64_concurrent_submitters_and_approvers_leave_totals_exact(system, tree, make_member):
    """64 threads submit and approve at once for 8 members: every counter equals the sum of approved entries."""
    from django.db import connections

    svc.install(actor=system, spec=SPEC)
    members = [make_member(tree.village_a, name="并发" + "甲乙丙丁戊己庚辛"[i]) for i in range(8)]
    errors = []
    barrier = threading.Barrier(64)

    def worker(i):
        try:
            barrier.wait()
            for k in range(3):
                subject = members[(i + k) % 8]
                e = svc.submit(actor=system, set_code=SET, indicator_code="deed", subject=subject, occurred_on=D(2026, 6, 1 + k), units=1 + (i % 4), today=TODAY)
                svc.approve(actor=Actor.system_actor(f"w{i}"), entry_id=e.pk)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for m in members:
        assert sel.total(SET, m, "Y2026") == sel.sum_of_approved(SET, m, D(2026, 1, 1), D(2026, 12, 31))
        assert sel.total(SET, m, "M2026-06") == sel.sum_of_approved(SET, m, D(2026, 6, 1), D(2026, 6, 30))
    assert ScoreEntry.objects.filter(state=EntryState.APPROVED).count() == 64 * 3


def test_a_small_subtree_is_ranked_by_sorting_its_range_with_the_same_result(scheme, people, tree, make_member, system, monkeypatch):
    """Both ways of reading a subtree's ranking (walking the set-wide rank index; sorting the subtree's range, used
    for a small subtree of a large set) give the same pages, ranks and ties."""
    subjects = [people["member"], people["other"], people["far"]] + [make_member(tree.office_a, name=n) for n in ("赵一", "钱二", "孙三", "周四", "吴五")]
    for subject, units in zip(subjects, [3, 3, 5, 1, 2, 2, 4, 1], strict=True):
        e = svc.submit(actor=system, set_code=SET, indicator_code="deed", subject=subject, occurred_on=D(2026, 6, 5), units=units, today=TODAY)
        svc.approve(actor=Actor.system_actor("other"), entry_id=e.pk)

    def pages(under):
        out = []
        for page in (1, 2, 3):
            r = sel.ranking(system, set_code=SET, bucket="Y2026", under=under, page=page, page_size=3)
            out.append((r.count, [(r_.subject_id, r_.rank, r_.total) for r_ in r.rows]))
        return out

    for under in (tree.county, tree.town_a):
        by_sort = pages(under)
        monkeypatch.setattr(sel, "RANK_BY_SORT_MAX", 0)
        by_index = pages(under)
        monkeypatch.undo()
        assert by_sort == by_index and by_sort[0][1]
    assert [rank for _, rank, _ in pages(tree.county)[0][1]] == [1, 1, 1]  # three tied at 6 points
