"""Pydantic models of the data format (FORMAT.md)."""
from registry.models.config import Authorities, DisabledRule, RegistryConfig, Unit
from registry.models.project import Project
from registry.models.system import System

__all__ = ["Authorities", "DisabledRule", "Project", "RegistryConfig", "System", "Unit"]
