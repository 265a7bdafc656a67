"""The potou fixture registry's tests beyond its case table (tests/fixture_cases/potou.yaml,
run by tests/test_fixture_cases.py: the clean fixture, one break at a time, changes against
main).

The fixture is a small 坡头区 registry: six units, eight systems (operating, trial, retired,
merged) and six projects (two accepted, three under way including a filing-track O&M
project, one terminated).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from fixturekit import found
from registry.checking import run_check

PROFILE = "potou"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE


def test_pt24_exactly_twelve_months_after_acceptance() -> None:
    """2025-zsj-001 passed acceptance on 2026-02-05: 2027-02-05 is the last day of the period."""
    assert found(run_check(FIXTURE, today=dt.date(2027, 2, 5), use_cache=False)) == []
