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
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from registry.cache import RecordCache, RecordingResolver, RunCache, SourceFile, Store, blob_id, run_key
from registry.engine import Locator, Selection, findings_of, report, run_rules, select_rules
from registry.findings import Message, Report
from registry.loader import (
    ConfigError,
    config_from,
    load_all,
    paused_gc,
    read_config,
    read_files,
    record_files,
    snapshot_of,
)
from registry.models import RegistryConfig
from registry.rules.base import Context
from registry.snapshot import Snapshot

if TYPE_CHECKING:
    from registry.target import Target


@dataclasses.dataclass
class Run:
    config: RegistryConfig  # what record rules ran with (the target's rule choice under --base)
    selection: Selection
    context: Context  # record, registry and deadline rules: the working tree
    report: Report
    change: Context | None = None  # change rules: the target against the merge result


def scan(root: Path) -> list[SourceFile]:
    """Every record file of the working tree, read once, with its blob id."""
    return [SourceFile.of(path, raw) for path, raw in read_files(root, record_files(root))]


def load_head(root: Path, store: Store | None = None) -> Snapshot:
    return load_snapshot(scan(root), store)


def load_snapshot(files: Sequence[SourceFile], store: Store | None = None) -> Snapshot:
    """The snapshot of ``files``; each file's load result comes from ``store`` when its
    content is known there."""
    with paused_gc():
        results = RecordCache(store).load(files, load_all)
        return snapshot_of([f.path for f in files], results)


@contextlib.contextmanager
def _target(root: Path, rev: str | None) -> Iterator[Target | None]:
    """The resolved ``--base REV`` (see :mod:`registry.target`), or None without one."""
    if rev is None:
        yield None
        return
    from registry import gitio, target  # gitpython is only imported when a base is asked for

    repo = gitio.open_repo(root)
    try:
        yield target.resolve(root, repo, rev)
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
    with _target(root, base) as resolved:
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
    unchanged (every record file's content, registry.yaml, the arguments, the date, the target
    commit, the merge result's tree and HEAD, and how each document path resolves) is reused
    instead of recomputed."""
    config_raw = read_config(root)
    store = Store.open(root) if use_cache else None
    files = scan(root)
    with _target(root, base) as resolved:
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
           target: Target | None, paths: Sequence[str] | None, store: Store | None) -> _Checked:
    working_config = config_from(config_raw)
    head = load_snapshot(files, store)
    documents = RecordingResolver(document_resolver(root))
    ctx = Context(config=working_config, head=head, today=today,
                  targets=frozenset(paths) if paths is not None else None, document_status=documents)
    change = _change_context(ctx, target, files, config_raw, store) if target is not None else None
    if change is not None:
        ctx.config = record_config(change.config, working_config)
        ctx.base = change.base  # the target, for callers that look; record rules never do
    selection = select_rules(ctx.config)
    findings = findings_of(run_rules(selection, ctx, change), ctx, Locator(root, change))
    return _Checked(Run(ctx.config, selection, ctx, report(selection, ctx, findings), change), documents.seen)


def _change_context(ctx: Context, target: Target, files: Sequence[SourceFile], config_raw: bytes,
                    store: Store | None) -> Context:
    """The ONE context every change rule runs on: ``base`` is the target's snapshot, ``head``
    the merge result's (the working tree's snapshot itself when they hold the same files),
    ``config`` the target's registry.yaml, ``proposed_config`` the merge result's.

    Paths of the merge result that are not records (links, submodules, misplaced files) are
    reported as REG003 on the working tree's side, once per path."""
    merged = target.merged(files, config_raw)
    same = {f.path: f.blob for f in merged.records} == {f.path: f.blob for f in files}
    head = ctx.head if same else load_snapshot(merged.records, store)
    known = {u.path for u in ctx.head.invalid}
    ctx.head.add_invalid(p for p in merged.problems if p.path not in known)
    if head is not ctx.head:
        head.add_invalid(merged.problems)
    before = load_snapshot(target.target_records(), store)
    proposed = _config_of(merged.config, "合并后的", "the merged") if merged.config is not None else ctx.config
    config = _target_config(ctx, target, proposed)
    return Context(config=config, head=head, today=ctx.today, base=before, targets=ctx.targets,
                   document_status=ctx.document_status, notices=ctx.notices, proposed_config=proposed)


