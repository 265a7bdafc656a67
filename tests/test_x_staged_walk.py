"""A seeded random walk over git's index for ``registry check --staged``, whose warm runs keep a
tree's listing in the cache and patch it with the index's differences from that tree.

Each step changes the index (and often HEAD) in one way — stage an edit, a broken edit, a new
record, a deletion, a symlink by ``update-index --cacheinfo``, ``add -N``, ``rm
--cached``, ``reset`` (whole or one path), ``read-tree`` of an older tree, ``commit``, ``commit
--amend``, a forced switch of branch, HEAD moved under the index (``symbolic-ref``), ``reset --soft HEAD~``, ``stash``/``pop``, a burst of 300 staged
files (past the listing's re-base limit) — then ``check --staged`` warm must say what ``check``
of a clean clone of the commit's content says (and, every few steps, uncached and with
``--base`` the first commit). ``REGISTRY_WALK_STEPS`` lengthens the walk.
"""
from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from test_x_staged import NEW, RECORD, Scene, check

STEPS = int(os.environ.get("REGISTRY_WALK_STEPS", "14"))


def assert_same(got: tuple[int, Any], want: tuple[int, Any], done: list[str]) -> None:
    """``got == want``, else the findings on one side only (a readable failure)."""
    if got == want:
        return
    if isinstance(got[1], dict) and isinstance(want[1], dict):
        mine = {json.dumps(f, ensure_ascii=False, sort_keys=True) for f in got[1]["findings"]}
        clean = {json.dumps(f, ensure_ascii=False, sort_keys=True) for f in want[1]["findings"]}
        pytest.fail(f"after {done}: exit {got[0]} vs clean {want[0]}\nonly staged: {sorted(mine - clean)[:5]}\n"
                    f"only clean: {sorted(clean - mine)[:5]}\nsummary {got[1]['summary']} vs {want[1]['summary']}")
    pytest.fail(f"after {done}: {got} vs clean {want}")


def _records(s: Scene) -> list[str]:
    listed = s.git("ls-files", "-z", "systems", "projects")
    return [p for p in listed.split("\0") if p.endswith(".yaml")]


def _new(s: Scene, pick: random.Random) -> str:
    number = pick.randrange(10_000)
    return NEW.replace("czj-new", f"czj-n{number}").replace("新系统", f"新系统{number}")


def step(s: Scene, pick: random.Random) -> str:
    records = _records(s) or [RECORD]
    path = pick.choice(records)
    action = pick.choice(["edit", "edit", "broken", "new", "new", "delete", "link", "ita", "rm-cached",
                          "reset-path", "reset", "read-tree", "commit", "commit", "amend", "branch", "move-head", "soft-reset",
                          "stash", "burst", "untracked"])
    if action in ("edit", "broken"):
        text = s.git("show", f":{path}") + "\n"
        text += "# 修改\n" if action == "edit" else "nmae: 错字\n"
        s.stage(path, s.blob(text))
    elif action == "new":
        text = _new(s, pick)
        s.stage(f"systems/czj/{text.split()[1]}.yaml", s.blob(text))
    elif action == "delete":
        s.git("rm", "-q", "--cached", "--ignore-unmatch", path)
    elif action == "link":  # (a link over a record: see test_x_staged's note on CHG002)
        s.stage(f"systems/czj/link-{pick.randrange(9)}.yaml", s.blob("../dsj/dsj-portal.yaml"), "120000")
    elif action == "ita":
        text = _new(s, pick) + "nmae: x\n"
        s.write(f"systems/czj/ita-{pick.randrange(99)}.yaml", text)
        s.git("add", "-N", "systems/czj")
    elif action == "rm-cached":
        s.git("rm", "-rq", "--cached", "--ignore-unmatch", "systems/czj")
    elif action == "reset-path":
        s.git("reset", "-q", "--", path)
    elif action == "reset":
        s.git("reset", "-q")
    elif action == "read-tree":
        s.git("read-tree", s.main)
    elif action in ("commit", "amend"):
        if action == "amend" and s.git("rev-list", "--count", "HEAD") == "1":
            return "amend (root: skipped)"
        if s.git("status", "--porcelain", "--untracked-files=no"):
            s.git("commit", "-q", "--no-verify", "-m", action, *(["--amend"] if action == "amend" else []))
    elif action == "branch":  # a forced switch: index and work tree become the branch's
        name = pick.choice(["main", "b1", "b2"])
        s.git("checkout", "-q", "-f", *(["main"] if name == "main" else ["-B", name]))
    elif action == "move-head":  # HEAD moved under the index (symbolic-ref): the index stays as it is
        commits = s.git("rev-list", "--all").split()
        s.git("update-ref", "refs/heads/moved", pick.choice(commits))
        s.git("symbolic-ref", "HEAD", "refs/heads/moved")
    elif action == "soft-reset":
        if s.git("rev-list", "--count", "HEAD") != "1":
            s.git("reset", "-q", "--soft", "HEAD~")
    elif action == "stash":
        if s.git("status", "--porcelain", "--untracked-files=no"):
            s.git("stash", "-q")
            if pick.random() < 0.5:
                s.git("stash", "pop", "-q", "--index")
    elif action == "burst":
        oid = s.blob("# 同一内容\n" + _new(s, pick))
        lines = "".join(f"100644 {oid}\tsystems/czj/b{i:03}.yaml\n" for i in range(300))
        s.git("update-index", "--add", "--index-info", input=lines.encode())
    else:  # an untracked draft: never part of the commit
        s.write(f"systems/czj/draft-{pick.randrange(9)}.yaml", _new(s, pick) + "nmae: x\n")
    return action


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("REGISTRY_WALK_SEEDS", "1,2").split(",")])
def test_a_walk_over_the_index_never_gets_a_stale_staged_verdict(seed: int, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    s = Scene(tmp_path / "walk")
    pick = random.Random(seed)
    check(s.root, capsys, "--staged")  # the cache's first listing
    done = []
    for number in range(STEPS):
        try:
            done.append(step(s, pick))
        except AssertionError as refused:  # git refused the step (nothing to commit, a stash it cannot make …)
            done.append(f"refused by git: {str(refused).splitlines()[0]}")
        clean_at = tmp_path / f"clean{number}"
        clean_at.mkdir()
        clean = check(s.clean(clean_at), capsys, "--no-cache")
        assert_same(check(s.root, capsys, "--staged"), clean, done)
        if number % 4 == 3:
            assert_same(check(s.root, capsys, "--staged", "--no-cache"), clean, done)
            based = check(s.clean(clean_at / "b"), capsys, "--no-cache", "--base", s.main)
            assert_same(check(s.root, capsys, "--staged", "--base", s.main), based, [*done, "--base"])
