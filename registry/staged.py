"""``registry check --staged``: what the commit will contain — git's index — instead of the
working tree.

An untracked draft or an unstaged edit is not part of the commit, so it neither counts nor is
checked; a file staged in part (``git add -p``) is checked as staged. Records' bytes are read
from git's object store by the blob ids the index holds (``git cat-file --batch``), never from
the working tree, and so are registry.yaml and the positions of findings.

**Work proportional to the change.** The index is read as a tree plus what differs from it:
the listing of a tree T (``git ls-tree -r -l T``, sorted by :mod:`registry.stagedlayout`) is
kept in the cache store under T's id, and each run asks git for the index's differences from T
with ONE ``git diff-index --cached --raw T`` (``--ita-invisible-in-index``: a ``git add -N``
file is not in the commit) and patches the listing path by path. This is never stale: a tree
id fixes every path, mode and blob id below it (git's objects are content-addressed, and
replace refs and grafts are switched off, see :data:`registry.gitproc.REAL_OBJECTS`), and
``diff-index --cached`` compares the index's entries with T's exactly (mode and object id of
every path, nothing of the working tree's ``lstat``); so the patched listing is the index's,
entry for entry. T is HEAD's tree when the listing is made; a later run keeps diffing against
it until the differences grow past :data:`_REBASE` paths (then HEAD's new tree is listed). A T
git can no longer read (pruned), another registry root inside the repository, or anything
unexpected in git's output: the listing is made again, never guessed.

The run's cache key is made of T, the root's place in the repository and the differences (the
listing is a function of them), not of 20,000 paths.

**One entry read, not two.** The snapshot's summary of the index (:mod:`registry.recordsummary`)
already holds every record's path and blob id, so each run keeps its listing there too (a
:class:`~registry.stagedlayout.Held`: T, the differences it applied, and what is not a record
row), and the next run reads the summary alone: it puts that listing together again, takes back
the paths the last run's differences changed and this run's do not (to T's entries, which
``diff-index --raw`` gave with them), applies this run's, and hands the summary it read on to
the snapshot. Any doubt (no such companion, a row the summary must load again): the stored
listing of T is read, as above.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from registry import plainclass
from registry.cache import SourceFile, SourceFiles
from registry import recordsummary
from registry.cachestore import StaleCache, Store
from registry.errors import CONFIG_FILE, ConfigError
from registry.findings import Message, Unreadable
from registry.gitproc import REAL_OBJECTS, GitFailed, Repo, Spawned, object_id, spawn
from registry.layout import MAX_CONFIG_BYTES, MAX_RECORD_BYTES, UnreadableFile, read_regular
from registry.scanproblems import not_a_record, not_regular, os_problem, too_large
from registry.stagedlayout import ABSENT_MODE, LINK_MODE, REGULAR_MODES, Change, Held, Listing

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
STATE = "staged.tree"  # the listing of the tree the index is compared with (signed, see cachestore)
SUMMARY = "staged.summary"  # the snapshot's summary of the index (see registry.recordsummary)
_FORMAT = 2  # 2: the listing's attachments as stagedlayout.Paths
_REBASE = 256  # more paths than this differ from the cached tree (and HEAD moved): list HEAD's tree
_READ_AHEAD = 64  # at most this many changed records are read when the index is (the rest when parsed)
_DIFF = ("-c", "diff.orderFile=", "diff-index", "--cached", "-z", "--raw", "--no-renames", "--no-abbrev",
         "--ita-invisible-in-index", "--ignore-submodules=none", "--relative")


def _fail(zh: str, en: str) -> ConfigError:
    return ConfigError(Message(zh, en), path="--staged")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(REAL_OBJECTS)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # a reader: never write the index
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return env


def _start(root: Path, *args: str) -> Spawned:
    try:
        return spawn(root, ["--no-pager", *args], _environment())
    except OSError as exc:
        raise _fail(f"--staged 需要 git，但无法运行 git：{exc}", f"--staged needs git, which cannot be run: {exc}") from None


def _finish(proc: Spawned) -> tuple[int, bytes, bytes]:
    return proc.finish()


@plainclass.dataclass
class TreeState:
    """A tree's listing below the registry root (``prefix``: the root's place in the
    repository), and registry.yaml's bytes in it."""

    tree: str
    prefix: str
    listing: Listing
    config: tuple[str, bytes] | None  # (blob id, bytes) of a regular registry.yaml
    format: int = _FORMAT


_WHERE = ("rev-parse", "--is-inside-work-tree", "--absolute-git-dir", "--git-path", "index", "--show-prefix")


def _start_where(root: Path) -> Spawned:
    """The question :func:`_where` answers, started (git answers while this process works on)."""
    return _start(root, *_WHERE, "HEAD^{tree}")


