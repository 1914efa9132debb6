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


# 三、what each level below the province keeps or passes up is set by the province (rules.md §4): a rule table
# per level, the share of ordinary dues an org passes to the level above (the rest it keeps). Voluntary one-off
# payments of 1,000 yuan or more are never kept on the way: they go entirely to the centre. The province itself
# passes 5% of the year's dues to the centre (`dues.rates` central_remit_rate). A province's document is entered
# as a new version of this table (`REMITTANCE_DEFAULT.derive(version=..., effective=..., source=..., shares=...)`).
# Levels: "branch" (党支部/联合党支部), "general_branch" (党总支), "committee" (基层党委/党工委 below the
# deployment's top), and the deployment's top level named by settings.DUES_TOP_LEVEL ("county", "city", "province").
REMITTANCE_DEFAULT = register(
    RuleSet(
        name="dues.remittance",
        version="2008-province-default",
        effective=dt.date(2008, 4, 1),
        source="组通字〔2008〕3号 三（省级党委上缴中央5%）；以下各级留存、上缴比例由省委组织部规定，按本省文件录入",
        values={
            "shares": {
                "branch": "1.00",  # 党支部收缴的党费全额上缴上级党委
                "general_branch": "1.00",
                "committee": "0.50",  # 基层党委留存一半，一半上缴县委
                "county": "0.50",
                "city": "0.50",
                "province": None,  # the province remits central_remit_rate to the centre (组通字〔2008〕3号 三)
            },
        },
    )
)


def remittance_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("dues.remittance", on=on, version=version)


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
