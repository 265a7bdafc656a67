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

import functools
import hashlib
import json
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

from registry.shapecompile import Check, Compiler, Maker, Unsure

__all__ = ["Check", "FieldChecks", "Maker", "Unsure", "compiled", "field_checks", "shapes", "surely_valid"]

T = TypeVar("T")
SHAPES_FILE = Path(__file__).with_name("shapes.json")
FORMAT = 1
MODELS = {"System": "registry.models.system:System", "Project": "registry.models.project:Project",
          "RegistryConfig": "registry.models.config:RegistryConfig"}
# The libraries whose verdicts the shapes re-state: pydantic builds the core schemas, pydantic-core
# validates. Another version of either may accept or refuse other data than the versions the
# shapes were made with (the pin in pyproject.toml is a promise an environment need not keep: a
# later ``pip install -U pydantic`` beside this tool), so shapes made with other versions than
# the installed ones decide nothing (see :func:`shapes`).
LIBRARIES = ("pydantic", "pydantic-core")
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
                 "registry.engine:_parameters", "registry.loader:hidden_text_errors")
# Their digests when registry.configfacts.surely_valid_facts was written against them: a change to
# any of them turns the fast way off (shapes.json records the current ones) until it is re-stated.
KNOWN_CONFIG_CHECKS = {
    "registry.engine:_disabled": "bf511f2f", "registry.engine:_parameters": "10267d6f",
    "registry.engine:select_rules": "38e4d6bd", "registry.loader:calendar_errors": "caa75a45",
    "registry.loader:config_from": "3a5690be",
    "registry.loader:config_reference_errors": "a47b361d", "registry.loader:hidden_text_errors": "94e05854",
}


# -- asking -----------------------------------------------------------------------------------


