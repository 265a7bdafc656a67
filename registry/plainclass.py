"""Data classes declared as with :mod:`dataclasses`, made without generating code.

``dataclasses.dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``
and (frozen) ``__setattr__`` as source text and compiles it — 0.4–0.9 ms a class, and importing
:mod:`dataclasses` imports :mod:`inspect` (with ``ast``, ``dis``, ``tokenize``). The commit hook
imports some fifty such classes before checking three files, so they cost more than the check.
Here the same declarations (``@dataclass(frozen=…, eq=…, order=…)``, fields with defaults,
:func:`field` with ``default_factory``/``compare``/``repr``, ``__post_init__``, inheritance) get
shared, ready-made methods that read the class's field table: same constructor signature
(positional or keyword), same ``==``/hash/order over the compared fields, same ``repr``,
frozen instances refuse assignment with :class:`dataclasses.FrozenInstanceError`.
:func:`dataclasses.fields`, :func:`dataclasses.replace` and :func:`dataclasses.asdict` work on
them too: ``__dataclass_fields__`` is made (with :mod:`dataclasses`, imported then) the first
time it is asked for. Type checkers see a dataclass (:func:`typing.dataclass_transform`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")
_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()
_FIELDS = "__plain_fields__"  # the class's fields in order (inherited first), as _Spec tuples


class _Spec:
    """One field: its name, annotation text, default (or factory) and whether ``==``/``repr`` use it."""

    __slots__ = ("name", "type", "default", "factory", "compare", "repr")

    def __init__(self, name: str, type_: object, default: Any = _MISSING, factory: Any = _MISSING,
                 compare: bool = True, repr: bool = True) -> None:
        self.name, self.type, self.default, self.factory = name, type_, default, factory
        self.compare, self.repr = compare, repr


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True,
          repr: bool = True) -> Any:
    """A field's options, as :func:`dataclasses.field` takes them (the ones used here)."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Spec("", None, default, default_factory, compare, repr)


@overload
def dataclass(cls: type[T], /) -> type[T]: ...


