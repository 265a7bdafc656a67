"""What the audit reads from git, read before the walk in as few passes as possible.

The walk (walker.py) may replay the history several times (until the keys in force settle),
and every pass asks the same questions of the same blobs. So, once, before it:

* the milestone changes of every audited commit: every blob those commits changed, through
  one ``git cat-file --batch`` (fields kept per blob id, :mod:`registry.blobfields`);
* for the merges among them, what each merged parent held at those paths (one more batch,
  asked by ``<commit>:<path>``), to tell who brought a milestone in;
* registry.yaml after each commit: every distinct version read once, in one batch.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pydantic import ValidationError

from registry import gitio
from registry.blobfields import BlobFields, project_fields
from registry.loader import CONFIG_FILE
from registry.models import RegistryConfig
from registry.yamlio import YamlError, parse

from registry.audit import records

ParentKey = tuple[str, str]  # (parent commit, registry-relative path)


@dataclasses.dataclass
class HistoryReading:
    """The answers the walk needs, by commit."""

    milestones: dict[str, list[records.MilestoneChange]]  # commit → its milestone changes
    parents: dict[ParentKey, tuple[str, dict[str, str]] | None]  # the file in a merged parent, read as a project
    configs: list[RegistryConfig | None]  # registry.yaml after each commit of the log


def read_history(repo: gitio.Repo, prefix: str, log: Sequence[gitio.LogEntry], start: int,
                 fields: BlobFields) -> HistoryReading:
    audited = log[start:]
    found = fields.projects(blob for entry in audited for blob in records.blobs_read(entry.changes, prefix))
    milestones = {
        entry.commit: list(records.changes_in(
            entry.changes, prefix, lambda path, oid: records.record_of(path, found[oid])))
        for entry in audited
    }
    wanted = {(parent, change.path) for entry in audited if entry.merge
              for change in milestones[entry.commit] for parent in entry.parents[1:]}
    return HistoryReading(milestones, _in_parents(repo, prefix, sorted(wanted), fields), configs_after(repo, prefix, log))


def _in_parents(repo: gitio.Repo, prefix: str, wanted: list[ParentKey],
                fields: BlobFields) -> dict[ParentKey, tuple[str, dict[str, str]] | None]:
    """Each (parent, path) read as a project; None where the parent has no file there. A path
    git's batch protocol cannot carry (a line break in it) is looked up with ``ls-tree``."""
    out: dict[ParentKey, tuple[str, dict[str, str]] | None] = {}
    try:
        answers = list(repo.blobs(f"{parent}:{prefix}{path}" for parent, path in wanted))
    except gitio.GitFailed as exc:
        raise gitio.missing_object(repo, "", "", exc) from None
    for (parent, path), blob in zip(wanted, answers):
        data = blob.data if blob.kind == "blob" else None
        if "\n" in path:
            data = _by_listing(repo, parent, prefix + path)
        elif blob.kind not in ("blob", "missing"):
            data = b""  # a folder or a submodule at that path: no project there
        if data is None:
            out[(parent, path)] = None
            continue
        known = fields.known_project(blob.oid) if blob.oid else None
        out[(parent, path)] = records.record_of(path, known or project_fields(data, fields.fast))
    return out


def _by_listing(repo: gitio.Repo, commit: str, path: str) -> bytes | None:
    listing = repo.git("ls-tree", "-z", "--full-tree", commit, "--", path).decode("utf-8", "surrogateescape")
    for line in listing.split("\0"):
        meta, _, name = line.partition("\t")
        if name == path:
            _mode, kind, oid = meta.split(" ", 2)
            return gitio.read_blob(repo, oid, path) if kind == "blob" else b""
    return None


def configs_after(repo: gitio.Repo, prefix: str, log: Sequence[gitio.LogEntry]) -> list[RegistryConfig | None]:
    """registry.yaml after each commit (None while it is missing, unreadable, or not a regular
    file: a link's target is never trusted as configuration)."""
    path = prefix + CONFIG_FILE
    blob: str | None = None
    after: list[str | None] = []
    for entry in log:
        for change in entry.changes:
            if change.path == path:
                blob = change.new_blob if change.regular_file else None
        after.append(blob)
    distinct = sorted({b for b in after if b is not None})
    parsed = {oid: _config(raw) for oid, raw in gitio.read_blobs(repo, [(oid, CONFIG_FILE) for oid in distinct])}
    return [parsed[b] if b is not None else None for b in after]


def _config(raw: bytes) -> RegistryConfig | None:
    try:
        return RegistryConfig.model_validate(parse(raw).data)
    except (YamlError, ValidationError, ValueError, RecursionError):
        return None
