"""git through its own command line: one process per question, and ONE ``git cat-file --batch``
per batch of blobs (not one round trip each).

gitpython costs a tenth of a second to import and reads blobs one round trip at a time; the
history commands (``inventory --history``, ``audit``, ``diff``) only need a handful of git
processes and one stream of blobs, so they talk to git directly. Failures raise
:class:`GitFailed` with git's own message; :mod:`registry.gitio` turns them into configuration
errors with a hint.

:func:`spawn` starts a git process with ``os.posix_spawnp`` and pipes: the commit hook's path
(:mod:`registry.staged`) asks git two questions and needs neither ``subprocess`` nor the
``threading``, ``signal`` and ``selectors`` modules behind it (imported here only by the
functions that use them).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

from registry import plainclass
from registry.findings import Message
from registry.errors import ConfigError

_MISSING = b" missing"


class GitFailed(ConfigError):
    """A git command exited non-zero (or could not be started). Callers that know what went
    wrong say it better; one that reaches the command line is still exit 2 with git's own
    words (a damaged or partial repository, a missing object), never an internal error."""

    def __init__(self, args: Iterable[str], status: int, stderr: bytes | str) -> None:
        self.command = list(args)
        self.status = status
        self.stderr = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
        shown = f"git {' '.join(self.command)[:200]}"
        detail = self.stderr.strip()[:500]
        super().__init__(Message(
            f"{shown} 失败（退出码 {status}）：{detail}。仓库可能缺少对象或已损坏：请运行 git fsck 检查；浅克隆请先 git fetch --unshallow",
            f"{shown} failed (exit {status}): {detail}. The repository may lack objects or be damaged: run git fsck; "
            "in a shallow clone, git fetch --unshallow first",
        ), path="git")

    def __str__(self) -> str:
        return self.message.en


@plainclass.dataclass(frozen=True)
class Blob:
    """One answer of ``cat-file --batch``: the object's id, type and content (None when the
    object is missing, or the name names nothing)."""

    name: str  # what was asked for (an object id, or ``<commit>:<path>``)
    oid: str
    kind: str  # blob | tree | commit | tag | missing
    data: bytes | None


class Repo:
    """A repository found by git itself (``git rev-parse``), driven by plain git processes."""

    def __init__(self, work_tree: Path | None, git_dir: Path) -> None:
        self.working_tree_dir: str | None = str(work_tree) if work_tree is not None else None
        self.git_dir = str(git_dir)
        self._env: dict[str, str] = {}
        self._reader: subprocess.Popen[bytes] | None = None  # a long-lived cat-file for one-off reads

    @classmethod
    def discover(cls, start: Path) -> Repo | None:
        """The repository holding ``start`` (searching parent folders), or None."""
        if not start.exists():
            return None
        where = start if start.is_dir() else start.parent
        try:  # the usual case in one process: a work tree (else git fails, and each is asked apart)
            both = _run(where, ["rev-parse", "--absolute-git-dir", "--show-toplevel"], {}).decode("utf-8", "surrogateescape")
            lines = both.split("\n")
            if len(lines) == 3 and not lines[2] and lines[0] and lines[1]:
                return cls(Path(lines[1]), Path(lines[0]))
        except GitFailed:
            pass
        try:
            git_dir = _run(where, ["rev-parse", "--absolute-git-dir"], {}).decode("utf-8", "surrogateescape").strip()
        except GitFailed:
            return None
        try:
            top = _run(where, ["rev-parse", "--show-toplevel"], {}).decode("utf-8", "surrogateescape").strip()
        except GitFailed:
            top = ""  # a bare repository, or inside .git
        return cls(Path(top) if top else None, Path(git_dir))

    @property
    def cwd(self) -> str:
        return self.working_tree_dir or self.git_dir

    def update_environment(self, **values: str) -> None:
        """Extra environment for every later git process (e.g. ``GIT_NO_REPLACE_OBJECTS``)."""
        self._env.update(values)

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        """Standard output of ``git ARGS``; :class:`GitFailed` on a non-zero exit."""
        return _run(self.cwd, list(args), self._env, input)

    def text(self, *args: str) -> str:
        """:meth:`git`, decoded (undecodable bytes kept as surrogate escapes), stripped."""
        return self.git(*args).decode("utf-8", "surrogateescape").strip()

    def status(self, *args: str) -> tuple[int, bytes, bytes]:
        """(exit status, stdout, stderr) of ``git ARGS``, whatever the status."""
        import subprocess

        done = subprocess.run(["git", *GIT_OPTIONS, *args], cwd=self.cwd, env=_environment(self._env),
                              capture_output=True, check=False)
        return done.returncode, done.stdout, done.stderr

    def blobs(self, names: Iterable[str]) -> Iterator[Blob]:
        """Every object of ``names``, in order, through ONE ``git cat-file --batch``.

        The names are written by a thread while this one reads the answers, so neither side
        waits for the other (git answers as it reads; with everything written first, both
        pipes could fill and each side would wait forever). A name holding a line break cannot
        be asked for in a line-based protocol: it is answered as missing."""
        import subprocess
        import threading

        wanted = list(names)
        if not wanted:
            return
        proc = subprocess.Popen(["git", *GIT_OPTIONS, "cat-file", "--batch"], cwd=self.cwd, env=_environment(self._env),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdin is not None and proc.stdout is not None
        writer = threading.Thread(target=_feed, args=(proc.stdin, wanted), daemon=True)
        writer.start()
        finished = False
        try:
            for name in wanted:
                yield _answer(proc.stdout, name) if "\n" not in name else Blob(name, "", "missing", None)
            finished = True
        finally:
            if not finished:  # the reader stopped early: never leave git (or the writer) waiting
                proc.kill()
            writer.join()
            proc.stdout.close()
            stderr = proc.stderr.read() if proc.stderr else b""
            if proc.stderr:
                proc.stderr.close()
            status = proc.wait()
        if finished and status != 0:
            raise GitFailed(["cat-file", "--batch"], status, stderr)

    def blob(self, name: str) -> Blob:
        """One object through a ``git cat-file --batch`` kept open between calls (one question,
        one answer: nothing to deadlock), for callers that read blobs one at a time."""
        import subprocess

        if "\n" in name:
            return Blob(name, "", "missing", None)
        if self._reader is None or self._reader.poll() is not None:
            self._reader = subprocess.Popen(["git", *GIT_OPTIONS, "cat-file", "--batch"], cwd=self.cwd, env=_environment(self._env),
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self._reader.stdin is not None and self._reader.stdout is not None
        try:
            self._reader.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            self._reader.stdin.flush()
            return _answer(self._reader.stdout, name)
        except (OSError, ValueError, GitFailed):
            self.close()
            raise GitFailed(["cat-file", "--batch"], -1, f"cannot read {name}") from None

    def close(self) -> None:
        """Stop the long-lived reader, if one was started."""
        reader, self._reader = self._reader, None
        if reader is not None:
            for stream in (reader.stdin, reader.stdout):
                if stream is not None:
                    stream.close()
            reader.wait()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001  (interpreter shutdown)
            pass


def _feed(stdin: IO[bytes], names: list[str]) -> None:
    try:
        for start in range(0, len(names), 512):
            chunk = names[start:start + 512]
            stdin.write(b"".join(n.encode("utf-8", "surrogateescape") + b"\n" for n in chunk if "\n" not in n))
        stdin.close()
    except OSError:  # git died early: the reader reports it
        pass


def _answer(stdout: IO[bytes], name: str) -> Blob:
    header = stdout.readline()
    if not header:
        raise GitFailed(["cat-file", "--batch"], -1, f"no answer for {name}")
    if header.rstrip(b"\n").endswith(_MISSING) or header.rstrip(b"\n").endswith(b" ambiguous"):
        return Blob(name, "", "missing", None)
    oid, kind, size = header.split()
    data = stdout.read(int(size))
    stdout.read(1)  # the line feed after the content
    if object_id(kind, data, len(oid)) != oid:  # whatever made git answer with other bytes
        raise GitFailed(["cat-file", "--batch"], -1, f"{name}: the content read is not object {oid.decode()}")
    return Blob(name, oid.decode(), kind.decode(), data)


def object_id(kind: bytes, data: bytes, length: int) -> bytes:
    """The id git gives ``data`` as an object of ``kind`` (SHA-1, or SHA-256 in a repository
    of that object format: told by the id's length)."""
    digest = hashlib.sha256() if length == 64 else hashlib.sha1()
    digest.update(b"%s %d\0" % (kind, len(data)))
    digest.update(data)
    return digest.hexdigest().encode()



# What git answers must be the repository's own objects: a replace ref (refs/replace/*) answers
# an object id with another object's bytes, and a graft file (.git/info/grafts) gives commits
# other parents. Both live in one clone only; what is read is cached by object id and audited.
REAL_OBJECTS = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.devnull}

