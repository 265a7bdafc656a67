"""A record made from data its shape surely accepts, without pydantic's validator.

Where :mod:`registry.shapes` is sure the model accepts the data, the record is made here
(:func:`registry.models.construct.assemble` at every level) instead of by ``model_validate``,
whose validator then need not be built — exactly what ``model_validate`` makes: the same field
values of the same types (dates, enumeration members, floats for integers in float fields,
nested models, new lists), the same defaults, the same ``model_fields_set`` at every level, the
same instance attributes. Anything the shapes are not sure of is ``None``, and the caller asks
pydantic, whose answer and error messages stay the only ones (tests/test_construct.py compares
both ways on shipped records, Hypothesis data and whole checks).
"""
from __future__ import annotations

import enum
import functools
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from registry import shapes
from registry.shapecompile import Compiler

if TYPE_CHECKING:
    from pydantic import BaseModel


class _Maker(shapes.Maker):
    def enum(self, name: str) -> Callable[[str], Any] | None:
        found = named(name)
        return found if isinstance(found, type) and issubclass(found, enum.Enum) else None

    def instance(self, name: str, fields: list[str]) -> Callable[[dict[str, Any], set[str]], Any] | None:
        from registry.models.construct import assemble, plain_model  # (pydantic's models: imports it)

        cls = named(name)
        if not plain_model(cls) or set(cls.__pydantic_fields__) != set(fields):
            return None  # another class, or other fields, than the shape was made from: never sure
        order = list(cls.__pydantic_fields__)

        def make(values: dict[str, Any], given: set[str]) -> Any:
            return assemble(cls, {name: values[name] for name in order}, given)
        return make


def named(name: str) -> Any:
    """The object ``module.qualname`` names (None if there is none)."""
    module, _, attribute = name.rpartition(".")
    while module:
        try:
            found: Any = importlib.import_module(module)
        except ImportError:
            attribute = f"{module.rpartition('.')[2]}.{attribute}"
            module = module.rpartition(".")[0]
            continue
        for part in attribute.split("."):
            found = getattr(found, part, None)
        return found
    return None


@functools.cache
def _builder(model: str) -> shapes.Check | None:
    return shapes.compiled(model, _Maker())


def surely_built(model: type[BaseModel], data: Any) -> BaseModel | None:
    """``model.model_validate(data)`` made without pydantic's validator if the shapes are sure
    the model accepts ``data``; None when they are not (then validate as usual)."""
    made = _built(_builder(model.__name__) if model.__name__ in shapes.MODELS else None, data)
    return made if type(made) is model else None


def _built(build: shapes.Check | None, data: Any, unsure: Any = None) -> Any:
    """What ``build`` makes of ``data``; ``unsure`` when the shapes are not sure (or have none)."""
    if build is None:
        return unsure
    try:
        return build(data)
    except (shapes.Unsure, RecursionError):
        return unsure
    except Exception:  # noqa: BLE001  (a shape that no longer fits its class: pydantic decides, as always)
        return unsure


class _TwinMaker(_Maker):
    """Makes plain twins (:mod:`registry.models.twins`) instead of models: no pydantic is imported.
    A twin's fields are in the model's order, which the shapes keep with the record codec's
    plans, and for every other model class (registry.yaml's) in ``orders`` (shapes.json lists a
    shape's fields by name); a class with neither is never sure."""

    def instance(self, name: str, fields: list[str]) -> Callable[[dict[str, Any], set[str]], Any] | None:
        from registry.models import twins

        found = shapes.shapes()
        plan = found.get("plans", {}).get(name) if found is not None else None
        names = plan["names"] if plan is not None else found.get("orders", {}).get(name) if found is not None else None
        if not isinstance(names, list) or sorted(names) != sorted(fields):
            return None
        order = tuple(names)
        cls = twins.twin_class(name, order)

        def make(values: dict[str, Any], given: set[str]) -> Any:
            return twins.made(cls, {field: values[field] for field in order}, given)
        return make


@functools.cache
def _twin_builder(model: str) -> shapes.Check | None:
    return shapes.compiled(model, _TwinMaker())


