"""The quxian fixture registry's tests beyond its case table (tests/fixture_cases/quxian.yaml,
run by tests/test_fixture_cases.py: the clean fixture, one break at a time, changes against
main).

The fixture is a small 渠县 registry: six units, eight systems (operating, trial, retired,
merged) and seven projects (two accepted, three under way, one just planned, one terminated).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from fixturekit import FIXTURES, committed_fixture, edit, found, messages, replace_with
from registry.checking import run_check

PROFILE = "quxian"
FIXTURE = FIXTURES / PROFILE
TODAY = dt.date(2026, 11, 20)


def test_qx36d_exactly_at_the_end_of_the_period() -> None:
    """2026-wjj-001 was signed on 2026-04-08 for at most 12 months: 2027-04-08 is on time."""
    assert found(run_check(FIXTURE, today=dt.date(2027, 4, 8), use_cache=False)) == []
    assert found(run_check(FIXTURE, today=dt.date(2027, 4, 9), use_cache=False)) == [
        ("QX36D", "projects/wjj/2026-wjj-001.yaml", "milestones.contracted"),
    ]


def test_qx12_new_system_fires_even_when_count_stays(tmp_path: Path) -> None:
    root, _repo = committed_fixture(PROFILE, tmp_path)
    edit(root, "systems/dsj/dsj-open-data.yaml", replace_with({
        "id": "dsj-open-data", "name": "渠县公共数据开放平台", "unit": "dsj", "status": "building",
        "deployment": "county_cloud", "audience": "public",
    }))
    edit(root, "systems/dsj/dsj-collab-office.yaml", lambda s: s.update(
        status="retired", retired_on=dt.date(2026, 11, 10), retirement_ref="渠大数据〔2026〕41号",
    ))
    run = run_check(root, today=TODAY, base="main")
    assert found(run) == [("QX12", "systems/dsj/dsj-open-data.yaml", "new_system_approval")], messages(run)