def _where(root: Path, started: Spawned) -> tuple[str, str, str | None]:
    """(git directory, the root's prefix in the repository, HEAD's tree or None before the
    first commit), from ``started`` (:func:`_start_where`); :class:`ConfigError` outside a work
    tree or without an index."""
    status, out, _ = _finish(started)
    if status != 0:  # no commit yet (or not a repository: asked again without HEAD to tell)
        status, out, _ = _finish(_start(root, *_WHERE))
        out += b"\n"
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if status != 0 or len(lines) != 6 or lines[0] != "true" or lines[5]:
        raise _fail(
            f"--staged 检查 git 暂存区（索引）中的内容，但 {root} 不在 git 仓库的工作区中：请在登记簿的 git 仓库中运行，或去掉 --staged",
            f"--staged checks git's index, but {root} is not in a git work tree: run it inside the registry's "
            "repository, or drop --staged",
        )
    if not os.path.isfile(os.path.join(root, lines[2])):
        raise _fail(
            "--staged 检查 git 暂存区（索引）中的内容，但该仓库还没有暂存区（没有任何文件被 git add）：请先 git add 要提交的文件",
            "--staged checks git's index, but this repository has no index yet (nothing was ever added): "
            "git add the files to commit first",
        )
    return lines[1], lines[3], lines[4] or None


def _changes(done: tuple[int, bytes, bytes]) -> list[Change] | None:
    """``diff-index --cached --raw -z`` output as changes; None when git failed (a tree it
    cannot read). :class:`ConfigError` on unmerged entries: no commit before they are resolved."""
    status, out, _ = done
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    if status != 0 or fields.pop() != "" or len(fields) % 2:
        return None
    changes, unmerged = [], []
    for meta, path in zip(fields[::2], fields[1::2]):
        parts = meta.split(" ")
        if len(parts) != 5 or not meta.startswith(":") or not path:
            return None
        kind = parts[4][:1]
        if kind == "U":
            unmerged.append(path)
        changes.append((kind, path, parts[1], parts[3], parts[0][1:], parts[2]))
    if unmerged:
        shown = "、".join(sorted(unmerged)[:10]) + ("……" if len(unmerged) > 10 else "")
        raise _fail(f"暂存区中有未解决的合并冲突（{shown}）：请先解决冲突并 git add，再检查",
                    f"the index holds unresolved merge conflicts ({', '.join(sorted(unmerged)[:10])}): resolve them "
                    "and git add the files first")
    return changes


def _tree_listing(done: tuple[int, bytes, bytes], tree: str) -> Listing:
    """``ls-tree -r -z -l`` output as a listing."""
    status, out, err = done
    if status != 0:
        raise GitFailed(["ls-tree", "-r", tree], status, err)
    entries = []
    for line in out.decode("utf-8", "surrogateescape").split("\0"):
        if not line:
            continue
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) != 4 or not path:
            raise GitFailed(["ls-tree", "-r", tree], -1, f"unexpected output: {line[:80]}")
        mode, _kind, oid, size = parts
        entries.append((path, mode, oid, int(size) if size.isdigit() else None))
    return Listing.of(entries)


class Blobs:
    """Blob ids → bytes through one ``git cat-file --batch`` per process (a forked loader
    worker starts its own), each answer checked to hash to the id asked for."""

    def __init__(self, root: Path, git_dir: str) -> None:
        self._root = root
        self._repo = Repo(root, Path(git_dir))
        self._pid = os.getpid()
        self._inherited: list[Repo] = []
        self.known: dict[str, bytes] = {}  # read already, by blob id

    def read(self, oid: str, path: str | None = None) -> bytes:
        """The bytes of blob ``oid``. ``path``: the file of the working tree that usually holds
        the same bytes (a file staged and not edited since: what pre-commit leaves); they are
        taken from there when they hash to ``oid`` — an object id fixes its bytes, wherever
        they are read —, and from git otherwise (one ``cat-file`` process fewer for the hook)."""
        if oid in self.known:
            return self.known[oid]
        if path is not None:
            found = self._from_work_tree(path, oid)
            if found is not None:
                return found
        if os.getpid() != self._pid:  # a forked worker: the parent's pipe is not ours to share
            self._inherited.append(self._repo)  # (kept: closing it here would wait for the parent's git)
            self._repo = Repo(Path(self._repo.cwd), Path(self._repo.git_dir))
            self._pid = os.getpid()
        blob = self._repo.blob(oid)
        if blob.kind != "blob" or blob.data is None:
            raise GitFailed(["cat-file", "--batch"], -1, f"{oid}: not a blob in this repository")
        return blob.data

    def _from_work_tree(self, path: str, oid: str) -> bytes | None:
        try:  # (a regular file only, never through a link, and never more than a record may hold)
            raw = read_regular(self._root, path, limit=MAX_RECORD_BYTES)
        except UnreadableFile:
            return None
        return raw if object_id(b"blob", raw, len(oid)) == oid.encode("ascii", "replace") else None


