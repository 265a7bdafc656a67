"""What ``--base REV`` compares: REV's own tree (the target branch as it is now) against the tree
that merging HEAD into REV would produce, with the working tree's uncommitted and staged changes
against HEAD applied on top (pre-commit runs before the commit exists).

Comparing with the merge *base* lets a stale branch spend a slot that the target has already
spent, and lets a branch forked before the registry existed skip every change rule; comparing
the merge *result* with the target's tip checks exactly what would land. A merge that does not
go through cleanly cannot be evaluated: exit 2 with a hint to bring the target in first.
"""
from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

from registry import gitio, gittree
from registry.cache import SourceFile, blob_id
from registry.errors import CONFIG_FILE as CONFIG_PATH
from registry.errors import ConfigError
from registry.findings import Message, Unreadable

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the tree with no entries
# (path, blob id) → whether the run has that file's load result without its bytes (see Target._sources)
Known = Callable[[str, str], bool]
_REBASE_HINT_ZH = "请先把目标分支合并进来（git fetch origin && git merge origin/{rev}）或变基（git rebase origin/{rev}），解决冲突并提交后再检查"
_REBASE_HINT_EN = "bring the target in first (git fetch origin && git merge origin/{rev}, or git rebase origin/{rev}), resolve the conflicts, commit, and check again"


@dataclasses.dataclass(frozen=True)
class MergedFiles:
    """The record files and registry.yaml of the merge result with the working tree on top."""

    records: list[SourceFile]
    config: bytes | None
    problems: list[Unreadable]  # paths in the merge result that are not records (links, misplaced files)


