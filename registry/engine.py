"""Configuration → selected rules → findings. The engine stamps what rules leave out:
rule ID, severity, citation and the position of each problem."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry import plainclass
from registry.findings import Finding, Message, Report, RuleInfo, Summary
from registry.errors import validation_error
from registry.loader import CONFIG_FILE, ConfigError
from registry.rules import RULES
from registry.rules.base import ConfigSite, Context, Kind, Problem, Rule, allowed_values
from registry.rules.profiles import SELECTABLE
from registry.positions import FilePositions
from registry.snapshot import Snapshot, Unreadable
from registry.yamlio import dump_value

if TYPE_CHECKING:
    from pydantic import BaseModel

    from registry.models import RegistryConfig

@plainclass.dataclass
class Selection:
    """The rules in force for a registry, each with its parameters."""

    rules: list[tuple[Rule[Any], BaseModel]]
    profiles: list[str]
    disabled: list[tuple[str, str]]


def select_rules(config: RegistryConfig) -> Selection:
    """Rules of the common set and of every selected profile, minus the disabled ones."""
    for i, profile in enumerate(config.profiles):
        if profile not in SELECTABLE:
            raise ConfigError(Message(
                f"未知的规则配置 {profile}：可选 {'、'.join(SELECTABLE)}",
                f"unknown profile {profile}: choose from {', '.join(SELECTABLE)}",
            ), loc=("profiles", i))
    wanted = {"common", *config.profiles}
    in_profiles = RULES.of_profiles(wanted)  # only these profiles' rule modules are imported
    disabled = _disabled(config)
    params = _parameters(config, in_profiles)
    selected = [(r, params[r.id]) for r in in_profiles if r.id not in disabled]
    return Selection(selected, list(config.profiles), sorted(disabled.items()))


def _disabled(config: RegistryConfig) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, item in enumerate(config.disabled_rules):
        if item.rule not in RULES:
            raise ConfigError(Message(
                f"disabled_rules 中的规则编号 {item.rule} 不存在（registry rules 列出全部规则）",
                f"disabled_rules names unknown rule {item.rule} (see `registry rules`)",
            ), loc=("disabled_rules", i, "rule"))
        out[item.rule] = item.reason
    return out


def _parameters(config: RegistryConfig, rules: list[Rule[Any]]) -> dict[str, BaseModel]:
    """Each rule's parameter model: defaults, overridden by ``name`` or ``RULE.name``."""
    used: set[str] = set()
    out: dict[str, BaseModel] = {}
    for r in rules:
        overrides: dict[str, Any] = {}
        keys: dict[str, str] = {}
        for name in r.params.model_fields:
            for key in (name, f"{r.id}.{name}"):
                if key in config.parameters:
                    overrides[name] = config.parameters[key]
                    keys[name] = key
                    used.add(key)
        try:
            out[r.id] = r.params(**overrides)
        except validation_error() as exc:
            error = exc.errors()[0]
            # a check across parameters (a model validator) has no field of its own: name the overrides
            names = [str(error["loc"][0])] if error["loc"] else list(overrides)
            allowed = allowed_values(r.params, names[0]) if error["loc"] else None
            loc = ("parameters", keys.get(names[0], names[0]))
            if allowed is not None:
                value = dump_value(error.get("input"))[:80]
                raise ConfigError(Message(
                    f"parameters 中 {r.id} 的参数 {names[0]} 取值 {value} 无效，允许范围：{allowed[0]}",
                    f"parameters: invalid value {value} for {r.id}.{names[0]}: must be {allowed[1]}",
                ), loc=loc) from None
            raise ConfigError(Message(
                f"parameters 中 {r.id} 的参数 {'、'.join(names)} 取值无效：{error['msg']}",
                f"parameters: invalid value for {r.id}.{', '.join(names)}: {error['msg']}",
            ), loc=loc) from None
    unknown = sorted(set(config.parameters) - used)
    if unknown:
        raise ConfigError(Message(
            f"parameters 中的参数 {'、'.join(unknown)} 不属于所选配置的任何规则（registry rules 列出各规则参数）",
            f"parameters: {', '.join(unknown)} belong to no rule of the selected profiles (see `registry rules`)",
        ), loc=("parameters", unknown[0]))
    return out


def run_rules(selection: Selection, ctx: Context, change: Context | None = None, *,
              local_paths: Collection[str] | None = None) -> list[tuple[Rule[Any], Problem]]:
    """Run every selected rule. Change rules run on ``change`` (the target and the merge
    result, see :mod:`registry.checking`), else on ``ctx`` when it has a base; without either
    they do not run. ``local_paths``: the local rules (:attr:`Rule.local`) report only on the
    records at these paths (``registry diff``: those that differ from the target)."""
    changes = change if change is not None else ctx if ctx.base is not None else None
    local = ctx.narrowed(local_paths) if local_paths is not None else ctx
    out: list[tuple[Rule[Any], Problem]] = []
    for r, params in selection.rules:
        if r.kind is Kind.change:
            if changes is not None:
                out.extend((r, p) for p in r.run(changes, params))
            continue
        out.extend((r, p) for p in r.run(local if r.local else ctx, params))
    return out


