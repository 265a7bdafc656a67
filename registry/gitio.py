"""Everything that asks git (through gitpython). Failures are configuration errors with a hint."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import git
from git.objects import Blob, Commit, Tree

from registry.findings import Message
from registry.loader import RECORD_FOLDERS, ConfigError, is_record_path

_SHALLOW_HINT_ZH = "若在浅克隆中运行（CI 默认只取最近一次提交），请先 git fetch --unshallow，或在 GitHub Actions 的 checkout 中设置 fetch-depth: 0"
_SHALLOW_HINT_EN = "in a shallow clone (CI's default), run git fetch --unshallow first, or set fetch-depth: 0 in the GitHub Actions checkout"


def open_repo(root: Path) -> git.Repo:
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ConfigError(Message(
            f"{root} 不在 git 仓库中：--base 需要 git 历史",
            f"{root} is not inside a git repository: --base needs git history",
        ), path=str(root)) from None


def top_level(start: Path) -> Path | None:
    """The git top level of ``start``, or None outside a repository."""
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    return Path(repo.working_tree_dir) if repo.working_tree_dir else None


def merge_base(repo: git.Repo, rev: str) -> Commit:
    """The merge base of ``rev`` and HEAD: what a pull request is compared with."""
    try:
        target = repo.commit(rev)
        head = repo.head.commit
    except (git.BadName, ValueError, git.GitCommandError):
        raise _unresolvable(repo, rev) from None
    bases = repo.merge_base(target, head)
    if not bases:
        raise ConfigError(Message(
            f"{rev} 与 HEAD 没有共同祖先，无法比较变更。{_SHALLOW_HINT_ZH}",
            f"{rev} and HEAD share no ancestor, the change cannot be compared. {_SHALLOW_HINT_EN}",
        ), path="--base")
    base: Commit = bases[0]
    return base


def _unresolvable(repo: git.Repo, rev: str) -> ConfigError:
    shallow = (Path(repo.git_dir) / "shallow").exists()
    note_zh = "（当前是浅克隆）" if shallow else ""
    note_en = " (this is a shallow clone)" if shallow else ""
    return ConfigError(Message(
        f"无法解析 --base {rev}{note_zh}：请确认分支或提交存在，例如 git fetch origin main。{_SHALLOW_HINT_ZH}",
        f"cannot resolve --base {rev}{note_en}: make sure the branch or commit exists (git fetch origin main). {_SHALLOW_HINT_EN}",
    ), path="--base")


def root_prefix(repo: git.Repo, root: Path) -> str:
    """The registry root's path inside the repository ('' at the top level)."""
    top = Path(repo.working_tree_dir or ".").resolve()
    rel = root.resolve().relative_to(top).as_posix()
    return "" if rel == "." else rel + "/"


def record_blobs_at(repo: git.Repo, commit: Commit, root: Path) -> Iterator[tuple[str, bytes]]:
    """Every record file at ``commit`` as (path relative to the registry root, bytes).

    gitpython reads blobs through one long-lived ``git cat-file --batch`` process, so this is
    one pass over the trees, not one process per file.
    """
    prefix = root_prefix(repo, root)
    for folder in RECORD_FOLDERS:
        tree = _subtree(commit.tree, prefix + folder)
        if tree is None:
            continue
        for item in tree.traverse():
            if isinstance(item, Blob):
                path = str(PurePosixPath(item.path))[len(prefix):]
                if is_record_path(path):
                    yield path, item.data_stream.read()


def _subtree(tree: Tree, path: str) -> Tree | None:
    try:
        found = tree / path
    except KeyError:
        return None
    return found if isinstance(found, Tree) else None