@plainclass.dataclass
class Staged:
    """The registry as git's index holds it below ``root``."""

    root: Path
    state: TreeState  # the tree the index was compared with (its listing now patched: the index's)
    changes: list[Change]
    blobs: Blobs
    made: dict[str, SourceFile]  # changed records whose bytes were read with the index

    @property
    def listing(self) -> Listing:
        return self.state.listing

    def files(self) -> SourceFiles:
        return self.listing.files(self.made)

    def held(self) -> Held:
        """The listing as kept beside the summary of :meth:`files` (see :class:`Held`)."""
        return Held.of(self.listing, self.state.tree, self.state.prefix, self.state.config, self.changes)

    def key(self) -> bytes:
        """What fixes the listing: the tree, the root's place in it, and the differences."""
        lines = sorted(f"{kind} {mode} {oid}\0{path}" for kind, path, mode, oid, _, _ in self.changes)
        return "\n".join([f"staged:{self.state.tree}:{self.state.prefix}", *lines]).encode("utf-8", "surrogateescape")

    def config(self) -> bytes:
        """registry.yaml as staged: :class:`ConfigError` when the index has none, or not a file."""
        found = self.listing.others.get(CONFIG_FILE)
        if found is None:
            raise _fail(
                f"暂存区（git 索引）中没有 {CONFIG_FILE}：提交将不包含它。请先 git add {CONFIG_FILE}",
                f"git's index holds no {CONFIG_FILE}, so the commit would not contain it: git add {CONFIG_FILE} first",
            )
        mode, oid = found
        if mode not in REGULAR_MODES:  # refused as reading it from a working tree refuses it
            raise ConfigError(_unreadable_config(mode).message)
        raw = self.state.config[1] if self.state.config and self.state.config[0] == oid else self.blobs.read(oid, CONFIG_FILE)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(too_large(CONFIG_FILE, len(raw), MAX_CONFIG_BYTES).message)
        return raw

    def holds(self, path: str) -> bool:
        return self.listing.entry(path) is not None

    def read(self, path: str) -> bytes:
        """The staged bytes of ``path`` (a record or registry.yaml), for the positions of
        findings; :class:`UnreadableFile` when the index holds no such regular file."""
        found = self.listing.entry(path)
        if found is None or found[0] not in REGULAR_MODES or not found[1]:
            raise UnreadableFile(not_a_record(path))
        return self.blobs.read(found[1], path)

    def record_bytes(self, path: str, blob: str) -> bytes:
        """A record's bytes by its blob id, for the record cache (a record of the ``--base``
        target has its own id; git checks the bytes hash to it)."""
        return self.blobs.read(blob)

    def document_status(self) -> Callable[[str], str | None]:
        """How a document path resolves in the index (see :func:`registry.warm.document_resolver`)."""
        from registry.stageddocs import resolver

        return resolver(self.listing)


def _unreadable_config(mode: str) -> Unreadable:
    """What :func:`registry.layout.read_config` says of registry.yaml checked out with ``mode``:
    a link is not followed (ELOOP), a submodule is a folder."""
    if mode == LINK_MODE:
        return os_problem(CONFIG_FILE, OSError(errno.ELOOP, os.strerror(errno.ELOOP)))
    return not_regular(CONFIG_FILE, stat.S_IFDIR | 0o755, True)


def read(root: Path, store: Store | None, meanwhile: Callable[[], object] | None = None) -> Staged:
    """The registry as staged: :class:`ConfigError` (exit 2) outside a git work tree, without an
    index, or with unmerged entries. ``meanwhile`` is called while git answers (the checker's
    imports: on two cores, git's processes then cost no wall time of their own)."""
    where = _start_where(root)  # (git answers while the stored listing is read)
    held, base = _held(store) if store is not None else (None, None)
    diff = _start(root, *_DIFF, held[0].tree, "--") if held is not None else None  # (beside rev-parse)
    if meanwhile is not None:
        meanwhile()
    git_dir, prefix, head = _where(root, where)
    changes = None
    if diff is not None and held is not None:
        changes = _changes(_finish(diff))
        tree = held[0].tree
        if held[0].prefix != prefix or (changes is not None and len(changes) > _REBASE and head not in (None, tree)):
            changes = None
    blobs = Blobs(root, git_dir)
    if changes is None or held is None:
        state, changes = _listed(root, head or EMPTY_TREE, prefix, blobs, store)
        applied: list[Change] = []
    else:
        state, applied = held
    made = _patch(state.listing, _since(applied, changes), blobs)
    staged = Staged(root, state, changes, blobs, made)
    if store is not None:
        kept = staged.held()
        recordsummary.accompany(store, kept, SUMMARY, in_delta=kept.compact(base))
    return staged


