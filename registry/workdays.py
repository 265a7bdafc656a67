"""Chinese statutory working days (法定工作日), for periods such as “10 个工作日内”.

A day is a working day when the State Council's holiday arrangement says so: Monday to
Friday except public holidays, plus the weekend days that are adjusted into working days
(调休上班). The calendar comes from the maintained ``chinesecalendar`` package, not from a
table written here; for a year the package does not know yet, the registry may carry the
State Council's arrangement itself (``calendar:`` in registry.yaml, see :class:`Calendar`),
which is used ahead of the package. For a year neither covers, Monday to Friday is used
instead and every result says so through its ``estimated`` flag, so a rule can tell the user
that the figure is approximate.

What “within N working days after X” means here (金乡 第二十八条 “自……之日起 10 个工作日内”):
the day X itself is not counted (民法典 第二百零一条: 开始的当日不计入); the first working day
after X is working day 1, and the period ends at the end of working day N. A date Y is
within the period when Y is on or before that N-th working day. For a working day Y this is
the same as “the working days in (X, Y] number at most N”; a Y on a weekend or holiday right
after working day N is already late.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Mapping
from types import ModuleType

from registry import plainclass

_LAST_DAY = dt.date.max.toordinal()


@plainclass.dataclass(frozen=True)
class Day:
    """Whether a date is a working day, and whether that was guessed from the weekday."""

    working: bool
    estimated: bool


@plainclass.dataclass(frozen=True)
class Count:
    """The number of working days in (start, end]; ``estimated`` if any day was guessed."""

    days: int
    estimated: bool


@plainclass.dataclass(frozen=True)
class Deadline:
    """The N-th working day after a date; ``estimated`` if any day on the way was guessed."""

    date: dt.date
    estimated: bool


@plainclass.dataclass(frozen=True)
class Verdict:
    """Whether ``end`` lies within N working days after ``start``, with the figures to explain it."""

    on_time: bool
    deadline: dt.date
    elapsed: int  # working days in (start, end]
    estimated: bool


# The longest period any rule asks about ("N 个工作日" parameters are bounded far below this):
# a larger N is a programming error, never a reason to walk the calendar for minutes.
MAX_WORKING_DAYS = 10_000


@plainclass.dataclass(frozen=True)
class Arrangement:
    """One year's holiday arrangement as the State Council publishes it (国务院办公厅关于某年
    部分节假日安排的通知): the days off, and the weekend days that are working days (调休上班)."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


