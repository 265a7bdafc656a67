"""A content-keyed cache for checking: never stale by construction, corrupt entries ignored.

Two kinds of entries live in ``<root>/.registry-cache/<fingerprint>/``:

* **records** — each record file's load result (the validated model, or its REG001/REG002
  problems), keyed by the file's folder and its git blob id (the SHA-1 of its bytes, computed
  the way git does). They are kept in one pack (``records.pack``) plus small ``*.delta`` files
  written by later runs, because unpickling one pack is several times faster than opening
  20,000 small files. A pack is rewritten when the deltas grow past a fraction of it.
  A valid record is stored as its own pickle beside its id, unit and active flag: runs get
  it as a :class:`registry.snapshot.Deferred` and unpickle only the records they look at.
* **runs** — the whole report of a ``registry check``, keyed by every input: the blob id of
  every record file, the bytes of registry.yaml, the arguments, the date, the base commit.
  The document paths a run looked at are stored with it and looked at again before the
  report is reused, since attachments under docs/ are not records.

The fingerprint directory is named after the tool's own source code and the versions of the
libraries that shape results, so any code change starts a fresh cache. Entries are pickles,
so each file is signed (HMAC-SHA256) with a key kept outside the repository
(``~/.cache/registry/cache.key``): a cache committed into a pull request, or damaged on disk,
fails the signature and is ignored, never unpickled. Files are written to a temporary name and
renamed, so parallel runs (pre-commit, an editor, CI) never see a half-written file.

``REGISTRY_NO_CACHE=1`` (or ``registry check --no-cache``) turns all of this off.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import io
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import registry
from registry.models import System
from registry.snapshot import Deferred, Unreadable

CACHE_DIR = ".registry-cache"
DISABLE_ENV = "REGISTRY_NO_CACHE"
FORMAT = 2  # bump when the layout of entries changes
_MAGIC = b"registry-cache\x00\x01"
_KEY_BYTES = 32
_DIGEST = hashlib.sha256().digest_size
# Libraries whose version can change what a record loads to or what a rule says.
_DISTRIBUTIONS = ("pydantic", "pydantic-core", "ruamel.yaml", "ruamel.yaml.clib", "chinesecalendar")
_KEEP_FINGERPRINTS = 3  # older tool versions' directories beyond this are removed
_KEEP_RUNS = 32
_COMPACT_MIN = 256  # delta entries tolerated before the pack is rewritten, at least
_PACK_PART = 2_000  # records per pickle in the pack (bounds the pickler's memory)
_MAX_DELTA_FILES = 16  # more are merged into one, so a run opens few files


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() in ("", "0")


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a blob: equal ids mean equal content."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """A record file as read for one run: path relative to the root, bytes, blob id."""

    path: str
    raw: bytes
    blob: str
    # a file that could not be read as a record (a link, a FIFO, no permission …): its
    # finding, in place of a load result; ``blob`` then identifies the problem, not content
    problem: Unreadable | None = None

    @classmethod
    def of(cls, path: str, raw: bytes) -> SourceFile:
        return cls(path, raw, blob_id(raw))

    @classmethod
    def refused(cls, problem: Unreadable) -> SourceFile:
        text = f"{problem.rule}\0{problem.message.zh}".encode("utf-8", "surrogateescape")
        return cls(problem.path, b"", "!" + hashlib.sha1(text).hexdigest(), problem)

    @property
    def key(self) -> str:
        """The folder decides the model (systems/ or projects/), so it is part of the key."""
        return f"{self.path.split('/', 1)[0]}/{self.blob}"


@functools.cache
def fingerprint() -> str:
    """Hash of everything besides the input files that decides a result: this package's
    source files, the versions of the libraries it builds on, and the Python version."""
    digest = hashlib.sha256(f"{FORMAT}\0{registry.__version__}\0{sys.version}\0".encode())
    for name in _DISTRIBUTIONS:
        digest.update(f"{name}={_version(name)}\0".encode())
    package = Path(registry.__file__).parent
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.is_file():
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def _signing_key() -> bytes | None:
    """The per-user secret that signs cache files; created on first use. None if unusable."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "registry" / "cache.key"
    try:
        key = path.read_bytes()
        if len(key) == _KEY_BYTES:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = os.urandom(_KEY_BYTES)
        _write_atomically(path, fresh, mode=0o600)
        return path.read_bytes() if path.stat().st_size == _KEY_BYTES else None  # another run may have won
    except OSError:
        return None


