"""A snapshot: every valid record of one revision (working tree or base), with look-ups."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, MutableSequence, Sequence
from functools import cached_property
from itertools import compress, repeat
from operator import eq
from typing import TYPE_CHECKING, Any, Union

from registry import plainclass
from registry.findings import Unreadable as Unreadable
from registry.gcpause import paused_gc
from registry.lookups import Creators, Rows
from registry.packed import packed
from registry.models.kinds import ProjectKind, SystemKind

if TYPE_CHECKING:
    from registry.models import Project, System

    Record = Union[System, Project]
else:  # (the models, or their plain twins: registry.models.twins; neither is imported here)
    Record = Union[SystemKind, ProjectKind]


@plainclass.dataclass(frozen=True)
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
    the snapshot's indexes need. Rebuilding every record of a large registry costs more than a
    ``check PATHS`` run spends on everything else, and so would reading every record's bytes:
    ``fetch`` reads (and verifies) this one record's bytes only when it is loaded, ``decode``
    makes the record of them (:func:`registry.recordcodec.loads`)."""

    __slots__ = ("kind", "id", "unit", "active", "creates", "approval", "fetch", "decode")

    def __init__(self, kind: str, id: str, unit: str, active: bool, creates: tuple[str, ...],
                 approval: str | None, fetch: Callable[[], bytes], decode: Callable[[bytes], Any]) -> None:
        self.kind = kind  # "systems" | "projects": the folder, which decides the model
        self.id = id
        self.unit = unit
        self.active = active  # System.active; False for projects
        self.creates = creates  # Project.systems.creates; () for systems
        self.approval = approval  # System.new_system_approval.doc_no as written; None for projects
        self.fetch = fetch
        self.decode = decode

    def load(self) -> Record:
        record: Record = self.decode(self.fetch())
        return record


SYSTEM, PROJECT = 1, 2  # a row's kind in :class:`Columns`; 0: a file that is not a valid record


@plainclass.dataclass
class Columns:
    """Every file of a snapshot in file order, one list per field (a row per file). A file
    that is not a valid record has kind 0 and no fields. Columns rather than an object per
    record: a large registry's snapshot is built from (and cached as) a few lists, and its
    look-ups are list scans in C while they are few (see :class:`registry.lookups.Rows`)."""

    paths: MutableSequence[str] = plainclass.field(default_factory=list)
    kinds: list[int] = plainclass.field(default_factory=list)
    system_ids: MutableSequence[str | None] = plainclass.field(default_factory=list)
    project_ids: MutableSequence[str | None] = plainclass.field(default_factory=list)
    system_units: MutableSequence[str | None] = plainclass.field(default_factory=list)
    project_units: MutableSequence[str | None] = plainclass.field(default_factory=list)
    active: list[bool] = plainclass.field(default_factory=list)  # System.active
    creates: list[tuple[str, ...]] = plainclass.field(default_factory=list)  # Project.systems.creates
    approvals: MutableSequence[str | None] = plainclass.field(default_factory=list)  # new_system_approval.doc_no

    def append(self, path: str, value: Record | Deferred | None) -> int:
        """Add a row (``None``: not a valid record) and return its number."""
        self.paths.append(path)
        for column, field in zip(self._fielded(), _fields(value)):
            column.append(field)
        return len(self.paths) - 1

    def set_fields(self, row: int, value: Record | Deferred | None) -> None:
        """The fields of ``row`` from a record (or none, for a file that is not one)."""
        self.set_row(row, _fields(value))

    def row(self, row: int) -> tuple[Any, ...]:
        """The values of ``row`` in every column but ``paths``."""
        return tuple(column[row] for column in self._fielded())

    def set_row(self, row: int, values: tuple[Any, ...]) -> None:
        for column, value in zip(self._fielded(), values):
            column[row] = value

    def pack(self) -> None:
        """Its columns of text packed (see :mod:`registry.packed`), as the summary keeps them:
        read back without an object per row, asked about in C."""
        for name in TEXT_COLUMNS:
            setattr(self, name, packed(getattr(self, name)))

    def _fielded(self) -> tuple[MutableSequence[Any], ...]:
        return (self.kinds, self.system_ids, self.project_ids, self.system_units, self.project_units, self.active,
                self.creates, self.approvals)

    def all(self) -> tuple[MutableSequence[Any], ...]:
        """Every column, ``paths`` first."""
        return (self.paths, *self._fielded())


TEXT_COLUMNS = ("paths", "system_ids", "project_ids", "system_units", "project_units", "approvals")


