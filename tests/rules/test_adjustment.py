"""The shared post-approval adjustment mechanism (registry/rules/adjustment.py) on an article
of its own: what it compares, when filing suffices, where it reports. The five profiles'
articles are tested through their rules' YAML cases."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casekit import DEFAULT_TODAY, _yaml_bytes, build_registry, records_of
from registry.checking import load_head
from registry.loader import load_config, load_records
from registry.rules.adjustment import Adjustment, Reasons, Text, adjustments
from registry.rules.base import Context, Problem

PATH = "projects/czj/2025-czj-001.yaml"
APPROVED = {"approved": {"date": "2025-02-01", "doc_no": "测大数据发〔2025〕3号"}}
BASE = {"milestones": APPROVED, "budget": {"total_wan": 200}, "content": "建设统一受理模块",
        "goals": [{"indicator": "网上可办率", "target": "90%"}]}
ENTRY = {"date": "2025-06-01", "description": "调整", "amount_wan": -20}
APPROVAL = {"doc_no": "测大数据发〔2025〕21号", "date": "2025-06-01"}

ALWAYS = Adjustment(
    labels={"budget.total_wan": ("投资（{old}→{new}）", "total ({old}->{new})"), "content": ("内容", ""),
            "systems": ("系统", "")},
    missing=Text("{id} 调整了{what}@{field}", "{id} changed {what}@{field}"),
)
WITHIN_SHARE = Adjustment(
    labels={"budget.total_wan": ("投资", ""), "content": ("内容", ""), "goals": ("目标", "")},
    missing=Text("{id} 未登记{what}", "{id} unfiled {what}"),
    missing_beyond=Text("；{reasons}", "; {reasons}"),
    reasons=Reasons(rise=Text("增至 {new}", "rises to {new}"), share=Text("调整 {delta}{moved} 超过 {share}（{share_wan}）",
                                                                         "moves {delta}{moved} over {share} ({share_wan})"),
                    goals=Text("目标变化", "goals changed")),
    reapprove=Text("{id} 须报批：{reasons}", "{id} needs approval: {reasons}"),
)


def _problems(tmp_path: Path, article: Adjustment, head: dict[str, Any], share: float | None = None,
              base: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    case = {"records": {PATH: {**BASE, **head}}, "base": {PATH: base or BASE}}
    build_registry(tmp_path, case)
    before = load_records((p, _yaml_bytes(d)) for p, d in records_of(case, "base").items())
    ctx = Context(config=load_config(tmp_path), head=load_head(tmp_path), today=DEFAULT_TODAY, base=before)
    found: list[Problem] = list(adjustments(ctx, article, share))
    return [(p.field, p.message.zh, p.message.en) for p in found]


def test_every_changed_field_is_reported_on_its_own(tmp_path: Path) -> None:
    head = {"budget": {"total_wan": 230}, "content": "建设统一受理和归档模块"}
    assert _problems(tmp_path, ALWAYS, head) == [
        ("budget.total_wan", "2025-czj-001 调整了投资（200→230）@budget.total_wan",
         "2025-czj-001 changed total (200->230)@budget.total_wan"),
        ("content", "2025-czj-001 调整了内容@content", "2025-czj-001 changed content@content"),
    ]


def test_or_listed_once_on_the_first(tmp_path: Path) -> None:
    listed = Adjustment(labels=ALWAYS.labels, missing=ALWAYS.missing, each_field=False)
    head = {"budget": {"total_wan": 230}, "content": "建设统一受理和归档模块"}
    assert _problems(tmp_path, listed, head) == [
        ("budget.total_wan", "2025-czj-001 调整了投资（200→230）、内容@budget.total_wan",
         "2025-czj-001 changed total (200->230), content@budget.total_wan"),
    ]


def test_an_approved_new_entry_settles_it_and_one_from_base_does_not(tmp_path: Path) -> None:
    head = {"content": "建设统一受理和归档模块", "changes": [{**ENTRY, "amount_wan": 0, "approval": APPROVAL}]}
    assert _problems(tmp_path / "new", ALWAYS, head) == []
    base = {**BASE, "changes": head["changes"]}
    assert [f for f, _, _ in _problems(tmp_path / "old", ALWAYS, head, base=base)] == ["content"]


def test_rewrapped_content_and_unlabelled_fields_are_no_adjustment(tmp_path: Path) -> None:
    head = {"content": "建设统一\n受理模块", "goals": [{"indicator": "网上可办率", "target": "95%"}],
            "budget": {"total_wan": 200, "security_wan": 5}}
    assert _problems(tmp_path, ALWAYS, head) == []  # goals and other budget figures are not labelled


def test_other_budget_figures_count_when_labelled(tmp_path: Path) -> None:
    figures = Adjustment(labels={"budget.total_wan": ("投资", ""), "budget": ("投资构成", "")}, missing=ALWAYS.missing)
    assert [f for f, _, _ in _problems(tmp_path, figures, {"budget": {"total_wan": 200, "security_wan": 5}})] == ["budget"]


def test_cuts_free_counts_only_a_rise(tmp_path: Path) -> None:
    rises = Adjustment(labels=ALWAYS.labels, missing=ALWAYS.missing, cuts_free=True)
    assert _problems(tmp_path / "cut", rises, {"budget": {"total_wan": 150}}) == []
    assert [f for f, _, _ in _problems(tmp_path / "rise", rises, {"budget": {"total_wan": 200.01}})] == ["budget.total_wan"]


@pytest.mark.parametrize(("total", "reapprove"), [(180, False), (179.99, True), (200.004, False), (200.01, True)])
def test_filing_suffices_within_the_share_inclusive(tmp_path: Path, total: float, reapprove: bool) -> None:
    head = {"budget": {"total_wan": total}, "changes": [{**ENTRY, "amount_wan": round(total - 200, 2)}]}
    found = _problems(tmp_path, WITHIN_SHARE, head, share=0.1)
    assert [f for f, _, _ in found] == (["changes"] if reapprove else [])


def test_reasons_say_why_and_join(tmp_path: Path) -> None:
    head = {"budget": {"total_wan": 150}, "goals": [{"indicator": "网上可办率", "target": "95%"}],
            "changes": [{**ENTRY, "amount_wan": -50}]}
    assert _problems(tmp_path, WITHIN_SHARE, head, share=0.1) == [
        ("changes", "2025-czj-001 须报批：调整 -50，25.00% 超过 10%（20）；目标变化",
         "2025-czj-001 needs approval: moves -50, 25.00% over 10% (20); goals changed"),
    ]


def test_an_unfiled_adjustment_says_it_also_needs_approval(tmp_path: Path) -> None:
    assert _problems(tmp_path / "within", WITHIN_SHARE, {"budget": {"total_wan": 190}}, share=0.1) == [
        ("budget.total_wan", "2025-czj-001 未登记投资", "2025-czj-001 unfiled budget.total_wan"),
    ]
    assert _problems(tmp_path / "beyond", WITHIN_SHARE, {"budget": {"total_wan": 250}}, share=0.1) == [
        ("budget.total_wan", "2025-czj-001 未登记投资；增至 250", "2025-czj-001 unfiled budget.total_wan; rises to 250"),
    ]


def test_a_base_total_of_zero_has_no_share_and_no_division(tmp_path: Path) -> None:
    base = {**BASE, "budget": {"total_wan": 0}}
    head = {"budget": {"total_wan": 10}, "changes": [{**ENTRY, "amount_wan": 10}]}
    assert _problems(tmp_path, WITHIN_SHARE, head, share=0.1, base=base) == [
        ("changes", "2025-czj-001 须报批：增至 10", "2025-czj-001 needs approval: rises to 10"),
    ]


def test_not_approved_at_base_is_free_to_change(tmp_path: Path) -> None:
    base = {key: value for key, value in BASE.items() if key != "milestones"}
    assert _problems(tmp_path, ALWAYS, {"budget": {"total_wan": 900}}, base=base) == []