def _write_atomically(path: Path, data: bytes | Sequence[bytes | memoryview], *, mode: int = 0o644) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in [data] if isinstance(data, bytes) else data:
                out.write(piece)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with _quietly():
            os.unlink(tmp)
        raise


def _quietly() -> contextlib.suppress:
    """``with _quietly(): …`` ignores OSError: the cache is an optimisation, never an error."""
    return contextlib.suppress(OSError)


class Store:
    """The cache directory of one registry root, for this build of the tool."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self._key = key

    @classmethod
    def open(cls, root: Path) -> Store | None:
        """The store under ``root``, created if needed; None when caching is off or the
        directory cannot be used (read-only checkout, a symlink planted in its place …)."""
        if not enabled():
            return None
        top = root / CACHE_DIR
        try:
            if top.is_symlink() or (top.exists() and not top.is_dir()):
                return None
            key = _signing_key()
            if key is None:
                return None
            directory = top / fingerprint()[:20]
            if directory.is_symlink():
                return None
            fresh = not directory.is_dir()
            directory.mkdir(parents=True, exist_ok=True)
            _mark_as_cache(top)
            if fresh:
                _forget_old_fingerprints(top)
            return cls(directory, key)
        except OSError:
            return None

    def read(self, name: str) -> Any | None:
        """The value stored under ``name``; None if absent, unreadable, tampered or corrupt."""
        parts = self.read_parts(name)
        return parts[0] if parts is not None and len(parts) == 1 else None

    def write(self, name: str, value: Any) -> bool:
        """Store ``value`` under ``name`` atomically; False (and nothing written) on failure."""
        return self.write_parts(name, [value])

    def read_parts(self, name: str) -> list[Any] | None:
        """The values :meth:`write_parts` stored under ``name``, or None (as :meth:`read`)."""
        try:
            data = _read_regular_file(self.directory / name)
        except OSError:
            return None
        header = len(_MAGIC) + _DIGEST
        if len(data) < header or not data.startswith(_MAGIC):
            return None
        payload = memoryview(data)[header:]
        expected = hmac.new(self._key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, data[len(_MAGIC):header]):
            return None
        stream = io.BytesIO(payload)
        parts = []
        try:
            while stream.tell() < len(payload):
                parts.append(pickle.Unpickler(stream).load())
        except Exception:  # noqa: BLE001  (signed but unloadable, e.g. a class renamed: rebuild)
            return None
        return parts

    def write_parts(self, name: str, parts: Iterable[Any]) -> bool:
        """Store several values as one file, each pickled on its own: pickling remembers every
        object it has written, so one pickle of 20,000 records would hold them all twice."""
        stream = io.BytesIO()
        try:
            for part in parts:
                pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(part)
        except Exception:  # noqa: BLE001  (an unpicklable value is simply not cached)
            return False
        payload = stream.getbuffer()
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        path = self.directory / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.parent.is_symlink():  # only this tool creates folders in here
                return False
            _write_atomically(path, [_MAGIC, mac, payload])
            return True
        except OSError:
            return False

    def remove(self, name: str) -> None:
        with _quietly():
            (self.directory / name).unlink()

    def names(self, pattern: str) -> list[str]:
        try:
            return sorted(p.relative_to(self.directory).as_posix() for p in self.directory.glob(pattern))
        except OSError:
            return []


def _read_regular_file(path: Path) -> bytes:
    """A regular file's bytes, never through a symlink: a planted link to /dev/zero or to a
    huge file must not hang the check (its signature would fail anyway, after the read)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 24):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _mark_as_cache(top: Path) -> None:
    """``.gitignore`` (``*``) so users need not ignore the directory, and the standard
    CACHEDIR.TAG so backup tools skip it. Existing files are left alone."""
    for name, text in ((".gitignore", "# registry check 的缓存目录，可随时删除\n*\n"),
                       ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                        "# This file is a cache directory tag created by registry check.\n")):
        path = top / name
        if not path.exists():
            with _quietly():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)


