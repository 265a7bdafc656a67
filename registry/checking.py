"""One check run: load the registry, resolve the base, run the rules, collect findings.

Shared by ``registry check``, ``registry diff``, the site and the exports, so that all of
them see the same findings. Record files are scanned through the stat index and loaded
through the content-keyed record cache (:mod:`registry.cache`); ``registry check`` also
reuses a whole report when none of its inputs changed (:func:`check_report`, and
:mod:`registry.warm` for the path that imports nothing else).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from itertools import compress
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from registry import plainclass
from registry.cache import RecordingResolver, RunCache, SourceFile, blob_id, columns_of
from registry.cachestore import StaleCache, Store
from registry.configfacts import checked_config
from registry.engine import Locator, Selection, findings_of, report, run_rules, select_rules
from registry.findings import Message, Report
from registry.gcpause import paused_gc
from registry.layout import read_regular
from registry.loader import TWIN_MAX_FILES, ConfigError, config_from, load_all, read_config, snapshot_of
from registry.plainparams import plain_selection
from registry.recordcache import INDEX as RECORD_INDEX
from registry import recordsummary
from registry.models import twins
from registry.recordcache import RecordCache
from registry.rules.base import Context
from registry.snapshot import Snapshot
from registry.warm import Inputs, gather, reused_report
from registry.warm import document_resolver as document_resolver
from registry.warm import scan as scan

if TYPE_CHECKING:
    from registry.models import RegistryConfig
    from registry.target import Target


@plainclass.dataclass
class Run:
    config: RegistryConfig  # what record rules ran with (the target's rule choice under --base)
    selection: Selection
    context: Context  # record, registry and deadline rules: the working tree
    report: Report
    change: Context | None = None  # change rules: the target against the merge result
    complete: bool = True  # False: the record cache failed during the run and it started again
    locator: Locator | None = None  # where the report's findings are placed (see run_check's ``placed``)
    # the only records local rules reported on (see run_check's ``changed_only``); None: all
    local_paths: frozenset[str] | None = None

    @property
    def local_digest(self) -> str:
        """Which records the local rules looked at, as a short text (for cache keys)."""
        if self.local_paths is None:
            return "all"
        return hashlib.sha256("\0".join(sorted(self.local_paths)).encode("utf-8", "surrogateescape")).hexdigest()


def load_head(root: Path, store: Store | None = None) -> Snapshot:
    return load_tree(scan(root, store), RecordCache(store, root))


def load_tree(files: Sequence[SourceFile], records: RecordCache, summary: str = recordsummary.SUMMARY) -> Snapshot:
    """The working tree's snapshot from its scan (``files``): with the cache, from the stored
    summary of the last scan, patched (see :mod:`registry.recordsummary`)."""
    with paused_gc():
        return recordsummary.snapshot(records, files, load_all, summary)


def load_snapshot(files: Sequence[SourceFile], records: RecordCache | None = None) -> Snapshot:
    """The snapshot of ``files``; each file's load result comes from ``records`` (the record
    cache) when its content is known there."""
    with paused_gc():
        results = (records or RecordCache(None)).load(files, load_all)
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
    inputs: Inputs | None = None,
    target: Target | None = None,
    placed: bool = True,
    changed_only: bool = False,
    start_records: bool = True,
) -> Run:
    """Check the registry at ``root``; with ``paths`` (relative to root), report only on those.
    ``use_cache=False`` neither reads nor writes the cache (also ``REGISTRY_NO_CACHE=1``).
    ``inputs``: what :func:`registry.warm.gather` already read; ``target``: ``base`` already
    resolved (:func:`registry.target.resolve`, its repository left open), so that a caller
    keying a cache on them gets the run of exactly those (``registry diff``). ``placed=False``:
    the report's findings are not placed yet, nor sorted (:func:`registry.engine.findings_of`);
    the caller places those it shows with :func:`registry.engine.place` and the run's locator.
    ``changed_only`` (with a base): the local rules (:attr:`registry.rules.base.Rule.local`)
    report only on the records whose file differs from the target's at the same path
    (:attr:`Run.local_paths`) — ``registry diff`` compares findings with the target's, and a
    local rule finds the same on the same bytes at the same path on both sides.
    ``start_records=False``: a cache store without a record cache does not get one from this
    run (``registry diff``: the records' cache costs a cold run more to write than the run
    gains from it; ``check``, which reuses it, starts it); one already there is used as usual."""
    inputs = inputs or gather(root, use_cache=use_cache)
    kept = start_records or inputs.store is None or bool(inputs.store.names(RECORD_INDEX))
    if target is not None:
        checked = _check_retrying(inputs, today, target, paths, placed=placed, changed_only=changed_only,
                                  records_kept=kept)
    else:
        with _target(root, base) as resolved:
            checked = _check_retrying(inputs, today, resolved, paths, placed=placed, changed_only=changed_only,
                                      records_kept=kept)
    checked.run.complete = checked.complete
    return checked.run


def check_report(
    root: Path,
    *,
    today: dt.date,
    base: str | None = None,
    paths: Sequence[str] | None = None,
    use_cache: bool = True,
    inputs: Inputs | None = None,
) -> Report:
    """The report of ``registry check``. With the cache, a report whose inputs are all
    unchanged (every record file's content, registry.yaml, the arguments, the date, the target
    commit, the merge result's tree and HEAD, and how each document path resolves) is reused
    instead of recomputed. ``inputs``: what :func:`registry.warm.gather` already read."""
    inputs = inputs or gather(root, use_cache=use_cache)
    with _target(root, base) as resolved:
        if inputs.store is None:
            return _check_retrying(inputs, today, resolved, paths, plain=True).run.report
        identity = resolved.identity if resolved else ""
        reused = reused_report(inputs, today=today.isoformat(), base=identity, paths=paths)
        if reused is not None:
            return reused
        checked = _check_retrying(inputs, today, resolved, paths, plain=True)
        if checked.complete and (inputs.staged is not None  # (git's objects do not change)
                                 or still_current(root, inputs.config_raw, inputs.files, checked.run.report)):
            key = inputs.run_key(today=today.isoformat(), base=identity, paths=paths)
            RunCache(inputs.store).put(key, checked.run.report, checked.documents)
        return checked.run.report


@plainclass.dataclass
class _Checked:
    run: Run
    documents: dict[str, str | None]  # every document reference the rules resolved, and how
    complete: bool = True  # False: the record cache failed during the run (its report is not kept)


def _check_retrying(inputs: Inputs, today: dt.date, target: Target | None, paths: Sequence[str] | None,
                    *, plain: bool = False, placed: bool = True, changed_only: bool = False,
                    records_kept: bool = True) -> _Checked:
    """:func:`_check` with the record cache; if a cache entry turns out damaged or a file
    changed while the run used it (:class:`StaleCache`), the records' cache is dropped and the
    run starts again from a fresh scan without it. ``plain``: the caller needs only the report,
    so the run may hand the rules plain twins (:mod:`registry.models.twins`) instead of the models.
    ``records_kept=False``: the records are neither looked up in the cache nor kept there."""
    try:
        return _check(inputs, today, target, paths, RecordCache(inputs.store if records_kept else None, inputs.reader()),
                      plain=plain, placed=placed, changed_only=changed_only)
    except StaleCache as exc:
        store = None
        if inputs.store is not None and exc.damaged and records_kept:
            inputs.store.remove(RECORD_INDEX)
            inputs.store.remove(inputs.summary)
            store = inputs.store  # rebuilt from the files alone: nothing of the damaged cache is read
        # every file read again, its bytes kept: nothing is read twice, so nothing can change between
        fresh = inputs.rescan() if inputs.staged is not None else \
            plainclass.replace(inputs, files=scan(inputs.root), attachments=frozenset())
        return plainclass.replace(_check(fresh, today, target, paths, RecordCache(store, fresh.reader()), plain=plain,
                                         placed=placed, changed_only=changed_only), complete=False)


def _check(inputs: Inputs, today: dt.date, target: Target | None, paths: Sequence[str] | None,
           records: RecordCache, *, plain: bool = False, placed: bool = True, changed_only: bool = False) -> _Checked:
    root, config_raw, files = inputs.root, inputs.config_raw, inputs.files
    # --base (registry diff, and check's report): every registry.yaml of the comparison as a twin
    # when the shapes are sure of all
    plain_configs = _plain_configs(inputs, target) if (changed_only or plain) and target is not None else None
    if plain_configs is not None:
        working_config, selection = plain_configs[config_raw]
    else:
        working_config, selection = checked_config(config_raw, inputs.store, plain=plain and target is None)
    with twins.records_as_twins(isinstance(working_config, twins.Twin)):  # (a remembered configuration)
        head = load_tree(files, records, inputs.summary)
        documents = RecordingResolver(inputs.documents())
        ctx = Context(config=working_config, head=head, today=today,
                      targets=frozenset(paths) if paths is not None else None, document_status=documents)
        validated = {raw: config for raw, (config, _rules) in plain_configs.items()} if plain_configs else \
            {config_raw: working_config}
        change = _change_context(ctx, target, inputs, records, validated) if target is not None else None
        if change is not None:
            ctx.config = record_config(change.config, working_config)
            ctx.base = change.base  # the target, for callers that look; record rules never do
            selection = (plain_selection(ctx.config) if plain_configs is not None else None) or select_rules(ctx.config)
        locator = Locator(root, change, inputs.read_file())
        local_paths = differing_paths(files, target) if changed_only and target is not None else None
        findings = findings_of(run_rules(selection, ctx, change, local_paths=local_paths), ctx, locator, placed=placed)
        return _Checked(Run(ctx.config, selection, ctx, report(selection, ctx, findings), change, locator=locator,
                            local_paths=local_paths), documents.seen)


def differing_paths(files: Sequence[SourceFile], target: Target) -> frozenset[str]:
    """The paths where the working tree's record files and the target's differ: a file on one
    side only, or other bytes (blob ids) on each."""
    theirs = target.target_files.records
    paths, blobs = columns_of(files)
    mine = dict(zip(paths, blobs))
    return frozenset(path for path in mine.keys() | theirs.keys() if mine.get(path) != theirs.get(path))


def _plain_configs(inputs: Inputs, target: Target) -> dict[bytes, tuple[RegistryConfig, Selection]] | None:
    """The working tree's, the merge result's and the target's registry.yaml, each as the twin of
    its validated model (:func:`registry.configfacts.surely_valid_twin`) with its rules at their
    defaults (:func:`registry.plainparams.plain_selection`), by content: a run of twins that
    imports no pydantic (:mod:`registry.models.twins`) — ``registry diff``'s, and ``check --base``'s
    (CI's, and the ``registry-check-base`` commit hook's on every commit). None — the models, as everywhere else —
    unless the shapes are sure of every one, the twins fit (:func:`registry.configfacts.twins_fit`)
    and the working tree holds few enough records to make from their shapes (:data:`TWIN_MAX_FILES`)."""
    from registry.configfacts import surely_valid_twin, twins_fit

    if len(inputs.files) > TWIN_MAX_FILES or not twins_fit():
        return None
    found: dict[bytes, tuple[RegistryConfig, Selection]] = {}
    for raw in (inputs.config_raw, target.merged_config(inputs.config_raw), target.target_config()):
        if raw is None or raw in found:
            continue
        twin = surely_valid_twin(raw)
        selection = plain_selection(twin) if twin is not None else None
        if selection is None:
            return None
        found[raw] = twin, selection
    return found


def _change_context(ctx: Context, target: Target, inputs: Inputs, records: RecordCache,
                    validated: dict[bytes, RegistryConfig]) -> Context:
    """The ONE context every change rule runs on: ``base`` is the target's snapshot, ``head``
    the merge result's (the working tree's snapshot itself when they hold the same files),
    ``config`` the target's registry.yaml, ``proposed_config`` the merge result's.

    Paths of the merge result that are not records (links, submodules, misplaced files) are
    reported as REG003 on the working tree's side, once per path."""
    files = inputs.files
    # the target's and the merge result's files are read from git only where the run does not
    # already have their load result (most are the working tree's own contents)
    merged = target.merged(files, inputs.config_raw, staged=inputs.staged is not None, known=records.has)
    same = {f.path: f.blob for f in merged.records} == {f.path: f.blob for f in files}
    head = ctx.head if same else load_snapshot(merged.records, records)
    known = {u.path for u in ctx.head.invalid}
    ctx.head.add_invalid(p for p in merged.problems if p.path not in known)
    if head is not ctx.head:
        head.add_invalid(merged.problems)
    before = load_snapshot(target.target_records(records.has), records)
    # registry.yaml is most often the same file on all three sides: validated once (``validated``:
    # the contents already validated, the working tree's at least, and what they made)
    if merged.config is None:
        proposed = ctx.config
    else:
        proposed = validated.get(merged.config) or _config_of(merged.config, "合并后的", "the merged")
        validated[merged.config] = proposed
    config = _target_config(ctx, target, proposed, validated)
    return Context(config=config, head=head, today=ctx.today, base=before, targets=ctx.targets,
                   document_status=ctx.document_status, notices=ctx.notices, proposed_config=proposed)


