"""Organizational-life frequencies and appraisal rules as versioned data (rules.md §5)."""

import datetime as dt

from django.utils.translation import gettext_noop

from orgwork.core.rules import RuleSet, register, rule

BRANCHES = ["branch", "joint_branch"]

LIFE = register(
    RuleSet(
        name="org.life",
        version="2019",
        effective=dt.date(2019, 5, 6),
        source="《中国共产党支部工作条例（试行）》（2018）；《中国共产党党员教育管理工作条例》（2019）",
        values={
            # code → what counts, how often, for which org kinds, and where the rule comes from.
            # measure "count": at least `min` meetings of `kinds` held in each period;
            # "coverage": every member in good standing attends at least one in the period;
            # "hours": training hours per member (kept by the training module; listed, not computed here).
            "items": {
                "general_meeting": {
                    "label": gettext_noop("支部党员大会"), "kinds": ["general_meeting"], "period": "quarter", "min": 1, "measure": "count",
                    "applies_to": BRANCHES, "citation": "支部工作条例（2018）第十一条：党员大会一般每季度召开1次",
                },
                "committee_meeting": {
                    "label": gettext_noop("支部委员会会议"), "kinds": ["committee_meeting"], "period": "month", "min": 1, "measure": "count",
                    "applies_to": BRANCHES, "needs_committee": True,
                    "citation": "支部工作条例（2018）第十二条：支部委员会会议一般每月召开1次",
                },
                "group_meeting": {
                    "label": gettext_noop("党小组会"), "kinds": ["group_meeting"], "period": "month", "min": 1, "measure": "count",
                    "applies_to": ["group"], "citation": "支部工作条例（2018）第十三条：党小组会一般每月召开1次",
                },
                "lecture": {
                    "label": gettext_noop("党课"), "kinds": ["lecture"], "period": "quarter", "min": 1, "measure": "count",
                    "applies_to": BRANCHES, "citation": "党员教育管理工作条例（2019）：党课一般每季度1次",
                },
                "secretary_lecture": {
                    "label": gettext_noop("书记讲党课"), "kinds": ["lecture"], "period": "year", "min": 1, "measure": "count", "by_secretary": True,
                    "applies_to": BRANCHES, "citation": "支部工作条例（2018）第十九条：党支部书记每年至少为党员讲1次党课",
                },
                "theme_day": {
                    "label": gettext_noop("主题党日"), "kinds": ["theme_day"], "period": "month", "min": 1, "measure": "count",
                    "applies_to": BRANCHES, "citation": "支部工作条例（2018）第十九条：每月相对固定1天开展主题党日",
                },
                "review_meeting": {
                    "label": gettext_noop("组织生活会"), "kinds": ["review_meeting"], "period": "year", "min": 1, "measure": "count",
                    "applies_to": BRANCHES, "citation": "支部工作条例（2018）第二十条：每年至少召开1次组织生活会",
                },
                "appraisal": {
                    "label": gettext_noop("民主评议党员"), "kinds": ["appraisal"], "period": "year", "min": 1, "measure": "count",
                    "applies_to": BRANCHES, "citation": "支部工作条例（2018）第二十一条：一般每年开展1次民主评议党员",
                },
                "talks": {
                    "label": gettext_noop("谈心谈话"), "kinds": ["talk"], "period": "year", "min": 1, "measure": "coverage",
                    "applies_to": BRANCHES, "citation": "支部工作条例（2018）第二十二条：党员之间每年谈心谈话一般不少于1次",
                },
                "training": {
                    "label": gettext_noop("党员学习培训"), "kinds": [], "period": "year", "min": 32, "measure": "hours", "computed": False,
                    "applies_to": BRANCHES, "citation": "党员教育管理工作条例（2019）：党员每年集中学习培训一般不少于32学时",
                },
            },
            # A new org owes a period's items only if it existed for at least this share of the period
            # (local practice, configurable): a branch founded on 20 May owes nothing for May or Q2.
            "first_period_min_share": 0.5,
            # Reminders before a period closes with an item still missing.
            "due_soon_days": 7,
            # A closed period stays on the late list (and in reminders) for this many days after it ends.
            "late_window_days": 92,
            # Seed 003: 主题党日 always includes these parts.
            "theme_day_parts": ["study", "dues", "spirit"],
        },
    )
)


APPRAISAL = register(
    RuleSet(
        name="member.appraisal",
        version="2019",
        effective=dt.date(2019, 5, 6),
        source="《中国共产党支部工作条例（试行）》（2018）第二十一条；《关于党员民主评议的通知》常见做法",
        values={
            "grades": ["excellent", "qualified", "basic", "unqualified"],
            # The democratic rating suggests a grade; the branch decides. Local practice (configurable):
            # “优秀” needs more than half the votes cast, and at most 1 in 3 members may be excellent;
            # “不合格” is suggested when more than half the votes say so, “基本合格” when basic+unqualified
            # votes are more than half.
            "excellent_vote_share": 0.5,
            "excellent_max_share": 1 / 3,
            "unqualified_vote_share": 0.5,
            "basic_vote_share": 0.5,
            # Unqualified members go to the handling procedure (限期改正, 劝退, 除名 — lifecycle issue).
            "handle_grades": ["unqualified"],
        },
    )
)


def life_rules(on: dt.date | None = None):
    return rule("org.life", on=on)


def appraisal_rules(on: dt.date | None = None):
    return rule("member.appraisal", on=on)
