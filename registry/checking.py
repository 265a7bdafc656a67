"""One check run: load the registry, resolve the base, run the rules, collect findings.

Shared by ``registry check``, ``registry diff``, the site and the exports, so that all of
them see the same findings.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from registry import gitio
from registry.engine import Locator, Selection, findings_of, report, run_rules, select_rules
from registry.findings import Report
from registry.loader import load_config, load_records, read_files, record_files
from registry.models import RegistryConfig
from registry.rules.base import Context
from registry.snapshot import Snapshot


@dataclasses.dataclass
class Run:
    config: RegistryConfig
    selection: Selection
    context: Context
    report: Report


def load_head(root: Path) -> Snapshot:
    return load_records(read_files(root, record_files(root)))


def load_base(root: Path, rev: str) -> Snapshot:
    """Every record at the merge base of ``rev`` and HEAD, read in one pass."""
    repo = gitio.open_repo(root)
    try:
        commit = gitio.merge_base(repo, rev)
        return load_records(gitio.record_blobs_at(repo, commit, root))
    finally:
        repo.close()


def run_check(
    root: Path,
    *,
    today: dt.date,
    base: str | None = None,
    paths: Sequence[str] | None = None,
) -> Run:
    """Check the registry at ``root``; with ``paths`` (relative to root), report only on those."""
    config = load_config(root)
    selection = select_rules(config)
    head = load_head(root)
    ctx = Context(
        config=config,
        head=head,
        today=today,
        base=load_base(root, base) if base else None,
        targets=frozenset(paths) if paths is not None else None,
        document_status=document_resolver(root),
    )
    findings = findings_of(run_rules(selection, ctx), ctx, Locator(root))
    return Run(config, selection, ctx, report(selection, ctx, findings))


def document_resolver(root: Path):  # type: ignore[no-untyped-def]
    """How a document path resolves inside ``root`` (see ``Context.document_status``)."""
    top = root.resolve()

    def status(ref: str) -> str | None:
        if ref.startswith(("/", "~")) or (len(ref) > 1 and ref[1] == ":"):
            return "absolute"
        parts = ref.replace("\\", "/").split("/")
        if ".." in parts:
            return "parent"
        target = root / "/".join(parts)
        resolved = target.resolve()
        if resolved != top and top not in resolved.parents:
            return "outside"
        return None if resolved.is_file() else "missing"

    return status
