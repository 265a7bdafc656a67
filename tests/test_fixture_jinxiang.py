"""The clean jinxiang fixture registry (tests/fixtures/jinxiang/) passes every rule in force,
and breaking it in one place makes exactly one rule fire, at exactly that place.

The fixture is a small 金乡县 registry: six units, nine systems (operating, trial, planned,
retired, merged; one enforcement system) and six projects: one accepted (2024-czj-001,
contract filed on the 10th working day across the 2024 May Day holiday), a 5-million-plus
new system in trial run, a new system just budgeted (security budget exactly 5 %), an O&M
service, one declared for next year, one terminated.
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

PROFILE = "jinxiang"
FIXTURE = Path(__file__).parent / "fixtures" / PROFILE
TODAY = dt.date(2026, 11, 20)

BUDGET = "projects/czj/2024-czj-001.yaml"  # upgrade, accepted 2025-06-20
ONE_NETWORK = "projects/zwfw/2025-zwfw-001.yaml"  # new, 560 万元, trial run since 2026-10-08
GRID = "projects/jxjd/2026-jxjd-001.yaml"  # new, 120 万元, budgeted
OM = "projects/dsj/2026-dsj-001.yaml"  # O&M of dsj-bigdata and dsj-portal
AUDIT = "projects/sjj/2025-sjj-001.yaml"  # terminated after approval


HARMLESS = [  # edits that break no rule, committed against main
    ("systems/scjg/scjg-inspect.yaml", set_at("description", "“双随机、一公开”抽查、行政处罚案件办理、信用监管和执法监管数据推送")),
    (ONE_NETWORK, set_at("progress_reports", [
        dt.date(2025, 10, 10), dt.date(2026, 1, 9), dt.date(2026, 4, 10), dt.date(2026, 7, 10),
        dt.date(2026, 10, 9), dt.date(2026, 11, 18)])),
    (GRID, set_at("milestones.awarded", {"date": dt.date(2026, 11, 16), "method": "competitive_consultation"})),
]


BREAKS = [
    pytest.param(ONE_NETWORK, drop("documents.preliminary_design"), TODAY,
                 [("JX6", ONE_NETWORK, "documents.preliminary_design")], id="JX6-major-project-without-design"),
    pytest.param(GRID, drop("documents.crypto_plan"), TODAY,
                 [("JX6", GRID, "documents.crypto_plan")], id="JX6-no-crypto-plan"),
    pytest.param(GRID, drop("documents.trusted_products_statement"), TODAY,
                 [("JX7", GRID, "documents.trusted_products_statement")], id="JX7-no-trusted-statement"),
    pytest.param(AUDIT, drop("documents.party_committee_decision"), TODAY,
                 [("JX8", AUDIT, "documents.party_committee_decision")], id="JX8-no-party-committee-decision"),
    pytest.param("systems/jxjd/jxjd-grid.yaml", set_at("deployment", "own_machine_room"), TODAY,
                 [("JX9", GRID, "systems.creates[0]")], id="JX9-own-machine-room"),
    pytest.param("systems/zwfw/zwfw-yiwang.yaml", set_at("platforms", ["big_data_platform", "shandongtong", "gov_service_platform"]),
                 TODAY, [("JX10", ONE_NETWORK, "systems.creates[0]")], id="JX10-no-aishandong"),
    pytest.param("systems/scjg/scjg-inspect.yaml", set_at("platforms", ["big_data_platform", "shandongtong"]), TODAY,
                 [("JX12", "systems/scjg/scjg-inspect.yaml", "platforms")], id="JX12-not-on-internet-plus-supervision"),
    pytest.param("systems/czj/czj-budget.yaml", set_at("platforms", ["shandongtong"]), TODAY,
                 [("JX13", "systems/czj/czj-budget.yaml", "platforms")], id="JX13-not-on-big-data-platform"),
    pytest.param(GRID, drop("milestones.approved"), TODAY,
                 [("JX22", GRID, "milestones.budgeted")], id="JX22-budget-without-approval"),
    pytest.param(OM, drop("documents.responsibility_letter"), TODAY,
                 [("JX24", OM, "documents.responsibility_letter")], id="JX24-no-responsibility-letter"),
    pytest.param("systems/dsj/dsj-portal.yaml", set_at("deployment", "own_machine_room"), TODAY,
                 [("JX25", OM, "systems.maintains[1]")], id="JX25-om-for-system-off-cloud"),
    pytest.param(BUDGET, set_at("milestones.contracted.filed_on", dt.date(2024, 5, 14)), TODAY,
                 [("JX28", BUDGET, "milestones.contracted.filed_on")], id="JX28-filed-on-11th-working-day"),
    pytest.param(OM, set_at("milestones.contracted.warranty_months", 23), TODAY,
                 [("JX30", OM, "milestones.contracted.warranty_months")], id="JX30-short-warranty"),
    pytest.param(BUDGET, set_at("evaluations", []), TODAY,
                 [("JX36", BUDGET, "evaluations")], id="JX36-no-self-evaluation"),
    pytest.param(GRID, set_at("budget.security_wan", 5.9), TODAY,
                 [("JX37", GRID, "budget.security_wan")], id="JX37-security-below-5-percent"),
    pytest.param(OM, both(drop("milestones.approved"), drop("milestones.budgeted")), TODAY,
                 [("JX44", OM, "milestones.awarded")], id="JX44-procured-without-approval"),
]


test_fixture_has_no_findings, test_harmless_change_against_base_has_no_findings, test_one_break_fires_one_rule = (
    profile_fixture_tests(PROFILE, TODAY, records=15, harmless=HARMLESS, breaks=BREAKS))


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


CHANGES = [
    pytest.param(both(set_at("budget.total_wan", 110),
                      set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 110}]),
                      set_at("changes", [{"date": dt.date(2026, 11, 10), "description": "核减移动终端采购",
                                          "amount_wan": -10}])),
                 [("JX33", GRID, "budget.total_wan")], id="JX33-budget-cut-without-reapproval"),
    pytest.param(set_at("content", "建设网格事件上报、分拨处置和考核功能，并新增视频巡查模块"),
                 [("JX33", GRID, "content")], id="JX33-content-changed-without-reapproval"),
    pytest.param(both(set_at("budget.total_wan", 110),
                      set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 110}]),
                      set_at("changes", [{"date": dt.date(2026, 11, 10), "description": "核减移动终端采购",
                                          "amount_wan": -10,
                                          "approval": {"doc_no": "金大数据发〔2026〕31号", "date": dt.date(2026, 11, 9)}}])),
                 [], id="JX33-budget-cut-reapproved"),
]


@pytest.mark.parametrize(("change", "expected"), CHANGES)
def test_change_against_base(tmp_path: Path, change: Edit, expected: list[Found]) -> None:
    run = check_change(PROFILE, tmp_path, TODAY, (GRID, change))
    assert found(run) == expected, messages(run)


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
