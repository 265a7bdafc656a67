"""Which files of the working tree are records, and what is wrong with every other file
where records or attachments live.

The registry reads **regular files only**, at ``systems/<unit>/<id>.yaml`` and
``projects/<unit>/<id>.yaml``. Everything else under ``systems/`` and ``projects/`` (a ``.yml``
or ``.YAML`` file, a nested folder, a file beside the unit folders), any YAML file in a
look-alike top-level folder (``systems2/``, ``Projects/``), and any symlink, FIFO, socket or
device under ``systems/``, ``projects/`` or ``docs/`` is a finding naming the path — never
skipped in silence (a record nobody counts escapes "只减不增"), never followed (a link can make
one record show another's bytes, or read a file outside the repository) and never opened (a
FIFO blocks the reader forever).

Files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` after opening, so a
file swapped for a link or a FIFO between the directory scan and the read is refused too.
"""
from __future__ import annotations

import dataclasses
import errno
import os
import stat
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

from registry.errors import CONFIG_FILE, ConfigError
from registry.findings import Message, Unreadable

MAX_CONFIG_BYTES = 16 << 20  # thousands of units fit in a few hundred kilobytes
RECORD_DIRS = ("systems", "projects")
ATTACHMENT_DIRS = ("docs",)
RECORD_SUFFIX = ".yaml"
YAML_SUFFIXES = (".yaml", ".yml")
# Top-level folders whose name starts like a record folder (systems2/, Projects/, system/):
# YAML files in them look like records to whoever wrote them, so they are reported.
LOOKALIKE_PREFIXES = ("system", "project")
# Records are a few kilobytes; a file this large is a mistake or an attack on the parser.
MAX_RECORD_BYTES = 1 << 20

SYNTAX = "REG001"  # the file cannot be read as a record
LOCATION = "REG003"  # the file is not where (or not what) a record must be

_O_SAFE = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


