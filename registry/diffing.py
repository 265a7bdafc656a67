"""The review summary of a change (``registry diff``): what a pull request does to the registry.

Compares the target revision of ``--base`` (its tip) with what merging the change into it would
produce, the working tree's uncommitted changes included — the same view as
``registry check --base`` (see :mod:`registry.target`):

* what the change does to registry.yaml's rule configuration, shown first;

* records added, changed, retired, merged, transferred, terminated (and deleted, which CHG002
  forbids), each record in exactly one of these groups;
* project stage moves (立项批复 → 预算下达) and budget changes against the approved total;
* per unit, active systems before → after with the "只减不增" verdict (CHG001's definition: a
  net increase is allowed only by new systems carrying ``new_system_approval`` or a transfer);
* findings the change introduces and fixes: the record and registry rules also run on the base
  snapshot, and findings compare by (rule, path, field, message).

Rendered (registry.diffrender) as Chinese Markdown short enough for a pull-request comment, or
as JSON for bots.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union

from registry import gitio
from registry.checking import Run, run_check
from registry.docrefs import tree_resolver
from registry.engine import place, run_rules
from registry.enums import Stage, SystemStatus
from registry.findings import Finding, Message, Severity
from registry.models.kinds import ProjectKind, RecordPart, SystemKind
from registry.models.twins import field_names
from registry.configdiff import ConfigChange, config_changes
from registry.diffcache import config_key, kept_base_findings
from registry.rules.base import ConfigSite, Context
from registry.rules.change import allowance, approved, in_use_count, newcomer
from registry.snapshot import Snapshot
from registry.target import EMPTY_TREE, Target, resolve
from registry.warm import Inputs, gather

if TYPE_CHECKING:
    from registry.models import Project, System

    Record = Union[System, Project]
    R = TypeVar("R", System, Project)
else:  # a model or its plain twin (registry.models.twins): told apart by kind, as rules do
    Record = Union[SystemKind, ProjectKind]
    R = TypeVar("R", SystemKind, ProjectKind)
Key = tuple[str, str, str, str]  # (rule, path, field, Chinese message)

# Groups of changed records, in the order the summary shows them.
GROUPS = ("added", "retired", "merged", "transferred", "terminated", "deleted", "changed")
# Fields compared one level deeper, so that "budget.total_wan" and "milestones.approved" show.
EXPANDED = ("budget", "milestones")


# -- what changed -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RecordRef:
    kind: str  # "system" | "project"
    id: str
    unit: str
    name: str
    path: str

    @classmethod
    def of(cls, record: Record, snapshot: Snapshot) -> RecordRef:
        kind = "system" if isinstance(record, SystemKind) else "project"
        return cls(kind, record.id, record.unit, record.name, snapshot.path_of(record))

    def as_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class RecordChange:
    """One record in one group; ``before``/``after`` hold what the group is about (the
    units of a transfer, the system a merged one went into, a status change …)."""

    ref: RecordRef
    group: str  # one of GROUPS
    fields: tuple[str, ...] = ()  # dotted fields that changed
    before: str = ""
    after: str = ""
    note: str = ""  # retirement_ref of a retired system, reason of a terminated project


@dataclasses.dataclass(frozen=True)
class StageMove:
    ref: RecordRef
    before: Stage | None
    after: Stage | None
    reached: tuple[tuple[Stage, dt.date], ...]  # milestones this change added, with their dates


@dataclasses.dataclass(frozen=True)
class BudgetChange:
    ref: RecordRef
    before: float
    after: float
    approved: bool  # the base total is an approved ceiling (立项批复 already given)

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 4)

    @property
    def percent(self) -> float | None:
        return round(self.delta / self.before * 100, 1) if self.before else None


@dataclasses.dataclass(frozen=True)
class UnitCount:
    unit: str
    name: str
    before: int
    after: int
    allowance: int  # newly active systems excused by new_system_approval or a transfer

    @property
    def verdict(self) -> str:
        """decrease | unchanged | approved_increase | violation"""
        if self.after < self.before:
            return "decrease"
        if self.after == self.before:
            return "unchanged"
        return "approved_increase" if self.after - self.before <= self.allowance else "violation"


@dataclasses.dataclass(frozen=True)
class BaseFinding:
    """A finding of the base revision (no position: the file is not in the working tree)."""

    rule: str
    severity: Severity
    path: str
    field: str
    message: Message
    citation: str

    def as_json(self, lang: str) -> dict[str, object]:
        return {"rule": self.rule, "severity": str(self.severity), "path": self.path, "field": self.field,
                "message": self.message.text(lang), "citation": self.citation}


@dataclasses.dataclass
class Diff:
    base_rev: str
    base_commit: str
    records: list[RecordChange]
    stages: list[StageMove]
    budgets: list[BudgetChange]
    units: list[UnitCount]
    introduced: list[Finding]
    fixed: list[BaseFinding]
    config: list[ConfigChange] = dataclasses.field(default_factory=list)  # registry.yaml: target → merge result
    total: UnitCount | None = None  # the whole registry (CHG008): transfers net to zero here

    def group(self, name: str) -> list[RecordChange]:
        return [c for c in self.records if c.group == name]

    @property
    def empty(self) -> bool:
        return not (self.records or self.introduced or self.fixed or self.config)


def compute_diff(root: Path, *, base: str, today: dt.date) -> Diff:
    """The summary of what merging the change into ``base`` would do to ``base``'s registry:
    the same target, merge result and configuration as ``registry check --base``."""
    inputs = gather(root)
    repo = gitio.open_repo(root)
    try:
        return diff_and_run(inputs, resolve(root, repo, base), today)[0]
    finally:
        repo.close()


def diff_and_run(inputs: Inputs, target: Target, today: dt.date) -> tuple[Diff, Run]:
    """:func:`compute_diff` of exactly these working-tree inputs and this resolved target
    (its repository open), with the check run it is made of."""
    root, base = inputs.root, target.rev
    # positions only for the findings shown: those the change introduces (engine.place)
    # local rules only on the records that differ from the target (the same bytes at the same path
    # give the same local findings on both sides); no record cache started (it costs more than it gains)
    run = run_check(root, today=today, base=base, inputs=inputs, target=target, placed=False, changed_only=True,
                    start_records=False)
    change = run.change
    assert change is not None and change.base is not None  # run_check resolved it (or raised a usage error)
    before, after = change.base, change.head
    commit = "" if target.commit == EMPTY_TREE else target.commit  # "": no commit yet
    # kept under everything that decides them: the target (its commit and tree: its records and
    # files), the configuration the rules run with, the date; nothing kept before a first commit
    decided_by = (f"{target.target_identity}\0{config_key(run.config)}\0{run.context.today.isoformat()}"
                  f"\0{run.local_digest}")  # (and which records local rules looked at)
    # the target's files (where its document references lead): listed only when not reused
    old = kept_base_findings(inputs.store if commit else None, decided_by, BaseFinding, lambda: base_findings(
        run, before, tree_resolver(gitio.tree_paths(target.repo, commit, root) if commit else set())))
    new_keys = {_key(f.rule, f.path, f.field, f.message) for f in run.report.findings}
    old_keys = {_key(f.rule, f.path, f.field, f.message) for f in old}
    proposed = change.proposed_config or change.config
    assert run.locator is not None  # (every run has one)
    diff = Diff(
        base_rev=base, base_commit=commit,
        records=record_changes(before, after),
        stages=stage_moves(before, after),
        budgets=budget_changes(before, after),
        units=unit_counts(run, before, after),
        introduced=place([f for f in run.report.findings if _key(f.rule, f.path, f.field, f.message) not in old_keys],
                         run.locator),
        fixed=[f for f in old if _key(f.rule, f.path, f.field, f.message) not in new_keys],
        config=config_changes(change.config, proposed),
        total=registry_count(change, before, after),
    )
    return diff, run


def _key(rule: str, path: str, field: str, message: Message) -> Key:
    return rule, path, field, message.zh


def base_findings(run: Run, before: Snapshot, documents: Callable[[str], str | None]) -> list[BaseFinding]:
    """The record and registry rules in force, run on the base snapshot (no change rules); the
    local rules only on the records the run's own local rules looked at (:attr:`Run.local_paths`)."""
    ctx = Context(config=run.config, head=before, today=run.context.today, base=None, document_status=documents)
    found: dict[Key, BaseFinding] = {}
    citations: dict[str, str] = {}  # rule id → its citation for these profiles (the same for every finding)
    for rule, problem in run_rules(run.selection, ctx, local_paths=run.local_paths):
        if isinstance(problem.record, ConfigSite):
            continue  # only change rules look at the configuration
        path = before.path_of(problem.record)
        citation = citations.get(rule.id)
        if citation is None:
            citation = citations[rule.id] = rule.citation_for(run.config.profiles)
        finding = BaseFinding(rule.id, problem.severity or rule.severity, path, problem.field,
                              problem.message, citation)
        found.setdefault(_key(rule.id, path, problem.field, problem.message), finding)
    return sorted(found.values(), key=lambda f: (f.path, f.rule, f.field, f.message.zh))


