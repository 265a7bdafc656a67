"""The dashiqiao fixture registry's tests beyond its case table (tests/fixture_cases/dashiqiao.yaml,
run by tests/test_fixture_cases.py: the clean fixture, one break at a time, changes against
main).

The fixture is a small 大石桥市 registry: six units, eight systems (operating, building,
trial, retired, merged) and six projects (one accepted with its self-evaluation, two under
way with progress reports, two just declared or planned, one terminated).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from fixturekit import found
from registry.checking import run_check

PROFILE = "dashiqiao"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE


def test_dsq16_exactly_three_months_after_the_last_report() -> None:
    """2025-wjj-001 last reported on 2026-09-08: 2026-12-08 is still on time."""
    assert found(run_check(FIXTURE, today=dt.date(2026, 12, 8), use_cache=False)) == []
