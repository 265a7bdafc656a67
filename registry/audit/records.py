"""What a commit did to the records, read from the blobs it changed.

A record is whatever the check would read as one, wherever history keeps it: the audit does
not trust paths. Every regular-file blob a commit changed, in any folder (``docs/`` included)
and under any name, is parsed; a YAML mapping with ``milestones`` (or any file at a project
record path) counts as a project. So a record moved under ``docs/`` and reached through a
symbolic link is still audited when its target is edited, and a copy with the same ``id``
cannot mask a change: the milestones of all blobs of one project id are compared as a whole.
Symbolic links and submodules themselves are reported (AUD006): their targets are not records.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from registry import gitio, plainclass
from registry.blobfields import ProjectFields, canonical, project_fields
from registry.layout import is_record_path
from registry.loader import CONFIG_FILE, RECORD_FOLDERS
from registry.yamlio import YamlError, parse

from registry.audit.rules import AUTHORITY_OF_MILESTONE

_REGISTRY_FOLDERS = (*RECORD_FOLDERS, "docs")
_LINK_MODES = ("120000", "160000")


@plainclass.dataclass(frozen=True)
class MilestoneChange:
    """One authority milestone of one project that a commit added, changed or removed."""

    path: str  # registry-relative path of the project file (after the commit, else before)
    project: str
    milestone: str
    action: str  # added | changed | removed
    values: frozenset[str] = frozenset()  # the milestone's values after the commit (canonical JSON)


def relative(path: str, prefix: str) -> str:
    """A repository path relative to the registry root (unchanged outside it)."""
    return path[len(prefix):] if path.startswith(prefix) else path


def registry_file(path: str) -> bool:
    """A path the registry reads or keeps: registry.yaml, the record and document folders,
    and any YAML file."""
    return (path == CONFIG_FILE or path.split("/", 1)[0] in _REGISTRY_FOLDERS
            or path.lower().endswith((".yaml", ".yml")))


def linked_entries(changes: Iterable[gitio.FileChange], prefix: str) -> list[gitio.FileChange]:
    """Symbolic links and submodules a commit added or changed where the registry keeps files."""
    return [c for c in changes if c.new_blob is not None and c.mode in _LINK_MODES
            and registry_file(relative(c.path, prefix))]


_Side = dict[str, list[tuple[str, dict[str, str]]]]  # project id → [(path, milestone → canonical value)]
Reader = Callable[[str, str], "tuple[str, dict[str, str]] | None"]  # (path, blob id) → project


def milestone_changes(
    changes: Iterable[gitio.FileChange], prefix: str, read: Callable[[str], bytes]
) -> Iterator[MilestoneChange]:
    """Authority milestones that differ between the two sides of a commit, per project id,
    each blob read with ``read(blob id)`` (see :func:`changes_in` for blobs read beforehand)."""
    return changes_in(changes, prefix, lambda path, oid: record_of(path, project_fields(read(oid), fast=False)))


def changes_in(changes: Iterable[gitio.FileChange], prefix: str, record: Reader) -> Iterator[MilestoneChange]:
    """Authority milestones that differ between the two sides of a commit, per project id;
    ``record(path, blob id)`` is the blob read as a project (:func:`record_of`).

    Projects are matched by ``id`` across the commit, so a move (deletion plus addition) is no
    change; all blobs carrying one id are compared together, so a stale copy elsewhere cannot
    stand in for the edited record."""
    before: _Side = {}
    after: _Side = {}
    for change in changes:
        path = relative(change.path, prefix)
        if change.old_blob is not None and change.old_regular_file:
            _collect(before, path, record(path, change.old_blob))
        if change.new_blob is not None and change.regular_file:
            _collect(after, path, record(path, change.new_blob))
    for project in sorted(set(before) | set(after)):
        old, new = before.get(project, []), after.get(project, [])
        was_all, now_all = _by_milestone(old), _by_milestone(new)
        if was_all == now_all:
            continue  # (most commits change a project's other fields: nothing to compare one by one)
        path = _shown_path(new or old)
        for milestone in AUTHORITY_OF_MILESTONE:
            was, now = was_all.get(milestone, _NONE), now_all.get(milestone, _NONE)
            if was != now:
                action = "added" if not was else "removed" if not now else "changed"
                yield MilestoneChange(path, project, milestone, action, frozenset(now))


def blobs_read(changes: Iterable[gitio.FileChange], prefix: str) -> Iterator[tuple[str, str, bool]]:
    """(blob id, path, at a project path) of every blob :func:`changes_in` reads."""
    for change in changes:
        path = relative(change.path, prefix)
        at = at_project_path(path)
        if change.old_blob is not None and change.old_regular_file:
            yield change.old_blob, path, at
        if change.new_blob is not None and change.regular_file:
            yield change.new_blob, path, at


def _collect(side: _Side, path: str, found: tuple[str, dict[str, str]] | None) -> None:
    if found is not None:
        project, milestones = found
        side.setdefault(project, []).append((path, milestones))


def _shown_path(entries: list[tuple[str, dict[str, str]]]) -> str:
    """Where to report: the record path if one of the blobs is at one."""
    paths = sorted(p for p, _ in entries)
    return next((p for p in paths if is_record_path(p) and p.startswith("projects/")), paths[0])


def milestone_value(path: str, raw: bytes, milestone: str) -> str | None:
    """The canonical value of ``milestone`` in a blob read as a project ('' when absent), None
    when the blob is not a project."""
    return value_in(record_of(path, project_fields(raw, fast=False)), milestone)


def value_in(found: tuple[str, dict[str, str]] | None, milestone: str) -> str | None:
    """The canonical value of ``milestone`` of a blob read as a project ('' when absent)."""
    return None if found is None else found[1].get(milestone, "")


_NONE: frozenset[str] = frozenset()


def _by_milestone(entries: list[tuple[str, dict[str, str]]]) -> dict[str, set[str]]:
    """Milestone → the distinct values the blobs give it (a milestone none of them has: absent)."""
    out: dict[str, set[str]] = {}
    for _, milestones in entries:
        for milestone, value in milestones.items():
            out.setdefault(milestone, set()).add(value)
    return out


@functools.lru_cache(maxsize=1 << 16)
def at_project_path(path: str) -> bool:
    """(Asked of every changed blob, again in every pass of the walk: a history names the same
    few thousand paths over and over.)"""
    return path.startswith("projects/") and is_record_path(path)


def record_of(path: str, fields: ProjectFields) -> tuple[str, dict[str, str]] | None:
    """(project id, milestone → canonical value) of a blob at ``path`` read as a project, else
    None: :func:`project_record` from the blob's :class:`~registry.blobfields.ProjectFields`."""
    at = at_project_path(path)
    if not fields.mapping or not (at or fields.has_milestones):
        return (_stem(path), {}) if at else None
    return (fields.id or _stem(path)), fields.milestones


def project_record(path: str, raw: bytes) -> tuple[str, dict[str, Any]] | None:
    """(project id, milestone → mapping) if the blob reads as a project, else None.

    Read leniently: an unreadable file at a project path has no milestones, so a milestone
    that reappears once the file is repaired still counts as added."""
    at_project = at_project_path(path)
    if b"\0" in raw[:8000] and not at_project:
        return None  # binary (a PDF, an image): git's own test
    try:
        data: Any = parse(raw).data
    except (YamlError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or not (at_project or "milestones" in data):
        return (_stem(path), {}) if at_project else None
    return project_milestones(path, data)


def project_milestones(path: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    milestones = data.get("milestones")
    if not isinstance(milestones, dict):
        milestones = {}
    normal = {str(k): (v if isinstance(v, dict) else {"date": v}) for k, v in milestones.items() if v is not None}
    project_id = data.get("id")
    return (str(project_id) if isinstance(project_id, (str, int)) and str(project_id) else _stem(path)), normal


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