Stat = tuple[int, int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device, mode
# a folder outside systems/ and projects/ as listed: its lstat, its sub-folders (path, stray),
# its regular files, the problems of its entries
Listing = tuple[Stat, list[tuple[str, bool]], list[str], list[Unreadable]]


@dataclasses.dataclass
class TreeScan:
    """The record files of a working tree (sorted posix paths) and the problems of the rest;
    ``stats`` holds each record file's ``lstat`` from the scan (for the stat index)."""

    records: list[str]
    problems: list[Unreadable]
    stats: dict[str, os.stat_result] = dataclasses.field(default_factory=dict)
    # regular files under docs/ reached without a link: documents that resolve (no lstat needed)
    attachments: set[str] = dataclasses.field(default_factory=set)
    listings: dict[str, Listing] = dataclasses.field(default_factory=dict)  # see scan_tree


class UnreadableFile(Exception):
    """A file that cannot be read as a record; ``problem`` says why, naming the path."""

    def __init__(self, problem: Unreadable) -> None:
        super().__init__(problem.message.zh)
        self.problem = problem


def shown(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 and control characters escaped."""
    raw = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if unicodedata.category(c)[0] != "C" else repr(c)[1:-1] for c in raw)


def stat_key(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode


def scan_tree(root: Path, listings: Mapping[str, Listing] | None = None,
              trusted: Callable[[os.stat_result], bool] | None = None) -> TreeScan:
    """One ``scandir`` per folder of ``systems/``, ``projects/``, ``docs/`` and the look-alikes.

    ``listings``: what earlier scans found in the folders outside systems/ and projects/ (where
    only names and kinds of entries matter, not contents), by the folder's ``lstat``: a folder
    whose ``lstat`` is unchanged (and that ``trusted`` accepts: not racily clean) has the same
    entries — adding, removing, renaming or replacing an entry changes the folder's times — so
    it is not listed again. ``TreeScan.listings`` holds this scan's, for the next one."""
    found = TreeScan([], [])
    for folder in RECORD_DIRS:
        _walk(root, folder, found, records=True)
    for folder in ATTACHMENT_DIRS:
        _walk(root, folder, found, records=False, listings=listings, trusted=trusted)
    for name in _lookalike_folders(root):
        _walk(root, name, found, records=False, stray=True, listings=listings, trusted=trusted)
    found.records.sort()
    found.problems.sort(key=lambda p: p.path)
    return found


def _lookalike_folders(root: Path) -> list[str]:
    try:
        with os.scandir(root) as entries:
            names = [e.name for e in entries if e.is_dir(follow_symlinks=False) or e.is_symlink()]
    except OSError:
        return []  # the root itself is checked through registry.yaml
    return sorted(
        n for n in names
        if n not in RECORD_DIRS and n.casefold().startswith(LOOKALIKE_PREFIXES)
    )


def _walk(root: Path, top: str, found: TreeScan, *, records: bool, stray: bool = False,
          listings: Mapping[str, Listing] | None = None, trusted: Callable[[os.stat_result], bool] | None = None) -> None:
    """Depth-first over ``top`` with an explicit stack (no recursion, links never followed).
    Inside a hidden folder (``.git`` of a nested clone, an editor's ``.history``) only YAML
    files and special files are reported, not every file such a folder holds."""
    pending = [(top, stray)]
    while pending:
        relative, stray = pending.pop()
        directory = os.path.join(root, relative)
        try:
            if relative == top and not os.path.lexists(directory):  # no such folder: nothing to report
                continue
            info = os.lstat(directory) if relative == top or not records else None
            if info is not None and not stat.S_ISDIR(info.st_mode):
                found.problems.append(_not_regular(relative, info.st_mode, records))
                continue
            if info is not None and not records and _reuse(relative, info, found, pending, listings, trusted):
                continue
            with os.scandir(directory) as scanner:
                entries = list(scanner)  # the order does not matter: the results are sorted
        except OSError as exc:
            found.problems.append(os_problem(relative, exc, folder=True))
            continue
        if records and not stray and relative.count("/") == 1:
            _visit_unit(relative, entries, found, pending)
            continue
        if records or info is None:
            for entry in entries:
                _visit(relative, entry, found, pending, records=records, stray=stray)
            continue
        here, below = TreeScan([], []), list[tuple[str, bool]]()  # this folder's own listing, kept for the next scan
        for entry in entries:
            _visit(relative, entry, here, below, records=False, stray=stray)
        found.listings[relative] = (stat_key(info), below, sorted(here.attachments), here.problems)
        pending.extend(below)
        found.attachments.update(here.attachments)
        found.problems.extend(here.problems)


def _reuse(relative: str, info: os.stat_result, found: TreeScan, pending: list[tuple[str, bool]],
           listings: Mapping[str, Listing] | None, trusted: Callable[[os.stat_result], bool] | None) -> bool:
    """Take a folder's entries from an earlier listing if its ``lstat`` vouches for them."""
    known = listings.get(relative) if listings is not None else None
    if known is None or known[0] != stat_key(info) or trusted is None or not trusted(info):
        return False
    found.listings[relative] = known
    pending.extend(known[1])
    found.attachments.update(known[2])
    found.problems.extend(known[3])
    return True


def _visit(relative: str, entry: os.DirEntry[str], found: TreeScan, pending: list[tuple[str, bool]], *,
           records: bool, stray: bool) -> None:
    """One directory entry. The entry's type comes from the directory itself (``d_type``, no
    system call); only record files are ``lstat``-ed, for the stat index."""
    path = f"{relative}/{entry.name}"
    if not _printable(entry.name):
        found.problems.append(_bad_name(path))
        return
    try:
        if entry.is_dir(follow_symlinks=False):
            pending.append((path, stray or (records and entry.name.startswith("."))))
        elif not entry.is_file(follow_symlinks=False):
            found.problems.append(_not_regular(path, entry.stat(follow_symlinks=False).st_mode, records or stray))
        elif stray:
            if entry.name.casefold().endswith(YAML_SUFFIXES):
                found.problems.append(_not_a_record(path))
        elif not records:
            found.attachments.add(path)
        elif relative.count("/") == 1 and _record_name(entry.name):  # is_record_path, knowing the folder
            found.stats[path] = entry.stat(follow_symlinks=False)
            found.records.append(path)
        elif not (entry.name.startswith(".") and not entry.name.casefold().endswith(YAML_SUFFIXES)):
            found.problems.append(_not_a_record(path))  # hidden non-YAML files (.gitkeep) are fine
    except OSError as exc:
        found.problems.append(os_problem(path, exc))


def _visit_unit(relative: str, entries: list[os.DirEntry[str]], found: TreeScan, pending: list[tuple[str, bool]]) -> None:
    """The entries of a unit's folder (``systems/<unit>/``): :func:`_visit`, with its usual case
    — a record file — taken first in one loop (20,000 entries on every run); any other entry,
    or an error, goes through :func:`_visit`, which names its problem."""
    stats, records, suffix = found.stats, found.records, len(RECORD_SUFFIX)
    for entry in entries:
        name = entry.name
        try:
            if name.endswith(RECORD_SUFFIX) and len(name) > suffix and name[0] != "." and name.isprintable() \
                    and entry.is_file(follow_symlinks=False):
                path = f"{relative}/{name}"
                stats[path] = entry.stat(follow_symlinks=False)
                records.append(path)
                continue
        except OSError:
            pass
        _visit(relative, entry, found, pending, records=True, stray=False)


def is_record_path(path: str) -> bool:
    """``systems/<unit>/<id>.yaml`` or ``projects/<unit>/<id>.yaml``: exactly that shape."""
    parts = path.split("/")
    return (
        len(parts) == 3 and parts[0] in RECORD_DIRS and bool(parts[1]) and not parts[1].startswith(".")
        and parts[2].endswith(RECORD_SUFFIX) and len(parts[2]) > len(RECORD_SUFFIX)
        and not parts[2].startswith(".")
    )


def _record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIX) and len(name) > len(RECORD_SUFFIX) and not name.startswith(".")


def _printable(name: str) -> bool:
    """A name that is valid UTF-8 (no surrogate escapes) without control characters."""
    if name.isprintable():  # the usual name, at C speed: no character of category C at all
        return True
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)


