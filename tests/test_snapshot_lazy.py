"""Lazy records: a warm ``check PATHS`` unpickles only the records it looks at, and sees
exactly what a run without the cache sees."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cachekit import own_signing_key, registry_of  # noqa: F401  (autouse fixture)
from registry.checking import run_check
from registry.snapshot import Snapshot

TODAY = dt.date(2026, 6, 30)
CASE = {
    "config": {"profiles": [], "units": [{"id": "czj", "name": "财政局", "kind": "department"}]},
    "records": {
        "systems/czj/czj-budget.yaml": {"id": "czj-budget", "name": "预算管理系统", "unit": "czj"},
        "systems/czj/czj-pay.yaml": {"id": "czj-pay", "name": "国库支付系统", "unit": "czj"},
        "projects/czj/2025-czj-001.yaml": {"id": "2025-czj-001", "unit": "czj", "name": "预算系统建设",
                                           "systems": {"creates": ["czj-budget"]}},
    },
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return registry_of(tmp_path, CASE)


def loaded(snapshot: Snapshot) -> int:
    """How many records of ``snapshot`` have been materialised (loaded or unpickled) so far."""
    return len(snapshot._values)


def test_a_warm_paths_run_loads_only_what_it_touches(root: Path) -> None:
    run_check(root, today=TODAY)  # fills the record cache
    run = run_check(root, today=TODAY, paths=["systems/czj/czj-pay.yaml"])
    head = run.context.head
    assert head.records == 3
    assert [s.id for s in run.context.systems] == ["czj-pay"]
    assert loaded(head) == 1
    assert head.count_system_id("czj-budget") == 1 and head.count_project_id("2025-czj-001") == 1
    assert head.active_count("czj") == sum(s.active for s in run_check(root, today=TODAY, use_cache=False).context.head.systems)
    assert loaded(head) == 1  # counting needs no record
    creators = head.projects_creating("czj-budget")
    assert [p.id for p in creators] == ["2025-czj-001"]
    assert head.path_of(creators[0]) == "projects/czj/2025-czj-001.yaml" and head.owns(creators[0])
    assert head.project("2025-czj-001") is creators[0]  # loaded once, the same object after
    assert [s.id for s in head.systems] == ["czj-budget", "czj-pay"]
    assert loaded(head) == 3


def test_lazy_and_eager_snapshots_agree(root: Path) -> None:
    run_check(root, today=TODAY)
    lazy = run_check(root, today=TODAY).context.head
    eager = run_check(root, today=TODAY, use_cache=False).context.head
    assert loaded(lazy) == lazy.records  # a full run reports on, and so loads, every record
    for unit in ("czj", "nowhere"):
        assert lazy.active_count(unit) == eager.active_count(unit)
        assert [s.model_dump() for s in lazy.systems_of(unit)] == [s.model_dump() for s in eager.systems_of(unit)]
    assert lazy.units() == eager.units()
    assert [p.model_dump() for p in lazy.projects] == [p.model_dump() for p in eager.projects]
    assert [p.id for p in eager.projects_creating("czj-budget")] == ["2025-czj-001"]
    assert lazy.projects_creating("czj-pay") == eager.projects_creating("czj-pay") == []
