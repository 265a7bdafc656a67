"""Rule parameter declarations that cost nothing until a value is validated.

A rule's parameters are declared as a class of :class:`Params` with annotated fields, as a
pydantic model is (``n: int = Field(3, ge=1, description=...)``), but declaring one builds no
pydantic model: a ``registry check`` whose configuration was validated before (see
:func:`registry.configfacts.checked_config`) gets its parameters back as plain instances of
these classes and never imports pydantic. The pydantic model of a parameter class is built
the first time something validates with it or asks for its pydantic API (``model_fields``,
``model_json_schema`` …, delegated to it): :func:`pydantic_model`.

What a parameter class yields when called (``XParams(n=5)``) is validated by that pydantic
model — same checks, same ``ValidationError`` — and then handed out as an instance of the
declared class holding the validated values (frozen, compared by value, ``model_dump``), so
rules see one kind of object whichever way the parameters came. A class whose pydantic model
is more than its fields (private attributes, its own ``__init__`` or post-init) hands out the
pydantic instance itself, exactly as before.

The built-in profiles declare with this module's :func:`Field`, :func:`model_validator`,
:func:`field_validator` and :class:`AfterValidator`, which stand for pydantic's and are
turned into them when the model is built. A third-party profile may declare with pydantic's own
(``from pydantic import Field``): those pass through unchanged (that profile imports pydantic
when its module is imported, which is all it costs).
"""
from __future__ import annotations

import functools
import operator
import sys
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")
_BUILT = "_pydantic_model_"  # the class attribute holding a parameter class's built model


class _StandIn:
    """A declaration made here that stands for a pydantic object (:meth:`pydantic`)."""

    def pydantic(self) -> Any:
        raise NotImplementedError


class _FieldSpec(_StandIn):
    __slots__ = ("args", "kwargs")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.args, self.kwargs = args, kwargs

    def pydantic(self) -> Any:
        from pydantic import Field as pydantic_field

        return pydantic_field(*self.args, **self.kwargs)


def Field(*args: Any, **kwargs: Any) -> Any:  # noqa: N802  (pydantic's name, for the same declarations)
    """pydantic's ``Field(...)`` (same arguments), made when the model is built."""
    return _FieldSpec(args, kwargs)


class AfterValidator(_StandIn):
    """pydantic's ``AfterValidator`` in an ``Annotated`` type (same argument)."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func

    def pydantic(self) -> Any:
        from pydantic import AfterValidator as pydantic_after

        return pydantic_after(self.func)


class _Validator(_StandIn):
    __slots__ = ("kind", "func", "args", "kwargs")

    def __init__(self, kind: str, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.kind, self.func, self.args, self.kwargs = kind, func, args, kwargs

    def pydantic(self) -> Any:
        import pydantic

        decorator: Any = pydantic.model_validator if self.kind == "model" else pydantic.field_validator
        return decorator(*self.args, **self.kwargs)(self.func)


def model_validator(*, mode: str) -> Callable[[_T], _T]:
    """pydantic's ``@model_validator(mode=...)``, applied when the model is built."""
    def mark(func: _T) -> _T:
        marked: Any = _Validator("model", func, (), {"mode": mode})
        return typing.cast(_T, marked)
    return mark


def field_validator(*fields: str, **kwargs: Any) -> Callable[[_T], _T]:
    """pydantic's ``@field_validator(*fields, ...)``, applied when the model is built."""
    def mark(func: _T) -> _T:
        marked: Any = _Validator("field", func, fields, kwargs)
        return typing.cast(_T, marked)
    return mark


