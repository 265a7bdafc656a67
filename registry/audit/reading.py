"""What the audit reads from git, read before the walk in as few passes as possible.

The walk (walker.py) may replay the history several times (until the keys in force settle),
and every pass asks the same questions of the same blobs. So, once, before it:

* the milestone changes of every audited commit: every blob those commits changed, through
  one ``git cat-file --batch`` (fields kept per blob id, :mod:`registry.blobfields`);
* for the merges among them, what each merged parent held at those paths, to tell who brought
  a milestone in: the blob ids first (one ``cat-file --batch-check`` asked by
  ``<commit>:<path>``), then only the blobs not read before (the same batch as above);
* registry.yaml after each commit: every distinct version read once, in one batch, as the
  twin of what its model makes of it (kept by blob id with the other fields).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from registry import gitio, plainclass
from registry.blobfields import BlobFields, project_fields
from registry.loader import CONFIG_FILE

from registry.audit import records

if TYPE_CHECKING:
    from registry.models import RegistryConfig

ParentKey = tuple[str, str]  # (parent commit, registry-relative path)


@plainclass.dataclass
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
    return HistoryReading(milestones, _in_parents(repo, prefix, sorted(wanted), fields),
                          configs_after(prefix, log, fields))


def _in_parents(repo: gitio.Repo, prefix: str, wanted: list[ParentKey],
                fields: BlobFields) -> dict[ParentKey, tuple[str, dict[str, str]] | None]:
    """Each (parent, path) read as a project; None where the parent has no file there. A path
    git's batch protocol cannot carry (a line break in it) is looked up with ``ls-tree``."""
    out: dict[ParentKey, tuple[str, dict[str, str]] | None] = {}
    objects = _objects(repo, [f"{parent}:{prefix}{path}" for parent, path in wanted])
    blobs = {(oid, path) for (_, path), (oid, kind) in zip(wanted, objects) if kind == "blob"}
    found = fields.projects((oid, path, True) for oid, path in sorted(blobs))
    for (parent, path), (oid, kind) in zip(wanted, objects):
        if "\n" in path:
            data = _by_listing(repo, parent, prefix + path)
            out[(parent, path)] = None if data is None else records.record_of(path, project_fields(data, fields.fast))
        elif kind == "blob":
            out[(parent, path)] = records.record_of(path, found[oid])
        elif kind == "missing":
            out[(parent, path)] = None
        else:  # a folder or a submodule at that path: no project there
            out[(parent, path)] = records.record_of(path, project_fields(b"", fields.fast))
    return out


def _objects(repo: gitio.Repo, names: list[str]) -> list[tuple[str, str]]:
    """(object id, type) of each ``<commit>:<path>`` name ('', 'missing' when it names nothing,
    or cannot be asked in git's line-based protocol), through one ``git cat-file --batch-check``."""
    asked = [name for name in names if "\n" not in name]
    if not asked:
        return [("", "missing")] * len(names)
    try:
        listing = repo.git("cat-file", "--batch-check",
                           input="".join(f"{name}\n" for name in asked).encode("utf-8", "surrogateescape"))
    except gitio.GitFailed as exc:
        raise gitio.missing_object(repo, "", "", exc) from None
    lines = iter(listing.decode("utf-8", "surrogateescape").split("\n"))
    out = []
    for name in names:
        if "\n" in name:
            out.append(("", "missing"))
            continue
        parts = next(lines, "").split(" ")
        # "<id> <type> <size>"; anything else ("<name> missing", "<name> ambiguous") names no object
        found = len(parts) == 3 and parts[2].isdigit() and _hex_id(parts[0])
        out.append((parts[0], parts[1]) if found else ("", "missing"))
    return out


def _hex_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _by_listing(repo: gitio.Repo, commit: str, path: str) -> bytes | None:
    listing = repo.git("ls-tree", "-z", "--full-tree", commit, "--", path).decode("utf-8", "surrogateescape")
    for line in listing.split("\0"):
        meta, _, name = line.partition("\t")
        if name == path:
            _mode, kind, oid = meta.split(" ", 2)
            return gitio.read_blob(repo, oid, path) if kind == "blob" else b""
    return None


def configs_after(prefix: str, log: Sequence[gitio.LogEntry], fields: BlobFields) -> list[RegistryConfig | None]:
    """registry.yaml after each commit (None while it is missing, unreadable, or not a regular
    file: a link's target is never trusted as configuration), as twins of the model's result
    (:func:`registry.blobfields.config_twin`): one object per distinct version."""
    path = prefix + CONFIG_FILE
    blob: str | None = None
    after: list[str | None] = []
    for entry in log:
        for change in entry.changes:
            if change.path == path:
                blob = change.new_blob if change.regular_file else None
        after.append(blob)
    parsed = fields.configs(sorted({b for b in after if b is not None}))
    return [parsed[b] if b is not None else None for b in after]
