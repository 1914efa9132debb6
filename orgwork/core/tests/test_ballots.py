"""The ballot engine: sealed results, one vote per code, no link from a ballot to a voter, paper entered twice."""

from decimal import Decimal

import pytest
from django.db import connection

from orgwork.core.actor import Actor
from orgwork.core.audit import verify
from orgwork.core.ballots import selectors as reads
from orgwork.core.ballots import services as ballots
from orgwork.core.ballots.models import BallotStatus, CastBallot, Credential, PaperEntry, SheetStatus
from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def code_of(exc) -> str:
    return exc.value.errors[0].code


@pytest.fixture
def county(users):
    return Actor.for_user(users["county"])


@pytest.fixture
def town(users):
    return Actor.for_user(users["town_a"])


def recommendation(actor, org, *, groups=None, max_choices=1):
    return ballots.create_ballot(
        actor=actor,
        org=org,
        title="副局长人选民主推荐",
        purpose="test.recommendation",
        questions=[
            {"kind": "choose", "text": "推荐副局长人选（限选1人）", "max_choices": max_choices, "options": [{"label": "王五"}, {"label": "赵六"}, {"label": "钱七"}]},
            {"kind": "approve", "text": "对以下人选的意见", "options": [{"label": "王五"}]},
            {"kind": "rating", "text": "民主测评", "options": [{"label": "王五"}]},
            {"kind": "text", "text": "意见建议"},
        ],
        groups=groups or [{"name": "领导班子成员", "weight": "0.6", "size": 3}, {"name": "其他干部", "weight": "0.4", "size": 5}],
    )


def test_contested_recommendation_sealed_until_close_then_weighted(county, tree):
    b = recommendation(county, tree.county)
    g1, g2 = list(b.groups.order_by("seq"))
    codes1 = ballots.issue_codes(actor=county, ballot_id=b.pk, group_id=g1.pk, count=3)
    codes2 = ballots.issue_codes(actor=county, ballot_id=b.pk, group_id=g2.pk, count=5)
    with pytest.raises(ServiceError) as e:
        ballots.cast_with_code(code=codes1[0], answers={"1": [1]})
    assert code_of(e) == "ballot_not_open"
    ballots.open_ballot(actor=county, ballot_id=b.pk)
    # leaders: 2 for 王五, 1 for 赵六; others: 1 for 王五, 4 for 赵六
    for code, pick in zip(codes1, [1, 1, 2], strict=True):
        ballots.cast_with_code(code=code, answers={"1": [pick], "2": {"1": "approve"}, "3": {"1": "excellent"}, "4": "多下基层"})
    for code, pick in zip(codes2, [1, 2, 2, 2, 2], strict=True):
        ballots.cast_with_code(code=code.lower().replace("-", " "), answers={"1": [pick]})  # typed loosely
    live = reads.turnout(b)
    assert [g["cast"] for g in live["groups"]] == [3, 5] and live["rate"] == 1.0
    # Sealed: nobody reads results before close, not even the system actor.
    with pytest.raises(ServiceError) as e:
        reads.results(county, b.pk)
    assert code_of(e) == "ballot_sealed"
    with pytest.raises(ServiceError) as e:
        reads.results(Actor.system_actor(), b.pk)
    assert code_of(e) == "ballot_sealed"
    b = ballots.close_ballot(actor=county, ballot_id=b.pk)
    res = reads.results(county, b.pk)
    q1 = res["questions"][0]
    wang, zhao, qian = q1["options"]
    assert (wang["votes"], zhao["votes"], qian["votes"]) == (3, 5, 0)
    # weighted: 0.6·2/3 + 0.4·1/5 = 0.48 for 王五; 0.6·1/3 + 0.4·4/5 = 0.52 for 赵六
    assert wang["weighted_share"] == pytest.approx(0.48) and zhao["weighted_share"] == pytest.approx(0.52)
    assert q1["ranking"][0] == 2
    approve = res["questions"][1]["options"][0]
    assert (approve["approve"], approve["abstain"]) == (3, 5)
    rating = res["questions"][2]["options"][0]
    assert rating["levels"]["excellent"] == 3 and rating["weighted_score"] == 100.0
    assert sorted(res["questions"][3]["texts"]) == ["多下基层"] * 3
    assert b.results_sha256 and AuditEvent.objects.filter(action="ballot.close", data__results_sha256=b.results_sha256).exists()
    with pytest.raises(ServiceError) as e:
        ballots.cast_with_code(code=codes2[0], answers={"1": [1]})
    assert code_of(e) == "ballot_not_open"
    assert verify().ok


