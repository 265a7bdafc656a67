"""The clean dashiqiao fixture registry (tests/fixtures/dashiqiao/) passes every rule in
force, and breaking it in one place makes exactly one rule fire, at exactly that place.

The fixture is a small 大石桥市 registry: six units, eight systems (operating, building,
trial, retired, merged) and six projects (one accepted with its self-evaluation, two under
way with progress reports, two just declared or planned, one terminated).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import (
    Edit, Found, both, check_change, drop, found, messages, profile_fixture_tests, set_at,
)
from registry.checking import run_check

PROFILE = "dashiqiao"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE
TODAY = dt.date(2026, 11, 20)

PARK = "projects/nlkfq/2023-nlkfq-001.yaml"  # accepted 2024-04-15, self-evaluated 2025-06-10
ALLIANCE = "projects/wjj/2025-wjj-001.yaml"  # 380 万元 new project under way, last report 2026-09-08
APPROVAL = "projects/yshj/2024-yshj-001.yaml"  # purchased service in trial run
ALLIANCE_SYSTEM = "systems/wjj/wjj-medical-alliance.yaml"
APPROVAL_SYSTEM = "systems/yshj/yshj-approval.yaml"


HARMLESS = [  # edits that break no rule, committed against main
    ("systems/sjj/sjj-city-ops.yaml", set_at("description", "城市部件事件、市政设施和城市运行体征的统一监测、调度与处置")),
    (ALLIANCE, lambda p: p["progress_reports"].append(dt.date(2026, 11, 18))),
    ("projects/czj/2027-czj-001.yaml", set_at("milestones.reviewed", {"date": dt.date(2026, 11, 12), "ref": "石数据评〔2026〕19号"})),
    ("projects/czj/2027-czj-001.yaml", set_at("documents", {
        "mlps_plan": "石财〔2026〕40号", "crypto_plan": "石财〔2026〕41号", "data_sharing_plan": "石财〔2026〕42号",
    })),
]


BREAKS = [
    pytest.param(ALLIANCE_SYSTEM, set_at("deployment", "county_cloud"), TODAY,
                 [("DSQ5", ALLIANCE_SYSTEM, "deployment")], id="DSQ5-not-on-city-cloud"),
    pytest.param(APPROVAL_SYSTEM, set_at("platforms", ["gov_service_platform"]), TODAY,
                 [("DSQ5", APPROVAL_SYSTEM, "platforms")], id="DSQ5-resource-library-missing"),
    pytest.param("systems/czj/czj-nontax.yaml", set_at("deployment", "own_machine_room"), TODAY,
                 [("DSQ5W", "systems/czj/czj-nontax.yaml", "deployment")], id="DSQ5W-own-machine-room"),
    pytest.param(ALLIANCE, drop("documents.mlps_plan"), TODAY,
                 [("DSQ6", ALLIANCE, "documents.mlps_plan")], id="DSQ6-no-mlps-plan"),
    pytest.param(ALLIANCE, drop("documents.preliminary_design"), TODAY,
                 [("DSQ10", ALLIANCE, "documents.preliminary_design")], id="DSQ10-no-design-at-380"),
    pytest.param(APPROVAL, drop("cost_comparison"), TODAY,
                 [("DSQ11", APPROVAL, "cost_comparison")], id="DSQ11-purchase-without-comparison"),
    pytest.param(ALLIANCE, drop("milestones.third_party_assessed"), TODAY,
                 [("DSQ12", ALLIANCE, "milestones.third_party_assessed")], id="DSQ12-no-third-party"),
    pytest.param(ALLIANCE, lambda p: p["progress_reports"].pop(), TODAY,
                 [("DSQ16", ALLIANCE, "progress_reports")], id="DSQ16-report-missing"),
    pytest.param(PARK, drop("documents.mlps_report"), TODAY,
                 [("DSQ17", PARK, "documents.mlps_report")], id="DSQ17-no-mlps-report"),
    pytest.param(PARK, set_at("milestones.final_acceptance.date", dt.date(2024, 3, 15)), TODAY,
                 [("DSQ17", PARK, "milestones.final_acceptance.date")], id="DSQ17-accepted-too-early"),
    pytest.param(APPROVAL_SYSTEM, set_at("status", "operating"), TODAY,
                 [("DSQ18", APPROVAL_SYSTEM, "status")], id="DSQ18-in-use-before-acceptance"),
    pytest.param(PARK, drop("evaluations"), TODAY,
                 [("DSQ19", PARK, "evaluations")], id="DSQ19-no-self-evaluation"),
    pytest.param(None, None, dt.date(2026, 12, 9),
                 [("DSQ16", ALLIANCE, "progress_reports")], id="DSQ16-time-passes"),
]


test_fixture_has_no_findings, test_harmless_change_against_base_has_no_findings, test_one_break_fires_one_rule = (
    profile_fixture_tests(PROFILE, TODAY, records=14, harmless=HARMLESS, breaks=BREAKS))


def test_dsq16_exactly_three_months_after_the_last_report() -> None:
    """2025-wjj-001 last reported on 2026-09-08: 2026-12-08 is still on time."""
    assert found(run_check(FIXTURE, today=dt.date(2026, 12, 8), use_cache=False)) == []


CHANGES = [
    pytest.param(set_at("content", "建设医共体信息平台，并新增全市120急救调度与医保智能审核模块"),
                 [("DSQ15", ALLIANCE, "content")], id="DSQ15-content-changed"),
    pytest.param(both(set_at("budget.total_wan", 400),
                      set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 220},
                                                {"kind": "superior_fund", "amount_wan": 180}]),
                      set_at("changes", [{"date": dt.date(2026, 10, 9), "description": "增加远程影像诊断模块",
                                          "amount_wan": 20}])),
                 [("DSQ15", ALLIANCE, "budget.total_wan")], id="DSQ15-increase-without-reapproval"),
]


@pytest.mark.parametrize(("change", "expected"), CHANGES)
def test_change_against_base_fires_dsq15(tmp_path: Path, change: Edit, expected: list[Found]) -> None:
    run = check_change(PROFILE, tmp_path, TODAY, (ALLIANCE, change))
    assert found(run) == expected, messages(run)
