"""Active systems per unit ("只减不增"), now and along the base branch's history.

The count is the one the rest of the tool uses (:meth:`System.in_use_on`: active, or retired
with a ``retired_on`` still to come on ``today`` — the same day for every point of the history, so
a retirement recorded ahead of time never shows as done; per ``unit``, valid records only: a file with schema errors is reported by ``check`` and not counted). A unit
appears in the counts while it holds at least one system record, with 0 once all of them are
retired, so a unit that reached zero stays visible on the trend chart.

History is read in one ``git log`` pass over the first-parent commits (each with its raw diff
against the previous one) and one ``git cat-file --batch`` for every system blob not read
before (:mod:`registry.blobfields` keeps what counting needs per blob id, across runs); the
counts are then replayed commit by commit, so the cost grows with the number of *changes*, not
with commits × records.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from registry import gitio, plainclass
from registry.blobfields import BlobFields, SystemState
from registry.blobfields import system_state as _state_of
from registry.gcpause import paused_gc
from registry.layout import is_record_path

if TYPE_CHECKING:
    from registry.cache import Store
    from registry.snapshot import Snapshot

__all__ = ["InventoryPoint", "SystemState", "current_counts", "history", "replay", "system_state", "units_of"]

SYSTEMS_FOLDER = "systems/"


@plainclass.dataclass(frozen=True)
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


def history(root: Path, branch: str | None = None, today: dt.date | None = None, *,
            fast: bool | None = None, base_branch: str | None = None,
            repo: gitio.Repo | None = None) -> list[InventoryPoint]:
    """Counts after every first-parent commit of ``branch``, oldest first.

    ``branch`` defaults to registry.yaml's ``base_branch`` (or ``origin/<base_branch>``), and
    to HEAD when neither exists; an explicit ``branch`` that does not exist is a usage error.
    ``base_branch`` is registry.yaml's, and ``repo`` the repository holding ``root`` (left open),
    when the caller has them already.
    Outside a git repository, or in one without commits, the history is empty. ``fast=False``
    reads every blob with the full loader and no cache (the same result, only slower).
    """
    own = repo is None
    repo = gitio.try_open_repo(root) if repo is None else repo
    if repo is None:
        return []
    try:
        commit = _branch_commit(repo, root, branch, base_branch, cached=fast is not False)
        if commit is None:
            return []
        with paused_gc():  # (thousands of entries, changes and states, and no cycles among them)
            entries = gitio.first_parent_log(repo, commit)
            prefix = gitio.root_prefix(repo, root)
            fields = BlobFields(repo, _store(root) if fast is not False else None, fast=fast)
            states = fields.systems(_system_blobs(entries, prefix))
            fields.save()
            return list(replay(entries, prefix, states, today or dt.date.today()))
    finally:
        if own:
            repo.close()


def _store(root: Path) -> Store | None:
    from registry.cache import Store

    return Store.open(root)


def _system_blobs(entries: Iterable[gitio.LogEntry], prefix: str) -> Iterator[tuple[str, str]]:
    """(blob id, path) of every system record blob the history adds or changes."""
    for entry in entries:
        for change in entry.changes:
            path = _system_path(change.path, prefix)
            if path is not None and change.new_blob is not None and change.regular_file:
                yield change.new_blob, path


def _branch_commit(repo: gitio.Repo, root: Path, branch: str | None, base: str | None, *,
                   cached: bool) -> str | None:
    if branch is not None:
        return gitio.require_branch(repo, branch)
    if base is None:
        from registry.configfacts import config_facts

        base = config_facts(root, cached=cached).base_branch
    return gitio.resolve_branch(repo, base) or gitio.resolve_commit(repo, "HEAD")


def system_state(path: str, raw: bytes) -> SystemState | None:
    """The state of a valid system record file; None for anything the loader rejects."""
    return _state_of(raw, fast=False)


def replay(entries: Iterable[gitio.LogEntry], prefix: str, states: Mapping[str, SystemState | None],
           today: dt.date) -> Iterator[InventoryPoint]:
    """Apply each commit's changed system files to running counts; yield the counts after it."""
    state: dict[str, SystemState] = {}  # record path → state
    active: Counter[str] = Counter()
    held: Counter[str] = Counter()  # system records per unit, active or not
    # retired with a retired_on still to come on ``today`` (the same day for every point)
    pending: Counter[str] = Counter()
    counts: dict[str, int] = {}
    for entry in entries:
        changed = False
        for change in entry.changes:
            path = _system_path(change.path, prefix)
            if path is None:
                continue
            changed = True
            before = state.pop(path, None)
            if before is not None:
                held[before.unit] -= 1
                active[before.unit] -= before.active
                pending[before.unit] -= _pending(before, today)
            if change.new_blob is not None and change.regular_file:
                after = states[change.new_blob]
                if after is not None:
                    state[path] = after
                    held[after.unit] += 1
                    active[after.unit] += after.active
                    pending[after.unit] += _pending(after, today)
        if changed:
            counts = {unit: active[unit] + pending[unit] for unit in sorted(held) if held[unit] > 0}
        yield InventoryPoint(entry.commit, entry.date, entry.subject, dict(counts))


def _pending(state: SystemState, today: dt.date) -> int:
    """1 for a retired system still in use on ``today`` (its retired_on to come), else 0."""
    return 0 if state.active else int(state.in_use_on(today))


@functools.lru_cache(maxsize=1 << 16)  # (asked twice of every change: a history names the same paths over and over)
def _system_path(repo_path: str, prefix: str) -> str | None:
    """The registry-relative path of a system record file, or None for any other file: the
    same paths the loader reads as records (``systems/<unit>/<id>.yaml``, nothing hidden, no
    control characters — :func:`registry.layout.is_record_path`, as for a tree's listing in
    :mod:`registry.gittree`); a ``.yml`` file, a nested folder or a file beside the unit folders
    is no record there (REG003), so it counts at no point of the history either."""
    if not repo_path.startswith(prefix):
        return None
    path = repo_path[len(prefix):]
    return path if path.startswith(SYSTEMS_FOLDER) and is_record_path(path) and _printable(path) else None


def _printable(path: str) -> bool:
    """:func:`registry.gittree.printable`, its module (and the dataclasses it declares) imported
    only for a path that is not plain printable ASCII."""
    if path.isascii() and path.isprintable():
        return True
    from registry.gittree import printable

    return printable(path)


def units_of(points: Iterable[InventoryPoint]) -> list[str]:
    """Every unit that appears anywhere in ``points``, sorted (the columns of a table)."""
    return sorted({unit for p in points for unit in p.counts})
