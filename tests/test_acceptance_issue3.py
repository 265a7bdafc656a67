"""Acceptance tests of the quxian, potou and dashiqiao profiles (issue #3), kept as regression
tests: breaks of the clean fixture registries that the per-profile fixture tests do not try,
the thresholds of each article on both sides ("以下（含）", "不超过", "不低于", "3个月以上至6个月内"),
records the rules must ignore, and a configuration error that used to end in a traceback.

Each case changes one fixture record in one realistic way and states exactly what the check
finds: ``[]`` for a record at the threshold that the article still allows.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import Edit, Found, both, committed_fixture, copy_fixture, drop, edit, found, messages, set_at
from gitrepo import yaml_text
from registry.checking import run_check
from registry.cli import main

D = dt.date
TODAY = D(2026, 11, 20)

# quxian records
QX_UPGRADE = "projects/czj/2026-czj-001.yaml"  # contracted, upgrades czj-budget
QX_ACCEPTED = "projects/czj/2023-czj-001.yaml"  # trial run 2024-03-01..04-30, accepted 2024-06-27
QX_GRID = "projects/qjjd/2026-qjjd-001.yaml"  # new, 28 万元, directive basis, implementation plan
QX_OM = "projects/wjj/2026-wjj-001.yaml"  # purchase O&M, cost comparison 210 / 144
QX_PLANNED = "projects/zwzx/2027-zwzx-001.yaml"  # planned, upgrades zwzx-approval
# potou records
PT_EXPANSION = "projects/wjj/2026-wjj-001.yaml"  # approved 2025-09-26, 2026 budget
PT_OM = "projects/czj/2025-czj-001.yaml"  # filing-track O&M of czj-nontax
PT_NEW = "projects/rsj/2025-rsj-001.yaml"  # finance review 2024-08-09, approval 2024-08-30
PT_ACCEPTED = "projects/wjj/2023-wjj-001.yaml"  # professional, accepted 2024-02-28
PT_PUBLIC = "projects/zsj/2025-zsj-001.yaml"  # archive 2026-01-22, accepted 2026-02-05
# dashiqiao records
DSQ_ALLIANCE = "projects/wjj/2025-wjj-001.yaml"  # 380 万元, approved 2025-03-28
DSQ_ENTERPRISE = "projects/nlkfq/2023-nlkfq-001.yaml"  # 160 万元, preliminary 2023-12-20, final 2024-04-15
DSQ_PURCHASE = "projects/yshj/2024-yshj-001.yaml"  # purchase, creates yshj-approval (trial)


def total(amount: float) -> Edit:
    """Set the project's total, its single funding source and the budgeted amount together."""
    return both(set_at("budget.total_wan", amount), set_at("budget.sources", [{"kind": "county_budget", "amount_wan": amount}]),
                set_at("milestones.budgeted.amount_wan", amount))


