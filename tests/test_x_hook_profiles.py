"""The commit hook loads rules lazily (only the selected profiles' modules, in a fresh process):
whatever a department does to registry.yaml's profile selection, parameters and disabled rules
— staged, only in the work tree, or both — and wherever HEAD moves under a warm cache (commit,
amend, reset, checkout, rebase), ``registry check --staged`` in a fresh process (uncached, then
warm twice, from the top or from a unit folder) must say exactly what a clean check of the
commit's content says in a process that imported every rule module first (so that a rule left
out of a lazy table, or a profile's rules not loaded, shows as a difference). A plug-in profile
selected in registry.yaml takes part the same way.

The records staged in each scene lose some of their optional fields, so that many rules of
every selected profile have something to say.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixturekit import FIXTURES
from gitrepo import GitRepo
from test_profiles_discovery import RULE, plug_in

TODAY = "2026-11-20"
EDITED = ["systems/czj/czj-budget.yaml", "projects/czj/2024-czj-001.yaml", "projects/dsj/2026-dsj-001.yaml"]
# A fresh interpreter running the command line; EAGER first imports every rule module of the
# tool (and of the plug-in, when there is one): the yardstick no lazy loading can differ from.
PROBE = """
import sys
if sys.argv[1] == "eager":
    import importlib, pkgutil, registry.rules as rules
    for info in pkgutil.walk_packages(rules.__path__, "registry.rules."):
        importlib.import_module(info.name)
    try:
        importlib.import_module("demo_rules.checks")
    except ModuleNotFoundError:
        pass
from registry import cli
sys.exit(cli.main(sys.argv[2:]))
"""
# The demo plug-in of tests/test_profiles_discovery.py, its rule saying something about every
# record whose name holds 预算 (so that a plug-in rule left out shows).
PLUGIN_RULE = RULE.format(profile="demo", rule_id="DM1").replace("    yield from ()\n", """    for record in [*ctx.systems, *ctx.projects]:
        if "预算" in record.name:
            yield problem(record, "name", "名称含预算（示例规则）", "name holds 预算 (demo)")
""").replace("Problem, rule", "Problem, problem, rule")


def _plugin(folder: Path) -> Path:
    folder.mkdir()
    return plug_in(folder, rules=PLUGIN_RULE)


class Scene:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.root = tmp_path / "repo"
        shutil.copytree(FIXTURES / "jinxiang", self.root)
        self.repo = GitRepo.init(self.root)
        self.repo.commit("登记簿")
        self.env: dict[str, str] = {}
        self.cwd = self.root

    def git(self, *args: str) -> str:
        return self.repo.git(*args)

    def text(self, path: str) -> str:
        return (self.root / path).read_text("utf-8")

    def write(self, path: str, text: str) -> None:
        (self.root / path).write_text(text, "utf-8")

    def profiles(self, *names: str, stage: bool = True) -> None:
        config = self.text("registry.yaml")
        start = config.index("profiles:")
        end = config.index("\n", start)
        self.write("registry.yaml", f"{config[:start]}profiles: [{', '.join(names)}]{config[end:]}")
        if stage:
            self.git("add", "registry.yaml")

    def parameters(self, text: str, stage: bool = True) -> None:
        self.write("registry.yaml", self.text("registry.yaml").replace("parameters: {}", text))
        if stage:
            self.git("add", "registry.yaml")

    def strip_records(self, step: int) -> None:
        """Stage the three records with every ``step``-th optional top-level key left out."""
        for path in EDITED:
            lines = self.text(path).splitlines(keepends=True)
            keys = [i for i, line in enumerate(lines) if line[:1].isalpha() and ":" in line
                    and line.split(":")[0] not in ("id", "name", "unit", "status", "year", "nature", "delivery",
                                                   "scope", "track", "budget", "deployment")]
            dropped = set(keys[step % 3::3])
            kept: list[str] = []
            skipping = False
            for i, line in enumerate(lines):
                if i in dropped:
                    skipping = True
                    continue
                if skipping and line[:1] in (" ", "-"):
                    continue
                skipping = False
                kept.append(line)
            self.write(path, "".join(kept))
        self.git("add", *EDITED)

    # -- running --------------------------------------------------------------------------------

    def run(self, root: Path, mode: str, *args: str, cwd: Path | None = None) -> tuple[int, Any]:
        env = {**os.environ, **self.env}
        env.pop("REGISTRY_NO_CACHE", None)
        root_args = [] if cwd is not None and cwd != root else ["--root", str(root)]
        done = subprocess.run([sys.executable, "-c", PROBE, mode, *root_args, "check", "--format", "json",
                               "--today", TODAY, *args], capture_output=True, text=True, env=env,
                              cwd=cwd or root, timeout=300, check=False)
        assert "Traceback" not in done.stderr, done.stderr
        if not done.stdout.startswith("{"):
            return done.returncode, done.stderr.strip()
        report = json.loads(done.stdout)
        report["summary"].pop("duration", None)
        return done.returncode, report

    def clean(self) -> Path:
        """A fresh repository whose HEAD is the index's tree committed on HEAD, checked out."""
        tree = self.git("write-tree")
        parent = ["-p", "HEAD"] if self.git("rev-parse", "-q", "--verify", "HEAD") else []
        commit = self.git("commit-tree", tree, *parent, "-m", "暂存的内容")
        self.git("update-ref", "refs/x22/staged", commit)
        target = self.tmp / f"clean{len(list(self.tmp.glob('clean*')))}"
        clone = GitRepo.init(target)
        clone.git("fetch", "-q", str(self.root), "+refs/x22/staged:refs/heads/staged")
        clone.git("checkout", "-q", "staged")
        self.git("update-ref", "-d", "refs/x22/staged")
        return target

    def compare(self, *, expect_rules: tuple[str, ...] = ()) -> None:
        clean = self.run(self.clean(), "eager", "--no-cache")
        runs = {"uncached": self.run(self.root, "lazy", "--staged", "--no-cache", cwd=self.cwd),
                "warm": self.run(self.root, "lazy", "--staged", cwd=self.cwd),
                "warm again": self.run(self.root, "lazy", "--staged", cwd=self.cwd)}
        for name, found in runs.items():
            assert found == clean, f"{name}: {_diff(clean, found)}"
        if expect_rules:
            assert isinstance(clean[1], dict), clean
            seen = {f["rule"] for f in clean[1]["findings"]}
            assert all(any(rule.startswith(prefix) for rule in seen) for prefix in expect_rules), sorted(seen)


