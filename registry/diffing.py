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

Rendered as Chinese Markdown short enough for a pull-request comment, or as JSON for bots.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar, Union

from pydantic import BaseModel

from registry import gitio
from registry.checking import Run, run_check
from registry.engine import run_rules
from registry.enums import Stage, SystemStatus
from registry.findings import Finding, Message, Severity
from registry.models import Project, System
from registry.models.project import Budget, Milestones
from registry.configdiff import ConfigChange, config_changes, summary
from registry.rules.base import ConfigSite, Context
from registry.rules.change import approved, excused, in_use_count, newcomer
from registry.snapshot import Snapshot

Record = Union[System, Project]
R = TypeVar("R", System, Project)
Key = tuple[str, str, str, str]  # (rule, path, field, Chinese message)

# Groups of changed records, in the order the summary shows them.
GROUPS = ("added", "retired", "merged", "transferred", "terminated", "deleted", "changed")
# Fields compared one level deeper, so that "budget.total_wan" and "milestones.approved" show.
_EXPANDED: dict[str, type[BaseModel]] = {"budget": Budget, "milestones": Milestones}
MAX_ITEMS = 20  # per list in Markdown: a PR comment must stay readable


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
        kind = "system" if isinstance(record, System) else "project"
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
    run = run_check(root, today=today, base=base)
    change = run.change
    assert change is not None and change.base is not None  # run_check resolved it (or raised a usage error)
    before, after = change.base, change.head
    repo = gitio.open_repo(root)
    try:
        commit = gitio.resolve_commit(repo, base) or ""
        base_files = gitio.tree_paths(repo, commit, root) if commit else set()  # "" : no commit yet
    finally:
        repo.close()
    old = base_findings(run, before, tree_document_resolver(base_files))
    new_keys = {_key(f.rule, f.path, f.field, f.message) for f in run.report.findings}
    old_keys = {_key(f.rule, f.path, f.field, f.message) for f in old}
    proposed = change.proposed_config or change.config
    return Diff(
        base_rev=base, base_commit=commit,
        records=record_changes(before, after),
        stages=stage_moves(before, after),
        budgets=budget_changes(before, after),
        units=unit_counts(run, before, after),
        introduced=[f for f in run.report.findings if _key(f.rule, f.path, f.field, f.message) not in old_keys],
        fixed=[f for f in old if _key(f.rule, f.path, f.field, f.message) not in new_keys],
        config=config_changes(change.config, proposed),
        total=registry_count(change, before, after),
    )


def _key(rule: str, path: str, field: str, message: Message) -> Key:
    return rule, path, field, message.zh


def base_findings(run: Run, before: Snapshot, documents: Callable[[str], str | None]) -> list[BaseFinding]:
    """The record and registry rules in force, run on the base snapshot (no change rules)."""
    ctx = Context(config=run.config, head=before, today=run.context.today, base=None, document_status=documents)
    found: dict[Key, BaseFinding] = {}
    for rule, problem in run_rules(run.selection, ctx):
        if isinstance(problem.record, ConfigSite):
            continue  # only change rules look at the configuration
        path = before.path_of(problem.record)
        finding = BaseFinding(rule.id, problem.severity or rule.severity, path, problem.field,
                              problem.message, rule.citation_for(run.config.profiles))
        found.setdefault(_key(rule.id, path, problem.field, problem.message), finding)
    return sorted(found.values(), key=lambda f: (f.path, f.rule, f.field, f.message.zh))


