"""Pure dues arithmetic (no database): the monthly amount from a category and a base, per rules.md §4."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from orgwork.core import params
from orgwork.core.errors import ServiceError

from .models import BASE_CATEGORIES, FLAT_CATEGORIES, DuesCategory
from .rules import bracket_rate, to_fen


@dataclass(frozen=True)
class Assessment:
    category: str
    base: Decimal | None
    rate: Decimal | None
    monthly_amount: Decimal
    rule_version: str
    detail: dict


def money(value, *, field: str) -> Decimal:
    """An amount of money in yuan: ≥ 0, at most 10 whole digits and 2 decimal places (the kernel's decimal parser)."""
    if isinstance(value, Decimal) and value.is_finite():
        value = format(value, "f")
    if value is not None and value != "" and str(value).strip().startswith("-"):
        raise ServiceError.single(field, "bad_value", _("金额不能为负数"))
    return params.to_decimal(value, field=field, label="金额", required=True, max_digits=12, decimal_places=2, min_value=0)


def self_employed_base(quarter_incomes) -> Decimal:
    """The previous quarter's average monthly net income (组通字〔2008〕3号 一(一))."""
    incomes = [money(v, field="quarter_incomes") for v in quarter_incomes or []]
    if len(incomes) != 3:
        raise ServiceError.single("quarter_incomes", "bad_value", _("请填写上一季度三个月的纯收入"))
    return to_fen(sum(incomes) / 3)


def assess(rules, *, category: str, base=None, amount=None, quarter_incomes=None) -> Assessment:
    """Monthly dues for one member; `rules` is a `dues.rates` rule set."""
    detail: dict = {}
    if category not in DuesCategory.values:
        raise ServiceError.single("category", "bad_value", _("交纳类别“%(category)s”无效") % {"category": category})
    if category == DuesCategory.SELF_EMPLOYED and quarter_incomes is not None:
        base_d = self_employed_base(quarter_incomes)
        detail["quarter_incomes"] = [str(money(v, field="quarter_incomes")) for v in quarter_incomes]
    elif category in BASE_CATEGORIES:
        base_d = money(base, field="base")
    else:
        base_d = None
    if category in BASE_CATEGORIES:
        table = rules["retired_brackets"] if category == DuesCategory.RETIRED else rules["salaried_brackets"]
        rate = bracket_rate(table, base_d)
        return Assessment(category, to_fen(base_d), rate, to_fen(base_d * rate), rules.version, detail)
    if category == DuesCategory.FARMER:
        low, high = Decimal(rules["farmer_min"]), Decimal(rules["farmer_max"])
        chosen = low if amount in (None, "") else money(amount, field="amount")
        if not low <= chosen <= high:
            raise ServiceError.single("amount", "out_of_range", _("农民党员每月交纳%(low)s元至%(high)s元") % {"low": low, "high": high})
        return Assessment(category, None, None, to_fen(chosen), rules.version, detail)
    assert category in FLAT_CATEGORIES
    return Assessment(category, None, None, to_fen(rules["flat_low_income"]), rules.version, detail)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Number of months from first to last inclusive (both month starts); 0 when last < first."""
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    return max(n, 0)


def quarter_end(month: dt.date) -> dt.date:
    q_last = ((month.month - 1) // 3) * 3 + 3
    return dt.date(month.year, q_last, 1)
