"""Runs every YAML rule case under tests/rules/cases/ (see tests/casekit.py), and every rule's
documented ``fails``/``passes`` example as a case of the same harness (see tests/examplekit.py):
the examples the rule reference shows are the examples that run."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casekit import load_case_files, run_case
from examplekit import common_findings, example_case
from registry.rules import RULES

CASES = load_case_files()
EXAMPLES = [(rule_id, which) for rule_id in RULES for which in ("fails", "passes")]


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_rule_case(tmp_path: Path, case: dict[str, Any]) -> None:
    findings = run_case(tmp_path, case["rule"], case)
    got = sorted((f.path, f.field) for f in findings)
    if case.get("passes"):
        assert got == [], [f.message.zh for f in findings]
        return
    first = next(iter(case.get("records") or case.get("raw") or {"": None}))
    expected = sorted((e.get("path", first), e.get("field", "")) for e in case["fails"])
    assert got == expected, [f.message.zh for f in findings]
    assert all(f.message.zh and f.message.en for f in findings)


@pytest.mark.parametrize(("rule_id", "which"), EXAMPLES, ids=[f"{r}::{w}-example" for r, w in EXAMPLES])
def test_rule_example(tmp_path: Path, rule_id: str, which: str) -> None:
    """The failing example yields this rule's problem, the passing one none."""
    findings = run_case(tmp_path, rule_id, example_case(RULES[rule_id], which))
    if which == "passes":
        assert findings == [], [f.message.zh for f in findings]
    else:
        assert findings, f"{rule_id}'s failing example yields no problem"
        assert all(f.rule == rule_id and f.message.zh and f.message.en for f in findings)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_passing_example_is_a_record_the_registry_accepts(tmp_path: Path, rule_id: str) -> None:
    """The passing example is what a unit may copy: no common rule objects to it either."""
    findings = common_findings(tmp_path, example_case(RULES[rule_id], "passes"), besides=rule_id)
    assert findings == [], [f"{f.rule} {f.path} {f.message.zh}" for f in findings]


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    kinds: dict[str, set[str]] = {}
    for _, case in CASES:
        kinds.setdefault(case["rule"], set()).add("passes" if case.get("passes") else "fails")
    missing = {r: sorted({"passes", "fails"} - kinds.get(r, set())) for r in RULES}
    missing = {r: m for r, m in missing.items() if m}
    assert not missing, f"rules without a failing or passing YAML case: {missing}"
