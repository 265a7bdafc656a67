"""Build the catalog site of a fixture registry with the project's own mkdocs.yml, site/ and
hooks/, the way a registry repository does (``mkdocs build --strict``), once per session."""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = "2025-12-01"
REPO_URL = "https://github.com/example/registry"


@dataclasses.dataclass(frozen=True)
class Built:
    root: Path  # the registry (with mkdocs.yml next to registry.yaml)
    public: Path  # the built site
    log: str  # everything mkdocs printed


def stage(registry: Path, target: Path) -> Path:
    """Copy a fixture registry and the site sources (mkdocs.yml, site/, hooks/) to ``target``."""
    shutil.copytree(registry, target)
    shutil.copy(PROJECT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(PROJECT / "site", target / "site")
    shutil.copytree(PROJECT / "hooks", target / "hooks")
    return target


def mkdocs_build(root: Path, *, today: str = TODAY, check: bool = True,
                 repo_url: str | None = REPO_URL) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict``, with REGISTRY_REPO_URL set to ``repo_url`` (None: unset)."""
    env = {**os.environ, "REGISTRY_TODAY": today, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("REGISTRY_REPO_URL", None)
    if repo_url is not None:
        env["REGISTRY_REPO_URL"] = repo_url
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"mkdocs build failed ({done.returncode}):\n{done.stderr}")
    return done


_built: dict[str, Built] = {}


def built(name: str, factory: pytest.TempPathFactory) -> Built:
    """The built site of ``tests/fixtures/<name>``, built once per test session."""
    if name not in _built:
        root = stage(FIXTURES / name, factory.mktemp(f"site-{name}") / "registry")
        done = mkdocs_build(root)
        _built[name] = Built(root, root / "public", done.stdout + done.stderr)
    return _built[name]


_copies: dict[str, Path] = {}


def fixture_copy(name: str, factory: pytest.TempPathFactory) -> Path:
    """A session-wide copy of ``tests/fixtures/<name>``: checking writes its cache
    (.registry-cache/) into the registry root, which must not be the source tree."""
    if name not in _copies:
        target = factory.mktemp(f"copy-{name}") / name
        shutil.copytree(FIXTURES / name, target)
        _copies[name] = target
    return _copies[name]


def built_demo(factory: pytest.TempPathFactory) -> Built:
    """The built site of the project's own demo registry (金乡县), built once per session."""
    if "(demo)" not in _built:
        root = factory.mktemp("site-demo") / "registry"
        root.mkdir()
        shutil.copy(PROJECT / "registry.yaml", root / "registry.yaml")
        for folder in ("systems", "projects", "docs", "site", "hooks"):
            shutil.copytree(PROJECT / folder, root / folder)
        shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
        done = mkdocs_build(root)
        _built["(demo)"] = Built(root, root / "public", done.stdout + done.stderr)
    return _built["(demo)"]
