"""The 2008 dues table case by case (组通字〔2008〕3号 一; rules.md §4)."""

import datetime as dt
from decimal import Decimal

import pytest

from orgwork.core.errors import ServiceError
from orgwork.dues.calc import assess, self_employed_base
from orgwork.dues.rules import dues_rules, to_fen

R = dues_rules(version="2008")


def amount(category, base=None, **kw):
    return assess(R, category=category, base=base, **kw).monthly_amount


@pytest.mark.parametrize(
    ("base", "rate", "due"),
    [
        ("0", "0.005", "0.00"),
        ("2999.99", "0.005", "15.00"),
        ("3000", "0.005", "15.00"),  # ≤ 3,000 → 0.5% (boundary belongs to the lower bracket)
        ("3000.01", "0.01", "30.00"),
        ("5000", "0.01", "50.00"),  # 3,000 < base ≤ 5,000 → 1%
        ("5000.01", "0.015", "75.00"),
        ("10000", "0.015", "150.00"),  # 5,000 < base ≤ 10,000 → 1.5%
        ("10000.01", "0.02", "200.00"),  # > 10,000 → 2%
        ("4321.50", "0.01", "43.22"),  # 43.215 → half-up to 43.22
    ],
)
def test_salaried_brackets_of_2008_rules_section_1_1(base, rate, due):
    a = assess(R, category="salaried", base=base)
    assert (a.rate, a.monthly_amount) == (Decimal(rate), Decimal(due))
    assert a.rule_version == "2008"


def test_annual_salary_uses_the_month_actual_pay_on_the_same_brackets():
    # 组通字〔2008〕3号 一(一): 年薪制 — actual monthly income as the base.
    assert amount("annual_salary", "12000") == Decimal("240.00")
    assert amount("annual_salary", "5000") == Decimal("50.00")


def test_self_employed_base_is_previous_quarter_average():
    # 组通字〔2008〕3号 一(一): 个体 — the previous quarter's average monthly net income.
    assert self_employed_base(["3000", "4000", "5000.01"]) == Decimal("4000.00")
    a = assess(R, category="self_employed", quarter_incomes=["3000", "4000", "5000.01"])
    assert (a.base, a.rate, a.monthly_amount) == (Decimal("4000.00"), Decimal("0.01"), Decimal("40.00"))
    with pytest.raises(ServiceError):
        self_employed_base(["3000", "4000"])


@pytest.mark.parametrize(("base", "due"), [("5000", "25.00"), ("5000.01", "50.00"), ("8000", "80.00"), ("1234.5", "6.17")])
def test_retirees_half_percent_up_to_5000_then_one_percent(base, due):
    # 组通字〔2008〕3号 一(二).
    assert amount("retired", base) == Decimal(due)


def test_farmers_pay_between_20_fen_and_1_yuan():
    # 组通字〔2008〕3号 一(三).
    assert amount("farmer") == Decimal("0.20")
    assert amount("farmer", amount="0.5") == Decimal("0.50")
    assert amount("farmer", amount="1") == Decimal("1.00")
    for bad in ("0.19", "1.01"):
        with pytest.raises(ServiceError) as exc:
            amount("farmer", amount=bad)
        assert exc.value.errors[0].code == "out_of_range"


@pytest.mark.parametrize("category", ["student", "unemployed", "relief"])
def test_students_unemployed_and_relief_pay_20_fen(category):
    # 组通字〔2008〕3号 一(四).
    assert amount(category) == Decimal("0.20")


def test_money_is_decimal_rounded_half_up_to_the_fen():
    assert to_fen("0.005") == Decimal("0.01")
    assert to_fen("2.675") == Decimal("2.68")  # float would give 2.67
    assert isinstance(amount("salaried", "3333.33"), Decimal)


def test_bad_base_is_a_field_error():
    for bad in (None, "abc", "-1"):
        with pytest.raises(ServiceError) as exc:
            amount("salaried", bad)
        assert exc.value.errors[0].field == "base"


def test_a_revision_is_added_as_data_and_old_records_keep_their_version():
    new = R.derive(version="test-2030", effective=dt.date(2030, 1, 1), source="test", salaried_brackets=[("4000", "0.005"), (None, "0.01")])
    assert assess(new, category="salaried", base="3500").monthly_amount == Decimal("17.50")
    assert assess(R, category="salaried", base="3500").monthly_amount == Decimal("35.00")


def test_limits_cite_the_2008_rules():
    assert R["back_payment_max_months"] == 6
    assert R["self_exit_unpaid_months"] == 6
    assert Decimal(R["central_remit_rate"]) == Decimal("0.05")
    assert Decimal(R["voluntary_all_to_centre_from"]) == Decimal("1000")
    assert "组通字〔2008〕3号" in R.source
