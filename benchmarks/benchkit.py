"""Shared helpers of the benchmark scripts: timed child processes (wall clock, CPU time of the
process and its children, peak memory), the code snapshot the children run, xargs-sized
batches and tables that line up with Chinese text. Not a test; see benchmarks/README.md."""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
XARGS_BYTES = 128 * 1024  # GNU xargs' default command-line buffer


@dataclasses.dataclass
class Timing:
    label: str
    wall: float
    cpu: float  # user + system, the process and all its children
    peak_rss_mb: float  # largest single process (getrusage semantics)
    tree_rss_mb: float | None  # largest sum over the process tree, sampled every 20 ms
    exit_codes: list[int]
    stdout: bytes = b""
    runs: int = 1


LAUNCHER = Path(__file__).with_name("launch.py")


def progress(message: str) -> None:
    """One line of progress on stderr (the figures go to stdout at the end of each size): a run
    of many minutes shows where it is, and a stuck step is named by the last line."""
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def run_timed(label: str, commands: Sequence[Sequence[str]], *, cwd: Path, env: dict[str, str],
              sample_tree: bool = False) -> Timing:
    """Run ``commands`` one after another; wall clock, CPU and memory over all of them. Each
    command is started by the small launcher (launch.py), so its peak RSS is its own and not
    this script's (Linux carries the high-water mark across ``exec``). ``sample_tree``: also sample the
    memory of the whole process tree every 20 ms; off unless asked, because the sampler reads
    /proc of every process and takes about a tenth of a core: on two cores that slowed a
    0.25 s pre-commit run by several hundredths (benchmarks/README.md)."""
    wall = cpu = peak = 0.0
    tree: float | None = 0.0
    codes, out = [], b""
    for command in commands:
        with tempfile.TemporaryFile() as sink, tempfile.TemporaryFile() as errors, \
                tempfile.NamedTemporaryFile(prefix="launch-", suffix=".txt") as report:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-I", "-S", str(LAUNCHER), report.name, *command],
                                    cwd=cwd, env=env, stdout=sink, stderr=errors)
            sampler = TreeSampler(proc.pid, include_root=False, active=sample_tree)
            sampler.start()
            _pid, status, usage = os.wait4(proc.pid, 0)
            outer_wall = time.perf_counter() - start
            sampler.stop()
            proc.returncode = os.waitstatus_to_exitcode(status)
            own = Path(report.name).read_text(encoding="ascii").split()
            errors.seek(0)
            stderr = errors.read()
            sink.seek(0)
            out += sink.read()
        if len(own) == 4:  # the command's own figures
            wall += float(own[0])
            cpu += float(own[1]) + float(own[2])
            peak = max(peak, int(own[3]) / 1024)
        else:  # the launcher failed (the command could not be started): what there is
            wall += outer_wall
            cpu += usage.ru_utime + usage.ru_stime
            peak = max(peak, usage.ru_maxrss / 1024)
        tree = None if sampler.peak is None or tree is None else max(tree, sampler.peak)
        codes.append(proc.returncode)
        if proc.returncode not in (0, 1):
            sys.stderr.write(f"{label}: exit {proc.returncode}\n{stderr.decode(errors='replace')}\n")
    return Timing(label, wall, cpu, peak, tree, codes, out, len(commands))


class TreeSampler(threading.Thread):
    """Peak resident memory of a process and its descendants (Linux /proc), sampled."""

    def __init__(self, pid: int, *, include_root: bool = True, active: bool = True) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.include_root = include_root  # False: the launcher itself is not counted
        self.peak: float | None = 0.0 if active and Path("/proc/self/stat").exists() else None
        self._done = threading.Event()

    def run(self) -> None:
        while self.peak is not None and not self._done.wait(0.02):
            self.peak = max(self.peak, self._tree_mb())

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _tree_mb(self) -> float:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
        total, todo = 0, [self.pid] if self.include_root else list(children.get(self.pid, []))
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        return total / 2**20


def batches(paths: Sequence[str], limit: int = XARGS_BYTES) -> list[list[str]]:
    """Split arguments the way xargs does: each command line under ``limit`` bytes."""
    out: list[list[str]] = [[]]
    size = 0
    for path in paths:
        length = len(path.encode()) + 1
        if out[-1] and size + length > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += length
    return out


def snapshot_code(dest: Path) -> Path:
    """A copy of the registry package for the children to run: every timed run uses the same
    code even while the working tree is being edited (the cache is keyed on the tool's source,
    so an edit between two runs would otherwise turn an "unchanged" run into a cold one)."""
    import registry

    # a kept --workdir is reused: the previous run's copy would be stale code
    shutil.rmtree(dest / "registry", ignore_errors=True)
    shutil.copytree(Path(registry.__file__).parent, dest / "registry",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".registry-cache"))
    return dest


def child_env(pycache: Path | None, code: Path) -> dict[str, str]:
    """The children's environment: the snapshot of the code first on the path, and — as an
    installed tool has its bytecode compiled — a bytecode cache outside the source tree
    (unless ``--no-bytecode-cache``)."""
    env = dict(os.environ)
    env.pop("REGISTRY_NO_CACHE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH", "")]))
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a display width: CJK characters take two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - shown)
    return fill + text if right else text + fill
