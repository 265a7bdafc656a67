"""registry.yaml's facts for the history commands, remembered by content (registry/configfacts.py):
the same facts and the same errors as the full validation, never stale, and — once a content has
passed — ``inventory --history`` runs without importing pydantic, ruamel or the rules."""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who, yaml_text
from registry import configfacts
from registry.cachestore import Store
from registry.cli import main
from registry.configfacts import ConfigFacts, config_facts
from registry.loader import ConfigError, load_config

ADMIN = Who("数据局管理员", "admin@dsj.test.gov.cn")


def seeded(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", REGISTRY)
    for path in ("systems/czj/czj-budget.yaml", "systems/wjw/wjw-his.yaml"):
        repo.write(path, record_data(path, {}))
    repo.commit("初始登记", as_=ADMIN)
    return repo


def facts_of_loader(root: Path) -> ConfigFacts:
    config = load_config(root)
    return ConfigFacts(config.base_branch, {u.id: u.name for u in config.units})


def test_the_facts_are_the_loaders_cold_and_warm(tmp_path: Path) -> None:
    root = seeded(tmp_path).path
    expected = facts_of_loader(root)
    assert config_facts(root, cached=False) == expected
    assert config_facts(root) == expected  # writes the cache
    store = Store.open(root)
    assert store is not None and store.read(configfacts.CACHE_NAME) is not None
    assert config_facts(root) == expected  # from the cache


def test_a_changed_registry_yaml_is_validated_again(tmp_path: Path) -> None:
    root = seeded(tmp_path).path
    config_facts(root)
    changed = copy.deepcopy(REGISTRY)
    changed["base_branch"] = "trunk"
    changed["units"][0]["name"] = "改过的名称"
    (root / "registry.yaml").write_text(yaml_text(changed), encoding="utf-8")
    assert config_facts(root) == facts_of_loader(root)
    assert config_facts(root).base_branch == "trunk"


@pytest.mark.parametrize("broken", ["units: [", "base_branch: 3\n", "jurisdiction: 测试县\nunits: []\n"])
def test_a_bad_registry_yaml_after_a_good_one_is_the_loaders_error(tmp_path: Path, broken: str) -> None:
    root = seeded(tmp_path).path
    config_facts(root)
    (root / "registry.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as expected:
        load_config(root)
    for _ in range(2):  # failures are never remembered
        with pytest.raises(ConfigError) as found:
            config_facts(root)
        assert (found.value.text("zh"), found.value.line) == (expected.value.text("zh"), expected.value.line)


def test_a_tampered_cache_entry_is_ignored(tmp_path: Path) -> None:
    root = seeded(tmp_path).path
    config_facts(root)
    store = Store.open(root)
    assert store is not None
    entry = store.directory / configfacts.CACHE_NAME
    entry.write_bytes(entry.read_bytes().replace(b"czj", b"xyz"))
    assert config_facts(root) == facts_of_loader(root)


def test_an_installed_distribution_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile plug-in comes with a distribution: installing one is validated again."""
    before = configfacts._key(b"units: []\n")
    site = tmp_path / "site"
    (site / "demo_profile-1.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    assert configfacts._key(b"units: []\n") != before
    assert configfacts._key(b"units: [x]\n") != configfacts._key(b"units: []\n")


def test_no_cache_is_written_with_caching_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = seeded(tmp_path).path
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert config_facts(root) == facts_of_loader(root)
    assert not (root / ".registry-cache").exists()


def test_inventory_history_warm_imports_no_pydantic_and_prints_the_same(tmp_path: Path) -> None:
    root = seeded(tmp_path).path
    code = ("import sys; from registry.cli import main; rc = main(sys.argv[1:]); "
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'ruamel', 'git', 'jieba'}); "
            "print('HEAVY', heavy, file=sys.stderr); raise SystemExit(rc)")
    argv = ["--root", str(root), "inventory", "--history", "--format", "json", "--today", "2026-06-30"]
    env = {k: v for k, v in os.environ.items() if k != "REGISTRY_NO_CACHE"}

    def run(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *argv], env={**env, **extra}, capture_output=True,
                              text=True, check=False, timeout=120)

    cold, warm, uncached = run(), run(), run(REGISTRY_NO_CACHE="1")
    full = run(REGISTRY_NO_CACHE="1", REGISTRY_HISTORY_FULL="1")
    assert cold.returncode == warm.returncode == uncached.returncode == full.returncode == 0, cold.stderr
    assert cold.stdout == warm.stdout == uncached.stdout == full.stdout and '"czj"' in warm.stdout
    assert "HEAVY []" in warm.stderr, warm.stderr
    # a history read for the first time: registry.yaml and the systems surely valid (registry.shapes)
    assert "pydantic" not in cold.stderr and "pydantic" not in uncached.stderr, cold.stderr
    assert "pydantic" in full.stderr


def test_inventory_history_reports_a_bad_registry_yaml_after_a_cached_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = seeded(tmp_path).path
    assert main(["--root", str(root), "inventory", "--history"]) == 0
    capsys.readouterr()
    (root / "registry.yaml").write_text(yaml_text({**REGISTRY, "base_branch": ["x"]}), encoding="utf-8")
    assert main(["--root", str(root), "inventory", "--history"]) == 2
    err = capsys.readouterr().err
    assert "registry.yaml" in err and "base_branch" in err and "Traceback" not in err
