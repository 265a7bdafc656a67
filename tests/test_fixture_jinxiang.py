"""The jinxiang fixture registry's tests beyond its case table (tests/fixture_cases/jinxiang.yaml,
run by tests/test_fixture_cases.py: the clean fixture, one break at a time, changes against
main).

The fixture is a small 金乡县 registry: six units, nine systems (operating, trial, planned,
retired, merged; one enforcement system) and six projects: one accepted (2024-czj-001,
contract filed on the 10th working day across the 2024 May Day holiday), a 5-million-plus
new system in trial run, a new system just budgeted (security budget exactly 5 %), an O&M
service, one declared for next year, one terminated.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from fixturekit import copy_fixture, edit, found, messages, set_at
from registry.checking import run_check
from registry.findings import Severity

PROFILE = "jinxiang"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE
TODAY = dt.date(2026, 11, 20)

ONE_NETWORK = "projects/zwfw/2025-zwfw-001.yaml"  # new, 560 万元, trial run since 2026-10-08
GRID = "projects/jxjd/2026-jxjd-001.yaml"  # new, 120 万元, budgeted


def test_jx9_is_a_warning(tmp_path: Path) -> None:
    root = copy_fixture(PROFILE, tmp_path)
    edit(root, "systems/jxjd/jxjd-grid.yaml", set_at("deployment", "other"))
    run = run_check(root, today=TODAY)
    assert [f.severity for f in run.report.findings] == [Severity.warning]
    assert run.report.exit_code(strict=False) == 0
    assert run.report.exit_code(strict=True) == 1


def test_jx35_implementation_period_ends() -> None:
    """2025-zwfw-001 was signed on 2025-07-25 for 18 months: 2027-01-25 is the last day."""
    assert found(run_check(FIXTURE, today=dt.date(2027, 1, 25), use_cache=False)) == []
    run = run_check(FIXTURE, today=dt.date(2027, 1, 26), use_cache=False)
    assert found(run) == [("JX35", ONE_NETWORK, "milestones.contracted.implementation_months")], messages(run)
    assert run.report.exit_code(strict=False) == 0


def test_jx28_outside_the_holiday_calendar_says_so(tmp_path: Path) -> None:
    """chinesecalendar 1.11.0 knows 2004–2026: a 2027 contract is counted Monday–Friday, with a notice."""
    root = copy_fixture(PROFILE, tmp_path)
    edit(root, GRID, set_at("milestones.awarded", {"date": dt.date(2027, 1, 8), "method": "open_tender"}),
         set_at("milestones.contracted", {"date": dt.date(2027, 1, 22), "filed_on": dt.date(2027, 1, 22),
                                          "implementation_months": 10, "warranty_months": 24, "ip_clause": True}))
    run = run_check(root, today=dt.date(2027, 1, 25))
    assert "JX28" not in {f.rule for f in run.report.findings}, messages(run)  # 10 weekdays: on time
    assert any("按周一至周五计算工作日" in n.zh for n in run.report.summary.notices)


def test_jx28_overdue_messages_never_contradict_themselves(tmp_path: Path) -> None:
    """Signed Friday 2026-11-06: the 10th working day is Friday 2026-11-20. On Saturday the 21st
    only 10 working days have passed, yet the filing is late: the message must say so, not
    “已 10 个工作日，超过 10 个工作日” (found in acceptance testing)."""
    root = copy_fixture(PROFILE, tmp_path)
    edit(root, GRID, set_at("milestones.awarded", {"date": dt.date(2026, 11, 2), "method": "open_tender"}),
         set_at("milestones.contracted", {"date": dt.date(2026, 11, 6), "implementation_months": 10,
                                          "warranty_months": 24, "ip_clause": True}))
    run = run_check(root, today=dt.date(2026, 11, 21))
    assert found(run) == [("JX28", GRID, "milestones.contracted")], messages(run)
    message = run.report.findings[0].message
    assert "晚于第 10 个工作日 2026-11-20" in message.zh and "filed_on" in message.zh
    assert "超过 10 个工作日" not in message.zh
    assert "file the contract" in message.en


def test_jx37_shows_the_share_as_configured(tmp_path: Path) -> None:
    """A share of 5.5 % was shown rounded as “6%” (found in acceptance testing)."""
    root = copy_fixture(PROFILE, tmp_path)
    edit(root, "registry.yaml", set_at("parameters", {"min_security_share": 0.055}))
    run = run_check(root, today=TODAY)
    assert found(run) == [("JX37", GRID, "budget.security_wan"), ("JX37", ONE_NETWORK, "budget.security_wan")], messages(run)
    grid = next(f for f in run.report.findings if f.path == GRID)
    assert "120 万元的 5.5%（6.6 万元）" in grid.message.zh
    assert "at least 6.6" in grid.message.en
