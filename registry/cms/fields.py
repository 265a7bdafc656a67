"""Decap CMS fields (widgets) from a record model's JSON Schema.

The form is rendered from :func:`registry.schema.schema_of`, the JSON Schema that editors and
``registry check`` agree on, so titles, descriptions, required keys, patterns, bounds and enum
labels have one source. Rendering goes one way: schema in, widget list out, nothing read back.

Widget choice (Decap CMS 3.x names):

- text → ``string`` (``text`` for the free-text fields in :data:`LONG_TEXT`), pattern and
  length bounds as ``pattern: [regex, message]``;
- an enum → ``select`` whose options carry the Chinese labels (``multiple`` for a list of them);
- a date → ``datetime`` with ``date_format: YYYY-MM-DD`` and ``time_format: false``: a date
  picker that stores a bare ``2025-01-31`` (a YAML date, as the loader wants);
- integer / number → ``number`` with ``value_type`` ``int`` / ``float`` and ``min`` / ``max``;
- true/false → ``boolean``;
- a unit, system or project code (recognised by the pattern of its type) → ``relation`` to the
  units listed in registry.yaml, or to the systems / projects collections;
- a nested model → ``object``; a list → ``list`` (``field`` for plain items, ``fields`` for
  mappings).

Only the fields a clerk sees are generated; nothing here knows files, git or the site.
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from registry.models.config import UnitId
from registry.models.system import ProjectId, SystemId

Schema = dict[str, Any]
Widget = dict[str, Any]

INTERNAL_HINT = "内部信息，不公开"
DATE_FORMAT = "YYYY-MM-DD"
# Free-text fields worth a multi-line box (a presentation choice, not a constraint).
LONG_TEXT = frozenset({"description", "necessity", "content", "notes", "reason"})


def _pattern_of(annotated: Any) -> str:
    return str(next(m.pattern for m in annotated.__metadata__ if getattr(m, "pattern", None)))


@dataclasses.dataclass(frozen=True)
class Relation:
    """A code type and where its values are listed (a Decap ``relation`` target)."""

    pattern: str
    options: Widget


# Codes of these types are chosen from a list instead of typed: the type's pattern in the
# schema says which list.
RELATIONS = (
    Relation(_pattern_of(UnitId), {
        "collection": "registry", "file": "units", "value_field": "units.*.id",
        "search_fields": ["units.*.name", "units.*.id"], "display_fields": ["units.*.name"],
    }),
    Relation(_pattern_of(SystemId), {
        "collection": "systems", "value_field": "id",
        "search_fields": ["name", "id"], "display_fields": ["name"],
    }),
    Relation(_pattern_of(ProjectId), {
        "collection": "projects", "value_field": "id",
        "search_fields": ["name", "id"], "display_fields": ["name"],
    }),
)


class Renderer:
    """Turns the properties of one JSON Schema (with its ``$defs``) into Decap fields."""

    def __init__(self, schema: Schema, *, internal: frozenset[str] = frozenset()) -> None:
        self.defs: Mapping[str, Schema] = schema.get("$defs", {})
        self.root = schema
        self.internal = internal

    def record_fields(self, *, identifier: str) -> list[Widget]:
        """The widgets of the record's top-level fields; ``identifier`` is typed, not chosen."""
        return self._object_fields(self.root, top=True, identifier=identifier)

    def _object_fields(self, schema: Schema, *, top: bool = False, identifier: str = "") -> list[Widget]:
        required = set(schema.get("required", []))
        widgets = []
        for name, prop in schema.get("properties", {}).items():
            widget = self._field(name, prop, required=name in required, relation=name != identifier)
            if top and name in self.internal:
                widget["hint"] = _join(widget.get("hint", ""), INTERNAL_HINT)
            widgets.append(widget)
        return widgets

    def _field(self, name: str, prop: Schema, *, required: bool, relation: bool = True) -> Widget:
        body, nullable = self._unwrap(prop)
        widget: Widget = {"name": name, "label": prop.get("title") or body.get("title") or name}
        hint = prop.get("description", "")
        if hint and hint != widget["label"]:
            widget["hint"] = hint
        widget["required"] = required and not nullable
        widget.update(self._widget(body, relation=relation))
        if widget["widget"] == "string" and name in LONG_TEXT and "pattern" not in widget:
            widget["widget"] = "text"
        if widget["widget"] == "select" and _lists_codes(widget.get("hint", ""), widget["options"]):
            del widget["hint"]  # "planned 规划中 | …": the drop-down already shows the labels
        return widget

    def _unwrap(self, prop: Schema) -> tuple[Schema, bool]:
        """The schema a value must match, and whether null is also allowed. Of several
        branches (a milestone: a bare date or a mapping) the mapping is the form's choice."""
        branches = prop.get("anyOf")
        if branches is None:
            return self._resolve(prop), False
        nullable = any(b.get("type") == "null" for b in branches)
        kept = [self._resolve(b) for b in branches if b.get("type") != "null"]
        objects = [b for b in kept if b.get("type") == "object"]
        if objects:
            return objects[0], nullable
        if len(kept) == 1:
            return kept[0], nullable
        return {"type": "string"}, nullable  # e.g. a goal's target: text or a number

    def _resolve(self, schema: Schema) -> Schema:
        ref = schema.get("$ref")
        if ref is None:
            return schema
        return self.defs[ref.rsplit("/", 1)[-1]]

    def _widget(self, schema: Schema, *, relation: bool) -> Widget:
        kind = schema.get("type")
        if "enum" in schema:
            return _select(schema)
        if kind == "array":
            return self._list(schema)
        if kind == "object":
            return {"widget": "object", "collapsed": True, "fields": self._object_fields(schema)}
        if kind == "boolean":
            return {"widget": "boolean"}
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer")
        if schema.get("format") == "date":
            return {"widget": "datetime", "date_format": DATE_FORMAT, "time_format": False,
                    "picker_utc": True}
        target = _relation(schema) if relation else None
        if target is not None:
            return {"widget": "relation", **target}
        return _string(schema)

    def _list(self, schema: Schema) -> Widget:
        items = self._resolve(schema.get("items", {}))
        if "enum" in items:
            return {**_select(items), "multiple": True}
        target = _relation(items)
        if target is not None:
            return {"widget": "relation", **target, "multiple": True}
        if items.get("type") == "object":
            return {"widget": "list", "collapsed": True, "fields": self._object_fields(items)}
        item = {"name": "item", "label": items.get("title", "条目"), "required": True}
        item.update(self._widget(items, relation=True))
        return {"widget": "list", "field": item}


