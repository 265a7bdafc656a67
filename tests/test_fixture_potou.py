"""The clean potou fixture registry (tests/fixtures/potou/) passes every rule in force, and
breaking it in one place makes exactly one rule fire, at exactly that place.

The fixture is a small 坡头区 registry: six units, eight systems (operating, trial, retired,
merged) and six projects (two accepted, three under way including a filing-track O&M
project, one terminated).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import (
    Edit, Found, both, check_change, drop, found, messages, profile_fixture_tests, set_at,
)
from registry.checking import run_check

PROFILE = "potou"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE
TODAY = dt.date(2026, 11, 20)

HEALTH_UPGRADE = "projects/wjj/2023-wjj-001.yaml"  # accepted 2024-02-28
HEALTH_EXPANSION = "projects/wjj/2026-wjj-001.yaml"  # in flight, upgrades wjj-health-info
NONTAX_OM = "projects/czj/2025-czj-001.yaml"  # filing-track O&M, maintains czj-nontax
EMPLOYMENT = "projects/rsj/2025-rsj-001.yaml"  # new system, preliminary acceptance done
COLLAB = "projects/zsj/2025-zsj-001.yaml"  # public project accepted 2026-02-05


HARMLESS = [  # edits that break no rule, committed against main
    ("systems/czj/czj-asset.yaml", set_at("description", "全区行政事业单位国有资产配置、使用、处置的登记、审批与统计报表")),
    (COLLAB, set_at("evaluations", [{"kind": "self", "date": dt.date(2026, 11, 18), "ref": "坡政数评〔2026〕12号"}])),
    (HEALTH_EXPANSION, set_at("milestones.trial_run", {"start": dt.date(2026, 11, 16)})),
]


BREAKS = [
    pytest.param(EMPLOYMENT, drop("documents.resource_catalog"), TODAY,
                 [("PT6", EMPLOYMENT, "documents.resource_catalog")], id="PT6-no-catalogue"),
    pytest.param(HEALTH_EXPANSION, set_at("basis", [{"title": "区卫生健康局党组会议纪要", "kind": "meeting"}]), TODAY,
                 [("PT6", HEALTH_EXPANSION, "basis")], id="PT6-no-plan"),
    pytest.param(HEALTH_EXPANSION, set_at("systems.upgrades", ["wjj-health-info", "wjj-old-his"]), TODAY,
                 # approved in 2025, a year after the system was merged: REG011 (money after retirement) too
                 [("PT8.1", HEALTH_EXPANSION, "systems.upgrades[1]"), ("REG011", HEALTH_EXPANSION, "systems.upgrades[1]")],
                 id="PT8.1-merged-system"),
    pytest.param("systems/czj/czj-nontax.yaml", set_at("data.duplicate_collection", True), TODAY,
                 [("PT8.2", NONTAX_OM, "systems.maintains[0]")], id="PT8.2-duplicate-collection"),
    pytest.param("systems/wjj/wjj-health-info.yaml", set_at("security.major_risks", ["数据库未加密存储身份证号"]), TODAY,
                 [("PT8.3", HEALTH_EXPANSION, "systems.upgrades[0]")], id="PT8.3-major-risk"),
    pytest.param("systems/czj/czj-nontax.yaml", set_at("security.trusted_products", False), TODAY,
                 [("PT8.4", NONTAX_OM, "systems.maintains[0]")], id="PT8.4-untrusted"),
    pytest.param(EMPLOYMENT, set_at("milestones.finance_reviewed.date", dt.date(2024, 9, 2)), TODAY,
                 [("PT10", EMPLOYMENT, "milestones.finance_reviewed.date")], id="PT10-finance-after-approval"),
    pytest.param(NONTAX_OM, both(set_at("nature", "operation_service"),
                                 set_at("budget", {"total_wan": 120, "security_wan": 3,
                                                   "sources": [{"kind": "county_budget", "amount_wan": 120}]})), TODAY,
                 [("PT12", NONTAX_OM, "track")], id="PT12-filing-above-limit"),
    pytest.param(EMPLOYMENT, set_at("milestones.approved.date", dt.date(2024, 10, 8)), TODAY,
                 [("PT14", EMPLOYMENT, "milestones.approved.date")], id="PT14-late-approval"),
    pytest.param(HEALTH_UPGRADE, drop("milestones.conformity_review"), TODAY,
                 [("PT22", HEALTH_UPGRADE, "milestones.conformity_review")], id="PT22-no-conformity-review"),
    pytest.param(COLLAB, drop("milestones.archive_acceptance"), TODAY,
                 [("PT23", COLLAB, "milestones.archive_acceptance")], id="PT23-no-archive-acceptance"),
    pytest.param(None, None, dt.date(2027, 2, 6),
                 [("PT24", COLLAB, "evaluations")], id="PT24-time-passes"),
]


test_fixture_has_no_findings, test_harmless_change_against_base_has_no_findings, test_one_break_fires_one_rule = (
    profile_fixture_tests(PROFILE, TODAY, records=14, harmless=HARMLESS, breaks=BREAKS))


def test_pt24_exactly_twelve_months_after_acceptance() -> None:
    """2025-zsj-001 passed acceptance on 2026-02-05: 2027-02-05 is the last day of the period."""
    assert found(run_check(FIXTURE, today=dt.date(2027, 2, 5), use_cache=False)) == []


CHANGES = [
    pytest.param(set_at("content", "建设就业服务管理系统，并新增零工市场撮合与劳务派遣备案模块"),
                 [("PT21", EMPLOYMENT, "content")], id="PT21-content-not-filed"),
    pytest.param(both(set_at("budget.total_wan", 150),
                      set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 114},
                                                {"kind": "superior_fund", "amount_wan": 36}]),
                      set_at("changes", [{"date": dt.date(2026, 10, 9), "description": "取消移动端建设，改用省统一移动端",
                                          "amount_wan": -36}])),
                 [("PT21", EMPLOYMENT, "changes")], id="PT21-cut-over-15-percent-without-approval"),
]


@pytest.mark.parametrize(("change", "expected"), CHANGES)
def test_change_against_base_fires_pt21(tmp_path: Path, change: Edit, expected: list[Found]) -> None:
    run = check_change(PROFILE, tmp_path, TODAY, (EMPLOYMENT, change))
    assert found(run) == expected, messages(run)
