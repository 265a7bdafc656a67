"""The staleness proof of bench_check.py: after each kind of change a user makes to a working
tree, ``registry check`` with its caches must print exactly what a run without them prints.

Each scenario first runs the cached check (so that the stat index, the record cache and the
run cache all hold the state before the change), changes the tree, then compares the cached
and the uncached output byte for byte. Not a test (tests/test_stat_index.py has the same
scenarios as tests); the benchmark exits 1 when any scenario differs.
"""
from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

Change = Callable[[Path], None]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def _record(root: Path, folder: str, index: int) -> Path:
    return sorted((root / folder).glob("*/*.yaml"))[index]


def edit(root: Path) -> None:
    """A working-tree edit, not staged: a status no rule accepts."""
    path = _record(root, "systems", 1)
    path.write_text(path.read_text(encoding="utf-8").replace("status: ", "status: x", 1), encoding="utf-8")


def same_second_edit(root: Path) -> None:
    """An edit of the same length, with the modification time put back to the nanosecond (as
    an editor saving twice within one clock tick would leave it)."""
    path = _record(root, "projects", 2)
    before = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b": ", b":x", 1))  # same length: a mapping key no longer
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def touch(root: Path) -> None:
    """``touch``: new times, same bytes."""
    path = _record(root, "projects", 3)
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def rename(root: Path) -> None:
    """A record moved to another unit's folder (its id no longer matches the folder)."""
    path = _record(root, "systems", 4)
    units = sorted(p.name for p in (root / "systems").iterdir() if p.is_dir())
    other = next(u for u in units if u != path.parent.name)
    _git(root, "mv", str(path.relative_to(root)), f"systems/{other}/{path.name}")


def delete_and_add(root: Path) -> None:
    """A record deleted and a new untracked record (a copy under a new name)."""
    gone = _record(root, "projects", 5)
    source = _record(root, "systems", 6)
    (source.parent / f"new-{source.name}").write_bytes(source.read_bytes())
    gone.unlink()


def checkout_branch(root: Path) -> None:
    """``git checkout`` of another branch whose records differ (committed beforehand)."""
    _git(root, "stash", "--include-untracked")
    _git(root, "checkout", "-q", "-b", "bench-other")
    path = _record(root, "systems", 7)
    path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name: 另一分支", 1), encoding="utf-8")
    _git(root, "commit", "-q", "-am", "another branch")
    _git(root, "checkout", "-q", "main")
    _git(root, "checkout", "-q", "bench-other")


SCENARIOS: list[tuple[str, Change]] = [
    ("工作区改动（未暂存）", edit),
    ("同一秒内同长度改动（修改时间复原）", same_second_edit),
    ("touch（内容不变）", touch),
    ("重命名（移到另一单位目录）", rename),
    ("删除记录 + 新增未跟踪记录", delete_and_add),
    ("git checkout 另一分支", checkout_branch),
]


def prove(root: Path, check: Sequence[str], env: dict[str, str]) -> list[tuple[str, bool]]:
    """Run every scenario on ``root``; (scenario, cached output == uncached output)."""

    def output(*extra: str) -> bytes:
        return subprocess.run([*check, *extra], cwd=root, env=env, capture_output=True, check=False).stdout

    results = []
    for name, change in SCENARIOS:
        output()  # the caches hold the state before the change
        change(root)
        cached = output()
        results.append((name, cached == output("--no-cache") and b'"summary"' in cached))
    return results