def test_one_vote_per_code_and_named_voter(county, tree, users):
    b = recommendation(county, tree.county)
    g1 = b.groups.order_by("seq").first()
    (code,) = ballots.issue_codes(actor=county, ballot_id=b.pk, group_id=g1.pk, count=1)
    member = users["member_a_record"]
    assert ballots.register_voters(actor=county, ballot_id=b.pk, group_id=g1.pk, voters=[("members.member", member.pk, member.name)]) == 1
    ballots.open_ballot(actor=county, ballot_id=b.pk)
    ballots.cast_with_code(code=code, answers={"1": [3]})
    with pytest.raises(ServiceError) as e:
        ballots.cast_with_code(code=code, answers={"1": [3]})
    assert code_of(e) == "code_used"
    with pytest.raises(ServiceError) as e:
        ballots.cast_with_code(code="ABCDE-FGHJK", answers={"1": [3]})
    assert code_of(e) == "code_invalid"
    with pytest.raises(ServiceError) as e:
        ballots.cast_with_code(code=code, answers={"1": [1, 2]}, ballot_id=b.pk)
    assert code_of(e) == "code_used"
    voter = Actor.for_user(users["member_a"])
    with pytest.raises(ServiceError) as e:
        ballots.cast_as_voter(actor=voter, ballot_id=b.pk, voter_type="members.member", voter_id=member.pk, answers={"1": [1, 2]})
    assert code_of(e) == "too_many_choices"
    assert not Credential.objects.get(voter_id=str(member.pk)).used  # a refused ballot spends nothing
    ballots.cast_as_voter(actor=voter, ballot_id=b.pk, voter_type="members.member", voter_id=member.pk, answers={"1": [1]})
    with pytest.raises(ServiceError) as e:
        ballots.cast_as_voter(actor=voter, ballot_id=b.pk, voter_type="members.member", voter_id=member.pk, answers={"1": [1]})
    assert code_of(e) == "already_voted"
    with pytest.raises(ServiceError) as e:
        ballots.cast_as_voter(actor=voter, ballot_id=b.pk, voter_type="members.member", voter_id=999999, answers={"1": [1]})
    assert code_of(e) == "not_a_voter"
    assert reads.turnout(b)["groups"][0]["online"] == 2


def test_no_stored_link_between_ballot_and_voter(county, tree):
    """Structure: a cast ballot carries no credential, voter, clerk or time; codes are stored only as keyed hashes.
    Order: neither the key order nor the table's row order follows the order of voting."""
    fields = {f.name for f in CastBallot._meta.get_fields()}
    assert fields == {"id", "ballot", "group", "filled", "channel", "valid", "answers"}
    assert not any(f.get_internal_type() in ("DateTimeField", "DateField") for f in CastBallot._meta.concrete_fields)
    assert not any(f.get_internal_type() in ("DateTimeField", "DateField") for f in Credential._meta.concrete_fields)
    b = ballots.create_ballot(
        actor=county,
        org=tree.county,
        title="顺序测试",
        purpose="test",
        questions=[{"kind": "text", "text": "序号"}],
        groups=[{"name": "全体", "weight": 1}],
    )
    g = b.groups.get()
    codes = ballots.issue_codes(actor=county, ballot_id=b.pk, group_id=g.pk, count=24)
    stored = set(Credential.objects.filter(ballot=b).values_list("code_hash", flat=True))
    assert not {c.replace("-", "") for c in codes} & stored and len(stored) == 24
    ballots.open_ballot(actor=county, ballot_id=b.pk)
    for i, code in enumerate(codes):
        ballots.cast_with_code(code=code, answers={"1": f"第{i}票"})
    by_key = [r["1"] for r in CastBallot.objects.filter(ballot=b, filled=True).order_by("id").values_list("answers", flat=True)]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT answers FROM core_castballot WHERE ballot_id = %s AND filled ORDER BY rowid", [b.pk])
        else:
            cur.execute("SELECT answers::text FROM core_castballot WHERE ballot_id = %s AND filled", [b.pk])  # physical order
        import json

        by_row = [json.loads(a)["1"] if isinstance(a, str) else a["1"] for (a,) in cur.fetchall()]
    voting_order = [f"第{i}票" for i in range(24)]
    assert sorted(by_key) == sorted(voting_order)
    assert by_key != voting_order
    if connection.vendor == "sqlite":  # PostgreSQL writes updated rows as new tuples: documented residual risk
        assert by_row != voting_order
    # The audit log names the ballot, never a slot.
    slot_ids = {str(i) for i in CastBallot.objects.filter(ballot=b).values_list("id", flat=True)}
    assert not AuditEvent.objects.filter(object_id__in=slot_ids).exists()
    assert AuditEvent.objects.filter(action="ballot.cast", object_id=str(b.pk)).count() == 24


