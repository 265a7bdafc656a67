"""``registry check --staged``: what the commit will contain — git's index — instead of the
working tree.

An untracked draft or an unstaged edit is not part of the commit, so it neither counts nor is
checked; a file staged in part (``git add -p``) is checked as staged. Records' bytes are read
from git's object store by the blob ids the index holds (``git cat-file --batch``), never from
the working tree, and so are registry.yaml and the positions of findings.

The index is read with ONE ``git diff-index --cached --raw`` against a tree: the empty tree the
first time (every entry shows as added), else a tree whose listing is cached
(:mod:`registry.stagedstate`), so that a run of a large registry reads only what differs from
it. ``--ita-invisible-in-index``: a file added with ``git add -N`` is not in the commit.

The index's paths are sorted into records and problems exactly as the working tree's scan
sorts the files it finds (:mod:`registry.layout`), so that a clean working tree (index ==
working tree) prints the same report either way.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import stat
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from registry.cache import SourceFile
from registry.errors import CONFIG_FILE, ConfigError
from registry.findings import Message, Unreadable
from registry.gitproc import REAL_OBJECTS, GitFailed, Repo
from registry.layout import (ATTACHMENT_DIRS, LOOKALIKE_PREFIXES, MAX_CONFIG_BYTES, MAX_RECORD_BYTES,
                             RECORD_DIRS, RECORD_SUFFIX, YAML_SUFFIXES, UnreadableFile)
from registry.scanproblems import bad_name, not_a_record, not_regular, too_large

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
REGULAR_MODES = ("100644", "100755")
LINK_MODE, GITLINK_MODE = "120000", "160000"
Entries = dict[str, tuple[str, str]]  # path below the registry root -> (mode, object id)


def _fail(zh: str, en: str) -> ConfigError:
    return ConfigError(Message(zh, en), path="--staged")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(REAL_OBJECTS)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # a reader: never write the index
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return env


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "--no-pager", *args], cwd=root, env=_environment(), stdin=subprocess.DEVNULL,
                              capture_output=True, check=False)
    except OSError as exc:
        raise _fail(f"--staged 需要 git，但无法运行 git：{exc}", f"--staged needs git, which cannot be run: {exc}") from None


def index_location(root: Path) -> str:
    """The git directory of ``root``'s repository, after making sure ``root`` is in a work tree
    and the repository has an index; :class:`ConfigError` (exit 2) otherwise."""
    done = _git(root, "rev-parse", "--is-inside-work-tree", "--absolute-git-dir", "--git-path", "index")
    lines = done.stdout.decode("utf-8", "surrogateescape").split("\n")
    if done.returncode != 0 or len(lines) != 4 or lines[0] != "true":
        raise _fail(
            f"--staged 检查 git 暂存区（索引）中的内容，但 {root} 不在 git 仓库的工作区中：请在登记簿的 git 仓库中运行，或去掉 --staged",
            f"--staged checks git's index, but {root} is not in a git work tree: run it inside the registry's "
            "repository, or drop --staged",
        )
    index = os.path.join(root, lines[2])
    if not os.path.isfile(index):
        raise _fail(
            "--staged 检查 git 暂存区（索引）中的内容，但该仓库还没有暂存区（没有任何文件被 git add）：请先 git add 要提交的文件",
            "--staged checks git's index, but this repository has no index yet (nothing was ever added): "
            "git add the files to commit first",
        )
    return lines[1]


def index_changes(root: Path, tree: str) -> tuple[list[tuple[str, str, str, str]], bool]:
    """What git's index holds below ``root`` that differs from ``tree``: (status, path, mode,
    object id) of each entry (status ``D``: gone from the index), and False when ``tree``
    cannot be read (an object pruned since it was cached). :class:`ConfigError` on unmerged
    entries: a commit cannot be made before they are resolved."""
    done = _git(root, "-c", "diff.orderFile=", "diff-index", "--cached", "-z", "--raw", "--no-renames", "--no-abbrev",
                "--ita-invisible-in-index", "--ignore-submodules=none", "--relative", tree, "--")
    if done.returncode != 0:
        if tree != EMPTY_TREE:
            return [], False
        raise GitFailed(["diff-index", "--cached", tree], done.returncode, done.stderr)
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    if fields.pop() != "" or len(fields) % 2:
        raise GitFailed(["diff-index", "--cached", tree], -1, "unexpected output")
    changes = []
    unmerged = []
    for meta, path in zip(fields[::2], fields[1::2]):
        parts = meta.split(" ")
        if len(parts) != 5 or not meta.startswith(":"):
            raise GitFailed(["diff-index", "--cached", tree], -1, f"unexpected output: {meta[:80]}")
        status = parts[4][:1]
        if status == "U":
            unmerged.append(path)
        changes.append((status, path, parts[1], parts[3]))
    if unmerged:
        shown = "、".join(sorted(unmerged)[:10]) + ("……" if len(unmerged) > 10 else "")
        raise _fail(f"暂存区中有未解决的合并冲突（{shown}）：请先解决冲突并 git add，再检查",
                    f"the index holds unresolved merge conflicts ({', '.join(sorted(unmerged)[:10])}): resolve them "
                    "and git add the files first")
    return changes, True


def apply(entries: Entries, changes: Iterable[tuple[str, str, str, str]]) -> Entries:
    """``entries`` (a tree's listing) with ``changes`` (see :func:`index_changes`) applied."""
    for status, path, mode, oid in changes:
        if status == "D":
            entries.pop(path, None)
        else:
            entries[path] = (mode, oid)
    return entries


@dataclasses.dataclass
class Layout:
    """The index's paths sorted as the working tree's scan sorts files (:mod:`registry.layout`)."""

    records: dict[str, str]  # path -> blob id
    problems: dict[str, Unreadable]  # by path
    attachments: set[str]  # regular files under docs/


def layout_of(entries: Mapping[str, tuple[str, str]]) -> Layout:
    found = Layout({}, {}, set())
    for path, (mode, oid) in entries.items():
        _sort(found, path, mode, oid)
    return found


def _file_mode(mode: str) -> int:
    """The ``st_mode`` the working tree would show for an index entry of ``mode``."""
    return stat.S_IFLNK | 0o777 if mode == LINK_MODE else stat.S_IFDIR | 0o755 if mode == GITLINK_MODE else stat.S_IFREG


def _sort(found: Layout, path: str, mode: str, oid: str) -> None:
    """One index entry, walked as :func:`registry.layout._walk` walks the folders holding it."""
    parts = path.split("/")
    top = parts[0]
    if top in RECORD_DIRS:
        records, stray = True, False
    elif top in ATTACHMENT_DIRS:
        records, stray = False, False
    elif top.casefold().startswith(LOOKALIKE_PREFIXES):
        records, stray = False, True
        if len(parts) == 1 and mode != LINK_MODE:
            return  # a file beside the folders, not a look-alike folder
    else:
        return
    if len(parts) == 1:  # the folder itself is a file, a link or a submodule in git
        found.problems[path] = _not_regular(path, mode, records)
        return
    for depth in range(1, len(parts)):
        name = parts[depth]
        here = "/".join(parts[:depth + 1])
        if not _printable(name):
            found.problems[here] = bad_name(here)
            return
        if depth < len(parts) - 1:
            stray = stray or (records and name.startswith("."))
    name = parts[-1]
    if mode not in REGULAR_MODES:
        found.problems[path] = _not_regular(path, mode, records or stray)
    elif stray:
        if name.casefold().endswith(YAML_SUFFIXES):
            found.problems[path] = not_a_record(path)
    elif not records:
        found.attachments.add(path)
    elif len(parts) == 3 and name.endswith(RECORD_SUFFIX) and len(name) > len(RECORD_SUFFIX) and not name.startswith("."):
        found.records[path] = oid
    elif not (name.startswith(".") and not name.casefold().endswith(YAML_SUFFIXES)):
        found.problems[path] = not_a_record(path)


def _not_regular(path: str, mode: str, record_area: bool) -> Unreadable:
    if mode == GITLINK_MODE:  # a submodule: a folder in the working tree, a commit in git
        from registry.gittree import Entry, not_regular as submodule

        return submodule(Entry(path, mode, ""))
    return not_regular(path, _file_mode(mode), record_area)


def _printable(name: str) -> bool:
    from registry.layout import _printable as printable

    return printable(name)


class Blobs:
    """Blob ids → bytes through one ``git cat-file --batch`` per process (a forked loader
    worker starts its own), each answer checked to hash to the id asked for."""

    def __init__(self, root: Path, git_dir: str) -> None:
        self._repo = Repo(root, Path(git_dir))
        self._pid = os.getpid()

    def read(self, oid: str) -> bytes:
        if os.getpid() != self._pid:  # a forked worker: the parent's pipe is not ours to share
            self._inherited = self._repo  # (kept: closing it here would wait for the parent's git)
            self._repo = Repo(Path(self._repo.cwd), Path(self._repo.git_dir))
            self._pid = os.getpid()
        blob = self._repo.blob(oid)
        if blob.kind != "blob" or blob.data is None:
            raise GitFailed(["cat-file", "--batch"], -1, f"{oid}: not a blob in this repository")
        return blob.data

    def close(self) -> None:
        if os.getpid() == self._pid:
            self._repo.close()


@dataclasses.dataclass
class Staged:
    """The registry as git's index holds it below ``root``."""

    root: Path
    entries: Entries
    layout: Layout
    blobs: Blobs
    sizes: dict[str, int]  # blob id -> bytes, of every record's blob

    def files(self) -> list[SourceFile]:
        """Problems first, then the records, each in path order (as :func:`registry.warm.scan`)."""
        problems = [SourceFile.refused(self.layout.problems[p]) for p in sorted(self.layout.problems)]
        records = []
        for path in sorted(self.layout.records):
            oid = self.layout.records[path]
            size = self.sizes.get(oid, 0)
            if size > MAX_RECORD_BYTES:
                records.append(SourceFile.refused(too_large(path, size, MAX_RECORD_BYTES)))
            else:
                records.append(SourceFile.vouched(path, oid))
        return problems + records

    def config(self) -> bytes:
        """registry.yaml as staged: :class:`ConfigError` when the index has none, or not a file."""
        found = self.entries.get(CONFIG_FILE)
        if found is None:
            raise _fail(
                f"暂存区（git 索引）中没有 {CONFIG_FILE}：提交将不包含它。请先 git add {CONFIG_FILE}",
                f"git's index holds no {CONFIG_FILE}, so the commit would not contain it: git add {CONFIG_FILE} first",
            )
        mode, oid = found
        if mode not in REGULAR_MODES:
            raise ConfigError(_not_regular(CONFIG_FILE, mode, True).message)
        raw = self.blobs.read(oid)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(too_large(CONFIG_FILE, len(raw), MAX_CONFIG_BYTES).message)
        return raw

    def read(self, path: str, blob: str | None = None) -> bytes:
        """The staged bytes of ``path`` (a record or registry.yaml); ``blob``: the id the run
        saw, which they must have. :class:`UnreadableFile` when the index holds no such file."""
        found = self.entries.get(path)
        if found is None or found[0] not in REGULAR_MODES or (blob is not None and found[1] != blob):
            raise UnreadableFile(not_a_record(path))
        return self.blobs.read(found[1])

    def record_bytes(self, path: str, blob: str) -> bytes:
        """A record's bytes by its blob id, for the record cache (``registry.recordcache``)."""
        return self.blobs.read(blob)  # (by id: a record of the --base target has its own)

    def document_status(self, found: frozenset[str]) -> Callable[[str], str | None]:
        """How a document path resolves in the index (see :func:`registry.warm.document_resolver`)."""
        from registry.docrefs import split_reference

        def status(ref: str) -> str | None:
            if ref in found:
                return None
            parts = split_reference(ref)
            return parts if isinstance(parts, str) else self._status(parts)

        return status

    @functools.cached_property
    def _folders(self) -> set[str]:
        """Every folder the index's paths pass through (only built for a reference that names
        neither a file nor a link)."""
        folders: set[str] = set()
        for path in self.entries:
            parts = path.split("/")
            folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        return folders

    def _status(self, parts: list[str]) -> str | None:
        path = ""
        mode = ""
        for part in parts:
            if part in ("", "."):
                continue
            if len(os.fsencode(part)) > 255:
                return "too_long"
            path = f"{path}/{part}" if path else part
            entry = self.entries.get(path)
            if entry is not None:
                mode = entry[0]
                if mode == LINK_MODE:
                    return "symlink"
                continue
            if path not in self._folders:
                return "missing"
            mode = "folder"
        if mode in REGULAR_MODES:
            return None
        return "missing"


def read(root: Path, tree: str = EMPTY_TREE, base: Entries | None = None) -> Staged:
    """The registry as staged: :class:`ConfigError` (exit 2) outside a git work tree, without an
    index, or with unmerged entries."""
    git_dir = index_location(root)
    changes, ok = index_changes(root, tree)
    if not ok or base is None:
        changes, ok = index_changes(root, EMPTY_TREE) if tree != EMPTY_TREE else (changes, ok)
        base = {}
    entries = apply(dict(base), changes)
    layout = layout_of(entries)
    blobs = Blobs(root, git_dir)
    return Staged(root, entries, layout, blobs, sizes_of(root, set(layout.records.values())))


def sizes_of(root: Path, oids: set[str]) -> dict[str, int]:
    """The size of each blob (one ``git cat-file --batch-check``)."""
    if not oids:
        return {}
    try:
        done = subprocess.run(["git", "cat-file", "--batch-check=%(objectname) %(objectsize)"], cwd=root,
                              env=_environment(), input="".join(f"{o}\n" for o in oids).encode(), capture_output=True,
                              check=False)
    except OSError as exc:
        raise GitFailed(["cat-file", "--batch-check"], -1, str(exc)) from None
    if done.returncode != 0:
        raise GitFailed(["cat-file", "--batch-check"], done.returncode, done.stderr)
    sizes = {}
    for line in done.stdout.decode("ascii", "replace").split("\n"):
        oid, _, size = line.partition(" ")
        if size.isdigit():
            sizes[oid] = int(size)
    missing = oids - sizes.keys()
    if missing:
        raise GitFailed(["cat-file", "--batch-check"], -1, f"objects missing: {', '.join(sorted(missing)[:5])}")
    return sizes