QUXIAN = [
    pytest.param(QX_UPGRADE, set_at("milestones.declared", D(2025, 10, 31)), [], id="QX6-declared-on-deadline"),
    pytest.param(QX_UPGRADE, set_at("milestones.declared", D(2025, 11, 1)),
                 [("QX6", QX_UPGRADE, "milestones.declared")], id="QX6-one-day-late"),
    pytest.param(QX_PLANNED, set_at("goals", [{"indicator": " ", "target": "100%"}]),
                 [("QX7", QX_PLANNED, "goals")], id="QX7-goal-without-indicator"),
    pytest.param(QX_GRID, set_at("basis", [{"title": "渠县“十四五”数字政府建设规划", "kind": "plan"}]),
                 [("QX8", QX_GRID, "documents.feasibility_study"), ("QX8", QX_GRID, "documents.preliminary_design")],
                 id="QX8-implementation-plan-without-directive"),
    pytest.param(QX_OM, set_at("cost_comparison", {"build_wan": 144, "purchase_wan": 144}),
                 [("QX9", QX_OM, "cost_comparison.purchase_wan")], id="QX9-purchase-as-dear-as-building"),
    pytest.param(QX_UPGRADE, both(drop("milestones.planned"), set_at("hardware", ["server"])),
                 [("QX15.1", QX_UPGRADE, "hardware[0]")], id="QX15.1-in-flight-without-planned-key"),
    pytest.param("systems/qjjd/qjjd-grid.yaml", set_at("deployment", "own_machine_room"),
                 [("QX15.3", QX_GRID, "systems.creates[0]")], id="QX15.3-new-system-in-own-machine-room"),
    pytest.param("systems/wjj/wjj-health-archive.yaml", set_at("deployment", "city_cloud"), [],
                 id="QX15.3-maintained-system-is-not-checked"),
    pytest.param("systems/zwzx/zwzx-approval.yaml", set_at("common_function", "consultation_complaint"), [],
                 id="QX15.4-upgrade-of-common-system-is-not-expansion"),
    pytest.param("systems/zwzx/zwzx-approval.yaml", drop("audience"),
                 [("QX15.5", QX_PLANNED, "systems.upgrades[0]")], id="QX15.5-audience-unknown"),
    pytest.param(QX_PLANNED, set_at("systems.upgrades", ["zwzx-approval", "qjjd-grid"]),
                 [("QX15.8", QX_PLANNED, "systems.upgrades[1]")], id="QX15.8-system-of-project-in-trial"),
    pytest.param("systems/qjjd/qjjd-grid.yaml", set_at("data.shared", None), [], id="QX16-trial-system-is-not-checked"),
    pytest.param(QX_UPGRADE, set_at("milestones.price_inquiry", D(2026, 2, 25)),
                 [("QX27", QX_UPGRADE, "milestones.price_inquiry")], id="QX27-inquiry-day-before-approval"),
    pytest.param(QX_GRID, total(30), [], id="QX34-30-wan-inclusive-unit-builds"),
    pytest.param(QX_GRID, total(30.01), [("QX34", QX_GRID, "builder")], id="QX34-above-30-wan"),
    pytest.param(QX_UPGRADE, set_at("milestones.contracted.implementation_months", 12), [], id="QX36-12-months"),
    pytest.param(QX_UPGRADE, set_at("milestones.contracted.implementation_months", 13),
                 [("QX36", QX_UPGRADE, "milestones.contracted.implementation_months")], id="QX36-13-months"),
    pytest.param(QX_ACCEPTED, set_at("milestones.trial_run", {"start": D(2024, 3, 1), "end": D(2024, 3, 30)}), [],
                 id="QX38-30-days-both-ends-counted"),
    pytest.param(QX_ACCEPTED, set_at("milestones.trial_run", D(2024, 3, 1)),
                 [("QX38", QX_ACCEPTED, "milestones.trial_run.end")], id="QX38-trial-without-end"),
]