def _target_config(ctx: Context, target: Target, proposed: RegistryConfig,
                   validated: dict[bytes, RegistryConfig]) -> RegistryConfig:
    """The target's registry.yaml; the merge result's when the target has none (the first
    import) or one this checker cannot use (said in a notice). ``validated``: contents already
    validated (the working tree's, the merge result's) and what they made."""
    raw = target.target_config()
    if raw is None:
        return proposed
    if raw in validated:
        return validated[raw]
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


def still_current(root: Path, config_raw: bytes, files: Sequence[SourceFile], result: Report) -> bool:
    """Whether registry.yaml and the files with findings still hold the bytes the run was keyed
    on: finding positions are read from disk after loading, so a file saved during the run
    must not leave its new line numbers under the old content's key."""
    found = {f.path for f in result.findings}
    paths = columns_of(files)[0]  # (not a SourceFile for each of 20,000 paths: only those with findings)
    blobs = {f.path: f.blob for f in map(files.__getitem__, compress(range(len(paths)), map(found.__contains__, paths)))
             if f.problem is None}
    try:
        if read_config(root) != config_raw:
            return False
        for path, blob in blobs.items():
            if blob_id(read_regular(root, path)) != blob:
                return False
    except Exception:  # noqa: BLE001  (unreadable now: simply do not keep this report)
        return False
    return True
