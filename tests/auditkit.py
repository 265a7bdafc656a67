"""Shared cast of the audit tests (test_audit.py, test_audit_signed.py): the people who merge,
the project whose milestones they approve, and its milestones at each stage."""
from __future__ import annotations

from typing import Any

from casekit import record_data
from gitrepo import Who

ADMIN = Who("数据局审批人", "Approver@DSJ.test.gov.cn")  # case differs from registry.yaml on purpose
FINANCE = Who("财政局审批人", "approver@czj.test.gov.cn")
CLERK = Who("卫健局填报员", "clerk@wjw.test.gov.cn")
GITHUB = Who("GitHub", "noreply@github.com")
PROJECT = "projects/wjw/2025-wjw-001.yaml"
EARLY = {"declared": "2024-09-01", "planned": "2024-09-10"}
APPROVED = {**EARLY, "approved": {"date": "2024-09-20", "doc_no": "测大数据发〔2024〕3号"}}
BUDGETED = {**APPROVED, "budgeted": {"date": "2025-01-15", "amount_wan": 100}}


def project(**fields: Any) -> dict[str, Any]:
    return record_data(PROJECT, fields)
