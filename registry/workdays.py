"""Chinese statutory working days (法定工作日), for periods such as “10 个工作日内”.

A day is a working day when the State Council's holiday arrangement says so: Monday to
Friday except public holidays, plus the weekend days that are adjusted into working days
(调休上班). The calendar comes from the maintained ``chinesecalendar`` package, not from a
table written here. For a year the package does not cover yet (it raises
``NotImplementedError``), Monday to Friday is used instead and every result says so through
its ``estimated`` flag, so a rule can tell the user that the figure is approximate.

What “within N working days after X” means here (金乡 第二十八条 “自……之日起 10 个工作日内”):
the day X itself is not counted (民法典 第二百零一条: 开始的当日不计入); the first working day
after X is working day 1, and the period ends at the end of working day N. A date Y is
within the period when Y is on or before that N-th working day. For a working day Y this is
the same as “the working days in (X, Y] number at most N”; a Y on a weekend or holiday right
after working day N is already late.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import chinese_calendar

_ONE_DAY = dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class Day:
    """Whether a date is a working day, and whether that was guessed from the weekday."""

    working: bool
    estimated: bool


@dataclasses.dataclass(frozen=True)
class Count:
    """The number of working days in (start, end]; ``estimated`` if any day was guessed."""

    days: int
    estimated: bool


@dataclasses.dataclass(frozen=True)
class Deadline:
    """The N-th working day after a date; ``estimated`` if any day on the way was guessed."""

    date: dt.date
    estimated: bool


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Whether ``end`` lies within N working days after ``start``, with the figures to explain it."""

    on_time: bool
    deadline: dt.date
    elapsed: int  # working days in (start, end]
    estimated: bool


@functools.lru_cache(maxsize=8192)
def working_day(day: dt.date) -> Day:
    """Statutory working day per the holiday calendar; Monday–Friday outside its years.

    Cached: the package scans its whole holiday table on every call, and a registry asks
    about the same few hundred days for thousands of contracts."""
    try:
        return Day(bool(chinese_calendar.is_workday(day)), estimated=False)
    except NotImplementedError:
        return Day(day.weekday() < 5, estimated=True)


def count_working_days(start: dt.date, end: dt.date) -> Count:
    """Working days in the half-open interval (start, end]: the day after ``start`` is day 1.

    Zero when ``end`` is on or before ``start``. Years the calendar does not cover are counted
    Monday to Friday in one step, so a mistyped year (0202 for 2022) stays fast.
    """
    days, estimated = 0, False
    first = start.toordinal() + 1
    while first <= end.toordinal():
        year = dt.date.fromordinal(first).year
        last = min(end.toordinal(), dt.date(year, 12, 31).toordinal())
        if _covered(year):
            days += sum(working_day(dt.date.fromordinal(o)).working for o in range(first, last + 1))
        else:
            days += _weekdays(first, last)
            estimated = True
        first = last + 1
    return Count(days, estimated)


@functools.lru_cache(maxsize=None)
def _covered(year: int) -> bool:
    """Whether the holiday calendar knows ``year``."""
    return not working_day(dt.date(year, 1, 1)).estimated


def _weekdays(first: int, last: int) -> int:
    """Monday–Friday days among the ordinals ``first`` to ``last`` (both included)."""
    weeks, rest = divmod(last - first + 1, 7)
    weekday = dt.date.fromordinal(first).weekday()
    return weeks * 5 + sum((weekday + i) % 7 < 5 for i in range(rest))


def nth_working_day_after(start: dt.date, n: int) -> Deadline:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``n`` ≥ 1.

    A deadline that would lie past 9999-12-31 (a mistyped date) is that last day, estimated.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    seen, estimated = 0, False
    day = start
    while seen < n:
        if day == dt.date.max:
            return Deadline(day, estimated=True)
        day += _ONE_DAY
        verdict = working_day(day)
        seen += verdict.working
        estimated = estimated or verdict.estimated
    return Deadline(day, estimated)


def within_working_days(start: dt.date, end: dt.date, n: int) -> Verdict:
    """``end`` is on or before the ``n``-th working day after ``start`` (see the module docstring)."""
    deadline = nth_working_day_after(start, n)
    elapsed = count_working_days(start, end)
    return Verdict(
        on_time=end <= deadline.date,
        deadline=deadline.date,
        elapsed=elapsed.days,
        estimated=deadline.estimated or elapsed.estimated,
    )
