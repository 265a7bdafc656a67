"""Everything that asks git (plain git processes, see :mod:`registry.gitproc`). Failures are
configuration errors with a hint."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from registry.findings import Message
from registry.gitproc import Blob, GitFailed, Repo
from registry.layout import is_record_path
from registry.errors import ConfigError

_SHALLOW_HINT_ZH = "若在浅克隆中运行（CI 默认只取最近一次提交），请先 git fetch --unshallow，或在 GitHub Actions 的 checkout 中设置 fetch-depth: 0"
_SHALLOW_HINT_EN = "in a shallow clone (CI's default), run git fetch --unshallow first, or set fetch-depth: 0 in the GitHub Actions checkout"

__all__ = ["Blob", "GitFailed", "Repo"]


def open_repo(root: Path, needed_by: tuple[str, str] = ("--base ", "--base")) -> Repo:
    """The repository holding ``root``; outside git, a configuration error (exit 2) saying
    what needs the history (``needed_by``: its Chinese and English names)."""
    repo = Repo.discover(root)
    if repo is None:
        zh, en = needed_by
        raise ConfigError(Message(
            f"{root} 不在 git 仓库中：{zh}需要 git 历史",
            f"{root} is not inside a git repository: {en} needs git history",
        ), path=str(root))
    return repo


def top_level(start: Path) -> Path | None:
    """The git top level of ``start``, or None outside a repository."""
    repo = Repo.discover(start)
    return Path(repo.working_tree_dir) if repo is not None and repo.working_tree_dir else None


def no_common_ancestor(rev: str) -> ConfigError:
    return ConfigError(Message(
        f"{rev} 与 HEAD 没有共同祖先，无法比较变更。{_SHALLOW_HINT_ZH}",
        f"{rev} and HEAD share no ancestor, the change cannot be compared. {_SHALLOW_HINT_EN}",
    ), path="--base")


def unresolvable(repo: Repo, rev: str) -> ConfigError:
    shallow = (Path(repo.git_dir) / "shallow").exists()
    note_zh = "（当前是浅克隆）" if shallow else ""
    note_en = " (this is a shallow clone)" if shallow else ""
    return ConfigError(Message(
        f"无法解析 --base {rev}{note_zh}：请确认分支或提交存在，例如 git fetch origin main。{_SHALLOW_HINT_ZH}",
        f"cannot resolve --base {rev}{note_en}: make sure the branch or commit exists (git fetch origin main). {_SHALLOW_HINT_EN}",
    ), path="--base")


def root_prefix(repo: Repo, root: Path) -> str:
    """The registry root's path inside the repository ('' at the top level)."""
    top = Path(repo.working_tree_dir or ".").resolve()
    rel = root.resolve().relative_to(top).as_posix()
    return "" if rel == "." else rel + "/"


# ---------------------------------------------------------------------------------------------
# First-parent history with raw diffs: inventory trend (registry.inventory) and approval audit
# (registry.audit). One ``git log`` process for the whole history, then every blob needed through
# one ``git cat-file --batch`` (:func:`read_blobs`).