@functools.cache
def shapes() -> dict[str, Any] | None:
    """The committed reduction; None — never sure — if it is missing, of another format, made
    from other models than the ones installed (a model edited, shapes.json not made again:
    derived data that no longer matches its sources decides nothing), or with other versions of
    :data:`LIBRARIES` than the installed ones (pydantic itself might now decide otherwise)."""
    try:
        found = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))
        current = source_fingerprint()
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("format") != FORMAT or found.get("sources") != current:
        return None
    if found.get("libraries") != library_versions():
        return None
    return found


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`LIBRARIES`, read off their ``.dist-info`` folders' names
    (:func:`registry.cachekey.installed_version`: neither pydantic nor ``importlib.metadata`` is
    imported, and the cache's fingerprint has listed those folders already)."""
    from registry.cachekey import installed_version

    return {name: installed_version(name) for name in LIBRARIES}


def source_fingerprint() -> str:
    """Digest of what the reduction is made from: the names and bytes of every module of
    ``registry/models/`` and of ``registry/enums.py`` (about 0.2 ms; pydantic is pinned)."""
    package = SHAPES_FILE.parent
    digest = hashlib.sha256()
    for path in [*sorted((package / "models").glob("*.py")), package / "enums.py"]:
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


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


class FieldChecks:
    """A model whose shape is its fields alone (no validator of the whole model), checked
    entry by entry: data read by :func:`registry.fastyaml.read_pieces` is surely valid when its
    required fields are there and each entry surely passes its field's check — a fact of the
    entry's piece of text alone (the piece decides key and value, and a field's check looks at
    nothing else), so it is remembered by the piece: the versions of a record in a history
    share all but an entry or two. The same answer as :func:`surely_valid` on the same data."""

    _MAX_REMEMBERED = 100_000

    def __init__(self, fields: dict[str, Check], required: frozenset[str]) -> None:
        self.fields = fields
        self.required = required
        self._passed: dict[str, bool] = {}  # piece of text → its entry surely passes

    def surely_valid(self, data: dict[str, Any], pieces: list[str]) -> bool:
        """``data`` and the piece of each of its entries, in order (see the class)."""
        if not self.required <= data.keys():
            return False
        passed = self._passed
        for piece, (key, value) in zip(pieces, data.items(), strict=True):
            ok = passed.get(piece)
            if ok is None:
                ok = self._passes(key, value)
                if len(passed) >= self._MAX_REMEMBERED:
                    passed.clear()
                passed[piece] = ok
            if not ok:
                return False
        return True

    def _passes(self, key: str, value: Any) -> bool:
        field = self.fields.get(key)
        if field is None:
            return False  # unknown keys are refused (extra="forbid")
        try:
            field(value)
        except (Unsure, RecursionError):
            return False
        return True


def field_checks(model: str) -> FieldChecks | None:
    """:class:`FieldChecks` of ``model`` (a key of :data:`MODELS`), made once from the shapes
    in force (shapes read afresh — :func:`shapes`' cache cleared — make them afresh); None when
    there are none, or the shape is not the model's fields alone (a validator of the whole
    model: check it whole)."""
    return made_once(_FIELD_CHECKS, model, _field_checks)


def made_once(cache: dict[str, tuple[dict[str, Any], T]], model: str, make: Callable[[dict[str, Any], str], T]) -> T | None:
    """``make(shapes, model)`` once per model from the shapes in force, kept in ``cache`` (shapes read
    afresh make it afresh); None when there are no shapes for ``model``."""
    found = shapes()
    if found is None or model not in found["models"]:
        return None
    made = cache.get(model)
    if made is None or made[0] is not found:
        made = cache[model] = (found, make(found, model))
    return made[1]


_FIELD_CHECKS: dict[str, tuple[dict[str, Any], FieldChecks | None]] = {}  # model → (the shapes, its checks)


def _field_checks(found: dict[str, Any], model: str) -> FieldChecks | None:
    node = found["models"][model]
    while node.get("t") in ("ref", "instance"):  # (an instance only checks, without a maker)
        node = found["defs"].get(node["name"], {}) if node["t"] == "ref" else node["s"]
    if node.get("t") != "model":
        return None
    return FieldChecks(*Compiler(found["defs"], None).model_fields(node))


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
    return Compiler(found["defs"], maker).compile(found["models"][model])


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
    from registry.enums import ACTIVE_STATUSES
    from registry.models import RegistryConfig
    from registry.pluginsources import plug_in_profiles
    from registry.rules.profiles import SELECTABLE

    assert not plug_in_profiles(), "generate the shapes where no plug-in profile is installed"
    from registry.models import Project, System
    from registry.recordcodec import plan_classes, plan_data

    plans = {f"{cls.__module__}.{cls.__qualname__}": plan_data(cls)
             for record in (System, Project) for cls in plan_classes(record)}
    return {"format": FORMAT, "sources": source_fingerprint(), "libraries": library_versions(),
            "models": models, "defs": reducer.defs,
            "config_checks": checks, "plans": dict(sorted(plans.items())), "orders": field_orders(reducer.defs),
            "profiles": sorted(SELECTABLE), "active_statuses": sorted(status.value for status in ACTIVE_STATUSES),
            "defaults": {"RegistryConfig.base_branch": RegistryConfig.model_fields["base_branch"].default}}


def field_orders(defs: dict[str, Any]) -> dict[str, list[str]]:
    """The field names, in the model's order, of every model class the shapes name (JSON keeps
    a shape's fields sorted): twins made from the shapes (:mod:`registry.shapebuild`) hold their
    fields in this order, as :func:`registry.models.twins.twin_of` does."""
    from registry.shapebuild import named

    orders = {}
    for name in defs:
        cls = named(name)
        fields = getattr(cls, "__pydantic_fields__", None)
        if isinstance(cls, type) and isinstance(fields, dict):
            orders[name] = list(fields)
    return dict(sorted(orders.items()))


def source_digest(function: Any) -> str:
    """The first 8 hex digits of the sha256 of a function's source."""
    import inspect

    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:8]


def render(found: dict[str, Any]) -> str:
    return json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":  # python -m registry.shapes: rewrite shapes.json from the models
    SHAPES_FILE.write_text(render(generate()), encoding="utf-8")
    sys.exit(0)