@overload
def dataclass(*, frozen: bool = False, eq: bool = True, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def dataclass(cls: type[T] | None = None, /, *, frozen: bool = False, eq: bool = True,
              order: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """``@dataclass`` or ``@dataclass(frozen=True, eq=False, order=True)`` (see the module)."""

    def make(cls: type[T]) -> type[T]:
        _make(cls, frozen=frozen, eq=eq, order=order)
        return cls

    return make if cls is None else make(cls)


def _declared(base: type) -> tuple[_Spec, ...]:
    """The fields a base class declares: a plain data class's, or a :mod:`dataclasses` one's."""
    if _FIELDS in base.__dict__:
        return tuple(base.__dict__[_FIELDS])
    made = base.__dict__.get("__dataclass_fields__")
    if not isinstance(made, dict):
        return ()
    import dataclasses  # (a stdlib data class as a base: dataclasses is imported already)

    def given(value: Any) -> Any:
        return _MISSING if value is dataclasses.MISSING else value

    return tuple(_Spec(f.name, f.type, given(f.default), given(f.default_factory), f.compare, f.repr)
                 for f in made.values() if f._field_type is dataclasses._FIELD)  # type: ignore[attr-defined]


def _own_fields(cls: type) -> list[_Spec]:
    found = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Spec):
            spec = _Spec(name, annotation, value.default, value.factory, value.compare, value.repr)
            if value.default is _MISSING:
                delattr(cls, name)  # as dataclasses: no class attribute for a field without a default
            else:
                setattr(cls, name, value.default)
        else:
            spec = _Spec(name, annotation, value)
        found.append(spec)
    return found


def _make(cls: type, *, frozen: bool, eq: bool, order: bool) -> None:
    inherited: dict[str, _Spec] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update((spec.name, spec) for spec in _declared(base))
    inherited.update((spec.name, spec) for spec in _own_fields(cls))
    specs = tuple(inherited.values())
    seen_default = None
    for spec in specs:
        if spec.default is not _MISSING or spec.factory is not _MISSING:
            seen_default = spec.name
        elif seen_default is not None:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
    setattr(cls, _FIELDS, specs)
    setattr(cls, "__match_args__", tuple(spec.name for spec in specs))
    setattr(cls, "__dataclass_fields__", _DataclassFields())
    setattr(cls, "__dataclass_params__", _DataclassParams((eq, order, frozen)))
    setattr(cls, "__signature__", _Signature())
    if cls.__doc__ is None:  # as dataclasses: the constructor's signature (text made when read)
        setattr(cls, "__doc__", _Doc())
    _set(cls, "__init__", _init)
    _set(cls, "__repr__", _repr)
    compared = tuple(spec.name for spec in specs if spec.compare)
    setattr(cls, "__plain_compared__", compared)
    if eq:
        _set(cls, "__eq__", _eq)
        if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
            setattr(cls, "__hash__", _hash if frozen else None)
    if order:
        for name, method in (("__lt__", _lt), ("__le__", _le), ("__gt__", _gt), ("__ge__", _ge)):
            _set(cls, name, method)
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in cls.__dict__:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        setattr(cls, "__setattr__", _frozen_setattr)
        setattr(cls, "__delattr__", _frozen_delattr)


def _set(cls: type, name: str, method: Callable[..., Any]) -> None:
    if name not in cls.__dict__:  # a method the class writes itself wins, as with dataclasses
        setattr(cls, name, method)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    specs: tuple[_Spec, ...] = getattr(type(self), _FIELDS)
    if len(args) > len(specs):
        raise TypeError(f"{type(self).__qualname__}.__init__() takes {len(specs) + 1} positional arguments "
                        f"but {len(args) + 1} were given")
    values = self.__dict__
    for spec, value in zip(specs, args):
        values[spec.name] = value
    for spec in specs[len(args):]:
        name = spec.name
        if name in kwargs:
            values[name] = kwargs.pop(name)
        elif spec.default is not _MISSING:
            values[name] = spec.default
        elif spec.factory is not _MISSING:
            values[name] = spec.factory()
        else:
            raise TypeError(f"{type(self).__qualname__}.__init__() missing 1 required positional argument: {name!r}")
    if kwargs:
        name = next(iter(kwargs))
        if any(spec.name == name for spec in specs):
            raise TypeError(f"{type(self).__qualname__}.__init__() got multiple values for argument {name!r}")
        raise TypeError(f"{type(self).__qualname__}.__init__() got an unexpected keyword argument {name!r}")
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _repr(self: Any) -> str:
    shown = ", ".join(f"{spec.name}={getattr(self, spec.name)!r}" for spec in getattr(type(self), _FIELDS) if spec.repr)
    return f"{type(self).__qualname__}({shown})"


def _key(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in type(self).__plain_compared__)


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _key(self) == _key(other)


def _hash(self: Any) -> int:
    return hash(_key(self))


def _lt(self: Any, other: object) -> Any:
    return _key(self) < _key(other) if other.__class__ is self.__class__ else NotImplemented


def _le(self: Any, other: object) -> Any:
    return _key(self) <= _key(other) if other.__class__ is self.__class__ else NotImplemented


def _gt(self: Any, other: object) -> Any:
    return _key(self) > _key(other) if other.__class__ is self.__class__ else NotImplemented


def _ge(self: Any, other: object) -> Any:
    return _key(self) >= _key(other) if other.__class__ is self.__class__ else NotImplemented


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    import dataclasses

    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


class _DataclassFields:
    """``__dataclass_fields__`` made on first use, for :func:`dataclasses.fields`/``replace``/
    ``asdict`` (whoever calls them has imported :mod:`dataclasses` already)."""

    def __get__(self, instance: object, owner: type) -> dict[str, Any]:
        made = owner.__dict__.get("__plain_dataclass_fields__")
        if made is None:
            made = _dataclass_fields(owner)
            type.__setattr__(owner, "__plain_dataclass_fields__", made)
        return made


class _DataclassParams:
    """``__dataclass_params__`` made on first use: :mod:`dataclasses` reads it of every data-class
    base when a stdlib data class inherits from a plain one."""

    def __init__(self, options: tuple[bool, bool, bool]) -> None:
        self.options = options

    def __get__(self, instance: object, owner: type) -> Any:
        import dataclasses

        eq, order, frozen = self.options
        return dataclasses._DataclassParams(True, True, eq, order, False, frozen)  # type: ignore[attr-defined]


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"  # how dataclasses shows a default made by a factory


_FACTORY = _Factory()


class _Signature:
    """``__signature__`` of the class (:func:`inspect.signature`, help, IDEs): the constructor's
    parameters as :mod:`dataclasses` writes them, made when asked (importing :mod:`inspect` then)."""

    def __get__(self, instance: object, owner: type) -> Any:
        if instance is not None:
            raise AttributeError("__signature__")
        import inspect

        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        parameters = [inspect.Parameter(spec.name, kind, annotation=spec.type,
                                        default=spec.default if spec.default is not _MISSING else
                                        _FACTORY if spec.factory is not _MISSING else inspect.Parameter.empty)
                      for spec in getattr(owner, _FIELDS)]
        return inspect.Signature(parameters, return_annotation=None)


class _Doc:
    """A class's ``__doc__`` when it has no docstring: its name and signature, as dataclasses makes it."""

    def __get__(self, instance: object, owner: type) -> str:
        return owner.__name__ + str(getattr(owner, "__signature__")).replace(" -> None", "")


def _dataclass_fields(owner: type) -> dict[str, Any]:
    import dataclasses

    made: dict[str, Any] = {}
    for spec in getattr(owner, _FIELDS):
        options: dict[str, Any] = {"compare": spec.compare, "repr": spec.repr, "kw_only": False}
        if spec.default is not _MISSING:
            options["default"] = spec.default
        if spec.factory is not _MISSING:
            options["default_factory"] = spec.factory
        made_field: Any = dataclasses.field(**options)
        made_field.name, made_field.type = spec.name, spec.type
        made_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what fields() keeps
        made[spec.name] = made_field
    return made


def replace(obj: T, /, **changes: Any) -> T:
    """:func:`dataclasses.replace` without importing :mod:`dataclasses` (which does it for any
    other data class)."""
    if not hasattr(type(obj), _FIELDS):
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    for spec in getattr(type(obj), _FIELDS):
        if spec.name not in changes:
            changes[spec.name] = getattr(obj, spec.name)
    return type(obj)(**changes)


def field_names(cls: type) -> tuple[str, ...]:
    """The names of a plain data class's fields, in order (:func:`dataclasses.fields`' names)."""
    return tuple(spec.name for spec in getattr(cls, _FIELDS))


def field_types(cls: type) -> dict[str, object]:
    """Each field's annotation (the text written, under ``from __future__ import annotations``)."""
    return {spec.name: spec.type for spec in getattr(cls, _FIELDS)}


__all__ = ["dataclass", "field", "field_names", "field_types", "replace"]
