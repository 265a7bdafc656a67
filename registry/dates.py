"""Calendar arithmetic the regulations use: calendar months ("3个月以上至6个月内")."""
from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; the 31st becomes the month's last day (1-31 + 1 = 2-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def within_months(start: dt.date, end: dt.date, months: int) -> bool:
    """``end`` is no later than ``months`` calendar months after ``start`` (exactly N is on time)."""
    return end <= add_months(start, months)


def at_least_months(start: dt.date, end: dt.date, months: int) -> bool:
    """``end`` is ``months`` calendar months or more after ``start`` (exactly N counts)."""
    return end >= add_months(start, months)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)
