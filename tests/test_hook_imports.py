"""The commit hook (``registry check --staged`` of a few staged files, warm) imports only what it
uses: no pydantic, none of the rule modules of profiles the registry did not select, and none of
the standard modules that only code generation and introspection need (``dataclasses``,
``inspect`` with ``ast``/``dis``/``tokenize``, ``pkgutil``) — while saying exactly what the
uncached check says. A third-party profile plug-in keeps working on the same path."""
from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fixturekit import committed_fixture
from pluginkit import demo_plug_in
from registry.rules import RULES
from registry.modulelisting import iter_modules, module_name, walk_packages
from registry.rules.profiles import SELECTABLE

PROBE = """
import json, sys
from registry import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
NEVER_ON_THE_HOOK = ("pydantic", "pydantic_core", "dataclasses", "inspect", "ast", "dis", "tokenize", "pkgutil",
                     "ruamel", "importlib.metadata", "multiprocessing")
EDITED = ["systems/czj/czj-asset.yaml", "projects/czj/2026-czj-001.yaml", "projects/fgj/2025-fgj-001.yaml"]


def hook(root: Path, *args: str, env: dict[str, str] | None = None, probe: str = PROBE,
         today: str = "2026-06-30") -> dict[str, Any]:
    """The hook's check (JSON report) run by ``probe``, which prints a JSON line of what it saw last."""
    environment = {**os.environ, **(env or {})}
    environment.pop("REGISTRY_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", probe, "--root", str(root), "check", "--staged", "--today",
                           today, "--format", "json", *args], capture_output=True, text=True, env=environment,
                          check=False, timeout=300, cwd=root)
    assert done.stderr == ""
    *report, last = done.stdout.splitlines()
    result: dict[str, Any] = json.loads(last)
    result["report"] = "\n".join(report)
    return result


def records_to_edit(root: Path) -> list[str]:
    """A system and two projects of the fixture."""
    systems = sorted(p.relative_to(root).as_posix() for p in root.glob("systems/*/*.yaml"))
    projects = sorted(p.relative_to(root).as_posix() for p in root.glob("projects/*/*.yaml"))
    return [systems[0], *projects[:2]]


def stage_edits(root: Path, round_: int, edited: list[str] = EDITED) -> None:
    for path in edited:
        file = root / path
        file.write_text(file.read_text(encoding="utf-8") + f"# 第 {round_} 次修改\n", encoding="utf-8")
    subprocess.run(["git", "add", *edited], cwd=root, check=True, capture_output=True)


def rule_modules(profile: str) -> set[str]:
    """The modules that declare ``profile``'s rules."""
    return {r.check.__module__ for r in RULES.values() if r.profile == profile}


@pytest.mark.parametrize("profile", ["quxian", "potou"])
def test_the_hook_imports_no_pydantic_and_no_unselected_profiles_rules(profile: str, tmp_path: Path) -> None:
    root, _repo = committed_fixture(profile, tmp_path)
    hook(root)  # cold: remembers registry.yaml, fills the caches
    edited = records_to_edit(root)
    for round_ in range(2):
        stage_edits(root, round_, edited)
        warm = hook(root, *edited)
        modules = warm["modules"]
        assert [m for m in modules if m.split(".")[0] in NEVER_ON_THE_HOOK or m in NEVER_ON_THE_HOOK] == []
        others = set().union(*(rule_modules(p) for p in SELECTABLE if p != profile))
        assert others and sorted(others & set(modules)) == []
        assert rule_modules(profile) <= set(modules)  # the selected profile's rules all ran
        uncached = hook(root, *edited, "--no-cache")
        assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])


