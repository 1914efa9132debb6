import datetime as dt

import pytest

from orgwork.core.errors import ServiceError
from orgwork.members.validation import clean_member

TODAY = dt.date(2026, 11, 23)
BASE = {"name": "王 小明", "id_number": "51152619800506001x", "category": "正式", "joined_on": "2005年7月1日"}


def codes(data, **kw):
    try:
        clean_member(data, today=TODAY, **kw)
    except ServiceError as exc:
        return {(e.field, e.code) for e in exc.errors}
    return set()


def test_clean_values_are_normalized_and_derived():
    out = clean_member({**BASE, "gender": "男性", "education": "本科", "ethnicity": "汉", "phone": "+86 138 0013 8000"}, today=TODAY)
    assert out["name"] == "王小明"
    assert out["id_number"] == "51152619800506001X"
    assert out["birth_date"] == dt.date(1980, 5, 6)
    assert out["gender"] == "M"
    assert out["category"] == "full"
    assert out["joined_on"] == dt.date(2005, 7, 1)
    assert out["education"] == "bachelor"
    assert out["ethnicity"] == "汉族"
    assert out["phone"] == "13800138000"


def test_required_fields():
    assert codes({}) >= {("name", "required"), ("id_number", "required"), ("category", "required"), ("joined_on", "required")}


@pytest.mark.parametrize(
    "extra,expected",
    [
        ({"gender": "女"}, ("gender", "id_gender_mismatch")),
        ({"birth_date": "1980-05-07"}, ("birth_date", "id_birth_mismatch")),
        ({"id_number": "511526198005060012"}, ("id_number", "id_checksum")),
        ({"id_number": "5115261980050600"}, ("id_number", "id_format")),
        ({"joined_on": "2027-01-01"}, ("joined_on", "future_date")),
        ({"joined_on": "2005-02-30"}, ("joined_on", "bad_date")),
        ({"joined_on": "1979-01-01"}, ("joined_on", "date_order")),
        ({"joined_on": "1997-01-01"}, ("joined_on", "under_age")),
        ({"phone": "12345"}, ("phone", "bad_phone")),
        ({"category": "积极分子"}, ("category", "bad_value")),
        ({"education": "幼儿园"}, ("education", "bad_value")),
        ({"confirmed_on": "2004-01-01"}, ("confirmed_on", "date_order")),
        ({"category": "预备党员", "confirmed_on": "2006-07-01"}, ("confirmed_on", "bad_value")),
    ],
)
def test_each_error_has_its_field_and_code(extra, expected):
    assert expected in codes({**BASE, **extra})


def test_eighteen_on_the_day_is_old_enough():
    # 党章第一条: 年满十八岁. Born 1980-05-06 → 18 on 1998-05-06.
    assert codes({**BASE, "joined_on": "1998-05-06"}) == set()
    assert ("joined_on", "under_age") in codes({**BASE, "joined_on": "1998-05-05"})


def test_landlines_are_phones():
    assert clean_member({**BASE, "phone": "0831-4123456"}, today=TODAY)["phone"] == "0831-4123456"


def test_an_old_15_digit_number_is_stored_as_18_digits_and_flagged():
    out = clean_member({**BASE, "id_number": "440524800101001"}, today=TODAY)
    assert out["id_number"] == "440524198001010013"
    assert out["id_number_old"] == "440524800101001"
    assert out["birth_date"] == dt.date(1980, 1, 1)
    assert "id_number_old" not in clean_member(BASE, today=TODAY)