def tree_document_resolver(files: set[str]) -> Callable[[str], str | None]:
    """``Context.document_status`` for a revision known by its file list (see checking.py):
    the same verdicts, except that symbolic links cannot be followed in a tree listing."""

    def status(ref: str) -> str | None:
        if ref.startswith(("/", "~")) or (len(ref) > 1 and ref[1] == ":"):
            return "absolute"
        parts = ref.replace("\\", "/").split("/")
        if ".." in parts:
            return "parent"
        return None if "/".join(p for p in parts if p not in ("", ".")) in files else "missing"

    return status


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
    if isinstance(new, System) and isinstance(old, System) and new.status != old.status:
        if new.status is SystemStatus.merged:
            return RecordChange(ref, "merged", fields, old.status.value, new.merged_into or "")
        if new.status is SystemStatus.retired:
            retired_on = new.retired_on.isoformat() if new.retired_on else ""
            return RecordChange(ref, "retired", fields, old.status.value, retired_on, new.retirement_ref or "")
    if isinstance(new, Project) and isinstance(old, Project):
        ended = new.milestones.terminated
        if ended is not None and old.milestones.terminated is None:
            return RecordChange(ref, "terminated", fields, after=ended.date.isoformat(), note=ended.reason or "")
    if new.unit != old.unit:
        return RecordChange(ref, "transferred", fields, old.unit, new.unit)
    if isinstance(new, System) and isinstance(old, System) and new.status != old.status:
        return RecordChange(ref, "changed", fields, old.status.value, new.status.value)
    return RecordChange(ref, "changed", fields)


def _state(record: Record) -> str:
    """A new record's status (system) or stage (project), as an enum value."""
    if isinstance(record, System):
        return record.status.value
    return record.stage.value if record.stage is not None else ""


def changed_fields(old: Record, new: Record) -> tuple[str, ...]:
    """Top-level fields that differ (``budget`` and ``milestones`` one level deeper)."""
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    out: list[str] = []
    names = System.model_fields if isinstance(new, System) else Project.model_fields
    for name in names:
        if a.get(name) == b.get(name):
            continue
        if name in _EXPANDED and isinstance(a.get(name), dict) and isinstance(b.get(name), dict):
            out.extend(f"{name}.{sub}" for sub in _EXPANDED[name].model_fields
                       if a[name].get(sub) != b[name].get(sub))
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
        allowance = sum(1 for s in after.systems_of(unit) if newcomer(ctx, s) and excused(ctx, s))
        counts = UnitCount(unit, names.get(unit, ""), in_use_count(before, unit, ctx.today),
                           in_use_count(after, unit, ctx.today), allowance)
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


# -- JSON ---------------------------------------------------------------------------------------


def as_json(diff: Diff, lang: str) -> dict[str, Any]:
    return {
        "base": {"rev": diff.base_rev, "commit": diff.base_commit},
        "config": [{"field": c.field, "change": c.message.text(lang), "loosens": c.loosens} for c in diff.config],
        "records": {group: [_change_json(c) for c in diff.group(group)] for group in GROUPS},
        "stages": [
            {**m.ref.as_json(), "from": m.before.value if m.before else None, "to": m.after.value if m.after else None,
             "reached": [{"milestone": s.value, "date": d.isoformat()} for s, d in m.reached]}
            for m in diff.stages
        ],
        "budgets": [
            {**b.ref.as_json(), "from_wan": b.before, "to_wan": b.after, "delta_wan": b.delta,
             "percent": b.percent, "approved": b.approved}
            for b in diff.budgets
        ],
        "inventory": [
            {"unit": u.unit, "name": u.name, "before": u.before, "after": u.after, "verdict": u.verdict}
            for u in diff.units
        ],
        "inventory_total": None if diff.total is None else {
            "name": diff.total.name, "before": diff.total.before, "after": diff.total.after, "verdict": diff.total.verdict,
        },
        "findings": {
            "introduced": [f.as_json(lang) for f in diff.introduced],
            "fixed": [f.as_json(lang) for f in diff.fixed],
        },
    }


def _change_json(change: RecordChange) -> dict[str, Any]:
    out: dict[str, Any] = {**change.ref.as_json(), "fields": list(change.fields)}
    if change.before:
        out["from"] = change.before
    if change.after:
        out["to"] = change.after
    if change.note:
        out["note"] = change.note
    return out


# -- Markdown -----------------------------------------------------------------------------------