class Locator:
    """Finds the line/column of a problem's field, re-reading only files that have findings.

    A change rule's record belongs to the merge result (``change.head``) or to the target
    (``change.base``): its position is looked up in the working tree's file of the same path
    when there is one, else it is line 1 of that path."""

    def __init__(self, root: Path, change: Context | None = None, read: Callable[[str], bytes] | None = None) -> None:
        self.root = root
        self.change = change
        self._positions = FilePositions(root, read)  # ``read``: a file's bytes other than from the working tree

    def locate(self, ctx: Context, problem: Problem) -> tuple[str, int, int]:
        path, known = self.where(ctx, problem)
        return (path, *known) if known is not None else (path, *self.position(path, problem.field))

    def where(self, ctx: Context, problem: Problem) -> tuple[str, tuple[int, int] | None]:
        """The problem's file, and its position when the problem carries one (an unreadable
        file's); None: the field's position in that file (:meth:`position`)."""
        record = problem.record
        if isinstance(record, Unreadable):
            return record.path, (record.line, record.column)
        if isinstance(record, ConfigSite):
            return CONFIG_FILE, None
        for snapshot in self._snapshots(ctx):
            if snapshot.owns(record):
                return snapshot.path_of(record), None
        raise LookupError(f"record {record.id} is in no snapshot of this run")

    def position(self, path: str, field: str) -> tuple[int, int]:
        """Line and column of ``field`` in the working tree's file ``path``."""
        return self._positions.of_field(path, field)

    def _snapshots(self, ctx: Context) -> Iterator[Snapshot]:
        yield ctx.head
        if self.change is not None:
            yield self.change.head
        for context in (self.change, ctx):
            if context is not None and context.base is not None:
                yield context.base  # a record of the target only (a deleted file): line 1


UNPLACED = -1  # the line and column of a finding whose position is not looked up yet (see place): never a line


def findings_of(
    problems: Iterable[tuple[Rule[Any], Problem]], ctx: Context, locator: Locator, *, placed: bool = True
) -> list[Finding]:
    """Problems stamped with rule, severity, citation and position, each once, in order.

    ``placed=False``: positions are left UNPLACED (except an unreadable file's own), the
    findings in the order the rules gave them, not deduplicated: :func:`place` gives exactly
    what ``placed=True`` gives for any subset chosen by something other than position (a
    position is a function of the path and the field). ``registry diff`` shows only the
    findings its change introduces, and looks up the positions of those alone."""
    findings = []
    profiles = ctx.config.profiles
    cited: dict[str, tuple[str, str]] = {}  # rule id → (citation, quote) for these profiles: the same for every finding
    for r, p in problems:
        path, known = locator.where(ctx, p)
        if known is None:
            known = locator.position(path, p.field) if placed else (UNPLACED, UNPLACED)
        citation, quote = cited.get(r.id) or cited.setdefault(r.id, (r.citation_for(profiles), r.quote_for(profiles)))
        findings.append(Finding(
            path=path, line=known[0], column=known[1], rule=r.id,
            severity=p.severity or r.severity, field=p.field, message=_own(p.message, profiles),
            citation=citation, quote=quote,
        ))
    return _once_in_order(findings) if placed else findings


def place(findings: Iterable[Finding], locator: Locator) -> list[Finding]:
    """Findings of :func:`findings_of` with ``placed=False`` given their positions, each once,
    sorted by position."""
    placed = []
    for finding in findings:
        if finding.line == UNPLACED:
            line, column = locator.position(finding.path, finding.field)
            finding = plainclass.replace(finding, line=line, column=column)
        placed.append(finding)
    return _once_in_order(placed)


def _once_in_order(findings: list[Finding]) -> list[Finding]:
    unique = {(_order(f), f.field): f for f in findings}  # a problem yielded twice is shown once
    return sorted(unique.values(), key=_order)


def _own(message: Message, profiles: list[str]) -> Message:
    """A message citing another county's regulation in passing loses that aside."""
    from registry.ruledocs import own_text

    if "第" not in message.zh:
        return message
    return Message(own_text(message.zh, profiles), message.en)


def _order(f: Finding) -> tuple[str, int, int, str, str]:
    return f.path, f.line, f.column, f.rule, f.message.zh


def report(selection: Selection, ctx: Context, findings: list[Finding]) -> Report:
    """The run's report, carrying what reporters print about each rule that has findings."""
    cited = {f.rule for f in findings}
    profiles = ctx.config.profiles
    return Report(findings, Summary(
        records=ctx.head.records + len({u.path for u in ctx.head.invalid}),
        profiles=selection.profiles, disabled=selection.disabled, notices=ctx.notices, checked=_records_reported(ctx),
    ), rules={r.id: rule_info(r, profiles) for r, _ in selection.rules if r.id in cited})


def _records_reported(ctx: Context) -> int | None:
    """How many of the records counted in the summary lie in the paths reported on (``check
    PATHS``), counted as the summary counts them: valid records and files that failed to
    load, each once; None without PATHS. The context's own lists of the targets' records,
    which the record rules have already loaded."""
    if ctx.targets is None:
        return None
    return len(ctx.systems) + len(ctx.projects) + len({u.path for u in ctx.head.invalid if u.path in ctx.targets})


def rule_info(rule: Rule[Any], profiles: list[str] | None) -> RuleInfo:
    """What a report says about ``rule`` to a registry that chose ``profiles``."""
    return RuleInfo(rule.id, rule.title, rule.summary, rule.citation_for(profiles), rule.quote_for(profiles),
                    rule.name, rule.severity, rule.profile)
