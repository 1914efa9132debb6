"""Dues rates and limits as versioned data (rules.md §4).

Source: 中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》（组通字〔2008〕3号）, in force from
2008-04-01. Amounts are strings turned into Decimal where used: never float.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from orgwork.core.rules import RuleSet, register, rule

FEN = Decimal("0.01")

DUES_2008 = register(
    RuleSet(
        name="dues.rates",
        version="2008",
        effective=dt.date(2008, 4, 1),
        source="组通字〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》",
        values={
            # 一、(一) in-service members: monthly after-tax wage income; upper bounds inclusive, None = no bound.
            "salaried_brackets": [("3000", "0.005"), ("5000", "0.01"), ("10000", "0.015"), (None, "0.02")],
            # 一、(二) retirees: 0.5% up to 5,000 (inclusive), 1% above.
            "retired_brackets": [("5000", "0.005"), (None, "0.01")],
            # 一、(三) farmers: 0.2 to 1 yuan a month.
            "farmer_min": "0.20",
            "farmer_max": "1.00",
            # 一、(四) students, the unemployed and people living on relief: 0.2 yuan a month.
            "flat_low_income": "0.20",
            # 一、(五) hardship: reduced or exempt, decided by the branch and approved by the next committee up.
            "hardship_needs_higher_approval": True,
            # 二、paid monthly; quarterly (in advance) with the branch's consent; back payment at most 6 months.
            "back_payment_max_months": 6,
            "quarterly_with_branch_consent": True,
            # 二、6 consecutive months unpaid without good reason → treated as self-exit (党章第九条), a person decides.
            "arrears_list_months": [3, 6],
            "self_exit_unpaid_months": 6,
            # 三、5% of collections goes to the centre by the end of April of the following year;
            # a voluntary one-off payment of 1,000 yuan or more goes entirely to the centre.
            "central_remit_rate": "0.05",
            "central_remit_deadline": (4, 30),
            "voluntary_all_to_centre_from": "1000",
        },
    )
)


def dues_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("dues.rates", on=on, version=version)


def to_fen(value) -> Decimal:
    """Round half-up to the fen: 12.345 → 12.35."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def bracket_rate(brackets, base: Decimal) -> Decimal:
    for upper, rate in brackets:
        if upper is None or base <= Decimal(upper):
            return Decimal(rate)
    raise AssertionError("the last bracket has no upper bound")