class Snapshot:
    """Records of one revision. Records with schema errors are not in it (they have findings).

    A record is materialised (loaded, or rebuilt from the record cache) only when something
    reaches it: ``systems``/``projects`` (all of them), the look-ups by id or unit, or
    :meth:`systems_where`/:meth:`projects_where` (only the paths asked for). Counting
    look-ups (``count_system_id``, ``active_count`` …) never need a record: they read the
    snapshot's :class:`Columns`."""

    def __init__(self, records: Iterable[tuple[str, Record | Deferred]] = (), invalid: Iterable[Unreadable] = ()) -> None:
        columns = Columns()
        values: dict[int, Record] = {}
        deferred: dict[int, Deferred] = {}
        for path, record in records:
            row = columns.append(path, record)
            if isinstance(record, Deferred):
                deferred[row] = record
            else:
                values[row] = record
        self._setup(columns, list(invalid), values, lambda row: deferred[row].load())

    @classmethod
    def of_columns(cls, columns: Columns, invalid: list[Unreadable], values: dict[int, Record],
                   fetch: Callable[[int], Record]) -> Snapshot:
        """The snapshot of ``columns``; a row's record is ``values[row]`` or, when first reached,
        ``fetch(row)`` (see :meth:`registry.recordcache.RecordCache.snapshot`)."""
        snapshot = cls.__new__(cls)
        snapshot._setup(columns, invalid, values, fetch)
        return snapshot

    def _setup(self, columns: Columns, invalid: list[Unreadable], values: dict[int, Record],
               fetch: Callable[[int], Record]) -> None:
        self._columns = columns
        self._values = values
        self._fetch = fetch
        self.invalid = invalid
        self._paths: dict[int, str] = {id(u): u.path for u in invalid}
        self._paths.update((id(record), columns.paths[row]) for row, record in values.items())
        self._by_system_id = Rows(columns.system_ids)
        self._by_project_id = Rows(columns.project_ids)
        self._by_system_unit = Rows(columns.system_units)
        self._by_project_unit = Rows(columns.project_units)
        self._creators = Creators(columns.creates)
        # filled per unit on first look-up, so that one unit loads only its own records
        self._systems_by_unit: dict[str, list[System]] = {}
        self._projects_by_unit: dict[str, list[Project]] = {}

    def add_invalid(self, problems: Iterable[Unreadable]) -> None:
        """Files found not to be records after loading (paths of a git tree, see
        :mod:`registry.gittree`): reported like the files that failed to load."""
        for problem in problems:
            self.invalid.append(problem)
            self._paths[id(problem)] = problem.path

    def _record(self, row: int) -> Record:
        value = self._values.get(row)
        if value is None:
            value = self._values[row] = self._fetch(row)
            self._paths[id(value)] = self._columns.paths[row]
        return value

    def _records(self, rows: Iterable[int]) -> list[Any]:
        with paused_gc():  # many objects at once, none of them garbage
            return [self._record(row) for row in rows]

    @cached_property
    def _system_rows(self) -> list[int]:
        kinds = self._columns.kinds
        return list(compress(range(len(kinds)), map(eq, kinds, repeat(SYSTEM))))

    @cached_property
    def _project_rows(self) -> list[int]:
        kinds = self._columns.kinds
        return list(compress(range(len(kinds)), map(eq, kinds, repeat(PROJECT))))

    @cached_property
    def systems(self) -> list[System]:
        return self._records(self._system_rows)

    @cached_property
    def projects(self) -> list[Project]:
        return self._records(self._project_rows)

    def systems_where(self, wanted: Callable[[str], bool]) -> list[System]:
        """The systems whose file path ``wanted`` accepts, in file order; only those are loaded."""
        paths = self._columns.paths
        return self._records(row for row in self._system_rows if wanted(paths[row]))

    def projects_where(self, wanted: Callable[[str], bool]) -> list[Project]:
        """The projects whose file path ``wanted`` accepts, in file order; only those are loaded."""
        paths = self._columns.paths
        return self._records(row for row in self._project_rows if wanted(paths[row]))

    def systems_at(self, paths: Collection[str]) -> list[System]:
        """The systems whose file path is one of ``paths``, in file order; only those are loaded
        (:meth:`systems_where` with the test made in C: a run on three files asks 20,000 rows)."""
        return self._records(self._rows_at(SYSTEM, paths))

    def projects_at(self, paths: Collection[str]) -> list[Project]:
        """The projects whose file path is one of ``paths`` (see :meth:`systems_at`)."""
        return self._records(self._rows_at(PROJECT, paths))

    def _rows_at(self, kind: int, paths: Collection[str]) -> list[int]:
        """The rows of ``kind`` whose path is one of ``paths``, in file order, found in C with no
        list of every system's or project's rows: a few paths each by a binary search (see
        :func:`_rows_of`), many by one pass of set look-ups."""
        all_paths, kinds = self._columns.paths, self._columns.kinds
        if len(paths) <= _FEW_PATHS:
            rows: Iterable[int] = sorted({row for path in paths for row in _rows_of(all_paths, path)})
        else:
            rows = compress(range(len(all_paths)), map(paths.__contains__, all_paths))
        return [row for row in rows if kinds[row] == kind]

    def path_of(self, record: Record | Unreadable) -> str:
        return self._paths[id(record)]

    def origin(self, record: Record) -> Origin:
        return Origin(self.path_of(record))

    def owns(self, record: Record) -> bool:
        return id(record) in self._paths

    def system(self, system_id: str) -> System | None:
        found = self._by_system_id.first(system_id)
        return self._record(found) if found is not None else None  # type: ignore[return-value]

    def project(self, project_id: str) -> Project | None:
        found = self._by_project_id.first(project_id)
        return self._record(found) if found is not None else None  # type: ignore[return-value]

    def count_system_id(self, system_id: str) -> int:
        return self._by_system_id.count(system_id)

    def count_project_id(self, project_id: str) -> int:
        return self._by_project_id.count(project_id)

    def systems_of(self, unit: str) -> list[System]:
        if unit not in self._systems_by_unit:
            self._systems_by_unit[unit] = self._records(self._by_system_unit.of(unit))
        return self._systems_by_unit[unit]

    def projects_of(self, unit: str) -> list[Project]:
        if unit not in self._projects_by_unit:
            self._projects_by_unit[unit] = self._records(self._by_project_unit.of(unit))
        return self._projects_by_unit[unit]

    def projects_creating(self, system_id: str) -> list[Project]:
        """The projects that list ``system_id`` in ``systems.creates``, in file order."""
        return self._records(self._creators.of(system_id))

    def systems_approved_by(self, wanted: Callable[[str], bool]) -> list[System]:
        """The systems whose ``new_system_approval.doc_no`` (as written) ``wanted`` accepts, in
        file order; only those are loaded (the approvals ledger of the whole registry comes
        from the snapshot's columns, not from every record)."""
        approvals = self._columns.approvals
        return self._records(row for row in self._system_rows
                             if (approval := approvals[row]) is not None and wanted(approval))

    def active_count(self, unit: str) -> int:
        active = self._columns.active
        return sum(1 for row in self._by_system_unit.of(unit) if active[row])

    def units(self) -> set[str]:
        found = set(self._columns.system_units) | set(self._columns.project_units)
        found.discard(None)
        return found  # type: ignore[return-value]

    @property
    def records(self) -> int:
        kinds = self._columns.kinds
        return len(kinds) - kinds.count(0)  # (kind 0: a file that is not a valid record)