def render_markdown(diff: Diff, lang: str) -> str:
    zh = lang != "en"
    lines = ["## " + ("登记簿变更摘要" if zh else "Registry change summary"), ""]
    if diff.config:  # first: a change to the rules themselves is what a reviewer must see before anything
        lines += [("⚠️ **本变更修改了规则配置：" if zh else "⚠️ **This change modifies the rule configuration: ")
                  + _plain(summary(diff.config, "zh" if zh else "en")) + "**", ""]
    lines.append(_headline(diff, zh))
    if diff.empty:
        lines += ["", "本次变更未改动任何登记记录，也没有引入或修复问题。" if zh
                  else "This change touches no record and introduces or fixes no finding."]
        return "\n".join(lines) + "\n"
    for section in (_units_section, _records_section, _stages_section, _budgets_section, _findings_section):
        block = section(diff, zh)
        if block:
            lines += ["", *block]
    return "\n".join(lines) + "\n"


def _headline(diff: Diff, zh: bool) -> str:
    base = f"`{_plain(diff.base_rev)}` @ `{diff.base_commit[:8]}`"
    counts = [(GROUP_LABELS[g][0 if zh else 1], len(_listed(diff, g))) for g in GROUPS]
    counts += [(("阶段变化", "stage moves")[0 if zh else 1], len(diff.stages)),
               (("投资变化", "budget changes")[0 if zh else 1], len(diff.budgets))]
    parts = [f"{label} {n}" for label, n in counts if n]
    errors = sum(1 for f in diff.introduced if f.severity is Severity.error)
    if zh:
        parts.append(f"引入问题 {len(diff.introduced)}（错误 {errors}）" if diff.introduced else "未引入问题")
        parts += [f"修复问题 {len(diff.fixed)}"] if diff.fixed else []
        return f"对比目标 {base}（合并后的结果与目标分支当前版本比较）：" + " · ".join(parts)
    parts.append(f"introduced {len(diff.introduced)} ({errors} errors)" if diff.introduced else "no new findings")
    parts += [f"fixed {len(diff.fixed)}"] if diff.fixed else []
    return f"Against {base} (the merge result compared with the target's tip): " + " · ".join(parts)


GROUP_LABELS = {
    "added": ("新增", "added"),
    "retired": ("停用", "retired"),
    "merged": ("整合", "merged"),
    "transferred": ("划转", "transferred"),
    "terminated": ("终止", "terminated"),
    "deleted": ("删除", "deleted"),
    "changed": ("修改", "changed"),
}

VERDICTS = {
    "decrease": ("✅ 减少 {n} 个，符合“只减不增”", "✅ down by {n}, complies with only-decrease"),
    "unchanged": ("✅ 持平，符合“只减不增”", "✅ unchanged, complies with only-decrease"),
    "approved_increase": ("⚠️ 净增 {n} 个，已有新增系统批准文件或划转依据", "⚠️ up by {n}, covered by approval or transfer"),
    "violation": ("❌ 净增 {n} 个，违反“只减不增”", "❌ up by {n}: violates only-decrease"),
}


def _units_section(diff: Diff, zh: bool) -> list[str]:
    if not diff.units:
        return []
    head = ["### 在用政务信息系统数量（只减不增）", "", "| 单位 | 变更前 | 变更后 | 结论 |"] if zh else \
        ["### Active systems per unit (only decrease)", "", "| Unit | Before | After | Verdict |"]
    rows = [
        f"| {_plain(u.unit)} {_plain(u.name)} | {u.before} | {u.after} | "
        f"{VERDICTS[u.verdict][0 if zh else 1].format(n=abs(u.after - u.before))} |"
        for u in diff.units
    ]
    total = diff.total
    if total is not None:  # the registry as a whole: a transfer moves a system, it adds none
        label = f"**合计**（{_plain(total.name)}，划转相互抵消）" if zh else "**Total** (transfers net to zero)"
        rows.append(f"| {label} | {total.before} | {total.after} | "
                    f"{VERDICTS[total.verdict][0 if zh else 1].format(n=abs(total.after - total.before))} |")
    return [*head, "|---|---:|---:|---|", *rows]


