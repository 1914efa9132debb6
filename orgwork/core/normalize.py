"""Normalize what people type: full-width characters, stray spaces, the many ways to write a date.

Shared by forms, the API and file imports so every entry point accepts the same input.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_LONE_SPACE = re.compile(r"(?<![A-Za-z]) | (?![A-Za-z])")


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ／…) to half-width; everything else unchanged."""
    return text.translate(_HALFWIDTH)


def clean_text(value) -> str:
    """Trim and collapse whitespace (including ideographic space) to one ASCII space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def clean_name(value) -> str:
    """Person and organization names: no spaces at all (people type "张  三" to align columns)."""
    if value is None:
        return ""
    text = to_halfwidth(unicodedata.normalize("NFC", str(value)))
    # Keep a space only between two Latin letters (e.g. a foreign name), drop it elsewhere.
    text = _SPACES.sub(" ", text).strip()
    return _LONE_SPACE.sub("", text) if " " in text else text


def clean_digits(value) -> str:
    if value is None:
        return ""
    text = to_halfwidth(str(value))
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return re.sub(r"[\s\-\u3000]", "", text)


class BadDate(ValueError):
    pass


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value, *, allow_month: bool = False) -> dt.date | None:
    """Parse a date as typed in China; None for empty; BadDate for anything else.

    Accepts date/datetime objects, Excel serial numbers, 2019-07-01, 2019/7/1, 2019.07.01,
    2019年7月1日, 20190701 (and, with allow_month, 2019-07 or 2019年7月 as the month's first day).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 100000 and float(value) == int(value) and not (19000101 <= value <= 29991231):
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    text = to_halfwidth(clean_text(value)).replace(" ", "")
    if not text:
        return None
    text = re.sub(r"(\d)\s*(年|月)\s*", r"\1\2", text)
    # a datetime string "2019-07-01 00:00:00"
    text = re.sub(r"[T ]?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError as exc:
                raise BadDate(text) from exc
    if allow_month:
        for pattern in _MONTH_PATTERNS:
            m = pattern.match(text)
            if m:
                y, mo = (int(g) for g in m.groups())
                try:
                    return dt.date(y, mo, 1)
                except ValueError as exc:
                    raise BadDate(text) from exc
    raise BadDate(text)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from start to end (an age)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