def _select(schema: Schema) -> Widget:
    labels = schema.get("enumDescriptions") or schema["enum"]
    return {"widget": "select", "options": [
        {"label": str(label), "value": value} for value, label in zip(schema["enum"], labels, strict=True)
    ]}


def _lists_codes(hint: str, options: list[Widget]) -> bool:
    """The description only lists the codes with their labels (as written for YAML editors)."""
    codes = {str(o["value"]) for o in options}
    parts = [p.strip() for p in hint.split("|")]
    return bool(hint) and all(p.split(" ", 1)[0] in codes for p in parts)


def _number(schema: Schema, *, integer: bool) -> Widget:
    widget: Widget = {"widget": "number", "value_type": "int" if integer else "float"}
    if "minimum" in schema:
        widget["min"] = schema["minimum"]
    if "maximum" in schema:
        widget["max"] = schema["maximum"]
    return widget


def _relation(schema: Schema) -> Widget | None:
    pattern = schema.get("pattern")
    return next((copy.deepcopy(r.options) for r in RELATIONS if pattern == r.pattern), None)


def _string(schema: Schema) -> Widget:
    widget: Widget = {"widget": "string"}
    regex = _regex(schema)
    if regex:
        widget["pattern"] = [regex, _pattern_message(schema)]
    return widget


def _regex(schema: Schema) -> str:
    """The schema's (anchored) pattern with its length bounds folded in as a lookahead:
    Decap has a single ``pattern`` option."""
    pattern = str(schema.get("pattern", ""))
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is None and high is None:
        return pattern
    bounds = f"(?=[\\s\\S]{{{low or 0},{'' if high is None else high}}}$)"
    rest = pattern.removeprefix("^") if pattern else "[\\s\\S]*$"
    return f"^{bounds}{rest}"


def _pattern_message(schema: Schema) -> str:
    bounds = []
    if schema.get("maxLength") is not None:
        bounds.append(f"不超过 {schema['maxLength']} 个字符")
    if schema.get("minLength"):
        bounds.append(f"至少 {schema['minLength']} 个字符")
    return "格式不符" + ("（" + "，".join(bounds) + "）" if bounds else "") + "，请按填写说明修改"


def _join(hint: str, note: str) -> str:
    return hint if note in hint else "；".join(p for p in (hint, note) if p)
