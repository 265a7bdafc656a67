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
    check = _checker(model)
    if check is None:
        return False
    try:
        check(data)
    except (_Unsure, RecursionError):
        return False
    return True


Check = Callable[[Any], None]  # raises _Unsure unless its shape surely accepts the value


@functools.cache
def _checker(model: str) -> Check | None:
    """The shape of ``model`` made into nested functions, once per run."""
    found = shapes()
    if found is None or model not in found["models"]:
        return None
    return _Compiler(found["defs"]).compile(found["models"][model])


class _Compiler:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
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

        def check(value: Any) -> None:
            if type(value) is not str or (not value.isascii() and not _encodable(value)):
                raise _Unsure  # (a lone surrogate, from an escape, is no text pydantic accepts)
            if pattern is not None and ("\n" in value or pattern(value) is None):
                raise _Unsure  # a line break: where ``$`` matches differs between regex engines
            if not shortest <= len(value) <= longest:
                raise _Unsure
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

        def check(value: Any) -> None:
            if type(value) is str and _ISO_DATE.fullmatch(value):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    pass
            inner(value)
        return check

    def _whole_number(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> None:
            if type(value) is float:
                raise _Unsure  # 3.0 would become 3: rare enough to leave to pydantic
            inner(value)
        return check

    def _non_empty(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> None:
            inner(value)
            if not value:
                raise _Unsure
        return check

    def _nullable(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> None:
            if value is not None:
                inner(value)
        return check

    def _list(self, node: dict[str, Any]) -> Check:
        item = self.compile(node["s"])
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> None:
            if type(value) is not list or not shortest <= len(value) <= longest:
                raise _Unsure
            for one in value:
                item(one)
        return check

    def _dict(self, node: dict[str, Any]) -> Check:
        key, item = self.compile(node["k"]), self.compile(node["v"])
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> None:
            if type(value) is not dict or not shortest <= len(value) <= longest:
                raise _Unsure
            for k, v in value.items():
                key(k)
                item(v)
        return check

    def _model(self, node: dict[str, Any]) -> Check:
        fields = {name: self.compile(shape) for name, (_, shape) in node["fields"].items()}
        required = frozenset(name for name, (needed, _) in node["fields"].items() if needed)

        def check(value: Any) -> None:
            if type(value) is not dict:
                raise _Unsure
            for name, one in value.items():
                field = fields.get(name) if type(name) is str else None
                if field is None:
                    raise _Unsure  # unknown keys are refused (extra="forbid"); pydantic says which
                field(one)
            if not required <= value.keys():
                raise _Unsure
        return check

    def _union(self, node: dict[str, Any]) -> Check:
        choices = [self.compile(choice) for choice in node["of"]]

        def check(value: Any) -> None:
            for choice in choices:
                try:
                    choice(value)
                    return
                except _Unsure:
                    continue
            raise _Unsure
        return check

    def _literal(self, node: dict[str, Any]) -> Check:
        options = [(type(option), option) for option in node["values"]]

        def check(value: Any) -> None:
            if not any(type(value) is kind and value == option for kind, option in options):
                raise _Unsure
        return check

    def _enum(self, node: dict[str, Any]) -> Check:
        values = frozenset(node["values"])

        def check(value: Any) -> None:
            if type(value) is not str or value not in values:
                raise _Unsure
        return check


def _never(value: Any) -> None:
    raise _Unsure  # an opaque part, or one this module does not know


def _anything(value: Any) -> None:
    return None


def _of_type(kind: type) -> Check:
    def check(value: Any) -> None:
        if type(value) is not kind:
            raise _Unsure
    return check


def _number(node: dict[str, Any], kind: Any) -> Check:
    bounds = [(test, node[name]) for name, test in (("ge", operator.ge), ("le", operator.le),
                                                     ("gt", operator.gt), ("lt", operator.lt)) if name in node]

    def check(value: Any) -> None:
        if type(value) is not kind or (kind is float and not math.isfinite(value)):
            raise _Unsure
        if not all(test(value, bound) is True for test, bound in bounds):  # exact for any size of int
            raise _Unsure
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
