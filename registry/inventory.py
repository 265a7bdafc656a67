"""Active systems per unit ("只减不增"), now and along the base branch's history.

The count is the one the rest of the tool uses (:meth:`System.in_use_on`: active, or retired
with a ``retired_on`` still to come on ``today`` — the same day for every point of the history, so
a retirement recorded ahead of time never shows as done; per ``unit``, valid records only: a file with schema errors is reported by ``check`` and not counted). A unit
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
from typing import NamedTuple

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


def current_counts(snapshot: Snapshot, today: dt.date | None = None) -> dict[str, int]:
    """Unit id → systems in use on ``today`` (default: the real date) in ``snapshot``, for every
    unit holding a system record."""
    day = today or dt.date.today()
    counts: dict[str, int] = {}
    for s in snapshot.systems:
        counts[s.unit] = counts.get(s.unit, 0) + (1 if s.in_use_on(day) else 0)
    return dict(sorted(counts.items()))


def history(root: Path, branch: str | None = None, today: dt.date | None = None) -> list[InventoryPoint]:
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
        return list(replay(entries, gitio.root_prefix(repo, root), _BlobReader(repo), today or dt.date.today()))
    finally:
        repo.close()


def _branch_commit(repo: git.Repo, root: Path, branch: str | None) -> str | None:
    if branch is not None:
        return gitio.require_branch(repo, branch)
    base = load_config(root).base_branch
    return gitio.resolve_branch(repo, base) or gitio.resolve_commit(repo, "HEAD")


class SystemState(NamedTuple):
    """What the history needs of one system record."""

    unit: str
    active: bool
    retired_on: dt.date | None  # a retirement still to come keeps the system in use until then

    def in_use_on(self, day: dt.date) -> bool:
        return self.active or (self.retired_on is not None and self.retired_on > day)


class _BlobReader:
    """The :class:`SystemState` of a system blob, each blob parsed once however many commits share it."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self._seen: dict[str, SystemState | None] = {}

    def system(self, path: str, blob: str) -> SystemState | None:
        if blob not in self._seen:
            self._seen[blob] = system_state(path, gitio.read_blob(self.repo, blob))
        return self._seen[blob]


def system_state(path: str, raw: bytes) -> SystemState | None:
    """The state of a valid system record file; None for anything the loader rejects."""
    record = load_record(path, raw)
    if not isinstance(record, System):
        return None
    return SystemState(record.unit, record.active, None if record.active else record.retired_on)


def replay(entries: Iterable[gitio.LogEntry], prefix: str, blobs: _BlobReader, today: dt.date) -> Iterator[InventoryPoint]:
    """Apply each commit's changed system files to running counts; yield the counts after it."""
    state: dict[str, SystemState] = {}  # record path → state
    active: Counter[str] = Counter()
    held: Counter[str] = Counter()  # system records per unit, active or not
    retiring: dict[str, SystemState] = {}  # record path → inactive state with a retired_on (few)
    for entry in entries:
        for change in entry.changes:
            path = _system_path(change.path, prefix)
            if path is None:
                continue
            before = state.pop(path, None)
            retiring.pop(path, None)
            if before is not None:
                held[before.unit] -= 1
                active[before.unit] -= before.active
            if change.new_blob is not None and change.regular_file:
                after = blobs.system(path, change.new_blob)
                if after is not None:
                    state[path] = after
                    held[after.unit] += 1
                    active[after.unit] += after.active
                    if after.retired_on is not None:
                        retiring[path] = after
        pending = Counter(s.unit for s in retiring.values() if s.in_use_on(today))
        counts = {unit: active[unit] + pending[unit] for unit in sorted(held) if held[unit] > 0}
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
