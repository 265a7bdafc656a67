"""``check --staged`` keeps what it learnt of git's index in the cache (a tree's listing, and
p23's listing held beside the snapshot's summary: the tree T and the differences it applied).
Each scene leaves a warm cache made in one state and asks in another — a cache directory
copied from a clone at another commit (signed with the same user's key, so genuine), a second
index (``GIT_INDEX_FILE``) used between runs on the default one, HEAD moved by commit, ``reset
--soft``, ``commit --amend`` and ``checkout`` of a branch 300 files away and back, the staged
differences undone one by one, the registry moved into a sub-folder with its cache — and the
warm run must say exactly what a check of a clean clone of the commit's content says.
"""
from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import GitRepo
from registry.cachestore import CACHE_DIR
from test_x_staged import NEW, PROJECT, RECORD, Scene, check

BROKEN = "status: bogus"


def _broken(s: Scene, path: str = RECORD) -> None:
    s.write(path, s.text(path).replace("status: operating", BROKEN))


def _warm(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(root, capsys, "--staged")
    check(root, capsys, "--staged")


def _many(s: Scene, count: int, tag: str) -> None:
    for i in range(count):
        s.write(f"systems/czj/czj-{tag}{i}.yaml", NEW.replace("czj-new", f"czj-{tag}{i}").replace("status: operating",
                                                                                                      "status: retired\nretired_on: 2025-01-01\nretirement_ref: 金大数据发〔2025〕1号"))


def copied_cache_from_a_clone(s: Scene, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    other = GitRepo(tmp_path / "other")
    s.git("clone", "-q", str(s.top), str(other.path))
    other.write(RECORD, (other.path / RECORD).read_text("utf-8").replace("status: operating", BROKEN))
    other.write("systems/czj/czj-extra.yaml", NEW.replace("czj-new", "czj-extra"))
    other.commit("另一个克隆的提交")
    other.write(PROJECT, (other.path / PROJECT).read_text("utf-8") + "nmae: x\n")
    other.git("add", "-A")
    _warm(other.path, capsys)  # the other clone's cache: its commit and its index
    s.write("systems/czj/czj-new.yaml", NEW)
    s.git("add", "-A")
    _warm(s.root, capsys)
    shutil.rmtree(s.root / CACHE_DIR)
    shutil.copytree(other.path / CACHE_DIR, s.root / CACHE_DIR)


def second_index_between_runs(s: Scene, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(s)
    s.git("add", RECORD)
    _warm(s.root, capsys)
    other_index = tmp_path / "other.index"
    shutil.copy(s.top / ".git" / "index", other_index)
    s.env["GIT_INDEX_FILE"] = str(other_index)
    s.git("reset", "-q", "--", RECORD)  # the other index: back to HEAD's record
    s.write("systems/czj/czj-new.yaml", NEW)
    s.git("add", "systems/czj/czj-new.yaml")
    with monkeypatch.context() as env:
        env.setenv("GIT_INDEX_FILE", str(other_index))
        _warm(s.root, capsys)
    del s.env["GIT_INDEX_FILE"]  # the scene asks with the default index again


def head_moves(s: Scene, capsys: pytest.CaptureFixture[str], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(s)
    s.git("add", "-A")
    _warm(s.root, capsys)
    s.git("commit", "-qm", "坏的提交")
    _warm(s.root, capsys)
    s.git("reset", "-q", "--soft", "HEAD~1")
    _warm(s.root, capsys)
    s.write(RECORD, s.text().replace(BROKEN, "status: operating"))
    s.write("systems/czj/czj-fix.yaml", NEW.replace("czj-new", "czj-fix"))
    s.git("add", "-A")
    s.git("commit", "-qm", "修好")
    _warm(s.root, capsys)
    s.write(PROJECT, s.text(PROJECT) + "nmae: x\n")
    s.git("add", PROJECT)
    s.git("commit", "-q", "--amend", "-m", "修好（改）")
    _warm(s.root, capsys)
    s.write("systems/czj/czj-new.yaml", NEW.replace("online_since: 2025-01-01\n", ""))
    s.git("add", "-A")


def far_branch_and_back(s: Scene, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    s.git("checkout", "-qb", "far")
    _many(s, 300, "far")
    s.git("add", "-A")
    s.git("commit", "-qm", "300 个系统")
    _warm(s.root, capsys)
    s.git("checkout", "-q", "main")
    _warm(s.root, capsys)
    s.git("checkout", "-q", "far")
    _warm(s.root, capsys)
    s.git("checkout", "-q", "main")
    _broken(s)
    s.git("add", RECORD)


def undone_one_by_one(s: Scene, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(s)
    s.write("systems/czj/czj-new.yaml", NEW)
    s.git("rm", "-q", "--cached", "systems/czj/czj-nontax.yaml")
    s.write("docs/新附件.pdf", "附件")
    s.git("add", "-A")
    _warm(s.root, capsys)
    s.git("reset", "-q", "--", "systems/czj/czj-new.yaml")
    _warm(s.root, capsys)
    s.git("reset", "-q", "--", "systems/czj/czj-nontax.yaml")
    _warm(s.root, capsys)
    s.git("reset", "-q", "--", RECORD)
    _warm(s.root, capsys)
    s.git("add", RECORD)  # and staged once more


SCENES: dict[str, Callable[[Scene, pytest.CaptureFixture[str], Path, pytest.MonkeyPatch], None]] = {
    "copied-cache-from-a-clone": copied_cache_from_a_clone,
    "second-index-between-runs": second_index_between_runs,
    "head-moves": head_moves,
    "far-branch-and-back": far_branch_and_back,
    "undone-one-by-one": undone_one_by_one,
}


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_a_warm_cache_from_another_state_says_what_a_clean_check_says(scene: str, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    monkeypatch.chdir(s.root)
    SCENES[scene](s, capsys, tmp_path, monkeypatch)
    clean = s.clean(tmp_path)
    monkeypatch.chdir(clean)  # (PATHS are named from the registry's own folder)
    expected = check(clean, capsys, "--no-cache")
    expected_paths = check(clean, capsys, "--no-cache", RECORD, PROJECT)
    monkeypatch.chdir(s.root)
    for _ in range(2):
        assert check(s.root, capsys, "--staged") == expected
        assert check(s.root, capsys, "--staged", RECORD, PROJECT) == expected_paths
    assert check(s.root, capsys, "--staged", "--no-cache") == expected


def test_the_registry_moved_into_a_sub_folder_with_its_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    _broken(s)
    s.git("add", "-A")
    _warm(s.root, capsys)
    sub = s.top / "登记簿"
    sub.mkdir()
    for entry in list(s.top.iterdir()):
        if entry.name not in (".git", "登记簿"):
            entry.rename(sub / entry.name)
    s.git("add", "-A")
    moved = copy.copy(s)
    moved.root, moved.sub = sub, "登记簿"
    monkeypatch.chdir(sub)
    clean = moved.clean(tmp_path)
    expected = check(clean, capsys, "--no-cache")
    for _ in range(2):
        assert check(sub, capsys, "--staged") == expected
