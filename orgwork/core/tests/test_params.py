"""The kernel's request parameters: types, bounds, codes, labels — and that apps do not grow their own parsers again."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import QueryDict

from orgwork.core import params
from orgwork.core.errors import ServiceError
from orgwork.core.params import ParamError


def q(text: str) -> QueryDict:
    return QueryDict(text)


def raises(code: str, fn, *args, **kwargs) -> ParamError:
    with pytest.raises(ParamError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code
    return info.value


def test_year_bounds_and_default():
    assert params.year(q(""), default=2024) == 2024
    assert params.year(q("year=1921")) == 1921 and params.year(q("year=2100")) == 2100
    for bad in ("0", "-5", "99999", "1920", "2101"):
        err = raises("out_of_range", params.year, q(f"year={bad}"))
        assert err.field == "year" and err.label == "年份" and "1921" in err.message and "2100" in err.message
    for bad in ("abc", "1e3", "20.5", "２０２４", "0x10", " 1 2"):
        raises("invalid_parameter", params.year, {"year": bad})


def test_integer_never_overflows():
    raises("out_of_range", params.integer, {"n": str(10**20)}, "n", label="数")
    raises("invalid_parameter", params.integer, {"n": "9" * 40}, "n", label="数")
    assert params.integer({"n": "-3"}, "n", label="数", min_value=None, max_value=None) == -3
    raises("required", params.integer, {}, "n", label="数", required=True)
    raises("invalid_parameter", params.integer, {"n": True}, "n", label="数")
    raises("invalid_parameter", params.integer, {"n": ["1", "2"]}, "n", label="数")


def test_month_quarter_count():
    assert params.month({"month": "12"}) == 12
    raises("out_of_range", params.month, {"month": "13"})
    raises("out_of_range", params.quarter, {"quarter": "0"})
    raises("out_of_range", params.count, {"n": "-1"}, "n", label="人数")


def test_ids():
    assert params.org_id({"org": "7"}) == 7
    raises("out_of_range", params.org_id, {"org": "0"})
    raises("out_of_range", params.org_id, {"org": str(2**63)})
    assert params.org_id({"org": str(2**63 - 1)}) == 2**63 - 1
    assert params.id_list(q("a=1&a=2,3&a=4，5"), "a", label="人员") == [1, 2, 3, 4, 5]
    raises("invalid_parameter", params.id_list, q("a=1&a=x"), "a", label="人员")


def test_dates():
    assert params.date({"d": "2024-07-01"}, "d", label="日期") == dt.date(2024, 7, 1)
    assert params.date({"d": "2024年7月1日"}, "d", label="日期") == dt.date(2024, 7, 1)
    assert params.date({"d": "2024-07"}, "d", label="月份", allow_month=True) == dt.date(2024, 7, 1)
    assert params.date({}, "d", label="日期", default=dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    raises("invalid_parameter", params.date, {"d": "2024-02-30"}, "d", label="日期")
    raises("invalid_parameter", params.date, {"d": "x" * 500}, "d", label="日期")
    raises("out_of_range", params.date, {"d": "1899-12-31"}, "d", label="日期")
    raises("out_of_range", params.date, {"d": "2101-01-01"}, "d", label="日期")


def test_decimals():
    assert params.decimal({"m": "1,234.50"}, "m", label="金额") == Decimal("1234.50")
    assert params.decimal({"m": "0.2"}, "m", label="金额") == Decimal("0.2")
    for bad in ("1e400", "NaN", "Infinity", "--1", "1.2.3", "abc"):
        raises("invalid_parameter", params.decimal, {"m": bad}, "m", label="金额")
    raises("out_of_range", params.decimal, {"m": "1" * 40}, "m", label="金额")
    raises("invalid_parameter", params.decimal, {"m": "1.234"}, "m", label="金额")
    raises("out_of_range", params.decimal, {"m": "-1"}, "m", label="金额", min_value=0)
    assert params.decimal({"m": "0001.10"}, "m", label="金额") == Decimal("1.10")


def test_choice_text_page():
    assert params.choice({"k": "a"}, "k", label="类型", choices=[("a", "甲"), ("b", "乙")]) == "a"
    raises("invalid_parameter", params.choice, {"k": "z"}, "k", label="类型", choices=["a"])
    raises("out_of_range", params.text, {"q": "x" * 101}, "q", label="查找", max_length=100)
    assert params.page({}) == (1, params.PAGE_SIZE_DEFAULT)
    err = raises("out_of_range", params.page, {"page_size": "1000"})
    assert str(params.PAGE_SIZE_MAX) in err.message and err.field == "page_size"


def test_param_error_is_a_service_error_with_the_api_shape():
    err = raises("out_of_range", params.year, {"year": "0"})
    assert isinstance(err, ServiceError)
    assert err.as_dict() == {"code": "out_of_range", "field": "year", "message": err.message}
    assert err.errors[0].field == "year"


def test_money_uses_the_kernel_parser():
    from orgwork.dues.calc import money

    with pytest.raises(ServiceError) as info:
        money("1e400", field="base")
    assert info.value.errors[0].field == "base"
    assert money("3000", field="base") == Decimal("3000")
    assert money(Decimal("12.5"), field="base") == Decimal("12.5")


def test_writable_org(tree, users):
    from orgwork.core.actor import Actor
    from orgwork.core.errors import NotFound

    actor = Actor.for_user(users["town_a"])
    assert params.writable_org(actor, tree.village_a.pk) == tree.village_a
    with pytest.raises(ServiceError) as info:
        params.writable_org(actor, tree.village_b.pk, field="to_org", label="接收党组织")
    assert info.value.errors[0].field == "to_org" and info.value.errors[0].code == "unknown_org"
    with pytest.raises(NotFound):
        params.writable_org(actor, "abc", missing="not_found")
    with pytest.raises(ServiceError):
        params.writable_org(actor, 10**30)


pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2]


def test_helpers_exist_once():
    """No app redefines the parameter helpers or the writable-org lookup (issue 12, Rooms)."""
    offenders = []
    for f in APPS.rglob("*.py"):
        rel = f.relative_to(APPS)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.as_posix() == "core/params.py":
            continue
        text = f.read_text(encoding="utf-8")
        if f.name in ("views.py", "api.py") or f.name.endswith("_views.py"):
            offenders += [f"{rel}: def {m}" for m in re.findall(r"^def (_int|_date|_under|_d)\(", text, flags=re.M)]
        if re.search(r"scope\(Org\.objects[^)]*\), actor, write=True\)\.get\(", text):
            offenders.append(f"{rel}: writable-org lookup")
    assert offenders == []
