"""Approval audit: did every authority decision recorded in the registry really go through
review by the right people — provably, not by what a commit claims about itself?

Walks the first-parent history of the base branch (one ``git log`` pass, blobs through one
``git cat-file --batch``, signatures verified by git in one batch) and reports AUD001–AUD006
(rules.py). The pieces, one meaning each:

* ``rules``       — the finding kinds, documented;
* ``identity``    — approvers are e-mails (normalised, case-insensitive), never names;
* ``signatures``  — which trusted key signed a merge (``git verify-commit``'s machinery);
* ``records``     — what a commit did to the records, wherever their blobs are;
* ``governance``  — who may change approvers, reviewers, authorities and trust;
* ``walker``      — the walk itself; ``report`` — the findings in words.

These findings come from history, not from records, so they are not rules of the engine; they
use the same :class:`~registry.findings.Finding`, reporters and exit codes as ``check``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from registry import gitio
from registry.blobfields import BlobFields
from registry.findings import Finding, Message, Report, Summary
from registry.configfacts import config_twin
from registry.gcpause import paused_gc
from registry.layout import read_config
from registry.loader import ConfigError
from registry.positions import RememberedPositions

from registry.audit.identity import approvers_for, matches
from registry.audit.report import Locator
from registry.audit.records import MilestoneChange, milestone_changes, project_record
from registry.audit.rules import AUDIT_RULES, AUTHORITY_OF_MILESTONE, AuditRule
from registry.audit.signatures import Verifier
from registry.audit.walker import TRUST_MODES, Auditor

if TYPE_CHECKING:
    from registry.cache import Store

__all__ = [
    "AUDIT_RULES", "AUTHORITY_OF_MILESTONE", "TRUST_MODES", "AuditRule", "MilestoneChange", "approved_by",
    "approvers_for", "milestone_changes", "project_record", "run_audit",
]


def run_audit(root: Path, *, branch: str | None = None, since_commit: str | None = None,
              since: dt.date | None = None, trust: str = "signatures") -> Report:
    """Audit the first-parent history of ``branch`` (default: registry.yaml's base_branch).

    ``since_commit``: audit only the commits after it (it must be on that first-parent
    history). ``since`` (deprecated): a date, turned into the first commit whose committer date
    is not earlier: after that commit, order alone decides, and dates going backwards anywhere
    are reported."""
    if trust not in TRUST_MODES:
        raise ConfigError(Message(f"未知的信任模式 {trust}：可选 {'、'.join(TRUST_MODES)}",
                                  f"unknown trust mode {trust}: {', '.join(TRUST_MODES)}"), path="--trust")
    store = _store(root)
    config = config_twin(read_config(root), store)  # validated as load_config does, read as a plain twin
    repo = gitio.open_repo(root, needed_by=("审计", "the audit"))
    try:
        name = branch or config.base_branch
        log = gitio.first_parent_log(repo, _history_start(repo, name))
        start, dates_from, note = _audit_range(repo, log, name, since_commit, since)
        fields = BlobFields(repo, store)
        positions = RememberedPositions(store if fields.fast else None)
        with Verifier() as verifier, paused_gc():  # (a history's worth of objects, no cycles among them)
            auditor = Auditor(repo, root, config, name, mode=trust, verifier=verifier, fields=fields,
                              locator=Locator(root, positions))
            if note is not None:
                auditor.note(note.zh, note.en)
            findings = auditor.walk(log, start, dates_from)
            notices = auditor.summary()
        fields.save()
        positions.save()
    finally:
        repo.close()
    summary = Summary(records=len(auditor.records), profiles=list(config.profiles), notices=notices, trust=trust)
    cited = {f.rule for f in findings}
    return Report(sorted(findings, key=_place), summary, rules={r.id: r.info() for r in AUDIT_RULES.values() if r.id in cited})


def approved_by(entry: gitio.LogEntry, approvers: list[str]) -> bool:
    """Identities mode's test: the merge's author or committer e-mail is one of ``approvers``."""
    return matches([entry.author.email, entry.committer.email], approvers)


def _place(finding: Finding) -> tuple[str, int, int, str]:
    """A finding's order (:class:`Finding`'s own: path, line, column, rule) as a key: one tuple
    per finding instead of two at each comparison."""
    return finding.path, finding.line, finding.column, finding.rule


def _store(root: Path) -> Store | None:
    from registry.cache import Store

    return Store.open(root)


def _history_start(repo: gitio.Repo, branch: str) -> str:
    if gitio.is_shallow(repo):
        raise ConfigError(Message(
            "当前是浅克隆，历史不完整，无法审计：请先 git fetch --unshallow，或在 GitHub Actions 的 checkout 中设置 "
            "fetch-depth: 0（GitLab：GIT_DEPTH: 0）",
            "this is a shallow clone, the history is incomplete: run git fetch --unshallow, or set fetch-depth: 0 "
            "(GitLab: GIT_DEPTH: 0)",
        ), path="--base-branch")
    return gitio.require_branch(repo, branch)


def _audit_range(repo: gitio.Repo, log: list[gitio.LogEntry], branch: str, since_commit: str | None,
                 since: dt.date | None) -> tuple[int, int, Message | None]:
    """(first audited index, first index whose date order is checked, notice). The root commit
    is the initial import and is never audited."""
    if since_commit is not None and since is not None:
        raise ConfigError(Message("--since-commit 与 --since 只能选一个", "use --since-commit or --since, not both"),
                          path="--since-commit")
    if since_commit is not None:
        sha = gitio.resolve_commit(repo, since_commit)
        index = next((i for i, e in enumerate(log) if e.commit == sha), None) if sha else None
        if index is None:
            raise ConfigError(Message(
                f"--since-commit {since_commit} 不是 {branch} 首父历史上的提交：请给出主分支上的提交或标签",
                f"--since-commit {since_commit} is not a commit of {branch}'s first-parent history",
            ), path="--since-commit")
        return index + 1, index + 1, Message(
            f"从提交 {log[index].short}（--since-commit {since_commit}）之后开始审计，之前的历史作为基线",
            f"audit starts after commit {log[index].short} (--since-commit {since_commit}); earlier history is the baseline",
        )
    if since is not None:
        index = next((i for i, e in enumerate(log) if e.date >= since), len(log))
        shown = log[index].short if index < len(log) else "（无）"
        return max(index, 1), 1, Message(
            f"--since {since} 已弃用：日期由提交者自行填写，只用于定位起点——从首个提交日期不早于该日的首父提交 {shown} 起"
            f"按提交顺序审计，之后的提交不论日期全部审计；请改用 --since-commit",
            f"--since {since} is deprecated: dates are written by committers, so it only locates a starting commit "
            f"({shown}); everything after it is audited whatever its date; use --since-commit",
        )
    return 1, 1, None
