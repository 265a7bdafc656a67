"""One check run: load the registry, resolve the base, run the rules, collect findings.

Shared by ``registry check``, ``registry diff``, the site and the exports, so that all of
them see the same findings. Record files are loaded through the content-keyed cache
(:mod:`registry.cache`); ``registry check`` also reuses a whole report when none of its
inputs changed (:func:`check_report`).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.cache import RecordCache, RecordingResolver, RunCache, SourceFile, Store, blob_id, run_key
from registry.engine import Locator, Selection, findings_of, report, run_rules, select_rules
from registry.findings import Report
from registry.layout import UnreadableFile, read_regular, scan_tree
from registry.loader import (
    config_from,
    load_all,
    paused_gc,
    read_config,
    snapshot_of,
)
from registry.models import RegistryConfig
from registry.rules.base import Context
from registry.snapshot import Snapshot

if TYPE_CHECKING:
    import git


@dataclasses.dataclass
class Run:
    config: RegistryConfig
    selection: Selection
    context: Context
    report: Report


def scan(root: Path) -> list[SourceFile]:
    """Every record file of the working tree, read once, with its blob id; and every file that
    cannot be a record (a link, a FIFO, a misplaced YAML file, no permission …), with its
    problem (see :mod:`registry.layout`)."""
    tree = scan_tree(root)
    files = [SourceFile.refused(problem) for problem in tree.problems]
    for path in tree.records:
        try:
            files.append(SourceFile.of(path, read_regular(root, path)))
        except UnreadableFile as exc:
            files.append(SourceFile.refused(exc.problem))
    return files


def load_head(root: Path, store: Store | None = None) -> Snapshot:
    return load_snapshot(scan(root), store)


def load_snapshot(files: Sequence[SourceFile], store: Store | None = None) -> Snapshot:
    """The snapshot of ``files``; each file's load result comes from ``store`` when its
    content is known there."""
    with paused_gc():
        results = RecordCache(store).load(files, load_all)
        return snapshot_of([f.path for f in files], results)


def load_base(root: Path, rev: str, store: Store | None = None) -> Snapshot:
    """Every record at the merge base of ``rev`` and HEAD, read in one pass."""
    with _base_commit(root, rev) as base:
        assert base is not None
        return base.snapshot(store)


@dataclasses.dataclass
class _Base:
    """A resolved ``--base``: the merge-base commit, whose records are read on demand."""

    root: Path
    repo: git.Repo
    commit: Any  # git.objects.Commit

    @property
    def identity(self) -> str:
        """Fixes the base's content: the commit, and where the registry root sits in the repo."""
        from registry import gitio

        return f"{self.commit.hexsha}:{gitio.root_prefix(self.repo, self.root)}"

    def snapshot(self, store: Store | None) -> Snapshot:
        from registry import gitio

        blobs = gitio.record_blobs_at(self.repo, self.commit, self.root)
        return load_snapshot([SourceFile.of(path, raw) for path, raw in blobs], store)


@contextlib.contextmanager
def _base_commit(root: Path, rev: str | None) -> Iterator[_Base | None]:
    if rev is None:
        yield None
        return
    from registry import gitio  # gitpython is only imported when a base is asked for

    repo = gitio.open_repo(root)
    try:
        yield _Base(root, repo, gitio.merge_base(repo, rev))
    finally:
        repo.close()


def run_check(
    root: Path,
    *,
    today: dt.date,
    base: str | None = None,
    paths: Sequence[str] | None = None,
    use_cache: bool = True,
) -> Run:
    """Check the registry at ``root``; with ``paths`` (relative to root), report only on those.
    ``use_cache=False`` neither reads nor writes the cache (also ``REGISTRY_NO_CACHE=1``)."""
    config_raw = read_config(root)
    store = Store.open(root) if use_cache else None
    with _base_commit(root, base) as resolved:
        return _check(root, config_raw, scan(root), today, resolved, paths, store).run


