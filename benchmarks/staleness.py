"""The staleness proof of bench_check.py: after each kind of change a user makes to a working
tree, ``registry check`` with its caches must print exactly what a run without them prints.

Each scenario first runs the cached check (so that the stat index, the record cache and the
run cache all hold the state before the change), changes the tree, then compares the cached
and the uncached output byte for byte. Not a test (tests/test_stat_index.py has the same
scenarios as tests); the benchmark exits 1 when any scenario differs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchkit import progress

Run = Callable[[], bytes]  # a cached check of the tree as it is (the caches learn it)
# a change to the tree; it may run the check in between (to let the caches learn a state) and
# may return environment variables both the cached and the uncached check then run with
Change = Callable[[Path, Run], "dict[str, str] | None"]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def _record(root: Path, folder: str, index: int) -> Path:
    return sorted((root / folder).glob("*/*.yaml"))[index]


def edit(root: Path, _run: Run) -> None:
    """A working-tree edit, not staged: a status no rule accepts."""
    path = _record(root, "systems", 1)
    path.write_text(path.read_text(encoding="utf-8").replace("status: ", "status: x", 1), encoding="utf-8")


def same_second_edit(root: Path, _run: Run) -> None:
    """An edit of the same length, with the modification time put back to the nanosecond (as
    an editor saving twice within one clock tick would leave it)."""
    path = _record(root, "projects", 2)
    before = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b": ", b":x", 1))  # same length: a mapping key no longer
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def touch(root: Path, _run: Run) -> None:
    """``touch``: new times, same bytes."""
    path = _record(root, "projects", 3)
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def rename(root: Path, _run: Run) -> None:
    """A record moved to another unit's folder (its id no longer matches the folder)."""
    path = _record(root, "systems", 4)
    units = sorted(p.name for p in (root / "systems").iterdir() if p.is_dir())
    other = next(u for u in units if u != path.parent.name)
    _git(root, "mv", str(path.relative_to(root)), f"systems/{other}/{path.name}")


def delete_and_add(root: Path, _run: Run) -> None:
    """A record deleted and a new untracked record (a copy under a new name)."""
    gone = _record(root, "projects", 5)
    source = _record(root, "systems", 6)
    (source.parent / f"new-{source.name}").write_bytes(source.read_bytes())
    gone.unlink()


def checkout_branch(root: Path, _run: Run) -> None:
    """``git checkout`` of another branch whose records differ (committed beforehand)."""
    _git(root, "stash", "--include-untracked")
    _git(root, "checkout", "-q", "-b", "bench-other")
    path = _record(root, "systems", 7)
    path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name: 另一分支", 1), encoding="utf-8")
    _git(root, "commit", "-q", "-am", "another branch")
    _git(root, "checkout", "-q", "main")
    _git(root, "checkout", "-q", "bench-other")


def _same_size_edit(path: Path) -> None:
    """A same-length edit with the modification time put back to the nanosecond."""
    before = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b": ", b":y", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _next_second() -> None:
    time.sleep(1.05 - time.time() % 1)


def _marked(flag: str) -> Change:
    def change(root: Path, _run: Run) -> None:
        path = _record(root, "systems", 8)
        _git(root, "update-index", flag, str(path.relative_to(root)))
        path.write_text(path.read_text(encoding="utf-8").replace("status: ", "status: x", 1), encoding="utf-8")
    change.__doc__ = f"``git update-index {flag}``, then an edit git does not look at."
    return change


def lax_config(root: Path, run: Run) -> None:
    """The repository tells git to trust less of the stat data (no change times, minimal
    checks): a same-size edit with its modification time put back."""
    _git(root, "config", "core.trustctime", "false")
    _git(root, "config", "core.checkStat", "minimal")
    _next_second()
    run()
    _same_size_edit(_record(root, "projects", 9))


def hook_index(root: Path, _run: Run) -> dict[str, str]:
    """A hook's temporary index (``git commit PATHS`` sets GIT_INDEX_FILE): a change staged in
    it only; the checks run with it."""
    index = root / ".git" / "bench-hook-index"
    shutil.copy(root / ".git" / "index", index)
    path = _record(root, "systems", 10)
    path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name: 钩子", 1), encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "add", str(path.relative_to(root))], check=True,
                   env={**os.environ, "GIT_INDEX_FILE": str(index)})
    return {"GIT_INDEX_FILE": str(index)}


def ignored_record(root: Path, _run: Run) -> None:
    """A record git ignores (.gitignore) is still a record."""
    source = _record(root, "systems", 11)
    with (root / ".gitignore").open("a", encoding="utf-8") as out:
        out.write(f"\n/{source.parent.relative_to(root)}/ignored-{source.name}\n")
    (source.parent / f"ignored-{source.name}").write_bytes(source.read_bytes())


def staged_then_edited(root: Path, run: Run) -> None:
    """A file staged (its new index entry learnt by a run), then edited again: same size,
    modification time put back."""
    path = _record(root, "projects", 12)
    path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name: 暂存", 1), encoding="utf-8")
    _git(root, "add", str(path.relative_to(root)))
    _next_second()
    run()
    _same_size_edit(path)