# Options before the command of every git process we start. git (2.18 and later) prints an
# eight-line hint on standard error whenever it reads a graft file ("hint: Support for
# <GIT_DIR>/info/grafts is deprecated …"), and the null device named above is one it reads: the
# hint would stand in front of git's own words in a GitFailed message. advice.* settings are
# read from ``-c`` like any other (git-config(1), "advice.graftFileDeprecated"); a git that
# does not know the setting ignores it. ``-c`` rather than GIT_CONFIG_COUNT in the environment:
# the count would have to be added to the user's own, and a ``-c`` cannot clobber anything.
GIT_OPTIONS = ("-c", "advice.graftFileDeprecated=false")


def _environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env.update(REAL_OBJECTS)
    return env


def _run(cwd: str | Path, args: list[str], extra: Mapping[str, str], input: bytes | None = None) -> bytes:
    import subprocess

    try:
        done = subprocess.run(["git", *GIT_OPTIONS, *args], cwd=cwd, env=_environment(extra), input=input,
                              capture_output=True, check=False)
    except OSError as exc:  # git not installed, or the folder vanished
        raise GitFailed(args, -1, str(exc)) from None
    if done.returncode != 0:
        raise GitFailed(args, done.returncode, done.stderr)
    return done.stdout


class Spawned:
    """A git process started by :func:`spawn`: :meth:`finish` waits for it and returns (exit
    status, standard output, standard error)."""

    def __init__(self, pid: int, out: int, err: int) -> None:
        self._pid, self._out, self._err = pid, out, err

    def finish(self) -> tuple[int, bytes, bytes]:
        """Read both pipes to their end (polled together: git may fill either one while
        the other waits), then reap the process."""
        import select

        chunks: dict[int, list[bytes]] = {self._out: [], self._err: []}
        poller = select.poll()
        for fd in chunks:
            poller.register(fd, select.POLLIN)
        try:
            open_fds = set(chunks)
            while open_fds:
                for fd, _event in poller.poll():
                    data = os.read(fd, 1 << 16)
                    if data:
                        chunks[fd].append(data)
                    else:
                        poller.unregister(fd)
                        open_fds.discard(fd)
        finally:
            os.close(self._out)
            os.close(self._err)
            _pid, status = os.waitpid(self._pid, 0)
        return os.waitstatus_to_exitcode(status), b"".join(chunks[self._out]), b"".join(chunks[self._err])


