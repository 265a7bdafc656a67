"""Extreme numbers and dates, parameters at the edge of their range, the calendar: section of
registry.yaml, and option values out of range: bounded work, a clear answer."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import PROJECT, SYSTEM, Case, config_line, ids, parameters, replace, run_case, set_top

ALL = (("check",), ("export", "--format", "json", "--out", "{out}/c.json"), ("site", "--out", "{out}/site"))
CALENDAR_2027 = """
calendar:
  2027:
    holidays: [2027-01-01]
    workdays: [2027-01-02]
"""


def calendar(text: str) -> object:
    return config_line("parameters: {}", "parameters: {}\n" + text)


def config_case(name: str, build: object, expect: int = 2) -> Case:
    return Case(name, build, commands=(("check",), ("site", "--out", "{out}/site"), ("export", "--format", "json")),  # type: ignore[arg-type]
                expect=expect, names="registry.yaml")


CASES = [
    # parameters at the top of their range: the working-day walk stays short
    Case("largest_contract_working_days", parameters("{contract_working_days: 250}"), commands=ALL, expect=0, cpu=30),
    Case("largest_month_parameters", parameters("{}"), commands=ALL, expect=0),
    # dates at the ends of the calendar in every project milestone the deadline rules walk
    Case("award_in_year_1_contract_in_year_9999",
         replace(PROJECT, "awarded: {date: 2021-06-22", "awarded: {date: 0001-01-01"), names=PROJECT, commands=ALL, expect=(1, 0, 0)),
    Case("contract_on_the_last_day_of_the_calendar",
         replace(PROJECT, "contracted: {date: 2021-06-30, filed_on: 2021-07-07",
                 "contracted: {date: 9999-12-31, filed_on: 9999-12-31"), names=PROJECT, commands=ALL, expect=(1, 0, 0)),
    Case("acceptance_in_year_1", replace(PROJECT, "final_acceptance: {date: 2022-09-15", "final_acceptance: {date: 0001-01-01"),
         names=PROJECT, commands=ALL, expect=(1, 0, 0)),
    Case("approval_in_year_1", replace(PROJECT, "approved: {date: 2021-04-15", "approved: {date: 0001-01-01"),
         names=PROJECT, commands=ALL, expect=(1, 0, 0)),
    Case("online_since_9999", replace(SYSTEM, "online_since: 2021-01-01", "online_since: 9999-12-31"), names=SYSTEM),
    Case("retired_in_the_future", replace(SYSTEM, "status: operating", "status: retired\nretired_on: 2030-12-31\nretirement_ref: 金财字〔2026〕1号"),
         names=SYSTEM),
    Case("all_dates_year_9999", replace(PROJECT, "2021-", "9999-", count=100), names=PROJECT, commands=ALL, expect=(1, 0, 0)),
    Case("date_that_does_not_exist", replace(PROJECT, "started: 2021-07-12", "started: 2021-02-30"), names=PROJECT),
    Case("timestamp_for_a_date", replace(PROJECT, "started: 2021-07-12", "started: 2021-07-12 08:00:00"), names=PROJECT),
    # extreme amounts
    Case("amount_1e308", replace(PROJECT, "total_wan: 680", "total_wan: 1.0e308"), names=PROJECT, commands=ALL, expect=(1, 0, 0)),
    Case("negative_amount", replace(PROJECT, "total_wan: 680", "total_wan: -680"), names=PROJECT),
    Case("amount_with_400_digits", replace(PROJECT, "total_wan: 680", "total_wan: " + "9" * 400), names=PROJECT,
         commands=ALL, expect=(1, 0, 0)),
    Case("mlps_level_huge", replace(SYSTEM, "mlps_level: 3", "mlps_level: 99999999999999999999"), names=SYSTEM),
    # the calendar: section
    config_case("calendar_2027_is_used", calendar(CALENDAR_2027), expect=0),
    config_case("calendar_date_outside_its_year", calendar("calendar:\n  2027:\n    holidays: [2026-12-31]\n")),
    config_case("calendar_date_in_both_lists", calendar("calendar:\n  2027:\n    holidays: [2027-01-02]\n    workdays: [2027-01-02]\n")),
    config_case("calendar_weekday_as_adjusted_workday", calendar("calendar:\n  2027:\n    workdays: [2027-01-04]\n")),
    config_case("calendar_year_not_a_year", calendar("calendar:\n  next:\n    holidays: [2027-01-01]\n")),
    config_case("calendar_text_for_a_date", calendar("calendar:\n  2027:\n    holidays: [元旦]\n")),
    config_case("calendar_unknown_key", calendar("calendar:\n  2027:\n    holiday: [2027-01-01]\n")),
    config_case("calendar_not_a_mapping", calendar("calendar: [2027]\n")),
    # option values out of range are usage errors, not a walk to the year 9999
    Case("today_in_year_9999", lambda root: None, commands=(("check", "--today", "9999-12-31"),), expect=2, names="9999-12-31"),
    Case("today_in_year_1", lambda root: None, commands=(("site", "--out", "{out}/s", "--today", "0001-01-01"),), expect=2,
         names="0001-01-01"),
    Case("today_not_a_date", lambda root: None, commands=(("export", "--format", "json", "--today", "今天"),), expect=2, names="今天"),
    Case("build_date_in_year_9999", lambda root: None, commands=(("check",),), expect=0, env={"REGISTRY_TODAY": "9999-12-31"}),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_extreme_values(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