def _diff(clean: tuple[int, Any], found: tuple[int, Any]) -> str:
    if not (isinstance(clean[1], dict) and isinstance(found[1], dict)):
        return f"clean {clean!r:.400} found {found!r:.400}"
    a = {json.dumps(f, sort_keys=True, ensure_ascii=False) for f in clean[1]["findings"]}
    b = {json.dumps(f, sort_keys=True, ensure_ascii=False) for f in found[1]["findings"]}
    return (f"exit {clean[0]} vs {found[0]}; only clean: {sorted(a - b)[:3]}; only staged: {sorted(b - a)[:3]}; "
            f"summaries {clean[1]['summary']} / {found[1]['summary']}")


def _warm(scene: Scene) -> None:
    """A hook run before the scene: the caches hold the committed state."""
    scene.run(scene.root, "lazy", "--staged")


SCENES: dict[str, tuple[Callable[[Scene], None], tuple[str, ...]]] = {
    "profile-added-staged": (lambda s: (s.profiles("jinxiang", "potou"), s.strip_records(0)), ("JX", "PT")),
    "profile-swapped-staged": (lambda s: (s.profiles("quxian"), s.strip_records(1)), ("QX",)),
    "profile-changed-only-in-work-tree": (lambda s: (s.strip_records(2), s.profiles("dalad", stage=False)), ("JX",)),
    "profile-staged-then-changed-again": (lambda s: (s.profiles("dashiqiao"), s.strip_records(0),
                                                     s.profiles("potou", stage=False)), ("DSQ",)),
    "parameter-staged": (lambda s: (s.parameters("parameters: {doc_no_pattern: '^X$'}"), s.strip_records(1)), ("REG014",)),
    "parameter-only-in-work-tree": (lambda s: (s.strip_records(1), s.parameters(
        "parameters: {doc_no_pattern: '^X$'}", stage=False)), ("JX",)),
    "rule-disabled-staged": (lambda s: (s.parameters(
        "parameters: {}\ndisabled_rules:\n  - {rule: REG013, reason: 会议纪要〔2026〕1号}"), s.strip_records(2)), ("JX",)),
}


@pytest.mark.parametrize("name", sorted(SCENES))
def test_the_hook_says_what_an_eager_clean_check_says(name: str, tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    _warm(scene)
    change, expect = SCENES[name]
    change(scene)
    scene.compare(expect_rules=expect)


def test_a_unit_folder_and_head_moving_under_a_warm_cache(tmp_path: Path) -> None:
    """Commit, amend, reset, checkout and rebase between hook runs, a profile switched on the way."""
    scene = Scene(tmp_path)
    scene.cwd = scene.root / "systems/czj"
    _warm(scene)
    scene.profiles("jinxiang", "potou")
    scene.strip_records(0)
    scene.compare(expect_rules=("PT",))
    scene.repo.commit("加上坡头")
    scene.compare()
    scene.profiles("quxian")
    scene.git("commit", "-q", "--amend", "--no-edit")
    scene.strip_records(1)
    scene.compare(expect_rules=("QX",))
    scene.git("reset", "-q", "--hard", "HEAD~1")
    scene.compare()
    scene.git("checkout", "-q", "-b", "side")
    scene.profiles("dalad")
    scene.repo.commit("达拉特")
    scene.git("checkout", "-q", "main")
    scene.strip_records(2)
    scene.repo.commit("主干")
    scene.compare()
    scene.git("checkout", "-q", "side")
    scene.compare()
    scene.git("rebase", "-q", "main")
    scene.strip_records(0)
    scene.compare(expect_rules=("DLT",))


def test_a_plug_in_profile_on_the_hook(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    scene.env["PYTHONPATH"] = os.pathsep.join([str(_plugin(tmp_path / "plugin")), os.environ.get("PYTHONPATH", "")])
    _warm(scene)
    scene.profiles("jinxiang", "demo")
    scene.strip_records(1)
    scene.compare(expect_rules=("DM1", "JX"))
    scene.repo.commit("示例配置")
    scene.strip_records(2)
    scene.compare(expect_rules=("DM1",))
