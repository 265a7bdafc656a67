"""A whole ``registry diff`` output, remembered under everything that decides it.

A pull request's summary is asked for again and again on the same state (a CI retry, a bot and
a reviewer, ``--format json`` after the Markdown). Its text depends on

* the working tree's record files and registry.yaml (their blob ids, as ``check``'s run cache
  keys a report: :meth:`registry.warm.Inputs.run_key`),
* the resolved target (:attr:`registry.target.Target.identity`: the target commit, the merge
  result's tree, HEAD) and the name ``--base`` gave it (the summary shows it),
* the date the rules count from, the output format and language,
* how every document path the rules looked up resolves in the working tree (kept beside the
  text and checked again before it is reused, as for ``check``), and
* the tool itself (the store's fingerprint directory),

so the text is kept in the signed cache store under a hash of all of them, in the run cache
(:class:`registry.cache.RunCache`) beside ``check``'s reports. A run is kept only when it saw
one state throughout: the record cache did not have to start again, and registry.yaml and every
file with a finding (positions are read from disk after loading) still hold the bytes it was
keyed on. Without a store (``REGISTRY_NO_CACHE=1``, no writable cache) nothing is kept.

Reusing a text imports nothing of the models, the rules or the YAML parser.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from registry import gitio
from registry.cache import RecordingResolver, RunCache
from registry.cachestore import Store
from registry.findings import Report
from registry.gcpause import paused_gc
from registry.target import Target, resolve
from registry.warm import Inputs, document_resolver, gather

if TYPE_CHECKING:
    from registry.diffing import Diff
    from registry.models import RegistryConfig

T = TypeVar("T")
_FORMAT = 1  # bump when what decides a diff's text changes
_KEEP_BASE_FINDINGS = 16


def diff_text(root: Path, *, base: str, today: dt.date, render: Callable[[Diff], str], variant: str) -> str:
    """``render`` of :func:`registry.diffing.compute_diff`, reused when nothing it depends on
    changed; ``variant`` names the rendering (format and language)."""
    inputs = gather(root)
    repo = gitio.open_repo(root)
    try:
        target = resolve(root, repo, base)
        runs = RunCache(inputs.store) if inputs.store is not None else None
        key = _key(inputs, target, today, variant)
        if runs is not None:
            found = runs.get(key, document_resolver(root, inputs.attachments))
            if isinstance(found, str):
                return found
        from registry.checking import still_current  # the models and rules: only to compute
        from registry.diffing import diff_and_run

        with paused_gc():  # two snapshots and their findings: many objects, no cycles worth collecting
            diff, run = diff_and_run(inputs, target, today)
            text = render(diff)
        documents = run.context.document_status
        shown = Report(diff.introduced, run.report.summary)  # (the only findings whose files were read for positions)
        if (runs is not None and run.complete and isinstance(documents, RecordingResolver)
                and still_current(root, inputs.config_raw, inputs.files, shown)):
            runs.put(key, text, documents.seen)
        return text
    finally:
        repo.close()


def _key(inputs: Inputs, target: Target, today: dt.date, variant: str) -> str:
    run = inputs.run_key(today=today.isoformat(), base=target.identity, paths=None)
    digest = hashlib.sha256(f"diff\0{_FORMAT}\0{run}\0{variant}\0".encode())
    digest.update(target.rev.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def kept_base_findings(store: Store | None, decided_by: str, kind: type[T], compute: Callable[[], list[T]]) -> list[T]:
    """The target's findings (:func:`registry.diffing.base_findings`), kept in the store under
    ``decided_by`` (everything that decides them; the store's fingerprint adds the tool): a
    new commit on the branch reuses them, the target moving works them out again."""
    name = f"diff-base/{hashlib.sha256(decided_by.encode('utf-8', 'surrogateescape')).hexdigest()[:40]}"
    found = store.read(name) if store is not None else None
    if isinstance(found, list) and all(isinstance(f, kind) for f in found):
        return found
    fresh = compute()
    if store is not None and store.write(name, fresh):
        kept = sorted(store.names("diff-base/*"), key=lambda n: _mtime(store.directory / n), reverse=True)
        for stale in kept[_KEEP_BASE_FINDINGS:]:
            store.remove(stale)
    return fresh


def config_key(config: RegistryConfig) -> str:
    """The configuration's content as text, the same for the model and its twin (a key)."""
    return json.dumps(config.model_dump(), ensure_ascii=False, sort_keys=True, default=repr)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
