"""A validated record as plain data, and back — exactly, without validating it again.

The record cache (:mod:`registry.recordcache`) keeps every record it has loaded. Pickling a
pydantic model (some 60 µs a record) was most of what a cold run spent writing the cache, and
unpickling calls pydantic's ``__setstate__`` for each of a record's ~15 models. Here a record
becomes nested lists of ``str``/``int``/``float``/``bool``/``None`` — a model is
``[value, …, value, field-set bits]`` in field order, a date its ordinal, an enumeration member
its value — which :mod:`marshal` writes and reads in C (about 40 % of pickling's time to write,
60 % to read). Which model, date or enumeration a value is comes from the field's annotation
(:func:`plan_of`).

Rebuilding assembles each model as validation left it (:func:`registry.models.construct.assemble`:
the instance dict holding every field in field order, the shared set of the fields given, no
extra values, no private attributes):
the data was validated before it was stored, and the store is signed
(:mod:`registry.cachestore`: the data file's SHA-256 is in the signed index), so nothing is
validated again. :func:`dumps` refuses (None) anything it could not give back exactly: a
value not of the annotated kind, a type :mod:`marshal` does not write exactly (it writes only
exact built-in types), a model class the plan does not cover. Such a record is simply not
cached. tests/test_recordcodec.py compares rebuilt and validated records (equality,
``model_dump``, field sets, types) on every shipped record and generated ones.
"""
from __future__ import annotations

import datetime as dt
import enum
import functools
import marshal
import types
import typing
from collections.abc import Callable, Set
from typing import TYPE_CHECKING, Any

from registry import plainclass
from registry.models import twins
from registry.cachestore import StaleCache

if TYPE_CHECKING:
    from pydantic import BaseModel

# The version of marshal's format: fixed per Python version, which the cache's fingerprint
# includes (so a data file is never read by another Python).
_MARSHAL_VERSION = 4
# Each record's bytes start with this and its class's letter: bytes of another format (a
# pickle of an older cache) are never taken for a record.
MAGIC = b"rec1"
_LETTERS = {"registry.models.system.System": b"S", "registry.models.project.Project": b"P"}  # by ``module.qualname``
_CLASSES = {MAGIC + letter: name for name, letter in _LETTERS.items()}


# What a field (or a list item, an optional value) holds; see :func:`kind_of`.
PLAIN = "plain"  # str, int, float, bool, None, and lists and unions of these only
DATE = "date"  # exactly a ``datetime.date``
ENUM = "enum"  # a member of one enumeration: (ENUM, the class)
MODEL = "model"  # a model of one class: (MODEL, the class)
LIST = "list"  # a list of one kind: (LIST, the item's kind)
OPTIONAL = "optional"  # None or one kind: (OPTIONAL, the kind)
Kind = tuple[str, Any]

_PLAIN_TYPES = (str, int, float, bool, type(None))


@plainclass.dataclass(frozen=True)
class Plan:
    """A model class's fields in order, and those that do not hold plain data (index, kind)."""

    names: tuple[str, ...]
    special: tuple[tuple[int, Kind], ...]

    def bits(self, fields_set: Set[str]) -> int:
        """The set of fields given, one bit per field in order (KeyError: not a field)."""
        index = self._index
        return sum(1 << index[name] for name in fields_set)

    def names_of(self, bits: int) -> tuple[str, ...]:
        """The field names :meth:`bits` made ``bits`` of."""
        return tuple(name for i, name in enumerate(self.names) if bits >> i & 1)

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}


@functools.cache
def plan_of(cls: type[BaseModel]) -> Plan | None:
    """The plan of ``cls``; None when a field's annotation is beyond :func:`kind_of` (then
    callers validate as usual)."""
    from registry.models.construct import plain_model

    if cls.__pydantic_root_model__ or not plain_model(cls):
        return None  # instances may hold more than their fields
    special = []
    for i, (name, info) in enumerate(cls.model_fields.items()):
        kind = kind_of(info.annotation)
        if kind is None:
            return None
        if kind[0] != PLAIN:
            special.append((i, kind))
    return Plan(tuple(cls.model_fields), tuple(special))