def check_report(
    root: Path,
    *,
    today: dt.date,
    base: str | None = None,
    paths: Sequence[str] | None = None,
    use_cache: bool = True,
) -> Report:
    """The report of ``registry check``. With the cache, a report whose inputs are all
    unchanged (every record file's content, registry.yaml, the arguments, the date, the base
    commit, and how each document path resolves) is reused instead of recomputed."""
    config_raw = read_config(root)
    store = Store.open(root) if use_cache else None
    files = scan(root)
    with _base_commit(root, base) as resolved:
        if store is None:
            return _check(root, config_raw, files, today, resolved, paths, None).run.report
        key = run_key(config=config_raw, files=files, today=today.isoformat(),
                      base=resolved.identity if resolved else "", targets=paths)
        runs = RunCache(store)
        reused = runs.get(key, document_resolver(root))
        if isinstance(reused, Report):
            return reused
        checked = _check(root, config_raw, files, today, resolved, paths, store)
        if _still_current(root, config_raw, files, checked.run.report):
            runs.put(key, checked.run.report, checked.documents)
        return checked.run.report


@dataclasses.dataclass
class _Checked:
    run: Run
    documents: dict[str, str | None]  # every document reference the rules resolved, and how


def _check(root: Path, config_raw: bytes, files: Sequence[SourceFile], today: dt.date,
           base: _Base | None, paths: Sequence[str] | None, store: Store | None) -> _Checked:
    config = config_from(config_raw)
    selection = select_rules(config)
    head = load_snapshot(files, store)
    documents = RecordingResolver(document_resolver(root))
    ctx = Context(
        config=config,
        head=head,
        today=today,
        base=base.snapshot(store) if base else None,
        targets=frozenset(paths) if paths is not None else None,
        document_status=documents,
    )
    findings = findings_of(run_rules(selection, ctx), ctx, Locator(root))
    return _Checked(Run(config, selection, ctx, report(selection, ctx, findings)), documents.seen)


def _still_current(root: Path, config_raw: bytes, files: Sequence[SourceFile], result: Report) -> bool:
    """Whether registry.yaml and the files with findings still hold the bytes the run was keyed
    on: finding positions are read from disk after loading, so a file saved during the run
    must not leave its new line numbers under the old content's key."""
    blobs = {f.path: f.blob for f in files if f.problem is None}
    try:
        if read_config(root) != config_raw:
            return False
        for path in {f.path for f in result.findings} & blobs.keys():
            if blob_id(read_regular(root, path)) != blobs[path]:
                return False
    except Exception:  # noqa: BLE001  (unreadable now: simply do not keep this report)
        return False
    return True


def document_resolver(root: Path) -> Callable[[str], str | None]:
    """How a document path resolves inside ``root`` (see ``Context.document_status``): None
    for a regular file reached without any symbolic link, else why not. Links are never
    followed (a link inside the registry can still publish another file's content), and an
    operating-system error (a path too long, a folder without permission) is a status too."""

    def status(ref: str) -> str | None:
        if ref.startswith(("/", "~")) or (len(ref) > 1 and ref[1] == ":"):
            return "absolute"
        parts = ref.replace("\\", "/").split("/")
        if ".." in parts:
            return "parent"
        return _lstat_status(root, parts)

    return status


def _lstat_status(root: Path, parts: list[str]) -> str | None:
    """The status of a path below ``root``, from one ``lstat`` per part (thousands of
    attachments are looked up on every run, so no ``Path.resolve``)."""
    path = os.fspath(root)
    mode = 0
    for part in parts:
        if part in ("", "."):
            continue
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL byte
            return "missing"
        except OSError as exc:
            return "too_long" if exc.errno == errno.ENAMETOOLONG else "unreadable"
        if stat.S_ISLNK(mode):
            return "symlink"
    if stat.S_ISDIR(mode):
        return "missing"
    return None if stat.S_ISREG(mode) else "special"
