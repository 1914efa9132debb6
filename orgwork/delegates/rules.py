"""Delegates' rule data (rules.md §8; seed 001 item 6):

* 明确每周五上午固定为“党代表接待日”活动时间，原则上每位党代表每年至少参加一次接待活动 — reception day on Friday
  morning (weekday 4, 09:00–12:00), each delegate at least once a year.
* Online questions to units (网络问政, seed 001 item 8): no number is published; the public answer time limit is this
  system's default (10 working days), data for the department to replace.
* Composition targets (workers, farmers, women, under-35s) are set per congress by the convening committee; the
  defaults below are placeholders marked as such ("default — replace with the committee's own").
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

DELEGATES_2011 = register(
    RuleSet(
        name="delegates",
        version="2011",
        effective=dt.date(2011, 1, 1),
        source="seed 001 第6条：每周五上午为党代表接待日，每位党代表每年至少参加一次；网络问政答复时限与代表结构目标为本系统默认值（rules.md §8）",
        values={
            "reception_weekday": 4,  # Friday (Monday = 0)
            "reception_start": "09:00",
            "reception_end": "12:00",
            "min_receptions_per_year": 1,
            "flag_from_month": 10,  # from October, delegates with no reception this year go to the deadline job
            "question_answer_working_days": 10,
            "composition_targets_default": {"workers": 0.10, "farmers": 0.10, "women": 0.30, "under_35": 0.10, "note": "默认值——请替换为本次大会的代表结构要求"},
        },
    )
)


def delegate_rules(*, on: dt.date | None = None):
    return rule("delegates", on=on or dt.date.today())


def next_reception_day(after: dt.date, *, on: dt.date | None = None) -> dt.date:
    """The next reception weekday on or after `after`."""
    wd = delegate_rules(on=on or after)["reception_weekday"]
    return after + dt.timedelta(days=(wd - after.weekday()) % 7)
