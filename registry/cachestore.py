"""The cache directory: where it lives, how its files are signed and written.

Everything cached lives in ``<root>/.registry-cache/<fingerprint>/``. The fingerprint names the
tool's own source code and the versions of the libraries that shape results, so any code
change starts a fresh directory. Entries are pickles, so each file is signed (HMAC-SHA256)
with a key kept outside the repository (``~/.cache/registry/cache.key``): a cache committed
into a pull request, or damaged on disk, fails the signature and is ignored, never unpickled.
Files are written to a temporary name and renamed, so parallel runs (pre-commit, an editor,
CI) never see a half-written file. ``REGISTRY_NO_CACHE=1`` turns caching off.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from registry.cachekey import FORMAT as FORMAT
from registry.cachekey import fingerprint as fingerprint
from registry.cachekey import quietly as _quietly
from registry.cachekey import signing_key as _signing_key
from registry.cachekey import temporary as _temporary
from registry.cachekey import write_atomically as _write_atomically
from registry.layout import UnreadableFile, read_regular

CACHE_DIR = ".registry-cache"
DISABLE_ENV = "REGISTRY_NO_CACHE"
_MAGIC = b"registry-cache\x00\x01"
_DIGEST = hashlib.sha256().digest_size
# Tool builds' directories kept beside the one in use: the newest few always, others used within
# the last days up to a bound (several checkouts of the tool used on one registry each keep theirs:
# a build's directory holds tens of MB at 20,000 records, rebuilding it costs a cold run, ~10 s).
_KEEP_FINGERPRINTS = 3
_KEEP_RECENT = 8
_RECENT_SECONDS = 7 * 24 * 3600
_USED_SECONDS = 24 * 3600  # a directory in use is marked as used at most this often
_TEMPORARY = (".tmp-", ".clock-")  # (the names cachekey.temporary gives: one of these, 16 hex digits)
_STALE_SECONDS = 3600  # a temporary file untouched this long: its writer was killed


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() in ("", "0")


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
            else:
                _mark_as_used(directory)
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
            data = read_regular(self.directory, name, limit=None)
        except UnreadableFile:
            return None
        header = len(_MAGIC) + _DIGEST
        if len(data) < header or not data.startswith(_MAGIC):
            return None
        payload = memoryview(data)[header:]
        if not hmac.compare_digest(self._signature(name, payload), data[len(_MAGIC):header]):
            return None
        stream = io.BytesIO(data)  # (of the bytes themselves: shared, not copied as a view would be)
        stream.seek(header)
        parts = []
        try:
            while stream.tell() < len(data):
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
        mac = self._signature(name, payload)
        path = self.directory / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.parent.is_symlink():  # only this tool creates folders in here
                return False
            _write_atomically(path, [_MAGIC, mac, payload])
            return True
        except OSError:
            return False

    def _signature(self, name: str, payload: bytes | memoryview) -> bytes:
        """The HMAC of an entry: of its name as well as its content, since most entries are
        named by a hash of their inputs (``runs/<key>.run``): a genuine entry copied over
        another name must not answer for that name's inputs."""
        mac = hmac.new(self._key, name.encode("utf-8", "surrogateescape") + b"\0", hashlib.sha256)
        mac.update(payload)
        return mac.digest()

    def write_raw(self, name: str, chunks: Iterable[bytes]) -> bool:
        """Write unsigned bytes (streamed, never all in memory), for data whose digests a signed
        entry holds (see :mod:`registry.recordcache`); False on failure."""
        try:
            _write_atomically(self.directory / name, chunks)
            return True
        except OSError:
            return False

    def append_raw(self, name: str, data: bytes) -> int | None:
        """Append ``data`` to an existing regular file of the store in one ``write`` (parallel
        appenders never interleave); the offset where it starts, or None on failure."""
        try:
            fd = os.open(self.directory / name, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode) or os.write(fd, data) != len(data):
                return None
            return os.lseek(fd, 0, os.SEEK_CUR) - len(data)
        except OSError:
            return None
        finally:
            os.close(fd)

    def open_raw(self, name: str) -> int | None:
        """A read-only descriptor of a regular file of the store (never through a link)."""
        try:
            fd = os.open(self.directory / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return fd
        except OSError:
            pass
        os.close(fd)
        return None

    def remove(self, name: str) -> None:
        with _quietly():
            (self.directory / name).unlink()

    def clock_ns(self) -> int | None:
        """The file system's clock now, in nanoseconds: the modification time a file written
        now gets (its granularity and its skew, e.g. on a network drive). None if unusable."""
        with _quietly():
            fd, tmp = _temporary(self.directory, ".clock-")
            try:
                return os.fstat(fd).st_mtime_ns
            finally:
                os.close(fd)
                os.unlink(tmp)
        return None

    def sweep(self) -> None:
        """Remove the temporary files a killed run left (:func:`registry.cachekey.temporary`):
        only files of that name, regular, ours, and untouched for an hour — a run writing one
        writes it within seconds, and one stalled that long cannot rename it any more than it
        could before (the rename fails, nothing is lost but that entry)."""
        now = time.time()
        for folder in (self.directory, self.directory / "runs"):
            with _quietly(), os.scandir(folder) as entries:
                for entry in entries:
                    if not _temporary_name(entry.name) or not entry.is_file(follow_symlinks=False):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if now - info.st_mtime > _STALE_SECONDS and info.st_uid == getattr(os, "getuid", lambda: info.st_uid)():
                        with _quietly():
                            os.unlink(entry.path)

    def names(self, pattern: str) -> list[str]:
        try:
            return sorted(p.relative_to(self.directory).as_posix() for p in self.directory.glob(pattern))
        except OSError:
            return []


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
    """Keep the newest few tool builds' directories, and others used lately up to a bound
    (see :data:`_KEEP_RECENT`): several versions of the tool may share a checkout."""
    with _quietly():
        builds = sorted(((p.stat().st_mtime, p) for p in top.iterdir() if p.is_dir() and not p.is_symlink()),
                        reverse=True)
        recent = time.time() - _RECENT_SECONDS
        for rank, (used, old) in enumerate(builds):
            if rank >= _KEEP_RECENT or (rank >= _KEEP_FINGERPRINTS and used < recent):
                _remove_tree(old)


def _temporary_name(name: str) -> bool:
    prefix = next((p for p in _TEMPORARY if name.startswith(p)), None)
    rest = name[len(prefix):] if prefix is not None else ""
    return len(rest) == 16 and all(c in "0123456789abcdef" for c in rest)


def _mark_as_used(directory: Path) -> None:
    """The directory's time made now when it was last marked a while ago (a run that reuses
    its report writes nothing in it): builds in use are the ones kept."""
    with _quietly():
        if time.time() - directory.stat().st_mtime > _USED_SECONDS:
            os.utime(directory)


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


class StaleCache(Exception):
    """A run cannot go on with what it read: a cache entry failed its check while the run was
    using it (a data file damaged or removed after the index was read: ``damaged``, the entry
    is dropped), or a record file changed between the scan and its parsing. Either way the run
    starts again without the record cache."""

    def __init__(self, what: str, *, damaged: bool = False) -> None:
        super().__init__(what)
        self.damaged = damaged

    def __reduce__(self) -> tuple[object, ...]:  # raised in a loader worker, re-raised here
        return _stale, (str(self), self.damaged)


def _stale(what: str, damaged: bool) -> StaleCache:
    return StaleCache(what, damaged=damaged)
