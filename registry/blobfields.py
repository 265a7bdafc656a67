"""What the history commands need of a blob, by blob id: read once, remembered across runs.

``inventory --history`` needs, of a system record blob, whether the loader accepts it and its
unit, status and retirement date (:class:`SystemState`); ``audit`` needs, of any blob, whether
it reads as a project and that project's id and milestones (:class:`ProjectFields`), and of
each version of registry.yaml, the configuration its model makes of it, as a plain twin
(:func:`history_config`: the walk needs no pydantic). All depend on the blob's content alone, so
they are kept by blob id:

* in memory for the run, however many commits share a blob;
* in the signed cache store (:class:`registry.cache.Store`, file ``history-fields``) across runs,
  so a history read before costs one ``git log`` and no blob at all;
* and worked out by :mod:`registry.fastyaml` where the blob is plain block YAML (the same data
  the full parser would build, then the same validation), by the full loader otherwise.

``REGISTRY_HISTORY_FULL=1`` turns the fast reader off (the benchmark compares both ways).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from registry import plainclass
from registry.gitproc import Repo
from registry.errors import CONFIG_FILE
from registry.layout import MAX_RECORD_BYTES

if TYPE_CHECKING:
    from registry.cache import Store

T = TypeVar("T")
CACHE_NAME = "history-fields"
FULL_ENV = "REGISTRY_HISTORY_FULL"
_FORMAT = 4  # bump when what is kept per blob changes


class SystemState(NamedTuple):
    """What the inventory history needs of one valid system record."""

    unit: str
    active: bool
    retired_on: dt.date | None  # a retirement still to come keeps the system in use until then

    def in_use_on(self, day: dt.date) -> bool:
        return self.active or (self.retired_on is not None and self.retired_on > day)


@plainclass.dataclass(frozen=True)
class ProjectFields:
    """What the audit needs of a blob read as a project, whatever its path (see
    :func:`registry.audit.records.project_record`, which adds what the path decides)."""

    mapping: bool  # the blob reads as one YAML mapping
    has_milestones: bool  # ... with a ``milestones`` key
    id: str | None  # its ``id`` as the audit names projects (None: unusable, the file stem stands)
    milestones: dict[str, str]  # authority milestone → its value as canonical JSON (empty values left out)


NOT_A_MAPPING = ProjectFields(False, False, None, {})
_NO_MILESTONES = "m:"  # the cache's mark of a blob that cannot hold a ``milestones`` key (see may_hold_milestones)


def fast_enabled() -> bool:
    return os.environ.get(FULL_ENV, "").strip() in ("", "0")


# -- one blob --------------------------------------------------------------------------------


def _data(raw: bytes, fast: bool, blob: str | None = None, *, shared: bool = False) -> dict[str, Any] | None:
    """The blob's YAML mapping (None when it is not one): the fast reader where it is sure
    (``shared``: its values may be shared with other blobs', :func:`registry.fastyaml.read_shared`,
    for a caller that only reads them). A blob (id ``blob``) the fast reader read is vouched for
    to :mod:`registry.fastpositions`: the working tree's copy of it, where the audit places
    findings, is not read twice."""
    from registry.yamlio import YamlError, decode, parse

    try:
        text = decode(raw)
    except YamlError:
        return None
    if fast:
        from registry.fastyaml import read_shared, read_simple

        found = read_shared(text) if shared else read_simple(text)
        if found is not None:
            if blob is not None:
                from registry.fastpositions import vouch

                vouch(blob)
            return found
    try:
        return parse(raw).data
    except (YamlError, ValueError, RecursionError):
        return None


def system_state(raw: bytes, fast: bool = True, blob: str | None = None) -> SystemState | None:
    """The state of a valid system record; None for anything the loader rejects (a file larger
    than a record may be among them). The fast way: :mod:`registry.shapes` is sure the model
    accepts the data, entry by entry (:class:`registry.shapes.FieldChecks`: an entry the
    history has shown before is not checked again; no pydantic imported)."""
    if len(raw) > MAX_RECORD_BYTES:
        return None  # REG001 in the working tree: never read as a record
    if fast:
        read = _pieces(raw, blob)
        if read is not None:
            from registry.shapes import field_checks

            data, pieces = read
            checks = field_checks("System")
            if checks is not None and checks.surely_valid(data, pieces):
                return _state_of_valid(data)
            return _validated(data)
    parsed = _data(raw, fast, blob)
    if parsed is None:
        return None
    if fast:
        from registry.shapes import surely_valid

        if surely_valid("System", parsed):
            return _state_of_valid(parsed)
    return _validated(parsed)


def _pieces(raw: bytes, blob: str | None) -> tuple[dict[str, Any], list[str]] | None:
    """:func:`registry.fastyaml.read_pieces` of a blob (its values shared: only read), None
    when it is not sure (or the blob is no text); vouched for as :func:`_data` does."""
    from registry.fastyaml import read_pieces
    from registry.yamlio import YamlError, decode

    try:
        found = read_pieces(decode(raw))
    except YamlError:
        return None
    if found is not None and blob is not None:
        from registry.fastpositions import vouch

        vouch(blob)
    return found


def _validated(data: dict[str, Any]) -> SystemState | None:
    """The System model's own answer (pydantic)."""
    from pydantic import ValidationError

    from registry.models import System

    try:
        record = System.model_validate(data)
    except ValidationError:
        return None
    return SystemState(record.unit, record.active, None if record.active else record.retired_on)