def _target_config(ctx: Context, target: Target, proposed: RegistryConfig) -> RegistryConfig:
    """The target's registry.yaml; the merge result's when the target has none (the first
    import) or one this checker cannot use (said in a notice)."""
    raw = target.target_config()
    if raw is None:
        return proposed
    try:
        config = config_from(raw)
        select_rules(config)  # profiles, rules and parameters this checker knows
        return config
    except ConfigError as exc:
        ctx.notice(Message(
            f"目标分支 {target.rev} 的 registry.yaml 无法使用（{exc.message.zh}），本次按合并后的 registry.yaml 选用规则",
            f"{target.rev}'s registry.yaml cannot be used ({exc.message.en}); rules are chosen from the merged one",
        ))
        return proposed


def _config_of(raw: bytes, zh: str, en: str) -> RegistryConfig:
    try:
        config = config_from(raw)
        select_rules(config)  # profiles, rules and parameters this checker knows
        return config
    except ConfigError as exc:
        raise ConfigError(Message(f"{zh} registry.yaml 无效：{exc.message.zh}", f"{en} registry.yaml is invalid: {exc.message.en}"),
                          exc.path, exc.line, exc.column) from None


def record_config(target: RegistryConfig, working: RegistryConfig) -> RegistryConfig:
    """The configuration record, registry and deadline rules run with under ``--base``: the
    target's profiles, parameters, disabled rules and authorities (a change cannot switch off
    or loosen any check for itself), with the working tree's list of units (a change may add
    a unit together with its first records), each unit the target already has as the target
    has it."""
    known = {u.id: u for u in target.units}
    return target.model_copy(update={"units": [known.get(u.id, u) for u in working.units]})


def _still_current(root: Path, config_raw: bytes, files: Sequence[SourceFile], result: Report) -> bool:
    """Whether registry.yaml and the files with findings still hold the bytes the run was keyed
    on: finding positions are read from disk after loading, so a file saved during the run
    must not leave its new line numbers under the old content's key."""
    blobs = {f.path: f.blob for f in files}
    try:
        if read_config(root) != config_raw:
            return False
        for path in {f.path for f in result.findings} & blobs.keys():
            with open(root / path, "rb") as handle:
                if blob_id(handle.read()) != blobs[path]:
                    return False
    except Exception:  # noqa: BLE001  (unreadable now: simply do not keep this report)
        return False
    return True


def document_resolver(root: Path) -> Callable[[str], str | None]:
    """How a document path resolves inside ``root`` (see ``Context.document_status``)."""
    top = root.resolve()

    def status(ref: str) -> str | None:
        if ref.startswith(("/", "~")) or (len(ref) > 1 and ref[1] == ":"):
            return "absolute"
        parts = ref.replace("\\", "/").split("/")
        if ".." in parts:
            return "parent"
        plain = _without_symlinks(root, parts)
        if plain is not _SYMLINK:
            return plain
        target = root / "/".join(parts)
        resolved = target.resolve()
        if resolved != top and top not in resolved.parents:
            return "outside"
        return None if resolved.is_file() else "missing"

    return status


_SYMLINK = "symlink"  # a link on the way: only full resolution can tell where it leads


def _without_symlinks(root: Path, parts: list[str]) -> str | None:
    """The status of a path below ``root`` reached without symlinks, from one ``lstat`` per
    part — what ``Path.resolve`` would conclude at a fraction of its cost (thousands of
    attachments are looked up on every run); ``_SYMLINK`` when a link or an odd error needs
    the full resolution."""
    path = os.fspath(root)
    mode = 0
    for part in parts:
        if part in ("", "."):
            continue
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except ValueError:  # a NUL byte in the reference: no such file can exist
            return "missing"
        except OSError:
            return _SYMLINK
        if stat.S_ISLNK(mode):
            return _SYMLINK
    return None if stat.S_ISREG(mode) else "missing"
