"""Statistical bands used by filters and counters (the department's usual report columns)."""

from __future__ import annotations

import datetime as dt

from orgwork.core.normalize import add_years

# (code, label, min years inclusive, max years inclusive or None)
AGE_BANDS = [
    ("le30", "30岁及以下", 0, 30),
    ("31_35", "31至35岁", 31, 35),
    ("36_40", "36至40岁", 36, 40),
    ("41_45", "41至45岁", 41, 45),
    ("46_50", "46至50岁", 46, 50),
    ("51_55", "51至55岁", 51, 55),
    ("56_60", "56至60岁", 56, 60),
    ("61_70", "61至70岁", 61, 70),
    ("ge71", "71岁及以上", 71, None),
]

PARTY_AGE_BANDS = [
    ("lt5", "不满5年", 0, 4),
    ("5_9", "5至9年", 5, 9),
    ("10_19", "10至19年", 10, 19),
    ("20_29", "20至29年", 20, 29),
    ("30_39", "30至39年", 30, 39),
    ("40_49", "40至49年", 40, 49),
    ("ge50", "50年及以上", 50, None),
]


def band(bands, code):
    for row in bands:
        if row[0] == code:
            return row
    return None


def date_range_for_years(min_years: int | None, max_years: int | None, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Start dates (birth or joining) giving whole years between min and max on `today`.

    Returns (after_exclusive, on_or_before): date > after and date <= before.
    """
    before = add_years(today, -min_years) if min_years else None
    after = add_years(today, -(max_years + 1)) if max_years is not None else None
    return after, before


def band_of(years: int, bands) -> str:
    for code, _label, lo, hi in bands:
        if years >= lo and (hi is None or years <= hi):
            return code
    return bands[-1][0]