def test_paper_ballots_entered_twice_and_compared(county, users, tree, system):
    from django.contrib.auth import get_user_model

    from orgwork.core.models import Role
    from orgwork.core.services import grant_role

    supervisor = Actor.for_user(users["sysadmin"])
    third = get_user_model().objects.create_user(username="clerk3", password="Zugong#2026")
    grant_role(actor=system, user=third, org=tree.county, role=Role.DEPT_ADMIN)
    town = Actor.for_user(third)
    b = recommendation(county, tree.county, groups=[{"name": "全体", "weight": 1, "size": 3}])
    g = b.groups.get()
    ballots.set_paper_sheets(actor=county, ballot_id=b.pk, group_id=g.pk, count=3)
    ballots.open_ballot(actor=county, ballot_id=b.pk)
    with pytest.raises(ServiceError) as e:
        ballots.enter_paper(actor=county, ballot_id=b.pk, group_id=g.pk, sheet_no=4, answers={"1": [1]})
    assert code_of(e) == "sheet_out_of_range"
    # sheet 1: both agree
    ballots.enter_paper(actor=county, ballot_id=b.pk, group_id=g.pk, sheet_no=1, answers={"1": [1]})
    with pytest.raises(ServiceError) as e:
        ballots.enter_paper(actor=county, ballot_id=b.pk, group_id=g.pk, sheet_no=1, answers={"1": [1]})
    assert code_of(e) == "same_clerk"
    s1 = ballots.enter_paper(actor=supervisor, ballot_id=b.pk, group_id=g.pk, sheet_no=1, answers={"1": [1]})
    assert s1.status == SheetStatus.MATCHED
    # sheet 2: the clerks disagree → flagged; closing is refused until a third person resolves it
    ballots.enter_paper(actor=county, ballot_id=b.pk, group_id=g.pk, sheet_no=2, answers={"1": [2]})
    s2 = ballots.enter_paper(actor=supervisor, ballot_id=b.pk, group_id=g.pk, sheet_no=2, answers={"1": [3]})
    assert s2.status == SheetStatus.MISMATCH
    assert reads.turnout(b)["groups"][0]["paper_mismatch"] == 1
    # sheet 3: two names ticked where one was allowed → an invalid ballot (多选无效), entered alike twice
    ballots.enter_paper(actor=county, ballot_id=b.pk, group_id=g.pk, sheet_no=3, answers={"1": [1, 2]})
    ballots.enter_paper(actor=supervisor, ballot_id=b.pk, group_id=g.pk, sheet_no=3, answers={"1": [1, 2]})
    with pytest.raises(ServiceError) as e:
        ballots.close_ballot(actor=county, ballot_id=b.pk)
    assert code_of(e) == "paper_unresolved"
    with pytest.raises(ServiceError) as e:
        ballots.resolve_paper(actor=county, sheet_id=s2.pk, answers={"1": [2]}, note="核对原票")
    assert code_of(e) == "same_clerk"
    ballots.resolve_paper(actor=town, sheet_id=s2.pk, answers={"1": [2]}, note="核对原票，第二次录入有误")
    assert PaperEntry.objects.filter(sheet=s2).count() == 3
    ballots.close_ballot(actor=county, ballot_id=b.pk)
    res = reads.results(county, b.pk)
    assert (res["cast"], res["valid"], res["invalid"]) == (3, 2, 1)
    assert [o["votes"] for o in res["questions"][0]["options"]] == [1, 1, 0]


def test_scope_and_status(county, tree, users):
    b = recommendation(county, tree.county)
    other = Actor.for_user(users["sec_b"])
    from orgwork.core.errors import NotFound

    with pytest.raises(NotFound):
        reads.results(other, b.pk)
    with pytest.raises(NotFound):
        ballots.open_ballot(actor=other, ballot_id=b.pk)
    ballots.cancel_ballot(actor=county, ballot_id=b.pk, reason="人选调整")
    b.refresh_from_db()
    assert b.status == BallotStatus.CANCELLED
    assert Decimal(b.groups.first().weight) == Decimal("0.6")


def test_code_slips_print(county, tree):
    import io

    from pypdf import PdfReader

    from orgwork.core.ballots.printing import code_slips_pdf

    b = recommendation(county, tree.county)
    g = b.groups.first()
    codes = ballots.issue_codes(actor=county, ballot_id=b.pk, group_id=g.pk, count=4)
    pdf = code_slips_pdf(b, g, codes)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert codes[0] in text.replace(" ", "")
