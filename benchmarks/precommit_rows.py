"""The real ``pre-commit run`` rows of bench_check.py: 3 staged files in the synthetic registry.

Two ways a registry gets the hook, each beside a hook of the same language that does nothing
(pre-commit's own cost and the language's start-up: the floor under any hook of that kind):

* ``language: system`` (``repo: local``, the ``registry`` of the benchmark's own venv): what
  this project's developers run; its no-op is ``true``;
* ``language: python`` from ``repo:`` a clone of this project and its .pre-commit-hooks.yaml
  (``registry-check``): what other counties' registries consume; pre-commit installs it into
  its own virtualenv (``pre-commit install-hooks``, untimed) and runs it without the
  benchmark's PYTHONPATH or bytecode prefix, as on a user's machine; its no-op is ``python -c
  pass`` in a virtualenv of the same kind.

The rows run in rounds: each round stages 3 fresh edits before each hook (content no run has
seen, so the rules run), and runs the four in an order that turns with the round, so the load
of the shared machine falls on all of them alike. The share of each language is the median of
the per-round differences hook − no-op. Not a test; see benchmarks/README.md.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from benchkit import VENV_BIN, Timing, progress, run_timed

PROJECT = Path(__file__).resolve().parent.parent  # the clone the python-language hook comes from
FILES = "^(registry\\.yaml|(systems|projects)/.+\\.ya?ml)$"
LOCAL_HOOKS = """\
repos:
  - repo: local
    hooks:
      - id: registry-check-system
        name: registry check (language system)
        entry: registry check --staged --today {today}
        language: system
        files: {files}
        require_serial: true
      - id: noop
        name: no-op (pre-commit's own cost)
        entry: "true"
        language: system
        files: {files}
        require_serial: true
      - id: jsonschema-systems
        name: check-jsonschema (systems)
        entry: check-jsonschema --schemafile {schema}/system.schema.json
        language: system
        files: ^systems/.+\\.yaml$
      - id: jsonschema-projects
        name: check-jsonschema (projects)
        entry: check-jsonschema --schemafile {schema}/project.schema.json
        language: system
        files: ^projects/.+\\.yaml$
"""
PYTHON_NOOP = """\
      - id: noop-python
        name: no-op of language python (pre-commit and a virtualenv's python)
        entry: python -c pass
        language: python
        files: {files}
        require_serial: true
"""
SHIPPED_HOOK = """\
  - repo: {clone}
    rev: {rev}
    hooks:
      - id: registry-check
        alias: registry-check-python
        args: [--today, "{today}"]
"""
GIT_IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]


def hook_clone(work: Path, code: Path) -> tuple[Path, str]:
    """A clone of this project whose registry package is the benchmark's snapshot of the code
    (committed on top when the working tree differs from HEAD): the python-language hook runs
    the same code as every other row. Returns the clone and the commit the hook is pinned to."""
    clone = work / "hook-repo"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(PROJECT), str(clone)], check=True)
    shutil.rmtree(clone / "registry")
    shutil.copytree(code / "registry", clone / "registry")
    git = ["git", "-C", str(clone), *GIT_IDENTITY]
    subprocess.run([*git, "add", "-A", "registry"], check=True)
    if subprocess.run([*git, "diff", "--cached", "--quiet"], check=False).returncode:
        subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "bench: the snapshot of the working tree"],
                       check=True)
    rev = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    return clone, rev


def user_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of a user's commit: no snapshot on PYTHONPATH (the hook's own virtualenv
    has the package) and no bytecode prefix (pip compiled the hook's bytecode at install)."""
    env = dict(env)
    for name in ("PYTHONPATH", "PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def git_trace(root: Path, env: dict[str, str], hook: str, trace: Path) -> str:
    """The git commands one ``pre-commit run HOOK`` starts and what they cost (GIT_TRACE2_PERF):
    where pre-commit's own time goes."""
    trace.unlink(missing_ok=True)
    subprocess.run([str(VENV_BIN / "pre-commit"), "run", hook], cwd=root, env={**env, "GIT_TRACE2_PERF": str(trace)},
                   capture_output=True, check=False)
    commands: list[tuple[str, float]] = []
    scans: list[int] = []
    argv = ""
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 9:
            continue
        if cells[3] == "start":
            argv = cells[8].replace("/usr/bin/", "")
        elif cells[3] == "exit" and cells[2] == "main":
            commands.append((argv, float(cells[5] or 0)))
        elif cells[8].startswith("..preload/sum_lstat:"):
            scans.append(int(cells[8].split(":")[1]))
    total = sum(seconds for _argv, seconds in commands)
    worktree = [n for n in scans if n > 1]
    slowest = "；".join(f"{argv[:48]} {seconds * 1000:.0f} ms" for argv, seconds in
                       sorted(commands, key=lambda c: -c[1])[:3])
    return (f"{len(commands)} 个 git 命令，合计 {total:.3f} s；其中 {len(worktree)} 个逐一 lstat 工作区的"
            f" {max(worktree, default=0)} 个索引条目；最慢：{slowest}")


def rows(root: Path, schema: Path, today: str, work: Path, code: Path, env: dict[str, str], repeat: int,
         stage: Callable[[int], list[str]], python_hook: bool, notes: list[str]) -> list[tuple[str, Timing, str, Timing | None, str]]:
    """The pre-commit rows: (label, timing, aim, yardstick, kind) where kind is "hook", "floor",
    "share" or "" (a row without an aim)."""
    config = LOCAL_HOOKS.format(today=today, schema=schema, files=FILES)
    if python_hook:  # (its virtualenvs take a minute to install: not in --quick)
        clone, rev = hook_clone(work, code)
        config += PYTHON_NOOP.format(files=FILES) + SHIPPED_HOOK.format(clone=clone, rev=rev, today=today)
        notes.append(f"python 钩子：repo: {clone}（本项目的克隆，rev {rev[:10]}，registry 包即本次快照），"
                     "id registry-check（.pre-commit-hooks.yaml），args: [--today, …]")
    (root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git = ["git", "-C", str(root), *GIT_IDENTITY]
    subprocess.run([*git, "add", ".pre-commit-config.yaml"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-am", "pre-commit"], check=True)
    env = {**env, "PRE_COMMIT_HOME": str(work / "pre-commit-home")}
    users = user_env(env)
    run = [str(VENV_BIN / "pre-commit"), "run"]
    progress("pre-commit：安装钩子环境（不计时）")
    subprocess.run([*run[:1], "install-hooks"], cwd=root, env=users, check=True, capture_output=True)
    # each hook once on registry.yaml, untimed (bytecode written, caches made), each in its own
    # environment: the system hook only in the benchmark's, whose bytecode goes outside the source tree
    subprocess.run([*run, "--files", "registry.yaml"], cwd=root, env=env, capture_output=True)
    for hook in (["registry-check-python", "noop-python"] if python_hook else []):
        subprocess.run([*run, hook, "--files", "registry.yaml"], cwd=root, env=users, capture_output=True)

    def staged(edition: int) -> None:
        subprocess.run([*git, "add", *stage(edition)], check=True)

    staged(100)
    shutil.rmtree(root / ".registry-cache", ignore_errors=True)
    progress("pre-commit：空缓存")
    cold = run_timed("pre-commit cold", [[*run, "registry-check-system"]], cwd=root, env=env)
    kinds = [("system", "registry-check-system", "noop", env)]
    if python_hook:
        kinds.append(("python", "registry-check-python", "noop-python", users))
    hooks: dict[str, list[Timing]] = {kind: [] for kind, *_ in kinds}
    floors: dict[str, list[Timing]] = {kind: [] for kind, *_ in kinds}
    edition = 101
    for round_ in range(repeat):
        steps = [(kind, hook, hook_env, True) for kind, hook, _noop, hook_env in kinds] + \
                [(kind, noop, hook_env, False) for kind, _hook, noop, hook_env in kinds]
        shift = round_ % len(steps)
        progress(f"pre-commit：第 {round_ + 1}/{repeat} 轮")
        for kind, hook, hook_env, is_hook in steps[shift:] + steps[:shift]:
            if is_hook:  # fresh content: the rules run, no earlier result applies
                staged(edition)
                edition += 1
            timing = run_timed(f"pre-commit {hook}", [[*run, hook]], cwd=root, env=hook_env)
            (hooks if is_hook else floors)[kind].append(timing)
    progress("pre-commit：check-jsonschema 钩子")
    yardstick = run_timed("pre-commit jsonschema", [[*run, "jsonschema-systems"], [*run, "jsonschema-projects"]],
                          cwd=root, env=env)
    notes.append(f"pre-commit 空操作钩子中的 git（GIT_TRACE2_PERF，一次）：{git_trace(root, env, 'noop', work / 'trace2.txt')}")
    notes.append(f"运行时：nice {os.nice(0)}，负载 {' '.join(f'{x:.1f}' for x in os.getloadavg())}（1/5/15 分钟）")
    out: list[tuple[str, Timing, str, Timing | None, str]] = [
        ("pre-commit 3 个暂存文件（空缓存）", cold, "", yardstick, "")]
    for kind, *_ in kinds:
        shares = [h.wall - f.wall for h, f in zip(hooks[kind], floors[kind])]
        cpu_shares = [h.cpu - f.cpu for h, f in zip(hooks[kind], floors[kind])]
        label = "热缓存" if kind == "system" else "python 钩子"
        floor_label = "pre-commit 自身" if kind == "system" else "python"
        notes += [spread(f"pre-commit {label}（language: {kind}）", hooks[kind]),
                  spread(f"pre-commit 空操作钩子（language: {kind}）", floors[kind]),
                  f"份额（language: {kind}，同一轮 钩子 − 空操作）：墙钟 {' '.join(f'{s:.2f}' for s in shares)}，"
                  f"中位 {statistics.median(shares):.3f} s；CPU 中位 {statistics.median(cpu_shares):.3f} s"]
        best, floor = best_of(hooks[kind]), best_of(floors[kind])
        share = Timing("share", statistics.median(shares), statistics.median(cpu_shares), best.peak_rss_mb, None, [0])
        out += [(f"pre-commit 3 个暂存文件（{label}）", best, "≤0.4 s 墙钟，≤ 对照", yardstick, "hook"),
                (f"pre-commit 空操作钩子（{floor_label}）", floor, "", yardstick, ""),
                (f"本工具在 pre-commit 中的份额（{'热缓存 − 空操作' if kind == 'system' else 'python'}）",
                 share, "≤0.2 s 墙钟", None, "share")]
    python = str(VENV_BIN / "python")
    starts = [run_timed("python -c pass", [[python, "-c", "pass"]], cwd=root, env=env) for _ in range(repeat)]
    models = [run_timed("import registry.models", [[python, "-c", "import registry.models"]], cwd=root, env=env)
              for _ in range(repeat)]
    notes += [spread("python -c pass", starts), spread("python -c \"import registry.models\"", models)]
    out += [("Python 启动（python -c pass）", best_of(starts), "", None, ""),
            ("导入模型（python -c \"import registry.models\"）", best_of(models), "", None, "")]
    return out


def best_of(timings: Sequence[Timing]) -> Timing:
    """The fastest of repeated runs: the least disturbed by other processes on the machine."""
    best = min(timings, key=lambda t: t.wall)
    best.runs = len(timings)
    return best


def spread(label: str, timings: Sequence[Timing]) -> str:
    """Every run of a repeated row and its median (the machine is shared: the median is the
    figure to quote, the fastest is the row's)."""
    walls, cpus = sorted(t.wall for t in timings), sorted(t.cpu for t in timings)
    return (f"{label}：{len(timings)} 次，墙钟中位 {statistics.median(walls):.2f} s（{' '.join(f'{w:.2f}' for w in walls)}），"
            f"CPU 中位 {statistics.median(cpus):.2f} s（{' '.join(f'{c:.2f}' for c in cpus)}）")
