"""What every page is made from: one check run, the deadline outlook, the inventory history
and the records' git history, gathered once per build."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import Any

from registry import gitio, inventory
from registry.checking import Run, run_check
from registry.engine import Locator, findings_of, run_rules
from registry.findings import Finding
from registry.models import Project, RegistryConfig, System, Unit
from registry.rules import RULES
from registry.rules.base import Kind, Rule
from registry.site.changelog import RecordChange, record_changes
from registry.site.pagecache import PageCache, content_digest
from registry.snapshot import Snapshot

# 期限提醒 looks this far ahead of the build date (issue #4: "due within 30 days").
OUTLOOK_DAYS = 30


@dataclasses.dataclass
class SiteData:
    root: Path
    today: dt.date
    run: Run
    upcoming: list[Finding]  # deadline findings that appear within OUTLOOK_DAYS, not yet today
    history: list[inventory.InventoryPoint]
    changes: dict[str, list[RecordChange]]  # record path → its changes from git, newest first
    memo: dict[str, Any] = dataclasses.field(default_factory=dict)  # what several pages derive once
    cache: PageCache = dataclasses.field(default_factory=lambda: PageCache(None, ()))  # rendered pages by content

    @property
    def config(self) -> RegistryConfig:
        return self.run.config

    @property
    def head(self) -> Snapshot:
        return self.run.context.head

    @property
    def findings(self) -> list[Finding]:
        return self.run.report.findings

    @property
    def systems(self) -> list[System]:
        return sorted(self.head.systems, key=lambda s: (s.unit, s.id))

    @property
    def projects(self) -> list[Project]:
        return sorted(self.head.projects, key=lambda p: (p.unit, p.year, p.id))

    @property
    def units(self) -> list[Unit]:
        return list(self.config.units)

    def unit(self, unit_id: str) -> Unit | None:
        """``config.unit(unit_id)`` by a dictionary: pages look a unit up for every record."""
        return self._units_by_id.get(unit_id)

    @cached_property
    def _units_by_id(self) -> dict[str, Unit]:
        out: dict[str, Unit] = {}
        for u in self.config.units:
            out.setdefault(u.id, u)  # the first, as config.unit() finds it
        return out

    def unit_name(self, unit_id: str) -> str:
        unit = self.unit(unit_id)
        return unit.name if unit is not None else unit_id

    @cached_property
    def _findings_by_path(self) -> dict[str, list[Finding]]:
        index: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            index[f.path].append(f)
        return index

    def findings_on(self, record: System | Project) -> list[Finding]:
        return self._findings_by_path.get(self.head.path_of(record), [])

    def path_of(self, record: System | Project) -> str:
        return self.head.path_of(record)

    def digest_of(self, record: System | Project) -> str:
        """A digest of the record's whole content (a cache key part: equal digests, equal records)."""
        digests: dict[int, str] = self.memo.setdefault("digests", {})
        found = digests.get(id(record))
        if found is None:
            found = digests[id(record)] = content_digest(record)
        return found

    @cached_property
    def record_at(self) -> dict[str, System | Project]:
        """File path → record, to link a finding to the record's page."""
        records: list[System | Project] = [*self.head.systems, *self.head.projects]
        return {self.head.path_of(r): r for r in records}

    def findings_of_unit(self, unit_id: str) -> list[Finding]:
        records: list[System | Project] = [*self.head.systems_of(unit_id), *self.head.projects_of(unit_id)]
        return [f for r in records for f in self.findings_on(r)]

    def unit_of_path(self, path: str) -> str:
        record = self.record_at.get(path)
        if record is not None:
            return record.unit
        parts = path.split("/")
        return parts[1] if len(parts) == 3 else ""

    @cached_property
    def deadline_findings(self) -> list[Finding]:
        return [f for f in self.findings if _kind(f.rule) is Kind.deadline]

    @cached_property
    def errors(self) -> int:
        return self.run.report.errors

    @cached_property
    def warnings(self) -> int:
        return self.run.report.warnings

    @cached_property
    def in_force(self) -> dict[str, Any]:
        """Rule ID → its effective parameters, for the rules selected for this registry."""
        return {r.id: params for r, params in self.run.selection.rules}

    @cached_property
    def built_by(self) -> dict[str, list[tuple[str, Project]]]:
        """System id → (role, project) for every project that names it, in project order."""
        index: dict[str, list[tuple[str, Project]]] = defaultdict(list)
        for p in self.projects:
            for role in ("creates", "upgrades", "maintains", "retires"):
                for sid in getattr(p.systems, role):
                    index[sid].append((role, p))
        return index

    @cached_property
    def active_counts(self) -> dict[str, int]:
        """Unit id → systems in use now (:func:`inventory.current_counts`), counted once: the
        inventory page and every unit page's chart show it."""
        return inventory.current_counts(self.head)

    @cached_property
    def merged_from(self) -> dict[str, list[System]]:
        index: dict[str, list[System]] = defaultdict(list)
        for s in self.systems:
            if s.merged_into:
                index[s.merged_into].append(s)
        return index


def _kind(rule_id: str) -> Kind | None:
    found: Rule[Any] | None = RULES.get(rule_id)
    return found.kind if found is not None else None


def gather(root: Path, *, today: dt.date, use_cache: bool = True) -> SiteData:
    """One check run (shared by all pages) plus the history the status pages chart.
    ``use_cache=False`` neither reads nor writes any cache (also ``REGISTRY_NO_CACHE=1``)."""
    run = run_check(root, today=today, use_cache=use_cache)
    cache = PageCache.open(root, (today.isoformat(), content_digest(run.config)), use_cache=use_cache)
    return SiteData(
        root=root,
        today=today,
        run=run,
        upcoming=_upcoming(root, run, today),
        history=inventory.history(root),
        changes=record_changes(root, gitio.record_history(root), cache),
        cache=cache,
    )


def _upcoming(root: Path, run: Run, today: dt.date) -> list[Finding]:
    """Deadline findings that the rules would report OUTLOOK_DAYS from now but not today.

    Only the deadline rules run again, on the same records, so this costs little even for a
    large registry."""
    later = dataclasses.replace(run.context, today=today + dt.timedelta(days=OUTLOOK_DAYS), notices=[])
    deadline_rules = [(r, params) for r, params in run.selection.rules if r.kind is Kind.deadline]
    selection = dataclasses.replace(run.selection, rules=deadline_rules)
    future = findings_of(run_rules(selection, later), later, Locator(root))
    # Not by message: a deadline message may count the days, which differ between the runs.
    now = {(f.path, f.rule, f.field) for f in run.report.findings}
    return [f for f in future if (f.path, f.rule, f.field) not in now]
