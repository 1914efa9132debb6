"""Pure functions of the engine: points of an entry, grades, buckets (no database writes)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .models import Direction, PointsMode

Q2 = Decimal("0.01")


def dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a number: {value!r}") from None


def q(value) -> Decimal:
    return dec(value).quantize(Q2, rounding=ROUND_HALF_UP)


def magnitude(indicator, units) -> Decimal:
    """Unsigned points an indicator gives for `units` (fixed: per occurrence; per unit; the highest tier reached)."""
    units = dec(units)
    if indicator.mode == PointsMode.PER_UNIT:
        return q(dec(indicator.points) * units)
    if indicator.mode == PointsMode.TIERED:
        best = Decimal(0)
        for tier in sorted(indicator.tiers or [], key=lambda t: dec(t["min_units"])):
            if units >= dec(tier["min_units"]):
                best = dec(tier["points"])
        return q(best)
    return q(indicator.points) if units > 0 else Decimal("0.00")


def signed(indicator, value) -> Decimal:
    value = q(value)
    return -value if indicator.direction == Direction.DEDUCT else value


def points_for(indicator, units) -> Decimal:
    return signed(indicator, magnitude(indicator, units))


def grade_for(grades, total) -> str:
    """The grade of a total by thresholds `[{"grade": "优秀", "min": "90"}, …]`; the lowest grade without a `min`."""
    total = dec(total)
    fallback = ""
    for g in sorted(grades or [], key=lambda g: dec(g.get("min", "-1e18")), reverse=True):
        if g.get("min") in (None, ""):
            fallback = g["grade"]
            continue
        if total >= dec(g["min"]):
            return g["grade"]
    return fallback


def bucket_year(day: dt.date) -> str:
    return f"Y{day.year}"


def bucket_quarter(day: dt.date) -> str:
    return f"Q{day.year}-{(day.month - 1) // 3 + 1}"


def bucket_month(day: dt.date) -> str:
    return f"M{day:%Y-%m}"


def buckets(day: dt.date) -> tuple[str, str, str]:
    return bucket_year(day), bucket_quarter(day), bucket_month(day)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt - dt.timedelta(days=1)


def year_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
