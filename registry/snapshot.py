"""A snapshot: every valid record of one revision (working tree or base), with look-ups."""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import Union

from registry.findings import Message
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


class Snapshot:
    """Records of one revision. Records with schema errors are not in it (they have findings)."""

    def __init__(self, records: Iterable[tuple[str, Record]], invalid: Iterable[Unreadable] = ()) -> None:
        self.systems: list[System] = []
        self.projects: list[Project] = []
        self.invalid: list[Unreadable] = list(invalid)
        self._paths: dict[int, str] = {id(u): u.path for u in self.invalid}
        for path, record in records:
            self._paths[id(record)] = path
            if isinstance(record, System):
                self.systems.append(record)
            else:
                self.projects.append(record)

    def path_of(self, record: Record | Unreadable) -> str:
        return self._paths[id(record)]

    def origin(self, record: Record) -> Origin:
        return Origin(self.path_of(record))

    def owns(self, record: Record) -> bool:
        return id(record) in self._paths

    @cached_property
    def _system_index(self) -> dict[str, list[System]]:
        index: dict[str, list[System]] = defaultdict(list)
        for s in self.systems:
            index[s.id].append(s)
        return index

    @cached_property
    def _project_index(self) -> dict[str, list[Project]]:
        index: dict[str, list[Project]] = defaultdict(list)
        for p in self.projects:
            index[p.id].append(p)
        return index

    @cached_property
    def _systems_by_unit(self) -> dict[str, list[System]]:
        index: dict[str, list[System]] = defaultdict(list)
        for s in self.systems:
            index[s.unit].append(s)
        return index

    @cached_property
    def _projects_by_unit(self) -> dict[str, list[Project]]:
        index: dict[str, list[Project]] = defaultdict(list)
        for p in self.projects:
            index[p.unit].append(p)
        return index

    def system(self, system_id: str) -> System | None:
        found = self._system_index.get(system_id)
        return found[0] if found else None

    def project(self, project_id: str) -> Project | None:
        found = self._project_index.get(project_id)
        return found[0] if found else None

    def count_system_id(self, system_id: str) -> int:
        return len(self._system_index.get(system_id, ()))

    def count_project_id(self, project_id: str) -> int:
        return len(self._project_index.get(project_id, ()))

    def systems_of(self, unit: str) -> list[System]:
        return self._systems_by_unit.get(unit, [])

    def projects_of(self, unit: str) -> list[Project]:
        return self._projects_by_unit.get(unit, [])

    def active_count(self, unit: str) -> int:
        return sum(1 for s in self.systems_of(unit) if s.active)

    def units(self) -> set[str]:
        return set(self._systems_by_unit) | set(self._projects_by_unit)

    @property
    def records(self) -> int:
        return len(self.systems) + len(self.projects)


@dataclasses.dataclass(frozen=True, eq=False)
class Unreadable:
    """A file that is not a valid record: REG001 (``syntax``) or REG002 (``schema``)."""

    path: str
    rule: str
    line: int
    column: int
    field: str
    message: Message
