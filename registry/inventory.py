"""Active systems per unit ("只减不增"), now and along the base branch's history.

The count is the one the rest of the tool uses (:attr:`System.active`, per ``unit``, valid
records only: a file with schema errors is reported by ``check`` and not counted). A unit
appears in the counts while it holds at least one system record, with 0 once all of them are
retired, so a unit that reached zero stays visible on the trend chart.

History is read in one ``git log`` pass over the first-parent commits (each with its raw diff
against the previous one) and one ``git cat-file --batch`` for the changed blobs; the counts
are then replayed commit by commit, so the cost grows with the number of *changes*, not with
commits × records.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import git

from registry import gitio
from registry.loader import load_config, load_record
from registry.models import System
from registry.snapshot import Snapshot

SYSTEMS_FOLDER = "systems/"


@dataclasses.dataclass(frozen=True)
class InventoryPoint:
    """The active systems per unit after one first-parent commit of the base branch."""

    commit: str
    date: dt.date
    subject: str
    counts: dict[str, int]  # unit id → active systems

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def current_counts(snapshot: Snapshot) -> dict[str, int]:
    """Unit id → active systems in ``snapshot``, for every unit holding a system record."""
    counts: dict[str, int] = {}
    for s in snapshot.systems:
        counts[s.unit] = counts.get(s.unit, 0) + (1 if s.active else 0)
    return dict(sorted(counts.items()))


def history(root: Path, branch: str | None = None) -> list[InventoryPoint]:
    """Counts after every first-parent commit of ``branch``, oldest first.

    ``branch`` defaults to registry.yaml's ``base_branch`` (or ``origin/<base_branch>``), and
    to HEAD when neither exists; an explicit ``branch`` that does not exist is a usage error.
    Outside a git repository, or in one without commits, the history is empty.
    """
    repo = gitio.try_open_repo(root)
    if repo is None:
        return []
    try:
        commit = _branch_commit(repo, root, branch)
        if commit is None:
            return []
        entries = gitio.first_parent_log(repo, commit)
        return list(replay(entries, gitio.root_prefix(repo, root), _BlobReader(repo)))
    finally:
        repo.close()


def _branch_commit(repo: git.Repo, root: Path, branch: str | None) -> str | None:
    if branch is not None:
        return gitio.require_branch(repo, branch)
    base = load_config(root).base_branch
    return gitio.resolve_branch(repo, base) or gitio.resolve_commit(repo, "HEAD")


class _BlobReader:
    """(unit, active) of a system blob, each blob parsed once however many commits share it."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self._seen: dict[str, tuple[str, bool] | None] = {}

    def system(self, path: str, blob: str) -> tuple[str, bool] | None:
        if blob not in self._seen:
            self._seen[blob] = system_state(path, gitio.read_blob(self.repo, blob))
        return self._seen[blob]


def system_state(path: str, raw: bytes) -> tuple[str, bool] | None:
    """(unit, active) of a valid system record file; None for anything the loader rejects."""
    record = load_record(path, raw)
    return (record.unit, record.active) if isinstance(record, System) else None


def replay(entries: Iterable[gitio.LogEntry], prefix: str, blobs: _BlobReader) -> Iterator[InventoryPoint]:
    """Apply each commit's changed system files to running counts; yield the counts after it."""
    state: dict[str, tuple[str, bool]] = {}  # record path → (unit, active)
    active: Counter[str] = Counter()
    held: Counter[str] = Counter()  # system records per unit, active or not
    for entry in entries:
        for change in entry.changes:
            path = _system_path(change.path, prefix)
            if path is None:
                continue
            before = state.pop(path, None)
            if before is not None:
                held[before[0]] -= 1
                active[before[0]] -= before[1]
            if change.new_blob is not None and change.regular_file:
                after = blobs.system(path, change.new_blob)
                if after is not None:
                    state[path] = after
                    held[after[0]] += 1
                    active[after[0]] += after[1]
        counts = {unit: active[unit] for unit in sorted(held) if held[unit] > 0}
        yield InventoryPoint(entry.commit, entry.date, entry.subject, counts)


def _system_path(repo_path: str, prefix: str) -> str | None:
    """The registry-relative path of a system record file, or None for any other file."""
    if not repo_path.startswith(prefix):
        return None
    path = repo_path[len(prefix):]
    return path if path.startswith(SYSTEMS_FOLDER) and path.endswith((".yaml", ".yml")) else None


def units_of(points: Iterable[InventoryPoint]) -> list[str]:
    """Every unit that appears anywhere in ``points``, sorted (the columns of a table)."""
    return sorted({unit for p in points for unit in p.counts})
