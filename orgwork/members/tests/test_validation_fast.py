"""The import's fast path gives exactly clean_member's values for the rows it accepts, and hands every other row to
clean_member (so the per-field Chinese messages are the same whichever path a row takes)."""

import datetime as dt
import itertools
import random

import pytest

from orgwork.core import idcard
from orgwork.core.errors import ServiceError
from orgwork.members.rules import membership_rules
from orgwork.members.validation import clean_member, clean_member_fast

TODAY = dt.date(2026, 11, 23)


def both(data):
    min_age = membership_rules(on=TODAY)["min_age_at_admission"]
    fast = clean_member_fast(data, today=TODAY, min_age=min_age)
    try:
        slow = clean_member(data, today=TODAY)
    except ServiceError as exc:
        slow = exc
    return fast, slow


def plain_row(rng, k):
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    number = idcard.make("511526", birth, k % 999 + 1)
    joined = dt.date(birth.year + 19, 3, 1) + dt.timedelta(days=rng.randint(0, 3000))
    probationary = rng.random() < 0.2
    return {
        "name": rng.choice(["王小明", "欧阳娜娜", "李", "John Smith", "买买提·艾力"]),
        "gender": "男" if int(number[16]) % 2 else "女",
        "id_number": number,
        "ethnicity": rng.choice(["汉族", "汉", "回族", "", "其他"]),
        "birth_date": rng.choice([birth, dt.datetime(birth.year, birth.month, birth.day), "", None]),
        "education": rng.choice(["大学本科", "大专", "高中", "", "本科毕业"]),
        "category": "预备党员" if probationary else rng.choice(["正式党员", "正式"]),
        "joined_on": rng.choice([joined, dt.datetime(joined.year, joined.month, joined.day)]),
        "confirmed_on": None if probationary else rng.choice([joined + dt.timedelta(days=366), None, ""]),
        "job": rng.choice(["教师", "  工人 ", "", None]),
        "phone": rng.choice(["13800138000", "+86 138 0013 8000", "028-12345678", "", None]),
        "address": rng.choice(["第1镇红旗村1号", "", None, "x" * 201]),
        "lost_contact": rng.choice(["否", "是", "", False]),
    }


def test_plain_rows_take_the_fast_path_with_the_same_values():
    rng = random.Random(13)
    accepted = 0
    for k in range(600):
        row = plain_row(rng, k)
        fast, slow = both(row)
        if fast is not None:
            accepted += 1
            assert fast == slow, row
        else:
            # only rows clean_member also refuses or would change (a name with a space, a long address) go the slow way
            assert isinstance(slow, ServiceError) or row["name"] == "John Smith", (row, slow)
    assert accepted > 250


GOOD = {
    "name": "王小明", "gender": "男", "id_number": "51152619800506001X", "ethnicity": "汉族", "birth_date": dt.date(1980, 5, 6),
    "education": "大学本科", "category": "正式党员", "joined_on": dt.date(2005, 7, 1), "confirmed_on": dt.date(2006, 7, 1),
    "job": "教师", "phone": "13800138000", "address": "红旗村1号", "lost_contact": "否",
}
ODD = {
    "name": ["", None, "王 小明", "王小明2", "ＡＢ", "王" * 61, 12.0],
    "gender": ["女", "未知", "  "],
    "id_number": ["", None, "51152619800506001x", "511526800506001", "51152619800506001", "511526198005060011", "5115261980050600*X", 51152619800506001.0],
    "ethnicity": ["火星族"],
    "birth_date": [dt.date(1980, 5, 7), "1980-05-06", 29347.0, dt.date(2030, 1, 1)],
    "education": ["博士后"],
    "category": ["", None, "积极分子", "预备党员"],
    "joined_on": ["", None, "2005-07-01", dt.date(1995, 1, 1), dt.date(1970, 1, 1), dt.date(2030, 1, 1), dt.datetime(2005, 7, 1, 12, 30)],
    "confirmed_on": [dt.date(2005, 7, 1), dt.date(2030, 1, 1), "2006-07-01"],
    "phone": ["123", 13800138000.0, "１３８００１３８０００"],
    "job": ["x" * 101],
    "lost_contact": ["也许", "是"],
}


@pytest.mark.parametrize(("key", "value"), [(k, v) for k, vs in ODD.items() for v in vs])
def test_each_odd_value_gives_what_clean_member_gives(key, value):
    fast, slow = both({**GOOD, key: value})
    if fast is not None:
        assert fast == slow
    else:
        # the slow path decides: an error with its message, or a value the fast path did not vouch for
        assert isinstance(slow, (ServiceError, dict))


def test_missing_columns_and_lost_contact_dates():
    for drop in itertools.chain.from_iterable(itertools.combinations(["gender", "birth_date", "ethnicity", "education", "confirmed_on", "job", "phone", "address", "lost_contact"], r) for r in (1, 2)):
        row = {k: v for k, v in GOOD.items() if k not in drop}
        fast, slow = both(row)
        assert fast is not None and fast == slow, drop
    fast, slow = both({**{k: v for k, v in GOOD.items() if k != "lost_contact"}, "lost_contact_on": dt.date(2020, 1, 1)})
    assert fast is None and slow["lost_contact_on"] == dt.date(2020, 1, 1) and slow["lost_contact"] is True
    fast, slow = both({**GOOD, "lost_contact_on": ""})
    assert fast == slow and fast["lost_contact_on"] is None


# Cells a real roster writes otherwise than the template, which clean_member accepts: the fast path reads them with
# clean_member's own functions, so a held-out roster full of them is not validated row by row the slow way.
ROSTER_VARIANTS = [
    ("id_number", "51152619800506001x"),
    ("id_number", "５１１５２６１９８００５０６００１Ｘ"),
    ("id_number", "511526 19800506 001X"),
    ("name", "王 小明"),
    ("name", " 王小明 "),
    ("birth_date", "1980-05-06"),
    ("birth_date", "1980.5.6"),
    ("birth_date", "1980年5月6日"),
    ("birth_date", 29347.0),
    ("joined_on", "2005-07-01"),
    ("joined_on", "2005/7/1"),
    ("joined_on", "２００５-０７-０１"),
    ("confirmed_on", "2006-07-01"),
    ("phone", "１３８００１３８０００"),
    ("phone", "138 0013 8000"),
    ("phone", 13800138000.0),
]


@pytest.mark.parametrize(("key", "value"), ROSTER_VARIANTS)
def test_real_roster_variants_stay_on_the_fast_path_with_the_same_values(key, value):
    fast, slow = both({**GOOD, key: value})
    assert isinstance(slow, dict), slow
    assert fast is not None, (key, value)
    assert fast == slow


def test_an_old_15_digit_number_is_upgraded_on_the_fast_path_as_clean_member_does():
    old = "511526800506001"
    fast, slow = both({**GOOD, "id_number": old})
    assert isinstance(slow, dict) and slow["id_number_old"] == old and len(slow["id_number"]) == 18
    assert fast == slow


@pytest.mark.parametrize(
    ("key", "value"),
    [("id_number", "511526800506002"), ("id_number", "51152619800506001"), ("birth_date", "1980-13-01"), ("joined_on", "去年"),
     ("joined_on", "2035-01-01"), ("name", "王小明2"), ("phone", "１２３")],
)
def test_bad_variants_leave_the_fast_path(key, value):
    fast, slow = both({**GOOD, key: value})
    assert fast is None and isinstance(slow, ServiceError)
