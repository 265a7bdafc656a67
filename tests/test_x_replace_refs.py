"""Attack on every cache keyed by a git blob id: ``git replace`` makes git answer a blob id with
another blob's bytes, so whatever the tool reads through git under a replace ref and keeps by
that id (the record cache, the per-blob history fields, the site's change sentences, diff's base
findings) would later be served for the id's real content. A cached run must answer exactly
what an uncached run answers, with or without replace refs, before or after they are removed.
"""
from __future__ import annotations

import json
from pathlib import Path

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from gitrepo import GitRepo
from test_x_stale_tree import Runner, runner  # noqa: F401  (fixture)

RECORD = "systems/czj/czj-asset.yaml"  # retired: the quxian registry is clean with it


TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)


def quxian(tmp_path: Path) -> tuple[Path, GitRepo]:
    return committed_fixture("quxian", tmp_path)


def replace_blob(repo: GitRepo, path: str, old: str, new: str) -> str:
    """Replace the committed blob of ``path`` by the same text with ``old`` written as ``new``;
    the replaced blob id."""
    blob = repo.git("rev-parse", f"HEAD:{path}")
    text = repo.git("cat-file", "blob", blob) + "\n"
    other = repo.git("hash-object", "-w", "--stdin", input=text.replace(old, new).encode("utf-8"))
    repo.git("replace", blob, other)
    return blob


def test_a_blob_read_under_a_replace_ref_never_stands_for_the_working_tree_file(
        tmp_path: Path, runner: Runner) -> None:
    root, repo = quxian(tmp_path)
    original = (root / RECORD).read_bytes()
    blob = replace_blob(repo, RECORD, "status: retired", "status: bogus")
    (root / RECORD).write_bytes(original + b"# \xe6\x94\xb9\n")  # the working tree differs: --base reads HEAD's blob
    runner.run(root, "check", "--today", TODAY, "--base", "HEAD", "--format", "json")
    (root / RECORD).write_bytes(original)  # back to the committed bytes: blob id == ``blob``
    for removed in (False, True):
        if removed:
            repo.git("replace", "-d", blob)
        warm = runner.run(root, "check", "--today", TODAY, "--format", "json")
        cold = runner.run(root, "check", "--today", TODAY, "--format", "json", cached=False)
        assert cold[0] == 0, cold[1]
        assert warm == cold


def test_inventory_history_is_the_same_with_and_without_its_per_blob_cache_around_a_replace_ref(
        tmp_path: Path, runner: Runner) -> None:
    root, repo = quxian(tmp_path)
    blob = replace_blob(repo, "systems/czj/czj-budget.yaml", "unit: czj", "unit: dsj")
    runner.run(root, "inventory", "--history", "--today", TODAY, "--format", "json")  # fills the per-blob cache
    repo.git("replace", "-d", blob)
    warm = runner.run(root, "inventory", "--history", "--today", TODAY, "--format", "json")
    cold = runner.run(root, "inventory", "--history", "--today", TODAY, "--format", "json", cached=False)
    assert cold[0] == 0
    assert warm == cold
    assert json.loads(cold[1])  # something was compared