def _held(store: Store) -> tuple[tuple[TreeState, list[Change]] | None, object]:
    """The listing the last run kept (a tree's, patched with the changes it lists), from the
    summary it wrote with it (read once: the run's snapshot uses it); else the tree's listing
    as last listed (no changes yet); None when neither is stored. And the summary file's own
    :class:`Held`, which this run's delta may refer to (see :meth:`Held.compact`)."""
    peeked = recordsummary.peek(store, SUMMARY)
    base = peeked[2] if peeked is not None else None
    if peeked is not None and isinstance(peeked[1], Held):
        summary, held, _ = peeked
        try:
            listing = held.listing(summary.columns.paths, summary.blobs, base)
            if listing is not None:
                listing.verify()
        except StaleCache:  # (its column file damaged: the summary is dropped, the snapshot built again)
            store.remove(SUMMARY)
            listing = None
        if listing is not None:
            return (TreeState(held.tree, held.prefix, listing, held.config), held.changes), base
    stored = store.read(STATE)
    return ((stored, []) if isinstance(stored, TreeState) and stored.format == _FORMAT else None), base


def _since(applied: list[Change], changes: list[Change]) -> list[Change]:
    """What turns a listing of the tree patched with ``applied`` into the tree patched with
    ``changes``: a path ``applied`` changed and ``changes`` does not goes back to the tree's
    entry (``applied`` holds it, see :data:`registry.stagedlayout.Change`)."""
    now = {change[1] for change in changes}
    back: list[Change] = [("D" if old_mode == ABSENT_MODE else "M", path, old_mode, old_oid, old_mode, old_oid)
                          for _kind, path, _mode, _oid, old_mode, old_oid in applied if path not in now]
    return back + changes


def _listed(root: Path, tree: str, prefix: str, blobs: Blobs, store: Store | None) -> tuple[TreeState, list[Change]]:
    """``tree``'s listing (stored for the next runs) and the index's differences from it."""
    listing_proc = _start(root, "ls-tree", "-r", "-z", "-l", tree) if tree != EMPTY_TREE else None
    diff = _start(root, *_DIFF, tree, "--")
    listing = _tree_listing(_finish(listing_proc), tree) if listing_proc is not None else Listing()
    changes = _changes(_finish(diff))
    if changes is None:
        raise GitFailed(["diff-index", "--cached", tree], -1, "git could not compare the index with HEAD")
    entry = listing.others.get(CONFIG_FILE)
    config = (entry[1], blobs.read(entry[1], CONFIG_FILE)) if entry is not None and entry[0] in REGULAR_MODES else None
    state = TreeState(tree, prefix, listing, config)
    if store is not None:
        store.write(STATE, state)  # (pickled now: the patches below are this run's)
    return state, changes


def _patch(listing: Listing, changes: list[Change], blobs: Blobs) -> dict[str, SourceFile]:
    """Apply the index's differences to ``listing``; the changed records read on the way (a
    few: their sizes decide REG001, and the run parses them anyway)."""
    regular = [(path, oid) for kind, path, mode, oid, _, _ in changes if kind != "D" and mode in REGULAR_MODES
               and path.startswith(("systems/", "projects/"))]
    sizes: dict[str, int] = {}
    made: dict[str, SourceFile] = {}
    if len(regular) <= _READ_AHEAD:
        for path, oid in regular:
            raw = blobs.read(oid, path)
            sizes[oid] = len(raw)
            if len(raw) <= MAX_RECORD_BYTES:
                made[path] = SourceFile(path, raw, oid)
    else:
        sizes = _sizes(blobs, {oid for _, oid in regular})
    for kind, path, mode, oid, _, _ in changes:
        if kind == "D":
            listing.remove(path)
        else:
            listing.put(path, mode, oid, sizes.get(oid))
    return made


def _sizes(blobs: Blobs, oids: set[str]) -> dict[str, int]:
    """The size of each blob (one ``git cat-file --batch-check``)."""
    out = blobs._repo.git("cat-file", "--batch-check=%(objectname) %(objectsize)",
                          input="".join(f"{o}\n" for o in oids).encode())
    sizes = {}
    for line in out.decode("ascii", "replace").split("\n"):
        oid, _, size = line.partition(" ")
        if size.isdigit():
            sizes[oid] = int(size)
    if oids - sizes.keys():
        raise GitFailed(["cat-file", "--batch-check"], -1, "objects missing from the repository")
    return sizes
