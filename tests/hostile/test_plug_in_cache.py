"""A plug-in rule profile (entry point ``registry.profiles``) and the caches of ``registry check``.

The warm path reuses a stored report without importing any rule, so everything a report depends
on must be in the cache's fingerprint: a plug-in profile's code as much as the tool's own. A
plug-in upgraded or edited in place (an editable install while its rules are written) must never
get the report of its previous rules; a plug-in whose rule module cannot be imported is a broken
profile (exit 2 naming it), not an internal error, with or without a cache.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from gitrepo import GitRepo
from harness import TRACEBACK
from test_profiles_discovery import FIXTURES, RULE, plug_in

FINDING_RULE = RULE.replace("    yield from ()", '''    for record in ctx.systems:
        yield problem(record, "name", "示例问题", "example problem")''').replace(
    "Problem, rule", "Problem, problem, rule")


def registry_with_plug_in(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "site").mkdir()
    plug = plug_in(tmp_path / "site")
    root = shutil.copytree(FIXTURES / "quxian", tmp_path / "registry")
    config = root / "registry.yaml"
    config.write_text(config.read_text("utf-8").replace("profiles: [quxian]", "profiles: [quxian, demo]"), "utf-8")
    GitRepo.init(root).commit("登记簿初始登记")
    return plug, root


def check(plug: Path, root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plug), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("REGISTRY_NO_CACHE", None)
    return subprocess.run([sys.executable, "-m", "registry", "--root", str(root), "check", "--format", "json", *extra],
                          env=env, capture_output=True, text=True, check=False, timeout=300)


def test_a_plug_in_profiles_new_rules_are_never_served_from_the_cache(tmp_path: Path) -> None:
    plug, root = registry_with_plug_in(tmp_path)
    first = check(plug, root)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["summary"]["profiles"] == ["quxian", "demo"]
    (plug / "demo_rules" / "checks.py").write_text(FINDING_RULE.format(profile="demo", rule_id="DM1"), "utf-8")
    warm, cold = check(plug, root), check(plug, root, "--no-cache")
    assert cold.returncode == 1 and "DM1" in cold.stdout, cold.stderr
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)


def test_a_plug_in_whose_rule_module_fails_is_a_broken_profile_cached_or_not(tmp_path: Path) -> None:
    plug, root = registry_with_plug_in(tmp_path)
    assert check(plug, root).returncode == 0
    rules = plug / "demo_rules" / "checks.py"
    rules.write_text(rules.read_text("utf-8") + "\nraise ImportError('坏了')\n", "utf-8")
    for done in (check(plug, root), check(plug, root, "--no-cache")):
        assert done.returncode == 2, done.stderr
        assert TRACEBACK not in done.stderr and "规则配置包有误" in done.stderr
        assert "demo_rules.checks" in done.stderr and "坏了" in done.stderr
