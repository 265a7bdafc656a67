"""Records and registry.yaml without pydantic: plain twins of the validated models.

A warm ``registry check`` of a few edited files (the commit hook) spent a third of its time
importing pydantic and building the model classes, although nothing it looks at needs
validating: registry.yaml passed before (its validated form is remembered by content,
:func:`registry.configfacts.checked_config`), the edited records are data the shapes vouch for
(:mod:`registry.shapes`), the other records come from the record cache. Such a run hands the
rules *twins*: objects of a plain class per model class, with the model's name, the same field
values of the same types (texts, numbers, dates, enumeration members, lists, nested twins) in
the same order, the same ``model_fields_set``, and the same methods — the model and its twin
both inherit them from :mod:`registry.models.kinds`, which is also how rules tell a system from
a project (``isinstance(record, SystemKind)``).

A twin is made

* from data the shapes are sure the model accepts (:func:`registry.shapebuild.surely_twin`:
  the same conversions as the model's validator, nothing else is "sure"),
* from a validated model (:func:`twin_of`: anything not surely valid is validated by pydantic
  first, with its messages), or
* from the record cache's plain data (:mod:`registry.recordcodec`, same format as for models).

Which kind a run gets is decided once per run (:func:`records_as_twins`), never mixed: only
``registry check`` (``--staged`` too) without ``--base`` with a remembered configuration
(:func:`registry.configfacts.checked_config`), and ``registry diff`` and ``registry check --base``
when the shapes vouch for every registry.yaml they compare and none sets rule parameters
(:func:`registry.checking._plain_configs`),
with no plug-in profile installed (its rules may use the models' pydantic API), the record models
not imported by anything so far (code that names ``System`` may ask ``isinstance(r, System)``)
and current shapes, takes twins; everything else keeps the models.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
from collections.abc import Iterator, Set
from typing import Any

from registry.models.kinds import KINDS, RecordPart

_set_attribute = object.__setattr__
_ACTIVE = [False]  # whether this run's records are twins (see records_as_twins)


def active() -> bool:
    """Whether records made now are twins."""
    return _ACTIVE[0]


@contextlib.contextmanager
def records_as_twins(on: bool = True) -> Iterator[None]:
    """Records made (loaded, decoded from the cache) inside are twins when ``on``."""
    previous, _ACTIVE[0] = _ACTIVE[0], on
    try:
        yield
    finally:
        _ACTIVE[0] = previous


class Twin(RecordPart):
    """Base of every twin class: frozen fields in ``__dict__`` (in the model's field order),
    the names given in ``model_fields_set``, compared and shown as the model is."""

    __slots__ = ("__dict__", "__weakref__", "_given")
    __twin_model__: str = ""  # the model's ``module.qualname``
    __twin_fields__: tuple[str, ...] = ()
    _given: Set[str]  # (a slot) the names given, as pydantic's ``model_fields_set``

    @property
    def model_fields_set(self) -> Set[str]:
        given: Set[str] = self._given
        return given

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        import copy

        values = copy.deepcopy(self.__dict__) if deep else dict(self.__dict__)
        given = set(self._given)
        if update:
            values.update(update)
            given.update(update)
        return made(type(self), values, given)

    def model_dump(self, *, mode: str = "python", **options: Any) -> dict[str, Any]:
        """The fields as a dictionary, nested twins too, in pydantic's python mode or its JSON mode
        (dates as ISO text, enumeration members as their values; the change rules compare entries
        so, :mod:`registry.rules.history`); no other option."""
        if options or mode not in ("python", "json"):
            raise TypeError(f"a twin dumps in pydantic's python or JSON mode only, not with {sorted(options)} {mode}")
        if mode == "json":
            return {name: _json(value) for name, value in self.__dict__.items()}
        return {name: _dumped(value) for name, value in self.__dict__.items()}

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from self.__dict__.items()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Twin):
            return NotImplemented
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __str__(self) -> str:
        return " ".join(f"{k}={v!r}" for k, v in self.__dict__.items())  # (pydantic's str of a model)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __reduce__(self) -> tuple[Any, ...]:
        cls = type(self)
        return _remade, (cls.__twin_model__, cls.__twin_fields__, dict(self.__dict__), set(self._given))


def _dumped(value: Any) -> Any:
    if isinstance(value, Twin):
        return value.model_dump()
    if type(value) is list:
        return [_dumped(item) for item in value]
    if type(value) is dict:
        return {key: _dumped(item) for key, item in value.items()}
    return value


def _json(value: Any) -> Any:
    """A field's value as pydantic's JSON mode dumps it, for the values a twin holds (every type
    :mod:`registry.shapecompile` makes, and what the models hold: no time of day, no bytes)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, Twin):
        return value.model_dump(mode="json")
    if kind is list or kind is tuple:
        return [_json(item) for item in value]
    if kind is dict:
        return {_json(key): _json(item) for key, item in value.items()}
    if isinstance(value, enum.Enum):
        return _json(value.value)
    if kind is dt.date:
        return value.isoformat()
    raise TypeError(f"a twin cannot dump {kind.__name__} in JSON mode as pydantic does")


@functools.cache
def twin_class(model: str, fields: tuple[str, ...]) -> type[Twin]:
    """The twin class of the model ``model`` (``module.qualname``) with ``fields`` in order."""
    name = model.rpartition(".")[2]
    kind = KINDS.get(model)
    bases: tuple[type, ...] = (kind, Twin) if kind is not None else (Twin,)
    namespace = {"__slots__": (), "__module__": __name__, "__qualname__": name,
                 "__twin_model__": model, "__twin_fields__": fields,
                 "__doc__": f"The plain twin of :class:`{model}`."}
    cls: type[Twin] = type(name, bases, namespace)
    return cls


def made(cls: type[Twin], values: dict[str, Any], given: Set[str]) -> Any:
    """A twin of ``cls`` holding ``values`` (every field, in order, already what the model's
    validator makes of it) with ``given`` as its ``model_fields_set``."""
    twin = object.__new__(cls)
    _set_attribute(twin, "__dict__", values)
    _set_attribute(twin, "_given", given)
    return twin


def _remade(model: str, fields: tuple[str, ...], values: dict[str, Any], given: Set[str]) -> Any:
    return made(twin_class(model, fields), values, given)


def twin_of(value: Any) -> Any:
    """The twin of a validated model (its nested models, lists and mappings too); any other
    value as it is."""
    cls = type(value)
    if cls is list:
        return [twin_of(item) for item in value]
    if cls is dict:
        return {key: twin_of(item) for key, item in value.items()}
    if not isinstance(value, RecordPart) or not hasattr(cls, "__pydantic_fields__"):
        return value
    found = _TWIN_OF.get(cls)
    if found is None:
        from registry.models.fieldsets import model_holders

        found = _TWIN_OF[cls] = (twin_class(f"{cls.__module__}.{cls.__qualname__}", tuple(cls.__pydantic_fields__)),
                                 model_holders(cls))
    twin, holding = found
    values = dict(value.__dict__)
    for name in holding:  # (only the fields that may hold a model: the rest is copied as it is)
        inner = values[name]
        if inner is not None:
            values[name] = twin_of(inner)
    return made(twin, values, getattr(value, "__pydantic_fields_set__"))


_TWIN_OF: dict[type, tuple[type[Twin], tuple[str, ...]]] = {}  # model class → (twin class, fields that may hold models)


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a model or twin class, in order."""
    if issubclass(cls, Twin):
        return cls.__twin_fields__
    return tuple(cls.__pydantic_fields__)  # type: ignore[attr-defined]