def read_regular(root: Path, path: str, *, limit: int | None = MAX_RECORD_BYTES) -> bytes:
    """The bytes of the regular file ``root/path``; :class:`UnreadableFile` for anything else
    (a link, a FIFO, a device, no permission, larger than ``limit``), never blocking, never
    following a link."""
    return read_regular_stat(root, path, limit=limit)[0]


def read_regular_stat(root: Path | str, path: str, *, limit: int | None = MAX_RECORD_BYTES) -> tuple[bytes, os.stat_result]:
    """:func:`read_regular`, with the ``fstat`` of the file read: the stat index records it,
    taken from the open file so that it describes the bytes read (not a file swapped in after)."""
    try:
        fd = os.open(os.path.join(root, path), _O_SAFE)
    except OSError as exc:
        raise UnreadableFile(os_problem(path, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(_not_regular(path, info.st_mode, True))
        if limit is not None and info.st_size > limit:
            raise UnreadableFile(_too_large(path, info.st_size, limit))
        want = max(info.st_size + 1, 1 << 16)
        first = os.read(fd, want)
        if 0 < len(first) == info.st_size:  # all of it, and the byte more asked for was not there
            return first, info  # (the usual file: one read, no second one to see the end)
        chunks = []
        size = 0
        chunk = first
        while chunk:
            size += len(chunk)
            if limit is not None and size > limit:  # grew while being read
                raise UnreadableFile(_too_large(path, size, limit))
            chunks.append(chunk)
            chunk = os.read(fd, want)
        return b"".join(chunks), info
    except OSError as exc:
        raise UnreadableFile(os_problem(path, exc)) from None
    finally:
        os.close(fd)


def read_config(root: Path) -> bytes:
    """The bytes of registry.yaml: a regular file (never a link, a FIFO or a device)."""
    if not os.path.lexists(root / CONFIG_FILE):
        raise ConfigError(Message(
            f"找不到或无法读取 {CONFIG_FILE}（文件不存在）：请在登记簿根目录运行，或用 --root 指定",
            f"cannot find {CONFIG_FILE}: run in the registry root or pass --root",
        ))
    try:
        return read_regular(root, CONFIG_FILE, limit=MAX_CONFIG_BYTES)
    except UnreadableFile as exc:
        raise ConfigError(exc.problem.message) from None


# -- messages ---------------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISLNK, "符号链接", "a symbolic link"),
    (stat.S_ISFIFO, "命名管道（FIFO）", "a FIFO"),
    (stat.S_ISSOCK, "套接字", "a socket"),
    (stat.S_ISCHR, "字符设备", "a character device"),
    (stat.S_ISBLK, "块设备", "a block device"),
)


def _kind(mode: int) -> tuple[str, str]:
    return next(((zh, en) for test, zh, en in _KINDS if test(mode)), ("特殊文件", "a special file"))


def _problem(path: str, rule: str, zh: str, en: str) -> Unreadable:
    return Unreadable(shown(path), rule, 1, 1, "", Message(zh, en))


def _not_regular(path: str, mode: int, record_area: bool) -> Unreadable:
    zh, en = _kind(mode)
    if stat.S_ISDIR(mode):
        zh, en = "目录", "a folder"
    where = "记录和附件" if record_area else "附件"
    return _problem(
        path, LOCATION,
        f"{shown(path)} 是{zh}，不是普通文件：登记簿的{where}只能是普通文件，不会跟随链接或读取特殊文件；"
        f"请用文件本身替换它，或删除",
        f"{shown(path)} is {en}, not a regular file: the registry reads regular files only and never "
        f"follows links; replace it with the file itself or remove it",
    )


def _not_a_record(path: str) -> Unreadable:
    folder = "projects" if path.casefold().startswith("project") else "systems"
    stem = os.path.splitext(path.rsplit("/", 1)[-1])[0] or "<编号>"
    target = f"{folder}/<单位代码>/{stem}.yaml"
    return _problem(
        path, LOCATION,
        f"不是记录文件：{shown(path)} 不在 {folder}/<单位代码>/<编号>.yaml 位置（扩展名须为小写 .yaml，"
        f"不能有子目录），不会被读取和计数；请移到 {target} 或删除",
        f"not a record file: {shown(path)} is not at {folder}/<unit>/<id>.yaml (lower-case .yaml, no "
        f"sub-folders), so it is neither read nor counted; move it to {folder}/<unit>/{stem}.yaml or remove it",
    )


def _bad_name(path: str) -> Unreadable:
    return _problem(
        path, LOCATION,
        f"文件名 {shown(path)} 不是有效的 UTF-8 文本或含控制字符：请改用由字母、数字、连字符组成的文件名",
        f"file name {shown(path)} is not valid UTF-8 or holds control characters: rename it "
        f"(letters, digits and hyphens)",
    )


def _too_large(path: str, size: int, limit: int) -> Unreadable:
    return _problem(
        path, SYNTAX,
        f"{shown(path)} 有 {size} 字节，超过记录文件的上限 {limit} 字节：一条记录只有几 KB，请检查文件内容",
        f"{shown(path)} has {size} bytes, over the {limit}-byte limit for a record: check its content",
    )


_HINTS = {
    errno.EACCES: ("权限不足，请检查文件权限（例如 chmod 644，目录 chmod 755）", "permission denied: check its permissions"),
    errno.EPERM: ("权限不足，请检查文件权限（例如 chmod 644，目录 chmod 755）", "permission denied: check its permissions"),
    errno.ELOOP: ("是符号链接或链接循环，登记簿不跟随链接：请用文件本身替换它", "a symbolic link or link loop: replace it with the file itself"),
    errno.ENAMETOOLONG: ("路径过长：请缩短文件名或目录名", "the path is too long: shorten the names"),
    errno.ENOENT: ("文件不存在（可能在读取时被删除）：请重新运行", "the file does not exist (removed while reading?): run again"),
    errno.EISDIR: ("是目录，不是文件", "a folder, not a file"),
    errno.EIO: ("磁盘读取错误：请检查磁盘或重新检出仓库", "an I/O error: check the disk or check the repository out again"),
}


def os_problem(path: str, exc: OSError, *, folder: bool = False) -> Unreadable:
    """A REG001 problem for a file or folder the operating system refused to read."""
    zh, en = _HINTS.get(exc.errno or 0, (f"{exc.strerror or exc}", f"{exc.strerror or exc}"))
    what, what_en = ("目录", "folder") if folder else ("文件", "file")
    return _problem(
        path, SYNTAX,
        f"无法读取{what} {shown(path)}：{zh}",
        f"cannot read {what_en} {shown(path)}: {en}",
    )
