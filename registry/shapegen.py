"""Reduces pydantic core schemas to the plain shapes :mod:`registry.shapes` checks data against.

Every kind of core schema node, and every key of one, that is not listed here becomes
``{"t": "opaque"}``: the checker is then never sure of data reaching it, and pydantic decides.
"""
from __future__ import annotations

import enum
import hashlib
import inspect
from typing import Any

OPAQUE: dict[str, Any] = {"t": "opaque"}
# Keys that never change what a node accepts (names, documentation, serialisation).
_NEUTRAL = frozenset({"type", "ref", "metadata", "serialization", "cls_name", "model_name", "title"})
_SCALARS: dict[str, frozenset[str]] = {  # core schema type → the keys the checker knows for it
    "str": frozenset({"pattern", "max_length", "min_length", "strict"}),
    "int": frozenset({"ge", "le", "gt", "lt", "strict"}),
    "float": frozenset({"ge", "le", "gt", "lt", "strict", "allow_inf_nan"}),
    "bool": frozenset({"strict"}),
    "date": frozenset({"strict"}),
    "any": frozenset(),
}


def _ref_name(ref: str) -> str:
    """``registry.models.system.System:94225019307264`` → the name without the run's object id."""
    return ref.split(":", 1)[0]


def _plain(value: Any) -> bool:
    """A default that is plain data, the same in JSON: null, a boolean, an integer or a text."""
    return value is None or type(value) in (bool, int, str)


def _refers_to(shape: dict[str, Any], name: str) -> bool:
    """Whether ``shape`` is (an optional) reference to the model ``name``."""
    if shape.get("t") == "nullable":
        shape = shape["s"]
    return shape == {"t": "ref", "name": name}


