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
import operator
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

SHAPES_FILE = Path(__file__).with_name("shapes.json")
FORMAT = 1
MODELS = {"System": "registry.models.system:System", "Project": "registry.models.project:Project",
          "RegistryConfig": "registry.models.config:RegistryConfig"}
# Validator functions whose effect is re-stated below: (module.qualname, sha256 of the source) → tag.
KNOWN_FUNCTIONS = {
    ("registry.models.base._date_from_text", "1e346d73"): "date_text",
    ("registry.models.base._whole_number", "b2e2c828"): "whole_number",
    ("registry.models.config.RegistryConfig._at_least_one", "9184ec5f"): "non_empty",
    ("registry.models.project.Milestones._dates_to_mappings", "e46ad2cd"): "dates_to_mappings",
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


class Unsure(Exception):
    """The data is not surely accepted (it may be refused, or the shape cannot tell)."""


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
    check = _checker(model)
    if check is None:
        return False
    try:
        check(data)
    except (Unsure, RecursionError):
        return False
    return True


Check = Callable[[Any], Any]  # the value as the model reads it; raises Unsure unless its shape surely accepts it


class Maker:
    """What turns checked data into the model's own objects (:mod:`registry.models.construct`);
    without one, a compiled shape only checks (and needs no pydantic)."""

    def enum(self, name: str) -> Callable[[str], Any] | None:
        """The enumeration class ``name`` (``module.qualname``); None if there is none."""
        raise NotImplementedError

    def instance(self, name: str, fields: list[str]) -> Callable[[dict[str, Any], set[str]], Any] | None:
        """A function making a model of class ``name`` (whose fields, in order, are ``fields``)
        from its field values (every field, in that order) and the names set in the data; None
        if that class cannot be made so (then never sure)."""
        raise NotImplementedError


@functools.cache
def _checker(model: str) -> Check | None:
    """The shape of ``model`` made into nested functions, once per run."""
    return compiled(model, None)


def compiled(model: str, maker: Maker | None) -> Check | None:
    """The shape of ``model`` as nested functions returning what the model would make of the
    data (with ``maker``: the model itself) or raising :class:`Unsure`; None if there is none."""
    found = shapes()
    if found is None or model not in found["models"]:
        return None
    return _Compiler(found["defs"], maker).compile(found["models"][model])


# Every type of value data read from YAML or JSON may hold (mappings, lists, text, numbers,
# booleans, dates, null): what a shape that says nothing about types (opaque, any) may receive.
_ALL_TYPES = frozenset({dict, list, str, int, float, bool, dt.date, dt.datetime, type(None)})


class _Compiler:
    def __init__(self, defs: dict[str, Any], maker: Maker | None) -> None:
        self.defs = defs
        self.maker = maker  # None: check only (the values returned are the data's own)
        self.named: dict[str, Check] = {}

    def compile(self, node: dict[str, Any]) -> Check:
        make = getattr(self, "_" + str(node.get("t")), None)
        return make(node) if make is not None else _never

    def _ref(self, node: dict[str, Any]) -> Check:
        name = node["name"]
        if name not in self.named:
            self.named[name] = _never  # (a model reaching itself: not sure)
            self.named[name] = self.compile(self.defs[name])
        return self.named[name]

    def _str(self, node: dict[str, Any]) -> Check:
        pattern = re.compile(node["pattern"]).search if "pattern" in node else None
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> Any:
            if type(value) is not str or (not value.isascii() and not _encodable(value)):
                raise Unsure  # (a lone surrogate, from an escape, is no text pydantic accepts)
            if pattern is not None and ("\n" in value or pattern(value) is None):
                raise Unsure  # a line break: where ``$`` matches differs between regex engines
            if not shortest <= len(value) <= longest:
                raise Unsure
            return value
        return check

    def _int(self, node: dict[str, Any]) -> Check:
        return _number(node, int)

    def _float(self, node: dict[str, Any]) -> Check:
        return _number(node, float)

    def _bool(self, node: dict[str, Any]) -> Check:
        return _of_type(bool)

    def _date(self, node: dict[str, Any]) -> Check:
        return _of_type(dt.date)  # exactly a date: never a date with a time

    def _any(self, node: dict[str, Any]) -> Check:
        return _anything

    def _date_text(self, node: dict[str, Any]) -> Check:
        """models.base._date_from_text: text ``YYYY-MM-DD`` that is a date is that date."""
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            if type(value) is str and _ISO_DATE.fullmatch(value):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    pass
            return inner(value)
        return check

    def _whole_number(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            if type(value) is float:
                raise Unsure  # 3.0 would become 3: rare enough to leave to pydantic
            return inner(value)
        return check

    def _non_empty(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            found = inner(value)
            if not value:
                raise Unsure
            return found
        return check

    def _dates_to_mappings(self, node: dict[str, Any]) -> Check:
        """models.project.Milestones._dates_to_mappings: a bare value is ``{date: value}``
        (``{start: value}`` for ``trial_run``)."""
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            if type(value) is not dict:
                raise Unsure  # (anything else goes on unchanged, and the model refuses it)
            return inner({key: ({"start": one} if key == "trial_run" else {"date": one})
                          if one is not None and type(one) is not dict else one for key, one in value.items()})
        return check

    def _nullable(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            return None if value is None else inner(value)
        return check

    def _default(self, node: dict[str, Any]) -> Check:
        return self.compile(node["s"])  # a value given is checked; an absent one is the default

    def _list(self, node: dict[str, Any]) -> Check:
        item = self.compile(node["s"])
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> Any:
            if type(value) is not list or not shortest <= len(value) <= longest:
                raise Unsure
            return [item(one) for one in value]
        return check

    def _dict(self, node: dict[str, Any]) -> Check:
        key, item = self.compile(node["k"]), self.compile(node["v"])
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> Any:
            if type(value) is not dict or not shortest <= len(value) <= longest:
                raise Unsure
            built = {key(k): item(v) for k, v in value.items()}
            if len(built) != len(value):
                raise Unsure  # two keys became one (the model keeps the last: left to it)
            return built
        return check

    def _model(self, node: dict[str, Any]) -> Check:
        fields = {name: self.compile(shape) for name, (_, shape) in node["fields"].items()}
        required = frozenset(name for name, (needed, _) in node["fields"].items() if needed)
        if self.maker is None:
            def check(value: Any) -> Any:
                if type(value) is not dict:
                    raise Unsure
                for name, one in value.items():
                    field = fields.get(name) if type(name) is str else None
                    if field is None:
                        raise Unsure  # unknown keys are refused (extra="forbid"); pydantic says which
                    field(one)
                if not required <= value.keys():
                    raise Unsure
                return value
            return check
        return self._fields(node, fields, required)

    def _fields(self, node: dict[str, Any], fields: dict[str, Check], required: frozenset[str]) -> Check:
        """A model's fields as the model sets them: ``(every field's value in order, the names
        given)``; an absent field takes its default (a default the shape does not know: not sure)."""
        defaults = {name: self._default_of(shape) for name, (needed, shape) in node["fields"].items() if not needed}
        order = list(fields)

        def build(value: Any) -> Any:
            if type(value) is not dict:
                raise Unsure
            for name in value:
                if type(name) is not str or name not in fields:
                    raise Unsure  # unknown keys are refused (extra="forbid"); pydantic says which
            if not required <= value.keys():
                raise Unsure
            return {name: fields[name](value[name]) if name in value else defaults[name]()
                    for name in order}, set(value)
        return build

    def _default_of(self, node: dict[str, Any]) -> Callable[[], Any]:
        """What an absent field is: its default value, a new empty list, or the model of its own
        type built from nothing (``default_factory=Security``)."""
        if node.get("t") != "default":
            return _unknown_default
        if "value" in node:
            value = node["value"]
            return lambda: value
        factory = node.get("factory")
        if factory == "list":
            return list
        if isinstance(factory, str) and factory in self.defs:
            made = self._ref({"name": factory})
            return lambda: made({})
        return _unknown_default

    def _instance(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])
        if self.maker is None:
            return inner
        fields = _model_fields(node["s"], self.defs)
        if fields is None:
            return _never
        make = self.maker.instance(node["cls"], fields)
        if make is None:
            return _never

        def build(value: Any) -> Any:
            values, given = inner(value)
            return make(values, given)
        return build

    def _union(self, node: dict[str, Any]) -> Check:
        choices = [self.compile(choice) for choice in node["of"]]
        if self.maker is not None:  # the model's value: only when a single choice may take the data's type
            kinds = [_types(choice, self.defs) for choice in node["of"]]

            def build(value: Any) -> Any:
                takers = [choice for choice, types in zip(choices, kinds) if type(value) in types]
                if len(takers) != 1:
                    raise Unsure  # which choice pydantic's smart union picks: left to it
                return takers[0](value)
            return build

        def check(value: Any) -> Any:
            for choice in choices:
                try:
                    return choice(value)
                except Unsure:
                    continue
            raise Unsure
        return check

    def _literal(self, node: dict[str, Any]) -> Check:
        options = [(type(option), option) for option in node["values"]]

        def check(value: Any) -> Any:
            if not any(type(value) is kind and value == option for kind, option in options):
                raise Unsure
            return value
        return check

    def _enum(self, node: dict[str, Any]) -> Check:
        values = frozenset(node["values"])
        member = self.maker.enum(node["cls"]) if self.maker is not None and "cls" in node else None
        if self.maker is not None and member is None:
            return _never

        def check(value: Any) -> Any:
            if type(value) is not str or value not in values:
                raise Unsure
            return value if member is None else member(value)
        return check


def _model_fields(node: dict[str, Any], defs: dict[str, Any]) -> list[str] | None:
    """The field names, in order, of the model-fields shape inside a model's shape (through a
    re-stated model validator); None if there is none."""
    while node.get("t") in ("dates_to_mappings", "ref"):
        node = defs[node["name"]] if node["t"] == "ref" else node["s"]
    return list(node["fields"]) if node.get("t") == "model" else None


def _types(node: dict[str, Any], defs: dict[str, Any], seen: frozenset[str] = frozenset()) -> frozenset[type]:
    """The types of data a shape may accept (a superset: a union is exact only when one choice
    may take the data's type)."""
    kind = node.get("t")
    if kind == "ref":
        name = node["name"]
        return _ALL_TYPES if name in seen else _types(defs[name], defs, seen | {name})
    if kind in ("nullable",):
        return _types(node["s"], defs, seen) | {type(None)}
    if kind in ("default", "non_empty", "instance", "dates_to_mappings"):
        return _types(node["s"], defs, seen)
    if kind in ("date_text",):
        return _types(node["s"], defs, seen) | {str}
    if kind in ("whole_number",):
        return _types(node["s"], defs, seen) | {float}
    if kind == "union":
        return frozenset().union(*(_types(choice, defs, seen) for choice in node["of"]))
    if kind == "literal":
        return frozenset(type(value) for value in node["values"])
    simple: dict[str, frozenset[type]] = {
        "str": frozenset({str}), "enum": frozenset({str}), "int": frozenset({int}), "float": frozenset({int, float}),
        "bool": frozenset({bool}), "date": frozenset({dt.date}), "list": frozenset({list}), "dict": frozenset({dict}),
        "model": frozenset({dict})}
    return simple.get(str(kind), _ALL_TYPES)


def _never(value: Any) -> Any:
    raise Unsure  # an opaque part, or one this module does not know


def _unknown_default() -> Any:
    raise Unsure  # an absent field whose default the shape does not know


def _anything(value: Any) -> Any:
    return value


def _of_type(kind: type) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise Unsure
        return value
    return check


_EXACT_FLOAT = 2 ** 53  # every integer up to this is a float exactly: pydantic's float is Python's


def _number(node: dict[str, Any], kind: Any) -> Check:
    bounds = [(test, node[name]) for name, test in (("ge", operator.ge), ("le", operator.le),
                                                     ("gt", operator.gt), ("lt", operator.lt)) if name in node]

    def check(value: Any) -> Any:
        if kind is float and type(value) is int and -_EXACT_FLOAT <= value <= _EXACT_FLOAT:
            value = float(value)  # a strict float field takes an integer as that number
        if type(value) is not kind or (kind is float and not math.isfinite(value)):
            raise Unsure
        if not all(test(value, bound) is True for test, bound in bounds):  # exact for any size of int
            raise Unsure
        return value
    return check


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
