import datetime as dt

import pytest

from orgwork.core.normalize import BadDate, clean_name, parse_date, to_halfwidth


@pytest.mark.parametrize(
    "raw",
    ["2019-07-01", "2019/7/1", "2019.07.01", "2019年7月1日", "20190701", "２０１９－０７－０１", "2019 年 7 月 1 日", 43647, dt.date(2019, 7, 1), "2019-07-01 00:00:00"],
)
def test_dates_as_people_type_them(raw):
    assert parse_date(raw) == dt.date(2019, 7, 1)


@pytest.mark.parametrize("raw", ["2019-13-01", "2019/2/30", "七月一日", "19-7-1", "2019"])
def test_bad_dates_are_rejected(raw):
    with pytest.raises(BadDate):
        parse_date(raw)


def test_month_only_when_allowed():
    assert parse_date("2019-07", allow_month=True) == dt.date(2019, 7, 1)
    with pytest.raises(BadDate):
        parse_date("2019-07")


def test_names_lose_inner_and_full_width_spaces():
    assert clean_name(" 张\u3000 三 ") == "张三"
    assert clean_name("Anna  Maria") == "Anna Maria"
    assert to_halfwidth("ＡＢＣ１２３／") == "ABC123/"
