"""A model made from values that are already what its validator would make of them.

``model_validate`` builds the model's validator the first time it runs (some 20 ms for System
and Project, and pydantic's plug-in loader imports ``importlib.metadata`` then): most of a
``registry check`` of three edited files. Where the values are known to be exactly what the
validator would produce — data :mod:`registry.shapes` surely accepts, converted the way the
model converts it (:mod:`registry.shapebuild`), or plain data saved from a validated record —
:func:`assemble` makes the very instance ``model_validate`` makes, without running it.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_set_attribute = object.__setattr__


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


def plain_model(cls: Any) -> bool:
    """A model whose instances are its fields alone: no private attributes, no ``__init__`` or
    post-init of its own, unknown keys refused (what :mod:`registry.shapes` reduced)."""
    return (isinstance(cls, type) and issubclass(cls, BaseModel) and not cls.__private_attributes__
            and cls.__pydantic_post_init__ is None and cls.__init__ is BaseModel.__init__
            and cls.model_config.get("extra") == "forbid")