POTOU = [
    pytest.param(PT_EXPANSION, set_at("basis", [{"title": "区政府常务会议纪要", "kind": "meeting"}]),
                 [("PT6", PT_EXPANSION, "basis")], id="PT6-no-plan-in-basis"),
    pytest.param(PT_EXPANSION, set_at("systems.upgrades", ["wjj-health-info", "ntjd-grid"]),
                 # approved in 2025, after the 2024 retirement: REG011 (money after retirement) as well
                 [("PT8.1", PT_EXPANSION, "systems.upgrades[1]"), ("REG011", PT_EXPANSION, "systems.upgrades[1]")],
                 id="PT8.1-upgrade-of-retired-system"),
    pytest.param("systems/czj/czj-nontax.yaml", drop("data.shared"),
                 [("PT8.2", PT_OM, "systems.maintains[0]")], id="PT8.2-sharing-not-stated"),
    pytest.param("systems/czj/czj-nontax.yaml", set_at("security.crypto_assessment", "pending"), [],
                 id="PT8.3-pending-crypto-assessment-is-no-failure"),
    pytest.param("systems/czj/czj-nontax.yaml", set_at("security.mlps_level", None),
                 [("PT8.3", PT_OM, "systems.maintains[0]")], id="PT8.3-not-graded"),
    pytest.param("systems/wjj/wjj-health-info.yaml", drop("security.trusted_products"),
                 [("PT8.4", PT_EXPANSION, "systems.upgrades[0]")], id="PT8.4-not-stated"),
    pytest.param(PT_NEW, set_at("milestones.finance_reviewed.date", D(2024, 8, 30)), [], id="PT10-review-on-approval-day"),
    pytest.param(PT_NEW, set_at("milestones.finance_reviewed.date", D(2024, 8, 31)),
                 [("PT10", PT_NEW, "milestones.finance_reviewed.date")], id="PT10-review-day-after-approval"),
    pytest.param(PT_OM, both(set_at("nature", "upgrade"), total(99.99)), [], id="PT12-filing-below-limit"),
    pytest.param(PT_OM, both(set_at("nature", "operation_service"), total(100)),
                 [("PT12", PT_OM, "track")], id="PT12-filing-at-limit"),
    pytest.param(PT_EXPANSION, set_at("milestones.approved.date", D(2025, 9, 30)), [], id="PT14-approved-on-deadline"),
    pytest.param(PT_EXPANSION, set_at("milestones.approved.date", D(2025, 10, 1)),
                 [("PT14", PT_EXPANSION, "milestones.approved.date")], id="PT14-one-day-late"),
    pytest.param(PT_ACCEPTED, set_at("milestones.conformity_review.date", D(2024, 2, 28)),
                 [("PT22", PT_ACCEPTED, "milestones.conformity_review.date")], id="PT22-review-on-acceptance-day"),
    pytest.param(PT_PUBLIC, set_at("milestones.archive_acceptance", D(2026, 2, 5)), [], id="PT23-archive-on-acceptance-day"),
    pytest.param(PT_PUBLIC, set_at("milestones.archive_acceptance", D(2026, 2, 6)),
                 [("PT23", PT_PUBLIC, "milestones.archive_acceptance.date")], id="PT23-archive-day-after"),
]

DASHIQIAO = [
    pytest.param("systems/wjj/wjj-medical-alliance.yaml", set_at("deployment", "county_cloud"),
                 [("DSQ5", "systems/wjj/wjj-medical-alliance.yaml", "deployment")], id="DSQ5-building-system-off-gov-cloud"),
    pytest.param("systems/czj/czj-nontax.yaml", set_at("deployment", "own_machine_room"),
                 [("DSQ5W", "systems/czj/czj-nontax.yaml", "deployment")], id="DSQ5W-operating-in-own-machine-room"),
    pytest.param(DSQ_ALLIANCE, drop("documents.mlps_plan"),
                 [("DSQ6", DSQ_ALLIANCE, "documents.mlps_plan")], id="DSQ6-no-mlps-plan"),
    pytest.param(DSQ_ENTERPRISE, total(199.99), [], id="DSQ10-merged-below-200"),
    pytest.param(DSQ_ENTERPRISE, total(200),
                 [("DSQ10", DSQ_ENTERPRISE, "documents.feasibility_study"),
                  ("DSQ10", DSQ_ENTERPRISE, "documents.preliminary_design")], id="DSQ10-merged-at-200"),
    pytest.param(DSQ_ALLIANCE, drop("documents.trusted_products_statement"),
                 [("DSQ11", DSQ_ALLIANCE, "documents.trusted_products_statement")], id="DSQ11-no-trusted-products-statement"),
    pytest.param(DSQ_ALLIANCE, set_at("milestones.third_party_assessed.date", D(2025, 3, 28)), [],
                 id="DSQ12-assessed-on-approval-day"),
    pytest.param(DSQ_ALLIANCE, set_at("milestones.third_party_assessed.date", D(2025, 3, 29)),
                 [("DSQ12", DSQ_ALLIANCE, "milestones.third_party_assessed.date")], id="DSQ12-assessed-after-approval"),
    pytest.param(DSQ_ENTERPRISE, both(set_at("milestones.final_acceptance.date", D(2024, 3, 20)),
                                      set_at("milestones.archive_acceptance", D(2024, 3, 15)),
                                      set_at("progress_reports", [D(2023, 4, 18), D(2023, 7, 15), D(2023, 10, 12), D(2024, 1, 10)])),
                 [], id="DSQ17-exactly-three-months"),
    pytest.param(DSQ_ENTERPRISE, both(set_at("milestones.final_acceptance.date", D(2024, 3, 19)),
                                      set_at("milestones.archive_acceptance", D(2024, 3, 15)),
                                      set_at("progress_reports", [D(2023, 4, 18), D(2023, 7, 15), D(2023, 10, 12), D(2024, 1, 10)])),
                 [("DSQ17", DSQ_ENTERPRISE, "milestones.final_acceptance.date")], id="DSQ17-one-day-short"),
    pytest.param("systems/yshj/yshj-approval.yaml", set_at("status", "operating"),
                 [("DSQ18", "systems/yshj/yshj-approval.yaml", "status")], id="DSQ18-in-use-before-acceptance"),
    pytest.param(DSQ_ENTERPRISE, set_at("evaluations", [{"kind": "self", "date": D(2025, 4, 14)}]),
                 [("DSQ19", DSQ_ENTERPRISE, "evaluations")], id="DSQ19-self-evaluation-one-day-early"),
]


