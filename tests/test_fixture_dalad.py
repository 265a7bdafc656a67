"""The dalad fixture registry's tests beyond its case table (tests/fixture_cases/dalad.yaml,
run by tests/test_fixture_cases.py: the clean fixture, one break at a time, changes against
main).

The fixture is a small 达拉特旗 registry: six units, nine systems (operating, trial, retired,
merged) and six projects: one accepted (2023-wjw-001), three under way (an upgrade, a new
system in trial run, an O&M service), one declared for next year, one terminated.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import (
    Edit, copy_fixture, edit, found, messages, set_at,
)
from registry.checking import run_check
from registry.findings import Severity

PROFILE = "dalad"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE
TODAY = dt.date(2026, 11, 20)

BUDGET = "projects/czj/2026-czj-001.yaml"  # upgrade of czj-budget, started
VIDEO = "projects/gaj/2026-gaj-001.yaml"  # new system gaj-video, in trial run
OM = "projects/dsj/2026-dsj-001.yaml"  # O&M of dsj-bigdata and dsj-command


def test_dlt17_new_year_asks_for_last_years_performance_evaluations() -> None:
    """The three projects approved in 2026 are under construction: on 2026-12-31 the year's
    report is still due that day; on 2027-01-01 each lacks its 2026 performance evaluation."""
    assert found(run_check(FIXTURE, today=dt.date(2026, 12, 31), use_cache=False)) == []
    run = run_check(FIXTURE, today=dt.date(2027, 1, 1), use_cache=False)
    assert found(run) == [("DLT17", path, "evaluations") for path in sorted([BUDGET, OM, VIDEO])], messages(run)
    assert {f.severity for f in run.report.findings} == {Severity.warning}
    assert run.report.exit_code(strict=False) == 0  # time passing never blocks a change


def test_dlt21d_overdue_acceptance_of_the_trial_run_project(tmp_path: Path) -> None:
    """gaj-video's preliminary acceptance on 2026-11-16: final acceptance due 2027-05-16."""
    root = copy_fixture(PROFILE, tmp_path)
    edit(root, VIDEO, set_at("milestones.trial_run", {"start": dt.date(2026, 10, 15), "end": dt.date(2026, 11, 15)}),
         set_at("milestones.preliminary_acceptance", dt.date(2026, 11, 16)),
         set_at("evaluations", [{"kind": "performance", "date": dt.date(2026, 12, 20), "ref": "达公绩〔2026〕2号"}]))
    edit(root, BUDGET, set_at("evaluations", [{"kind": "performance", "date": dt.date(2026, 12, 20)}]))
    edit(root, OM, set_at("evaluations", [{"kind": "performance", "date": dt.date(2026, 12, 20)}]))
    assert found(run_check(root, today=dt.date(2027, 5, 16))) == []
    run = run_check(root, today=dt.date(2027, 5, 17))
    assert found(run) == [("DLT21D", VIDEO, "milestones.preliminary_acceptance")], messages(run)


@pytest.mark.parametrize(("change", "exemption_offered"), [
    pytest.param(set_at("security.crypto_assessment", "failed"), False, id="crypto-failed"),
    pytest.param(set_at("data.duplicate_collection", True), False, id="duplicate-collection"),
    pytest.param(set_at("data.shared", False), True, id="not-shared"),
])
def test_dlt24_offers_the_sharing_exemption_only_for_missing_sharing(
    tmp_path: Path, change: Edit, exemption_offered: bool
) -> None:
    """第二十四条's approval to keep a system cures only its missing sharing; the message offered
    it for a failed crypto assessment too (found in acceptance testing)."""
    root = copy_fixture(PROFILE, tmp_path)
    edit(root, "systems/czj/czj-budget.yaml", change)
    run = run_check(root, today=TODAY)
    assert found(run) == [("DLT24", BUDGET, "systems.upgrades[0]")], messages(run)
    message = run.report.findings[0].message
    assert ("共享豁免" in message.zh) is exemption_offered
    assert ("keep it unshared" in message.en) is exemption_offered
    assert "请先整改系统 czj-budget" in message.zh and "fix system czj-budget" in message.en
