"""The names of the fields set in a model (pydantic's ``__pydantic_fields_set__``), one object
shared by every model with the same names: a registry of 20,000 records holds some 600,000
models, and a set per model was 40 % of their memory (:func:`share_field_sets`, called by the
loader on every record it validates or constructs)."""
from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


class FieldNames(set[str]):
    """The names of a model's fields set in its file (pydantic's ``__pydantic_fields_set__``),
    one object shared by every model with the same names. A registry of 20,000 records holds
    some 600,000 models, and a set per model was 40 % of their memory. Models are frozen, so
    pydantic never adds to it; a copy (``model_copy``) gets a plain set of its own, and any
    other attempt to change the shared set is refused rather than changing every model's."""

    __slots__ = ()

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("the field names of a loaded record are shared and cannot change")

    add = discard = remove = pop = clear = update = _refuse
    intersection_update = difference_update = symmetric_difference_update = _refuse
    __ior__ = __iand__ = __isub__ = __ixor__ = _refuse

    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> set[str]:
        return set(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return shared_field_names, (tuple(self),)  # unpickled (from the record cache) as the shared one


_SHARED_NAMES: dict[frozenset[str], FieldNames] = {}  # a few hundred distinct sets


def shared_field_names(names: Iterable[str]) -> FieldNames:
    """The one :class:`FieldNames` object holding exactly ``names``."""
    key = frozenset(names)
    shared = _SHARED_NAMES.get(key)
    if shared is None:
        shared = _SHARED_NAMES[key] = FieldNames(key)
    return shared


def share_field_sets(model: BaseModel) -> None:
    """Replace the field-name set of ``model`` and of every model inside it by the shared one."""
    from pydantic import BaseModel  # (loaded: ``model`` is one)

    pending: list[Any] = [model]
    last_shared, holders_of, set_attribute = _LAST_SHARED, _HOLDERS, object.__setattr__
    while pending:
        value = pending.pop()
        kind = type(value)
        holders = holders_of.get(kind)
        if holders is None and isinstance(value, BaseModel):
            holders = model_holders(kind)
        if holders is not None:  # a model (its kind's holders are known once it has been seen)
            names = value.__pydantic_fields_set__
            shared = last_shared.get(kind)
            if shared is None or shared != names:  # (models of a kind mostly set the same fields)
                shared = last_shared[kind] = shared_field_names(names)
            set_attribute(value, "__pydantic_fields_set__", shared)
            if holders:
                fields = value.__dict__
                pending += [inner for name in holders if (inner := fields[name]) is not None]
        elif isinstance(value, (list, tuple)):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())


_LAST_SHARED: dict[type[BaseModel], FieldNames] = {}  # per model class, the set its last model shared
_HOLDERS: dict[type[BaseModel], tuple[str, ...]] = {}


def model_holders(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that may hold a model (a record has some 30 models and 150
    values: only these are walked)."""
    found = _HOLDERS.get(model)
    if found is None:
        found = _HOLDERS[model] = tuple(name for name, info in model.model_fields.items()
                                        if not _plain_value(info.annotation))
    return found


_PLAIN_TYPES = (str, int, float, bool, dt.date, type(None))


def _plain_value(annotation: Any) -> bool:
    """Whether a value of this type annotation can never be or contain a model: texts,
    numbers, dates, enumerations, and optional values or lists of these."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _plain_value(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return all(_plain_value(arg) for arg in typing.get_args(annotation))
    return isinstance(annotation, type) and (issubclass(annotation, _PLAIN_TYPES) or issubclass(annotation, enum.Enum))