@pytest.mark.parametrize(("profile", "path", "change", "expected"), [
    *[pytest.param("quxian", *p.values, id=p.id) for p in QUXIAN],
    *[pytest.param("potou", *p.values, id=p.id) for p in POTOU],
    *[pytest.param("dashiqiao", *p.values, id=p.id) for p in DASHIQIAO],
])
def test_one_change_finds_exactly(tmp_path: Path, profile: str, path: str, change: Edit, expected: list[Found]) -> None:
    root = copy_fixture(profile, tmp_path)
    edit(root, path, change)
    run = run_check(root, today=TODAY)
    assert found(run) == sorted(expected), messages(run)


OM_CONTRACT_ACCEPTED = {
    "id": "2025-czj-001", "name": "大石桥市非税收入管理系统2025年度运行维护", "unit": "czj", "year": 2025,
    "nature": "om", "delivery": "purchase", "scope": "professional", "track": "approval", "builder": "unit",
    "basis": [{"title": "大石桥市数字政府建设总体规划（2022—2025年）", "kind": "plan"}],
    "content": "系统日常运维与数据备份。",
    "budget": {"total_wan": 18, "sources": [{"kind": "county_budget", "amount_wan": 18}]},
    "systems": {"maintains": ["czj-nontax"]},
    "documents": {"data_sharing_plan": "石财〔2024〕31号", "mlps_plan": "石财〔2024〕32号", "crypto_plan": "石财〔2024〕33号",
                  "trusted_products_statement": "石财〔2024〕34号"},
    "cost_comparison": {"build_wan": 40, "purchase_wan": 18},
    "milestones": {
        "declared": D(2024, 9, 2), "planned": D(2024, 10, 15), "reviewed": {"date": D(2024, 11, 1)},
        "third_party_assessed": {"date": D(2024, 11, 8)}, "crypto_reviewed": {"date": D(2024, 11, 12)},
        "approved": {"date": D(2024, 11, 20)}, "budgeted": {"date": D(2025, 1, 10), "amount_wan": 18},
        "awarded": {"date": D(2025, 1, 20)}, "contracted": {"date": D(2025, 1, 25), "implementation_months": 12},
        "started": D(2025, 2, 1), "final_acceptance": {"date": D(2026, 1, 30), "passed": True},
    },
    "progress_reports": [D(2025, 2, 15), D(2025, 5, 10), D(2025, 8, 5), D(2025, 11, 1), D(2026, 1, 20)],
}


