"""Files → records. Reads registry.yaml and every record file of the working tree (or of any
set of ``(path, bytes)`` pairs, such as a git revision), validating them with the models."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from registry.findings import Message
from registry.models import Project, RegistryConfig, System
from registry.schema_errors import dotted, translate
from registry.snapshot import Record, Snapshot, Unreadable
from registry.yamlio import Parsed, YamlError, parse

CONFIG_FILE = "registry.yaml"
RECORD_FOLDERS: dict[str, type[BaseModel]] = {"systems": System, "projects": Project}
RECORD_SUFFIXES = (".yaml", ".yml")


@dataclasses.dataclass
class ConfigError(Exception):
    """registry.yaml (or the command line) cannot be used: exit 2."""

    message: Message
    path: str = CONFIG_FILE
    line: int = 1
    column: int = 1

    def text(self, lang: str) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message.text(lang)}"


def load_config(root: Path) -> RegistryConfig:
    path = root / CONFIG_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(Message(
            f"找不到或无法读取 {CONFIG_FILE}（{exc.strerror}）：请在登记簿根目录运行，或用 --root 指定",
            f"cannot read {CONFIG_FILE} ({exc.strerror}): run in the registry root or pass --root",
        )) from None
    try:
        parsed = parse(raw, positions=True)
    except YamlError as exc:
        raise ConfigError(exc.message, CONFIG_FILE, exc.line, exc.column) from None
    try:
        config = RegistryConfig.model_validate(parsed.data)
    except ValidationError as exc:
        loc, message = next(translate(RegistryConfig, exc))
        line, column = position(parsed, loc)
        raise ConfigError(message, CONFIG_FILE, line, column) from None
    for loc, message in config_reference_errors(config):
        raise ConfigError(message, CONFIG_FILE, *position(parsed, loc))
    return config


def config_reference_errors(config: RegistryConfig) -> Iterator[tuple[tuple[str | int, ...], Message]]:
    """Unit ids are unique; parents and authorities name listed units."""
    seen: set[str] = set()
    for i, unit in enumerate(config.units):
        if unit.id in seen:
            yield ("units", i, "id"), Message(f"单位代码 {unit.id} 重复", f"duplicate unit id {unit.id}")
        seen.add(unit.id)
    for i, unit in enumerate(config.units):
        if unit.parent is not None and unit.parent not in seen:
            yield ("units", i, "parent"), Message(
                f"单位 {unit.id} 的主管部门 {unit.parent} 未在 units 中登记", f"parent {unit.parent} of {unit.id} is not a listed unit")
    for role, unit_id in config.authorities:
        if unit_id is not None and unit_id not in seen:
            yield ("authorities", role), Message(
                f"authorities.{role} 指向的单位 {unit_id} 未在 units 中登记", f"authorities.{role} names unlisted unit {unit_id}")


def record_files(root: Path) -> list[str]:
    """Every YAML file under systems/ and projects/, as sorted posix paths relative to root."""
    found: list[str] = []
    for folder in RECORD_FOLDERS:
        base = root / folder
        if base.is_dir():
            found.extend(
                p.relative_to(root).as_posix()
                for p in base.rglob("*")
                if p.suffix in RECORD_SUFFIXES and p.is_file()
            )
    return sorted(found)


def is_record_path(path: str) -> bool:
    return path.split("/", 1)[0] in RECORD_FOLDERS and path.endswith(RECORD_SUFFIXES)


def read_files(root: Path, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        yield path, (root / path).read_bytes()


def load_records(files: Iterable[tuple[str, bytes]]) -> Snapshot:
    """Parse and validate records; what fails goes to ``Snapshot.invalid`` as REG001/REG002."""
    records: list[tuple[str, Record]] = []
    invalid: list[Unreadable] = []
    for path, raw in files:
        result = load_record(path, raw)
        if isinstance(result, list):
            invalid.extend(result)
        else:
            records.append((path, result))
    return Snapshot(records, invalid)


def load_record(path: str, raw: bytes) -> Record | list[Unreadable]:
    """A valid record, or the REG001 problem / every REG002 problem of the file."""
    model = RECORD_FOLDERS[path.split("/", 1)[0]]
    try:
        parsed = parse(raw)
    except YamlError as exc:
        return [Unreadable(path, "REG001", exc.line, exc.column, exc.field, exc.message)]
    return validate(path, raw, model, parsed.data)


def validate(path: str, raw: bytes, model: type[BaseModel], data: dict[str, Any]) -> Record | list[Unreadable]:
    try:
        record: Record = model.model_validate(data)  # type: ignore[assignment]
        return record
    except ValidationError as exc:
        located = parse(raw, positions=True)  # positions only for the files that need them
        return [
            Unreadable(path, "REG002", *position(located, loc), dotted(loc), message)
            for loc, message in translate(model, exc)
        ]


def position(parsed: Parsed, loc: tuple[str | int, ...]) -> tuple[int, int]:
    """Line/column of the deepest part of ``loc`` present in the file (else its first line)."""
    positions = parsed.positions or {}
    for end in range(len(loc), 0, -1):
        found = positions.get(tuple(loc[:end]))
        if found is not None:
            return found
    return 1, 1
