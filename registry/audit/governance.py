"""Who may change who approves: approvers, reviewers, authorities and trust in registry.yaml.

The audit keeps an *effective* configuration: the one whose approvers have been accepted so
far. A commit's change to a unit's ``approvers``/``reviewers``, to ``authorities`` or to
``trust`` takes effect only when the commit is a verified merge by someone entitled to make it,
judged with the effective configuration *before* the commit:

* a unit's approvers/reviewers: that unit's approvers (``trust.approver_changes: unit``, the
  default; the data authority's when the unit has none yet), the data authority's
  (``data_authority``) or either (``either``);
* a role in ``authorities`` (which unit approves budgets, crypto reviews…): the same, for the
  unit holding the role before (a role without a unit is the data authority's), so moving a
  role away from an authority needs that authority's approvers;
* ``trust``: the data authority's approvers.

A change that is not accepted is reported (AUD004) and ignored: later merges are still judged
with the approvers in force before it, so one unauthorised merge cannot hand itself another
authority's approval. Everything else in registry.yaml is taken as committed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from registry import plainclass
from registry.models.kinds import ApproverKind
from registry.models.twins import field_names

from registry.audit.identity import approver_email, approver_emails

if TYPE_CHECKING:  # the audit reads registry.yaml as twins of these (registry.configfacts.config_twin)
    from registry.models import RegistryConfig
    from registry.models.config import Unit


@plainclass.dataclass(frozen=True)
class GovernanceChange:
    """One part of registry.yaml that decides who approves, changed by a commit."""

    section: str  # "units" | "authorities" | "trust"
    unit: str = ""  # the unit concerned: for "units" the unit, for "authorities" the role's holder before
    fields: tuple[str, ...] = ()  # approvers / reviewers of that unit; the role for "authorities"

    def describe(self) -> tuple[str, str]:
        if self.section == "units":
            names = "、".join(self.fields)
            return f"单位 {self.unit} 的 {names}", f"{', '.join(self.fields)} of unit {self.unit}"
        if self.section == "authorities":
            role = self.fields[0]
            return (f"职能部门 authorities.{role}（原为 {self.unit}）",
                    f"authorities.{role} (held by {self.unit})")
        return f"{self.section} 配置", f"the {self.section} section"


def _unit_view(unit: Unit | None) -> dict[str, object]:
    if unit is None:
        return {"approvers": [], "reviewers": []}
    approvers = sorted((approver_email(a), tuple(sorted(k.strip() for k in a.keys)) if isinstance(a, ApproverKind) else ())
                       for a in unit.approvers)
    return {"approvers": approvers, "reviewers": sorted(r.strip() for r in unit.reviewers)}


def governance_changes(before: RegistryConfig, after: RegistryConfig) -> list[GovernanceChange]:
    """What of the approval governance differs between two configurations."""
    found: list[GovernanceChange] = []
    unit_ids = dict.fromkeys([*(u.id for u in before.units), *(u.id for u in after.units)])
    for unit_id in unit_ids:
        old, new = _unit_view(before.unit(unit_id)), _unit_view(after.unit(unit_id))
        fields = tuple(name for name in ("approvers", "reviewers") if old[name] != new[name])
        if fields:
            found.append(GovernanceChange("units", unit_id, fields))
    for role in field_names(type(before.authorities)):
        if getattr(before.authorities, role) != getattr(after.authorities, role):
            found.append(GovernanceChange("authorities", holder(before, role), (role,)))
    if _trust_view(before) != _trust_view(after):
        found.append(GovernanceChange("trust"))
    return found


def _trust_view(config: RegistryConfig) -> tuple[tuple[str, ...], str]:
    return tuple(sorted(k.strip() for k in config.trust.merge_keys)), config.trust.approver_changes


def holder(config: RegistryConfig, role: str) -> str:
    """The unit holding ``role`` (a role without a unit is the data authority's)."""
    unit_id = getattr(config.authorities, role, None)
    return str(unit_id) if unit_id else config.authorities.data_authority


def entitled(config: RegistryConfig, change: GovernanceChange) -> tuple[set[str], str, str]:
    """(unit ids whose approvers may make ``change``, who in Chinese, who in English), by the
    effective configuration before it."""
    authority = config.authorities.data_authority
    da_zh, da_en = f"数据主管部门 {authority} 的批准人", f"an approver of the data authority {authority}"
    if change.section == "trust":
        return {authority}, da_zh, da_en
    own_zh, own_en = f"单位 {change.unit} 的批准人", f"an approver of unit {change.unit}"
    policy = config.trust.approver_changes
    if policy == "data_authority" or (policy == "unit" and not approver_emails(config.unit(change.unit))):
        return {authority}, da_zh, da_en
    if policy == "either":
        return {change.unit, authority}, f"{own_zh}或{da_zh}", f"{own_en} or {da_en}"
    return {change.unit}, own_zh, own_en


def apply(effective: RegistryConfig, committed: RegistryConfig, accepted: list[GovernanceChange]) -> RegistryConfig:
    """The effective configuration after a commit: ``committed`` with the governance of
    ``effective`` except for the ``accepted`` changes."""
    units_accepted = {c.unit for c in accepted if c.section == "units"}
    roles_accepted = {c.fields[0]: getattr(committed.authorities, c.fields[0]) for c in accepted if c.section == "authorities"}
    sections = {c.section for c in accepted}
    units: list[Unit] = []
    for unit in committed.units:
        kept = effective.unit(unit.id)
        if unit.id in units_accepted:
            units.append(unit)
        else:
            view = kept or unit.model_copy(update={"approvers": [], "reviewers": []})
            units.append(unit.model_copy(update={"approvers": view.approvers, "reviewers": view.reviewers}))
    committed_ids = {u.id for u in committed.units}
    units += [u for u in effective.units if u.id not in committed_ids and u.id not in units_accepted]
    return committed.model_copy(update={
        "units": units,
        "authorities": effective.authorities.model_copy(update=roles_accepted),
        "trust": committed.trust if "trust" in sections else effective.trust,
    })


def all_keys(config: RegistryConfig) -> set[str]:
    """Every public key the configuration names (forge merge keys and approvers' keys)."""
    keys = {k.strip() for k in config.trust.merge_keys}
    for unit in config.units:
        for entry in unit.approvers:
            if isinstance(entry, ApproverKind):
                keys.update(k.strip() for k in entry.keys)
    return keys