def git_fooled(root: Path, run: Run) -> None:
    """git itself fooled: an old modification time, ``git add`` and a same-size edit with that
    time put back, all in one second (git compares whole seconds and its racy-clean rule looks
    at the modification time only)."""
    path = _record(root, "systems", 13)
    _next_second()
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    _git(root, "add", str(path.relative_to(root)))
    _same_size_edit(path)


SCENARIOS: list[tuple[str, Change]] = [
    ("工作区改动（未暂存）", edit),
    ("同一秒内同长度改动（修改时间复原）", same_second_edit),
    ("touch（内容不变）", touch),
    ("重命名（移到另一单位目录）", rename),
    ("删除记录 + 新增未跟踪记录", delete_and_add),
    ("git checkout 另一分支", checkout_branch),
    ("assume-unchanged 后改动", _marked("--assume-unchanged")),
    ("skip-worktree 后改动", _marked("--skip-worktree")),
    ("仓库配置 trustctime=false、checkStat=minimal", lax_config),
    ("钩子的临时索引（GIT_INDEX_FILE）", hook_index),
    ("被 .gitignore 忽略的记录", ignored_record),
    ("暂存后再次改动（同长度，修改时间复原）", staged_then_edited),
    ("git 自身被骗（同一秒内 add 后同长度改动）", git_fooled),
]


def prove(root: Path, check: Sequence[str], env: dict[str, str]) -> list[tuple[str, bool]]:
    """Run every scenario on ``root``; (scenario, cached output == uncached output)."""

    def output(*extra: str, more: dict[str, str] | None = None) -> bytes:
        return subprocess.run([*check, *extra], cwd=root, env={**env, **(more or {})}, capture_output=True,
                              check=False).stdout

    results = []
    for number, (name, change) in enumerate(SCENARIOS, 1):
        progress(f"无过期 {number}/{len(SCENARIOS)}：{name}")
        output()  # the caches hold the state before the change
        more = change(root, output)
        cached = output(more=more)
        results.append((name, cached == output("--no-cache", more=more) and b'"summary"' in cached))
    return results


# -- check --staged: what the commit will contain (git's index) --------------------------------
#
# Each scenario changes the index and the working tree; the cached ``check --staged`` must print
# exactly what a ``--no-cache`` check prints in a clean folder holding exactly the staged files
# (``git checkout-index -a``: registry.yaml, records, attachments as the index has them).


def _tracked(root: Path, folder: str, index: int) -> Path:
    """A record file git tracks (the earlier scenarios leave ignored and untracked ones)."""
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", folder], capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    return root / sorted(p for p in listed if p.endswith(".yaml") and (root / p).is_file())[index]


