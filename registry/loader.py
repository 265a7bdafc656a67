"""Files → records. Reads registry.yaml and every record file of the working tree (or of any
set of ``(path, bytes)`` pairs, such as a git revision), validating them with the models.

Loading a large registry is the expensive part of a check, so :func:`load_all` spreads it over
the CPU cores (forked workers, Linux only) and keeps Python's cyclic garbage collector paused
while hundreds of thousands of objects are created: none of them are garbage, and each
collection would walk them all again.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.errors import CONFIG_FILE as CONFIG_FILE
from registry.fastyaml import plain_text, read_pieces, read_screened, read_simple
from registry.errors import ConfigError as ConfigError
from registry.errors import validation_error
from registry.findings import Message
from registry.layout import MAX_CONFIG_BYTES as MAX_CONFIG_BYTES
from registry.layout import UnreadableFile, read_regular, scan_tree
from registry.layout import read_config as read_config
from registry.models import twins
from registry.gcpause import paused_gc
from registry.hiddentext import hidden, mark_screened
from registry.models.fieldsets import FieldNames as FieldNames
from registry.models.fieldsets import share_field_sets as share_field_sets
from registry.models.fieldsets import shared_field_names as shared_field_names
from registry.shapebuild import surely_built, surely_twin, twin_by_entries
from registry.snapshot import Deferred, Record, Snapshot, Unreadable
from registry.yamlio import Parsed, YamlError, decode, parse

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from registry.models import RegistryConfig


class _RecordFolders(Mapping[str, "type[BaseModel]"]):
    """Folder → model class: ``systems`` → System, ``projects`` → Project (the models imported
    when a class is first asked for: a run of twins never does)."""

    def __getitem__(self, folder: str) -> type[BaseModel]:
        from registry import models

        model: type[BaseModel] = getattr(models, MODEL_NAMES[folder])
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(MODEL_NAMES)

    def __len__(self) -> int:
        return len(MODEL_NAMES)


MODEL_NAMES = {"systems": "System", "projects": "Project"}
RECORD_FOLDERS: Mapping[str, type[BaseModel]] = _RecordFolders()


def load_config(root: Path) -> RegistryConfig:
    return config_from(read_config(root))


def config_from(raw: bytes) -> RegistryConfig:
    """The validated contents of registry.yaml; :class:`ConfigError` at the offending line.

    A registry.yaml in plain block YAML is read by the fast reader (:mod:`registry.fastyaml`:
    the same data as the full parser, or "not sure"); the full parser, which knows positions,
    reads it only when there is an error to place (or the fast reader is not sure)."""
    data = _simple_config_data(raw)
    parsed: Parsed | None = None
    if data is None:
        parsed = _located_config(raw)
        data = parsed.data
    try:
        config = _config_model().model_validate(data)
    except validation_error() as exc:
        loc, message = next(translate(_config_model(), exc))
        line, column = position(parsed or _located_config(raw), loc)
        raise ConfigError(message, CONFIG_FILE, line, column) from None
    for loc, message in config_reference_errors(config):
        raise ConfigError(message, CONFIG_FILE, *position(parsed or _located_config(raw), loc))
    # Profiles, parameters and disabled rules are part of the configuration: every command
    # that reads registry.yaml refuses a bad one the same way (exit 2), not only ``check``.
    from registry.engine import select_rules  # the rule modules: imported only here

    try:
        select_rules(config)
    except ConfigError as exc:
        if exc.loc:
            exc.line, exc.column = position(parsed or _located_config(raw), exc.loc)
        raise
    return config


def _simple_config_data(raw: bytes) -> dict[str, Any] | None:
    """registry.yaml's data as :func:`registry.yamlio.parse` builds it, read by the fast reader;
    None when it is not sure (or the bytes are not UTF-8: the parser says so)."""
    try:
        return read_simple(decode(raw))
    except YamlError:
        return None


def _located_config(raw: bytes) -> Parsed:
    """registry.yaml read by the full parser, with positions; its errors as :class:`ConfigError`."""
    try:
        return parse(raw, positions=True)
    except YamlError as exc:
        raise ConfigError(exc.message, CONFIG_FILE, exc.line, exc.column) from None


def _config_model() -> type[RegistryConfig]:
    from registry.models import RegistryConfig

    return RegistryConfig


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
    yield from calendar_errors(config)
    yield from hidden_text_errors(config)


def hidden_text_errors(config: RegistryConfig) -> Iterator[tuple[tuple[str | int, ...], Message]]:
    """The names published or matched against people — the jurisdiction, each unit's name,
    aliases, reviewers and approvers (an approver's e-mail and name) — hold no hidden character
    (REG012's set, :mod:`registry.hiddentext`, which looks at records only): a bidirectional
    control shows one name as another, a zero-width one makes two that look the same differ (an
    approver's address that looks like a colleague's and is another identity)."""
    texts: list[tuple[tuple[str | int, ...], str]] = [(("jurisdiction",), config.jurisdiction)]
    for i, unit in enumerate(config.units):
        texts.append((("units", i, "name"), unit.name))
        texts += [(("units", i, "aliases", j), alias) for j, alias in enumerate(unit.aliases)]
        texts += [(("units", i, "reviewers", j), reviewer) for j, reviewer in enumerate(unit.reviewers)]
        for j, approver in enumerate(unit.approvers):
            if isinstance(approver, str):
                texts.append((("units", i, "approvers", j), approver))
            else:
                texts += [(("units", i, "approvers", j, key), value) for key, value
                          in (("email", approver.email), ("name", approver.name)) if value is not None]
    for loc, text in texts:
        found = hidden().search(text)
        if found is not None:
            field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
            code = f"U+{ord(found.group()):04X}"
            yield loc, Message(
                f"{field} 含不可见字符或双向文本控制字符 {code}（第 {found.start() + 1} 个字符）：它在网页和表格中看不见，"
                "却能改变文字的显示顺序、让看起来相同的名称互不相同，可用来冒充其他单位或他人；请删除该字符（常见于从网页或 Word 复制的文字）",
                f"{field} holds the hidden character {code} (character {found.start() + 1}): it reorders the text "
                "or makes names that look the same differ; remove it")


def calendar_errors(config: RegistryConfig) -> Iterator[tuple[tuple[str | int, ...], Message]]:
    """Every date of a year's arrangement lies in that year, no date is both a day off and a
    working day, and a working day moved onto a weekend is a Saturday or a Sunday."""
    for year, arrangement in config.calendar.items():
        for kind, days in (("holidays", arrangement.holidays), ("workdays", arrangement.workdays)):
            for i, day in enumerate(days):
                if day.year != int(year):
                    yield ("calendar", year, kind, i), Message(
                        f"calendar.{year}.{kind} 中的日期 {day} 不在 {year} 年内：每年的安排只列该年的日期",
                        f"calendar.{year}.{kind}: {day} is not in {year}")
        for i, day in enumerate(arrangement.workdays):
            if day in arrangement.holidays:
                yield ("calendar", year, "workdays", i), Message(
                    f"calendar.{year} 中的日期 {day} 既在 holidays（放假）又在 workdays（上班）中：请对照通知改正",
                    f"calendar.{year}: {day} is in both holidays and workdays")
            elif day.weekday() < 5:
                yield ("calendar", year, "workdays", i), Message(
                    f"calendar.{year}.workdays 中的 {day} 是周一至周五，本来就是工作日：这里只列通知中调休上班的周六、周日",
                    f"calendar.{year}.workdays: {day} is a weekday, a working day anyway; list only weekend days moved to work")


def record_files(root: Path) -> list[str]:
    """Every record file under systems/ and projects/ (``<unit>/<id>.yaml``, regular files
    only), as sorted posix paths relative to root; see :mod:`registry.layout` for the rest."""
    return scan_tree(root).records


def read_files(root: Path, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """The bytes of regular files (:class:`registry.layout.UnreadableFile` for anything else)."""
    for path in paths:
        yield path, read_regular(root, path)


Loaded = Record | list[Unreadable]

# Below this many files a worker pool costs more than it saves.
# A load of more files than this validates with pydantic (its validator, once built, is faster
# per record than making records from their shapes; building it costs about 500 records' worth).
CONSTRUCT_MAX_FILES = 256
# In a run of twins (registry.models.twins) pydantic is not imported at all: a load of up to this
# many files makes its records from their shapes (some 0.1 ms a record more than pydantic's
# built validator, against about 0.25 s to import pydantic and build the models a load needs).
TWIN_MAX_FILES = 2_000
_construct = True  # False while load_all loads more files than that (workers inherit it)
PARALLEL_MIN_FILES = 1_000
# Nor on fewer cores than this: every record a worker loads is pickled and unpickled again in
# this process, which costs nearly as much as loading it (20,000 records: 2.5 s of CPU more in
# all, for about no time saved on two cores, where the parent's share and the transfer keep
# both busy). From three cores on, the time saved outweighs it.
MIN_POOL_CORES = 3
_CHUNK = 250
# (path, bytes or how to read them): the files forked workers load (inherited memory)
_pending: Sequence[tuple[str, bytes | Callable[[], bytes]]] = ()


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


def load_all(files: Sequence[tuple[str, bytes | Callable[[], bytes]]]) -> list[Loaded]:
    """:func:`load_record` of every file, in order; on several cores when there are many. A
    file given as a function is read by it where it is parsed (in the worker), so that the
    bytes of a large registry are never all in memory at once."""
    workers = _worker_count(len(files))
    global _pending, _construct
    previous, _construct = _construct, len(files) <= (TWIN_MAX_FILES if twins.active() else CONSTRUCT_MAX_FILES)
    with paused_gc():
        try:
            if workers < 2:
                return [load_record(path, _bytes(raw)) for path, raw in files]
            _pending = files
            chunks = [(start, min(start + _CHUNK, len(files))) for start in range(0, len(files), _CHUNK)]
            import multiprocessing  # (only for many files: a few are loaded here, without it)

            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return [result for part in pool.imap(_load_chunk, chunks) for result in part]
        finally:
            _pending, _construct = (), previous


def _load_chunk(bounds: tuple[int, int]) -> list[Loaded]:
    with paused_gc():
        return [load_record(path, _bytes(raw)) for path, raw in _pending[bounds[0]:bounds[1]]]


def _bytes(raw: bytes | Callable[[], bytes]) -> bytes:
    return raw if isinstance(raw, bytes) else raw()


def _worker_count(files: int) -> int:
    """Forked workers for ``files`` files: only on Linux, where fork is cheap, and only from a
    single-threaded process (a fork copies locks other threads may hold, e.g. under
    ``mkdocs serve``) that is not itself a pool worker (daemonic processes cannot fork one)."""
    if files < PARALLEL_MIN_FILES or not sys.platform.startswith("linux"):
        return 1
    import multiprocessing

    # (threading never imported: no thread was started through it, and importing it costs a hook run)
    threads = sys.modules.get("threading")
    if (threads is not None and threads.active_count() > 1) or multiprocessing.current_process().daemon:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except OSError:
        cores = os.cpu_count() or 1
    if cores < MIN_POOL_CORES:
        return 1
    return max(1, min(cores, 8, files // (PARALLEL_MIN_FILES // 2)))


def load_record(path: str, raw: bytes) -> Record | list[Unreadable]:
    """A valid record, or the REG001 problem / every REG002 problem of the file. In a run of
    twins (:mod:`registry.models.twins`) the record is a twin: made from the data when the shapes
    vouch for it, else validated by pydantic (its messages) and made a twin of."""
    folder = path.split("/", 1)[0]
    if _construct and twins.active():
        made: Record | None = _twin_by_entries(MODEL_NAMES[folder], raw)
        if made is not None:
            mark_screened(made)  # (only a text without any hidden character is read so)
            return made
    data, screened = _plain_block_data(raw)
    if data is None:
        try:
            data = parse(raw).data
        except YamlError as exc:
            return [Unreadable(path, "REG001", exc.line, exc.column, exc.field, exc.message)]
    loaded: Record | list[Unreadable] | None = None
    if twins.active():
        loaded = surely_twin(MODEL_NAMES[folder], data) if _construct else None
        if loaded is None:
            loaded = validate(path, raw, RECORD_FOLDERS[folder], data)
            if not isinstance(loaded, list):
                loaded = twins.twin_of(loaded)
    else:
        loaded = validate(path, raw, RECORD_FOLDERS[folder], data)
    if screened and not isinstance(loaded, list):
        mark_screened(loaded)  # no hidden character in its file: REG012 need not look (registry.hiddentext)
    return loaded


def _twin_by_entries(model: str, raw: bytes) -> Any:
    """The twin of a record in plain block YAML without any hidden character, read and made entry
    by entry (:func:`registry.fastyaml.read_pieces`, :func:`registry.shapebuild.twin_by_entries`:
    each entry once per run); None for anything else, which the usual way reads."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not plain_text(text):
        return None
    found = read_pieces(text)
    return twin_by_entries(model, *found) if found is not None else None


def _plain_block_data(raw: bytes) -> tuple[dict[str, Any] | None, bool]:
    """The data of a record written in plain block YAML, as :func:`registry.yamlio.parse`
    builds it, read about twice as fast (:mod:`registry.fastyaml`); None for anything else,
    which the full parser then reads (and explains, if it is not YAML). And whether the data
    was read from a text without any hidden character (see :func:`read_screened`)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, False
    return read_screened(text)


def validate(path: str, raw: bytes, model: type[BaseModel], data: dict[str, Any]) -> Record | list[Unreadable]:
    """The record ``data`` makes, or its REG002 problems. Data the shapes vouch for is made into
    the record without pydantic's validator (:mod:`registry.shapebuild`): building that
    validator is most of a few-file check, while each record made so costs some 50 µs more than
    the built validator takes — so within a load of many files (:func:`load_all`, more than
    :data:`CONSTRUCT_MAX_FILES`) every record goes to pydantic."""
    if _construct:
        made = surely_built(model, data)
        if made is not None:
            share_field_sets(made)
            return made  # type: ignore[return-value]
    try:
        record: Record = model.model_validate(data)  # type: ignore[assignment]
        share_field_sets(record)
        return record
    except validation_error() as exc:
        try:
            located = parse(raw, positions=True)  # positions only for the files that need them
        except YamlError as error:  # (read by the fast reader, refused by the parser: the parser decides)
            return [Unreadable(path, "REG001", error.line, error.column, error.field, error.message)]
        return [
            Unreadable(path, "REG002", *position(located, loc), dotted(loc), message)
            for loc, message in translate(model, exc)
        ]


def translate(model: type[BaseModel], exc: ValidationError) -> Iterator[tuple[tuple[str | int, ...], Message]]:
    """:func:`registry.schema_errors.translate`, imported only when some data is refused."""
    from registry.schema_errors import translate as translated

    return translated(model, exc)


def dotted(loc: tuple[str | int, ...]) -> str:
    from registry.schema_errors import dotted as joined

    return joined(loc)


def position(parsed: Parsed, loc: tuple[str | int, ...]) -> tuple[int, int]:
    """Line/column of the deepest part of ``loc`` present in the file (else its first line)."""
    positions = parsed.positions or {}
    for end in range(len(loc), 0, -1):
        found = positions.get(tuple(loc[:end]))
        if found is not None:
            return found
    return 1, 1