# -- records ------------------------------------------------------------------------------------


def _by_id(records: Iterable[R]) -> dict[str, R]:
    out: dict[str, R] = {}
    for r in records:
        out.setdefault(r.id, r)  # a duplicated id is REG004's business; the first one stands
    return out


def record_changes(before: Snapshot, after: Snapshot) -> list[RecordChange]:
    out: list[RecordChange] = []
    pairs: list[tuple[dict[str, Record], dict[str, Record]]] = [
        (dict(_by_id(before.systems)), dict(_by_id(after.systems))),
        (dict(_by_id(before.projects)), dict(_by_id(after.projects))),
    ]
    for old, new in pairs:
        for rid in sorted(set(old) | set(new)):
            change = _classify(old.get(rid), new.get(rid), before, after)
            if change is not None:
                out.append(change)
    return sorted(out, key=lambda c: (GROUPS.index(c.group), c.ref.kind != "system", c.ref.unit, c.ref.id))


def _classify(old: Record | None, new: Record | None, before: Snapshot, after: Snapshot) -> RecordChange | None:
    if new is None:
        assert old is not None
        return RecordChange(RecordRef.of(old, before), "deleted")
    ref = RecordRef.of(new, after)
    if old is None:
        return RecordChange(ref, "added", after=_state(new))
    fields = changed_fields(old, new)
    if not fields and before.path_of(old) == after.path_of(new):
        return None
    if isinstance(new, SystemKind) and isinstance(old, SystemKind) and new.status != old.status:
        if new.status is SystemStatus.merged:
            return RecordChange(ref, "merged", fields, old.status.value, new.merged_into or "")
        if new.status is SystemStatus.retired:
            retired_on = new.retired_on.isoformat() if new.retired_on else ""
            return RecordChange(ref, "retired", fields, old.status.value, retired_on, new.retirement_ref or "")
    if isinstance(new, ProjectKind) and isinstance(old, ProjectKind):
        ended = new.milestones.terminated
        if ended is not None and old.milestones.terminated is None:
            return RecordChange(ref, "terminated", fields, after=ended.date.isoformat(), note=ended.reason or "")
    if new.unit != old.unit:
        return RecordChange(ref, "transferred", fields, old.unit, new.unit)
    if isinstance(new, SystemKind) and isinstance(old, SystemKind) and new.status != old.status:
        return RecordChange(ref, "changed", fields, old.status.value, new.status.value)
    return RecordChange(ref, "changed", fields)