class Reducer:
    def __init__(self, known_functions: dict[tuple[str, str], str]) -> None:
        self.known = known_functions
        self.defs: dict[str, Any] = {}
        self._definitions: dict[str, Any] = {}

    def reduce(self, schema: dict[str, Any]) -> dict[str, Any]:
        kind = schema.get("type")
        if kind == "definitions":
            for definition in schema["definitions"]:
                self._definitions[definition["ref"]] = definition
            return self.reduce(schema["schema"])
        if kind == "definition-ref":
            return self._named(schema["schema_ref"], lambda: self._definitions[schema["schema_ref"]])
        if "ref" in schema:
            return self._named(schema["ref"], lambda: {k: v for k, v in schema.items() if k != "ref"})
        return self._node(schema)

    def _named(self, ref: str, schema: Any) -> dict[str, Any]:
        name = _ref_name(ref)
        if name not in self.defs:
            self.defs[name] = OPAQUE  # (a recursive model reaches itself as opaque until done)
            found = schema()
            self.defs[name] = self.reduce({k: v for k, v in found.items() if k != "ref"})
        return {"t": "ref", "name": name}

    def _node(self, schema: dict[str, Any]) -> dict[str, Any]:
        kind = schema.get("type")
        method = getattr(self, "_" + str(kind).replace("-", "_"), None)
        if kind in _SCALARS:
            return self._scalar(schema)
        return method(schema) if method is not None else OPAQUE

    def _only(self, schema: dict[str, Any], allowed: frozenset[str] | set[str]) -> bool:
        return set(schema) <= _NEUTRAL | set(allowed)

    def _scalar(self, schema: dict[str, Any]) -> dict[str, Any]:
        kind = schema["type"]
        if not self._only(schema, _SCALARS[kind]) or schema.get("allow_inf_nan") is True:
            return OPAQUE
        return {"t": kind, **{k: v for k, v in schema.items() if k in _SCALARS[kind] and k not in ("strict", "allow_inf_nan")}}

    def _nullable(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {"t": "nullable", "s": self.reduce(schema["schema"])} if self._only(schema, {"schema", "strict"}) else OPAQUE

    def _list(self, schema: dict[str, Any]) -> dict[str, Any]:
        if not self._only(schema, {"items_schema", "min_length", "max_length", "strict"}) or "items_schema" not in schema:
            return OPAQUE
        out = {"t": "list", "s": self.reduce(schema["items_schema"])}
        return {**out, **{k: schema[k] for k in ("min_length", "max_length") if k in schema}}

    def _dict(self, schema: dict[str, Any]) -> dict[str, Any]:
        if not self._only(schema, {"keys_schema", "values_schema", "min_length", "max_length", "strict"}):
            return OPAQUE
        out = {"t": "dict", "k": self.reduce(schema.get("keys_schema", {"type": "any"})),
               "v": self.reduce(schema.get("values_schema", {"type": "any"}))}
        return {**out, **{k: schema[k] for k in ("min_length", "max_length") if k in schema}}

    def _union(self, schema: dict[str, Any]) -> dict[str, Any]:
        if not self._only(schema, {"choices", "mode", "strict", "custom_error_type", "custom_error_message"}):
            return OPAQUE
        choices = [c[0] if isinstance(c, tuple) else c for c in schema["choices"]]
        return {"t": "union", "of": [self.reduce(c) for c in choices]}

    def _literal(self, schema: dict[str, Any]) -> dict[str, Any]:
        values = schema["expected"]
        if not self._only(schema, {"expected"}) or not all(type(v) in (str, int, bool) or v is None for v in values):
            return OPAQUE
        return {"t": "literal", "values": list(values)}

    def _enum(self, schema: dict[str, Any]) -> dict[str, Any]:
        members = schema.get("members", [])
        if (not self._only(schema, {"cls", "members", "sub_type"}) or schema.get("sub_type") != "str"
                or not all(isinstance(m, enum.Enum) and type(m.value) is str for m in members)):
            return OPAQUE
        cls = schema["cls"]
        return {"t": "enum", "cls": f"{cls.__module__}.{cls.__qualname__}", "values": [m.value for m in members]}

    def _default(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A value given is checked by the inner shape; an absent one is the default, recorded
        when it is plain data, a new list or mapping, or the model of the field's own type built from
        nothing (anything else, or any other key: an absent field is not sure)."""
        inner = self.reduce(schema["schema"])
        out: dict[str, Any] = {"t": "default", "s": inner}
        if self._only(schema, {"schema", "default"}) and "default" in schema and _plain(schema["default"]):
            out["value"] = schema["default"]
        elif self._only(schema, {"schema", "default_factory", "default_factory_takes_data"}) \
                and schema.get("default_factory_takes_data") is False:
            factory = schema.get("default_factory")
            name = f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', '')}"
            if factory is list:
                out["factory"] = "list"
            elif factory is dict:
                out["factory"] = "dict"
            elif isinstance(factory, type) and _refers_to(inner, name):
                out["factory"] = name
        return out

    def _model(self, schema: dict[str, Any]) -> dict[str, Any]:
        config = schema.get("config", {})
        if (not self._only(schema, {"cls", "config", "custom_init", "root_model", "schema", "post_init"})
                or schema.get("custom_init") or schema.get("root_model") or schema.get("post_init")
                or config.get("extra_fields_behavior") != "forbid" or set(config) - {"extra_fields_behavior", "title"}):
            return OPAQUE
        cls = schema["cls"]
        return {"t": "instance", "cls": f"{cls.__module__}.{cls.__qualname__}", "s": self.reduce(schema["schema"])}

    def _model_fields(self, schema: dict[str, Any]) -> dict[str, Any]:
        if not self._only(schema, {"fields", "computed_fields"}):
            return OPAQUE
        fields = {}
        for name, field in schema["fields"].items():
            if not self._only(field, {"schema", "frozen"}):  # aliases, exclusions …: opaque
                return OPAQUE
            inner = field["schema"]
            required = inner.get("type") != "default"
            fields[name] = [required, self.reduce(inner)]
        return {"t": "model", "fields": fields}

    def _function_before(self, schema: dict[str, Any]) -> dict[str, Any]:
        return self._function(schema, ("date_text", "whole_number", "dates_to_mappings"))

    def _function_after(self, schema: dict[str, Any]) -> dict[str, Any]:
        return self._function(schema, ("non_empty",))

    def _function(self, schema: dict[str, Any], tags: tuple[str, ...]) -> dict[str, Any]:
        function = schema.get("function", {}).get("function")
        if function is None or not self._only(schema, {"function", "schema"}):
            return OPAQUE
        name = f"{function.__module__}.{function.__qualname__}"
        digest = hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:8]
        tag = self.known.get((name, digest))
        return {"t": tag, "s": self.reduce(schema["schema"])} if tag in tags else OPAQUE