def _forget_old_fingerprints(top: Path) -> None:
    """Keep the newest few tool builds' directories (two versions may share a checkout)."""
    with _quietly():
        builds = sorted((p for p in top.iterdir() if p.is_dir() and not p.is_symlink()),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in builds[_KEEP_FINGERPRINTS:]:
            _remove_tree(old)


def _remove_tree(directory: Path) -> None:
    """Delete a cache build directory, deepest entries first; links are removed, not followed."""
    for path in sorted(directory.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with _quietly():
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()
    with _quietly():
        directory.rmdir()


# ---- records ------------------------------------------------------------------------------

Loaded = Any  # what ``registry.loader.load_record`` returns: a record or a list of Unreadable
PACK = "records.pack"


class RecordCache:
    """Load results of record files, by content. Without a store it only delegates."""

    def __init__(self, store: Store | None) -> None:
        self.store = store

    def load(self, files: Sequence[SourceFile], load_many: Callable[[list[tuple[str, bytes]]], list[Loaded]]) -> list[Loaded]:
        """The load result of every file, in order: from the cache where the content is
        known, else from ``load_many`` (and then remembered)."""
        results: list[Loaded] = [[f.problem] if f.problem is not None else None for f in files]
        readable = [i for i, f in enumerate(files) if f.problem is None]
        if self.store is None:
            for i, result in zip(readable, load_many([(files[i].path, files[i].raw) for i in readable])):
                results[i] = result
            return results
        known = self._known()
        misses: list[int] = []
        for i in readable:
            f = files[i]
            found = known.entries.get(f.key)
            if isinstance(found, list):
                results[i] = [dataclasses.replace(u, path=f.path) for u in found]
            elif isinstance(found, tuple) and len(found) == 5:
                # a Deferred per file: two files with the same content still get two record
                # objects when loaded (Snapshot keys on object identity)
                results[i] = Deferred(f.key.split("/", 1)[0], *found)
            else:
                misses.append(i)
        if misses:
            for i, result in zip(misses, load_many([(files[i].path, files[i].raw) for i in misses])):
                results[i] = result
            self._remember(files, results, misses, known)
        return results

    def _known(self) -> _Known:
        assert self.store is not None
        known = _Known()
        for part in self.store.read_parts(PACK) or ():
            if isinstance(part, dict):
                known.entries.update(part)
                known.packed += len(part)
        for name in self.store.names("records-*.delta"):
            delta = self.store.read(name)
            known.deltas.append(name)
            if isinstance(delta, dict):
                known.in_deltas.update(delta)
        known.entries.update(known.in_deltas)
        return known

    def _remember(self, files: Sequence[SourceFile], results: list[Loaded], misses: list[int],
                  known: _Known) -> None:
        """A small delta with the new entries; or, when there is no pack yet or the deltas
        have piled up, a new pack holding exactly this run's files (dropping old content)."""
        assert self.store is not None
        new = _entries((files[i].key, results[i]) for i in misses)
        if known.packed and len(known.in_deltas) + len(new) <= max(_COMPACT_MIN, len(files) // 8):
            if len(known.deltas) < _MAX_DELTA_FILES:
                self.store.write(_delta_name(), new)
            elif self.store.write(_delta_name(), {**known.in_deltas, **new}):  # one file for many
                for name in known.deltas:
                    self.store.remove(name)
            return
        current = list(_entries((f.key, r) for f, r in zip(files, results) if f.problem is None).items())
        parts = (dict(current[i:i + _PACK_PART]) for i in range(0, len(current), _PACK_PART))
        if self.store.write_parts(PACK, parts):
            for name in known.deltas:  # merged into the pack (a delta written meanwhile stays)
                self.store.remove(name)


def _delta_name() -> str:
    return f"records-{os.getpid()}-{time.time_ns()}.delta"


@dataclasses.dataclass
class _Known:
    entries: dict[str, Loaded] = dataclasses.field(default_factory=dict)  # pack and deltas
    packed: int = 0  # entries in the pack
    in_deltas: dict[str, Loaded] = dataclasses.field(default_factory=dict)  # entries of delta files
    deltas: list[str] = dataclasses.field(default_factory=list)  # delta file names


def _entries(results: Iterable[tuple[str, Loaded]]) -> dict[str, Any]:
    """Pack entries of load results; a record that cannot be pickled is simply not cached."""
    out: dict[str, Any] = {}
    for key, result in results:
        with contextlib.suppress(Exception):
            out[key] = _portable(result)
    return out


def _portable(result: Loaded) -> Any:
    """Unreadable problems carry their path; the cache keys content, so store them path-free.
    A record becomes ``(id, unit, active, creates, pickle)``: plain values that load in no time, the
    pickle itself only when a run needs the record (see :class:`Deferred`)."""
    if isinstance(result, list):
        return [dataclasses.replace(u, path="") for u in result]
    if isinstance(result, Deferred):
        return result.id, result.unit, result.active, result.creates, result.data
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if isinstance(result, System):
        return result.id, result.unit, result.active, (), data
    return result.id, result.unit, False, tuple(result.systems.creates), data


# ---- whole runs ---------------------------------------------------------------------------

@dataclasses.dataclass
class RunEntry:
    report: Any  # registry.findings.Report
    documents: dict[str, str | None]  # document reference -> how it resolved during the run


def run_key(*, config: bytes, files: Iterable[SourceFile], today: str, base: str,
            targets: Sequence[str] | None) -> str:
    """Every input of a check run, hashed. ``base`` is the resolved base commit (or '')."""
    digest = hashlib.sha256(fingerprint().encode() + b"\0")
    digest.update(hashlib.sha256(config).digest())
    for f in files:
        digest.update(f"{f.path}\0{f.blob}\n".encode("utf-8", "surrogateescape"))
    digest.update(f"today={today}\0base={base}\0".encode())
    digest.update(("targets=" + "\0".join(sorted(targets)) if targets is not None else "targets=*")
                  .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class RunCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str, document_status: Callable[[str], str | None]) -> Any | None:
        """The stored report of ``key``, if every document reference still resolves as it did."""
        entry = self.store.read(f"runs/{key}.run")
        if not isinstance(entry, RunEntry):
            return None
        if any(document_status(ref) != status for ref, status in entry.documents.items()):
            return None
        return entry.report

    def put(self, key: str, report: Any, documents: dict[str, str | None]) -> None:
        if self.store.write(f"runs/{key}.run", RunEntry(report, documents)):
            self._prune()

    def _prune(self) -> None:
        runs = self.store.directory / "runs"
        with _quietly():
            entries = sorted(runs.glob("*.run"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[_KEEP_RUNS:]:
                with _quietly():
                    old.unlink()


class RecordingResolver:
    """Wraps a document resolver: memoises it and remembers every answer for the run cache."""

    def __init__(self, resolve: Callable[[str], str | None]) -> None:
        self._resolve = resolve
        self.seen: dict[str, str | None] = {}

    def __call__(self, ref: str) -> str | None:
        if ref not in self.seen:
            self.seen[ref] = self._resolve(ref)
        return self.seen[ref]
