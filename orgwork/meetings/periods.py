"""Months, quarters and years as closed date ranges."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "year":
            return cls.year(day.year)
        raise ValueError(f"unknown period kind {kind!r}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls("month", dt.date(year, month, 1), dt.date(year, month, last))

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        if not 1 <= q <= 4:
            raise ValueError("quarter must be 1–4")
        first = 3 * (q - 1) + 1
        last = calendar.monthrange(year, first + 2)[1]
        return cls("quarter", dt.date(year, first, 1), dt.date(year, first + 2, last))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end + dt.timedelta(days=1))

    def months(self) -> list[Period]:
        out, day = [], self.start
        while day <= self.end:
            m = Period.month(day.year, day.month)
            out.append(m)
            day = m.end + dt.timedelta(days=1)
        return out

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("%(year)s年第%(quarter)s季度") % {"year": self.start.year, "quarter": (self.start.month - 1) // 3 + 1}
        return _("%(year)s年") % {"year": self.start.year}

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"