def _state_of_valid(data: dict[str, Any]) -> SystemState:
    """:class:`SystemState` of data the System model surely accepts, as the model reads it."""
    active = data["status"] in _active_values()
    retired_on = data.get("retired_on")
    if type(retired_on) is str:  # quoted "YYYY-MM-DD" (models.base.Date)
        retired_on = dt.date.fromisoformat(retired_on)
    return SystemState(data["unit"], active, None if active else retired_on)


@functools.cache
def _active_values() -> frozenset[str]:
    """The statuses of a system in use: recorded in the shapes (made from the same registry/enums.py
    they are in force for: no enumeration classes to build), else from the enumeration itself."""
    from registry.shapes import shapes

    found = shapes()
    if found is not None and isinstance(found.get("active_statuses"), list):
        return frozenset(found["active_statuses"])
    from registry.enums import ACTIVE_STATUSES

    return frozenset(status.value for status in ACTIVE_STATUSES)


def project_fields(raw: bytes, fast: bool = True, blob: str | None = None) -> ProjectFields:
    """:class:`ProjectFields` of a blob (lenient: an unreadable blob is simply no mapping). The
    fast way remembers the milestones' canonical values by the piece of text they were read
    from (:func:`registry.fastyaml.read_pieces`: the piece decides the value): versions of a
    project that change anything but its milestones share that piece."""
    if fast:
        read = _pieces(raw, blob)
        if read is not None:
            data, pieces = read
            milestones = data.get("milestones")
            if isinstance(milestones, dict):
                piece = pieces[list(data).index("milestones")]
                normal = _NORMAL.get(piece)
                if normal is None:
                    if len(_NORMAL) >= _MAX_CANONICAL:
                        _NORMAL.clear()
                    normal = _NORMAL[piece] = _normal(milestones)
                return _project(data, normal)
            return _project(data, {})
    parsed = _data(raw, fast, blob, shared=True)  # (only read here)
    if not isinstance(parsed, dict):
        return NOT_A_MAPPING
    milestones = parsed.get("milestones")
    return _project(parsed, _normal(milestones) if isinstance(milestones, dict) else {})


_NORMAL: dict[str, dict[str, str]] = {}  # the piece of a ``milestones`` entry → _normal of its value


def _normal(milestones: dict[Any, Any]) -> dict[str, str]:
    """Authority milestone → its value as canonical JSON (empty values left out)."""
    from registry.audit.rules import AUTHORITY_OF_MILESTONE  # the only milestones the audit compares

    return {key: _canonical_milestone(v if isinstance(v, dict) else {"date": v}) for k, v in milestones.items()
            if v is not None and (key := str(k)) in AUTHORITY_OF_MILESTONE}


def _project(data: dict[str, Any], normal: dict[str, str]) -> ProjectFields:
    project_id = data.get("id")
    usable = str(project_id) if isinstance(project_id, (str, int)) and str(project_id) else None
    return ProjectFields(True, "milestones" in data, usable, normal)


def history_config(raw: bytes, fast: bool = True, blob: str | None = None) -> Any:
    """The twin (:mod:`registry.models.twins`) of what the RegistryConfig model makes of a
    version of registry.yaml, None when the parser or the model refuses it (the audit's test of
    a configuration in history: the model alone, see :mod:`registry.audit.reading`). The fast
    way: :mod:`registry.shapes` is sure the model accepts the data and makes its twin (no
    pydantic imported); anything else is validated by the model."""
    data = _data(raw, fast, blob)
    if fast and data is not None:
        from registry.shapebuild import surely_twin

        made = surely_twin("RegistryConfig", data)
        if made is not None:
            return made
    from pydantic import ValidationError

    from registry.models import RegistryConfig
    from registry.models.twins import twin_of
    from registry.yamlio import YamlError, parse

    try:
        return twin_of(RegistryConfig.model_validate(parse(raw).data))
    except (YamlError, ValidationError, ValueError, RecursionError):
        return None


