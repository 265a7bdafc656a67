"""What the cache tests share: signing keys kept away from the user's, and a registry built
from a case table below ``tmp_path``.

A test module binds the fixture by importing it (pytest finds fixtures in the module's
namespace): ``from cachekit import own_signing_key``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casekit import build_registry
from registry import cache


@pytest.fixture(autouse=True)
def own_signing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache keys live under XDG_CACHE_HOME: keep the tests' away from the user's, and let the
    cache run even where the environment turned it off."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)


def registry_of(tmp_path: Path, case: dict[str, Any]) -> Path:
    """The registry ``case`` describes, built at ``tmp_path/registry``."""
    path = tmp_path / "registry"
    build_registry(path, case)
    return path