class Identity(NamedTuple):
    """A git author or committer as recorded in a commit."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class FileChange(NamedTuple):
    """One file of a commit's raw diff against its first parent. Renames are off, so a moved
    file is a deletion plus an addition: callers pair them by record id where that matters.
    (A named tuple, as Identity: a long history has thousands of them, and a frozen
    dataclass costs several times as much to make.)"""

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


class LogEntry(NamedTuple):
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


def try_open_repo(root: Path) -> Repo | None:
    """The repository holding ``root``, or None outside git."""
    return Repo.discover(root)


def resolve_commit(repo: Repo, rev: str) -> str | None:
    """The commit id ``rev`` names, or None (unknown name, empty repository)."""
    if not rev or rev.startswith("-"):
        return None  # never let a revision be read as an option
    try:
        sha = repo.text("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GitFailed:
        return None
    return sha or None


def resolve_branch(repo: Repo, branch: str) -> str | None:
    """``branch``, else ``origin/<branch>`` (CI checkouts often have only the remote branch)."""
    return resolve_commit(repo, branch) or resolve_commit(repo, f"origin/{branch}")


def require_branch(repo: Repo, branch: str) -> str:
    """:func:`resolve_branch`, or a configuration error naming the branch (exit 2)."""
    found = resolve_branch(repo, branch)
    if found is None:
        raise ConfigError(Message(
            f"找不到分支 {branch}（也没有 origin/{branch}）：请先 git fetch origin {branch}，或用 --base-branch 指定存在的分支",
            f"branch {branch} (or origin/{branch}) not found: git fetch origin {branch}, or pass an existing --base-branch",
        ), path="--base-branch")
    return found


def is_shallow(repo: Repo) -> bool:
    try:
        return repo.text("rev-parse", "--is-shallow-repository") == "true"
    except GitFailed:
        return (Path(repo.git_dir) / "shallow").exists()


def first_parent_log(repo: Repo, commit: str) -> list[LogEntry]:
    """The first-parent history of ``commit``, oldest first, each commit with its raw diff
    against its first parent: for a merge, what the merge brought to the branch; for the root
    commit, every file it added.

    ``--no-renames`` makes a move a deletion plus an addition whatever ``diff.renames`` says;
    ``-z`` passes non-ASCII paths verbatim instead of quoted (``core.quotePath``); full blob
    ids feed :func:`read_blob`.
    """
    try:
        out = repo.git(
            "log", "--first-parent", "--diff-merges=first-parent", "--root", "--raw", "--no-renames",
            "-z", "--no-abbrev", "--no-color", "--no-show-signature", "--no-relative", "--reverse",
            f"--format={_LOG_FORMAT}", commit, "--",
        )
    except GitFailed as exc:  # a damaged repository, or git older than 2.31
        detail = exc.stderr.strip()
        raise ConfigError(Message(
            f"无法读取 git 历史（需要 git 2.31 或更高版本）：{detail}",
            f"cannot read the git history (git 2.31 or later is needed): {detail}",
        ), path=str(repo.working_tree_dir or ".")) from None
    entries = parse_raw_log(out.decode("utf-8", "surrogateescape"))
    if not _first_parent_chain(entries, commit) or (entries[0].parents and not is_shallow(repo)):
        # the parse must describe exactly git's history: every first parent, down to the root
        raise ConfigError(Message(
            "git 历史的解析结果与 git rev-list 不一致，无法可靠读取历史（提交信息或身份中可能含有控制字符）",
            "the parsed git history differs from git rev-list (control characters in a commit?)",
        ), path=str(repo.working_tree_dir or "."))
    return entries


def _first_parent_chain(entries: list[LogEntry], commit: str) -> bool:
    """Whether ``entries`` are exactly what ``git rev-list --first-parent --reverse commit``
    lists: ending at ``commit``, each the first parent of the next (the caller checks that the
    oldest has no parents, unless a shallow clone's boundary cuts the history there)."""
    if not entries or entries[-1].commit != commit:
        return False
    return all(later.parents[:1] == (earlier.commit,) for earlier, later in zip(entries, entries[1:]))


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
    # (a value not starting with "0" is no all-zero one: most ids and modes are told by one character)
    return FileChange(
        path, status[:1],
        None if old_blob[:1] == "0" and _zero(old_blob) else old_blob,
        None if new_blob[:1] == "0" and _zero(new_blob) else new_blob,
        old_mode if new_mode[:1] == "0" and _zero(new_mode) else new_mode,
        "" if old_mode[:1] == "0" and _zero(old_mode) else old_mode,
    )


def _zero(value: str) -> bool:
    """An all-zero id or mode: no file on that side of the change."""
    return bool(value) and not value.strip("0")


def read_blob(repo: Repo, blob: str, path: str = "") -> bytes:
    """One blob's content (through the repository's long-lived ``cat-file``); a missing or
    damaged object is a :class:`ConfigError` naming it (exit 2), never a traceback. Many blobs
    known beforehand: :func:`read_blobs` (one stream)."""
    try:
        found = repo.blob(blob)
    except GitFailed as exc:
        raise missing_object(repo, blob, path, exc) from None
    if found.data is None:
        raise missing_object(repo, blob, path, LookupError(blob))
    return found.data


def read_blobs(repo: Repo, wanted: Iterable[tuple[str, str]]) -> Iterator[tuple[str, bytes]]:
    """(blob id, content) of every (blob id, path) asked for, in order, through one
    ``git cat-file --batch``; the first missing or damaged object is a :class:`ConfigError`
    naming its path."""
    pairs = list(wanted)
    done = 0
    try:
        for blob in repo.blobs(oid for oid, _path in pairs):
            if blob.data is None:
                raise missing_object(repo, blob.name, pairs[done][1], LookupError(blob.name))
            done += 1
            yield blob.name, blob.data
    except GitFailed as exc:  # git stopped answering: the object it was reading is damaged
        oid, path = pairs[min(done, len(pairs) - 1)] if pairs else ("", "")
        raise missing_object(repo, oid, path, exc) from None


def missing_object(repo: Repo, sha: str, path: str, exc: BaseException) -> ConfigError:
    """The error for a git object that cannot be read (a shallow or partial clone, a damaged
    repository), with what to do about it."""
    what = f"{path}（对象 {sha[:12]}）" if path else f"对象 {sha[:12]}"
    what_en = f"{path} (object {sha[:12]})" if path else f"object {sha[:12]}"
    shallow = "（当前是浅克隆）" if is_shallow(repo) else ""
    return ConfigError(Message(
        f"无法从 git 读取 {what}{shallow}：仓库缺少所需的对象或已损坏。请运行 git fsck 检查；"
        "浅克隆或部分克隆（CI 默认只取最近一次提交）请先 git fetch --unshallow，或在 GitHub Actions 的 checkout 中"
        "设置 fetch-depth: 0",
        f"cannot read {what_en} from git: the repository lacks an object or is damaged ({type(exc).__name__}). "
        f"Run git fsck; {_SHALLOW_HINT_EN}",
    ), path=str(repo.working_tree_dir or "."))


def tree_paths(repo: Repo, commit: str, root: Path) -> set[str]:
    """Every file at ``commit`` under the registry root, relative to it (one ``ls-tree``)."""
    prefix = root_prefix(repo, root)
    out = repo.git("ls-tree", "-r", "--name-only", "-z", "--full-tree", commit).decode("utf-8", "surrogateescape")
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