class ParamsMeta(type):
    """The parameter classes' type: what a class does not have itself among pydantic's class API
    (``model_fields``, ``model_json_schema``, ``model_validate`` …) comes from its built model,
    and an instance of the built model counts as an instance of the class."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("model_") or name == "__get_pydantic_core_schema__":
            return getattr(pydantic_model(cls), name)
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")

    def __instancecheck__(cls, instance: Any) -> bool:
        if type.__instancecheck__(cls, instance):
            return True
        built = cls.__dict__.get(_BUILT)  # (never built: no instance of it can exist)
        return built is not None and isinstance(instance, built)


class Params(metaclass=ParamsMeta):
    """Base of every rule's parameter model: unknown names are refused, values are fixed and
    of their declared type (``true`` is not 1, ``"10"`` is not 10). Every numeric parameter
    declares its sensible range (``ge``/``gt`` and ``le``/``lt``) as data: a value outside it is
    a configuration error naming the range, and no date computation loops for long."""

    def __new__(cls, **values: Any) -> Any:
        return _handed_out(cls, pydantic_model(cls)(**values))

    def __init__(self, **values: Any) -> None:
        pass  # (made in __new__)

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        return _handed_out(cls, pydantic_model(cls).model_validate(data))

    def model_dump(self, **options: Any) -> dict[str, Any]:
        if not options:
            return dict(self.__dict__)
        dumped: dict[str, Any] = self._pydantic().model_dump(**options)
        return dumped

    def _pydantic(self) -> Any:
        """The pydantic instance holding these values (validated when this one was made)."""
        return pydantic_model(type(self)).model_construct(**self.__dict__)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("model_"):  # the rest of pydantic's instance API
            return getattr(self._pydantic(), name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._pydantic(), name, value)  # pydantic's own error: the instance is frozen
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        delattr(self._pydantic(), name)
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _remade, (type(self), dict(self.__dict__))


def _remade(cls: type[Params], values: dict[str, Any]) -> Params:
    """An instance of ``cls`` holding ``values`` (validated before it was pickled)."""
    made = object.__new__(cls)
    object.__setattr__(made, "__dict__", values)
    return made


def _handed_out(cls: type[Params], validated: Any) -> Any:
    """The instance of ``cls`` holding what pydantic validated; the pydantic instance itself
    when its model holds more than its fields."""
    if not _plain(pydantic_model(cls)):
        return validated
    return _remade(cls, dict(validated.__dict__))


@functools.cache
def _plain(model: Any) -> bool:
    from pydantic import BaseModel

    return (not model.__private_attributes__ and model.__pydantic_post_init__ is None
            and model.__init__ is BaseModel.__init__ and not model.__pydantic_computed_fields__)


def pydantic_model(cls: type) -> Any:
    """The pydantic model of the parameter class ``cls``, built at the first call."""
    built = cls.__dict__.get(_BUILT)
    if built is None:
        built = _build(cls)
        type.__setattr__(cls, _BUILT, built)
    return built


@functools.cache
def _root() -> Any:
    from pydantic import BaseModel, ConfigDict

    class Params(BaseModel):  # what the declared ``Params`` stands for
        model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    return Params


def _build(cls: type) -> Any:
    """A pydantic model with ``cls``'s name, module, fields and validators, on the models of its
    parameter-class bases (the root model for :class:`Params` itself)."""
    if cls is Params:
        return _root()
    bases = tuple(pydantic_model(base) if isinstance(base, ParamsMeta) else base for base in cls.__bases__)
    scope = dict(vars(sys.modules[cls.__module__])) if cls.__module__ in sys.modules else {}
    annotations = {name: _pydantic_type(_evaluated(hint, scope)) for name, hint in
                   cls.__dict__.get("__annotations__", {}).items()}
    namespace = {key: value.pydantic() if isinstance(value, _StandIn) else value
                 for key, value in cls.__dict__.items()
                 if key not in ("__dict__", "__weakref__", "__annotations__", _BUILT)}
    namespace["__annotations__"] = annotations
    return types.new_class(cls.__name__, bases, {}, lambda ns: ns.update(namespace))


def _evaluated(hint: Any, scope: dict[str, Any]) -> Any:
    """An annotation written as text (``from __future__ import annotations``) as the object it
    names in its module; left as text for pydantic to resolve when that fails."""
    if not isinstance(hint, str):
        return hint
    try:
        return eval(hint, scope)  # noqa: S307  (the declaring module's own annotation, as typing does)
    except Exception:  # noqa: BLE001
        return hint


def _pydantic_type(hint: Any) -> Any:
    """``hint`` with every stand-in of its ``Annotated`` metadata made pydantic's."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        metadata = [m.pydantic() if isinstance(m, _StandIn) else m for m in hint.__metadata__]
        return typing.Annotated[(_pydantic_type(args[0]), *metadata)]
    if not args:
        return hint
    inner = tuple(_pydantic_type(arg) for arg in args)
    if inner == args:
        return hint
    if origin is types.UnionType:
        return functools.reduce(operator.or_, inner)
    return hint.copy_with(inner) if hasattr(hint, "copy_with") else hint
