"""What the record models do besides holding fields, written once for two kinds of record.

A record is either a pydantic model (validated, :mod:`registry.models`) or its plain twin
(:mod:`registry.models.twins`: the same field values, made without pydantic where nothing needs
validating). Both inherit the classes here, so rules call the same methods on either and ask
``isinstance(record, SystemKind)`` rather than naming a model class. This module imports no
pydantic (tests/test_architecture.py keeps it so).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from registry.enums import ACTIVE_STATUSES, STAGE_ORDER, BasisKind, DocumentKind, Stage

if TYPE_CHECKING:
    from registry.models.config import Unit
    from registry.models.project import Basis, Milestones, SystemLinks
    from registry.enums import SystemStatus


CONFIG_FILE = "registry.yaml"  # the instance file RegistryConfigKind is read from, at the registry root


class RecordPart:
    """Any model of a record or of registry.yaml, pydantic's or a twin."""

    __slots__ = ()


# Each stage of the order → the stages after it (ProjectKind.reached asks this for every project).
_LATER_STAGES: dict[Stage, tuple[Stage, ...]] = {
    stage: STAGE_ORDER[index + 1 :] for index, stage in enumerate(STAGE_ORDER)
}


class SystemKind(RecordPart):
    """A government information system (``systems/<unit>/<id>.yaml``)."""

    __slots__ = ()
    if TYPE_CHECKING:
        status: SystemStatus
        retired_on: dt.date | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def in_use_on(self, day: dt.date) -> bool:
        """Counts towards its unit's total ("只减不增") on ``day``: active, or retired/merged with
        a ``retired_on`` still to come — a system stops counting once it has actually stopped."""
        return self.active or (self.retired_on is not None and self.retired_on > day)


class ProjectKind(RecordPart):
    """An informatization project (``projects/<unit>/<id>.yaml``)."""

    __slots__ = ()
    if TYPE_CHECKING:
        milestones: Milestones
        basis: list[Basis]
        systems: SystemLinks

    def reached(self, stage: Stage | str) -> bool:
        """The project has ``stage`` or a later milestone of the stage order."""
        stage = stage if isinstance(stage, Stage) else Stage(stage)
        milestones = self.milestones
        if milestones.get(stage) is not None:
            return True
        return any(milestones.get(s) is not None for s in _LATER_STAGES.get(stage, ()))

    @property
    def in_flight(self) -> bool:
        """Planned, and neither finally accepted nor terminated (RULES.md). "Planned" is reached
        like any stage: a project recorded as approved or contracted without a ``planned``
        milestone is still under way, and leaving the key out must not exempt it."""
        m = self.milestones
        return self.reached(Stage.planned) and m.final_acceptance is None and m.terminated is None

    @property
    def stage(self) -> Stage | None:
        """The latest milestone reached along the stage order (terminated wins)."""
        if self.milestones.terminated is not None:
            return Stage.terminated
        reached = [s for s in STAGE_ORDER if self.milestones.get(s) is not None]
        return reached[-1] if reached else None

    def has_basis(self, *kinds: BasisKind) -> bool:
        return any(b.kind in kinds for b in self.basis)

    def target_systems(self) -> list[str]:
        """``upgrades`` + ``maintains`` (RULES.md "target systems")."""
        return [*self.systems.upgrades, *self.systems.maintains]


class MilestonesKind(RecordPart):
    """A project's milestones, one optional field per stage."""

    __slots__ = ()

    def get(self, stage: Stage | str) -> Any:
        """The milestone object of ``stage`` (always a mapping model after validation) or None."""
        # A field's value is in the instance dict, and a Stage hashes as its text: rules ask this
        # hundreds of thousands of times in a large registry, so skip getattr's slower lookup.
        try:
            return self.__dict__[stage]
        except KeyError:  # not a field: whatever getattr says (AttributeError), as before
            return getattr(self, str(stage))

    def date_of(self, stage: Stage | str) -> dt.date | None:
        milestone = self.get(stage)
        day: dt.date | None = milestone.date if milestone is not None else None
        return day

    def present(self) -> list[Stage]:
        return [stage for stage in Stage if self.get(stage) is not None]


class DocumentsKind(RecordPart):
    """A project's documents, one optional field per document kind."""

    __slots__ = ()

    def get(self, kind: DocumentKind | str) -> str | None:
        value: str | None = getattr(self, str(kind))
        return value


class TrialRunKind(RecordPart):
    """A project's trial run (``start``, optional ``end``)."""

    __slots__ = ()
    if TYPE_CHECKING:
        start: dt.date

    @property
    def date(self) -> dt.date:
        return self.start


class ApproverKind(RecordPart):
    """An approver of registry.yaml (shown as its e-mail)."""

    __slots__ = ()
    if TYPE_CHECKING:
        email: str

    def __str__(self) -> str:
        return self.email


class RegistryConfigKind(RecordPart):
    """registry.yaml."""

    __slots__ = ()
    if TYPE_CHECKING:
        units: list[Unit]

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.id == unit_id), None)


# The model each kind is the behaviour of (``module.qualname``), for the twins.
KINDS: dict[str, type[RecordPart]] = {
    "registry.models.system.System": SystemKind,
    "registry.models.project.Project": ProjectKind,
    "registry.models.project.Milestones": MilestonesKind,
    "registry.models.project.Documents": DocumentsKind,
    "registry.models.project.TrialRun": TrialRunKind,
    "registry.models.config.Approver": ApproverKind,
    "registry.models.config.RegistryConfig": RegistryConfigKind,
}