def kind_of(annotation: Any) -> Kind | None:
    """What a value of ``annotation`` is, for the few shapes the records use; None otherwise."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return kind_of(args[0])
    if origin in (typing.Union, types.UnionType):
        kinds = [kind_of(arg) for arg in args]
        if all(k is not None and k[0] == PLAIN for k in kinds):
            return (PLAIN, None)
        others = [k for arg, k in zip(args, kinds) if arg is not type(None)]
        if len(others) == 1 and len(args) == 2 and others[0] is not None:
            return (OPTIONAL, others[0])
        return None
    if origin is list and len(args) == 1:
        item = kind_of(args[0])
        if item is None:
            return None
        return (PLAIN, None) if item[0] == PLAIN else (LIST, item)
    if not isinstance(annotation, type) or origin is not None:
        return None
    if annotation in _PLAIN_TYPES:
        return (PLAIN, None)
    if annotation is dt.date:
        return (DATE, None)
    if issubclass(annotation, enum.Enum):
        return (ENUM, annotation)
    if hasattr(annotation, "__pydantic_fields__"):  # a model class (pydantic's own test, without importing it)
        return (MODEL, annotation)
    return None


class _Refused(Exception):
    """A value the codec cannot give back exactly."""


def dumps(record: Any) -> bytes | None:
    """``record`` (a System or a Project, a model or its twin: :mod:`registry.models.twins`) as bytes
    :func:`loads` turns into the same record; None if it cannot be given back exactly."""
    cls = type(record)
    twin = isinstance(record, twins.Twin)
    letter = _LETTERS.get(cls.__twin_model__ if twin else f"{cls.__module__}.{cls.__qualname__}")
    if letter is None:
        return None
    try:
        codec = _twin_codec(cls.__twin_model__) if twin else _codec(cls)  # type: ignore[arg-type]
        return MAGIC + letter + marshal.dumps(codec.encode(record), _MARSHAL_VERSION)
    except (_Refused, KeyError, ValueError, TypeError):  # (marshal: ValueError for a type it does not write)
        return None


def loads(data: bytes) -> Any:
    """The record :func:`dumps` wrote as ``data`` — a twin in a run of twins, else the model.
    Bytes of another format (or damaged ones, which the signed digest already rules out) raise
    :class:`StaleCache`: the run starts again without the cache."""
    name = _CLASSES.get(data[:5])
    try:
        if name is None:
            raise ValueError("not a record")
        codec = _twin_codec(name) if twins.active() else _codec(_model_class(name))
        return codec.decode(marshal.loads(data[5:]))
    except (_Refused, ValueError, TypeError, KeyError, IndexError, EOFError, OverflowError):
        raise StaleCache("a record of another format", damaged=True) from None


def _model_class(name: str) -> Any:
    from registry import models

    return getattr(models, name.rpartition(".")[2])


class _Codec:
    """Encoder and decoder of one model class, specialised to its fields once: a model is
    ``[value, …, value, field-set bits]`` in field order, each date, enumeration member and
    inner model converted (lists, so that decoding converts them in place). The same for a
    model's twin (``twin``), in the same format."""

    def __init__(self, cls: Any, plan: Plan, twin: bool = False) -> None:
        self.cls, self.names, self.twin = cls, plan.names, twin
        self.width = len(plan.names) + 1
        codec_of = _twin_codec if twin else _codec
        converters = [(index, _converters(kind, codec_of)) for index, kind in plan.special]
        self.encoders = [(index, write) for index, (write, _) in converters]
        self.decoders = [(index, read) for index, (_, read) in converters]
        self._bits: dict[int, tuple[Any, int]] = {}  # id of a field set → (that set, its bits)
        self._sets: dict[int, Any] = {}  # bits → the shared field set
        self._plan = plan
        if twin:
            self._make: Callable[[Any, dict[str, Any], Any], Any] = twins.made
        else:
            from registry.models.construct import assemble

            self._make = assemble

    def encode(self, model: Any) -> list[Any]:
        if type(model) is not self.cls:
            raise _Refused
        if self.twin:
            given = model._given
        elif model.__pydantic_extra__ is not None or model.__pydantic_private__ is not None:
            raise _Refused
        else:
            given = model.__pydantic_fields_set__
        values = model.__dict__
        if tuple(values) != self.names:
            raise _Refused  # a field missing, an extra attribute: not what validation leaves
        known = self._bits.get(id(given))
        out = [*values.values(), known[1] if known is not None and known[0] is given else self._bits_of(given)]
        for index, encode in self.encoders:
            value = out[index]
            if value is not None:
                out[index] = encode(value)
        return out

    def decode(self, data: list[Any]) -> Any:
        if type(data) is not list or len(data) != self.width:
            raise ValueError("not a record of this version")
        for index, decode in self.decoders:
            value = data[index]
            if value is not None:
                data[index] = decode(value)
        return self._make(self.cls, dict(zip(self.names, data)), self._set_of(data[-1]))

    def _bits_of(self, fields_set: Any) -> int:
        bits = self._plan.bits(fields_set)
        if type(fields_set) is not set:  # a shared set lives as long as the run: remember it
            self._bits[id(fields_set)] = (fields_set, bits)
        return bits

    def _set_of(self, bits: int) -> Any:
        """The shared set of field names (:func:`registry.loader.shared_field_names`, as a
        loaded record holds it) of the fields ``bits`` names."""
        found = self._sets.get(bits)
        if found is None:
            from registry.loader import shared_field_names  # (the loader imports this, through the snapshot)

            found = self._sets[bits] = shared_field_names(self._plan.names_of(bits))
        return found


