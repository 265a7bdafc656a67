"""The clean dalad fixture registry (tests/fixtures/dalad/) passes every rule in force, and
breaking it in one place makes exactly one rule fire, at exactly that place.

The fixture is a small 达拉特旗 registry: six units, nine systems (operating, trial, retired,
merged) and six projects: one accepted (2023-wjw-001), three under way (an upgrade, a new
system in trial run, an O&M service), one declared for next year, one terminated.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import (
    Edit, Found, both, check_change, copy_fixture, drop, edit, found, messages, profile_fixture_tests, set_at,
)
from registry.checking import run_check
from registry.findings import Severity

PROFILE = "dalad"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE
TODAY = dt.date(2026, 11, 20)

HEALTH = "projects/wjw/2023-wjw-001.yaml"  # upgrade, accepted 2024-11-05
BUDGET = "projects/czj/2026-czj-001.yaml"  # upgrade of czj-budget, started
VIDEO = "projects/gaj/2026-gaj-001.yaml"  # new system gaj-video, in trial run
OM = "projects/dsj/2026-dsj-001.yaml"  # O&M of dsj-bigdata and dsj-command


HARMLESS = [  # edits that break no rule, committed against main
    ("systems/sjj/sjj-audit.yaml", set_at("description", "审计项目计划、现场实施、审计文书、整改跟踪和结果公告管理")),
    (BUDGET, set_at("progress_reports", [dt.date(2026, 8, 28), dt.date(2026, 11, 18)])),
    (VIDEO, set_at("milestones.trial_run", {"start": dt.date(2026, 10, 15), "end": dt.date(2026, 11, 15)})),
]


BREAKS = [
    pytest.param(VIDEO, drop("budget.om_annual_wan"), TODAY,
                 [("DLT5", VIDEO, "budget.om_annual_wan")], id="DLT5-no-om-cost"),
    pytest.param(BUDGET, drop("documents.preliminary_design"), TODAY,
                 [("DLT8", BUDGET, "documents.preliminary_design")], id="DLT8-started-without-design"),
    pytest.param(OM, drop("documents.trusted_products_statement"), TODAY,
                 [("DLT13", OM, "documents.trusted_products_statement")], id="DLT13-no-trusted-statement"),
    pytest.param(HEALTH, drop("documents.supervision_report"), TODAY,
                 [("DLT16", HEALTH, "documents.supervision_report")], id="DLT16-no-supervision"),
    pytest.param(HEALTH, set_at("evaluations", [
                     {"kind": "performance", "date": dt.date(2023, 12, 18), "ref": "达卫健绩〔2023〕3号"},
                     {"kind": "self", "date": dt.date(2025, 12, 10), "ref": "达卫健自评〔2025〕1号"}]), TODAY,
                 [("DLT17", HEALTH, "evaluations")], id="DLT17-no-2024-performance-evaluation"),
    pytest.param(HEALTH, set_at("evaluations", [
                     {"kind": "performance", "date": dt.date(2023, 12, 18), "ref": "达卫健绩〔2023〕3号"},
                     {"kind": "performance", "date": dt.date(2024, 10, 30), "ref": "达卫健绩〔2024〕5号"},
                     {"kind": "self", "date": dt.date(2025, 10, 20), "ref": "达卫健自评〔2025〕1号"}]), TODAY,
                 [("DLT17", HEALTH, "evaluations")], id="DLT17-self-evaluation-too-early"),
    pytest.param(HEALTH, drop("documents.audit_report"), TODAY,
                 [("DLT21", HEALTH, "documents.audit_report")], id="DLT21-no-audit-report"),
    pytest.param(HEALTH, set_at("milestones.preliminary_acceptance", dt.date(2024, 5, 4)), TODAY,
                 [("DLT21D", HEALTH, "milestones.final_acceptance")], id="DLT21D-accepted-late"),
    pytest.param(HEALTH, set_at("milestones.archive_acceptance", dt.date(2024, 11, 6)), TODAY,
                 [("DLT22", HEALTH, "milestones.archive_acceptance")], id="DLT22-archives-after-acceptance"),
    pytest.param("systems/czj/czj-budget.yaml", set_at("data.shared", False), TODAY,
                 [("DLT24", BUDGET, "systems.upgrades[0]")], id="DLT24-target-not-shared"),
    pytest.param("systems/dsj/dsj-command.yaml", set_at("security.major_risks", ["指挥大屏控制终端使用弱口令"]), TODAY,
                 [("DLT24", OM, "systems.maintains[1]")], id="DLT24-om-for-risky-system"),
    pytest.param("systems/gaj/gaj-video.yaml", set_at("security.crypto_assessment", "failed"), TODAY,
                 [("DLT24", VIDEO, "nature")], id="DLT24-unit-holds-failing-system"),
]


test_fixture_has_no_findings, test_harmless_change_against_base_has_no_findings, test_one_break_fires_one_rule = (
    profile_fixture_tests(PROFILE, TODAY, records=15, harmless=HARMLESS, breaks=BREAKS))


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


CHANGES = [
    pytest.param(BUDGET, both(set_at("budget.total_wan", 200),
                              set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 200}]),
                              set_at("changes", [{"date": dt.date(2026, 11, 10), "description": "增加财政电子票据对接模块",
                                                  "amount_wan": 20}])),
                 [("DLT20", BUDGET, "budget.total_wan")], id="DLT20-increase-without-reapproval"),
    pytest.param(BUDGET, both(set_at("budget.total_wan", 162),
                              set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 162}]),
                              set_at("changes", [{"date": dt.date(2026, 11, 10), "description": "核减移动盘点终端采购",
                                                  "amount_wan": -18}])),
                 [], id="DLT20-cut-of-exactly-10-percent-filed"),
    pytest.param(BUDGET, both(set_at("budget.total_wan", 161),
                              set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 161}]),
                              set_at("changes", [{"date": dt.date(2026, 11, 10), "description": "核减移动盘点终端采购",
                                                  "amount_wan": -19}])),
                 [("DLT20", BUDGET, "budget.total_wan")], id="DLT20-cut-over-10-percent-without-reapproval"),
    pytest.param(VIDEO, set_at("content", "建设视频汇聚、智能解析和共享服务平台，并新增高空瞭望和烟火识别"),
                 [("DLT20", VIDEO, "content")], id="DLT20-content-not-filed"),
]


@pytest.mark.parametrize(("path", "change", "expected"), CHANGES)
def test_change_against_base(tmp_path: Path, path: str, change: Edit, expected: list[Found]) -> None:
    run = check_change(PROFILE, tmp_path, TODAY, (path, change))
    assert found(run) == expected, messages(run)


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
