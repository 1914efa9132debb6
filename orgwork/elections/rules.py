"""Term-election rules and the election procedure as versioned data (rules.md §1; 基层组织选举工作条例 2020)."""

import datetime as dt

from orgwork.core.procedures import DateRule, Field, Stage, StepDef, define
from orgwork.core.rules import RuleSet, register, rule

SOURCE = "《中国共产党基层组织选举工作条例》（2020）；《中国共产党支部工作条例（试行）》（2018）"

VOTING = register(
    RuleSet(
        name="election.rules",
        version="2020",
        effective=dt.date(2020, 7, 13),
        source=SOURCE,
        values={
            # Contested election (差额选举): committee-member candidates exceed the seats by at least 20%.
            "contested_ratio": 0.2,
            # A branch electing only a secretary (and deputy) — fewer seats than this — may elect uncontested.
            "contested_min_seats": 3,
            # The election is valid only if voters present are more than 4/5 of those entitled.
            "quorum_share": 0.8,
            # Elected: votes for are more than half of the voters present.
            "elected_share": 0.5,
            # Bringing an election forward or delaying it: the higher committee approves, at most 1 year.
            "max_shift_months": 12,
            # Held more than this many months before the term ends (or after it ends), the shift needs a stated
            # reason and the higher committee's approval (选举工作条例 第五条: 延期或提前换届的，须经上级党组织批准).
            "on_time_window_months": 3,
        },
    )
)

PROCEDURE = define(
    kind="election",
    version="2020",
    effective=dt.date(2020, 7, 13),
    source=SOURCE,
    title="换届选举",
    stages=[Stage("prepare", "筹备"), Stage("candidates", "候选人"), Stage("vote", "选举"), Stage("result", "结果报批")],
    steps=[
        StepDef(
            "plan", "提出换届选举工作方案", "prepare",
            fields=(Field("planned_on", "计划选举日期", "date"), Field("seats", "应选委员人数", "int"), Field("shift_reason", "提前或延期换届的理由", required=False)),
            gates=("election.plan_valid",),
            on_complete=("election.save_plan",),
            article="选举工作条例：党的基层委员会任期届满应当按期进行换届选举",
        ),
        StepDef(
            "plan_approval", "上级党组织批复工作方案", "prepare", role="committee",
            fields=(Field("approval_no", "批复文号"),),
            due=DateRule("plan", months=1, note="一般在报送后1个月内批复"),
        ),
        StepDef("nomination", "推荐提名候选人", "candidates", gates=("election.enough_nominees",), article="差额选举：候选人数多于应选人数20%"),
        StepDef("vetting", "考察候选人并报上级审查", "candidates", role="committee", gates=("election.vetted",), on_complete=("election.fix_ballot",)),
        StepDef(
            "vote", "召开党员大会选举", "vote",
            fields=(Field("held_on", "选举日期", "date"),),
            gates=("election.vote_valid",),
            on_complete=("election.save_vote_date",),
            article="到会人数超过应到会人数的4/5会议有效；赞成票超过实到会人数的一半始得当选",
        ),
        StepDef(
            "result_approval", "上级党组织批复选举结果", "result", role="committee",
            fields=(Field("approval_no", "批复文号"),),
            gates=("election.posts_assigned",),
            on_complete=("election.install_committee",),
        ),
    ],
)


def voting_rules(on: dt.date | None = None):
    return rule("election.rules", on=on)
