"""A record model made from data its shape surely accepts, without pydantic's validator.

``model_validate`` first builds the model's validator (some 20 ms for System and Project, and
pydantic's plug-in loader imports ``importlib.metadata`` then): most of a ``registry check`` of
three edited files. Where :mod:`registry.shapes` is sure the model accepts the data, the model
is made here instead — exactly what ``model_validate`` makes: the same field values of the same
types (dates, enumeration members, floats for integers in float fields, nested models, new
lists), the same defaults, the same ``model_fields_set`` at every level, the same instance
attributes. Anything the shapes are not sure of is ``None``, and the caller asks pydantic, whose
answer and error messages stay the only ones (tests/test_construct.py compares both ways).
"""
from __future__ import annotations

import enum
import functools
import importlib
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from registry import shapes

_set_attribute = object.__setattr__


class _Maker(shapes.Maker):
    def enum(self, name: str) -> Callable[[str], Any] | None:
        found = _named(name)
        return found if isinstance(found, type) and issubclass(found, enum.Enum) else None

    def instance(self, name: str, fields: list[str]) -> Callable[[dict[str, Any], set[str]], Any] | None:
        cls = _named(name)
        if not plain_model(cls) or set(cls.__pydantic_fields__) != set(fields):
            return None  # another class, or other fields, than the shape was made from: never sure
        order = list(cls.__pydantic_fields__)

        def make(values: dict[str, Any], given: set[str]) -> Any:
            return assemble(cls, {name: values[name] for name in order}, given)
        return make


def assemble(cls: type[Any], values: dict[str, Any], fields_set: set[str]) -> Any:
    """A model of ``cls`` (a :func:`plain_model`) holding ``values`` — every field, in the
    order of ``cls.__pydantic_fields__``, each already what the model's validator would make
    of it — with ``fields_set`` as its ``model_fields_set``: the instance ``model_validate``
    makes, attribute for attribute, without running it."""
    model = object.__new__(cls)
    _set_attribute(model, "__dict__", values)
    _set_attribute(model, "__pydantic_fields_set__", fields_set)
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


def _named(name: str) -> Any:
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


def plain_model(cls: Any) -> bool:
    """A model whose instances are its fields alone: no private attributes, no ``__init__`` or
    post-init of its own, unknown keys refused (what :mod:`registry.shapes` reduced)."""
    return (isinstance(cls, type) and issubclass(cls, BaseModel) and not cls.__private_attributes__
            and cls.__pydantic_post_init__ is None and cls.__init__ is BaseModel.__init__
            and cls.model_config.get("extra") == "forbid")


@functools.cache
def _builder(model: str) -> shapes.Check | None:
    return shapes.compiled(model, _Maker())


def surely_built(model: type[BaseModel], data: Any) -> BaseModel | None:
    """``model.model_validate(data)`` made without pydantic's validator if the shapes are sure
    the model accepts ``data``; None when they are not (then validate as usual)."""
    build = _builder(model.__name__) if model.__name__ in shapes.MODELS else None
    if build is None:
        return None
    try:
        made = build(data)
    except (shapes.Unsure, RecursionError):
        return None
    return made if type(made) is model else None
