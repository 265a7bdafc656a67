"""变更记录: what happened to a record, from git, in the registry's own terms.

Commit messages are written by and for developers ("Merge pull request #7", "fix typo"); a
reader wants to know when the record was registered, when its status or stage moved and which
parts were updated. Each first-parent commit that touched the record's file is described by
comparing the file before and after it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from registry import gitio
from registry.enums import Stage, SystemStatus
from registry.export import INTERNAL_FIELDS
from registry.models import Project, System
from registry.site.pagecache import PageCache
from registry.blobfields import fast_enabled
from registry.fastyaml import read_simple
from registry.yamlio import YamlError, decode, parse


@dataclasses.dataclass(frozen=True)
class RecordChange:
    date: dt.date
    what: list[str]  # plain Chinese sentences
    by: str  # who merged (approved) or committed it: a name, never an address
    merged: bool


def record_changes(root: Path, history: dict[str, list[gitio.LogEntry]],
                   cache: PageCache | None = None) -> dict[str, list[RecordChange]]:
    """Record path → its changes, newest first ({} outside git). A change's sentences depend
    only on the blobs before and after it: ``cache`` keeps them by those blob ids, and the
    blobs of the others are read through one ``git cat-file --batch``."""
    if not history:
        return {}
    repo = gitio.try_open_repo(root)
    if repo is None:
        return {}
    try:
        prefix = gitio.root_prefix(repo, root)
        by_path = _changes_by_path(history)
        steps = {path: [(e, by_path[id(e)].get(prefix + path)) for e in reversed(entries)]
                 for path, entries in history.items()}
        wanted = {oid: path for path, pairs in steps.items() for _, change in pairs if change is not None
                  and (cache is None or not cache.known(_WHAT, _inputs(path, change)))
                  for oid in (change.old_blob, change.new_blob) if oid is not None}
        blobs = dict(gitio.read_blobs(repo, [(oid, prefix + path) for oid, path in wanted.items()]))
    finally:
        repo.close()
    return {path: [_describe(path, entry, change, blobs, cache) for entry, change in pairs]
            for path, pairs in steps.items()}


_WHAT = "change"


def _changes_by_path(history: dict[str, list[gitio.LogEntry]]) -> dict[int, dict[str, gitio.FileChange]]:
    """Each commit's changes by path, built once per commit: the first import commit names
    every record, and looking each record up in it one by one would take quadratic time."""
    out: dict[int, dict[str, gitio.FileChange]] = {}
    for entries in history.values():
        for e in entries:
            if id(e) not in out:
                out[id(e)] = {}
                for c in e.changes:
                    out[id(e)].setdefault(c.path, c)  # the first, as next() over the changes found
    return out


def _model(path: str) -> type[Project] | type[System]:
    return Project if path.startswith("projects/") else System


def _inputs(path: str, change: gitio.FileChange) -> tuple[str, str, str]:
    return (_model(path).__name__, change.old_blob or "-", change.new_blob or "-")


def _describe(path: str, entry: gitio.LogEntry, change: gitio.FileChange | None, blobs: dict[str, bytes],
              cache: PageCache | None) -> RecordChange:
    who = entry.author.name
    if change is None:
        return RecordChange(entry.date, ["更新登记信息"], who, entry.merge)

    def sentences() -> list[str]:
        before, after = _mapping(blobs, change.old_blob), _mapping(blobs, change.new_blob)
        return list(describe(_model(path), before, after)) or ["更新登记信息"]

    what = cache.sentences(_WHAT, _inputs(path, change), sentences) if cache is not None else sentences()
    return RecordChange(entry.date, what, who, entry.merge)


def _mapping(blobs: dict[str, bytes], oid: str | None) -> dict[str, Any] | None:
    """The blob's YAML mapping ({} when it is not one): the fast reader where it is sure."""
    if oid is None:
        return None
    try:
        text = decode(blobs[oid])
        found = read_simple(text) if fast_enabled() else None
        data = found if found is not None else parse(blobs[oid]).data
    except (YamlError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def describe(model: type[Project] | type[System], before: dict[str, Any] | None,
             after: dict[str, Any] | None) -> Iterator[str]:
    """Sentences for one change of a record file's content."""
    if after is None:
        yield "删除记录文件"
        return
    if before is None:
        yield "新增登记"
        before = {}
    statuses, stages = SystemStatus.labels(), Stage.labels()  # each call builds its dict anew
    if before.get("status") != after.get("status") and after.get("status") in statuses:
        old = statuses.get(str(before.get("status")), "")
        yield f"状态：{old} → {statuses[after['status']]}" if old else f"状态：{statuses[after['status']]}"
    old_stages, new_stages = _stages(before), _stages(after)
    reached = [stages[s] for s in stages if s in new_stages and s not in old_stages]
    if reached and before and "milestones" in model.model_fields:
        yield "进入阶段：" + "、".join(reached)
    hidden = INTERNAL_FIELDS[model] | {"status", "milestones", "id"}
    updated = [info.title or name for name, info in model.model_fields.items()
               if name not in hidden and before and before.get(name) != after.get(name)]
    if "milestones" in model.model_fields and new_stages != old_stages and not reached and before:
        updated.append(model.model_fields["milestones"].title or "里程碑")
    if updated:
        yield "更新：" + "、".join(updated)


def _stages(record: dict[str, Any]) -> dict[str, Any]:
    milestones = record.get("milestones")
    return milestones if isinstance(milestones, dict) else {}
