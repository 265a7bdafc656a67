"""A snapshot: every valid record of one revision (working tree or base), with look-ups."""
from __future__ import annotations

import dataclasses
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property
from operator import attrgetter
from typing import Union

from registry.findings import Unreadable as Unreadable
from registry.gcpause import paused_gc
from registry.models import Project, System

Record = Union[System, Project]


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a record was read from: ``<folder>/<unit_dir>/<stem>.yaml``."""

    path: str

    @property
    def parts(self) -> list[str]:
        return self.path.split("/")

    @property
    def folder(self) -> str:
        return self.parts[0]

    @property
    def unit_dir(self) -> str:
        return self.parts[1] if len(self.parts) == 3 else ""

    @property
    def stem(self) -> str:
        name = self.parts[-1]
        return name[: -len(".yaml")] if name.endswith(".yaml") else name


class Deferred:
    """A record kept in the record cache until a run actually looks at it, with the few fields
    the snapshot's indexes need. Unpickling every record of a large registry costs more than a
    ``check PATHS`` run spends on everything else, and so would reading every record's bytes:
    ``fetch`` reads (and verifies) this one record's pickle only when it is loaded."""

    __slots__ = ("kind", "id", "unit", "active", "creates", "approval", "fetch")

    def __init__(self, kind: str, id: str, unit: str, active: bool, creates: tuple[str, ...],
                 approval: str | None, fetch: Callable[[], bytes]) -> None:
        self.kind = kind  # "systems" | "projects": the folder, which decides the model
        self.id = id
        self.unit = unit
        self.active = active  # System.active; False for projects
        self.creates = creates  # Project.systems.creates; () for systems
        self.approval = approval  # System.new_system_approval.doc_no as written; None for projects
        self.fetch = fetch

    def load(self) -> Record:
        record: Record = pickle.loads(self.fetch())
        return record


class _Slot:
    """One record file's record, materialised on first use (then always the same object)."""

    __slots__ = ("path", "id", "unit", "active", "creates", "approval", "value")

    def __init__(self, path: str, value: Record | Deferred) -> None:
        self.path = path
        self.value = value
        self.id = value.id
        self.unit = value.unit
        self.active, self.creates, self.approval = light_fields(value)


class _SlotIndex:
    """A snapshot's slots of one kind (``slots`` names the list) by one of their fields, built
    on first use and then kept on the snapshot, as :func:`functools.cached_property` does."""

    def __init__(self, slots: str, field: str) -> None:
        self._slots = slots
        self._field = attrgetter(field)

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, snapshot: Snapshot, owner: type | None = None) -> dict[str, list[_Slot]]:
        index = _index(getattr(snapshot, self._slots), self._field)
        snapshot.__dict__[self._name] = index  # later look-ups find it there, not here
        return index


