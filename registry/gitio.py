"""Everything that asks git (through gitpython). Failures are configuration errors with a hint."""
from __future__ import annotations

import dataclasses
import datetime as dt
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
        target = repo.commit(repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}"))
        head = repo.head.commit
        bases = repo.merge_base(target, head)
    except (git.BadName, ValueError, git.GitCommandError):
        raise unresolvable(repo, rev) from None
    if not bases:
        raise no_common_ancestor(rev)
    base: Commit = bases[0]
    return base


def no_common_ancestor(rev: str) -> ConfigError:
    return ConfigError(Message(
        f"{rev} 与 HEAD 没有共同祖先，无法比较变更。{_SHALLOW_HINT_ZH}",
        f"{rev} and HEAD share no ancestor, the change cannot be compared. {_SHALLOW_HINT_EN}",
    ), path="--base")


def unresolvable(repo: git.Repo, rev: str) -> ConfigError:
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


# ---------------------------------------------------------------------------------------------
# First-parent history with raw diffs: inventory trend (registry.inventory) and approval audit
# (registry.audit). One ``git log`` process for the whole history, then blobs by id through
# gitpython's persistent ``git cat-file --batch``.


@dataclasses.dataclass(frozen=True)
class Identity:
    """A git author or committer as recorded in a commit."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclasses.dataclass(frozen=True)
class FileChange:
    """One file of a commit's raw diff against its first parent. Renames are off, so a moved
    file is a deletion plus an addition: callers pair them by record id where that matters."""

    path: str  # repository path with '/' separators, never quoted
    status: str  # A added | M modified | D deleted | T type changed
    old_blob: str | None  # None when added
    new_blob: str | None  # None when deleted
    mode: str  # the new mode (the old one for a deletion)
    old_mode: str = ""  # the mode before the commit ('' when added)

    @property
    def regular_file(self) -> bool:
        """Not a symbolic link (120000) or a submodule (160000)."""
        return self.mode in ("100644", "100755")

    @property
    def old_regular_file(self) -> bool:
        """The file before the commit was a regular file (not a link or submodule)."""
        return self.old_mode in ("100644", "100755")


@dataclasses.dataclass(frozen=True)
class LogEntry:
    """A first-parent commit: who made it, and what it changed on the branch."""

    commit: str
    parents: tuple[str, ...]
    date: dt.date  # committer date (as written by whoever committed: shown, never trusted)
    author: Identity
    committer: Identity
    subject: str
    changes: tuple[FileChange, ...]
    timestamp: int = 0  # committer date in seconds since the epoch

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def short(self) -> str:
        return self.commit[:8]


_LOG_HEADER = "\x1e"
_LOG_FIELD = "\x1f"
# Fixed-format fields first, free text (names, subject) last: a name cannot shift an e-mail.
_LOG_FORMAT = _LOG_HEADER + _LOG_FIELD.join(("%H", "%P", "%cs", "%ct", "%ae", "%ce", "%an", "%cn", "%s"))


def try_open_repo(root: Path) -> git.Repo | None:
    """The repository holding ``root``, or None outside git."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def resolve_commit(repo: git.Repo, rev: str) -> str | None:
    """The commit id ``rev`` names, or None (unknown name, empty repository)."""
    if not rev or rev.startswith("-"):
        return None  # never let a revision be read as an option
    try:
        sha: str = repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")
    except git.GitCommandError:
        return None
    return sha.strip() or None


def resolve_branch(repo: git.Repo, branch: str) -> str | None:
    """``branch``, else ``origin/<branch>`` (CI checkouts often have only the remote branch)."""
    return resolve_commit(repo, branch) or resolve_commit(repo, f"origin/{branch}")


def require_branch(repo: git.Repo, branch: str) -> str:
    """:func:`resolve_branch`, or a configuration error naming the branch (exit 2)."""
    found = resolve_branch(repo, branch)
    if found is None:
        raise ConfigError(Message(
            f"找不到分支 {branch}（也没有 origin/{branch}）：请先 git fetch origin {branch}，或用 --base-branch 指定存在的分支",
            f"branch {branch} (or origin/{branch}) not found: git fetch origin {branch}, or pass an existing --base-branch",
        ), path="--base-branch")
    return found


def is_shallow(repo: git.Repo) -> bool:
    try:
        return bool(repo.git.rev_parse("--is-shallow-repository").strip() == "true")
    except git.GitCommandError:
        return (Path(repo.git_dir) / "shallow").exists()