PLUG_IN = '''import dataclasses
from collections.abc import Iterator

from registry.rules.base import Citation, Context, Kind, Params, Problem, problem, rule

ART1 = Citation("demo", "第一条", "示例条文。")


@dataclasses.dataclass(frozen=True)
class Limit:  # a plug-in's own data class, made by dataclasses
    most: int


class LimitParams(Params):
    max_aliases: int = 3


@rule("DM1", name="few-aliases", title="简称不过多", kind=Kind.record, profile="demo", cite=[ART1],
      params=LimitParams, fails="aliases: [a, b, c, d]", passes="aliases: [a]")
def dm1(ctx: Context, params: LimitParams) -> Iterator[Problem]:
    """简称不超过上限。

    示例。"""
    limit = Limit(params.max_aliases)
    for s in ctx.systems:
        if len(s.aliases) > limit.most:
            yield problem(s, "aliases", f"简称 {len(s.aliases)} 个", f"{len(s.aliases)} aliases")
'''


def test_a_plug_in_profile_works_on_the_hooks_path(tmp_path: Path) -> None:
    plugins = demo_plug_in(tmp_path / "plugins", PLUG_IN)
    root, repo = committed_fixture("quxian", tmp_path / "fixture")
    config = (root / "registry.yaml").read_text(encoding="utf-8")
    config = config.replace("profiles: [quxian]", "profiles: [quxian, demo]").replace("parameters: {}",
                                                                                      "parameters: {max_aliases: 1}")
    (root / "registry.yaml").write_text(config, encoding="utf-8")
    system = root / EDITED[0]
    system.write_text(system.read_text(encoding="utf-8") + "aliases: [甲, 乙]\n", encoding="utf-8")
    repo.commit("示例县规则")
    env = {"PYTHONPATH": os.pathsep.join([str(plugins), os.environ.get("PYTHONPATH", "")])}
    hook(root, env=env)
    for round_ in range(2):
        stage_edits(root, round_)
        warm = hook(root, *EDITED, env=env)
        assert "DM1" in warm["report"] and "简称 2 个" in warm["report"]
        uncached = hook(root, *EDITED, "--no-cache", env=env)
        assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])


def pkgutil_modules(path: list[str], prefix: str = "") -> list[tuple[str, bool]]:
    return [(info.name, info.ispkg) for info in pkgutil.iter_modules(path, prefix)]


def test_module_listing_is_pkgutils_for_the_rule_packages() -> None:
    import registry.rules

    packages = [registry.rules, *(sys.modules[f"registry.rules.{p}"] for p in SELECTABLE)]
    for package in packages:
        path = list(package.__path__)
        assert list(iter_modules(path, package.__name__ + ".")) == pkgutil_modules(path, package.__name__ + ".")
        assert list(walk_packages(path, package.__name__ + ".")) == [
            info.name for info in pkgutil.walk_packages(path, package.__name__ + ".")]


def test_module_listing_is_pkgutils_for_odd_folders_and_zip_archives(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    for name in ["a.py", "b.pyc", "c.cpython-311-x86_64-linux-gnu.so", "__init__.py", "d.txt", "e.f.py", "_g.py",
                 "same.py", "same/__init__.py", "notpkg/x.py", "pkg/__init__.pyc", "z.py"]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("", encoding="utf-8")
    archive = tmp_path / "packed.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("zipped/__init__.py", "")
        packed.writestr("zipped/m.py", "")
    for path in ([str(folder)], [str(archive)], [str(tmp_path / "missing")], [str(folder), str(folder)]):
        sys.path_importer_cache.pop(path[0], None)
        pkgutil_modules(path)  # (caches the finder, as importing from the folder does)
        assert list(iter_modules(path, "p.")) == pkgutil_modules(path, "p.")
        assert list(iter_modules(path)) == pkgutil_modules(path)


@pytest.mark.parametrize("name", ["a.py", "a.pyc", "a.cpython-311-x86_64-linux-gnu.so", "a.abi3.so", "a", "a.txt",
                                  ".py", "a.b.py"])
def test_module_name_is_inspects(name: str) -> None:
    import inspect

    assert module_name(name) == inspect.getmodulename(name)
