"""What names and signs the cache: the tool's fingerprint (the cache directory's name: any
change to the tool's code or to a library that shapes results starts a fresh directory) and
the per-user key that signs every cache file, kept outside any repository; and how cache
files are written (atomically, without importing ``tempfile``)."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import registry
from registry.pluginsources import listing as _listing
from registry.pluginsources import plug_in_profiles

FORMAT = 4  # bump when the layout of entries changes (4: the signature covers the entry's name)
KEY_BYTES = 32
# Libraries whose version can change what a record loads to or what a rule says.
_DISTRIBUTIONS = ("pydantic", "pydantic-core", "ruamel.yaml", "ruamel.yaml.clib", "chinesecalendar")


@functools.cache
def fingerprint() -> str:
    """Hash of everything besides the input files that decides a result: this package's
    source files, the versions of the libraries it builds on, and the Python version.

    Hashing some 200 source files costs more than the rest of an unchanged run's setup, so the
    result is remembered (signed, beside the signing key) under the files' names and ``lstat``
    values; a file written within the current second is not trusted to keep its times, so no
    fingerprint is remembered then (the stat index's racily-clean rule). Each installation of
    the tool (its source folders) remembers its own few: checkouts used in turn, or a
    commit hook's environment beside a working copy, never push each other's out."""
    head = f"{FORMAT}\0{registry.__version__}\0{sys.version}\0"
    head += "".join(f"{name}={installed_version(name)}\0" for name in _DISTRIBUTIONS)
    # A plug-in rule profile decides results as much as the built-in ones, and a reused report
    # imports no rule that could notice it changed: its declaration and its code count too.
    places = [(b"", os.path.dirname(registry.__file__))]
    for declaration, found in plug_in_profiles():
        places += [(declaration, place) for place in found] or [(declaration, "")]
    sources = [(declaration, place, _source_files(place) if os.path.isdir(place) else
                [(os.path.basename(place), place, None)] if place else []) for declaration, place in places]
    state = hashlib.sha256(head.encode())
    newest = 0
    for declaration, place, files in sources:
        state.update(declaration + b"\0" + place.encode("utf-8", "surrogateescape") + b"\0")
        for relative, path, listed in files:
            try:
                info = listed or os.stat(path)
            except OSError:
                state.update(b"-\0")
                continue
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            state.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0"
                         f"{info.st_dev}\n".encode("utf-8", "surrogateescape"))
    kept_in = _FINGERPRINTS + "-" + hashlib.sha256(repr(places).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    remembered = _remembered_fingerprints(kept_in)
    known = remembered.get(state.hexdigest())
    if known is not None:
        return known
    digest = hashlib.sha256(head.encode())
    for declaration, _place, files in sources:
        digest.update(declaration + b"\0" if declaration else b"")
        for relative, path, _listed in files:
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
            with contextlib.suppress(OSError), open(path, "rb") as source:
                digest.update(hashlib.sha256(source.read()).digest())
    result = digest.hexdigest()
    if newest // 1_000_000_000 < time.time_ns() // 1_000_000_000:
        _remember_fingerprint(kept_in, remembered, state.hexdigest(), result)
    return result


# beside the signing key, one file per installation (its source folders' names hashed): source
# files' state -> fingerprint, signed
_FINGERPRINTS = "fingerprints"
_KEEP_REMEMBERED = 8


def _remembered_fingerprints(name: str) -> dict[str, str]:
    key, path = signing_key(), user_cache() / name
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    mac, _, text = data.partition(b"\n")
    if key is None or not hmac.compare_digest(mac, _signature(key, name, text)):
        return {}
    pairs = [line.split(" ") for line in text.decode("ascii", "replace").splitlines()]
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def _remember_fingerprint(name: str, remembered: dict[str, str], state: str, result: str) -> None:
    key = signing_key()
    if key is None:
        return
    kept = [*list(remembered.items())[-(_KEEP_REMEMBERED - 1):], (state, result)]
    text = "".join(f"{s} {r}\n" for s, r in kept).encode("ascii")
    with quietly():
        write_atomically(user_cache() / name, _signature(key, name, text) + b"\n" + text, mode=0o600)


def _signature(key: bytes, name: str, text: bytes) -> bytes:
    return hmac.new(key, name.encode("ascii") + b"\0" + text, hashlib.sha256).hexdigest().encode()


def _source_files(package: str) -> list[tuple[str, str, os.stat_result | None]]:
    """(path relative to ``package`` with ``/``, full path, ``os.stat`` of it) of every file of
    the package but bytecode, sorted. Walked with ``os.scandir`` (every run computes the
    fingerprint: pathlib's objects cost more than reading the 200 files), each file stat'ed
    once — links followed, as ``os.path.isfile`` and ``os.stat`` do; a folder reached through a
    link is not walked, as ``os.walk`` does not; None where the stat failed meanwhile."""
    found: list[tuple[str, str, os.stat_result | None]] = []
    pending = [(package, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            relative = prefix + entry.name
            try:
                if entry.is_dir():
                    if entry.name != "__pycache__" and not entry.is_symlink():
                        pending.append((entry.path, relative + "/"))
                elif entry.is_file() and not entry.name.endswith(".pyc"):
                    found.append((relative, entry.path, _stat_of(entry)))
            except OSError:
                continue
    return sorted(found, key=lambda file: file[0])


def _stat_of(entry: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return entry.stat()
    except OSError:
        return None


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution``: from the name of its ``<name>-<version>.dist-info``
    folder, found the way ``importlib.metadata`` finds it (the first on ``sys.path``), without
    importing ``importlib.metadata`` (which costs more than the rest of an unchanged run's setup);
    through it only for another kind of installation."""
    wanted = _normalised(distribution)
    for folder in sys.path:
        found = _versions_in(folder or ".").get(wanted)
        if found is not None:
            return found
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


@functools.cache
def _versions_in(folder: str) -> dict[str, str]:
    """The first version of each distribution in ``folder`` (as listed once per run), by its
    normalised name: a fingerprint asks about five distributions, each in every folder."""
    versions: dict[str, str] = {}
    for name in _listing(folder):
        project, _, version = name.removesuffix(".dist-info").partition("-")
        if name.endswith(".dist-info") and version:
            versions.setdefault(_normalised(project), version)
    return versions


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def user_cache() -> Path:
    """``~/.cache/registry`` (or under XDG_CACHE_HOME): the signing key, outside any repository."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "registry"


def signing_key() -> bytes | None:
    """The per-user secret that signs cache files; created on first use. None if unusable."""
    path = user_cache() / "cache.key"
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = os.urandom(KEY_BYTES)
        write_atomically(path, fresh, mode=0o600)
        return path.read_bytes() if path.stat().st_size == KEY_BYTES else None  # another run may have won
    except OSError:
        return None


def write_atomically(path: Path, data: bytes | Iterable[bytes | memoryview], *, mode: int = 0o644) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    fd, tmp = temporary(path.parent, ".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in [data] if isinstance(data, bytes) else data:
                out.write(piece)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with quietly():
            os.unlink(tmp)
        raise


def temporary(directory: Path | str, prefix: str) -> tuple[int, str]:
    """A new file only this process opened: ``tempfile.mkstemp`` without importing tempfile
    (and with it shutil, random, bz2, lzma: milliseconds a warm run need not spend)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        path = os.path.join(directory, prefix + os.urandom(8).hex())
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


def quietly() -> contextlib.suppress:
    """``with quietly(): …`` ignores OSError: the cache is an optimisation, never an error."""
    return contextlib.suppress(OSError)