def _state(record: Record) -> str:
    """A new record's status (system) or stage (project), as an enum value."""
    if isinstance(record, SystemKind):
        return record.status.value
    return record.stage.value if record.stage is not None else ""


def changed_fields(old: Record, new: Record) -> tuple[str, ...]:
    """Top-level fields that differ (``budget`` and ``milestones`` one level deeper), compared as values (same
    class, equal values: equal dumps); most records of a pull request did not change, and need no look."""
    if old == new:
        return ()
    a, b = old.__dict__, new.__dict__
    out: list[str] = []
    for name in field_names(type(new)):  # (a model's or its twin's: the same fields in the same order)
        x, y = a.get(name), b.get(name)
        if x == y:
            continue
        if name in EXPANDED and isinstance(x, RecordPart) and type(x) is type(y):
            inner_a, inner_b = x.__dict__, y.__dict__
            out.extend(f"{name}.{sub}" for sub in field_names(type(x)) if inner_a.get(sub) != inner_b.get(sub))
        else:
            out.append(name)
    return tuple(out)


def stage_moves(before: Snapshot, after: Snapshot) -> list[StageMove]:
    """Projects present at base whose stage moved, with the milestones the change added."""
    out = []
    old = _by_id(before.projects)
    for new in after.projects:
        prev = old.get(new.id)
        if prev is None or prev.stage == new.stage:
            continue
        reached = tuple(
            (stage, when) for stage in Stage
            if (when := new.milestones.date_of(stage)) is not None and prev.milestones.get(stage) is None
        )
        out.append(StageMove(RecordRef.of(new, after), prev.stage, new.stage, reached))
    return sorted(out, key=lambda m: (m.ref.unit, m.ref.id))


