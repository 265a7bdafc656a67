"""Attacks on what the caches key on besides the record files (regression tests: all held): the
output language and format, the date, registry.yaml (profiles, units, the base branch the
history follows), the environment (the history's full reader, the cache switch), and a cache
directory written by another tool build or another registry. A warm run answers exactly what
a run without any cache answers.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry import blobfields, cachestore
from registry.cache import CACHE_DIR
from test_x_stale_tree import Runner, runner  # noqa: F401  (fixture)

TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)


def broken(root: Path) -> None:
    path = root / "systems/czj/czj-asset.yaml"
    path.write_text(path.read_text("utf-8").replace("status: retired", "status: invalid"), "utf-8")


def test_language_format_and_date_switched_between_cached_runs(tmp_path: Path, runner: Runner) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    broken(root)
    outputs = set()
    for lang in ("zh", "en", "zh"):
        for form in ("json", "text", "sarif", "junit", "github"):
            for day in (TODAY, "2031-01-01"):
                code, out, _err = runner.same(root, "--lang", lang, "check", "--today", day, "--format", form)
                assert code == 1
                outputs.add(out)
    assert len(outputs) == 20  # every language, format and date says something of its own


def test_registry_yaml_edits_between_cached_runs(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    config = root / "registry.yaml"
    original = config.read_text("utf-8")
    repo.branch("release")
    (root / "systems/czj/czj-asset.yaml").unlink()
    repo.commit("发布分支删去一个系统")
    repo.switch("main")
    variants = [
        original,
        original.replace("profiles: [quxian]", "profiles: [quxian, potou]"),
        original + "disabled_rules:\n  - rule: REG013\n    reason: 试运行期间暂不检查\n",
        original.replace("base_branch: main", "base_branch: release") if "base_branch: main" in original
        else original + "base_branch: release\n",
        original.replace("czj", "czx"),  # a unit renamed: every czj record now names an unknown unit
        original,
    ]
    for text in variants:
        config.write_text(text, "utf-8")
        for args in (("check", "--today", TODAY, "--format", "json"),
                     ("inventory", "--history", "--today", TODAY, "--format", "json"),
                     ("inventory", "--today", TODAY, "--format", "json")):
            runner.same(root, *args)


def test_the_history_readers_switch_and_the_cache_switch_between_runs(tmp_path: Path, runner: Runner,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    broken(root)
    repo.commit("一个坏记录")
    args = ("inventory", "--history", "--today", TODAY, "--format", "json")
    expected = runner.same(root, *args)
    monkeypatch.setenv(blobfields.FULL_ENV, "1")
    assert runner.same(root, *args) == expected
    monkeypatch.delenv(blobfields.FULL_ENV)
    assert runner.run(root, *args) == expected


def test_a_cache_written_by_another_tool_build_is_never_read(tmp_path: Path, runner: Runner,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    args = ("check", "--today", TODAY, "--format", "json")
    clean = runner.same(root, *args)
    broken(root)
    with monkeypatch.context() as other:
        other.setattr(cachestore, "fingerprint", lambda: "0" * 64)  # another build of the tool
        assert runner.same(root, *args)[0] == 1
    assert runner.same(root, *args)[0] == 1
    (root / "systems/czj/czj-asset.yaml").write_text(
        (root / "systems/czj/czj-asset.yaml").read_text("utf-8").replace("status: invalid", "status: retired"), "utf-8")
    assert runner.run(root, *args) == clean


def test_a_cache_copied_from_another_registry_answers_for_this_one(tmp_path: Path, runner: Runner) -> None:
    """Everything in it is keyed by content (or by this tree's inodes, which another tree has
    not): the other registry's reports, records and per-blob fields are either right here too
    or never found."""
    first, _ = committed_fixture("quxian", tmp_path / "one")
    second, _ = committed_fixture("quxian", tmp_path / "two")
    broken(second)
    for args in (("check", "--today", TODAY, "--format", "json"),
                 ("inventory", "--history", "--today", TODAY, "--format", "json"),
                 ("diff", "--today", TODAY, "--base", "HEAD", "--format", "json")):
        runner.same(first, *args)
        shutil.rmtree(second / CACHE_DIR, ignore_errors=True)
        shutil.copytree(first / CACHE_DIR, second / CACHE_DIR)
        runner.same(second, *args)
