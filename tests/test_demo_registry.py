"""The demo registry at the top of the repository (金乡县（演示数据）) stays complete and clean.

The demo is what the site shows and what new users copy from, so it must pass every rule of
its profile and keep covering every status, stage and nature the data format knows.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from registry.checking import Run, load_head, run_check
from registry.enums import STAGE_ORDER, Nature, Stage, SystemStatus, UnitKind
from registry.findings import Severity
from registry.loader import load_config
from registry.models import RegistryConfig
from registry.snapshot import Snapshot

ROOT = Path(__file__).resolve().parent.parent

# The demo's milestones are written as of this day; deadline warnings are measured against it.
DEMO_TODAY = dt.date(2026, 11, 22)

# Warnings left in on purpose so that the site's 期限提醒 page has content (see the records' notes).
DELIBERATE_WARNINGS = {
    ("JX35", "projects/gaj/2025-gaj-002.yaml"),
    ("JX35", "projects/zjj/2024-zjj-001.yaml"),
    ("JX36", "projects/rsj/2023-rsj-001.yaml"),
}


@pytest.fixture(scope="module")
def config() -> RegistryConfig:
    return load_config(ROOT)


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return load_head(ROOT)


@pytest.fixture(scope="module")
def demo_run() -> Run:
    return run_check(ROOT, today=DEMO_TODAY, use_cache=False)  # the source tree: no cache written


def _errors(run: Run) -> list[str]:
    return [
        f"{f.path}:{f.line} {f.rule} {f.message.text('zh')}"
        for f in run.report.findings
        if f.severity is Severity.error
    ]


def test_demo_is_marked_as_fictional(config: RegistryConfig) -> None:
    assert "演示" in config.jurisdiction
    assert config.profiles == ["jinxiang"]
    assert (ROOT / "registry.yaml").read_text(encoding="utf-8").startswith("# ")


def test_demo_checks_without_errors(demo_run: Run, snapshot: Snapshot) -> None:
    assert _errors(demo_run) == []
    assert demo_run.report.exit_code(strict=False) == 0
    assert not snapshot.invalid  # every file parsed and validated (no REG001/REG002)


def test_only_the_deliberate_warnings(demo_run: Run) -> None:
    warnings = {(f.rule, f.path) for f in demo_run.report.findings if f.severity is Severity.warning}
    assert warnings == DELIBERATE_WARNINGS


def test_time_passing_adds_no_errors() -> None:
    # CI runs `registry check` with the real date: later days may add deadline warnings, never errors.
    assert _errors(run_check(ROOT, today=dt.date(2028, 12, 31), use_cache=False)) == []


def test_units(config: RegistryConfig) -> None:
    kinds = Counter(u.kind for u in config.units)
    assert len(config.units) >= 12
    assert kinds[UnitKind.township] >= 2
    assert kinds[UnitKind.park] >= 1
    assert config.authorities.data_authority == "dsj"
    for role in ("finance", "development_reform", "audit", "cyberspace", "crypto"):
        assert getattr(config.authorities, role) is not None, role
    assert all(u.reviewers for u in config.units)
    assert not config.disabled_rules


def test_systems_cover_every_status(snapshot: Snapshot) -> None:
    statuses = Counter(s.status for s in snapshot.systems)
    assert len(snapshot.systems) >= 40
    assert set(statuses) == set(SystemStatus)
    assert statuses[SystemStatus.retired] >= 2
    assert statuses[SystemStatus.merged] >= 2


def test_systems_show_the_format(snapshot: Snapshot) -> None:
    systems = snapshot.systems
    assert len({s.deployment for s in systems}) >= 4
    assert any(s.enforcement and s.active for s in systems)
    assert any(s.transferred_from for s in systems)
    assert any(s.new_system_approval for s in systems)
    assert any(s.data.sharing_exemption for s in systems)
    assert any(s.notes for s in systems) and any(s.contacts for s in systems)


def test_projects_cover_every_stage_and_nature(snapshot: Snapshot) -> None:
    projects = snapshot.projects
    assert len(projects) >= 30
    assert {p.stage for p in projects} == {*STAGE_ORDER, Stage.terminated}
    assert {p.nature for p in projects} == set(Nature)
    assert len({p.delivery for p in projects}) == 2
    assert len({p.track for p in projects}) == 2


def test_projects_show_the_format(snapshot: Snapshot) -> None:
    projects = snapshot.projects
    assert any(p.partners for p in projects)
    assert any(c.approval for p in projects for c in p.changes)
    assert any(p.evaluations for p in projects) and any(p.progress_reports for p in projects)
    paths = [ref for p in projects for _kind, ref in p.documents if ref and ref.startswith("docs/")]
    assert paths and all((ROOT / ref).is_file() for ref in paths)


def test_project_links_match_system_statuses(snapshot: Snapshot) -> None:
    """A consolidating project's retired systems are out of the inventory; a finished project's
    created systems are operating; every non-terminated builder is in the system's built_by."""
    systems = {s.id: s for s in snapshot.systems}
    for p in snapshot.projects:
        for sid in p.systems.retires:
            assert not systems[sid].active, (p.id, sid)
        if p.stage is Stage.final_acceptance:
            for sid in p.systems.creates:
                assert systems[sid].status is SystemStatus.operating, (p.id, sid)
        if p.stage is not Stage.terminated:
            for sid in [*p.systems.creates, *p.systems.upgrades]:
                assert p.id in systems[sid].built_by, (p.id, sid)
