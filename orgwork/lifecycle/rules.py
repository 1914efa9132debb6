"""Transfer, mobile-member and exit time limits as versioned data (rules.md §2, §6)."""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

TRANSFERS_2019 = register(
    RuleSet(
        name="lifecycle.transfer",
        version="2019",
        effective=dt.date(2019, 5, 6),
        source="《中国共产党党员教育管理工作条例》（2019）第二十五条；中组部组织关系介绍信式样说明",
        values={
            # 第25条: a letter is usually valid 10–30 days; the longest validity is 3 months.
            "letter_valid_days_min": 10,
            "letter_valid_days_max": 30,
            "letter_valid_max_months": 3,
            "letter_valid_days_default": 30,
            # 第25条: the receipt comes back within 1 month; later than that → a reminder.
            "receipt_return_months": 1,
            # Within the deployment: the receiving side acts within this many days, else the transfer is listed overdue.
            "receive_within_days": 30,
            # 第25条: transfer when away 6 months or more at a fixed place.
            "transfer_when_away_months": 6,
            # An incoming letter registered after it expired: the member states the reason, recorded on the transfer.
            "late_letter_needs_reason_after_days": 0,
            # 党章第九条: 党员没有正当理由，连续六个月不参加党的组织生活…就被认为是自行脱党. A letter handed in more than
            # 6 months after it expired means that long outside any branch: flagged for the branch to consider.
            "late_letter_lapse_months": 6,
        },
    )
)

MOBILE_2019 = register(
    RuleSet(
        name="lifecycle.mobile",
        version="2019",
        effective=dt.date(2019, 5, 6),
        source="《中国共产党党员教育管理工作条例》（2019）第三十二至三十四条；党章第九条",
        values={
            # 第32条: away 6 months or more without a transfer → a mobile member who should consider transferring.
            "away_flag_months": 6,
            # 第34条 / 党章: no contact for 6 months → membership suspension is considered (a person decides).
            "no_contact_suspend_months": 6,
        },
    )
)

EXIT_2019 = register(
    RuleSet(
        name="lifecycle.exit",
        version="2019",
        effective=dt.date(2019, 5, 6),
        source="《中国共产党章程》第九条；《中国共产党党员教育管理工作条例》（2019）第二十八至三十一条",
        values={
            # 第29条 / rules.md §2: rectification within a set time is at most 1 year.
            "rectification_max_months": 12,
            # rules.md §2: suspended for lost contact, 2 more years → removal is considered.
            "suspended_remove_after_years": 2,
            # Which procedures need the higher committee's approval after the branch meeting decides.
            "needs_higher_approval": ["suspension", "removal", "persuasion", "self_exit", "restoration"],
            # 党员教育管理工作条例 第三十条 (表决): more than half of the full members entitled present and in favour.
            "meeting_quorum_share": "1/2",
            "meeting_pass_share": "1/2",
        },
    )
)


def transfer_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("lifecycle.transfer", on=on, version=version)


def mobile_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("lifecycle.mobile", on=on, version=version)


def exit_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("lifecycle.exit", on=on, version=version)
