"""Statutory working days (registry.workdays): holidays, adjusted working weekends, fallback."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.workdays import (
    MAX_WORKING_DAYS,
    Arrangement,
    Calendar,
    Count,
    Day,
    Deadline,
    Verdict,
    count_working_days,
    nth_working_day_after,
    within_working_days,
    working_day,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 26), True),  # Friday
        (D(2025, 9, 27), False),  # Saturday
        (D(2025, 9, 28), True),  # Sunday, adjusted working day before National Day
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 6), False),  # Monday inside the holiday
        (D(2025, 10, 8), False),  # last holiday day (Wednesday)
        (D(2025, 10, 9), True),  # Thursday, back to work
        (D(2025, 10, 11), True),  # Saturday, adjusted working day after National Day
        (D(2025, 10, 12), False),  # Sunday
    ],
)
def test_national_day_2025(day: dt.date, working: bool) -> None:
    assert working_day(day).working is working
    assert working_day(day).estimated is False


def test_count_is_half_open_the_start_day_not_counted() -> None:
    # Friday 26 Sep → working days 28, 29, 30 Sep, then 9 Oct.
    assert count_working_days(D(2025, 9, 26), D(2025, 9, 26)).days == 0
    assert count_working_days(D(2025, 9, 26), D(2025, 9, 28)).days == 1
    assert count_working_days(D(2025, 9, 26), D(2025, 10, 8)).days == 3
    assert count_working_days(D(2025, 9, 26), D(2025, 10, 9)).days == 4
    assert count_working_days(D(2025, 10, 9), D(2025, 9, 26)).days == 0


def test_tenth_working_day_across_national_day() -> None:
    # 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15, 16 Oct.
    deadline = nth_working_day_after(D(2025, 9, 26), 10)
    assert deadline.date == D(2025, 10, 16)
    assert deadline.estimated is False


def test_within_ten_working_days_boundary() -> None:
    on_time = within_working_days(D(2025, 9, 26), D(2025, 10, 16), 10)
    late = within_working_days(D(2025, 9, 26), D(2025, 10, 17), 10)
    assert (on_time.on_time, on_time.elapsed) == (True, 10)
    assert (late.on_time, late.elapsed) == (False, 11)
    assert late.deadline == D(2025, 10, 16)


def test_example_of_the_brief() -> None:
    verdict = within_working_days(D(2025, 9, 29), D(2025, 10, 24), 10)
    assert (verdict.on_time, verdict.elapsed, verdict.deadline) == (False, 14, D(2025, 10, 20))


def test_weekend_right_after_the_last_working_day_is_late() -> None:
    # Deadline Friday 2025-11-28 (10 working days after Friday 14 Nov); Saturday 29 Nov is late
    # although only 10 working days lie in (X, Y].
    verdict = within_working_days(D(2025, 11, 14), D(2025, 11, 29), 10)
    assert verdict.deadline == D(2025, 11, 28)
    assert (verdict.on_time, verdict.elapsed) == (False, 10)


def test_outside_the_calendar_falls_back_to_weekdays() -> None:
    # The package covers 2004–2026 in version 1.11.0; 1 Oct 2030 is a Tuesday.
    assert working_day(D(2030, 10, 1)) == Day(working=True, estimated=True)
    assert working_day(D(2030, 10, 5)).working is False  # Saturday
    verdict = within_working_days(D(2030, 9, 27), D(2030, 10, 11), 10)  # Friday → Friday
    assert verdict.estimated is True
    assert (verdict.on_time, verdict.elapsed, verdict.deadline) == (True, 10, D(2030, 10, 11))


def test_period_crossing_into_an_uncovered_year_is_estimated() -> None:
    verdict = within_working_days(D(2026, 12, 25), D(2027, 1, 5), 10)
    assert verdict.estimated is True


def test_n_must_be_positive() -> None:
    with pytest.raises(ValueError):
        nth_working_day_after(D(2025, 1, 2), 0)


def test_years_outside_the_calendar_are_counted_monday_to_friday() -> None:
    # The same figure as walking day by day, and fast for a mistyped year (0202 for 2022).
    start, end = D(1990, 3, 7), D(2003, 12, 31)
    walked = sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range(1, (end - start).days + 1))
    assert count_working_days(start, end) == Count(walked, estimated=True)
    ancient = count_working_days(D(202, 4, 19), D(2025, 11, 20))
    assert ancient.estimated is True and ancient.days > 400_000


def test_the_last_day_of_the_calendar_does_not_overflow() -> None:
    assert nth_working_day_after(D(9999, 12, 28), 10) == Deadline(dt.date.max, estimated=True)
    assert count_working_days(D(9999, 12, 27), dt.date.max).days == 4  # Tue 28 to Fri 31 Dec 9999
    assert within_working_days(D(9999, 12, 24), dt.date.max, 10).on_time is True


# -- calendar: in registry.yaml --------------------------------------------------------------

# 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）, transcribed the way README tells a
# bureau to transcribe next year's: every day off, and every weekend day worked.
NOTICE_2026 = {
    "holidays": [
        *[D(2026, 1, d) for d in (1, 2, 3)],
        *[D(2026, 2, d) for d in range(15, 24)],
        *[D(2026, 4, d) for d in (4, 5, 6)],
        *[D(2026, 5, d) for d in range(1, 6)],
        *[D(2026, 6, d) for d in (19, 20, 21)],
        *[D(2026, 9, d) for d in (25, 26, 27)],
        *[D(2026, 10, d) for d in range(1, 8)],
    ],
    "workdays": [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)],
}


def _calendar(year: int, arrangement: dict[str, list[dt.date]]) -> Calendar:
    return Calendar({year: Arrangement(frozenset(arrangement["holidays"]), frozenset(arrangement["workdays"]))})


def test_a_transcribed_notice_gives_the_library_s_working_days() -> None:
    # The 2026 notice, written as a registry.yaml arrangement, agrees with chinesecalendar on
    # every day of the year: the format says what the State Council says.
    own = _calendar(2026, NOTICE_2026)
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert own.working_day(day) == working_day(day), day
        day += dt.timedelta(days=1)
    assert own.count(D(2025, 12, 31), D(2026, 12, 31)) == count_working_days(D(2025, 12, 31), D(2026, 12, 31))


def test_the_registry_s_arrangement_covers_a_year_the_library_does_not() -> None:
    # an arrangement for 2027 (illustrative dates, not the State Council's): used, not estimated
    own = _calendar(2027, {"holidays": [D(2027, 1, 1)], "workdays": [D(2027, 1, 2)]})
    assert own.working_day(D(2027, 1, 1)) == Day(False, estimated=False)  # a Friday off
    assert own.working_day(D(2027, 1, 2)) == Day(True, estimated=False)  # a Saturday worked
    assert own.working_day(D(2027, 1, 4)) == Day(True, estimated=False)
    # 12-31 (Thu) is working day 1, 01-01 is off, 01-02 (Sat) day 2, 01-04 (Mon) day 3
    assert own.within(D(2026, 12, 30), D(2027, 1, 4), 3) == Verdict(
        on_time=True, deadline=D(2027, 1, 4), elapsed=3, estimated=False)
    # the year after is still Monday to Friday, estimated
    assert own.working_day(D(2028, 1, 3)) == Day(True, estimated=True)
    assert own.count(D(2027, 12, 31), D(2028, 1, 7)).estimated


def test_counting_over_centuries_is_one_step_per_year() -> None:
    count = count_working_days(D(1, 1, 1), D(9999, 12, 31))
    assert count.estimated and count.days > 2_500_000
    assert nth_working_day_after(D(9999, 12, 20), 250) == Deadline(D.max, estimated=True)


def test_n_beyond_any_rule_is_refused() -> None:
    with pytest.raises(ValueError):
        nth_working_day_after(D(2025, 1, 1), MAX_WORKING_DAYS + 1)


def test_every_numeric_parameter_declares_its_range() -> None:
    # a parameter without an upper bound lets registry.yaml ask a date walk for minutes
    from registry.rules import RULES
    from registry.rules.base import allowed_values

    for rule in RULES.values():
        for name, info in rule.params.model_fields.items():
            if info.annotation in (int, float):
                bounds = {k for meta in info.metadata for k in ("ge", "gt", "le", "lt") if getattr(meta, k, None) is not None}
                assert bounds & {"ge", "gt"} and bounds & {"le", "lt"}, f"{rule.id}.{name} has no range"
                assert allowed_values(rule.params, name)


def test_every_day_the_library_knows_is_a_working_day_exactly_when_the_library_says_so() -> None:
    """Calendar reads the package's two tables itself (its ``is_workday`` rescans them per
    call): for every day of every year the package covers, the same answer as ``is_workday``."""
    import chinese_calendar

    from registry.workdays import Calendar

    calendar = Calendar()
    years = sorted({d.year for d in chinese_calendar.holidays})
    assert len(years) > 10
    for year in range(years[0], years[-1] + 1):
        day = dt.date(year, 1, 1)
        while day.year == year:
            assert calendar.working_day(day) == Day(chinese_calendar.is_workday(day), estimated=False), day
            day += dt.timedelta(days=1)