class Snapshot:
    """Records of one revision. Records with schema errors are not in it (they have findings).

    Records from the cache arrive as :class:`Deferred` and are unpickled only when something
    reaches them: ``systems``/``projects`` (all of them), the look-ups by id or unit, or
    :meth:`systems_where`/:meth:`projects_where` (only the paths asked for). Counting
    look-ups (``count_system_id``, ``active_count`` …) never need to unpickle."""

    def __init__(self, records: Iterable[tuple[str, Record | Deferred]], invalid: Iterable[Unreadable] = ()) -> None:
        self._system_slots: list[_Slot] = []
        self._project_slots: list[_Slot] = []
        self.invalid: list[Unreadable] = list(invalid)
        self._paths: dict[int, str] = {id(u): u.path for u in self.invalid}
        # filled per unit on first look-up, so that one unit loads only its own records
        self._systems_by_unit: dict[str, list[System]] = {}
        self._projects_by_unit: dict[str, list[Project]] = {}
        for path, record in records:
            slot = _Slot(path, record)
            if isinstance(record, System) or (isinstance(record, Deferred) and record.kind == "systems"):
                self._system_slots.append(slot)
            else:
                self._project_slots.append(slot)
            if not isinstance(record, Deferred):
                self._paths[id(record)] = path

    def add_invalid(self, problems: Iterable[Unreadable]) -> None:
        """Files found not to be records after loading (paths of a git tree, see
        :mod:`registry.gittree`): reported like the files that failed to load."""
        for problem in problems:
            self.invalid.append(problem)
            self._paths[id(problem)] = problem.path

    def _record(self, slot: _Slot) -> Record:
        value = slot.value
        if isinstance(value, Deferred):
            value = slot.value = value.load()
            self._paths[id(value)] = slot.path
        return value

    def _systems_in(self, slots: Iterable[_Slot]) -> list[System]:
        with paused_gc():  # many objects at once, none of them garbage
            return [self._record(slot) for slot in slots]  # type: ignore[misc]

    def _projects_in(self, slots: Iterable[_Slot]) -> list[Project]:
        with paused_gc():
            return [self._record(slot) for slot in slots]  # type: ignore[misc]

    @cached_property
    def systems(self) -> list[System]:
        return self._systems_in(self._system_slots)

    @cached_property
    def projects(self) -> list[Project]:
        return self._projects_in(self._project_slots)

    def systems_where(self, wanted: Callable[[str], bool]) -> list[System]:
        """The systems whose file path ``wanted`` accepts, in file order; only those are loaded."""
        return self._systems_in(slot for slot in self._system_slots if wanted(slot.path))

    def projects_where(self, wanted: Callable[[str], bool]) -> list[Project]:
        """The projects whose file path ``wanted`` accepts, in file order; only those are loaded."""
        return self._projects_in(slot for slot in self._project_slots if wanted(slot.path))

    def path_of(self, record: Record | Unreadable) -> str:
        return self._paths[id(record)]

    def origin(self, record: Record) -> Origin:
        return Origin(self.path_of(record))

    def owns(self, record: Record) -> bool:
        return id(record) in self._paths

    _system_index = _SlotIndex("_system_slots", "id")
    _project_index = _SlotIndex("_project_slots", "id")
    _system_units = _SlotIndex("_system_slots", "unit")
    _project_units = _SlotIndex("_project_slots", "unit")

    def system(self, system_id: str) -> System | None:
        found = self._system_index.get(system_id)
        return self._record(found[0]) if found else None  # type: ignore[return-value]

    def project(self, project_id: str) -> Project | None:
        found = self._project_index.get(project_id)
        return self._record(found[0]) if found else None  # type: ignore[return-value]

    def count_system_id(self, system_id: str) -> int:
        return len(self._system_index.get(system_id, ()))

    def count_project_id(self, project_id: str) -> int:
        return len(self._project_index.get(project_id, ()))

    def systems_of(self, unit: str) -> list[System]:
        if unit not in self._systems_by_unit:
            self._systems_by_unit[unit] = self._systems_in(self._system_units.get(unit, ()))
        return self._systems_by_unit[unit]

    def projects_of(self, unit: str) -> list[Project]:
        if unit not in self._projects_by_unit:
            self._projects_by_unit[unit] = self._projects_in(self._project_units.get(unit, ()))
        return self._projects_by_unit[unit]

    def projects_creating(self, system_id: str) -> list[Project]:
        """The projects that list ``system_id`` in ``systems.creates``, in file order."""
        return self._projects_in(self._creators.get(system_id, ()))

    @cached_property
    def _creators(self) -> dict[str, list[_Slot]]:
        index: dict[str, list[_Slot]] = defaultdict(list)
        for slot in self._project_slots:
            for system_id in slot.creates:
                index[system_id].append(slot)
        return dict(index)

    def systems_approved_by(self, wanted: Callable[[str], bool]) -> list[System]:
        """The systems whose ``new_system_approval.doc_no`` (as written) ``wanted`` accepts, in
        file order; only those are loaded (the approvals ledger of the whole registry comes
        from the record cache's index, not from every record)."""
        return self._systems_in(slot for slot in self._system_slots if slot.approval is not None and wanted(slot.approval))

    def active_count(self, unit: str) -> int:
        return sum(1 for slot in self._system_units.get(unit, ()) if slot.active)

    def units(self) -> set[str]:
        return set(self._system_units) | set(self._project_units)

    @property
    def records(self) -> int:
        return len(self._system_slots) + len(self._project_slots)


def light_fields(value: Record | Deferred) -> tuple[bool, tuple[str, ...], str | None]:
    """``active``, ``creates`` and the new-system approval's document number of a record,
    cached or loaded: what the snapshot's look-ups need without the record itself."""
    if isinstance(value, Deferred):
        return value.active, value.creates, value.approval
    if isinstance(value, System):
        return value.active, (), value.new_system_approval.doc_no if value.new_system_approval else None
    return False, tuple(value.systems.creates), None


def _index(slots: Iterable[_Slot], key: Callable[[_Slot], str]) -> dict[str, list[_Slot]]:
    index: dict[str, list[_Slot]] = defaultdict(list)
    for slot in slots:
        index[key(slot)].append(slot)
    return dict(index)