def spawn(cwd: str | Path, args: Iterable[str], env: Mapping[str, str]) -> Spawned:
    """Start ``git GIT_OPTIONS -C CWD ARGS`` (``-C``: ``posix_spawn`` has no working folder of its own)
    with ``env``, standard input from the null device and both outputs piped to this process;
    :class:`OSError` when git cannot be started."""
    out_read, out_write = map(_above_stdio, os.pipe())  # (not inherited: only the duplicates below reach git)
    err_read, err_write = map(_above_stdio, os.pipe())
    try:
        null = _above_stdio(os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC))
        try:
            pid = os.posix_spawnp("git", ["git", *GIT_OPTIONS, "-C", os.fspath(cwd), *args], env, file_actions=[
                (os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, out_write, 1), (os.POSIX_SPAWN_DUP2, err_write, 2)])
        finally:
            os.close(null)
    except BaseException:
        os.close(out_read)
        os.close(err_read)
        raise
    finally:
        os.close(out_write)
        os.close(err_write)
    return Spawned(pid, out_read, err_read)


def _above_stdio(fd: int) -> int:
    """``fd``, or a duplicate of it numbered 3 or more: a process started with a standard
    stream closed gets that number for its next file, and duplicating it onto itself in
    :func:`spawn` would leave git without the stream (the copy keeps close-on-exec)."""
    low = []
    while fd < 3:
        low.append(fd)
        fd = os.dup(fd)  # (not inheritable, as the original)
    for old in low:
        os.close(old)
    return fd