class Calendar:
    """Working days from the registry's own arrangements (``calendar:`` in registry.yaml) for
    the years they cover, ahead of ``chinesecalendar``; Monday to Friday, estimated, for years
    neither knows. Each year is looked up once and kept as running totals, so a count over
    decades costs one subtraction per year."""

    def __init__(self, arrangements: Mapping[int, Arrangement] | None = None) -> None:
        self.arrangements = dict(arrangements or {})
        self._years: dict[int, list[int] | None] = {}

    def _running(self, year: int) -> list[int] | None:
        """``running[k]`` = working days among the first k days of ``year``; None if unknown."""
        if year not in self._years:
            flags = self._flags(year)
            if flags is None:
                self._years[year] = None
            else:
                running = [0]
                for flag in flags:
                    running.append(running[-1] + flag)
                self._years[year] = running
        return self._years[year]

    def _flags(self, year: int) -> list[bool] | None:
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return None
        first = dt.date(year, 1, 1).toordinal()
        days = [dt.date.fromordinal(o) for o in range(first, dt.date(year, 12, 31).toordinal() + 1)]
        arrangement = self.arrangements.get(year)
        if arrangement is not None:
            return [d in arrangement.workdays or (d.weekday() < 5 and d not in arrangement.holidays) for d in days]
        if not _library_covers(year):
            return None
        return _library_flags(days)

    def covers(self, year: int) -> bool:
        return self._running(year) is not None

    def working_day(self, day: dt.date) -> Day:
        running = self._running(day.year)
        if running is None:
            return Day(day.weekday() < 5, estimated=True)
        index = day.timetuple().tm_yday
        return Day(running[index] > running[index - 1], estimated=False)

    def count(self, start: dt.date, end: dt.date) -> Count:
        """Working days in the half-open interval (start, end]: the day after ``start`` is day 1.

        Zero when ``end`` is on or before ``start``; one step per calendar year."""
        days, estimated = 0, False
        first = start.toordinal() + 1
        while first <= end.toordinal():
            year = dt.date.fromordinal(first).year
            last = min(end.toordinal(), dt.date(year, 12, 31).toordinal())
            running = self._running(year)
            if running is None:
                days += _weekdays(first, last)
                estimated = True
            else:
                jan1 = dt.date(year, 1, 1).toordinal()
                days += running[last - jan1 + 1] - running[first - jan1]
            first = last + 1
        return Count(days, estimated)

    def nth_after(self, start: dt.date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``start`` itself not counted); 1 ≤ n ≤
        :data:`MAX_WORKING_DAYS`. A deadline past 9999-12-31 (a mistyped date) is that day.

        One step per calendar year: in a year whose days are known, the running totals give
        the day by bisection; a year neither source knows is walked by weekday (estimated)."""
        if not 1 <= n <= MAX_WORKING_DAYS:
            raise ValueError(f"n must be between 1 and {MAX_WORKING_DAYS}, got {n}")
        done, remaining, estimated = start.toordinal(), n, False  # ``done``: the last day counted
        while done < _LAST_DAY:
            year = dt.date.fromordinal(done + 1).year
            jan1, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            running = self._running(year)
            if running is None:
                estimated = True
                for day in range(done + 1, last + 1):
                    remaining -= (day - 1) % 7 < 5  # ordinal 1 (0001-01-01) is a Monday
                    if remaining == 0:
                        return Deadline(dt.date.fromordinal(day), estimated)
            else:
                wanted = running[done - jan1 + 1] + remaining
                if wanted <= running[-1]:
                    return Deadline(dt.date.fromordinal(jan1 - 1 + bisect.bisect_left(running, wanted)), estimated)
                remaining = wanted - running[-1]
            done = last
        return Deadline(dt.date.max, estimated=True)

    def within(self, start: dt.date, end: dt.date, n: int) -> Verdict:
        """``end`` is on or before the ``n``-th working day after ``start`` (see the module docstring)."""
        deadline = self.nth_after(start, n)
        elapsed = self.count(start, end)
        return Verdict(
            on_time=end <= deadline.date,
            deadline=deadline.date,
            elapsed=elapsed.days,
            estimated=deadline.estimated or elapsed.estimated,
        )


@functools.lru_cache(maxsize=8192)
def working_day(day: dt.date) -> Day:
    """Statutory working day per ``chinesecalendar``; Monday–Friday outside its years.

    Cached: the package scans its whole holiday table on every call, and a registry asks
    about the same few hundred days for thousands of contracts."""
    try:
        return Day(bool(_chinese_calendar().is_workday(day)), estimated=False)
    except NotImplementedError:
        return Day(day.weekday() < 5, estimated=True)


def _library_flags(days: list[dt.date]) -> list[bool]:
    """``chinese_calendar.is_workday`` of each of ``days`` (a year the package covers), read off
    its two tables as the package itself decides (an adjusted working day, or Monday to Friday
    and no holiday): the package's own function scans its whole table for the years it
    covers on every call, 0.1 s for the 16 years a registry's contracts span.
    tests/test_workdays.py compares both for every day of every year the package knows."""
    library = _chinese_calendar()
    holidays, workdays = library.holidays, library.workdays
    return [d in workdays or (d.weekday() <= 4 and d not in holidays) for d in days]


def _chinese_calendar() -> ModuleType:
    """The ``chinesecalendar`` package, imported when a day is first looked up in it (a check
    whose records ask no working-day question does not need its tables)."""
    import chinese_calendar

    library: ModuleType = chinese_calendar
    return library


@functools.lru_cache(maxsize=None)
def _library_covers(year: int) -> bool:
    """Whether ``chinesecalendar`` knows ``year``."""
    return not working_day(dt.date(year, 1, 1)).estimated


def _weekdays(first: int, last: int) -> int:
    """Monday–Friday days among the ordinals ``first`` to ``last`` (both included)."""
    weeks, rest = divmod(last - first + 1, 7)
    weekday = dt.date.fromordinal(first).weekday()
    return weeks * 5 + sum((weekday + i) % 7 < 5 for i in range(rest))


_LIBRARY = Calendar()  # chinesecalendar alone


def count_working_days(start: dt.date, end: dt.date) -> Count:
    """:meth:`Calendar.count` with ``chinesecalendar`` alone."""
    return _LIBRARY.count(start, end)


def nth_working_day_after(start: dt.date, n: int) -> Deadline:
    """:meth:`Calendar.nth_after` with ``chinesecalendar`` alone."""
    return _LIBRARY.nth_after(start, n)


def within_working_days(start: dt.date, end: dt.date, n: int) -> Verdict:
    """:meth:`Calendar.within` with ``chinesecalendar`` alone."""
    return _LIBRARY.within(start, end, n)