def test_dsq17_leaves_a_finished_om_contract_alone(tmp_path: Path) -> None:
    """An O&M contract closed by its contract-performance acceptance has no preliminary
    acceptance or construction documents: 第十七条 is about the completion of construction."""
    root = copy_fixture("dashiqiao", tmp_path)
    (root / "projects/czj/2025-czj-001.yaml").write_text(yaml_text(OM_CONTRACT_ACCEPTED), encoding="utf-8")
    run = run_check(root, today=TODAY)
    assert found(run) == [], messages(run)


@pytest.mark.parametrize(("profile", "rule", "on_time", "late", "path", "field"), [
    ("quxian", "QX36D", D(2027, 5, 20), D(2027, 5, 21), QX_UPGRADE, "milestones.contracted"),  # signed 2026-05-20
    ("potou", "PT24", D(2027, 2, 5), D(2027, 2, 6), PT_PUBLIC, "evaluations"),  # accepted 2026-02-05
    ("dashiqiao", "DSQ16", D(2026, 12, 8), D(2026, 12, 9), DSQ_ALLIANCE, "progress_reports"),  # last report 2026-09-08
], ids=["QX36D", "PT24", "DSQ16"])
def test_deadline_is_on_time_on_its_last_day(profile: str, rule: str, on_time: dt.date, late: dt.date, path: str, field: str) -> None:
    fixture = Path(__file__).parent / "fixtures" / profile  # read only: no cache written into the source tree
    assert (rule, path, field) not in found(run_check(fixture, today=on_time, use_cache=False))
    assert (rule, path, field) in found(run_check(fixture, today=late, use_cache=False))


def test_pt21_fifteen_percent_is_inclusive(tmp_path: Path) -> None:
    """138 万元 → 117.3 (−15 %) may be adjusted by the unit with a changes entry; 117.29 needs re-approval."""
    for amount, expected in ((117.3, []), (117.29, [("PT21", PT_EXPANSION, "changes")])):
        root, _repo = committed_fixture("potou", tmp_path / str(amount))
        edit(root, PT_EXPANSION, set_at("budget.total_wan", amount),
             set_at("budget.sources", [{"kind": "county_budget", "amount_wan": amount}]),
             set_at("changes", [{"date": D(2026, 11, 10), "description": "取消自建短信网关，改用统一消息平台",
                                 "amount_wan": round(amount - 138, 2)}]))
        run = run_check(root, today=TODAY, base="main")
        assert found(run) == expected, messages(run)


def test_dsq15_names_the_old_and_new_totals(tmp_path: Path) -> None:
    root, _repo = committed_fixture("dashiqiao", tmp_path)
    edit(root, DSQ_ALLIANCE, set_at("budget.total_wan", 400),
         set_at("budget.sources", [{"kind": "county_budget", "amount_wan": 220}, {"kind": "superior_fund", "amount_wan": 180}]),
         set_at("changes", [{"date": D(2026, 11, 10), "description": "增加远程影像诊断模块", "amount_wan": 20}]))
    run = run_check(root, today=TODAY, base="main")
    assert found(run) == [("DSQ15", DSQ_ALLIANCE, "budget.total_wan")], messages(run)
    message = run.report.findings[0].message
    assert "380 → 400" in message.zh and "380 → 400" in message.en


def test_parameters_checked_together_give_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """stable_min_months above stable_max_months used to end in a traceback (a validator across
    parameters has no field of its own)."""
    root = copy_fixture("dashiqiao", tmp_path)
    config = (root / "registry.yaml").read_text(encoding="utf-8").replace("parameters: {}", "parameters: {stable_min_months: 7}")
    (root / "registry.yaml").write_text(config, encoding="utf-8")
    code = main(["--root", str(root), "check", "--format", "json", "--today", "2026-11-20"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out + err
    assert "DSQ17" in err and "stable_min_months" in err
    assert out == ""  # a usage error writes nothing a JSON consumer could mistake for a report