def budget_changes(before: Snapshot, after: Snapshot) -> list[BudgetChange]:
    out = []
    old = _by_id(before.projects)
    for new in after.projects:
        prev = old.get(new.id)
        if prev is not None and abs(prev.budget.total_wan - new.budget.total_wan) > 0.005:
            out.append(BudgetChange(RecordRef.of(new, after), prev.budget.total_wan, new.budget.total_wan,
                                    approved=prev.milestones.approved is not None))
    return sorted(out, key=lambda c: (c.ref.unit, c.ref.id))


def unit_counts(run: Run, before: Snapshot, after: Snapshot) -> list[UnitCount]:
    """Units whose active systems changed (in number, or by one coming and another going)."""
    touched: set[str] = set()
    old = _by_id(before.systems)
    for new in after.systems:
        prev = old.get(new.id)
        if prev is None:
            touched.add(new.unit)
        elif prev.active != new.active or prev.unit != new.unit:
            touched.update({new.unit, prev.unit})
    touched.update(s.unit for s in before.systems if after.system(s.id) is None)
    names = {u.id: u.name for u in run.config.units}
    ctx = run.change
    assert ctx is not None
    out = []
    for unit in sorted(touched):  # counted as CHG001 counts: in use on --today
        counts = UnitCount(unit, names.get(unit, ""), in_use_count(before, unit, ctx.today),
                           in_use_count(after, unit, ctx.today), allowance(ctx, unit))
        if counts.before != counts.after or _has_newcomer(ctx, after, unit):
            out.append(counts)
    return out


def registry_count(ctx: Context, before: Snapshot, after: Snapshot) -> UnitCount:
    """Systems in use in the whole registry, counted as CHG008 counts them: the allowance is
    the systems in use nowhere at the target that carry a usable ``new_system_approval`` (a
    transfer excuses nothing here)."""
    today = ctx.today
    fresh = [s for s in after.systems if s.in_use_on(today) and not _was_in_use(before, s.id, today)]
    return UnitCount("*", ctx.config.jurisdiction, sum(1 for s in before.systems if s.in_use_on(today)),
                     sum(1 for s in after.systems if s.in_use_on(today)),
                     sum(1 for s in fresh if approved(ctx, s)))


def _was_in_use(snapshot: Snapshot, system_id: str, today: dt.date) -> bool:
    found = snapshot.system(system_id)
    return found is not None and found.in_use_on(today)


def _has_newcomer(ctx: Context, after: Snapshot, unit: str) -> bool:
    return any(newcomer(ctx, s) for s in after.systems_of(unit))


def __getattr__(name: str) -> Any:
    """``as_json`` and ``render_markdown`` moved to :mod:`registry.diffrender` (the rendering);
    still importable from here."""
    if name in ("as_json", "render_markdown"):
        from registry import diffrender

        return getattr(diffrender, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
