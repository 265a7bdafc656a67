"""The check cache: never stale by construction, corrupt entries ignored.

Three kinds of entries live in ``<root>/.registry-cache/<fingerprint>/`` (the directory, its
signing and writing: :mod:`registry.cachestore`):

* the **stat index** (:mod:`registry.statindex`): each record file's ``lstat`` and blob id,
  so that an unchanged file is neither read nor hashed;
* **records** (:mod:`registry.recordcache`): each record file's load result, keyed by its
  folder and git blob id (the SHA-1 of its bytes, computed the way git does);
* **runs** (here): the whole report of a ``registry check``, keyed by every input: the blob id
  of every record file, the bytes of registry.yaml, the arguments, the date, the base commit.
  The document paths a run looked at are stored with it and looked at again before the
  report is reused, since attachments under docs/ are not records.

``REGISTRY_NO_CACHE=1`` (or ``registry check --no-cache``) turns all of this off.
"""
from __future__ import annotations

import hashlib
from operator import attrgetter
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from typing import Any, overload

from registry import plainclass
from registry.cachestore import CACHE_DIR as CACHE_DIR
from registry.cachestore import DISABLE_ENV as DISABLE_ENV
from registry.cachestore import Store as Store
from registry.cachestore import enabled as enabled
from registry.cachestore import fingerprint as fingerprint
from registry.findings import Unreadable

_KEEP_RUNS = 32


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a blob: equal ids mean equal content."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


@plainclass.dataclass(frozen=True)
class SourceFile:
    """A record file as read for one run: path relative to the root, bytes, blob id."""

    path: str
    raw: bytes | None  # None: not read, its blob id vouched for by the stat index
    blob: str
    # a file that could not be read as a record (a link, a FIFO, no permission …): its
    # finding, in place of a load result; ``blob`` then identifies the problem, not content
    problem: Unreadable | None = None

    @classmethod
    def of(cls, path: str, raw: bytes) -> SourceFile:
        return cls(path, raw, blob_id(raw))

    @classmethod
    def vouched(cls, path: str, blob: str) -> SourceFile:
        """A file the stat index vouches for (not read): built without the frozen dataclass's
        ``__init__`` (four ``object.__setattr__`` calls), since a scan makes 20,000 of them."""
        made = object.__new__(cls)
        fields = made.__dict__
        fields["path"], fields["raw"], fields["blob"], fields["problem"] = path, None, blob, None
        return made

    @classmethod
    def refused(cls, problem: Unreadable) -> SourceFile:
        text = f"{problem.rule}\0{problem.message.zh}".encode("utf-8", "surrogateescape")
        return cls(problem.path, None, "!" + hashlib.sha1(text).hexdigest(), problem)

    @property
    def key(self) -> str:
        """The folder decides the model (systems/ or projects/), so it is part of the key."""
        return f"{self.path.split('/', 1)[0]}/{self.blob}"


class SourceFiles(Sequence[SourceFile]):
    """Source files as two parallel lists, their paths and blob ids (read by the summary and
    the run key in C, see :func:`columns_of`); a :class:`SourceFile` is made only for a row
    asked for, unless ``made`` already holds it (a refused file, a file whose bytes were read)."""

    def __init__(self, paths: MutableSequence[str], blobs: MutableSequence[str],
                 made: dict[int, SourceFile] | None = None) -> None:
        self.paths, self.blobs = paths, blobs
        self._made = made if made is not None else {}

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[SourceFile]:
        return map(self.__getitem__, range(len(self.paths)))

    @overload
    def __getitem__(self, index: int) -> SourceFile: ...

    @overload
    def __getitem__(self, index: slice) -> list[SourceFile]: ...

    def __getitem__(self, index: int | slice) -> SourceFile | list[SourceFile]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self.paths))[index]]
        if index < 0:
            index += len(self.paths)
        made = self._made.get(index)
        if made is None:
            made = self._made[index] = SourceFile.vouched(self.paths[index], self.blobs[index])
        return made


def columns_of(files: Sequence[SourceFile]) -> tuple[MutableSequence[str], MutableSequence[str]]:
    """The paths and blob ids of ``files``, as columns (without a loop when they are kept so:
    lists, or packed columns read back from the summary, see :mod:`registry.packed`)."""
    if isinstance(files, SourceFiles):
        return files.paths, files.blobs
    return list(map(attrgetter("path"), files)), list(map(attrgetter("blob"), files))


@plainclass.dataclass
class RunEntry:
    report: Any  # registry.findings.Report
    documents: dict[str, str | None]  # document reference -> how it resolved during the run


def run_key(*, config: bytes, files: Sequence[SourceFile], today: str, base: str,
            targets: Sequence[str] | None, listing: bytes | None = None) -> str:
    """Every input of a check run, hashed. ``base`` is the resolved base commit (or '');
    ``listing``: what fixes every file's path and blob id, in place of them (``--staged``)."""
    digest = hashlib.sha256(fingerprint().encode() + b"\0")
    digest.update(hashlib.sha256(config).digest())
    if listing is not None:
        digest.update(b"listing\0" + hashlib.sha256(listing).digest())
    else:
        paths, blobs = columns_of(files)  # one line per file, joined in C (20,000 files on every warm run)
        digest.update("\n".join(map("\0".join, zip(paths, blobs))).encode("utf-8", "surrogateescape") + b"\n")
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
        try:
            entries = sorted(runs.glob("*.run"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in entries[_KEEP_RUNS:]:
            self.store.remove(f"runs/{old.name}")


class RecordingResolver:
    """Wraps a document resolver: memoises it and remembers every answer for the run cache."""

    def __init__(self, resolve: Callable[[str], str | None]) -> None:
        self._resolve = resolve
        self.seen: dict[str, str | None] = {}

    def __call__(self, ref: str) -> str | None:
        if ref not in self.seen:
            self.seen[ref] = self._resolve(ref)
        return self.seen[ref]