# json.dumps(value, sort_keys=True, ensure_ascii=False, default=str), without building an encoder per call
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


def canonical(value: Any) -> str:
    """A milestone value as text that compares equal exactly when the values do."""
    return _ENCODER.encode(value)


# Types whose values are equal exactly when their canonical texts are (not float: -0.0 == 0.0)
_EXACT = frozenset({str, int, bool, dt.date, type(None)})
_CANONICAL: dict[tuple[tuple[Any, ...], tuple[Any, ...], tuple[type, ...]], str] = {}  # a flat milestone → canonical()
_MAX_CANONICAL = 50_000


def _canonical_milestone(value: dict[Any, Any]) -> str:
    """:func:`canonical` of a milestone, remembered for the run when it is flat (keys to texts,
    numbers, dates): the history repeats the same milestones in blob after blob."""
    keys, values = tuple(value), tuple(value.values())
    kinds = (*map(type, keys), *map(type, values))
    if not _EXACT.issuperset(kinds):
        return canonical(value)
    key = (keys, values, kinds)  # (equal keys and values of the same types: the same text)
    found = _CANONICAL.get(key)
    if found is None:
        if len(_CANONICAL) >= _MAX_CANONICAL:
            _CANONICAL.clear()
        found = _CANONICAL[key] = canonical(value)
    return found


def may_hold_milestones(raw: bytes) -> bool:
    """Whether a blob can read as a mapping with a ``milestones`` key: the key must be written
    out, unless a double-quoted escape spells it (then parse to be sure)."""
    return b"milestones" in raw or b"\\" in raw


# -- many blobs ------------------------------------------------------------------------------


class BlobFields:
    """Fields per blob id for one run: from memory, the cache store, or one ``cat-file`` pass."""

    def __init__(self, repo: Repo, store: Store | None = None, *, fast: bool | None = None) -> None:
        self.repo = repo
        self.store = store
        self.fast = fast_enabled() if fast is None else fast
        self._known: dict[str, Any] = self._load()
        self._new = 0

    def _load(self) -> dict[str, Any]:
        if self.store is None or not self.fast:
            return {}
        found = self.store.read(CACHE_NAME)
        if isinstance(found, tuple) and len(found) == 2 and found[0] == _FORMAT and isinstance(found[1], dict):
            return found[1]
        return {}

    def systems(self, wanted: Iterable[tuple[str, str]]) -> dict[str, SystemState | None]:
        """Blob id → :class:`SystemState` (None: not a valid system) of every (blob id, path)."""
        return self._fields("s:", [(oid, path, True) for oid, path in wanted], system_state)

    def projects(self, wanted: Iterable[tuple[str, str, bool]]) -> dict[str, ProjectFields]:
        """Blob id → :class:`ProjectFields` of every (blob id, path, at a project path). A blob
        that cannot hold a ``milestones`` key is no project anywhere else, so it is only read
        (for its id) where a path makes it one."""
        return self._fields("p:", wanted, project_fields)

    def configs(self, wanted: Iterable[str]) -> dict[str, Any]:
        """Blob id → :func:`history_config` (None: not a valid configuration) of every version of
        registry.yaml asked for."""
        return self._fields("c:", [(oid, CONFIG_FILE, True) for oid in wanted], history_config)

    def _fields(self, kind: str, wanted: Iterable[tuple[str, str, bool]], extract: Callable[[bytes, bool, str], T]
                ) -> dict[str, T]:
        from registry import gitio

        out: dict[str, Any] = {}  # T, or NOT_A_MAPPING for a blob no path makes a project
        missing: dict[str, str] = {}
        needed: set[str] = set()
        for oid, path, needs in wanted:
            if kind + oid in self._known:
                out[oid] = self._known[kind + oid]
                continue
            if not needs and _NO_MILESTONES + oid in self._known:
                out[oid] = NOT_A_MAPPING  # (read before: it cannot hold milestones)
                continue
            missing.setdefault(oid, path)
            if needs:
                needed.add(oid)
        for oid, raw in gitio.read_blobs(self.repo, missing.items()):
            if oid not in needed and not may_hold_milestones(raw):
                out[oid] = NOT_A_MAPPING  # as good as any answer here
                self._known[_NO_MILESTONES + oid] = True  # a fact of the content: not read again
                self._new += 1
                continue
            out[oid] = self._known[kind + oid] = extract(raw, self.fast, oid)
            self._new += 1
        return out

    def save(self) -> None:
        """Remember what this run worked out (nothing to do when nothing is new)."""
        if self.store is not None and self._new and self.fast:
            self.store.write(CACHE_NAME, (_FORMAT, self._known))
            self._new = 0
