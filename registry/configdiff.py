"""What a change does to registry.yaml's rule configuration: profiles, disabled rules, rule
parameters, units (their kind, parent, reviewers and approvers), authorities, the base branch.

Used by CHG007 (a warning on registry.yaml for each item) and by ``registry diff`` (the line
"本变更修改了规则配置：…" at the top of the summary). Both compare the target's configuration with
the one the merge would put in force.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from registry import plainclass
from registry.findings import Message
from registry.models.twins import field_names

if TYPE_CHECKING:
    from registry.models import RegistryConfig
    from registry.models.config import Unit

# Unit fields that decide a check or a review: who approves, who reviews, where the unit sits.
_UNIT_FIELDS = ("kind", "parent", "reviewers", "approvers")
# Top-level fields compared item by item below, or that decide nothing (the jurisdiction's name).
_COMPARED = {"profiles", "disabled_rules", "parameters", "authorities", "units", "base_branch", "jurisdiction"}


@plainclass.dataclass(frozen=True)
class ConfigChange:
    """One item of the configuration that changed; ``field`` is its dotted place in the new
    registry.yaml (or the nearest one still there)."""

    field: str
    message: Message  # what changed, as a clause: "停用规则 CHG001（理由：…）"
    loosens: bool  # switches a check off or hands authority elsewhere (else it adds or tightens)


def config_changes(old: RegistryConfig, new: RegistryConfig) -> list[ConfigChange]:
    """Every change from ``old`` (the target's) to ``new`` (the merge result's) that matters."""
    return [
        *_profiles(old, new), *_disabled(old, new), *_parameters(old, new),
        *_authorities(old, new), *_units(old, new), *_base_branch(old, new), *_others(old, new),
    ]


def summary(changes: list[ConfigChange], lang: str = "zh") -> str:
    """The clauses joined for one line: "停用规则 CHG001（理由：…）；参数 … 由 … 改为 …"."""
    return ("；" if lang != "en" else "; ").join(c.message.text(lang) for c in changes)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _profiles(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    for profile in old.profiles:
        if profile not in new.profiles:
            yield ConfigChange("profiles", Message(f"不再适用规则配置 {profile}（其全部规则随之停用）",
                                                   f"profile {profile} dropped (all its rules switched off)"), True)
    for i, profile in enumerate(new.profiles):
        if profile not in old.profiles:
            yield ConfigChange(f"profiles[{i}]", Message(f"新增规则配置 {profile}", f"profile {profile} added"), False)


def _disabled(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    before = {d.rule: d.reason for d in old.disabled_rules}
    after = {d.rule: d.reason for d in new.disabled_rules}
    for i, item in enumerate(new.disabled_rules):
        if item.rule not in before:
            yield ConfigChange(f"disabled_rules[{i}].rule", Message(
                f"停用规则 {item.rule}（理由：{item.reason}）", f"rule {item.rule} switched off (reason: {item.reason})"), True)
        elif before[item.rule] != item.reason:
            yield ConfigChange(f"disabled_rules[{i}].reason", Message(
                f"规则 {item.rule} 的停用理由改为：{item.reason}", f"reason for disabling {item.rule} changed: {item.reason}"), False)
    for rule in before:
        if rule not in after:
            yield ConfigChange("disabled_rules", Message(f"恢复规则 {rule}", f"rule {rule} switched back on"), False)


def _parameters(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    for name in sorted(set(old.parameters) | set(new.parameters)):
        a, b = old.parameters.get(name), new.parameters.get(name)
        if name not in new.parameters:
            yield ConfigChange("parameters", Message(f"参数 {name} 恢复默认值（原为 {_show(a)}）",
                                                     f"parameter {name} back to its default (was {_show(a)})"), True)
        elif name not in old.parameters:
            yield ConfigChange(f"parameters.{name}", Message(f"参数 {name} 由默认值改为 {_show(b)}",
                                                             f"parameter {name} set to {_show(b)} (was the default)"), True)
        elif a != b:
            yield ConfigChange(f"parameters.{name}", Message(f"参数 {name} 由 {_show(a)} 改为 {_show(b)}",
                                                             f"parameter {name} changed from {_show(a)} to {_show(b)}"), True)


def _authorities(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    before, after = dict(old.authorities), dict(new.authorities)
    for role in field_names(type(new.authorities)):  # (a model's or its twin's)
        if before.get(role) != after.get(role):
            yield ConfigChange(f"authorities.{role}", Message(
                f"职能部门 authorities.{role} 由 {before.get(role) or '（未设）'} 改为 {after.get(role) or '（未设）'}",
                f"authorities.{role} changed from {before.get(role) or '-'} to {after.get(role) or '-'}"), True)


def _units(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    before: dict[str, Unit] = {u.id: u for u in old.units}
    present = {u.id for u in new.units}
    for unit_id in before:
        if unit_id not in present:
            yield ConfigChange("units", Message(f"删除单位 {unit_id}", f"unit {unit_id} removed"), True)
    for i, unit in enumerate(new.units):
        prior = before.get(unit.id)
        if prior is None:
            continue  # a new unit adds to the register; its records are checked like any other
        for name in _UNIT_FIELDS:
            a, b = getattr(prior, name), getattr(unit, name)
            if a != b:
                yield ConfigChange(f"units[{i}].{name}", Message(
                    f"单位 {unit.id} 的 {name} 由 {_show(a)} 改为 {_show(b)}",
                    f"unit {unit.id}: {name} changed from {_show(a)} to {_show(b)}"), True)


def _base_branch(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    if old.base_branch != new.base_branch:
        yield ConfigChange("base_branch", Message(
            f"变更规则默认比较的分支 base_branch 由 {old.base_branch} 改为 {new.base_branch}",
            f"base_branch changed from {old.base_branch} to {new.base_branch}"), True)


def _others(old: RegistryConfig, new: RegistryConfig) -> Iterator[ConfigChange]:
    """Any other section (such as what ``registry audit`` trusts): reported as a whole."""
    for name in field_names(type(new)):
        if name in _COMPARED:
            continue
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            yield ConfigChange(name, Message(f"registry.yaml 的 {name} 有修改", f"{name} changed in registry.yaml"), True)