def _records_section(diff: Diff, zh: bool) -> list[str]:
    lines: list[str] = []
    for group in GROUPS:
        changes = _listed(diff, group)
        if not changes:
            continue
        label = GROUP_LABELS[group][0 if zh else 1]
        lines += ["", f"**{label}**" if zh else f"**{label.capitalize()}**", *_bullets([_change_line(c, zh) for c in changes], zh)]
    return ["### 记录" if zh else "### Records", *lines] if lines else []


def _listed(diff: Diff, group: str) -> list[RecordChange]:
    """The records of ``group`` the Markdown lists: a changed project whose every change is
    already shown under stages or budgets is not listed again."""
    if group != "changed":
        return diff.group(group)
    out = []
    for change in diff.group(group):
        fields = tuple(f for f in change.fields if f not in _covered(diff, change.ref))
        if fields or change.before:
            out.append(dataclasses.replace(change, fields=fields))
    return out


def _covered(diff: Diff, ref: RecordRef) -> set[str]:
    """Fields of ``ref`` that the stage and budget sections already show."""
    covered = {"budget.total_wan" for b in diff.budgets if b.ref.id == ref.id and ref.kind == "project"}
    for move in diff.stages:
        if move.ref.id == ref.id and ref.kind == "project":
            covered.update(f"milestones.{stage.value}" for stage, _ in move.reached)
    return covered


def _change_line(change: RecordChange, zh: bool) -> str:
    kind = ("系统" if change.ref.kind == "system" else "项目") if zh else change.ref.kind
    line = f"{kind} `{change.ref.id}` {_plain(change.ref.name)}（{change.ref.unit}）" if zh else \
        f"{kind} `{change.ref.id}` {_plain(change.ref.name)} ({change.ref.unit})"
    detail = _change_detail(change, zh)
    return f"{line}：{detail}" if zh and detail else f"{line}: {detail}" if detail else line


def _change_detail(change: RecordChange, zh: bool) -> str:
    if change.group == "added":
        return _value_label(change.ref.kind, change.after, zh)
    if change.group == "merged":
        return (f"整合至 `{change.after}`" if zh else f"merged into `{change.after}`") if change.after else ""
    if change.group == "transferred":
        return f"{change.before} → {change.after}"
    if change.group == "retired":
        return _retired(change, zh)
    if change.group == "terminated":
        when = change.after + (f"，{_plain(change.note)}" if zh and change.note else f", {_plain(change.note)}" if change.note else "")
        return when
    if change.group != "changed":
        return ""
    fields = [f for f in change.fields if f != "status"]
    parts = []
    if change.before:
        parts.append(f"{_value_label('system', change.before, zh)} → {_value_label('system', change.after, zh)}")
    if fields:
        parts.append(("改动 " if zh else "fields: ") + ("、" if zh else ", ").join(_field_label(change.ref.kind, f, zh) for f in fields))
    return ("；" if zh else "; ").join(parts)


def _retired(change: RecordChange, zh: bool) -> str:
    """``运行中 → 已停用（2025-06-30，依据 测政发〔2025〕1号）``"""
    moved = f"{_value_label('system', change.before, zh)} → {_value_label('system', 'retired', zh)}"
    details = [change.after] if change.after else []
    if change.note:
        details.append(f"依据 {_plain(change.note)}" if zh else f"ref. {_plain(change.note)}")
    if not details:
        return moved
    return f"{moved}（{'，'.join(details)}）" if zh else f"{moved} ({', '.join(details)})"