_FEW_PATHS = 32  # a check of at most this many paths finds each on its own (see Snapshot._rows_at)


def _rows_of(paths: Sequence[str], path: str) -> Iterator[int]:
    """Every row of ``paths`` that holds ``path`` (a snapshot's paths are its files': one).
    The records' rows usually come in path order (git's index, a tree; files that are not
    records are listed first), so a binary search finds the row in a score of comparisons
    (a scan compared it with 20,000 paths of one length). Where the search lands on another
    path (the working tree lists folder by folder, a file that is not a record), a scan of
    every row decides: a path is never missed because of the order."""
    found = bisect_left(paths, path)
    if found < len(paths) and paths[found] == path:
        yield found
        return
    row = -1
    while True:
        try:
            row = paths.index(path, row + 1)
        except ValueError:
            return
        yield row


def _fields(value: Record | Deferred | None) -> tuple[Any, ...]:
    """A row's values of every column but ``paths`` (see :meth:`Columns._fielded`)."""
    if value is None:
        return 0, None, None, None, None, False, (), None
    kind = kind_of(value)
    active, creates, approval = light_fields(value)
    if kind == SYSTEM:
        return kind, value.id, None, value.unit, None, active, creates, approval
    return kind, None, value.id, None, value.unit, active, creates, approval


def kind_of(value: Record | Deferred) -> int:
    """SYSTEM or PROJECT: a cached record's folder, a loaded one's model."""
    if isinstance(value, Deferred):
        return SYSTEM if value.kind == "systems" else PROJECT
    return SYSTEM if isinstance(value, SystemKind) else PROJECT


def light_fields(value: Record | Deferred) -> tuple[bool, tuple[str, ...], str | None]:
    """``active``, ``creates`` and the new-system approval's document number of a record,
    cached or loaded: what the snapshot's look-ups need without the record itself."""
    if isinstance(value, Deferred):
        return value.active, value.creates, value.approval
    if isinstance(value, SystemKind):
        return value.active, (), value.new_system_approval.doc_no if value.new_system_approval else None
    return False, tuple(value.systems.creates), None
