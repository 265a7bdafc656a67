"""Whether a model surely accepts some data — answered without importing pydantic, or "not sure".

``inventory --history`` on a history it has not read before validates registry.yaml and every
system record blob of the history. pydantic answers exactly, but importing it and building the
models (and, for registry.yaml, the rule modules) costs several times what the history itself
costs. The answer to "is this a valid system?" for data as YAML gives it (mappings, lists,
text, numbers, booleans, dates, null) is fixed by the models' pydantic *core schemas*, which are
plain data: :func:`generate` (run by tests/test_shapes.py, which fails when the committed copy
is out of date) reduces them to ``shapes.json`` — types, patterns, lengths, bounds, enums,
literals, required fields, unknown keys refused — and :func:`surely_valid` walks the data
against it.

It only ever answers "valid" when pydantic would accept the data too; everything else is "not
sure" and the caller asks pydantic. A validator function in a model (a ``BeforeValidator``,
``field_validator``, ``model_validator`` …) is ``opaque`` — not sure — unless it is one of the
few :data:`KNOWN_FUNCTIONS`, identified by name *and* by the digest of its source, whose effect
is re-stated here (an edited function no longer matches: opaque until someone re-states it).
Any part of a core schema the reduction does not know is opaque too. Invalid data is always
"not sure": the error message is pydantic's to give.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

SHAPES_FILE = Path(__file__).with_name("shapes.json")
FORMAT = 1
MODELS = {"System": "registry.models.system:System", "RegistryConfig": "registry.models.config:RegistryConfig"}
# Validator functions whose effect is re-stated below: (module.qualname, sha256 of the source) → tag.
KNOWN_FUNCTIONS = {
    ("registry.models.base._date_from_text", "1e346d73"): "date_text",
    ("registry.models.base._whole_number", "b2e2c828"): "whole_number",
    ("registry.models.config.RegistryConfig._at_least_one", "9184ec5f"): "non_empty",
}
# What registry.loader.config_from checks beyond the model (see registry.configfacts), by digest.
CONFIG_CHECKS = ("registry.loader:config_from", "registry.loader:config_reference_errors",
                 "registry.loader:calendar_errors", "registry.engine:select_rules", "registry.engine:_disabled",
                 "registry.engine:_parameters")
# Their digests when registry.configfacts.surely_valid_facts was written against them: a change to
# any of them turns the fast way off (shapes.json records the current ones) until it is re-stated.
KNOWN_CONFIG_CHECKS = {
    "registry.engine:_disabled": "bf511f2f", "registry.engine:_parameters": "08aebe97",
    "registry.engine:select_rules": "38e4d6bd", "registry.loader:calendar_errors": "caa75a45",
    "registry.loader:config_from": "4f56b764",
    "registry.loader:config_reference_errors": "5700d94a",
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Unsure(Exception):
    pass


# -- asking -----------------------------------------------------------------------------------


@functools.cache
def shapes() -> dict[str, Any] | None:
    """The committed reduction (None if missing or of another format: then never sure)."""
    try:
        found = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("format") == FORMAT else None


def surely_valid(model: str, data: Any) -> bool:
    """True only if ``model`` (a key of :data:`MODELS`) accepts ``data`` for sure."""
    found = shapes()
    if found is None or model not in found["models"]:
        return False
    try:
        _check(found["defs"], found["models"][model], data)
    except (_Unsure, RecursionError):
        return False
    return True


def _check(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    """Raises :class:`_Unsure` unless ``node`` surely accepts ``value``; returns the value as
    the validators before the type check would pass it on (a date written as text)."""
    kind = node["t"]
    check = _CHECKS.get(kind)
    if check is None:
        raise _Unsure
    return check(defs, node, value)


def _str(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not str or (not value.isascii() and not _encodable(value)):
        raise _Unsure  # (a lone surrogate, from an escape, is no text pydantic accepts)
    if "pattern" in node and ("\n" in value or re.search(node["pattern"], value) is None):
        raise _Unsure  # a line break: where ``$`` matches differs between regex engines
    _length(node, value)
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _length(node: dict[str, Any], value: Any) -> None:
    if len(value) < node.get("min_length", 0) or len(value) > node.get("max_length", math.inf):
        raise _Unsure


def _number(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    wanted = (int,) if node["t"] == "int" else (float,)
    if type(value) not in wanted or (type(value) is float and not math.isfinite(value)):
        raise _Unsure
    for bound, holds in (("ge", value.__ge__), ("le", value.__le__), ("gt", value.__gt__), ("lt", value.__lt__)):
        if bound in node and holds(node[bound]) is not True:
            raise _Unsure
    return value


def _bool(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not bool:
        raise _Unsure
    return value


def _date(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not dt.date:
        raise _Unsure
    return value


def _date_text(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    """models.base._date_from_text: text ``YYYY-MM-DD`` that is a date becomes that date."""
    if type(value) is str and _ISO_DATE.fullmatch(value):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    return _check(defs, node["s"], value)


def _whole_number(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is float:
        raise _Unsure  # 3.0 would become 3: rare enough to leave to pydantic
    return _check(defs, node["s"], value)


def _non_empty(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    value = _check(defs, node["s"], value)
    if not value:
        raise _Unsure
    return value


def _nullable(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    return None if value is None else _check(defs, node["s"], value)


def _list(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not list:
        raise _Unsure
    _length(node, value)
    return [_check(defs, node["s"], item) for item in value]


def _dict(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not dict:
        raise _Unsure
    _length(node, value)
    return {_check(defs, node["k"], k): _check(defs, node["v"], v) for k, v in value.items()}


def _model(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not dict:
        raise _Unsure
    fields = node["fields"]
    if any(type(key) is not str or key not in fields for key in value):
        raise _Unsure  # unknown keys are refused (extra="forbid"); pydantic says which
    out = {}
    for name, (required, shape) in fields.items():
        if name in value:
            out[name] = _check(defs, shape, value[name])
        elif required:
            raise _Unsure
    return out


def _union(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    for choice in node["of"]:
        try:
            return _check(defs, choice, value)
        except _Unsure:
            continue
    raise _Unsure


def _literal(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if not any(type(value) is type(option) and value == option for option in node["values"]):
        raise _Unsure
    return value


def _enum(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    if type(value) is not str or value not in node["values"]:
        raise _Unsure
    return value


def _ref(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    return _check(defs, defs[node["name"]], value)


def _any(defs: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    return value


_CHECKS = {
    "str": _str, "int": _number, "float": _number, "bool": _bool, "date": _date, "date_text": _date_text,
    "whole_number": _whole_number, "non_empty": _non_empty, "nullable": _nullable, "list": _list,
    "dict": _dict, "model": _model, "union": _union, "literal": _literal, "enum": _enum, "ref": _ref,
    "any": _any,
}


# -- generating (imports pydantic and the models: tests and ``python -m registry.shapes``) ------


def generate() -> dict[str, Any]:
    """The reduction of :data:`MODELS`' core schemas (see the module docstring)."""
    import importlib

    from registry.shapegen import Reducer

    reducer = Reducer(KNOWN_FUNCTIONS)
    models = {}
    for name, where in MODELS.items():
        module, _, attr = where.partition(":")
        models[name] = reducer.reduce(getattr(importlib.import_module(module), attr).__pydantic_core_schema__)
    checks = {}
    for where in CONFIG_CHECKS:
        module, _, attr = where.partition(":")
        checks[where] = source_digest(getattr(importlib.import_module(module), attr))
    from registry.models import RegistryConfig
    from registry.pluginsources import plug_in_profiles
    from registry.rules.profiles import SELECTABLE

    assert not plug_in_profiles(), "generate the shapes where no plug-in profile is installed"
    return {"format": FORMAT, "models": models, "defs": reducer.defs, "config_checks": checks,
            "profiles": sorted(SELECTABLE),
            "defaults": {"RegistryConfig.base_branch": RegistryConfig.model_fields["base_branch"].default}}


def source_digest(function: Any) -> str:
    """The first 8 hex digits of the sha256 of a function's source."""
    import inspect

    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:8]


def render(found: dict[str, Any]) -> str:
    return json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":  # python -m registry.shapes: rewrite shapes.json from the models
    SHAPES_FILE.write_text(render(generate()), encoding="utf-8")
    sys.exit(0)
