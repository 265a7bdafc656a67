"""The clean quxian fixture registry (tests/fixtures/quxian/) passes every rule in force, and
breaking it in one place makes exactly one rule fire, at exactly that place.

The fixture is a small 渠县 registry: six units, eight systems (operating, trial, retired,
merged) and seven projects (two accepted, three under way, one just planned, one terminated).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import (
    FIXTURES, committed_fixture, drop, edit, found, messages, profile_fixture_tests, replace_with, set_at,
)
from registry.checking import run_check

PROFILE = "quxian"
FIXTURE = FIXTURES / PROFILE
TODAY = dt.date(2026, 11, 20)


# -- the clean fixture ----------------------------------------------------------------------


HARMLESS = [  # edits that break no rule, committed against main
    ("systems/zwzx/zwzx-approval.yaml", set_at("description", "县政务服务大厅、网上办事和自助终端的统一受理、分办和办结反馈")),
    ("projects/czj/2026-czj-001.yaml", lambda p: p["progress_reports"].append(dt.date(2026, 11, 18))),
    ("projects/zwzx/2027-zwzx-001.yaml", set_at("milestones.reviewed", {"date": dt.date(2026, 11, 18), "ref": "渠大数据评〔2026〕21号"})),
]


# -- one rule broken at a time --------------------------------------------------------------

CZJ_UPGRADE = "projects/czj/2026-czj-001.yaml"
QJJD_NEW = "projects/qjjd/2026-qjjd-001.yaml"

BREAKS = [
    pytest.param(CZJ_UPGRADE, set_at("milestones.declared", dt.date(2025, 11, 3)), TODAY,
                 [("QX6", CZJ_UPGRADE, "milestones.declared")], id="QX6-late-declaration"),
    pytest.param("projects/zwzx/2027-zwzx-001.yaml", drop("documents.crypto_plan"), TODAY,
                 [("QX7", "projects/zwzx/2027-zwzx-001.yaml", "documents.crypto_plan")], id="QX7-no-crypto-plan"),
    pytest.param(CZJ_UPGRADE, drop("documents.preliminary_design"), TODAY,
                 [("QX8", CZJ_UPGRADE, "documents.preliminary_design")], id="QX8-no-design"),
    pytest.param("projects/wjj/2026-wjj-001.yaml", set_at("cost_comparison.purchase_wan", 230), TODAY,
                 [("QX9", "projects/wjj/2026-wjj-001.yaml", "cost_comparison.purchase_wan")], id="QX9-purchase-dearer"),
    pytest.param(CZJ_UPGRADE, set_at("hardware", ["server"]), TODAY,
                 [("QX15.1", CZJ_UPGRADE, "hardware[0]")], id="QX15.1-server"),
    pytest.param(CZJ_UPGRADE, set_at("hardware", ["private_line"]), TODAY,
                 [("QX15.2", CZJ_UPGRADE, "hardware[0]")], id="QX15.2-private-line"),
    pytest.param("systems/czj/czj-budget.yaml", set_at("deployment", "city_cloud"), TODAY,
                 [("QX15.3", CZJ_UPGRADE, "systems.upgrades[0]")], id="QX15.3-off-county-cloud"),
    pytest.param("systems/qjjd/qjjd-grid.yaml", set_at("common_function", "law_enforcement_inspection"), TODAY,
                 [("QX15.4", QJJD_NEW, "systems.creates[0]")], id="QX15.4-common-system"),
    pytest.param("systems/zwzx/zwzx-approval.yaml",
                 set_at("platforms", ["smart_city", "gov_service_platform", "big_data_platform"]), TODAY,
                 [("QX15.5", "projects/zwzx/2027-zwzx-001.yaml", "systems.upgrades[0]")], id="QX15.5-platform-missing"),
    pytest.param("projects/czj/2023-czj-001.yaml", set_at("milestones.final_acceptance.passed", False), TODAY,
                 [("QX15.8", CZJ_UPGRADE, "systems.upgrades[0]")], id="QX15.8-original-not-accepted"),
    pytest.param("systems/czj/czj-budget.yaml", set_at("data.shared", False), TODAY,
                 [("QX16", "systems/czj/czj-budget.yaml", "data.shared")], id="QX16-not-shared"),
    pytest.param("systems/qjjd/qjjd-petition.yaml",
                 replace_with({"id": "qjjd-petition", "name": "渠江街道信访事项管理系统", "unit": "qjjd",
                               "status": "building", "deployment": "county_cloud", "data": {"shared": False}}),
                 TODAY, [("QX17", QJJD_NEW, "nature")], id="QX17-unit-withholds-data"),
    pytest.param(CZJ_UPGRADE, drop("milestones.price_inquiry"), TODAY,
                 [("QX27", CZJ_UPGRADE, "milestones.price_inquiry")], id="QX27-no-price-inquiry"),
    pytest.param(QJJD_NEW, set_at("builder", "data_authority"), TODAY,
                 [("QX34", QJJD_NEW, "builder")], id="QX34-small-project-built-centrally"),
    pytest.param(QJJD_NEW, set_at("milestones.contracted.implementation_months", 14), TODAY,
                 [("QX36", QJJD_NEW, "milestones.contracted.implementation_months")], id="QX36-period-too-long"),
    pytest.param(None, None, dt.date(2027, 5, 1),
                 [("QX36D", "projects/wjj/2026-wjj-001.yaml", "milestones.contracted")], id="QX36D-time-passes"),
    pytest.param("projects/czj/2023-czj-001.yaml", set_at("milestones.trial_run.end", dt.date(2024, 3, 20)), TODAY,
                 [("QX38", "projects/czj/2023-czj-001.yaml", "milestones.trial_run")], id="QX38-short-trial"),
]


test_fixture_has_no_findings, test_harmless_change_against_base_has_no_findings, test_one_break_fires_one_rule = (
    profile_fixture_tests(PROFILE, TODAY, records=15, harmless=HARMLESS, breaks=BREAKS))


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


def test_qx37_content_changed_without_reapproval(tmp_path: Path) -> None:
    root, _repo = committed_fixture(PROFILE, tmp_path)
    edit(root, CZJ_UPGRADE, set_at("content", "升级预算绩效管理模块，新增政府采购意向公开、资产卡片移动盘点和财政电子票据功能"))
    run = run_check(root, today=TODAY, base="main")
    assert found(run) == [("QX37", CZJ_UPGRADE, "content")], messages(run)
