"""Runs every YAML rule case under tests/rules/cases/ (see tests/casekit.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casekit import load_case_files, run_case
from registry.rules import RULES

CASES = load_case_files()


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


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    kinds: dict[str, set[str]] = {}
    for _, case in CASES:
        kinds.setdefault(case["rule"], set()).add("passes" if case.get("passes") else "fails")
    missing = {r: sorted({"passes", "fails"} - kinds.get(r, set())) for r in RULES}
    missing = {r: m for r, m in missing.items() if m}
    assert not missing, f"rules without a failing or passing YAML case: {missing}"