def surely_twin(model: str, data: Any) -> Any:
    """The twin (:mod:`registry.models.twins`) of what ``<model>.model_validate(data)`` makes, for a
    ``model`` of :data:`registry.shapes.MODELS` (``"System"`` …), made without pydantic if the
    shapes are sure the model accepts ``data``; None when they are not (then validate as usual
    and make the twin of the model)."""
    made = _built(_twin_builder(model) if model in shapes.MODELS else None, data)
    expected = shapes.MODELS[model].replace(":", ".")
    return made if getattr(type(made), "__twin_model__", None) == expected else None


class _Entries:
    """A record model (fields alone) made from its entries one by one, each entry's value made
    once per run and remembered by the entry's piece of text (:func:`registry.fastyaml.read_pieces`:
    the piece decides key and value, and a field's shape looks at nothing else): what
    :func:`surely_twin` makes of the whole mapping — the same checks, defaults and twin — while a
    run reading the versions of a record, or records that share entries, makes each entry once.
    The values are shared between the records holding the same entry, as a record's copies share
    theirs (records are never changed)."""

    _MAX_REMEMBERED = 100_000

    def __init__(self, fields: dict[str, shapes.Check], required: frozenset[str],
                 defaults: dict[str, Callable[[], Any]], make: Callable[[dict[str, Any], set[str]], Any]) -> None:
        self.fields, self.required, self.defaults, self.make = fields, required, defaults, make
        self.order = list(fields)
        self._made: dict[str, Any] = {}  # piece of text → the entry's value as the model makes it (_UNSURE: not sure)

    def twin(self, data: dict[str, Any], pieces: list[str]) -> Any:
        values: dict[str, Any] = {}
        made = self._made
        for piece, (key, value) in zip(pieces, data.items(), strict=True):
            found = made.get(piece, _NOT_MADE)
            if found is _NOT_MADE:
                found = self._value(key, value)
                if len(made) >= self._MAX_REMEMBERED:
                    made.clear()
                made[piece] = found
            if found is _UNSURE:
                return None
            values[key] = found
        if not self.required <= values.keys():
            return None
        return self.make({name: values[name] if name in values else self.defaults[name]() for name in self.order},
                         set(values))

    def _value(self, key: str, value: Any) -> Any:
        # (no field of that name: unknown keys are refused, extra="forbid"; pydantic says which)
        return _built(self.fields.get(key), value, _UNSURE)


_NOT_MADE = object()
_UNSURE = object()


def _entries(model: str) -> _Entries | None:
    """:class:`_Entries` of a record model whose shape is an instance of a model of fields alone,
    made once from the shapes in force (shapes read afresh make them afresh)."""
    return shapes.made_once(_ENTRIES, model, _entries_of)


_ENTRIES: dict[str, tuple[dict[str, Any], _Entries | None]] = {}  # model → (the shapes, its entries)


def _entries_of(found: dict[str, Any], model: str) -> _Entries | None:
    compiler = Compiler(found["defs"], _TwinMaker())
    node = found["models"][model]
    while node.get("t") == "ref":
        node = found["defs"][node["name"]]
    inner = node.get("s", {})
    if node.get("t") != "instance" or inner.get("t") != "model":
        return None
    fields, required = compiler.model_fields(inner)
    make = _TwinMaker().instance(node["cls"], list(fields))
    if make is None:
        return None
    defaults = {name: compiler.default_of(shape) for name, (needed, shape) in inner["fields"].items() if not needed}
    return _Entries(fields, required, defaults, make)


def twin_by_entries(model: str, data: dict[str, Any], pieces: list[str]) -> Any:
    """:func:`surely_twin` of ``data`` read by :func:`registry.fastyaml.read_pieces` with ``pieces``
    (each entry made once per run, see :class:`_Entries`); None when not sure."""
    entries = _entries(model) if model in shapes.MODELS else None
    made = entries.twin(data, pieces) if entries is not None else None
    expected = shapes.MODELS[model].replace(":", ".")
    return made if getattr(type(made), "__twin_model__", None) == expected else None