def _stages_section(diff: Diff, zh: bool) -> list[str]:
    if not diff.stages:
        return []
    lines = []
    for m in diff.stages:
        before = _stage(m.before, zh)
        after = _stage(m.after, zh)
        dates = ("、" if zh else ", ").join(f"{_stage(s, zh)} {d.isoformat()}" for s, d in m.reached)
        tail = (f"（新增 {dates}）" if zh else f" (added {dates})") if dates else ""
        lines.append(f"`{m.ref.id}` {_plain(m.ref.name)}：{before} → {after}{tail}" if zh
                     else f"`{m.ref.id}` {_plain(m.ref.name)}: {before} → {after}{tail}")
    return ["### 项目阶段" if zh else "### Project stages", "", *_bullets(lines, zh)]


def _budgets_section(diff: Diff, zh: bool) -> list[str]:
    if not diff.budgets:
        return []
    lines = []
    for b in diff.budgets:
        pct = f"{b.percent:+.1f}%" if b.percent is not None else "—"
        if zh:
            basis = f"较批复概算 {pct}" if b.approved else f"较原概算 {pct}，尚未立项批复"
            lines.append(f"`{b.ref.id}` {_plain(b.ref.name)}：{_wan(b.before)} → {_wan(b.after)} 万元"
                         f"（{_wan(b.delta, sign=True)} 万元，{basis}）")
        else:
            basis = f"{pct} of the approved total" if b.approved else f"{pct}, not yet approved"
            lines.append(f"`{b.ref.id}` {_plain(b.ref.name)}: {_wan(b.before)} → {_wan(b.after)} (10k CNY; "
                         f"{_wan(b.delta, sign=True)}, {basis})")
    return ["### 投资概算" if zh else "### Budgets", "", *_bullets(lines, zh)]


def _findings_section(diff: Diff, zh: bool) -> list[str]:
    if not (diff.introduced or diff.fixed):
        return []
    lang = "zh" if zh else "en"
    lines = ["### 检查结果" if zh else "### Findings"]
    if diff.introduced:
        items = [f"{_icon(f.severity)} `{f.path}:{f.line}` {_plain(f.message.text(lang))}{_rule_tag(f.rule, zh)}"
                 for f in diff.introduced]
        lines += ["", "**本次变更引入**" if zh else "**Introduced**", *_bullets(items, zh)]
    if diff.fixed:
        items = [f"`{f.path}` {_plain(f.message.text(lang))}{_rule_tag(f.rule, zh)}" for f in diff.fixed]
        lines += ["", "**本次变更修复**" if zh else "**Fixed**", *_bullets(items, zh)]
    return lines


def _rule_tag(rule: str, zh: bool) -> str:
    return f"（{rule}）" if zh else f" ({rule})"


def _bullets(items: list[str], zh: bool) -> list[str]:
    shown = [f"- {item}" for item in items[:MAX_ITEMS]]
    if len(items) > MAX_ITEMS:
        rest = len(items) - MAX_ITEMS
        shown.append(f"- ……另有 {rest} 项（完整列表：registry diff --format json）" if zh
                     else f"- … {rest} more (full list: registry diff --format json)")
    return shown


def _icon(severity: Severity) -> str:
    return "❌" if severity is Severity.error else "⚠️"


def _stage(stage: Stage | None, zh: bool) -> str:
    if stage is None:
        return "—"
    return stage.label if zh else stage.value


def _value_label(kind: str, value: str, zh: bool) -> str:
    """A status (system) or stage (project) value as the reader knows it."""
    if not value:
        return ""
    enum: Any = SystemStatus if kind == "system" else Stage
    try:
        member = enum(value)
    except ValueError:
        return value
    return str(member.label) if zh else value


def _field_label(kind: str, dotted: str, zh: bool) -> str:
    """``budget.total_wan`` → ``投资概算（万元）``: the model's Chinese title."""
    if not zh:
        return dotted
    model: Any = System if kind == "system" else Project
    title = dotted
    for part in dotted.split("."):
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return dotted
        title = info.title or part
        model = _EXPANDED.get(part, None)
    return title


def _wan(amount: float, *, sign: bool = False) -> str:
    text = f"{amount:+,.2f}" if sign else f"{amount:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|#~"})


def _plain(text: str) -> str:
    """User text shown as text: no Markdown or HTML of its own, no line breaks."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)
