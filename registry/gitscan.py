"""Blob ids of unchanged tracked record files from git's own index, where the registry is in
a git work tree: most record files are then neither ``lstat``-ed by Python nor read.

Two git processes run while this process lists the folders (:func:`start`, then
:meth:`IndexScan.collect`): ``git ls-files -s --debug`` (each entry's blob id, mode, stage,
flags and the ``lstat`` values git recorded for it) and ``git diff-files --name-only`` (the
entries whose file no longer matches what git recorded: git's own comparison, in C, its
``lstat`` calls spread over threads, with its racy-clean rule). Both read the same index file:
its ``stat`` is taken before they start and after they end, and any change means the index
is not used for this run.

**What git's answer is not trusted for.** git compares times in whole seconds (its usual build
has no ``USE_NSEC``) and its racy-clean rule looks at the modification time only, which any
program can put back (``touch -d``, ``cp -p``, ``rsync -t``): a same-size edit made in the same
second as the file's recorded change time, with its modification time put back, looks clean
to git for ever. So an index entry is used only once this tool has *verified* it: seen the
file with exactly the ``lstat`` values git recorded (to the nanosecond), its change time older
than the file system's clock in whole seconds, and its bytes hashing to git's blob id (see
:func:`verified`). After that, any change to the file sets its change time to a later second,
which git's comparison (run with ``core.trustctime`` forced on) reports. Each verified entry is
kept as the exact text git printed for it, so an entry whose recorded values, blob id, mode,
stage or flags changed in any way is a new entry, verified again. Verification needs no extra
work: the file is read and hashed anyway (or the stat index vouched for those same values).

Never vouched for: entries marked assume-unchanged or skip-worktree, intent-to-add entries,
unmerged stages, links, submodules, anything but a regular file's mode, and every file
``diff-files`` names. Those, untracked and ignored files are read and hashed (or, when there
are many, the whole scan is the stat index's, :mod:`registry.statindex`). git's configuration
is forced on the command line so that a repository's or user's settings cannot make it trust
stale ``lstat`` data (``core.checkStat``, ``core.trustctime``, ``core.fsmonitor``, …); any git
failure or anything unexpected in its output means the stat index's scan, never a guess.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from itertools import compress
from operator import not_
from pathlib import Path

from registry.cachestore import Store
from registry.gitproc import GIT_OPTIONS, REAL_OBJECTS

VERIFIED = "gitindex.verified"  # the verified entries, one per line
VERIFIED_DELTA = "gitindex.verified.delta"  # entries verified since (a parallel run's may be lost: a fact, never a guess)
DISABLE_ENV = "REGISTRY_GIT_INDEX"  # "0": always the stat index's scan (benchmarks compare both)
_DELTA_LIMIT = 512  # more entries in the delta: the next run writes them all again
_NS = 1_000_000_000
_MASK = 0xFFFFFFFF  # the index keeps sizes, inodes, devices and seconds in 32 bits
# flags an entry may carry (git's in-memory ``ce_flags``): none but the name hash's and the
# split index's own bookkeeping — not assume-unchanged (0x8000), a stage (0x3000),
# intent-to-add (1 << 29), skip-worktree (1 << 30), fsmonitor-valid (1 << 21) …
_HARMLESS_FLAGS = (1 << 20) | (1 << 27)
_REGULAR_MODES = ("100644", "100755")
# What the repository's or the user's configuration must not change: every stat field is
# compared, change times trusted, no file-system monitor or cached untracked state answering
# for git, no entry assumed unchanged as it is added (core.ignoreStat).
_FORCED = (
    "core.checkStat=default", "core.trustctime=true", "core.fsmonitor=false", "core.useBuiltinFSMonitor=false",
    "core.untrackedCache=false", "core.ignoreStat=false", "core.preloadIndex=true", "diff.relative=false",
)
_DEBUG = (r"  ctime: (\d+):(\d+)\t  mtime: (\d+):(\d+)\t  dev: (\d+)\tino: (\d+)\t  uid: \d+\tgid: \d+\t"
          r"  size: (\d+)\tflags: ([0-9a-f]+)")  # an entry's recorded values, as parsed (its lines joined by tabs)


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() != "0"


def _command(*args: str) -> list[str]:
    forced = [part for setting in _FORCED for part in ("-c", setting)]
    return ["git", *GIT_OPTIONS, "--no-pager", *forced, *args]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(REAL_OBJECTS)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # a reader: never write the index behind the user's back
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return env


Identity = tuple[int, int, int, int, int]


def _identity(path: str) -> Identity | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class IndexScan:
    """The git processes of one scan, started; :meth:`collect` waits for them."""

    def __init__(self, cwd: str, index: str, identity: Identity, procs: list[subprocess.Popen[bytes]]) -> None:
        self.cwd, self.index, self.identity = cwd, index, identity
        self._where, self._listing, self._dirty = procs
        self._collected = False

    def collect(self) -> GitIndex | None:
        """What git said, or None if it failed, read another index than the one whose ``stat``
        was taken before it started, or the index changed while it was read."""
        self._collected = True
        where, listed, dirty = _finish(self._where), _finish(self._listing), _finish(self._dirty)
        if where is None or listed is None or dirty is None:
            return None
        lines = where.decode("utf-8", "surrogateescape").split("\n")
        if len(lines) != 3 or lines[0] != "true" or not lines[1] or lines[2]:
            return None  # not in a work tree
        named = os.path.join(self.cwd, lines[1])  # the index git reads (relative to ``cwd`` unless absolute)
        if _identity(named) != self.identity or _identity(self.index) != self.identity:
            return None
        return GitIndex.parse(listed, dirty)

    def abandon(self) -> None:
        """Stop git if its answer was not collected (the run failed before, e.g. on registry.yaml)."""
        if not self._collected:
            self._collected = True
            for proc in (self._where, self._listing, self._dirty):
                proc.kill()
                _finish(proc)


def start(root: Path) -> IndexScan | None:
    """Start reading git's index for the record folders of ``root``; None when ``root`` is not
    in a git work tree (as far as a look for ``.git`` tells: git itself confirms it, see
    :meth:`IndexScan.collect`), or git cannot be run, or the index is turned off."""
    if not enabled():
        return None
    cwd, env = os.fspath(root), _environment()
    index = _index_file(cwd, env)
    identity = _identity(index) if index is not None else None
    if index is None or identity is None:
        return None
    spawned: list[subprocess.Popen[bytes]] = []
    try:
        for args in (("rev-parse", "--is-inside-work-tree", "--git-path", "index"),
                     ("ls-files", "--stage", "--debug", "-z", "--", "systems", "projects"),
                     ("diff-files", "--name-only", "--relative", "--no-ext-diff", "--ignore-submodules=none", "-z",
                      "--", "systems", "projects")):
            spawned.append(subprocess.Popen(_command(*args), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
    except OSError:
        for proc in spawned:
            proc.kill()
            _finish(proc)
        return None
    return IndexScan(cwd, index, identity, spawned)


def _index_file(cwd: str, env: Mapping[str, str]) -> str | None:
    """The index file git will read from ``cwd``, as far as the environment and the nearest
    ``.git`` tell (git's own answer is compared with it before anything git said is used)."""
    if env.get("GIT_INDEX_FILE"):
        return os.path.join(cwd, env["GIT_INDEX_FILE"])
    if env.get("GIT_DIR"):
        return os.path.join(cwd, env["GIT_DIR"], "index")
    folder = os.path.abspath(cwd)
    while True:
        dot = os.path.join(folder, ".git")
        if os.path.isdir(dot):
            return os.path.join(dot, "index")
        if os.path.isfile(dot):  # a linked work tree or a submodule: "gitdir: <path>"
            try:
                with open(dot, encoding="utf-8", errors="surrogateescape") as pointer:
                    line = pointer.readline().rstrip("\n")
            except OSError:
                return None
            return os.path.join(folder, line.removeprefix("gitdir: "), "index") if line.startswith("gitdir: ") else None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _finish(proc: subprocess.Popen[bytes]) -> bytes | None:
    try:
        out, _ = proc.communicate()
    except (OSError, ValueError):
        proc.kill()
        proc.wait()
        return None
    return out if proc.returncode == 0 else None


class GitIndex:
    """git's index entries under systems/ and projects/, each as the one line of text git
    printed for it (``<mode> <blob> <stage>\\t<path>\\0`` and its recorded ``lstat`` values),
    and the paths whose files git found changed."""

    def __init__(self, entries: list[str], dirty: set[str]) -> None:
        self.entries = entries
        self.dirty = dirty

    @classmethod
    def parse(cls, listed: bytes, dirty: bytes) -> GitIndex | None:
        text = listed.decode("utf-8", "surrogateescape")
        # each entry: "<head>\0  ctime: …\n  mtime: …\n  dev: …\n  uid: …\n  size: … flags: …\n";
        # its lines joined with tabs, one entry per line (a path holding a line break: no index)
        count = text.count("\0")
        if text.count("\n  ") != 4 * count:  # a path holding a line break and two spaces
            return None
        entries = text.replace("\n  ", "\t  ").split("\n")
        if entries.pop() != "" or len(entries) != count:
            return None
        changed = set(dirty.decode("utf-8", "surrogateescape").split("\0"))
        changed.discard("")
        return cls(entries, changed)

    def vouched(self, known: set[str]) -> tuple[dict[str, str], dict[str, str], list[str]]:
        """(blob id by path of every verified entry git found unchanged, the unverified entries
        by path, the verified entries still in the index)."""
        flags = list(map(known.__contains__, self.entries))
        good = list(compress(self.entries, flags))
        blobs: dict[str, str] = {}
        if good:
            width = good[0].index(" ", 7) - 7  # a verified entry: "100644 <blob> 0\t<path>\0…"
            start = 7 + width + 3
            blobs = {e[start:e.index("\0")]: e[7:7 + width] for e in good}
            for path in self.dirty:
                blobs.pop(path, None)
        unknown = {}
        for entry in compress(self.entries, map(not_, flags)):
            head = entry.partition("\0")[0]
            path = head.partition("\t")[2]
            if path and path not in self.dirty:
                unknown[path] = entry
        return blobs, unknown, good


def verified(entry: str, info: os.stat_result, blob: str, clock_ns: int | None) -> bool:
    """Whether ``entry`` (git's text for one index entry) is proven by a read of its file:
    ``info`` is the ``fstat`` of the open file, ``blob`` the id of the bytes read, ``clock_ns``
    the file system's clock before the scan began."""
    if clock_ns is None:
        return False
    return _matches(entry, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, blob) and \
        max(info.st_mtime_ns, info.st_ctime_ns) // _NS < clock_ns // _NS


def _matches(entry: str, size: int, mtime_ns: int, ctime_ns: int, ino: int, dev: int, blob: str) -> bool:
    """``entry`` records a regular file, stage 0, no flag but harmless ones, exactly these
    ``lstat`` values (as the index keeps them) and this blob id."""
    head, _, debug = entry.partition("\0")
    fields = head.partition("\t")[0].split(" ")
    found = re.fullmatch(_DEBUG, debug)  # (compiled on first use: most runs verify nothing)
    if len(fields) != 3 or found is None:
        return False
    mode, recorded, stage = fields
    csec, cnsec, msec, mnsec, rdev, rino, rsize, rflags = found.groups()
    return (
        mode in _REGULAR_MODES and stage == "0" and recorded == blob and int(rflags, 16) & ~_HARMLESS_FLAGS == 0
        and int(rsize) == size & _MASK and int(rino) == ino & _MASK and int(rdev) == dev & _MASK
        and int(msec) == (mtime_ns // _NS) & _MASK and int(mnsec) == mtime_ns % _NS
        and int(csec) == (ctime_ns // _NS) & _MASK and int(cnsec) == ctime_ns % _NS
    )


def proven_by_stat_index(entry: str, packed: bytes | None) -> bool:
    """``entry`` verified by a stat index entry (``packed``: see :mod:`registry.statindex`, an
    entry stored only when not racily clean): the same ``lstat`` values and blob id."""
    if packed is None:
        return False
    from registry.statindex import unpacked

    size, mtime_ns, ctime_ns, ino, dev, _mode, blob = unpacked(packed)
    return _matches(entry, size, mtime_ns, ctime_ns, ino, dev, blob)


def load_verified(store: Store) -> tuple[set[str], list[str]]:
    """Every entry verified so far (the stored ones and the delta's); the delta's entries."""
    whole = store.read(VERIFIED)
    known = set(whole.split("\n")) if isinstance(whole, str) and whole else set()
    delta = store.read(VERIFIED_DELTA)
    added = delta.split("\n") if isinstance(delta, str) and delta else []
    known.update(added)
    return known, added


def save_verified(store: Store, kept: Iterable[str], new: list[str], delta: list[str]) -> None:
    """Store what this run verified: the delta with ``new`` added, or (when the delta grew
    long) every verified entry still in the index (``kept`` and ``new``)."""
    if not new:
        return
    if len(delta) + len(new) <= _DELTA_LIMIT:
        store.write(VERIFIED_DELTA, "\n".join([*delta, *new]))
    elif store.write(VERIFIED, "\n".join([*kept, *new])):
        store.remove(VERIFIED_DELTA)


def vouched_by_stat_index(entries: Mapping[str, str], stat_entries: Mapping[str, bytes | None]) -> list[str]:
    """The entries of ``entries`` (by path) that the stat index's proven entries verify."""
    return [entry for path, entry in entries.items() if proven_by_stat_index(entry, stat_entries.get(path))]