def _rewrite(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _rel(root: Path, path: Path) -> str:
    return str(path.relative_to(root))


def staged_then_unstaged_edit(root: Path, run: Run) -> None:
    """An edit staged (a run learns it), then another edit left unstaged."""
    path = _tracked(root, "systems", 14)
    _rewrite(path, "name: ", "name: 暂存甲")
    _git(root, "add", _rel(root, path))
    run()
    _rewrite(path, "status: ", "status: x")


def untracked_draft(root: Path, _run: Run) -> None:
    """An untracked draft: a copy of a record (its id counted twice if it were read)."""
    source = _tracked(root, "projects", 15)
    (source.parent / f"draft-{source.name}").write_bytes(source.read_bytes())


def partial_staging(root: Path, run: Run) -> None:
    """``git add -p``: one of two edits staged (the index holds a version the working tree
    never had), the other left in the working tree."""
    path = _tracked(root, "projects", 16)
    text = path.read_text(encoding="utf-8")
    staged = text.replace("name: ", "name: 部分暂存", 1)
    blob = subprocess.run(["git", "-C", str(root), "hash-object", "-w", "--stdin"], input=staged.encode(),
                          capture_output=True, check=True).stdout.decode().strip()
    _git(root, "update-index", "--cacheinfo", f"100644,{blob},{_rel(root, path)}")
    run()
    path.write_text(staged.replace("status: ", "status: x", 1).replace("name: 部分暂存", "name: ", 1), encoding="utf-8")


def reset_staged(root: Path, run: Run) -> None:
    """A staged edit (learnt by a run), then ``git reset`` of that file."""
    path = _tracked(root, "systems", 17)
    _rewrite(path, "status: ", "status: x")
    _git(root, "add", _rel(root, path))
    run()
    _git(root, "reset", "-q", "--", _rel(root, path))


def staged_checkout(root: Path, run: Run) -> None:
    """``git checkout`` of another branch (committed beforehand), after a run on this one."""
    _git(root, "stash", "--include-untracked")
    _git(root, "checkout", "-q", "-b", "bench-staged-other")
    _rewrite(_tracked(root, "systems", 18), "name: ", "name: 分支乙")
    _git(root, "commit", "-q", "-am", "another staged branch")
    _git(root, "checkout", "-q", "-")
    run()
    _git(root, "checkout", "-q", "bench-staged-other")


def staged_rename(root: Path, run: Run) -> None:
    """A record moved to another unit (``git mv``) after a run."""
    run()
    path = _tracked(root, "projects", 19)
    units = sorted(p.name for p in (root / "projects").iterdir() if p.is_dir())
    other = next(u for u in units if u != path.parent.name)
    _git(root, "mv", _rel(root, path), f"projects/{other}/{path.name}")


def staged_same_second(root: Path, run: Run) -> None:
    """A staged edit learnt by a run, then a same-size edit staged in the same second with the
    modification time put back."""
    path = _tracked(root, "systems", 20)
    _rewrite(path, "name: ", "name: 同秒")
    _git(root, "add", _rel(root, path))
    run()
    _same_size_edit(path)
    _git(root, "add", _rel(root, path))


def cacheinfo_rewrite(root: Path, run: Run) -> None:
    """The index rewritten behind the working tree's back: ``git update-index --cacheinfo`` gives
    a record another record's blob (the working tree unchanged)."""
    run()
    path, other = _tracked(root, "systems", 21), _tracked(root, "systems", 22)
    blob = subprocess.run(["git", "-C", str(root), "rev-parse", f":{_rel(root, other)}"], capture_output=True,
                          check=True).stdout.decode().strip()
    _git(root, "update-index", "--cacheinfo", f"100644,{blob},{_rel(root, path)}")


def commit_moves_head(root: Path, run: Run) -> None:
    """A commit after a run (HEAD's tree is no longer the cached one), then another staged edit."""
    path = _tracked(root, "projects", 23)
    _rewrite(path, "name: ", "name: 提交")
    _git(root, "add", _rel(root, path))
    run()
    _git(root, "commit", "-q", "--no-verify", "-m", "staged bench commit")
    _rewrite(_tracked(root, "projects", 24), "status: ", "status: x")
    _git(root, "add", "-u", "projects")


def many_commits(root: Path, run: Run) -> None:
    """More than a few hundred records changed and committed since the cached tree (the
    listing is made again for HEAD's tree), then one more staged edit."""
    run()
    for path in sorted((root / "systems").glob("*/*.yaml"))[100:420]:
        _rewrite(path, "name: ", "name: 批量")
    _git(root, "commit", "-q", "--no-verify", "-am", "many")
    _rewrite(_tracked(root, "systems", 25), "status: ", "status: x")
    _git(root, "add", "-u", "systems")


def staged_hook_index(root: Path, run: Run) -> dict[str, str]:
    """A hook's temporary index (``git commit -a`` / ``git commit PATHS``): a change staged only
    there; the checks run with GIT_INDEX_FILE."""
    run()
    return hook_index(root, run)


STAGED_SCENARIOS: list[tuple[str, Change]] = [
    ("暂存后未暂存的改动", staged_then_unstaged_edit),
    ("未跟踪的草稿文件", untracked_draft),
    ("部分暂存（git add -p）", partial_staging),
    ("git reset 已暂存的文件", reset_staged),
    ("git checkout 另一分支", staged_checkout),
    ("重命名（git mv 到另一单位）", staged_rename),
    ("同一秒内暂存同长度改动", staged_same_second),
    ("git update-index --cacheinfo 改写索引", cacheinfo_rewrite),
    ("提交后 HEAD 移动，再暂存改动", commit_moves_head),
    ("大量提交后（重新列出 HEAD 的树）", many_commits),
    ("钩子的临时索引（GIT_INDEX_FILE）", staged_hook_index),
]


def prove_staged(root: Path, check: Sequence[str], env: dict[str, str], work: Path) -> list[tuple[str, bool]]:
    """Every scenario of ``check --staged``; (scenario, cached staged output == the uncached
    check of a clean folder holding exactly the staged files)."""

    def output(*extra: str, more: dict[str, str] | None = None, cwd: Path = root) -> bytes:
        return subprocess.run([*check, *extra], cwd=cwd, env={**env, **(more or {})}, capture_output=True,
                              check=False).stdout

    def staged(more: dict[str, str] | None = None) -> bytes:
        return output("--staged", more=more)

    results = []
    for number, (name, change) in enumerate(STAGED_SCENARIOS, 1):
        progress(f"无过期（--staged）{number}/{len(STAGED_SCENARIOS)}：{name}")
        staged()  # the caches hold the state before the change
        more = change(root, lambda: staged())
        cached = staged(more)
        clean = work / "staged-export"
        shutil.rmtree(clean, ignore_errors=True)
        subprocess.run(["git", "-C", str(root), "checkout-index", "-a", "--ignore-skip-worktree-bits",
                        f"--prefix={clean}/"], check=True, env={**os.environ, **(more or {})})
        results.append((name, cached == output("--no-cache", cwd=clean) and b'"summary"' in cached))
    shutil.rmtree(work / "staged-export", ignore_errors=True)
    return results
