"""JSON Schema of the three file kinds, generated from the models (``registry schema``).

Editors use them through ``# yaml-language-server: $schema=…``; check-jsonschema and any
other standard validator accept them (draft 2020-12).
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from registry import enums
from registry.models import Project, RegistryConfig, System
from registry.models.project import Milestones

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "registry.schema.json": (RegistryConfig, "登记簿实例文件 registry.yaml"),
    "system.schema.json": (System, "政务信息系统记录 systems/<单位>/<编号>.yaml"),
    "project.schema.json": (Project, "政务信息化项目记录 projects/<单位>/<编号>.yaml"),
}
_ENUMS: dict[str, type[Enum]] = {
    name: obj for name, obj in vars(enums).items()
    if isinstance(obj, type) and issubclass(obj, enums.LabeledEnum) and obj is not enums.LabeledEnum
}


def schema_of(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema = {"$schema": DIALECT, "$id": f"urn:registry:{model.__name__.lower()}", **schema, "title": title}
    defs = schema.get("$defs", {})
    for name, definition in defs.items():
        if name in _ENUMS:
            _label_enum(definition, _ENUMS[name])
    if "Milestones" in defs:
        _admit_bare_dates(defs["Milestones"])
    if model is RegistryConfig:
        _list_profiles(schema["properties"]["profiles"])
    neutral: dict[str, Any] = _neutral(schema)
    return neutral


def _list_profiles(prop: dict[str, Any]) -> None:
    """The profiles this installation knows, from their declarations (models import nothing of
    ours, so the list is added here, where the schema is generated)."""
    from registry.rules.profiles import PROFILES, SELECTABLE

    listed = " | ".join(f"{p} {PROFILES[p].label}" for p in SELECTABLE)
    prop["description"] = f"{prop.get('description', '')}：{listed}"
    titles = [f"{PROFILES[p].jurisdiction}《{PROFILES[p].regulation}》" for p in SELECTABLE]
    prop["items"] = {"type": "string", "enum": list(SELECTABLE), "enumDescriptions": titles,
                     "markdownEnumDescriptions": titles}


def _neutral(node: Any) -> Any:
    """The schema serves every county: field descriptions lose their asides citing one
    regulation ("（渠县 第三十四条）"); a county's own site shows them (ruledocs.own_text)."""
    from registry.ruledocs import own_text

    if isinstance(node, dict):
        return {k: own_text(v, ()) if k == "description" and isinstance(v, str) else _neutral(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_neutral(v) for v in node]
    return node


def _label_enum(definition: dict[str, Any], enum: type[Enum]) -> None:
    """Chinese labels for editors: ``enumDescriptions`` (VS Code / yaml-language-server)."""
    labels = [getattr(m, "label", m.value) for m in enum]
    definition["enumDescriptions"] = labels
    definition["markdownEnumDescriptions"] = labels
    definition.setdefault("description", "；".join(f"{m.value} {getattr(m, 'label', '')}" for m in enum))


def _admit_bare_dates(definition: dict[str, Any]) -> None:
    """A milestone may be written as a bare date: ``declared: 2024-10-20``."""
    for name in Milestones.model_fields:
        prop = definition["properties"][name]
        prop["anyOf"] = [{"type": "string", "format": "date"}, *prop.get("anyOf", [])]


def schema_texts() -> dict[str, str]:
    """File name → the JSON text of each schema (what ``registry schema`` writes)."""
    return {filename: json.dumps(schema_of(model, title), ensure_ascii=False, indent=2) + "\n"
            for filename, (model, title) in SCHEMAS.items()}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in schema_texts().items():
        path = out / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