@dataclasses.dataclass
class Target:
    """A resolved ``--base REV``: REV's commit and the merge of HEAD into it."""

    root: Path
    repo: gitio.Repo
    rev: str
    commit: str  # REV's commit id
    head: str | None  # HEAD's commit id; None before the first commit
    merged_tree: str  # the tree merging HEAD into REV would produce
    prefix: str  # the registry root inside the repository ('' or ending in '/')
    target_tree: str = EMPTY_TREE  # REV's tree and HEAD's, as git reads them now (see identity)
    head_tree: str = EMPTY_TREE
    # blob id → bytes of every blob read so far: the target and the merge result share most of
    # their files, and each object is read (and its id checked) once
    _blobs: dict[str, bytes] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _held: set[str] = dataclasses.field(default_factory=set, repr=False, compare=False)  # blob ids git holds, not read

    @property
    def identity(self) -> str:
        """Fixes what the comparison sees besides the working tree's own files: the target
        commit, the merge result, HEAD (the working tree's changes are taken against it), and
        the trees the target and HEAD hold — a commit id alone does not fix its content when
        ``git replace`` (or a graft) stands another commit in for it."""
        return f"{self.target_identity}:{self.merged_tree}:{self.head or '-'}:{self.head_tree}"

    @property
    def target_identity(self) -> str:
        """Fixes what the target alone holds under the registry root (its commit and tree)."""
        return f"{self.commit}:{self.target_tree}:{self.prefix}"

    @cached_property
    def target_files(self) -> gittree.TreeFiles:
        return gittree.list_tree(self.repo, self.commit, self.prefix)

    @cached_property
    def _merged_listing(self) -> gittree.TreeFiles:
        if self.head is not None and self.merged_tree == self.head_tree:
            return self._head_listing  # HEAD already holds the target: the merge result is HEAD's tree
        return gittree.list_tree(self.repo, self.merged_tree, self.prefix)

    @cached_property
    def _head_listing(self) -> gittree.TreeFiles:
        if self.head is None:
            return gittree.TreeFiles({}, None, [])
        return gittree.list_tree(self.repo, self.head, self.prefix)

    def target_records(self, known: Known | None = None) -> list[SourceFile]:
        """Every record file of REV, read in one pass (``git cat-file --batch``) with REV's
        registry.yaml; a file whose load result ``known`` says the run has without its bytes
        is not read (see :meth:`_sources`)."""
        return self._sources(sorted(self.target_files.records.items()), self.target_files.config, known)

    def target_config(self) -> bytes | None:
        oid = self.target_files.config
        if not oid:
            return None
        self._read([(CONFIG_PATH, oid)])
        return self._blobs[oid]

    def merged(self, working: Sequence[SourceFile], working_config: bytes, *, staged: bool = False,
               known: Known | None = None) -> MergedFiles:
        """The merge result's files, with every record file (and registry.yaml) the working
        tree changed against HEAD replaced by the working tree's version, or removed.
        ``staged``: ``working`` is git's index (``check --staged``), whose records are all
        regular files (not looked up in the working tree). ``known``: as for
        :meth:`target_records`."""
        head = self._head_listing.records
        merged: dict[str, SourceFile | str] = dict(self._merged_listing.records)
        problems = {p.path: p for p in self._merged_listing.problems}
        # what the working tree reads as records; a file it refuses (a link, a misplaced file)
        # is its own finding and never stands in for what the merge holds
        mine = {f.path: f for f in working if getattr(f, "problem", None) is None}
        for path in sorted(set(head) | set(mine)):
            ours = mine.get(path)
            if ours is not None and ours.blob == head.get(path):
                continue  # unchanged since HEAD: the merge result stands
            if ours is None:
                merged.pop(path, None)  # deleted (or no longer a record) in the working tree
            elif staged or _regular(self.root / path):
                merged[path] = ours
                problems.pop(path, None)
        # a path HEAD holds as a problem (a link, a submodule, a misplaced file) that the working
        # tree (or the index) no longer holds in any form was removed since HEAD: gone from the
        # result too. A working tree cannot tell a removed submodule from one never checked out.
        held = {f.path for f in working}
        for problem in self._head_listing.problems:
            path = problem.path
            if path not in held and (staged or (path not in self._head_listing.submodules
                                                and not os.path.lexists(self.root / path))):
                problems.pop(path, None)
        working_blob = blob_id(working_config)
        # the merge result's registry.yaml, read in the same stream when it is needed and new
        config = self._merged_listing.config if self._head_listing.config == working_blob != self._merged_listing.config \
            else None
        from_git = dict(zip((p for p, v in sorted(merged.items()) if isinstance(v, str)),
                            self._sources([(p, v) for p, v in sorted(merged.items()) if isinstance(v, str)], config,
                                          known)))
        records = [v if isinstance(v, SourceFile) else from_git[p] for p, v in sorted(merged.items())]
        return MergedFiles(records, self._merged_config(working_config, working_blob),
                           sorted(problems.values(), key=lambda p: p.path))

    def merged_config(self, working_config: bytes) -> bytes | None:
        """The merge result's registry.yaml (None: it has none), the working tree's ``working_config``
        on top (what :meth:`merged` gives as ``config``)."""
        return self._merged_config(working_config, blob_id(working_config))

    def _merged_config(self, working_config: bytes, working_blob: str) -> bytes | None:
        if working_blob != self._head_listing.config:
            return working_config  # registry.yaml changed in the working tree (or HEAD has none)
        oid = self._merged_listing.config
        if not oid:
            return None
        if oid == working_blob:
            return working_config  # the same content: HEAD already holds the target's registry.yaml
        self._read([(CONFIG_PATH, oid)])
        return self._blobs[oid]

    def _sources(self, files: Sequence[tuple[str, str]], config: str | None = None,
                 known: Known | None = None) -> list[SourceFile]:
        """(path, blob id) → source files, the blobs not read before through one ``git cat-file
        --batch`` (with the blob ``config`` of registry.yaml, when given: one process for both).

        A file whose load result the run already has without its bytes (``known(path, blob id)``:
        the same content loaded from the working tree, or kept in the record cache, both by
        blob id) is not read: it comes without bytes (a content's id fixes its bytes, so no
        finding can depend on git's copy), and git is only asked whether it holds the object
        (:meth:`_check_held`). A missing or damaged object is the repository's problem to report
        (exit 2), not to paper over."""
        wanted = files if known is None else [(path, oid) for path, oid in files
                                              if oid in self._blobs or not known(path, oid)]
        self._read([*wanted, *([(CONFIG_PATH, config)] if config else [])])
        blobs = self._blobs
        self._check_held([(path, oid) for path, oid in files if oid not in blobs])
        return [SourceFile(path, blobs[oid], oid) if oid in blobs else SourceFile.vouched(path, oid)
                for path, oid in files]

    def _check_held(self, files: Sequence[tuple[str, str]]) -> None:
        """That git holds the blob of every file (path, blob id) not checked before: one ``git
        cat-file --batch-check``, which reads each object's header (a missing object, or one
        whose header cannot be read, is answered "missing"); :class:`ConfigError` naming the first."""
        wanted = {oid: path for path, oid in files if oid not in self._held}
        if not wanted:
            return
        try:
            out = self.repo.git("cat-file", "--batch-check", input="".join(f"{oid}\n" for oid in wanted).encode())
        except gitio.GitFailed as exc:
            oid, path = next(iter(wanted.items()))
            raise gitio.missing_object(self.repo, oid, path, exc) from None
        answers = out.decode("ascii", "replace").split("\n")
        for (oid, path), answer in zip(wanted.items(), [*answers, *[""] * len(wanted)]):
            if answer.split(" ")[:2] != [oid, "blob"]:
                raise gitio.missing_object(self.repo, oid, path, LookupError(oid))
            self._held.add(oid)

    def _read(self, files: Sequence[tuple[str, str]]) -> None:
        """Read the blobs of ``files`` (path, blob id) not read before, through one stream."""
        known = self._blobs
        wanted = {oid: path for path, oid in files if oid not in known}
        if wanted:
            known.update(gitio.read_blobs(self.repo, [(oid, path) for oid, path in wanted.items()]))


