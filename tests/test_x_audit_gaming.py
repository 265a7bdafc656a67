"""Gaming ``registry audit`` (identities mode) with rewritten approvals: an approved milestone's
date or document number changed by a clerk's merge, an approved project copied into a new
record (new id, the approval copied along), an approved milestone carried to another project by
renaming the file AND its id, a milestone written as a YAML date string instead of a date, and a
merge that edits registry.yaml's `authorities` so that the clerk's own unit becomes finance.
Each must be AUD001/AUD004 where an authority's approval did not come from its approver."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditkit import ADMIN, APPROVED, CLERK, PROJECT, project
from casekit import record_data
from registry.audit import run_audit
from test_audit import config, findings, pull_request, seeded

OTHER = PROJECT.replace("2025-wjw-001", "2025-wjw-002")


def approved(repo: Any) -> None:
    pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    assert run_audit(repo.path, trust="identities").findings == []


@pytest.mark.parametrize(("field", "value"), [("date", "2024-09-21"), ("doc_no", "测大数据发〔2024〕9号")])
def test_a_clerk_rewriting_an_approved_milestone_is_flagged(field: str, value: str, tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    approved(repo)
    rewritten = {**APPROVED, "approved": {**APPROVED["approved"], field: value}}
    pull_request(repo, "rewrite", {PROJECT: project(milestones=rewritten)}, merged_by=CLERK)
    assert findings(run_audit(repo.path, trust="identities")) == [("AUD001", PROJECT, "milestones.approved")]


def test_an_approval_copied_into_a_new_project_is_flagged(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    approved(repo)
    copied = record_data(OTHER, {"milestones": APPROVED})
    pull_request(repo, "copy", {OTHER: copied}, merged_by=CLERK)
    assert ("AUD001", OTHER, "milestones.approved") in findings(run_audit(repo.path, trust="identities"))


def test_an_approval_carried_to_another_id_by_a_rename_is_flagged(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    approved(repo)
    repo.branch("carry", start="main")
    repo.move(PROJECT, OTHER)
    repo.write(OTHER, record_data(OTHER, {"milestones": APPROVED}))
    repo.commit("换编号", as_=CLERK)
    repo.merge("carry", into="main", as_=CLERK)
    assert ("AUD001", OTHER, "milestones.approved") in findings(run_audit(repo.path, trust="identities"))


@pytest.mark.parametrize("spelling", ["'2024-09-20'", "2024-09-20 00:00:00", "2024-9-20"])
def test_a_respelled_approved_date_is_no_change_or_is_flagged(spelling: str, tmp_path: Path) -> None:
    """The same day spelled another way is no change (nothing to approve); a spelling that is no
    longer that day is a change that needs the authority. Never a silent rewrite."""
    repo = seeded(tmp_path)
    approved(repo)
    path = repo.path / PROJECT
    text = path.read_text("utf-8")
    assert "2024-09-20" in text
    repo.branch("respell", start="main")
    path.write_text(text.replace("2024-09-20", spelling, 1), "utf-8")
    repo.commit("改写日期", as_=CLERK)
    repo.merge("respell", into="main", as_=CLERK)
    found = findings(run_audit(repo.path, trust="identities"))
    assert found in ([], [("AUD001", PROJECT, "milestones.approved")]), found


def test_making_the_clerks_unit_the_finance_authority_is_flagged(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    approved(repo)
    sneaky = config()
    sneaky.setdefault("authorities", {})
    roles = dict(sneaky["authorities"])
    roles["finance"] = "wjw"
    sneaky["authorities"] = roles
    sneaky["units"] = [{**u, "approvers": [CLERK.email]} if u["id"] == "wjw" else u for u in sneaky["units"]]
    budgeted = {**APPROVED, "budgeted": {"date": "2025-01-15", "amount_wan": 100}}
    pull_request(repo, "self-finance", {"registry.yaml": sneaky, PROJECT: project(milestones=budgeted)}, merged_by=CLERK)
    found = findings(run_audit(repo.path, trust="identities"))
    assert ("AUD001", PROJECT, "milestones.budgeted") in found
    assert any(rule == "AUD004" for rule, _, _ in found), found
