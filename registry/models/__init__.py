"""Pydantic models of the data format (FORMAT.md).

The models are imported when one of them is first named (``from registry.models import
Project``), not with the package: :mod:`registry.models.kinds` — what records do, shared by the
models and their plain twins (:mod:`registry.models.twins`) — is imported without pydantic."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry.models.config import Authorities, DisabledRule, RegistryConfig, Unit
    from registry.models.project import Project
    from registry.models.system import System

__all__ = ["Authorities", "DisabledRule", "Project", "RegistryConfig", "System", "Unit"]

_WHERE = {"Authorities": "config", "DisabledRule": "config", "RegistryConfig": "config", "Unit": "config",
          "Project": "project", "System": "system"}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
