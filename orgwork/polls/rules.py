"""Poll rule data: the SMS verification of public respondents (no regulation fixes these numbers — this system's
defaults, for the department to replace) and the rating scale offered by the questionnaire builder."""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

POLLS_2026 = register(
    RuleSet(
        name="polls",
        version="2026",
        effective=dt.date(2000, 1, 1),
        source="本系统默认值：民意调查面向社会时每个手机号一份，以短信验证码核实（issue 19；rules.md §8 渠道）",
        values={
            "sms_code_minutes": 10,  # a code is valid this long
            "sms_resend_seconds": 60,  # no new code to the same phone within this time
            "sms_max_sends": 5,  # codes per phone per poll
            "sms_max_attempts": 5,  # wrong codes before the code is spent
            "rating_scale": 5,  # 1–5 points
            "max_questions": 100,
            "max_options": 50,
        },
    )
)


def poll_rules(*, on: dt.date | None = None):
    return rule("polls", on=on or dt.date.today())