def _regular(path: Path) -> bool:
    """Only a regular file of the working tree replaces what the merge holds: a link is never
    followed (the tree's entry, and its finding, stay)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def resolve(root: Path, repo: gitio.Repo, rev: str) -> Target:
    """REV and the merge of HEAD into it; :class:`ConfigError` (exit 2) when REV is unknown,
    shares no history with HEAD, or the merge conflicts."""
    commit = gitio.resolve_commit(repo, rev)
    head = gitio.resolve_commit(repo, "HEAD")
    prefix = gitio.root_prefix(repo, root)
    if commit is None and head is None and not repo.text("rev-list", "--all", "-n", "1"):
        # A repository without a single commit: nothing can be compared yet, the first commit
        # is the first import (it is what pre-commit checks before that commit exists).
        return Target(root, repo, rev, EMPTY_TREE, None, EMPTY_TREE, prefix)
    if commit is None:
        raise gitio.unresolvable(repo, rev)
    if head is None:  # no commit yet: what would land is the working tree on top of REV
        tree = repo.text("rev-parse", f"{commit}^{{tree}}")
        return Target(root, repo, rev, commit, None, tree, prefix, tree)
    if not repo.status("merge-base", "--all", commit, head)[1].strip():
        raise gitio.no_common_ancestor(rev)
    try:
        tree = gittree.merge_tree(repo, commit, head)
    except gittree.Conflict as conflict:
        raise _conflict(rev, conflict.paths) from None
    except gitio.GitFailed as exc:
        detail = exc.stderr.strip()
        raise ConfigError(Message(
            f"无法计算与 {rev} 合并后的结果（需要 git 2.38 或更高版本）：{detail}",
            f"cannot compute the merge with {rev} (git 2.38 or later is needed): {detail}",
        ), path="--base") from None
    target_tree, head_tree = repo.text("rev-parse", f"{commit}^{{tree}}", f"{head}^{{tree}}").split()
    return Target(root, repo, rev, commit, head, tree, prefix, target_tree, head_tree)


def _conflict(rev: str, paths: Sequence[str]) -> ConfigError:
    shown = "、".join(paths[:10]) + ("……" if len(paths) > 10 else "")
    name = rev.removeprefix("origin/")
    return ConfigError(Message(
        f"本分支与 {rev} 合并时有冲突（{shown}），无法判断合并后的登记簿：{_REBASE_HINT_ZH.format(rev=name)}",
        f"merging this branch into {rev} conflicts ({', '.join(paths[:10])}), so the merged registry cannot be "
        f"checked: {_REBASE_HINT_EN.format(rev=name)}",
    ), path="--base")
