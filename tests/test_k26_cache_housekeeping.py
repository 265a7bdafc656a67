"""The cache directory's housekeeping (registry.cachestore): the temporary files a killed run
left are removed — only ours, only old ones, never one a running check is writing — and the
directories of tool builds used lately are kept (several checkouts of the tool on one registry
no longer evict each other's caches)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry import cachestore
from registry.cli import main

_HOUR = 3600
_DAY = 24 * _HOUR


def _aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def test_only_our_old_temporary_files_are_swept(tmp_path: Path) -> None:
    store = cachestore.Store(tmp_path / "build", b"k" * 32)
    (store.directory / "runs").mkdir(parents=True)
    hexa = "0123456789abcdef"
    left = [store.directory / f".tmp-{hexa}", store.directory / f".clock-{hexa}", store.directory / "runs" / f".tmp-{hexa}"]
    kept = [store.directory / f".tmp-{hexa[::-1]}",  # being written now
            store.directory / ".tmp-0123",  # not a name the store gives
            store.directory / f".tmp-{hexa.upper()}", store.directory / "records.index"]
    for path in [*left, *kept]:
        path.write_bytes(b"data")
    for path in left + kept[1:]:
        _aged(path, 2 * _HOUR)
    (store.directory / f".tmp-{'a' * 16}").mkdir()  # a folder of that name: not ours
    _aged(store.directory / f".tmp-{'a' * 16}", 2 * _HOUR)
    os.symlink("records.index", store.directory / f".tmp-{'b' * 16}")
    _aged(store.directory / f".tmp-{'b' * 16}", 2 * _HOUR)
    store.sweep()
    assert not any(path.exists() for path in left)
    assert all(path.exists() for path in kept)
    assert (store.directory / f".tmp-{'a' * 16}").is_dir() and (store.directory / f".tmp-{'b' * 16}").is_symlink()


def test_a_killed_runs_temporary_file_goes_with_the_next_summary_written(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    args = ["--root", str(root), "check", "--staged", "--format", "json", "--today", "2026-06-30"]
    main(args)
    first = capsys.readouterr().out
    store = cachestore.Store.open(root)
    assert store is not None
    killed = store.directory / f".tmp-{'c' * 16}"
    killed.write_bytes(b"x" * 1000)
    _aged(killed, 2 * _HOUR)
    (repo.path / "systems/czj/czj-new.yaml").write_bytes((repo.path / "systems/czj/czj-asset.yaml").read_bytes())
    repo.git("add", "-A")  # (a new record: the summary is written whole)
    main(args)
    assert json.loads(capsys.readouterr().out) != json.loads(first)  # (the copy's id is taken twice)
    assert not killed.exists()


def _builds(top: Path) -> list[str]:
    return sorted(p.name for p in top.iterdir() if p.is_dir())


def test_builds_used_lately_are_kept_up_to_a_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "registry"
    top = root / cachestore.CACHE_DIR
    ages = {"new1": 0.1, "new2": 0.2, "new3": 0.3, "week1": 2, "week2": 3, "week3": 5, "week4": 6, "week5": 6.5,
            "old1": 8, "old2": 30}
    for name, days in ages.items():
        (top / name).mkdir(parents=True)
        _aged(top / name, days * _DAY)
    monkeypatch.setattr(cachestore, "fingerprint", lambda: "fresh" + "0" * 30)
    assert cachestore.Store.open(root) is not None
    # the new one, the 3 newest, and the builds of the last 7 days up to 8 in all
    assert _builds(top) == sorted(["fresh000000000000000", "new1", "new2", "new3", "week1", "week2", "week3", "week4"])


def test_a_build_in_use_is_marked_as_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "registry"
    monkeypatch.setattr(cachestore, "fingerprint", lambda: "inuse" + "0" * 30)
    store = cachestore.Store.open(root)
    assert store is not None
    _aged(store.directory, 3 * _DAY)
    assert cachestore.Store.open(root) is not None
    assert time.time() - store.directory.stat().st_mtime < _HOUR
    for name, days in (("a", 10), ("b", 11), ("c", 12), ("d", 13)):
        (store.directory.parent / name).mkdir()
        _aged(store.directory.parent / name, days * _DAY)
    monkeypatch.setattr(cachestore, "fingerprint", lambda: "other" + "0" * 30)
    assert cachestore.Store.open(root) is not None  # (a fresh build: the three newest stay, the one in use among them)
    assert _builds(store.directory.parent) == sorted(["a", "inuse000000000000000", "other000000000000000"])
