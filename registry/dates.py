"""Calendar arithmetic the regulations use: calendar months ("3个月以上至6个月内")."""
from __future__ import annotations

import datetime as dt
import functools

# The dates a run can be "as of" (--today, REGISTRY_TODAY): e-government registers start in
# the 1990s, and a date centuries ahead is a typo that would only make every deadline rule
# walk (and report) each year up to it.
TODAY_FIRST = dt.date(1990, 1, 1)
TODAY_LAST = dt.date(2100, 12, 31)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]`` (the Gregorian calendar, as ``datetime``'s),
    without importing ``calendar`` and ``locale`` on every command."""
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _MONTH_DAYS[month - 1] + leap


def today_in_range(day: dt.date) -> bool:
    return TODAY_FIRST <= day <= TODAY_LAST


@functools.lru_cache(maxsize=1 << 16)  # deadline rules ask about the same few thousand dates again and again
def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; the 31st becomes the month's last day (1-31 + 1 = 2-28).

    A result beyond the calendar (a mistyped 9999-… date) stops at its last or first day, so
    that a deadline rule reports the date instead of crashing."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, days_in_month(year, month)))


def within_months(start: dt.date, end: dt.date, months: int) -> bool:
    """``end`` is no later than ``months`` calendar months after ``start`` (exactly N is on time)."""
    return end <= add_months(start, months)


def at_least_months(start: dt.date, end: dt.date, months: int) -> bool:
    """``end`` is ``months`` calendar months or more after ``start`` (exactly N counts)."""
    return end >= add_months(start, months)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def parse_month_day(text: str) -> tuple[int, int]:
    """``"09-30"`` → ``(9, 30)``; raises ValueError for anything that is not a real MM-DD
    (parameters such as ``approval_deadline`` use it as their validator)."""
    month, sep, day = text.partition("-")
    if not sep or len(month) != 2 or len(day) != 2 or not (month + day).isdigit():
        raise ValueError(f"应为 MM-DD 格式（例如 09-30），实际为 {text!r}")
    try:
        dt.date(2000, int(month), int(day))  # a leap year, so 02-29 is accepted
    except ValueError:
        raise ValueError(f"{text} 不是有效的月-日（MM-DD）") from None
    return int(month), int(day)


def month_day_in(year: int, text: str) -> dt.date:
    """The date ``MM-DD`` of ``year``; 02-29 becomes 02-28 in a common year."""
    month, day = parse_month_day(text)
    return dt.date(year, month, min(day, days_in_month(year, month)))
