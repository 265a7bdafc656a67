"""Rule parameters at their defaults, made without pydantic — or "not sure".

A registry.yaml that sets no ``parameters`` gives every rule its parameter class called with
nothing (:func:`registry.engine.select_rules`: ``r.params()``). That call builds the class's
pydantic model (:mod:`registry.rules.paramkit`), and building a score of them, with importing
pydantic, costs a cold ``registry diff`` more than its rules. What the call hands out is known
without it when the class is plain: pydantic does not validate defaults (no ``validate_default``
anywhere), so each field holds its declared default as it is, and only an ``after`` model
validator runs on the instance — run here on the plain instance, which holds the same values.

Sure only when everything the instance depends on is known: a class declared with paramkit
alone (no pydantic base, no model configuration of its own, no private attribute, constructor,
post-init or computed field), every field a default of an immutable scalar type (text, number,
boolean, None) given as paramkit's ``Field(default, …)`` or as the bare value, no field
validator asked to validate defaults, and model validators only of mode ``after`` that return
the instance they were given. Anything else is None: the caller asks pydantic, whose answer
(and error) stays the only one. tests/test_d25_pydantic_free.py compares every shipped class.
"""
from __future__ import annotations

import sys
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from registry.rules import paramkit

if TYPE_CHECKING:
    from registry.engine import Selection

_SCALARS = (str, int, float, bool, type(None))  # immutable: pydantic hands out the default itself
_MISSING = object()


def default_params(cls: type) -> Any:
    """What ``cls()`` hands out for the parameter class ``cls``, made without pydantic; None
    when not sure (see the module)."""
    chain = [base for base in cls.__mro__ if base not in (object, paramkit.Params)]
    if not isinstance(cls, paramkit.ParamsMeta) or not all(isinstance(base, paramkit.ParamsMeta) for base in chain):
        return None
    values: dict[str, Any] = {}
    after: list[Any] = []
    for base in reversed(chain):  # (pydantic's order: fields of the bases first, overridden in place)
        namespace = vars(base)
        if not _plain_namespace(namespace, after):
            return None
        scope = dict(vars(sys.modules[base.__module__])) if base.__module__ in sys.modules else {}
        for name, hint in namespace.get("__annotations__", {}).items():
            default = _default(namespace.get(name, _MISSING), paramkit._evaluated(hint, scope))
            if default is _MISSING:
                return None
            values[name] = default
    made: Any = object.__new__(cls)  # type: ignore[arg-type]
    object.__setattr__(made, "__dict__", values)  # as paramkit hands out a validated instance
    for validator in after:
        try:
            if validator(made) is not made:
                return None
        except Exception:  # noqa: BLE001  (refused: pydantic says how)
            return None
    return made


def _plain_namespace(namespace: Mapping[str, Any], after: list[Any]) -> bool:
    """Whether a class body holds nothing but fields, docs and known validators (an ``after``
    model validator is added to ``after``; a field validator never runs on a default)."""
    fields = namespace.get("__annotations__", {})
    for key, value in namespace.items():
        if key in fields or key in ("__module__", "__qualname__", "__doc__", "__annotations__", "__dict__",
                                    "__weakref__", "__firstlineno__", "__static_attributes__", paramkit._BUILT):
            continue  # (paramkit keeps the pydantic model it built from the class under _BUILT)
        if not isinstance(value, paramkit._Validator):
            return False  # model_config, a private attribute, __init__, a built model …: not sure
        if value.kind == "model":
            if value.kwargs != {"mode": "after"}:
                return False  # (a ``before`` or ``wrap`` one sees the data, which is none here)
            after.append(value.func)
    return True


def _default(declared: Any, hint: Any) -> Any:
    """A field's default as pydantic keeps it; _MISSING when there is none or it is not sure."""
    if _validates_default(hint):
        return _MISSING
    if isinstance(declared, paramkit._FieldSpec):
        kwargs = declared.kwargs
        if kwargs.get("validate_default") or "default_factory" in kwargs:
            return _MISSING
        if declared.args:
            if len(declared.args) != 1 or "default" in kwargs:
                return _MISSING
            declared = declared.args[0]
        else:
            declared = kwargs.get("default", _MISSING)
    elif isinstance(declared, paramkit._StandIn):
        return _MISSING
    if declared is ... or type(declared) not in _SCALARS:
        return _MISSING  # required (``Field(...)``), or a value pydantic would copy
    return declared


def _validates_default(hint: Any) -> bool:
    """Whether an annotation may do more to a default than keep it: one that could not be
    evaluated, a class variable (no field at all), or ``Annotated`` metadata that gives a
    default or asks for it to be validated."""
    if isinstance(hint, str) or typing.get_origin(hint) is typing.ClassVar or hint is typing.ClassVar:
        return True
    if typing.get_origin(hint) is typing.Annotated:
        for meta in hint.__metadata__:
            if isinstance(meta, paramkit._FieldSpec) and (meta.kwargs.get("validate_default") or meta.args
                                                          or "default" in meta.kwargs):
                return True
    return False


def plain_selection(config: Any) -> Selection | None:
    """:func:`registry.engine.select_rules` of a configuration that sets no parameters and
    disables no rule, every rule's parameters made by :func:`default_params`; None when that is
    not sure of one of them (or the configuration sets either: then ``select_rules``)."""
    from registry.engine import Selection
    from registry.rules import RULES
    from registry.rules.profiles import SELECTABLE

    if config.parameters or config.disabled_rules or not set(config.profiles) <= set(SELECTABLE):
        return None
    chosen = []
    for rule in RULES.of_profiles({"common", *config.profiles}):
        params = default_params(rule.params)
        if params is None:
            return None
        chosen.append((rule, params))
    return Selection(chosen, list(config.profiles), [])