@functools.cache
def _codec(cls: type[BaseModel]) -> _Codec:
    plan = plan_of(cls)
    if plan is None:
        raise _Refused
    return _Codec(cls, plan)


@functools.cache
def _twin_codec(model: str) -> _Codec:
    """The codec of the twins of ``model`` (``module.qualname``), from the plan the shapes keep
    of it (:func:`plan_data`, made from the model by :func:`plan_of`): the same format."""
    from registry.shapes import shapes

    found = shapes()
    data = found.get("plans", {}).get(model) if found is not None else None
    if data is None:
        raise _Refused  # no current plan: such a record is not cached (or read: the run starts again)
    plan = Plan(tuple(data["names"]), tuple((index, _kind_from(kind)) for index, kind in data["special"]))
    return _Codec(twins.twin_class(model, plan.names), plan, twin=True)


def plan_data(cls: type[BaseModel]) -> dict[str, Any] | None:
    """:func:`plan_of` as plain data (classes by ``module.qualname``), kept in shapes.json."""
    plan = plan_of(cls)
    if plan is None:
        return None
    return {"names": list(plan.names), "special": [[index, _kind_data(kind)] for index, kind in plan.special]}


def plan_classes(cls: type[BaseModel]) -> list[type[BaseModel]]:
    """``cls`` and every model class its plan reaches, each once."""
    found: list[type[BaseModel]] = []
    pending = [cls]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.append(current)
        plan = plan_of(current)
        for _, kind in plan.special if plan is not None else ():
            while kind[0] in (LIST, OPTIONAL):
                kind = kind[1]
            if kind[0] == MODEL:
                pending.append(kind[1])
    return found


def _kind_data(kind: Kind) -> list[Any]:
    tag, arg = kind
    if tag in (LIST, OPTIONAL):
        return [tag, _kind_data(arg)]
    if tag in (ENUM, MODEL):
        return [tag, f"{arg.__module__}.{arg.__qualname__}"]
    return [tag, None]


def _kind_from(data: list[Any]) -> Kind:
    tag, arg = data
    if tag in (LIST, OPTIONAL):
        return (tag, _kind_from(arg))
    if tag == ENUM:
        import importlib

        module, _, name = arg.rpartition(".")
        return (ENUM, getattr(importlib.import_module(module), name))
    return (tag, arg)  # MODEL: the model's name (its twin codec is looked up by it)


def _converters(kind: Kind, codec_of: Callable[[Any], _Codec] = _codec) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(what writes a value of ``kind`` that is not None, what rebuilds it); an optional
    value's kind converts as its own. ``codec_of``: the codec of an inner model's class (its
    name, for twins)."""
    tag, arg = kind
    if tag == OPTIONAL:
        return _converters(arg, codec_of)
    if tag == LIST:
        write_item, read_item = _converters(arg, codec_of)

        def write_list(value: Any) -> Any:
            if type(value) is not list:
                raise _Refused
            return [write_item(x) for x in value]
        return write_list, lambda value: list(map(read_item, value))
    if tag == DATE:
        return _write_date, dt.date.fromordinal
    if tag == ENUM:
        def write_member(value: Any) -> Any:
            if type(value) is not arg or value.value is None:  # (None stands for "no value")
                raise _Refused
            return value.value
        return write_member, arg._value2member_map_.__getitem__
    if tag == MODEL:
        codec = codec_of(arg)
        return codec.encode, codec.decode
    raise _Refused


def _write_date(value: Any) -> int:
    if type(value) is not dt.date:
        raise _Refused
    return value.toordinal()
