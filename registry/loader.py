"""Files → records. Reads registry.yaml and every record file of the working tree (or of any
set of ``(path, bytes)`` pairs, such as a git revision), validating them with the models.

Loading a large registry is the expensive part of a check, so :func:`load_all` spreads it over
the CPU cores (forked workers, Linux only) and keeps Python's cyclic garbage collector paused
while hundreds of thousands of objects are created: none of them are garbage, and each
collection would walk them all again.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from registry.findings import Message
from registry.models import Project, RegistryConfig, System
from registry.schema_errors import dotted, translate
from registry.snapshot import Deferred, Record, Snapshot, Unreadable
from registry.yamlio import Parsed, YamlError, parse

CONFIG_FILE = "registry.yaml"
RECORD_FOLDERS: dict[str, type[BaseModel]] = {"systems": System, "projects": Project}
RECORD_SUFFIXES = (".yaml", ".yml")


@dataclasses.dataclass
class ConfigError(Exception):
    """registry.yaml (or the command line) cannot be used: exit 2."""

    message: Message
    path: str = CONFIG_FILE
    line: int = 0  # 0: no position (a command-line value, a missing file, a git failure)
    column: int = 0

    def text(self, lang: str) -> str:
        """``path:line:column: message`` at a place in a file; otherwise the message, after the
        file's name unless it is a command-line option or the message names it already."""
        message = self.message.text(lang)
        if self.line > 0:
            return f"{self.path}:{self.line}:{self.column}: {message}"
        if not self.path or self.path.startswith("-") or self.path in message:
            return message
        return f"{self.path}: {message}"


def load_config(root: Path) -> RegistryConfig:
    return config_from(read_config(root))


def read_config(root: Path) -> bytes:
    path = root / CONFIG_FILE
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(Message(
            f"找不到或无法读取 {CONFIG_FILE}（{exc.strerror}）：请在登记簿根目录运行，或用 --root 指定",
            f"cannot read {CONFIG_FILE} ({exc.strerror}): run in the registry root or pass --root",
        )) from None


def config_from(raw: bytes) -> RegistryConfig:
    """The validated contents of registry.yaml; :class:`ConfigError` at the offending line."""
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
    """Every YAML file under systems/ and projects/, as sorted posix paths relative to root.

    Directory symlinks are not followed; file symlinks are read (``Path.rglob`` semantics,
    with one ``scandir`` per directory instead of a ``stat`` per file)."""
    found: list[str] = []
    for folder in RECORD_FOLDERS:
        if (root / folder).is_dir():
            _collect(root / folder, folder, found)
    return sorted(found)


def _collect(directory: Path, relative: str, found: list[str]) -> None:
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                _collect(directory / entry.name, f"{relative}/{entry.name}", found)
            elif os.path.splitext(entry.name)[1] in RECORD_SUFFIXES and entry.is_file():
                found.append(f"{relative}/{entry.name}")


def is_record_path(path: str) -> bool:
    return path.split("/", 1)[0] in RECORD_FOLDERS and path.endswith(RECORD_SUFFIXES)


def read_files(root: Path, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    base = os.fspath(root)
    for path in paths:
        yield path, read_bytes(os.path.join(base, path))


def read_bytes(path: str) -> bytes:
    """A file's bytes with plain system calls: a third of ``open().read()``'s cost on small
    files, which counts when a check reads 20,000 of them."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


Loaded = Record | list[Unreadable]

# Below this many files a worker pool costs more than it saves.
PARALLEL_MIN_FILES = 1_000
_CHUNK = 250
_pending: Sequence[tuple[str, bytes]] = ()  # the files forked workers load (inherited memory)


def load_records(files: Iterable[tuple[str, bytes]]) -> Snapshot:
    """Parse and validate records; what fails goes to ``Snapshot.invalid`` as REG001/REG002."""
    pairs = list(files)
    with paused_gc():
        return snapshot_of([path for path, _raw in pairs], load_all(pairs))


def snapshot_of(paths: Sequence[str], results: Sequence[Loaded | Deferred]) -> Snapshot:
    """The snapshot of files whose load results are known (see :func:`load_record`), or
    cached records still to be unpickled (:class:`Deferred`)."""
    records: list[tuple[str, Record | Deferred]] = []
    invalid: list[Unreadable] = []
    for path, result in zip(paths, results):
        if isinstance(result, list):
            invalid.extend(result)
        else:
            records.append((path, result))
    return Snapshot(records, invalid)


def load_all(files: Sequence[tuple[str, bytes]]) -> list[Loaded]:
    """:func:`load_record` of every file, in order; on several cores when there are many."""
    workers = _worker_count(len(files))
    with paused_gc():
        if workers < 2:
            return [load_record(path, raw) for path, raw in files]
        global _pending
        _pending = files
        try:
            chunks = [(start, min(start + _CHUNK, len(files))) for start in range(0, len(files), _CHUNK)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return [result for part in pool.imap(_load_chunk, chunks) for result in part]
        finally:
            _pending = ()


def _load_chunk(bounds: tuple[int, int]) -> list[Loaded]:
    with paused_gc():
        return [load_record(path, raw) for path, raw in _pending[bounds[0]:bounds[1]]]


def _worker_count(files: int) -> int:
    """Forked workers for ``files`` files: only on Linux, where fork is cheap, and only from a
    single-threaded process (a fork copies locks other threads may hold, e.g. under
    ``mkdocs serve``) that is not itself a pool worker (daemonic processes cannot fork one)."""
    if files < PARALLEL_MIN_FILES or not sys.platform.startswith("linux"):
        return 1
    if threading.active_count() > 1 or multiprocessing.current_process().daemon:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except OSError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8, files // (PARALLEL_MIN_FILES // 2)))


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory): loading
    creates many long-lived objects and no cycles worth collecting. Nesting is fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
