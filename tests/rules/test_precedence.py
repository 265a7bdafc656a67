"""The shared milestone-order check (registry/rules/precedence.py) on its edges: a later
milestone not reached, the earlier one missing, later, on the same day, earlier. The rules
that use it (PT22, PT23, DLT8, DLT22, DSQ12, JX22, JX44) are tested through their YAML cases."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from casekit import record_data
from registry.enums import Stage
from registry.models import Project
from registry.rules.precedence import out_of_order, passed_final_acceptance

REVIEW = {"date": "2025-09-10", "ref": "评〔2025〕1号"}


def _project(**milestones: Any) -> Project:
    return Project.model_validate(record_data("projects/czj/2025-czj-001.yaml", {"milestones": milestones}))


def test_nothing_until_the_later_milestone_is_reached() -> None:
    assert list(out_of_order(_project(), Stage.reviewed, Stage.approved)) == []
    assert list(out_of_order(_project(reviewed=REVIEW), Stage.reviewed, Stage.approved)) == []


def test_a_missing_earlier_milestone_has_no_date() -> None:
    p = _project(approved={"date": "2025-09-20", "doc_no": "批〔2025〕1号"})
    assert list(out_of_order(p, Stage.reviewed, Stage.approved)) == [(None, dt.date(2025, 9, 20))]


@pytest.mark.parametrize(("review", "same_day", "breach"), [
    ("2025-09-19", True, False), ("2025-09-19", False, False),
    ("2025-09-20", True, False), ("2025-09-20", False, True),   # 同一天：只有严格在前的条文不认
    ("2025-09-21", True, True), ("2025-09-21", False, True),
])
def test_order_and_the_same_day(review: str, same_day: bool, breach: bool) -> None:
    p = _project(reviewed={"date": review, "ref": "评〔2025〕1号"},
                 approved={"date": "2025-09-20", "doc_no": "批〔2025〕1号"})
    found = list(out_of_order(p, Stage.reviewed, Stage.approved, same_day=same_day))
    assert found == ([(dt.date.fromisoformat(review), dt.date(2025, 9, 20))] if breach else [])


def test_passed_final_acceptance() -> None:
    assert not passed_final_acceptance(_project())
    assert not passed_final_acceptance(_project(final_acceptance={"date": "2025-09-20", "passed": False}))
    assert passed_final_acceptance(_project(final_acceptance={"date": "2025-09-20", "passed": True}))