def first_parent_log(repo: git.Repo, commit: str) -> list[LogEntry]:
    """The first-parent history of ``commit``, oldest first, each commit with its raw diff
    against its first parent: for a merge, what the merge brought to the branch; for the root
    commit, every file it added.

    ``--no-renames`` makes a move a deletion plus an addition whatever ``diff.renames`` says;
    ``-z`` passes non-ASCII paths verbatim instead of quoted (``core.quotePath``); full blob
    ids feed :func:`read_blob`.
    """
    try:
        out = repo.git.log(
            "--first-parent", "--diff-merges=first-parent", "--root", "--raw", "--no-renames",
            "-z", "--no-abbrev", "--no-color", "--no-show-signature", "--no-relative", "--reverse",
            f"--format={_LOG_FORMAT}", commit, "--",
            stdout_as_string=False,
        )
    except git.GitCommandError as exc:  # a damaged repository, or git older than 2.31
        detail = str(exc.stderr or "").strip()
        raise ConfigError(Message(
            f"无法读取 git 历史（需要 git 2.31 或更高版本）：{detail}",
            f"cannot read the git history (git 2.31 or later is needed): {detail}",
        ), path=str(repo.working_tree_dir or ".")) from None
    entries = parse_raw_log(out.decode("utf-8", "surrogateescape"))
    listed = repo.git.rev_list("--first-parent", "--reverse", commit).split()
    if [e.commit for e in entries] != listed:  # the parse must describe exactly git's history
        raise ConfigError(Message(
            "git 历史的解析结果与 git rev-list 不一致，无法可靠读取历史（提交信息或身份中可能含有控制字符）",
            "the parsed git history differs from git rev-list (control characters in a commit?)",
        ), path=str(repo.working_tree_dir or "."))
    return entries


def parse_raw_log(out: str) -> list[LogEntry]:
    """Parse ``git log -z --raw`` output written with :data:`_LOG_FORMAT`.

    Tokens are NUL-separated: a header token (starting with ``\\x1e``), then pairs of a raw
    status token (``:old new old_blob new_blob status``) and a path token. Reading pairs by
    position means no path, however odd its characters, is taken for a header.
    """
    entries: list[LogEntry] = []
    header: list[str] | None = None
    changes: list[FileChange] = []
    tokens = out.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        if token.startswith(_LOG_HEADER):
            if header is not None:
                entries.append(_log_entry(header, changes))
            header, changes = token[1:].split(_LOG_FIELD, 8), []
        elif token.startswith(":") and i + 1 < len(tokens):
            changes.append(_file_change(token, tokens[i + 1]))
            i += 1
        i += 1
    if header is not None:
        entries.append(_log_entry(header, changes))
    return entries


def _log_entry(header: list[str], changes: list[FileChange]) -> LogEntry:
    sha, parents, date, stamp, author_email, committer_email, author_name, committer_name, subject = header
    return LogEntry(
        commit=sha, parents=tuple(parents.split()), date=dt.date.fromisoformat(date),
        author=Identity(author_name, author_email), committer=Identity(committer_name, committer_email),
        subject=subject, changes=tuple(changes), timestamp=int(stamp),
    )


def _file_change(meta: str, path: str) -> FileChange:
    old_mode, new_mode, old_blob, new_blob, status = meta[1:].split(" ", 4)
    absent = set("0")
    return FileChange(
        path=path, status=status[:1],
        old_blob=None if set(old_blob) == absent else old_blob,
        new_blob=None if set(new_blob) == absent else new_blob,
        mode=old_mode if set(new_mode) == absent else new_mode,
        old_mode="" if set(old_mode) == absent else old_mode,
    )


def read_blob(repo: git.Repo, blob: str) -> bytes:
    """A blob's content through gitpython's long-lived ``git cat-file --batch``."""
    data: bytes = repo.odb.stream(bytes.fromhex(blob)).read()
    return data


def tree_paths(repo: git.Repo, commit: str, root: Path) -> set[str]:
    """Every file at ``commit`` under the registry root, relative to it (one ``ls-tree``)."""
    prefix = root_prefix(repo, root)
    out = repo.git.ls_tree("-r", "--name-only", "-z", "--full-tree", commit)
    return {p[len(prefix):] for p in out.split("\0") if p and p.startswith(prefix)}


def record_history(root: Path) -> dict[str, list[LogEntry]]:
    """Per record path (relative to the registry root), the first-parent commits of HEAD that
    changed it, newest first: the change history on the site's record pages. One ``git log``
    pass for all records; {} outside git or before the first commit."""
    repo = try_open_repo(root)
    if repo is None:
        return {}
    try:
        head = resolve_commit(repo, "HEAD")
        if head is None:
            return {}
        prefix = root_prefix(repo, root)
        history: dict[str, list[LogEntry]] = {}
        for entry in reversed(first_parent_log(repo, head)):
            for change in entry.changes:
                path = change.path[len(prefix):] if change.path.startswith(prefix) else None
                if path is not None and is_record_path(path):
                    history.setdefault(path, []).append(entry)
        return history
    finally:
        repo.close()
